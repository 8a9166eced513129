"""Severity steps, finding priority and the remediation plan (docs/RULES.md)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .model import SEVERITIES

POINTS = {"critical": 10, "high": 5, "medium": 2, "low": 1, "info": 0}
SENSITIVITY_NAMES = {0: "public", 1: "internal", 2: "confidential", 3: "restricted"}


RANKS = {severity: index for index, severity in enumerate(SEVERITIES)}


def rank(severity: str) -> int:
    """0 for info up to 4 for critical."""
    return RANKS[severity]


@dataclass
class Steps:
    """A base severity and the steps applied to it, printed as the finding's arithmetic.

    Severity = base + steps, clamped once at the end to info..critical, never below the
    floor: "high, +1 PAN, +1 internet -> critical".
    """

    base: str
    floor: str = "info"
    basis: str = ""  # why the base is what it is, when a rule picks it by case
    steps: list[tuple[int, str]] = field(default_factory=list)

    def step(self, delta: int, reason: str) -> Steps:
        if delta:
            self.steps.append((delta, reason))
        return self

    def sensitivity(self, s: int, tags: tuple[str, ...] = (), *, named: bool = False) -> Steps:
        """S = 4: +1 (names the regulated tags); S <= 1: -1.

        `named`: the base already names the sensitivity case (restricted data, PAN in
        logs), so there is no +1 on top of it; the -1 for public or internal data still
        applies (docs/RULES.md "Severity").
        """
        if s >= 4 and named:
            return self
        if s >= 4:
            regulated = [t.upper() if t in ("pan", "phi") else t for t in tags] or ["regulated"]
            return self.step(+1, "/".join(dict.fromkeys(regulated)) + " data")
        if s <= 1:
            return self.step(-1, f"only {SENSITIVITY_NAMES[s]} data")
        return self

    def exposure(self, x: int) -> Steps:
        """X >= 3: +1 (internet or third party); X = 1: -1 (one boundary)."""
        if x >= 4:
            return self.step(+1, "internet")
        if x == 3:
            return self.step(+1, "third party")
        if x == 1:
            return self.step(-1, "inside one boundary")
        return self

    def blast(self, radius: int, threshold: int) -> Steps:
        if radius >= threshold:
            return self.step(+1, f"blast radius {radius} >= {threshold}")
        return self

    def _unclamped(self) -> int:
        value = RANKS[self.base]
        for delta, _ in self.steps:
            value += delta
        return value

    @property
    def severity(self) -> str:
        value = max(RANKS[self.floor], min(self._unclamped(), len(SEVERITIES) - 1), 0)
        return SEVERITIES[value]

    @property
    def text(self) -> str:
        base = f"{self.base} ({self.basis})" if self.basis else self.base
        if not self.steps:
            result = self.severity
            if result == self.base:
                return base
            return f"{base} -> {result}" + self._floor_note(self._unclamped())
        parts = [base] + [f"{delta:+d} {reason}" for delta, reason in self.steps]
        unclamped = self._unclamped()
        return f"{', '.join(parts)} -> {self.severity}{self._floor_note(unclamped)}"

    def _floor_note(self, unclamped: int) -> str:
        if self.floor != "info" and unclamped < RANKS[self.floor]:
            return f" (floor {self.floor})"
        return ""


def weight(severity: str, blast_radius: int) -> float:
    """Points x (1 + log2 B): what one finding adds to its plan item's score."""
    return POINTS[severity] * (1 + math.log2(max(blast_radius, 1)))


def priority(severity: str, blast_radius: int, effort: int) -> float:
    return weight(severity, blast_radius) / effort
