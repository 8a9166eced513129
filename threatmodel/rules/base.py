"""What a rule is: an ID, its catalog metadata and one small check function.

The catalog, rule by rule, is docs/RULES.md; the format the rules read, docs/MODEL.md.

A check reads the SystemGraph and yields Hits; `analyze` turns hits into Findings
(severity, fingerprint, plan item). Adding a rule touches one family module and one
test file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from ..graph import SystemGraph
from ..scoring import Steps


class Hit(NamedTuple):
    """One occurrence of a weakness, as a rule reports it (immutable; a NamedTuple for
    the reason Finding is one)."""

    subject: tuple[str, ...]
    steps: Steps
    evidence: str
    target: str  # the plan's fix target: element, boundary, key or data class ID
    title: str = ""  # defaults to the rule title with the subject's label
    path: tuple[str, ...] = ()  # element IDs along the path, when the rule is about one
    flows: tuple[str, ...] = ()  # flow IDs on that path, or the hop itself
    effort: int | None = None  # overrides the rule's effort class
    blast_radius: int = 1
    identity: tuple[str, ...] | None = None  # what the fingerprint hashes; default subject


Check = Callable[[SystemGraph], Iterator[Hit]]

# A finding's evidence stays readable however large the model: it names the first items
# and counts the rest, and the complete lists stay in the finding's subject and flows.
EVIDENCE_BUDGET = 2000
LISTED = 5


def listing(
    texts: Sequence[str], limit: int = LISTED, noun: str = "more", total: int | None = None
) -> str:
    """The first few of a list that may be long on a big system, "and N more" for the rest.

    `total` counts the whole list when the caller only made texts for its first items.
    """
    total = len(texts) if total is None else total
    shown = ", ".join(texts[:limit])
    return f"{shown} and {total - limit} {noun}" if total > limit else shown


def within(texts: Sequence[str], budget: int, separator: str = "; ", noun: str = "more") -> str:
    """As many of the texts as fit in `budget` characters (at least one), then
    "and N more" for the rest: for lists whose items vary in length, like journeys."""
    shown: list[str] = []
    used = 0
    for text in texts:
        if shown and used + len(separator) + len(text) > budget:
            break
        shown.append(text)
        used += len(text) + len(separator)
    rest = len(texts) - len(shown)
    joined = separator.join(shown)
    return f"{joined}{separator}and {rest} {noun}" if rest else joined


def bounded(evidence: str, budget: int = EVIDENCE_BUDGET) -> str:
    """The last guard on evidence length; rules shorten their own lists first, so this
    only cuts text that no rule expected to be long (a 2,000-character name)."""
    if len(evidence) <= budget:
        return evidence
    cut = evidence.rfind(" ", 0, budget - 20)
    return evidence[: cut if cut > budget // 2 else budget - 20] + " [... shortened]"


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    title: str
    family: str
    base: str
    effort: int
    fix: str  # plan item title, "{target}" is replaced by the target's label
    remediation: str
    references: tuple[str, ...]
    check: Check

    def describe(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "family": self.family,
            "base": self.base,
            "effort": self.effort,
            "fix": self.fix,
            "remediation": self.remediation,
            "references": list(self.references),
        }


REGISTRY: dict[str, Rule] = {}


def rule(
    id: str,
    *,
    title: str,
    base: str,
    effort: int,
    fix: str,
    remediation: str,
    references: tuple[str, ...],
) -> Callable[[Check], Check]:
    """Register a check under its catalog ID (the family is its module's name)."""

    def register(check: Check) -> Check:
        if id in REGISTRY:
            raise ValueError(f"rule {id!r} is registered twice")
        REGISTRY[id] = Rule(
            id=id,
            title=title,
            family=check.__module__.rsplit(".", 1)[-1],
            base=base,
            effort=effort,
            fix=fix,
            remediation=remediation,
            references=references,
            check=check,
        )
        return check

    return register
