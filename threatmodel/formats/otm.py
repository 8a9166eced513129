"""The Open Threat Model (OTM 0.2), IriusRisk's interchange format, in and out.

Import: trust zones become boundaries (nesting by `parent`), components become elements
(the kind from the component type, through `COMPONENT_KINDS`), dataflows become flows
(both ways when `bidirectional`), assets become data classes (the confidentiality score
gives the classification), diagram representations give positions. Threat instances
with their states become proposed decisions where the threat is one of Ciphermap's own
findings (a file Ciphermap exported); other tools' threats are kept as text.

The spec is loose in places, and files in the wild follow each reading: `destination`
or `target`, `trustZones` or `trustzones`, `attributes` as a map or a list of pairs.

Export (`to_otm`) writes what OTM can hold in its own fields and everything else of an
item under `attributes.ciphermap`, so export -> import gives the same document back.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from threatmodel.model import FORMAT, PROTOCOLS
from threatmodel.schema import ID_RULE, MAX_ID_LENGTH

from .ids import Ids, slugify

__all__ = ["COMPONENT_KINDS", "decisions", "is_otm", "to_document", "to_otm"]

OTM_VERSION = "0.2.0"
DIAGRAM = "ciphermap-diagram"
NO_BOUNDARY = "ciphermap-no-boundary"  # OTM needs a parent zone; ours may have none
OURS = "ciphermap"  # the attributes key that carries what OTM has no field for

# Component type -> element kind: the first pattern found in the type wins.
COMPONENT_KINDS: tuple[tuple[str, str], ...] = (
    (r"client|browser|mobile|desktop|device", "client"),
    (r"\buser\b|actor|person|human", "user"),
    (r"gateway|load-?balancer|\belb\b|\balb\b|cloudfront|cdn|proxy|ingress|waf|nginx", "gateway"),
    (r"lambda|function", "function"),
    (r"\bs3\b|bucket|blob|object-?stor", "object-store"),
    (r"\befs\b|file|\bnfs\b|volume|\bebs\b", "file-store"),
    (r"elasticache|redis|memcache|cache", "cache"),
    (r"elasticsearch|opensearch|search", "search-index"),
    (r"redshift|warehouse|data-?lake|bigquery|snowflake", "warehouse"),
    (r"kafka|\bmsk\b|sqs|sns|kinesis|rabbit|queue|event-?bus|pub-?sub|broker|topic", "broker"),
    (r"cloudwatch|\blogs?\b|logging|splunk|siem", "log-sink"),
    (r"backup|snapshot", "backup"),
    (r"\bkms\b|vault|secrets?-?manager|key-?vault|hsm", "key-store"),
    (r"database|\bdb\b|rds|aurora|postgres|mysql|dynamo|mongo|cosmos|sql", "database"),
    (r"third-?party|external|saas|partner", "external"),
)
# Kind -> the component type written on export (IriusRisk's generic names where they exist).
EXPORT_TYPES = {
    "client": "generic-client",
    "user": "generic-user",
    "service": "web-service",
    "gateway": "api-gateway",
    "function": "generic-function",
    "database": "database",
    "object-store": "object-storage",
    "file-store": "file-storage",
    "cache": "cache",
    "search-index": "search-index",
    "warehouse": "data-warehouse",
    "broker": "message-broker",
    "log-sink": "log-sink",
    "backup": "backup",
    "key-store": "key-vault",
    "external": "third-party-service",
}
_ZONE_KINDS = (
    (r"internet|public-network", "internet"),
    (r"third-?party|partner|vendor|external", "third-party"),
    (r"\bdmz\b|perimeter", "dmz"),
)
TRUST_RATING = {"internet": 0, "third-party": 30, "dmz": 50, "internal": 100}
# Classification -> the confidentiality score written; a score reads back by these bands.
CONFIDENTIALITY = {"public": 0, "internal": 30, "confidential": 60, "restricted": 100}
_BANDS = ((10, "public"), (40, "internal"), (70, "confidential"), (100, "restricted"))
SEVERITY_IMPACT = {"critical": 100, "high": 75, "medium": 50, "low": 25, "info": 0}
# OTM threat instance states -> decision states (Ciphermap's own findings only).
STATES = {
    "exposed": None,
    "open": None,
    "accepted": "accept",
    "accept": "accept",
    "not-applicable": "false-positive",
    "notapplicable": "false-positive",
    "na": "false-positive",
    "false-positive": "false-positive",
    "in-discussion": "in-discussion",
    "mitigated": "in-discussion",
    "partially-mitigated": "in-discussion",
    "partiallymitigated": "in-discussion",
    "mitigate": "in-discussion",
}


def is_otm(data: Any) -> bool:
    """True for an OTM file: `otmVersion` at the top."""
    return isinstance(data, Mapping) and "otmVersion" in data


# -- import -------------------------------------------------------------------------------


@dataclass
class _Import:
    ids: Ids = field(default_factory=Ids)
    ours: dict[tuple[str, str], str] = field(default_factory=dict)  # (section, OTM ID) -> ID
    notes: list[str] = field(default_factory=list)

    def own_id(self, section: str, otm_id: Any, name: str, fallback: str) -> str:
        text = _text(otm_id)
        if text and ID_RULE.match(text) and len(text) <= MAX_ID_LENGTH:
            ours = self.ids.claim(section, text)
        else:
            ours = self.ids.make(section, name or text, fallback)
        self.ours[section, text] = ours
        return ours


def to_document(model: Mapping[str, Any], *, name: str = "Imported model") -> dict[str, Any]:
    """Map an OTM file onto a MODEL.md document dict."""
    result = _Import()
    project = _mapping(model.get("project"))
    zones = _list(model.get("trustZones", model.get("trustzones")))
    diagrams = {
        _text(r.get("id"))
        for r in _list(model.get("representations"))
        if _text(r.get("type")) in ("diagram", "threat-model")
    } | {DIAGRAM}
    data = [_asset(result, a) for a in _list(model.get("assets"))]
    boundaries = [_zone(result, z) for z in zones if _text(z.get("id")) != NO_BOUNDARY]
    _zone_parents(result, zones, boundaries)
    components = _list(model.get("components"))
    for component in components:
        result.own_id("elements", component.get("id"), _text(component.get("name")), "component")
    elements = [_component(result, c, components, diagrams) for c in components]
    flows: list[dict[str, Any]] = []
    for dataflow in _list(model.get("dataflows")):
        flows += _dataflow(result, dataflow)
    threats = {_text(t.get("id")): t for t in _list(model.get("threats"))}
    mitigations = {
        _text(m.get("id")): _text(m.get("name")) for m in _list(model.get("mitigations"))
    }
    foreign = _foreign_threats(model, threats, mitigations)
    own = _attributes(project.get("attributes")).get(OURS)
    document: dict[str, Any] = dict(own) if isinstance(own, Mapping) else {}
    document.update(format=FORMAT, name=_text(project.get("name")) or name)
    description = [_described(project)]
    if project.get("owner") and own is None:
        description.append(f"Owner: {_text(project.get('owner'))}")
    description += result.notes + foreign
    text = "\n".join(line for line in description if line)
    if text:
        document["description"] = text
    for section, items in (
        ("data", data),
        ("boundaries", boundaries),
        ("elements", elements),
        ("flows", flows),
    ):
        if items:
            document[section] = items
    return document


def _asset(result: _Import, asset: Mapping[str, Any]) -> dict[str, Any]:
    name = _text(asset.get("name"))
    item = _restored(asset)
    item["id"] = result.own_id("data", asset.get("id"), name, "asset")
    _named(item, asset)
    risk = _mapping(asset.get("risk"))
    score = risk.get("confidentiality")
    if "classification" not in item and isinstance(score, (int, float)) and score >= 0:
        item["classification"] = next(c for limit, c in _BANDS if score <= limit or limit == 100)
    notes = [_described(asset)]
    if _ours(asset) is None and risk:
        cia = [
            f"{k} {risk[k]}" for k in ("confidentiality", "integrity", "availability") if k in risk
        ]
        notes.append(
            "OTM risk: "
            + ", ".join(cia)
            + (f" ({_text(risk.get('comment'))})" if risk.get("comment") else "")
            + "."
        )
    _describe(item, notes)
    return item


def _zone(result: _Import, zone: Mapping[str, Any]) -> dict[str, Any]:
    name = _text(zone.get("name"))
    item = _restored(zone)
    item["id"] = result.own_id("boundaries", zone.get("id"), name, "zone")
    _named(item, zone)
    if "kind" not in item:
        words = f"{_text(zone.get('type'))} {name}".lower()
        item["kind"] = next((k for p, k in _ZONE_KINDS if re.search(p, words)), "internal")
    notes = [_described(zone)]
    rating = _mapping(zone.get("risk")).get("trustRating")
    if _ours(zone) is None and rating is not None:
        notes.append(f"OTM trust rating {rating}.")
    _describe(item, notes)
    return item


def _zone_parents(result: _Import, zones: list[Mapping[str, Any]], boundaries: list[dict]) -> None:
    by_otm = {_text(z.get("id")): b for z, b in zip(zones, boundaries, strict=False)}
    for zone in zones:
        parent = _text(_mapping(zone.get("parent")).get("trustZone"))
        child = by_otm.get(_text(zone.get("id")))
        if child is not None and parent in by_otm and by_otm[parent] is not child:
            child["parent"] = by_otm[parent]["id"]


def _component(
    result: _Import,
    component: Mapping[str, Any],
    components: list[Mapping[str, Any]],
    diagrams: set[str],
) -> dict[str, Any]:
    item = _restored(component)
    item["id"] = result.ours["elements", _text(component.get("id"))]
    _named(item, component)
    kind_name = _text(component.get("type")).lower()
    notes = [_described(component)]
    if "kind" not in item:
        item["kind"] = next((k for p, k in COMPONENT_KINDS if re.search(p, kind_name)), "service")
        if kind_name:
            notes.append(f"OTM component type '{kind_name}': imported as '{item['kind']}'.")
    boundary = _boundary_of(result, component, components)
    if boundary:
        item["boundary"] = boundary
    else:
        item.pop("boundary", None)
    stored = _mapping(component.get("assets")).get("stored")
    stored = [result.ours.get(("data", _text(a))) for a in _strings(stored)]
    if [s for s in stored if s]:
        item["stores"] = list(dict.fromkeys(s for s in stored if s))
    for representation in _list(component.get("representations")):
        if _text(representation.get("representation")) not in diagrams:
            continue
        position = _position(representation)
        if position:
            item["position"] = position
            break
    tags = [t for t in _strings(component.get("tags")) if t]
    if tags and _ours(component) is None:
        notes.append("OTM tags: " + ", ".join(tags) + ".")
    _describe(item, notes)
    return item


def _boundary_of(result: _Import, component: Mapping[str, Any], components: list) -> str | None:
    """The zone a component sits in; inside another component, that one's zone."""
    seen: set[str] = set()
    current: Mapping[str, Any] | None = component
    by_id = {_text(c.get("id")): c for c in components}
    while current is not None:
        parent = _mapping(current.get("parent"))
        zone = _text(parent.get("trustZone", parent.get("trustzone")))
        if zone:
            return result.ours.get(("boundaries", zone))
        inside = _text(parent.get("component"))
        if not inside or inside in seen:
            return None
        seen.add(inside)
        current = by_id.get(inside)
    return None


def _dataflow(result: _Import, dataflow: Mapping[str, Any]) -> list[dict[str, Any]]:
    name = _text(dataflow.get("name"))
    source = result.ours.get(("elements", _text(dataflow.get("source"))))
    target_id = dataflow.get("destination", dataflow.get("target"))
    target = result.ours.get(("elements", _text(target_id)))
    if source is None or target is None or source == target:
        result.notes.append(
            f"Not imported: the OTM dataflow '{name or dataflow.get('id')}', "
            "whose ends are not two known components."
        )
        return []
    item = _restored(dataflow)
    item.update(
        {
            "id": result.own_id("flows", dataflow.get("id"), name, "flow"),
            "from": source,
            "to": target,
        }
    )
    _named(item, dataflow)
    data = [result.ours.get(("data", _text(a))) for a in _strings(dataflow.get("assets"))]
    if [d for d in data if d]:
        item["data"] = list(dict.fromkeys(d for d in data if d))
    notes = [_described(dataflow)]
    if "protocol" not in item:
        named = [t.lower() for t in _strings(dataflow.get("tags")) if t.lower() in PROTOCOLS]
        if named:
            item["protocol"] = named[0]
            notes.append(f"Protocol read from the OTM tag '{named[0]}'.")
    _describe(item, notes)
    flows = [item]
    if dataflow.get("bidirectional") is True:
        back = {
            **item,
            "id": result.ids.claim("flows", f"{item['id']}-return"),
            "from": target,
            "to": source,
        }
        back["name"] = f"{name or item['id']} (return)"
        flows.append(back)
    return flows


def _foreign_threats(
    model: Mapping[str, Any], threats: dict[str, Mapping], mitigations: dict[str, str]
) -> list[str]:
    """Other tools' threats, as lines of text (Ciphermap's own become decisions)."""
    lines = []
    for section in ("components", "dataflows"):
        for item in _list(model.get(section)):
            for instance in _list(item.get("threats")):
                threat = threats.get(_text(instance.get("threat")), {})
                if _ours(threat):
                    continue
                title = _text(threat.get("name")) or _text(instance.get("threat"))
                applied = [
                    f"{mitigations.get(_text(m.get('mitigation'))) or _text(m.get('mitigation'))}"
                    f" {_text(m.get('state'))}".strip()
                    for m in _list(instance.get("mitigations"))
                ]
                line = f"- {title} on {_text(item.get('name')) or _text(item.get('id'))}"
                line += f" ({_text(instance.get('state')) or 'no state'}"
                line += f"; mitigations: {', '.join(applied)})" if applied else ")"
                lines.append(line)
    return ["Threats recorded in OTM:", *lines] if lines else []


def decisions(model: Mapping[str, Any], document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Decisions the threat states of Ciphermap's own findings propose (see module doc)."""
    threats = {_text(t.get("id")): t for t in _list(model.get("threats"))}
    proposals = []
    for section in ("components", "dataflows"):
        for item in _list(model.get(section)):
            for instance in _list(item.get("threats")):
                threat = threats.get(_text(instance.get("threat")), {})
                ours = _ours(threat)
                if not isinstance(ours, Mapping) or not ours.get("rule"):
                    continue
                recorded = _attributes(instance.get("attributes")).get(OURS)
                recorded = recorded if isinstance(recorded, Mapping) else {}
                state_name = _text(recorded.get("state") or instance.get("state")).lower()
                state = recorded.get("state") or STATES.get(state_name)
                if not state or state in ("open", "fixed", "reopened", "expired"):
                    continue
                proposal: dict[str, Any] = {
                    "rule": ours["rule"],
                    "match": list(_strings(ours.get("subject"))) or [_text(item.get("id"))],
                    "state": state,
                    "note": f"OTM threat state: {state_name or state}.",
                }
                for key in ("justification", "reason"):
                    if recorded.get(key):
                        proposal[key] = _text(recorded[key], lines=True)
                if state == "false-positive":
                    proposal.setdefault("reason", "Marked not applicable in OTM.")
                if state == "accept":
                    expires = _date(recorded.get("expires"))
                    if expires is None:
                        proposal["state"] = "in-discussion"
                    else:
                        proposal["expires"] = expires
                        proposal.setdefault("justification", "Accepted in OTM.")
                proposals.append(proposal)
    return proposals


# -- export -------------------------------------------------------------------------------

# Fields OTM holds itself; the rest of an item goes under attributes.ciphermap.
_HELD = {
    "data": {"id", "name", "description"},
    "boundaries": {"id", "name", "description", "parent"},
    "elements": {"id", "name", "description", "boundary", "position", "stores"},
    "flows": {"id", "name", "description", "from", "to", "data"},
}


def to_otm(
    document: Mapping[str, Any],
    findings: list[Mapping[str, Any]] | None = None,
    decided: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """An OTM 0.2 file for a loaded document (`threatmodel.to_document(system)`).

    `findings` (an analysis's `findings` dicts) become OTM threats on their first subject;
    `decided` maps a fingerprint to its decision ({state, justification, reason, expires}).
    """
    decided = decided or {}
    project_rest = {
        k: v
        for k, v in document.items()
        if k not in ("format", "name", "description", "data", "boundaries", "elements", "flows")
    }
    otm: dict[str, Any] = {
        "otmVersion": OTM_VERSION,
        "project": {
            "name": document.get("name", ""),
            "id": slugify(str(document.get("name", "")), "system"),
            "description": document.get("description", ""),
            "attributes": {OURS: project_rest},
        },
        "representations": [{"name": "Ciphermap diagram", "id": DIAGRAM, "type": "diagram"}],
        "assets": [],
        "trustZones": [],
        "components": [],
        "dataflows": [],
    }
    for item in document.get("data", []):
        otm["assets"].append(
            {
                **_held(item, "data"),
                "risk": {
                    "confidentiality": CONFIDENTIALITY.get(
                        item.get("classification", "internal"), 30
                    ),
                    "integrity": 0,
                    "availability": 0,
                    "comment": "Ciphermap rates confidentiality only; integrity and "
                    "availability are not assessed.",
                },
                "attributes": _rest(item, "data"),
            }
        )
    for item in document.get("boundaries", []):
        zone = {
            **_held(item, "boundaries"),
            "type": item.get("kind", "internal"),
            "risk": {"trustRating": TRUST_RATING.get(item.get("kind", "internal"), 100)},
            "attributes": _rest(item, "boundaries"),
        }
        if item.get("parent"):
            zone["parent"] = {"trustZone": item["parent"]}
        otm["trustZones"].append(zone)
    if any(not e.get("boundary") for e in document.get("elements", [])):
        otm["trustZones"].append(
            {
                "id": NO_BOUNDARY,
                "name": "No boundary stated",
                "type": "unknown",
                "risk": {"trustRating": 50},
                "attributes": {OURS: {"synthetic": True}},
            }
        )
    components = {}
    for item in document.get("elements", []):
        component: dict[str, Any] = {
            **_held(item, "elements"),
            "type": EXPORT_TYPES.get(item.get("kind", ""), "generic-service"),
            "parent": {"trustZone": item.get("boundary") or NO_BOUNDARY},
            "attributes": _rest(item, "elements"),
        }
        if item.get("stores"):
            component["assets"] = {"processed": None, "stored": list(item["stores"])}
        position = item.get("position")
        if position:
            component["representations"] = [
                {
                    "representation": DIAGRAM,
                    "id": f"{item['id']}-shape",
                    "position": {"x": position["x"] - 25, "y": position["y"] - 25},
                    "size": {"width": 50, "height": 50},
                }
            ]
        components[item["id"]] = component
        otm["components"].append(component)
    flows = {}
    for item in document.get("flows", []):
        flow = {
            **_held(item, "flows"),
            "source": item["from"],
            "destination": item["to"],
            "bidirectional": False,
            "assets": list(item.get("data", [])) or None,
            "tags": [item["protocol"]] if item.get("protocol") else None,
            "attributes": _rest(item, "flows"),
        }
        flows[item["id"]] = flow
        otm["dataflows"].append(flow)
    if findings:
        otm["threats"] = []
        for finding in findings:
            _threat(otm, finding, components, flows, decided.get(finding.get("fingerprint", "")))
    return otm


def _threat(
    otm: dict[str, Any],
    finding: Mapping[str, Any],
    components: dict[str, Any],
    flows: dict[str, Any],
    decision: Mapping[str, Any] | None,
) -> None:
    holder = next(
        (
            components.get(s) or flows.get(s)
            for s in finding.get("subject", [])
            if s in components or s in flows
        ),
        None,
    )
    cwes = [r for r in _reference_list(finding.get("references")) if r.startswith("CWE-")]
    otm["threats"].append(
        {
            "id": finding["fingerprint"],
            "name": finding.get("title", finding["rule"]),
            "description": finding.get("evidence", ""),
            "categories": [finding["rule"]],
            "cwes": cwes or None,
            "risk": {
                "likelihood": None,
                "impact": SEVERITY_IMPACT.get(str(finding.get("severity")), 50),
            },
            "attributes": {
                OURS: {
                    "rule": finding["rule"],
                    "subject": list(finding.get("subject", [])),
                    "severity": finding.get("severity"),
                }
            },
        }
    )
    if holder is None:
        return
    instance: dict[str, Any] = {
        "threat": finding["fingerprint"],
        "state": "exposed",
        "mitigations": [],
    }
    if decision:
        state = decision.get("state", "open")
        instance["state"] = {"accept": "accepted", "false-positive": "not-applicable"}.get(
            state, state
        )
        recorded = {k: v for k, v in decision.items() if v not in (None, "")}
        if isinstance(recorded.get("expires"), dt.date):
            recorded["expires"] = recorded["expires"].isoformat()
        instance["attributes"] = {OURS: recorded}
    holder.setdefault("threats", None)
    holder["threats"] = [*(holder["threats"] or []), instance]


def _reference_list(references: Any) -> list[str]:
    if isinstance(references, list):
        return [str(r) for r in references]
    if isinstance(references, str):
        return [part.strip() for part in references.split(";")]
    return []


def _held(item: Mapping[str, Any], section: str) -> dict[str, Any]:
    held = {"id": item["id"], "name": item.get("name") or item["id"]}
    if item.get("description"):
        held["description"] = item["description"]
    return held


def _rest(item: Mapping[str, Any], section: str) -> dict[str, Any] | None:
    rest = {k: v for k, v in item.items() if k not in _HELD[section]}
    if "name" not in item:
        rest["unnamed"] = True
    return {OURS: rest}  # even empty: it marks the item as written by Ciphermap


# -- helpers ------------------------------------------------------------------------------


def _attributes(value: Any) -> dict[str, Any]:
    """OTM attributes as a map, whether written as a map or as a list of pairs."""
    if isinstance(value, Mapping):
        return dict(value)
    result: dict[str, Any] = {}
    for entry in value if isinstance(value, list) else []:
        if isinstance(entry, Mapping) and "name" in entry and "value" in entry:
            result[_text(entry["name"])] = entry["value"]
        elif isinstance(entry, Mapping) and "key" in entry and "value" in entry:
            result[_text(entry["key"])] = entry["value"]
        elif isinstance(entry, Mapping):
            result.update(entry)
    return result


def _ours(item: Mapping[str, Any]) -> Any:
    return _attributes(item.get("attributes")).get(OURS)


def _restored(item: Mapping[str, Any]) -> dict[str, Any]:
    """The fields a Ciphermap export kept under attributes.ciphermap."""
    ours = _ours(item)
    if not isinstance(ours, Mapping):
        return {}
    return {k: v for k, v in ours.items() if k not in ("unnamed", "synthetic")}


def _described(item: Mapping[str, Any]) -> str:
    """An item's description: as written when Ciphermap wrote it, else tidied."""
    if isinstance(_ours(item), Mapping) and isinstance(item.get("description"), str):
        return item["description"]
    return _text(item.get("description"), lines=True)


def _named(target: dict[str, Any], item: Mapping[str, Any]) -> None:
    """The name, unless Ciphermap exported an unnamed item (OTM needs one)."""
    ours = _ours(item)
    name = _text(item.get("name"))
    if isinstance(ours, Mapping) and ours.get("unnamed"):
        target.pop("name", None)
    elif name:
        target["name"] = item["name"] if isinstance(ours, Mapping) else name


def _position(representation: Mapping[str, Any]) -> dict[str, float] | None:
    position, size = _mapping(representation.get("position")), _mapping(representation.get("size"))
    try:
        x, y = float(position["x"]), float(position["y"])
    except (KeyError, TypeError, ValueError):
        return None
    width, height = size.get("width"), size.get("height")
    width = width if isinstance(width, (int, float)) else 0
    height = height if isinstance(height, (int, float)) else 0
    return {"x": x + width / 2, "y": y + height / 2}


def _describe(item: dict[str, Any], notes: list[str]) -> None:
    text = "\n".join(note for note in notes if note)
    if text:
        item["description"] = text
    elif "description" in item and not item["description"]:
        del item["description"]


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _strings(value: Any) -> list[str]:
    return [_text(v) for v in value if _text(v)] if isinstance(value, list) else []


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(_text(value))
    except ValueError:
        return None


def _text(value: Any, *, lines: bool = False) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return ""
    text = str(value).strip()
    if lines:
        return "\n".join(" ".join(line.split()) for line in text.splitlines()).strip()
    return " ".join(text.split())
