"""Review decisions from a `ciphermap-decisions/1` file, applied to an analysis.

The web app exports the decisions a review recorded (`manage.py export_decisions`); the
CLI reads them back so a CI gate respects them: an accepted risk (until its expiry) and a
false positive no longer count toward `--fail-on`. A decision is keyed by the finding's
fingerprint; one whose fingerprint matches no finding is *stale* (the finding was fixed,
or the model changed), which is reported but is not an error.

The reader is strict: every field is checked, and a bad file raises `DecisionsError`
listing each problem where it is
(`decisions[2].expires: expected a date (YYYY-MM-DD), got 'tomorrow'`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .analysis import Analysis, Finding
from .dates import read_date
from .load import ModelError, Problem, parse_text

FORMAT = "ciphermap-decisions/1"
# Recorded by people: open, in-discussion, mitigate, accept, false-positive.
# Computed by the app and exported as they stand: fixed, expired, reopened.
STATES = (
    "open",
    "in-discussion",
    "mitigate",
    "accept",
    "false-positive",
    "fixed",
    "expired",
    "reopened",
)
FIELDS = (
    "fingerprint",
    "rule",
    "subject",
    "state",
    "justification",
    "reason",
    "owner",
    "due",
    "expires",
    "approved_by",
    "decided_at",
    "review",
)
REQUIRED = ("fingerprint", "rule", "subject", "state")
# What each state needs besides the required fields.
NEEDS = {
    "accept": ("justification", "expires", "approved_by"),
    "false-positive": ("reason",),
    "mitigate": ("owner", "due"),
}
MAX_TEXT = 10_000


class DecisionsError(ValueError):
    """A decisions file that cannot be used; `problems` lists every reason."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass(frozen=True, slots=True)
class Decision:
    """One finding's decision as the review left it."""

    fingerprint: str
    rule: str
    subject: tuple[str, ...]
    state: str
    justification: str = ""
    reason: str = ""
    owner: str = ""
    due: date | None = None
    expires: date | None = None
    approved_by: str = ""
    decided_at: str = ""
    review: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "fingerprint": self.fingerprint,
            "rule": self.rule,
            "subject": list(self.subject),
            "state": self.state,
            "justification": self.justification or None,
            "reason": self.reason or None,
            "owner": self.owner or None,
            "due": self.due.isoformat() if self.due else None,
            "expires": self.expires.isoformat() if self.expires else None,
            "approved_by": self.approved_by or None,
            "decided_at": self.decided_at or None,
            "review": self.review or None,
        }

    def describe(self) -> str:
        subject = ", ".join(self.subject) or "?"
        return f"{self.state} {self.rule} on {subject} ({self.fingerprint}) matches no finding"


@dataclass(frozen=True, slots=True)
class Ruling:
    """A decision as it stands on a given day for the finding it matches."""

    decision: Decision
    status: str  # the state, or "expired" for an acceptance past its date
    suppressed: bool  # no longer counts toward --fail-on
    note: str  # one line for people: "accepted by carol until 2027-01-31: ..."

    @property
    def justification(self) -> str:
        return self.decision.justification or self.decision.reason

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.decision.to_dict(),
            "status": self.status,
            "counts": not self.suppressed,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class Outcome:
    """Decisions applied to one analysis: a ruling per decided finding, and the stale."""

    rulings: dict[str, Ruling]  # by fingerprint
    stale: tuple[Decision, ...]

    def ruling(self, finding: Finding) -> Ruling | None:
        return self.rulings.get(finding.fingerprint)

    def counts(self, finding: Finding) -> bool:
        """Whether the finding still counts toward --fail-on."""
        ruling = self.rulings.get(finding.fingerprint)
        return ruling is None or not ruling.suppressed

    def annotate(self, analysis: Analysis) -> dict[str, Any]:
        """The analysis as JSON, each finding with its `decision` (or null), and the stale."""
        document = analysis.to_dict()
        for finding, entry in zip(analysis.findings, document["findings"], strict=True):
            ruling = self.rulings.get(finding.fingerprint)
            entry["decision"] = ruling.to_dict() if ruling else None
        document["stale_decisions"] = [decision.to_dict() for decision in self.stale]
        return document


@dataclass(frozen=True, slots=True)
class DecisionSet:
    system: str
    decisions: tuple[Decision, ...]

    def apply(self, analysis: Analysis, today: date) -> Outcome:
        present = {finding.fingerprint for finding in analysis.findings}
        rulings = {
            d.fingerprint: _rule_on(d, today) for d in self.decisions if d.fingerprint in present
        }
        stale = tuple(d for d in self.decisions if d.fingerprint not in present)
        return Outcome(rulings=rulings, stale=stale)


def _rule_on(decision: Decision, today: date) -> Ruling:
    who = f" by {decision.approved_by}" if decision.approved_by else ""
    if decision.state == "accept" and decision.expires and decision.expires >= today:
        note = f"accepted{who} until {decision.expires.isoformat()}: {decision.justification}"
        return Ruling(decision, "accept", True, note)
    if decision.state in ("accept", "expired"):
        when = f" on {decision.expires.isoformat()}" if decision.expires else ""
        note = f"acceptance expired{when}: counts again"
        return Ruling(decision, "expired", False, note)
    if decision.state == "false-positive":
        return Ruling(decision, "false-positive", True, f"false positive: {decision.reason}")
    if decision.state == "mitigate":
        due = decision.due.isoformat() if decision.due else "?"
        note = f"mitigate: {decision.owner}, due {due}"
        if decision.due and decision.due < today:
            note += " (overdue)"
        return Ruling(decision, "mitigate", False, note)
    return Ruling(decision, decision.state, False, decision.state)


# --------------------------------------------------------------------------- reading


def load_decisions(source: str | bytes | Path | Mapping[str, Any]) -> DecisionSet:
    """Read and check a decisions file; raise DecisionsError listing every problem."""
    data: Any
    lines: Mapping[str, int]
    problems: list[Problem]
    if isinstance(source, Mapping):
        data, lines, problems = source, {}, []
    else:
        try:
            parsed = parse_text(source)
        except ModelError as error:
            raise DecisionsError(error.problems) from None
        data, lines, problems = parsed.data, parsed.lines, list(parsed.problems)
    reader = _Reader(lines, problems)
    result = reader.read(data)
    if reader.problems or result is None:
        raise DecisionsError(sorted(reader.problems, key=lambda problem: problem.line or 0))
    return result


class _Reader:
    def __init__(self, lines: Mapping[str, int], problems: list[Problem]) -> None:
        self.lines = lines
        self.problems = problems

    def report(self, location: str, message: str) -> None:
        line = self.lines.get(location)
        if line is None and "." in location:
            line = self.lines.get(location.rsplit(".", 1)[0])
        self.problems.append(Problem(location, message, line))

    def read(self, data: Any) -> DecisionSet | None:
        if not isinstance(data, Mapping):
            self.report("", f"expected a mapping with 'format: {FORMAT}', got {_describe(data)}")
            return None
        for key in data:
            if key not in ("format", "system", "decisions"):
                self.report(str(key), "unknown field (allowed: format, system, decisions)")
        if data.get("format") != FORMAT:
            self.report("format", f"expected '{FORMAT}', got {_describe(data.get('format'))}")
        system = data.get("system")
        if not isinstance(system, str) or not system.strip():
            self.report("system", f"expected the system's name, got {_describe(system)}")
        raw = data.get("decisions")
        if not isinstance(raw, list):
            self.report("decisions", f"expected a list, got {_describe(raw)}")
            return None
        decisions = [self.decision(item, f"decisions[{i}]") for i, item in enumerate(raw)]
        seen: dict[str, int] = {}
        for index, decision in enumerate(decisions):
            if decision is None:
                continue
            if decision.fingerprint in seen:
                self.report(
                    f"decisions[{index}].fingerprint",
                    f"'{decision.fingerprint}' is decided twice "
                    f"(also decisions[{seen[decision.fingerprint]}])",
                )
            seen.setdefault(decision.fingerprint, index)
        return DecisionSet(str(system), tuple(d for d in decisions if d is not None))

    def decision(self, item: Any, loc: str) -> Decision | None:
        if not isinstance(item, Mapping):
            self.report(loc, f"expected a mapping, got {_describe(item)}")
            return None
        before = len(self.problems)
        for key in item:
            if key not in FIELDS:
                self.report(f"{loc}.{key}", f"unknown field (allowed: {', '.join(FIELDS)})")
        for key in REQUIRED:
            if item.get(key) is None:
                self.report(f"{loc}.{key}", "required")
        state = item.get("state")
        if state is not None and state not in STATES:
            self.report(
                f"{loc}.state", f"unknown state {_describe(state)} (allowed: {', '.join(STATES)})"
            )
        for key in NEEDS.get(state, ()) if isinstance(state, str) else ():
            if item.get(key) in (None, ""):
                self.report(f"{loc}.{key}", f"required when the state is '{state}'")
        values = {key: self.value(key, item.get(key), f"{loc}.{key}") for key in FIELDS}
        if len(self.problems) > before:
            return None
        return Decision(**{key: value for key, value in values.items() if value is not None})

    def value(self, key: str, value: Any, loc: str) -> Any:
        if value is None:
            return None
        if key in ("due", "expires"):
            return self.date(value, loc)
        if key == "decided_at":
            return self.timestamp(value, loc)
        if key == "subject":
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
                return self.report(loc, f"expected a list of IDs, got {_describe(value)}")
            return tuple(value)
        if key == "review" and isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            return self.report(loc, f"expected text, got {_describe(value)}")
        if len(value) > MAX_TEXT:
            return self.report(loc, f"longer than {MAX_TEXT} characters")
        if key == "fingerprint" and not value.strip():
            return self.report(loc, "empty")
        return value

    def date(self, value: Any, loc: str) -> date | None:
        try:
            return read_date(value)
        except TypeError as error:
            self.report(loc, f"{error}, got {_shown(value)}")
        except ValueError as error:
            self.report(loc, str(error))
        return None

    def timestamp(self, value: Any, loc: str) -> str | None:
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, str):
            try:
                datetime.fromisoformat(value)
            except ValueError:
                pass
            else:
                return value
        self.report(loc, f"not a date and time {_shown(value)} (expected ISO 8601)")
        return None


def _shown(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else _describe(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"'{value[:40]}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return type(value).__name__


__all__ = [
    "FORMAT",
    "STATES",
    "Decision",
    "DecisionSet",
    "DecisionsError",
    "Outcome",
    "Ruling",
    "load_decisions",
]
