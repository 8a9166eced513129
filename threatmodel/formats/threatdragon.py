"""Import an OWASP Threat Dragon model (format 2.x, and 1.x diagrams) as a MODEL.md document.

Threat Dragon draws STRIDE data-flow diagrams: processes, stores, actors, flows and trust
boundaries, with a few security flags. The mapping keeps every fact it can express in
the format and writes the rest (threats, out-of-scope notes, flags without a field,
boundary lines) into `description` text, so nothing is dropped silently. Guesses made from
names (a store called "Message Queue" becomes a broker) are said so in the description.

The result is a plain document dict; `load()` validates it like any other document.
Nothing here reads files or fetches URLs.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from threatmodel.model import FORMAT, PROTOCOLS, STORE_KINDS
from threatmodel.schema import MAX_NAME_LENGTH, forbidden_character

from .ids import Ids

__all__ = ["is_threat_dragon", "to_document"]

SNAP_DISTANCE = 40  # px: a flow end drawn this close to a shape is attached to it
DIAGRAM_GAP = 200  # px between diagrams when several are laid out on one canvas

_V1_SHAPES = {
    "tm.Actor": "actor",
    "tm.Process": "process",
    "tm.Store": "store",
    "tm.Flow": "flow",
    "tm.Boundary": "trust-boundary-curve",
    "tm.Text": "td-text-block",
}
_PERSON = re.compile(
    r"\b(users?|admins?|administrators?|operators?|customers?|employees?|persons?|people|"
    r"staff|analysts?|developers?|engineers?|clerks?|doctors?|nurses?|patients?|humans?|"
    r"attackers?|members?|agents?)\b"
)
_SIDE_WORDS = {"left": "left of", "right": "right of", "above": "above", "below": "below"}
_CLIENT_NAMES = re.compile(
    r"browser|client|\bapps?\b|mobile|desktop|\bui\b|front ?end|device|phone|tablet|"
    r"kiosk|terminal|laptop|workstation|\bpc\b"
)
_STORE_KINDS = (
    (re.compile(r"queue|topic|kafka|sqs|rabbit|broker|\bbus\b|stream|pub/?sub"), "broker"),
    (re.compile(r"\blogs?\b|logging|siem|audit trail"), "log-sink"),
    (re.compile(r"cache|redis|memcache"), "cache"),
    (re.compile(r"bucket|\bs3\b|blob|object stor"), "object-store"),
    (re.compile(r"backup|snapshot"), "backup"),
    (re.compile(r"search|elastic|opensearch|solr"), "search-index"),
    (re.compile(r"warehouse|data lake|bigquery|redshift|snowflake"), "warehouse"),
    (re.compile(r"\bfiles?\b|file ?system|\bnfs\b|volume|\bdisk\b|config"), "file-store"),
)
_PROCESS_KINDS = (
    (re.compile(r"gateway|load ?balancer|proxy|ingress|\blb\b|\balb\b|\belb\b|nginx"), "gateway"),
    (re.compile(r"lambda|serverless|\bfunctions?\b"), "function"),
)
_BOUNDARY_KINDS = (
    (re.compile(r"internet"), "internet"),
    (re.compile(r"third[ -]?part|partner|vendor|external|saas"), "third-party"),
    (re.compile(r"\bdmz\b|perimeter"), "dmz"),
)
# Protocol names Threat Dragon users type, beyond the MODEL.md names themselves.
_PROTOCOL_ALIASES = {
    "http/s": "https",
    "http(s)": "https",
    "https/tls": "https",
    "rest": "https",
    "ssl": "tls",
    "tls/ssl": "tls",
    "ssl/tls": "tls",
    "postgresql": "postgres",
    "websocket": "ws",
    "websockets": "ws",
    "ipsec vpn": "ipsec",
    "vpn": "ipsec",
    "scp": "ssh",
}
# Protocols a flow's label names, encrypted ones first ("HTTP" is in "HTTPS" otherwise).
_LABEL_PROTOCOLS = tuple(
    (re.compile(pattern), name)
    for pattern, name in (
        (r"\bweb ?sockets? secure\b|\bsecure web ?sockets?\b|\bwss\b", "wss"),
        (r"\bhttps\b|\bhttp/s\b|\bhttp ?\(s\)", "https"),
        (r"\bgrpcs\b|\bgrpc (over|\+) ?tls\b", "grpcs"),
        (r"\bsftp\b", "sftp"),
        (r"\bssh\b", "ssh"),
        (r"\b(tcp ?\+ ?)?(ssl|tls)\b", "tls"),
        (r"\bweb ?sockets?\b|\bws\b", "ws"),
        (r"\bhttp\b", "http"),
        (r"\bgrpc\b", "grpc"),
        (r"\bamqp\b", "amqp"),
        (r"\bmqtt\b", "mqtt"),
        (r"\bldap\b", "ldap"),
        (r"\bsmtp\b", "smtp"),
        (r"\bftp\b", "ftp"),
    )
)
# The encrypted variant of a plaintext protocol, for flows marked `isEncrypted`.
_ENCRYPTED_VARIANT = {
    "http": "https",
    "tcp": "tls",
    "grpc": "grpcs",
    "ws": "wss",
    "postgres": "postgres-tls",
    "mysql": "mysql-tls",
    "mongodb": "mongodb-tls",
    "redis": "redis-tls",
    "kafka": "kafka-tls",
    "kafka-sasl-plaintext": "kafka-sasl-ssl",
    "amqp": "amqps",
    "mqtt": "mqtts",
    "smtp": "smtps",
    "ldap": "ldaps",
    "syslog": "syslog-tls",
}
CREDENTIALS = {
    "id": "credentials",
    "name": "Credentials",
    "classification": "restricted",
    "tags": ["credentials"],
    "description": "Created by the Threat Dragon import for stores marked 'stores credentials'.",
}


def is_threat_dragon(data: Any) -> bool:
    """True for a Threat Dragon model: `summary` plus `detail.diagrams`."""
    if not isinstance(data, Mapping):
        return False
    detail = data.get("detail")
    return (
        isinstance(data.get("summary"), Mapping)
        and isinstance(detail, Mapping)
        and isinstance(detail.get("diagrams"), list)
    )


@dataclass
class _Rect:
    x: float
    y: float
    width: float
    height: float

    @property
    def center(self) -> tuple[float, float]:
        return (self.x + self.width / 2, self.y + self.height / 2)

    @property
    def area(self) -> float:
        return self.width * self.height

    def contains_point(self, point: tuple[float, float]) -> bool:
        px, py = point
        return self.x <= px <= self.x + self.width and self.y <= py <= self.y + self.height

    def contains(self, other: _Rect) -> bool:
        return (
            self.x <= other.x
            and self.y <= other.y
            and other.x + other.width <= self.x + self.width
            and other.y + other.height <= self.y + self.height
        )

    def distance(self, point: tuple[float, float]) -> float:
        px, py = point
        dx = max(self.x - px, 0.0, px - (self.x + self.width))
        dy = max(self.y - py, 0.0, py - (self.y + self.height))
        return (dx * dx + dy * dy) ** 0.5


@dataclass
class _Import:
    """The document being built, with the bookkeeping the mapping needs."""

    notes: list[str] = field(default_factory=list)
    data: list[dict[str, Any]] = field(default_factory=list)
    boundaries: list[dict[str, Any]] = field(default_factory=list)
    elements: list[dict[str, Any]] = field(default_factory=list)
    flows: list[dict[str, Any]] = field(default_factory=list)
    ids: Ids = field(default_factory=Ids)
    kinds: dict[str, str] = field(default_factory=dict)  # element ID -> kind

    def slug(self, section: str, text: str, fallback: str) -> str:
        """A valid, unused ID for `text` within its section ("Web App" -> "web-app")."""
        return self.ids.make(section, text, fallback)


def to_document(model: Mapping[str, Any], *, name: str = "Imported model") -> dict[str, Any]:
    """Map a Threat Dragon model onto a MODEL.md document dict."""
    summary = _mapping(model.get("summary"))
    detail = _mapping(model.get("detail"))
    result = _Import()
    diagrams = [d for d in detail.get("diagrams") or [] if isinstance(d, Mapping)]
    offset = 0.0
    for diagram in diagrams:
        cells = _cells(diagram)
        prefix = _clean(diagram.get("title")) if len(diagrams) > 1 else ""
        bottom = _import_diagram(result, cells, offset, prefix)
        offset = bottom + DIAGRAM_GAP
    description = [_clean(summary.get("description"), keep_lines=True)]
    people = [
        ("Owner", summary.get("owner")),
        ("Reviewer", detail.get("reviewer")),
        ("Contributors", ", ".join(_names(detail.get("contributors")))),
    ]
    description += [f"{label}: {_clean(value)}" for label, value in people if _clean(value)]
    description += result.notes
    document: dict[str, Any] = {
        "format": FORMAT,
        "name": _clean(summary.get("title")) or name,
        "description": "\n".join(line for line in description if line),
    }
    for section in ("data", "boundaries", "elements", "flows"):
        items = getattr(result, section)
        if items:
            document[section] = items
    return document


def _cells(diagram: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The diagram's cells in the 2.x shape; 1.x cells are translated to it."""
    if isinstance(diagram.get("cells"), list):
        return [cell for cell in diagram["cells"] if isinstance(cell, Mapping)]
    legacy = _dig(diagram, "diagramJson", "cells")
    cells: list[Mapping[str, Any]] = []
    for cell in legacy if isinstance(legacy, list) else []:
        if not isinstance(cell, Mapping):
            continue
        shape = _V1_SHAPES.get(str(cell.get("type")), str(cell.get("type")))
        ends = {}
        for end in ("source", "target"):
            point = cell.get(end)
            if isinstance(point, Mapping) and "id" in point:
                point = {"cell": point["id"]}
            ends[end] = point
        cells.append({**cell, "shape": shape, "data": cell, **ends})
    return cells


def _import_diagram(
    result: _Import, cells: list[Mapping[str, Any]], offset: float, prefix: str
) -> float:
    """Add one diagram's boxes, shapes and flows; return its lowest y for the next one."""
    boxes: dict[str, tuple[str, _Rect]] = {}
    shapes: dict[str, tuple[str, _Rect]] = {}
    bottom = offset
    for cell in cells:
        rect = _rect(cell, offset)
        if rect is not None:
            bottom = max(bottom, rect.y + rect.height)
        shape = cell.get("shape")
        if shape == "trust-boundary-box" and rect is not None:
            boxes[str(cell.get("id"))] = (_boundary(result, cell, prefix), rect)
    _nest_boundaries(result, boxes)
    for cell in cells:
        shape = cell.get("shape")
        rect = _rect(cell, offset)
        if shape in ("process", "store", "actor") and rect is not None:
            element_id = _element(result, cell, shape, rect, boxes)
            shapes[str(cell.get("id"))] = (element_id, rect)
        elif shape == "td-text-block":
            text = _clean(_data(cell).get("name") or _label(cell), keep_lines=True)
            if text:
                result.notes.append(f"Note on the Threat Dragon diagram: {text}")
        elif shape not in ("trust-boundary-box", "trust-boundary-curve", "flow"):
            result.notes.append(f"Not imported: a Threat Dragon '{_clean(shape) or '?'}' shape.")
    first_flow = len(result.flows)
    for cell in cells:
        if cell.get("shape") == "flow":
            _flow(result, cell, shapes, offset)
    _third_parties(result, shapes, result.flows[first_flow:])
    curves = [_curve(cell, offset) for cell in cells if cell.get("shape") == "trust-boundary-curve"]
    _regions(result, [c for c in curves if c is not None], shapes, prefix)
    return bottom


def _boundary(result: _Import, cell: Mapping[str, Any], prefix: str) -> str:
    label = _label(cell) or _clean(_data(cell).get("name")) or "Trust boundary"
    kind, guessed = _guess(label, _BOUNDARY_KINDS, "internal")
    boundary: dict[str, Any] = {
        "id": result.slug("boundaries", label, "boundary"),
        "kind": kind,
        "name": f"{prefix}: {label}" if prefix else label,
    }
    notes = [_clean(_data(cell).get("description"), keep_lines=True)]
    if guessed:
        notes.append(f"Kind '{kind}' guessed from the name by the Threat Dragon import.")
    _describe(boundary, notes)
    result.boundaries.append(boundary)
    return boundary["id"]


def _nest_boundaries(result: _Import, boxes: dict[str, tuple[str, _Rect]]) -> None:
    """A box drawn inside another is nested in it (the smallest box around it)."""
    by_id = {b["id"]: b for b in result.boundaries}
    for boundary_id, rect in boxes.values():
        around = [
            (other_rect.area, other_id)
            for other_id, other_rect in boxes.values()
            if other_id != boundary_id and other_rect.contains(rect) and other_rect.area > rect.area
        ]
        if around:
            by_id[boundary_id]["parent"] = min(around)[1]


def _element(
    result: _Import,
    cell: Mapping[str, Any],
    shape: str,
    rect: _Rect,
    boxes: dict[str, tuple[str, _Rect]],
) -> str:
    data = _data(cell)
    label = _clean(data.get("name")) or _label(cell) or shape.capitalize()
    lowered = label.lower()
    notes = [_clean(data.get("description"), keep_lines=True)]
    guessed = False
    if shape == "actor":
        kind = "user" if _PERSON.search(lowered) else "client"
    elif shape == "process":
        kind, guessed = _guess(lowered, _PROCESS_KINDS, "service")
    else:
        kind, guessed = _guess(lowered, _STORE_KINDS, "database")
        if data.get("isALog"):
            kind, guessed = "log-sink", False
            notes.append("Threat Dragon marks it 'is a log': imported as a log-sink.")
    if guessed:
        notes.append(f"Kind '{kind}' guessed from the name by the Threat Dragon import.")
    element: dict[str, Any] = {
        "id": result.slug("elements", label, shape),
        "kind": kind,
        "name": label,
    }
    if shape == "actor":
        element["actor"] = True  # bookkeeping for _third_parties, removed there
    inside = [
        (r.area, boundary_id) for boundary_id, r in boxes.values() if r.contains_point(rect.center)
    ]
    if inside:
        element["boundary"] = min(inside)[1]
    if shape == "store":
        if data.get("isEncrypted"):
            element["encryption"] = "platform"
            notes.append(
                "Threat Dragon marks it encrypted without saying how: imported as 'platform', "
                "the weakest encryption; state the real one."
            )
        if data.get("storesCredentials"):
            if not result.data:
                result.data.append(dict(CREDENTIALS))
            element["stores"] = ["credentials"]
    _scope(element, data)
    notes += _flags(data, shape)
    notes += _threats(data.get("threats"))
    center_x, center_y = rect.center
    element["position"] = {"x": round(center_x, 1), "y": round(center_y, 1)}
    _describe(element, notes)
    result.elements.append(element)
    result.kinds[element["id"]] = kind
    return element["id"]


def _scope(item: dict[str, Any], data: Mapping[str, Any]) -> None:
    """Threat Dragon's out-of-scope box and reason, as the format's own fields."""
    if data.get("outOfScope") is True:
        item["out_of_scope"] = True
        reason = _clean(data.get("reasonOutOfScope"))
        if reason:
            item["out_of_scope_reason"] = reason


def _flags(data: Mapping[str, Any], shape: str) -> list[str]:
    """Threat Dragon facts the format has no field for, as sentences."""
    notes = []
    flags = {
        "isSigned": "signed",
        "providesAuthentication": "provides authentication",
        "handlesCardPayment": "handles card payments",
        "handlesGoodsOrServices": "handles goods or services",
        "isWebApplication": "a web application",
        "isPublicNetwork": "crosses a public network",
        "isBidirectional": "bidirectional",
    }
    said = [text for flag, text in flags.items() if data.get(flag) is True]
    if shape == "process" and _clean(data.get("privilegeLevel")):
        said.append(f"privilege level {_clean(data['privilegeLevel'])}")
    if said:
        notes.append("Threat Dragon: " + "; ".join(said) + ".")
    return notes


def _threats(threats: Any) -> list[str]:
    if not isinstance(threats, list) or not threats:
        return []
    lines = ["Threats recorded in Threat Dragon:"]
    for threat in threats:
        if not isinstance(threat, Mapping):
            continue
        facts = [_clean(threat.get(k)) for k in ("status", "severity", "type")]
        line = f"- {_clean(threat.get('title')) or 'Untitled threat'}"
        if any(facts):
            line += f" ({', '.join(f for f in facts if f)})"
        mitigation = _clean(threat.get("mitigation"))
        if mitigation:
            line += f"; mitigation: {mitigation}"
        lines.append(line)
    return lines


def _flow(
    result: _Import,
    cell: Mapping[str, Any],
    shapes: dict[str, tuple[str, _Rect]],
    offset: float,
) -> None:
    data = _data(cell)
    label = _clean(data.get("name")) or _label(cell)
    ends = [_attach(cell.get(end), shapes, offset) for end in ("source", "target")]
    if None in ends:
        missing = " and ".join(e for e, v in zip(("source", "target"), ends, strict=True) if not v)
        what = f"'{label}'" if label else "without a name"
        result.notes.append(
            f"Not imported: the Threat Dragon flow {what}, whose {missing} is not attached to "
            "a process, store or actor."
        )
        return
    source, target = ends
    assert source is not None and target is not None
    if source == target:
        result.notes.append(f"Not imported: the flow '{label or source}' from {source} to itself.")
        return
    kinds = result.kinds
    to_store = kinds[source] in STORE_KINDS or kinds[target] in STORE_KINDS
    protocol, protocol_note = _protocol(
        data.get("protocol"), bool(data.get("isEncrypted")), to_store=to_store, label=label
    )
    written = _as_written(data.get("protocol"), protocol, label)
    notes = [_clean(data.get("description"), keep_lines=True), protocol_note]
    notes += _flags(data, "flow")
    notes += _threats(data.get("threats"))
    directions = [(source, target)]
    if data.get("isBidirectional"):
        directions.append((target, source))
    for index, (sender, receiver) in enumerate(directions):
        name = label if index == 0 or not label else f"{label} (return)"
        flow: dict[str, Any] = {
            "id": result.slug("flows", name or f"{sender} to {receiver}", "flow"),
            "from": sender,
            "to": receiver,
        }
        if name:
            flow["name"] = name
        if protocol:
            flow["protocol"] = protocol
        if written:
            flow["protocol_as_written"] = written
        _scope(flow, data)
        _describe(flow, notes)
        result.flows.append(flow)


def _protocol(
    text: Any, encrypted: bool, *, to_store: bool = False, label: str = ""
) -> tuple[str | None, str]:
    """MODEL.md protocol for Threat Dragon's free text, its `isEncrypted` box and the label.

    A name the format does not know ("UPnP", "Bluetooth", "HTTP/2") stays unstated, with
    the text kept in the note: the rules then say "assumed" rather than rest on a guess.
    An empty field is read from the flow's label when the label names a protocol
    ("HTTPS", "Websocket Secure", "TCP+SSL"). An empty protocol on an unencrypted flow
    stays unstated: `isEncrypted` defaults to false, which states nothing.
    """
    raw = _clean(text)
    word = raw.lower()
    protocol = word if word in PROTOCOLS else _PROTOCOL_ALIASES.get(word)
    if protocol is None and word.replace(" ", "-") in PROTOCOLS:
        protocol = word.replace(" ", "-")
    said = f"Threat Dragon protocol '{raw}'"
    if protocol is None and not raw:
        protocol = _from_label(label)
        said = f"Protocol read from the flow's label '{label}' (the protocol field is empty)"
        if protocol is None:
            secure = "tls" if to_store else "https"
            if encrypted:
                return secure, f"Threat Dragon marks it encrypted without a protocol: '{secure}'."
            return None, ""
    if protocol is None:
        return None, f"{said} is not a name Ciphermap knows: protocol left unstated."
    if encrypted and protocol in _ENCRYPTED_VARIANT:
        upgraded = _ENCRYPTED_VARIANT[protocol]
        return upgraded, f"{said}, marked encrypted: imported as '{upgraded}'."
    if protocol != word:
        return protocol, f"{said}: imported as '{protocol}'."
    return protocol, ""


def _as_written(text: Any, protocol: str | None, label: str) -> str:
    """Threat Dragon's text for `protocol_as_written`: the protocol field when it was not
    mapped, the label when the protocol was read from it; "" otherwise."""
    raw = _clean(text)
    if protocol is None:
        written = raw
    elif not raw and _from_label(label) is not None:
        written = label
    else:
        return ""
    written = written[:MAX_NAME_LENGTH]
    return "" if forbidden_character(written, bidi=True) else written


def _from_label(label: str) -> str | None:
    lowered = label.lower()
    if re.search(r"http/[23]|\bh2\b", lowered):
        return None  # HTTP/2 and /3 may or may not run over TLS: no guess
    return next((name for pattern, name in _LABEL_PROTOCOLS if pattern.search(lowered)), None)


def _attach(end: Any, shapes: dict[str, tuple[str, _Rect]], offset: float) -> str | None:
    """The element a flow end is attached to, or drawn right next to."""
    if not isinstance(end, Mapping):
        return None
    if "cell" in end:
        found = shapes.get(str(end["cell"]))
        return found[0] if found else None
    point = _point(end, offset)
    if point is None or not shapes:
        return None
    distance, element_id = min((rect.distance(point), eid) for eid, rect in shapes.values())
    return element_id if distance <= SNAP_DISTANCE else None


@dataclass
class _Line:
    """A trust boundary drawn as a line: its label and its points, in order."""

    label: str
    points: list[tuple[float, float]]
    description: str


def _curve(cell: Mapping[str, Any], offset: float) -> _Line | None:
    line = [_point(cell.get("source"), offset)]
    vertices = cell.get("vertices")
    line += [_point(v, offset) for v in (vertices if isinstance(vertices, list) else [])]
    line.append(_point(cell.get("target"), offset))
    points = [p for p in line if p is not None]
    if len(points) < 2:
        return None
    label = _label(cell) or _clean(_data(cell).get("name")) or "Trust boundary line"
    return _Line(label, points, _clean(_data(cell).get("description"), keep_lines=True))


def _side(line: _Line, point: tuple[float, float]) -> str:
    """Which side of the line a point lies on, judged by the line's nearest segment."""
    px, py = point
    best = None
    for (ax, ay), (bx, by) in itertools.pairwise(line.points):
        dx, dy = bx - ax, by - ay
        length = dx * dx + dy * dy or 1.0
        t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
        distance = (px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2
        if best is None or distance < best[0]:
            best = (distance, ax, ay, dx, dy)
    assert best is not None
    _distance, ax, ay, dx, dy = best
    if abs(dy) >= abs(dx):  # a mostly vertical segment: left or right of it
        x_on_line = ax + dx * ((py - ay) / dy) if dy else ax
        return "left" if px < x_on_line else "right"
    y_on_line = ay + dy * ((px - ax) / dx)
    return "above" if py < y_on_line else "below"


def _regions(
    result: _Import,
    lines: list[_Line],
    shapes: dict[str, tuple[str, _Rect]],
    prefix: str,
) -> None:
    """Boundary lines cut the diagram into regions: the elements outside every box go into
    a boundary per region (the same side of every line), so flows across a line cross."""
    if not lines:
        return
    by_id = {e["id"]: e for e in result.elements}
    regions: dict[tuple[str, ...], list[str]] = {}
    for element_id, rect in shapes.values():
        if by_id[element_id].get("boundary"):
            continue  # a box says where it is
        sides = tuple(_side(line, rect.center) for line in lines)
        regions.setdefault(sides, []).append(element_id)
    if not regions:
        names = ", ".join(f"'{line.label}'" for line in lines)
        result.notes.append(
            f"Threat Dragon boundary line{'s' if len(lines) > 1 else ''} {names}: every "
            "element sits in a box, so the boxes stand for the sides."
        )
        return
    labels = [line.label for line in lines]
    if len(set(labels)) < len(labels):  # unnamed lines: tell them apart by number
        labels = [f"{label} {number}" for number, label in enumerate(labels, start=1)]
    for number, (sides, members) in enumerate(regions.items(), start=1):
        where = ", ".join(
            f"{_SIDE_WORDS[side]} {label}" for label, side in zip(labels, sides, strict=True)
        )
        kinds = {by_id[m]["kind"] for m in members}
        if kinds <= {"external"}:
            kind = "third-party"
        elif kinds <= {"user", "client", "external"}:
            kind = "internet"
        else:
            kind = "internal"
        name = f"{lines[0].label}: {sides[0]} side" if len(lines) == 1 else f"Region {number}"
        name = f"{prefix}: {name}" if prefix else name
        boundary: dict[str, Any] = {
            "id": result.slug("boundaries", name, "region"),
            "kind": kind,
            "name": name,
        }
        notes = [line.description for line in lines]
        notes.append(
            f"The elements outside every box {where}, as Threat Dragon's boundary "
            + ("lines divide" if len(lines) > 1 else "line divides")
            + " the diagram"
            + (f"; kind '{kind}' guessed from who is in it." if kind != "internal" else ".")
        )
        _describe(boundary, notes)
        result.boundaries.append(boundary)
        for member in members:
            by_id[member]["boundary"] = boundary["id"]


def _third_parties(
    result: _Import, shapes: dict[str, tuple[str, _Rect]], flows: list[dict[str, Any]]
) -> None:
    """An actor outside every box that receives data, and is neither a person nor a
    client by its name (a browser, an app), is a third party: `external`."""
    receivers = {flow["to"] for flow in flows}
    by_id = {e["id"]: e for e in result.elements}
    for element_id, _rect in shapes.values():
        element = by_id[element_id]
        if (
            element.get("actor")
            and element["kind"] == "client"
            and element_id in receivers
            and not element.get("boundary")
            and not _CLIENT_NAMES.search(element["name"].lower())
        ):
            element["kind"] = "external"
            result.kinds[element_id] = "external"
            text = element.get("description", "")
            said = (
                "An actor outside every trust boundary that receives data: imported as a "
                "third party (external)."
            )
            element["description"] = f"{text}\n{said}".strip()
    for element in result.elements:
        element.pop("actor", None)


def _guess(
    text: str, table: Iterable[tuple[re.Pattern[str], str]], default: str
) -> tuple[str, bool]:
    lowered = text.lower()
    for pattern, kind in table:
        if pattern.search(lowered):
            return kind, True
    return default, False


def _describe(item: dict[str, Any], notes: list[str]) -> None:
    text = "\n".join(note for note in notes if note)
    if text:
        item["description"] = text


def _data(cell: Mapping[str, Any]) -> Mapping[str, Any]:
    return _mapping(cell.get("data"))


def _mapping(value: Any) -> Mapping[str, Any]:
    """`value` if Threat Dragon wrote a mapping there, else an empty one."""
    return value if isinstance(value, Mapping) else {}


def _label(cell: Mapping[str, Any]) -> str:
    """The text drawn on a cell: shapes keep it in `attrs`, edges in `labels`."""
    for part in ("text", "label"):
        text = _clean(_dig(cell, "attrs", part, "text"))
        if text:
            return text
    labels = cell.get("labels")
    for label in labels if isinstance(labels, list) else []:
        text = _clean(_dig(label, "attrs", "labelText", "text"))
        if text:
            return text
    return ""


def _dig(value: Any, *keys: str) -> Any:
    """value[k1][k2]... or None wherever the structure is not what Threat Dragon writes."""
    for key in keys:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _rect(cell: Mapping[str, Any], offset: float) -> _Rect | None:
    position, size = cell.get("position"), cell.get("size")
    if not isinstance(position, Mapping) or not isinstance(size, Mapping):
        return None
    try:
        numbers = [
            float(position["x"]),
            float(position["y"]),
            float(size["width"]),
            float(size["height"]),
        ]
    except (KeyError, TypeError, ValueError):
        return None
    if not all(math.isfinite(n) for n in numbers):
        return None
    x, y, width, height = numbers
    return _Rect(x, y + offset, abs(width), abs(height))


def _point(value: Any, offset: float) -> tuple[float, float] | None:
    if not isinstance(value, Mapping):
        return None
    try:
        x, y = float(value["x"]), float(value["y"])
    except (KeyError, TypeError, ValueError):
        return None
    return (x, y + offset) if math.isfinite(x) and math.isfinite(y) else None


def _names(people: Any) -> list[str]:
    if not isinstance(people, list):
        return []
    return [
        _clean(p.get("name")) for p in people if isinstance(p, Mapping) and _clean(p.get("name"))
    ]


def _clean(value: Any, *, keep_lines: bool = False) -> str:
    """Text from a Threat Dragon field; labels lose their manual line breaks."""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        return ""
    text = str(value).strip()
    if keep_lines:
        return "\n".join(" ".join(line.split()) for line in text.splitlines()).strip()
    return " ".join(text.split())
