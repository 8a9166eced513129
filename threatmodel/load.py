"""Read a MODEL.md document (YAML, JSON or a dict) into a `System`, or say precisely why not.

Every problem is collected before anything is raised, so a user fixes a document in one
round trip. A problem's location is always `section[index].field[.subfield]` (for example
`flows[3].tls.min_version`): the web app maps it onto form fields, the CLI prints it with
the YAML line.

Documents come from users, so parsing is defensive: a nesting limit, no object
construction (only plain YAML scalars), a budget on alias expansion so that a "billion
laughs" document fails in microseconds instead of exhausting memory, and a size cap for
callers that pass one (uploads do; local files and the library have none by default).

JSON text is read by the json module alone; the line of each item is worked out only when
something asks for it (an error message, SARIF), by one YAML pass over the same text.
"""

from __future__ import annotations

import difflib
import json
import math
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from sys import intern
from typing import Any

import yaml

from threatmodel import schema
from threatmodel.dates import ISO_DATE, read_date
from threatmodel.model import (
    ELEMENT_KINDS,
    ENCRYPTED_PROTOCOLS,
    ENCRYPTION_STRENGTH,
    FORMAT,
    PLAINTEXT_PROTOCOLS,
    PROTOCOLS,
    STORE_KINDS,
    TLS_VERSIONS,
    Boundary,
    DataClass,
    Element,
    Flow,
    Key,
    Policy,
    Position,
    Size,
    System,
    Tls,
)
from threatmodel.schema import MAX_ID_LENGTH, SECTION_NAMES, STORE_KEY_TYPES

__all__ = ["MAX_DEPTH", "ModelError", "Problem", "load", "parse_text"]

MAX_DEPTH = 32
# Nodes that aliases may add on top of what is written; real documents use a few anchors
# for shared `tls:` blocks, a billion-laughs document needs millions.
MAX_ALIAS_NODES = 10_000

SLUG = schema.ID_RULE
SECTIONS = SECTION_NAMES


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a document: where (`flows[3].to`), what, and the YAML line."""

    location: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        return f"{text} (line {self.line})" if self.line else text

    @property
    def section(self) -> str:
        """The top-level key the problem is in (`flows`), or "" for the whole document."""
        return re.split(r"[.\[]", self.location, maxsplit=1)[0]

    @property
    def index(self) -> int | None:
        """The item's position in its section (`flows[3]...` -> 3)."""
        match = re.match(r"\w+\[(\d+)\]", self.location)
        return int(match.group(1)) if match else None

    @property
    def field(self) -> str:
        """The field inside the item (`flows[3].tls.min_version` -> `tls.min_version`)."""
        match = re.match(r"\w+(?:\[\d+\])?\.?(.*)\Z", self.location)
        return match.group(1) if match else ""

    def to_dict(self) -> dict[str, Any]:
        return {"location": self.location, "message": self.message, "line": self.line}


class ModelError(ValueError):
    """A document that cannot be loaded; `problems` lists every reason."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class _Fatal(Exception):
    """Parsing cannot go on (syntax error, a safety limit): report this problem alone."""

    def __init__(
        self, message: str, location: str = "", line: int | None = None, *, limit: bool = False
    ) -> None:
        super().__init__(message)
        self.problem = Problem(location, message, line)
        self.limit = limit  # a safety limit, as opposed to a syntax error


# --------------------------------------------------------------------------- parsing


class LazyLines(Mapping[str, int]):
    """Lines of a document, worked out on first use: `flows[3].to` -> 42.

    Loading JSON needs no lines unless something goes wrong or a report points into the
    file, and working them out costs several times the load itself.
    """

    def __init__(self, compute: Callable[[], Mapping[str, int]]) -> None:
        self._compute: Callable[[], Mapping[str, int]] | None = compute
        self._lines: Mapping[str, int] = {}

    @property
    def _resolved(self) -> Mapping[str, int]:
        if self._compute is not None:
            compute, self._compute = self._compute, None
            self._lines = compute()
        return self._lines

    def __getitem__(self, key: str) -> int:
        return self._resolved[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._resolved)

    def __len__(self) -> int:
        return len(self._resolved)


@dataclass
class Parsed:
    """A parsed document with the line of every key and list item (`flows[3].to` -> 42)."""

    data: Any
    lines: Mapping[str, int]
    problems: list[Problem]


def parse_text(
    source: str | bytes | Path,
    *,
    max_bytes: int | None = None,
    max_depth: int = MAX_DEPTH,
) -> Parsed:
    """Parse YAML or JSON text safely. Raises ModelError when it is not a usable document.

    `max_bytes` caps the size (uploads pass theirs); None reads any size.
    """
    try:
        text = _read_text(source, max_bytes)
        if text.lstrip().startswith(("{", "[")):
            parsed = _parse_json(text, max_depth)
        else:
            parsed = _parse_yaml(text, max_depth)
        if _SURROGATE_ESCAPE.search(text):
            _check_strings(parsed.data, max_depth)
        return parsed
    except _Fatal as fatal:
        raise ModelError([fatal.problem]) from None


def _read_text(source: str | bytes | Path, max_bytes: int | None) -> str:
    if isinstance(source, Path):
        try:
            with source.open("rb") as handle:
                raw = handle.read(-1 if max_bytes is None else max_bytes + 1)
        except OSError as exc:
            raise _Fatal(f"cannot read {source.name}: {exc.strerror or exc}") from None
    elif isinstance(source, str):
        raw = source.encode("utf-8", "surrogatepass")
    else:
        raw = bytes(source)
    if max_bytes is not None and len(raw) > max_bytes:
        limit = f"{max_bytes // 1024} KiB" if max_bytes >= 1024 else f"{max_bytes} bytes"
        raise _Fatal(f"the document is larger than the {limit} limit", limit=True)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _Fatal(f"the document is not UTF-8 text (byte {exc.start})") from None


def _parse_json(text: str, max_depth: int) -> Parsed:
    """JSON values from the json module at its own speed; lines only when asked for.

    Duplicate keys are noticed while parsing; only then does a YAML pass over the same
    text run at once, to say where they are.
    """
    duplicates: list[str] = []

    def mapping(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) != len(pairs):
            seen: set[str] = set()
            duplicates.extend(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        return result

    try:
        data = json.loads(text, object_pairs_hook=mapping)
    except RecursionError:
        raise _Fatal(_too_deep(max_depth), limit=True) from None
    except json.JSONDecodeError as exc:
        try:  # `{name: x}` is YAML's flow style, not broken JSON
            return _parse_yaml(text, max_depth)
        except _Fatal as fatal:
            if fatal.limit:
                raise
        raise _Fatal(f"JSON syntax error: {exc.msg}", line=exc.lineno) from None
    except ValueError:
        # A number the json module refuses (an integer of thousands of digits): the YAML
        # pass reports it at its field and line.
        return _parse_yaml(text, max_depth)
    if _depth(data) > max_depth:
        return _parse_yaml(text, max_depth)  # raises the nesting error with its line
    if duplicates:
        try:
            shadow = _parse_yaml(text, max_depth)
        except _Fatal as fatal:
            if fatal.limit:
                raise
            problems = [Problem("", f"duplicate key '{key}'") for key in dict.fromkeys(duplicates)]
            return Parsed(data, {}, problems)
        return Parsed(data, shadow.lines, shadow.problems)
    return Parsed(data, LazyLines(lambda: _lines_of(text, max_depth)), [])


def _lines_of(text: str, max_depth: int) -> Mapping[str, int]:
    """The lines of a document already parsed; none when the YAML pass cannot read it."""
    try:
        return _parse_yaml(text, max_depth).lines
    except _Fatal:
        return {}


def _item_lines(lines: Mapping[str, int]) -> Mapping[str, int]:
    """Sections and items only ("flows", "flows[3]"), still lazy if the lines are."""

    def items() -> dict[str, int]:
        return {path: line for path, line in lines.items() if "." not in path}

    return LazyLines(items) if isinstance(lines, LazyLines) else items()


def _depth(data: Any) -> int:
    """How deeply the containers of a parsed value nest (a scalar document is 0).

    Level by level, comparing classes rather than calling isinstance: this walk visits
    every value of the document, and it is the only cost JSON adds to json.loads.
    """
    level, depth = [data], 0
    while level:
        depth += 1
        below = []
        for value in level:
            for child in value.values() if value.__class__ is dict else value:
                if child.__class__ is dict or child.__class__ is list:
                    below.append(child)
        level = below
    return depth if data.__class__ in (dict, list) else 0


_SURROGATE = re.compile("[\ud800-\udfff]")
# Decoded UTF-8 holds no surrogates: only an escape (JSON's \ud800, YAML's \U0000d800)
# can make one, so text without such an escape needs no walk.
_SURROGATE_ESCAPE = re.compile(r"\\(?:u|U0000)[dD][89a-fA-F]")


def _check_strings(data: Any, max_depth: int) -> None:
    """Refuse what no later step can hold: a lone surrogate (a JSON escape such as
    \\ud800 that is not text, and that no database or page can encode), and nesting
    past the limit in a value that did not come through the YAML pass."""
    if not _strings_fine(data, max_depth):
        _report_strings(data, max_depth)


def _strings_fine(data: Any, max_depth: int) -> bool:
    """The common case at the speed of `_depth`: level by level, by class, no locations.
    False when something may be wrong (or is a subclass): `_report_strings` judges it."""
    level, depth = [data], 0
    while level:
        below: list[Any] = []
        for value in level:
            kind = value.__class__
            if kind is str:
                if not value.isascii() and _SURROGATE.search(value):
                    return False
            elif kind is dict or kind is list:
                if depth >= max_depth:
                    return False
                if kind is list:
                    below.extend(value)
                    continue
                for key in value:
                    if key.__class__ is not str or (not key.isascii() and _SURROGATE.search(key)):
                        return False
                below.extend(value.values())
            elif isinstance(value, (str, dict, list)):
                return False
        level, depth = below, depth + 1
    return True


def _report_strings(data: Any, max_depth: int) -> None:
    """Raise at the first lone surrogate or the first value nested too deep, with where."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, str):
            if not value.isascii() and _SURROGATE.search(value):
                raise _Fatal(_surrogate_message(value), path)
        elif isinstance(value, (dict, list)):
            if depth >= max_depth:
                raise _Fatal(_too_deep(max_depth), path, limit=True)
            if isinstance(value, list):
                stack.extend((item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value))
                continue
            for key, item in value.items():
                key = str(key)
                where = f"{path}.{key}" if path else key
                if not key.isascii() and _SURROGATE.search(key):
                    raise _Fatal("a key " + _surrogate_message(key), path)
                stack.append((item, where, depth + 1))


def _surrogate_message(value: str) -> str:
    found = _SURROGATE.search(value)
    code = f"U+{ord(found.group()):04X}" if found else "?"
    return f"contains {code}, half of a surrogate pair, which is not text"


def _too_deep(max_depth: int) -> str:
    return f"the document is nested deeper than {max_depth} levels"


_SCALAR_TAGS = {
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "timestamp")
}
_SCALARS = yaml.SafeLoader("")  # resolves and constructs plain scalars only
_PARSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(slots=True)
class _Open:
    """A mapping or sequence being built from parser events."""

    value: dict[str, Any] | list[Any]
    path: str
    anchor: str | None
    is_map: bool
    start_line: int
    size: int = 1
    key: str | None = None
    key_line: int = 0
    merges: list[Any] | None = None

    def child_path(self) -> str:
        if not self.is_map:
            return f"{self.path}[{len(self.value)}]"
        return f"{self.path}.{self.key}" if self.path else str(self.key)


def _parse_yaml(text: str, max_depth: int) -> Parsed:
    """Build plain values from parser events, never from YAML's object constructor.

    Working on events keeps the C parser's speed, makes nesting an explicit counter
    instead of recursion, and lets aliases be charged their expanded size as they occur.
    """
    lines: dict[str, int] = {}
    problems: list[Problem] = []
    anchors: dict[str, tuple[Any, int]] = {}
    stack: list[_Open] = []
    root: list[Any] = []
    documents = 0
    expanded = 0

    def attach(value: Any, size: int, line: int) -> None:
        if not stack:
            root.append(value)
            return
        parent = stack[-1]
        parent.size += size
        if not parent.is_map:
            lines[parent.child_path()] = line
            parent.value.append(value)  # type: ignore[union-attr]
            return
        key = parent.key
        parent.key = None
        assert key is not None and isinstance(parent.value, dict)  # its key came first
        if key == "<<":
            parent.merges = [*(parent.merges or []), value]
            return
        path = f"{parent.path}.{key}" if parent.path else str(key)
        if key in parent.value:
            problems.append(Problem(path, f"duplicate key '{key}'", parent.key_line))
        lines[path] = parent.key_line
        parent.value[key] = value

    try:
        for event in yaml.parse(text, Loader=_PARSER):
            kind = event.__class__
            line = event.start_mark.line + 1 if event.start_mark else 0
            top = stack[-1] if stack else None
            wants_key = top is not None and top.is_map and top.key is None
            if isinstance(event, yaml.ScalarEvent):
                if wants_key:
                    top.key = event.value  # type: ignore[union-attr]
                    top.key_line = line  # type: ignore[union-attr]
                    continue
                value = _scalar(event, top, line, problems)
                if event.anchor:
                    anchors[event.anchor] = (value, 1)
                attach(value, 1, line)
            elif isinstance(event, yaml.CollectionStartEvent):
                path = top.child_path() if top else ""
                if wants_key:
                    raise _Fatal("a mapping key must be plain text", path, line)
                if len(stack) >= max_depth:
                    raise _Fatal(_too_deep(max_depth), line=line, limit=True)
                is_map = kind is yaml.MappingStartEvent
                expected = "tag:yaml.org,2002:" + ("map" if is_map else "seq")
                if event.tag not in (None, "!", expected):
                    problems.append(Problem(path, f"unsupported YAML tag '{event.tag}'", line))
                stack.append(_Open({} if is_map else [], path, event.anchor, is_map, line))
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                done = stack.pop()
                if done.merges:
                    _merge(done, problems)
                if done.anchor:
                    anchors[done.anchor] = (done.value, done.size)
                attach(done.value, done.size, done.start_line)
            elif isinstance(event, yaml.AliasEvent):
                if wants_key:
                    raise _Fatal("a mapping key must be plain text", top.path, line)  # type: ignore[union-attr]
                if event.anchor not in anchors:
                    raise _Fatal(f"alias '*{event.anchor}' refers to no finished anchor", line=line)
                value, size = anchors[event.anchor]
                expanded += size
                if expanded > MAX_ALIAS_NODES:
                    raise _Fatal(
                        f"aliases expand to more than {MAX_ALIAS_NODES} nodes "
                        "(an alias bomb?); write the values out instead",
                        line=line,
                        limit=True,
                    )
                attach(value, size, line)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _Fatal("expected one document, found several", line=line)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if "nesting depth" in str(exc.problem):
            # libyaml 0.2.5+ stops at its own depth limit before ours is reached.
            at = mark.line + 1 if mark else None
            raise _Fatal(_too_deep(max_depth), line=at, limit=True) from None
        raise _Fatal(
            f"YAML syntax error: {exc.problem or exc.context}",
            line=mark.line + 1 if mark else None,
        ) from None
    except yaml.YAMLError as exc:
        raise _Fatal(f"YAML syntax error: {exc}") from None
    return Parsed(root[0] if root else None, lines, problems)


_CONSTRUCTORS = yaml.SafeLoader.yaml_constructors


def _scalar(
    event: yaml.ScalarEvent, parent: _Open | None, line: int, problems: list[Problem]
) -> Any:
    tag = event.tag
    if tag is None or tag == "!":
        if event.style:  # quoted or block scalars are always text
            return event.value
        tag = _SCALARS.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag == "tag:yaml.org,2002:str":
            return event.value
    path = parent.child_path() if parent else ""
    if tag not in _SCALAR_TAGS:
        problems.append(Problem(path, f"unsupported YAML tag '{tag}'", line))
        return None
    node = yaml.ScalarNode(tag, event.value, style=event.style)
    try:
        return _CONSTRUCTORS[tag](_SCALARS, node)
    except (ValueError, yaml.YAMLError):
        digits = sum(c.isdigit() for c in event.value)
        if tag.endswith(":int") and digits > sys.get_int_max_str_digits():
            message = f"a number of {digits:,} digits (at most {sys.get_int_max_str_digits():,})"
        else:
            what = "date" if tag.endswith("timestamp") else "value"
            message = f"'{_short(event.value)}' is not a valid {what}"
        problems.append(Problem(path, message, line))
        return None


def _merge(mapping: _Open, problems: list[Problem]) -> None:
    """YAML merge keys (`<<: *defaults`): written keys win over merged ones."""
    assert isinstance(mapping.value, dict)
    sources = mapping.merges or []
    flat: list[Any] = []
    for source in sources:
        flat.extend(source if isinstance(source, list) else [source])
    for source in flat:
        if not isinstance(source, dict):
            problems.append(Problem(mapping.path, "'<<' must merge a mapping", mapping.key_line))
            continue
        for key, value in source.items():
            mapping.value.setdefault(key, value)


# --------------------------------------------------------------------------- loading


def load(
    source: str | bytes | Path | Mapping[str, Any],
    *,
    max_bytes: int | None = None,
    max_depth: int = MAX_DEPTH,
) -> System:
    """Load a document into a `System`; raise ModelError listing every problem.

    `max_bytes` caps the size of text and files (uploads pass theirs); None reads any size.
    """
    if isinstance(source, Mapping):
        try:
            _check_strings(source, max_depth)
        except _Fatal as fatal:
            raise ModelError([fatal.problem]) from None
        parsed = Parsed(source, {}, [])
    else:
        parsed = parse_text(source, max_bytes=max_bytes, max_depth=max_depth)
    validator = _Validator(parsed.lines)
    validator.problems.extend(parsed.problems)
    system = validator.run(parsed.data)
    if validator.problems or system is None:
        # Document order reads best; problems without a line (dict input) keep theirs.
        raise ModelError(sorted(validator.problems, key=lambda problem: problem.line or 0))
    return system


_BAD = object()  # a value that failed its check (already reported)


def _is_mapping(value: Any) -> bool:
    """A dict, tested first: an isinstance against the Mapping ABC costs several times
    more, and a parsed document holds tens of thousands of dicts."""
    return value.__class__ is dict or isinstance(value, Mapping)


Check = Callable[["_Validator", Any, str], Any]


@dataclass(frozen=True)
class _Field:
    check: Check
    required: bool = False
    attribute: str = ""  # the dataclass attribute the value goes to
    # Values that pass the check unchanged (a vocabulary's words): tested inline, the
    # common case of a choice field costs one set lookup instead of a call.
    accepted: frozenset[str] = frozenset()
    section: str = ""  # a reference field: any ID of this section passes unchanged
    flag: bool = False  # a flag field: true and false pass unchanged
    slug: bool = False  # an ID field: an ID the pattern admits passes unchanged
    text_limit: int = -1  # a text field: ASCII text without NUL up to this length passes
    refs: str = ""  # a list of references: distinct known IDs of this section pass
    day: bool = False  # a date field: JSON's YYYY-MM-DD text of a real day passes


class _Spec(dict[str, _Field]):
    """The fields a mapping may have, keyed by their document name."""

    def __init__(self, **fields: _Field) -> None:
        super().__init__(fields)
        self.required = tuple(key for key, field in fields.items() if field.required)


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{_short(value)}'"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, (date, datetime)):
        return f"the date {value.isoformat()}"
    return type(value).__name__


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _hint(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _text(v: _Validator, value: Any, loc: str) -> Any:
    if isinstance(value, str):
        return value
    return v.report(loc, f"expected text, got {_describe(value)}")


def _bounded_text(max_length: int | None, *, label: bool) -> Check:
    """Text up to `max_length` characters; a label (a name) also refuses the characters
    that reorder how it is displayed."""

    def check(v: _Validator, value: Any, loc: str) -> Any:
        if not isinstance(value, str):
            return v.report(loc, f"expected text, got {_describe(value)}")
        if max_length is not None and len(value) > max_length:
            return v.report(
                loc, f"text of {len(value):,} characters; at most {max_length:,} are allowed"
            )
        bad = schema.forbidden_character(value, bidi=label)
        if bad is not None:
            return v.report(loc, _forbidden_message(bad))
        return value

    return check


def _forbidden_message(code: str) -> str:
    if code == "U+0000":
        return "contains a NUL character (U+0000), which text may not hold"
    return (
        f"contains the invisible control {code}, which reorders how text is displayed "
        "(so 'gpj.exe' can read 'exe.jpg'); remove it"
    )


def _flag(v: _Validator, value: Any, loc: str) -> Any:
    if isinstance(value, bool):
        return value
    return v.report(loc, f"expected true or false, got {_describe(value)}")


def _count(minimum: int) -> Check:
    def check(v: _Validator, value: Any, loc: str) -> Any:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            return v.report(loc, f"expected a whole number, got {_describe(value)}")
        if value < minimum:
            return v.report(loc, f"must be {minimum} or more, got {value}")
        return value

    return check


def _number(v: _Validator, value: Any, loc: str) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return v.report(loc, f"expected a number, got {_describe(value)}")
    if not math.isfinite(value):
        return v.report(loc, f"expected a finite number, got {value}")
    return value


def _date(v: _Validator, value: Any, loc: str) -> Any:
    try:
        return read_date(value)
    except TypeError as error:
        return v.report(loc, f"{error}, got {_describe(value)}")
    except ValueError as error:
        return v.report(loc, str(error))


def _choice(options: Iterable[str], noun: str) -> Check:
    allowed = tuple(options)
    allowed_set = frozenset(allowed)
    hint = _protocol_hint if allowed == PROTOCOLS else _hint

    def check(v: _Validator, value: Any, loc: str) -> Any:
        if isinstance(value, str) and value in allowed_set:
            return value
        if not isinstance(value, str):
            return v.report(loc, f"expected a {noun}, got {_describe(value)}")
        return v.report(
            loc,
            f"unknown {noun} '{_short(value)}'{hint(value, allowed)} "
            f"(allowed: {', '.join(allowed)})",
        )

    return check


# Parts of a protocol name that say it is encrypted: a hint for such a name must never be
# a plaintext protocol ("ftps" is not "ftp" with a typo).
_ENCRYPTION_MARKERS = ("tls", "ssl", "sec", "ssh", "crypt", "https", "wss", "quic", "krb5p")


def looks_encrypted(word: str) -> bool:
    """Whether a protocol name the format does not know reads as an encrypted one."""
    word = word.lower()
    if word in ENCRYPTED_PROTOCOLS or any(marker in word for marker in _ENCRYPTION_MARKERS):
        return True
    # imaps, pop3s, ldaps ... and sftp, smqtt: a plaintext name with an 's' for secure.
    return (word.endswith("s") and word[:-1] in PROTOCOLS) or (
        word.startswith("s") and word[1:] in PROTOCOLS
    )


def _protocol_hint(word: str, options: Iterable[str]) -> str:
    """A hint that never suggests a weaker protocol: a name that reads as encrypted is
    matched with encrypted protocols only, and an encrypted protocol as close as a
    plaintext one wins the tie."""
    word = word.lower()
    candidates = ENCRYPTED_PROTOCOLS if looks_encrypted(word) else tuple(options)
    matcher = difflib.SequenceMatcher(b=word)
    best: tuple[float, bool, str] | None = None
    for candidate in candidates:
        matcher.set_seq1(candidate)
        score = matcher.ratio()
        if score >= 0.6:
            ranked = (score, candidate in ENCRYPTED_PROTOCOLS, candidate)
            if best is None or ranked[:2] > best[:2]:
                best = ranked
    return f"; did you mean '{best[2]}'?" if best else ""


def _tls_version(v: _Validator, value: Any, loc: str) -> Any:
    # `min_version: 1.2` unquoted is a YAML float; it means the same as "1.2".
    if isinstance(value, float) and str(value) in TLS_VERSIONS:
        value = str(value)
    return _TLS_VERSION_CHOICE(v, value, loc)


_TLS_VERSION_CHOICE = _choice(TLS_VERSIONS, "TLS version")


def _slug(v: _Validator, value: Any, loc: str) -> Any:
    if not isinstance(value, str):
        return v.report(loc, f"expected an ID, got {_describe(value)}")
    if len(value) <= MAX_ID_LENGTH and SLUG.match(value):
        return intern(value)  # the common case: the pattern admits no forbidden character
    bad = schema.forbidden_character(value, bidi=True)
    if bad is not None:
        return v.report(loc, f"not a valid ID: it {_forbidden_message(bad)}")
    if not SLUG.match(value):
        suggestion = _slugify(value)
        hint = f" (try '{suggestion}')" if suggestion and suggestion != value else ""
        return v.report(
            loc,
            f"'{_short(value)}' is not a valid ID: use lowercase letters, digits, '-' and '_', "
            f"starting with a letter or digit{hint}",
        )
    if len(value) > MAX_ID_LENGTH:
        return v.report(loc, f"an ID may have at most {MAX_ID_LENGTH} characters")
    return value


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "-", text.lower()).strip("-_")[:MAX_ID_LENGTH]


_NOUNS = schema.SECTION_NOUNS


def _ref(section: str) -> Check:
    def check(v: _Validator, value: Any, loc: str) -> Any:
        if not isinstance(value, str):
            return v.report(loc, f"expected the ID of a {_NOUNS[section]}, got {_describe(value)}")
        known = v.ids[section]
        if value not in known:
            return v.report(
                loc, f"unknown {_NOUNS[section]} '{_short(value)}'{_hint(value, known)}"
            )
        return intern(value)

    return check


def _list_of(item: Check, what: str) -> Check:
    def check(v: _Validator, value: Any, loc: str) -> Any:
        if not isinstance(value, list):
            return v.report(loc, f"expected a list of {what}, got {_describe(value)}")
        result, seen = [], set()
        for index, entry in enumerate(value):
            checked = item(v, entry, f"{loc}[{index}]")
            if checked is _BAD:
                continue
            if checked in seen:
                v.report(f"{loc}[{index}]", f"'{checked}' is listed twice")
                continue
            seen.add(checked)
            result.append(checked)
        return tuple(result) if len(result) == len(value) else _BAD

    return check


def _mapping(fields: _Spec, build: Callable[..., Any]) -> Check:
    def check(v: _Validator, value: Any, loc: str) -> Any:
        values = v.fields(value, loc, fields)
        return _BAD if values is None else build(**values)

    return check


# ----------------------------------------------------------------- field tables from schema.py

# The dataclass each nested mapping builds.
_MAPPINGS: dict[str, Callable[..., Any]] = {
    "tls": Tls,
    "position": Position,
    "size": Size,
    "policy": Policy,
}


def _check_for(field: schema.Field) -> Check:
    """The loader's check of one declared field."""
    kind = field.type
    if kind == "id":
        return _slug
    if kind == "text":
        return _bounded_text(field.max_length, label=field.label_text)
    if kind == "flag":
        return _flag
    if kind == "count":
        return _count(field.minimum or 0)
    if kind == "number":
        return _number
    if kind == "date":
        return _date
    if kind == "choice":
        assert field.vocabulary is not None
        if field.vocabulary is schema.TLS_VERSION:
            return _tls_version
        return _choice(field.vocabulary.values, field.vocabulary.noun)
    if kind == "choices":
        assert field.vocabulary is not None
        return _list_of(_choice(field.vocabulary.values, field.vocabulary.noun), field.name)
    if kind == "ref":
        return _ref(field.section)
    if kind == "refs":
        return _list_of(_ref(field.section), f"{_NOUNS[field.section]} IDs")
    if kind == "mapping":
        return _mapping(_spec(field.fields), _MAPPINGS[field.name])
    raise ValueError(f"schema field '{field.name}' has an unknown type '{kind}'")


def _spec(fields: Iterable[schema.Field]) -> _Spec:
    return _Spec(
        **{
            f.name: _Field(
                _check_for(f),
                required=f.required,
                attribute=f.attribute or f.name,
                accepted=_accepted(f),
                section=f.section if f.type == "ref" else "",
                flag=f.type == "flag",
                slug=f.type == "id",
                text_limit=(f.max_length or sys.maxsize) if f.type == "text" else -1,
                refs=f.section if f.type == "refs" else "",
                day=f.type == "date",
            )
            for f in fields
        }
    )


def _accepted(field: schema.Field) -> frozenset[str]:
    """The words a choice field takes as they are (a TLS version also takes a float)."""
    if field.type == "choice" and field.vocabulary is not None:
        return frozenset(field.vocabulary.values)
    return frozenset()


TLS_FIELDS = _spec(schema.TLS_FIELDS)
POSITION_FIELDS = _spec(schema.POSITION_FIELDS)
POLICY_FIELDS = _spec(schema.POLICY_FIELDS)
DATA_FIELDS = _spec(schema.DATA_FIELDS)
BOUNDARY_FIELDS = _spec(schema.BOUNDARY_FIELDS)
KEY_FIELDS = _spec(schema.KEY_FIELDS)
ELEMENT_FIELDS = _spec(schema.ELEMENT_FIELDS)
FLOW_FIELDS = _spec(schema.FLOW_FIELDS)
TOP_FIELDS = (*(f.name for f in schema.TOP_FIELDS), *SECTIONS)
_TOP_CHECKS = {f.name: _check_for(f) for f in schema.TOP_FIELDS if f.type == "text"}

# Element fields that only make sense on some kinds; the rest apply to every kind.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    field.name: field.kinds for field in schema.ELEMENT_FIELDS if field.kinds is not None
}
_PLAINTEXT = frozenset(PLAINTEXT_PROTOCOLS)
# Per kind, the fields that do not apply to it: most elements have none of them.
_NOT_FOR_KIND = {
    kind: frozenset(name for name, kinds in KIND_FIELDS.items() if kind not in kinds)
    for kind in ELEMENT_KINDS
}
# Names people reach for that the format spells differently.
_RENAMED = {
    "source": "from",
    "target": "to",
    "src": "from",
    "dst": "to",
    "type": "kind",
    "kind": "type",
}

_SECTION_SPECS: dict[str, tuple[_Spec, type]] = {
    "data": (DATA_FIELDS, DataClass),
    "boundaries": (BOUNDARY_FIELDS, Boundary),
    "keys": (KEY_FIELDS, Key),
    "elements": (ELEMENT_FIELDS, Element),
    "flows": (FLOW_FIELDS, Flow),
}


class _Validator:
    """Checks a parsed document field by field, collecting problems instead of stopping."""

    def __init__(self, lines: Mapping[str, int]) -> None:
        self.lines = lines
        self.problems: list[Problem] = []
        self.ids: dict[str, dict[str, int]] = {section: {} for section in SECTIONS}

    def report(self, location: str, message: str) -> Any:
        self.problems.append(Problem(location, message, self.line(location)))
        return _BAD

    def line(self, location: str) -> int | None:
        """The line of the location, else of its nearest written parent."""
        while location:
            if location in self.lines:
                return self.lines[location]
            parent = re.sub(r"(\.[^.\[]*|\[\d+\])\Z", "", location)
            if parent == location:
                return None
            location = parent
        return None

    def fields(self, value: Any, loc: str, spec: _Spec) -> dict[str, Any] | None:
        """Check a mapping against its field table; None if anything was wrong."""
        if not _is_mapping(value):
            self.report(loc, f"expected a mapping, got {_describe(value)}")
            return None
        before = len(self.problems)
        result: dict[str, Any] = {}
        ids = self.ids
        for key, raw in value.items():
            field = spec.get(key)
            if field is None:
                hint = _hint(str(key), spec)
                if not hint and key in _RENAMED and _RENAMED[key] in spec:
                    hint = f"; did you mean '{_RENAMED[key]}'?"
                where = f"{loc}.{key}" if loc else str(key)
                self.report(where, f"unknown field '{_short(str(key))}'{hint}")
                continue
            # The common cases inline, each the same test its check would make first: a
            # word of the field's vocabulary, a known ID, a valid new ID, plain ASCII text,
            # a JSON date, a flag, a list of distinct known IDs. Anything else goes through
            # the check. IDs, references and vocabulary words are interned: a flow's `from`
            # is then the very string its element's `id` is, and the rules' lookups compare
            # pointers instead of reading a second copy of the text.
            kind = raw.__class__
            if kind is str:
                if raw in field.accepted:
                    result[field.attribute] = intern(raw)
                    continue
                if len(raw) <= field.text_limit and raw.isascii() and "\x00" not in raw:
                    result[field.attribute] = raw
                    continue
                if (field.section and raw in ids[field.section]) or (
                    field.slug and len(raw) <= MAX_ID_LENGTH and SLUG.match(raw)
                ):
                    result[field.attribute] = intern(raw)
                    continue
                if field.day and len(raw) == 10 and ISO_DATE.match(raw):
                    try:
                        result[field.attribute] = date.fromisoformat(raw)
                        continue
                    except ValueError:
                        pass  # not a day of the calendar: the check says so
            elif kind is bool and field.flag:
                result[field.attribute] = raw
                continue
            elif kind is list and field.refs:
                known = ids[field.refs]
                known_ids = all(item.__class__ is str and item in known for item in raw)
                if known_ids and len(set(raw)) == len(raw):
                    result[field.attribute] = tuple(map(intern, raw))
                    continue
            if raw is None and not field.required:
                continue
            checked = field.check(self, raw, f"{loc}.{key}" if loc else key)
            if checked is not _BAD:
                result[field.attribute] = checked
        for key in spec.required:
            if value.get(key) is None:
                self.report(f"{loc}.{key}" if loc else key, f"missing required field '{key}'")
        return result if len(self.problems) == before else None

    def run(self, data: Any) -> System | None:
        if not isinstance(data, Mapping):
            what = "nothing" if data is None else _describe(data)
            self.report("", f"expected a mapping with 'name', 'elements', 'flows'...; got {what}")
            return None
        before = len(self.problems)
        self._top_level(data)
        sections = {section: self._list(data.get(section), section) for section in SECTIONS}
        self._collect_ids(sections)
        policy = self._policy(data.get("policy"))
        built: dict[str, list[Any]] = {}
        for section, items in sections.items():
            fields, cls = _SECTION_SPECS[section]
            built[section] = []
            for index, item in enumerate(items):
                values = self.fields(item, f"{section}[{index}]", fields)
                if values is not None:
                    built[section].append(cls(**values))
        self._check_elements(built["elements"], built["keys"], sections["elements"])
        self._check_flows(sections["flows"])
        self._check_cycles(built)
        if len(self.problems) != before or policy is None:
            return None
        return System(
            name=data["name"],
            description=data.get("description") or "",
            policy=policy,
            data=tuple(built["data"]),
            boundaries=tuple(built["boundaries"]),
            keys=tuple(built["keys"]),
            elements=tuple(built["elements"]),
            flows=tuple(built["flows"]),
            # Sections and items only ("flows", "flows[3]"): what SARIF and reports point at.
            lines=_item_lines(self.lines),
        )

    def _top_level(self, data: Mapping[str, Any]) -> None:
        for key in data:
            if key not in TOP_FIELDS:
                self.report(
                    str(key), f"unknown field '{_short(str(key))}'{_hint(str(key), TOP_FIELDS)}"
                )
        fmt = data.get("format")
        if fmt is not None and fmt != FORMAT:
            shown = f"'{_short(fmt)}'" if isinstance(fmt, str) else _describe(fmt)
            self.report("format", f"unsupported format {shown}; expected '{FORMAT}'")
        if data.get("name") is None:
            self.report("name", "missing required field 'name'")
        else:
            _TOP_CHECKS["name"](self, data["name"], "name")
        if data.get("description") is not None:
            _TOP_CHECKS["description"](self, data["description"], "description")

    def _list(self, value: Any, section: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.report(section, f"expected a list, got {_describe(value)}")
            return []
        return value

    def _policy(self, value: Any) -> Policy | None:
        if value is None:
            return Policy()
        values = self.fields(value, "policy", POLICY_FIELDS)
        return None if values is None else Policy(**values)

    def _collect_ids(self, sections: dict[str, list[Any]]) -> None:
        """First pass: every item's ID, so references can point forward."""
        for section, items in sections.items():
            seen = self.ids[section]
            for index, item in enumerate(items):
                if not _is_mapping(item) or not isinstance(item.get("id"), str):
                    continue
                item_id = item["id"]
                if item_id in seen:
                    self.report(
                        f"{section}[{index}].id",
                        f"duplicate ID '{_short(item_id)}' "
                        f"(first used by {section}[{seen[item_id]}])",
                    )
                else:
                    seen[item_id] = index

    def _check_elements(self, elements: list[Element], keys: list[Key], raw: list[Any]) -> None:
        key_types = {key.id: key.type for key in keys}
        kinds = {element.id: element.kind for element in elements}
        for index, item in enumerate(raw):
            kind = item.get("kind") if _is_mapping(item) else None
            if kind.__class__ is not str or kind not in _NOT_FOR_KIND:  # a kind of ELEMENT_KINDS
                continue
            loc = f"elements[{index}]"
            if not _NOT_FOR_KIND[kind].isdisjoint(item):
                for field, value in item.items():
                    allowed = KIND_FIELDS.get(field)
                    if allowed is not None and value is not None and kind not in allowed:
                        self.report(
                            f"{loc}.{field}",
                            f"'{field}' does not apply to a {kind} (only to {', '.join(allowed)})",
                        )
            key = item.get("key")
            if isinstance(key, str) and kind in KIND_FIELDS["key"]:
                encryption = item.get("encryption")
                strength = (
                    ENCRYPTION_STRENGTH.get(encryption, 0) if isinstance(encryption, str) else 0
                )
                if strength < schema.KEYED_STRENGTH:
                    stated = f"'{encryption}'" if isinstance(encryption, str) else "not stated"
                    self.report(
                        f"{loc}.key",
                        f"a key needs an encryption that uses the customer's key (sse-kms, "
                        f"tde-cmk, sse-c, field, client-side, envelope); encryption is {stated}",
                    )
                if key_types.get(key) not in (None, *STORE_KEY_TYPES):
                    self.report(
                        f"{loc}.key",
                        f"key '{key}' is a {key_types[key]} key; data at rest is encrypted "
                        f"with a {', '.join(STORE_KEY_TYPES)} key",
                    )
            source = item.get("backup_of")
            if (
                kind == "backup"
                and isinstance(source, str)
                and kinds.get(source, "database") not in STORE_KINDS
            ):
                self.report(
                    f"{loc}.backup_of",
                    f"'{source}' is a {kinds[source]}, not a store; a backup copies a store",
                )

    def _check_flows(self, raw: list[Any]) -> None:
        for index, item in enumerate(raw):
            if not _is_mapping(item):
                continue
            loc = f"flows[{index}]"
            protocol, tls = item.get("protocol"), item.get("tls")
            if tls is not None and protocol in _PLAINTEXT:
                self.report(
                    f"{loc}.tls",
                    f"a 'tls' block contradicts the plaintext protocol '{protocol}'",
                )
            elif tls is not None and protocol is None:
                self.report(
                    f"{loc}.protocol",
                    "a flow with a 'tls' block needs its encrypted protocol (https, tls, ...)",
                )
            ends = item.get("from"), item.get("to")
            if isinstance(ends[0], str) and ends[0] == ends[1]:
                self.report(
                    f"{loc}.to", f"a flow needs two different elements; both are '{ends[0]}'"
                )

    def _check_cycles(self, built: dict[str, list[Any]]) -> None:
        """Nesting, wrapping and backup chains must end: the rules walk them."""
        parents: dict[str, tuple[str, ...]] = {
            b.id: (b.parent,) if b.parent else () for b in built["boundaries"]
        }
        self._report_cycles("boundaries", "parent", parents, "boundary nesting")
        wraps = {k.id: k.wraps for k in built["keys"]}
        self._report_cycles("keys", "wraps", wraps, "key wrapping")
        backups: dict[str, tuple[str, ...]] = {
            e.id: (e.backup_of,) if e.backup_of else () for e in built["elements"]
        }
        self._report_cycles("elements", "backup_of", backups, "backups")

    def _report_cycles(
        self, section: str, field: str, edges: dict[str, tuple[str, ...]], what: str
    ) -> None:
        state: dict[str, int] = {}  # 1 on the current path, 2 finished
        for start in edges:
            if start in state:
                continue
            path = [start]
            todo = [iter(edges[start])]
            state[start] = 1
            while todo:
                nxt = next(todo[-1], None)
                if nxt is None:
                    state[path.pop()] = 2
                    todo.pop()
                elif state.get(nxt) == 1:
                    cycle = [*path[path.index(nxt) :], nxt]
                    index = self.ids[section][path[-1]]
                    self.report(
                        f"{section}[{index}].{field}", f"{what} form a cycle: {' -> '.join(cycle)}"
                    )
                elif nxt not in state and nxt in edges:
                    state[nxt] = 1
                    path.append(nxt)
                    todo.append(iter(edges[nxt]))
