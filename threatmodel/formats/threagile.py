"""Import a Threagile model (YAML, `threagile_version: 1.x`) as a MODEL.md document.

Threagile describes technical assets (processes, data stores, external entities), the
data assets they process and store, trust boundaries with nesting, and communication
links with protocol, authentication and the data sent and received. The mapping keeps
every fact the format can hold; what it cannot hold goes into `description` text.

- Data classification is mapped by rank, not by name: Threagile ranks `restricted`
  *below* `confidential` (public < internal < restricted < confidential <
  strictly-confidential), so its `restricted` is our `confidential`.
- A process that stores data keeps `stores` and `encryption` (services may keep data).
- `data-with-symmetric-shared-key` becomes a shared data key in `keys`.
- A link's received data travels back: it becomes a second flow, "(response)".
- `risk_tracking` entries become proposed decisions (`decisions(data)`) for the rules
  that have a counterpart here; the web import records them on the matching findings.

Nothing here reads files or fetches URLs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from threatmodel.model import FORMAT, PROTOCOLS
from threatmodel.schema import ENCRYPTED_PROTOCOLS, ID_RULE, MAX_NAME_LENGTH, forbidden_character

from .ids import Ids

__all__ = ["decisions", "is_threagile", "to_document"]

# Threagile's confidentiality ranks, lowest first, and the classification of each rank.
CONFIDENTIALITY = {
    "public": "public",
    "internal": "internal",
    "restricted": "confidential",
    "confidential": "confidential",
    "strictly-confidential": "restricted",
}

# Every protocol Threagile knows (its `types.Protocol`), and ours for it. None: unstated.
PROTOCOLS_MAP: dict[str, str | None] = {
    "unknown-protocol": None,
    "http": "http",
    "https": "https",
    "ws": "ws",
    "wss": "wss",
    "reverse-proxy-web-protocol": "http",
    "reverse-proxy-web-protocol-encrypted": "https",
    "mqtt": "mqtt",
    "jdbc": "jdbc",
    "jdbc-encrypted": "jdbc-tls",
    "odbc": "odbc",
    "odbc-encrypted": "odbc-tls",
    "sql-access-protocol": "tcp",
    "sql-access-protocol-encrypted": "tls",
    "nosql-access-protocol": "tcp",
    "nosql-access-protocol-encrypted": "tls",
    "binary": "tcp",
    "binary-encrypted": "tls",
    "text": "tcp",
    "text-encrypted": "tls",
    "ssh": "ssh",
    "ssh-tunnel": "ssh-tunnel",
    "smtp": "smtp",
    "smtp-encrypted": "smtps",
    "pop3": "pop3",
    "pop3-encrypted": "pop3s",
    "imap": "imap",
    "imap-encrypted": "imaps",
    "ftp": "ftp",
    "ftps": "ftps",
    "sftp": "sftp",
    "scp": "scp",
    "ldap": "ldap",
    "ldaps": "ldaps",
    "jms": "tcp",  # an API, not a wire protocol; Threagile counts it as unencrypted
    "nfs": "nfs",
    "smb": "smb",
    "smb-encrypted": "smb3",
    "local-file-access": "in-process",
    "nrpe": "tcp",
    "xmpp": "xmpp",
    "iiop": "iiop",
    "iiop-encrypted": "iiop-tls",
    "jrmp": "jrmp",
    "jrmp-encrypted": "jrmp-tls",
    "in-process-library-call": "in-process",
    "container-spawning": "in-process",
}
# Threagile names that are not wire protocols: the imported name says what they are.
_PROTOCOL_NOTES = {
    "jms": "JMS is an API whose transport Threagile does not state; imported as 'tcp', "
    "unencrypted, as Threagile counts it.",
    "local-file-access": "local file access: no network hop.",
    "container-spawning": "container spawning: no network hop.",
    "in-process-library-call": "an in-process library call: no network hop.",
    "sql-access-protocol": "a SQL protocol without TLS, imported as 'tcp'.",
    "nosql-access-protocol": "a NoSQL protocol without TLS, imported as 'tcp'.",
    "binary": "a binary protocol without TLS, imported as 'tcp'.",
    "text": "a text protocol without TLS, imported as 'tcp'.",
    "nrpe": "Nagios NRPE, imported as 'tcp' (unencrypted, as Threagile counts it).",
}

AUTHENTICATION = {
    "none": ("none", ""),
    "credentials": ("basic", "user and password"),
    "session-id": ("session", ""),
    "token": ("jwt", "a bearer token; say api-key if it is a static one"),
    "client-certificate": ("mtls", ""),
    "two-factor": ("session", "a session after a two-factor login"),
    "externalized": ("oauth2", "authentication by an identity provider"),
}

_CLIENT_TECHNOLOGIES = {
    "browser",
    "desktop",
    "mobile-app",
    "devops-client",
    "client-system",
    "iot-device",
}
_DATASTORE_KINDS = {
    "file-server": "file-store",
    "local-file-system": "file-store",
    "block-storage": "file-store",
    "data-lake": "warehouse",
    "search-index": "search-index",
    "search-engine": "search-index",
    "message-queue": "broker",
    "stream-processing": "broker",
    "log-server": "log-sink",
    "vault": "key-store",
    "hsm": "key-store",
}
_PROCESS_KINDS = {
    "load-balancer": "gateway",
    "reverse-proxy": "gateway",
    "gateway": "gateway",
    "waf": "gateway",
    "ids": "gateway",
    "ips": "gateway",
    "function": "function",
    "message-queue": "broker",
    "stream-processing": "broker",
    "vault": "key-store",
    "hsm": "key-store",
    "monitoring": "log-sink",
    "log-server": "log-sink",
}
_DMZ_BOUNDARIES = {"network-dmz"}
_ENCRYPTION = {
    "none": "none",
    "transparent": "disk",
    "data-with-symmetric-shared-key": "client-side",
    "data-with-asymmetric-shared-key": "client-side",
    "data-with-enduser-individual-key": "client-side",
}
# Threagile rules with a counterpart here.
RULES = {"unencrypted-communication": "unencrypted-hop", "unencrypted-asset": "unencrypted-store"}
STATUSES = {
    "unchecked": "open",
    "in-discussion": "in-discussion",
    "accepted": "accept",
    "in-progress": "in-discussion",
    "mitigated": "in-discussion",
    "false-positive": "false-positive",
}
INTERNET = "internet"
ACCEPTANCE_DAYS = 365  # Threagile's acceptances carry no expiry: a year from the check


def is_threagile(data: Any) -> bool:
    """True for a Threagile model: `threagile_version`, or technical and data assets."""
    return isinstance(data, Mapping) and (
        "threagile_version" in data or ("technical_assets" in data and "data_assets" in data)
    )


@dataclass
class _Import:
    ids: Ids = field(default_factory=Ids)
    notes: list[str] = field(default_factory=list)
    data: list[dict[str, Any]] = field(default_factory=list)
    keys: list[dict[str, Any]] = field(default_factory=list)
    boundaries: list[dict[str, Any]] = field(default_factory=list)
    elements: list[dict[str, Any]] = field(default_factory=list)
    flows: list[dict[str, Any]] = field(default_factory=list)
    data_ids: dict[str, str] = field(default_factory=dict)  # Threagile ID -> ours
    element_ids: dict[str, str] = field(default_factory=dict)
    boundary_ids: dict[str, str] = field(default_factory=dict)

    def own_id(self, section: str, threagile_id: Any, title: str, fallback: str) -> str:
        """Threagile's own ID when it is a valid one here (risk IDs name it), else a slug."""
        text = _text(threagile_id)
        if text and ID_RULE.match(text) and len(text) <= 64:
            return self.ids.claim(section, text)
        return self.ids.make(section, text or title, fallback)


def to_document(model: Mapping[str, Any], *, name: str = "Imported model") -> dict[str, Any]:
    """Map a Threagile model onto a MODEL.md document dict."""
    result = _Import()
    for title, asset in _items(model.get("data_assets")):
        _data_asset(result, title, asset)
    assets = list(_items(model.get("technical_assets")))
    for title, asset in assets:
        result.element_ids[_text(asset.get("id")) or title] = result.own_id(
            "elements", asset.get("id"), title, "asset"
        )
    inside = _boundaries(result, model.get("trust_boundaries"))
    for title, asset in assets:
        _technical_asset(result, title, asset, inside)
    for _title, asset in assets:
        for link_title, link in _items(asset.get("communication_links")):
            _link(result, asset, link_title, link)
    untracked = sorted(
        {
            _rule_of(risk)
            for risk, _ in _items(model.get("risk_tracking"))
            if _rule_of(risk) not in RULES
        }
    )
    if untracked:
        result.notes.append(
            "Threagile risk tracking for rules without a counterpart here (not imported): "
            + ", ".join(untracked)
            + "."
        )
    for section, what in (
        ("shared_runtimes", "shared runtimes"),
        ("individual_risk_categories", "individual risk categories"),
    ):
        if model.get(section):
            result.notes.append(f"Not imported: Threagile {what} ({len(model[section])}).")
    description = [_text(model.get("business_overview", {}).get("description"), lines=True)]
    description += [
        _text(model.get("technical_overview", {}).get("description"), lines=True),
        *result.notes,
    ]
    document: dict[str, Any] = {
        "format": FORMAT,
        "name": _text(model.get("title")) or name,
        "description": "\n".join(line for line in description if line),
    }
    for section in ("data", "boundaries", "keys", "elements", "flows"):
        items = getattr(result, section)
        if items:
            document[section] = items
    if not document["description"]:
        del document["description"]
    return document


def _data_asset(result: _Import, title: str, asset: Mapping[str, Any]) -> None:
    threagile_id = _text(asset.get("id")) or title
    data_id = result.own_id("data", asset.get("id"), title, "data")
    result.data_ids[threagile_id] = data_id
    rank = _text(asset.get("confidentiality")).lower()
    item: dict[str, Any] = {"id": data_id, "name": title}
    notes = [_text(asset.get("description"), lines=True)]
    if rank in CONFIDENTIALITY:
        item["classification"] = CONFIDENTIALITY[rank]
        if CONFIDENTIALITY[rank] != rank:
            notes.append(
                f"Threagile confidentiality '{rank}' (rank {list(CONFIDENTIALITY).index(rank)} "
                f"of 0-4): imported as '{CONFIDENTIALITY[rank]}'."
            )
    elif rank:
        notes.append(f"Threagile confidentiality '{rank}' is not one it defines: unstated.")
    tags = [t for t in _list(asset.get("tags")) if t in ("pii", "phi", "pan", "credentials")]
    if tags:
        item["tags"] = tags
    cia = [f"{k} {_text(asset.get(k))}" for k in ("integrity", "availability") if asset.get(k)]
    if cia:
        notes.append("Threagile: " + ", ".join(cia) + ".")
    notes.append(_text(asset.get("justification_cia_rating"), lines=True))
    _describe(item, notes)
    result.data.append(item)


def _boundaries(result: _Import, boundaries: Any) -> dict[str, str]:
    """Boundaries with their nesting; returns Threagile asset ID -> innermost boundary."""
    items = list(_items(boundaries))
    ours: dict[str, str] = {}
    for title, boundary in items:
        threagile_id = _text(boundary.get("id")) or title
        ours[threagile_id] = result.own_id("boundaries", boundary.get("id"), title, "boundary")
    parents: dict[str, str] = {}
    for title, boundary in items:
        threagile_id = _text(boundary.get("id")) or title
        for child in _list(boundary.get("trust_boundaries_nested")):
            if child in ours:
                parents[child] = threagile_id
    inside: dict[str, str] = {}
    for title, boundary in items:
        threagile_id = _text(boundary.get("id")) or title
        kind_name = _text(boundary.get("type"))
        item: dict[str, Any] = {
            "id": ours[threagile_id],
            "kind": "dmz" if kind_name in _DMZ_BOUNDARIES else "internal",
            "name": title,
        }
        if threagile_id in parents:
            item["parent"] = ours[parents[threagile_id]]
        notes = [_text(boundary.get("description"), lines=True)]
        if kind_name:
            notes.append(f"Threagile trust boundary type: {kind_name}.")
        _describe(item, notes)
        result.boundaries.append(item)
        for asset_id in _list(boundary.get("technical_assets_inside")):
            inside[asset_id] = ours[threagile_id]
    result.boundary_ids = ours
    return inside


def _internet_boundary(result: _Import) -> str:
    if INTERNET not in result.boundary_ids:
        boundary_id = result.ids.claim("boundaries", INTERNET)
        result.boundary_ids[INTERNET] = boundary_id
        result.boundaries.append(
            {
                "id": boundary_id,
                "kind": "internet",
                "name": "Internet",
                "description": "Created by the Threagile import for assets marked 'internet'.",
            }
        )
    return result.boundary_ids[INTERNET]


def _technical_asset(
    result: _Import, title: str, asset: Mapping[str, Any], inside: dict[str, str]
) -> None:
    threagile_id = _text(asset.get("id")) or title
    kind_name = _text(asset.get("type"))
    technology = _text(asset.get("technology"))
    human = asset.get("used_as_client_by_human") is True
    if kind_name == "external-entity":
        kind = "client" if human or technology in _CLIENT_TECHNOLOGIES else "external"
    elif kind_name == "datastore":
        kind = _DATASTORE_KINDS.get(technology, "database")
    else:
        kind = _PROCESS_KINDS.get(technology, "service")
    element: dict[str, Any] = {"id": result.element_ids[threagile_id], "kind": kind, "name": title}
    notes = [_text(asset.get("description"), lines=True)]
    boundary = inside.get(threagile_id)
    internet = asset.get("internet") is True
    if boundary is None and internet:
        boundary = _internet_boundary(result)
    if boundary:
        element["boundary"] = boundary
    if technology:
        element["technology"] = technology
    if internet and boundary != result.boundary_ids.get(INTERNET) and kind in _SERVICES:
        element["internet_facing"] = True
    stored = [result.data_ids.get(d, "") for d in _list(asset.get("data_assets_stored"))]
    stored = [d for d in dict.fromkeys(stored) if d]
    at_rest = kind in _STORES or (kind in _SERVICES and stored)
    if at_rest:
        if stored:
            element["stores"] = stored
        _encryption(result, element, _text(asset.get("encryption")), notes)
    elif stored:
        notes.append(
            "Threagile stores data here ("
            + ", ".join(stored)
            + f"), which a {kind} cannot hold in this format."
        )
    if asset.get("out_of_scope") is True:
        element["out_of_scope"] = True
        reason = _text(asset.get("justification_out_of_scope"))
        if reason:
            element["out_of_scope_reason"] = reason
    facts = [
        f"owner {_text(asset.get('owner'))}" if asset.get("owner") else "",
        f"machine {_text(asset.get('machine'))}" if asset.get("machine") else "",
        "multi-tenant" if asset.get("multi_tenant") is True else "",
        "custom-developed parts" if asset.get("custom_developed_parts") is True else "",
    ]
    facts = [f for f in facts if f]
    if facts:
        notes.append("Threagile: " + ", ".join(facts) + ".")
    _describe(element, notes)
    result.elements.append(element)


_SERVICES = ("service", "gateway", "function")
_STORES = (
    "database",
    "object-store",
    "file-store",
    "cache",
    "search-index",
    "warehouse",
    "broker",
    "log-sink",
    "backup",
)


def _encryption(result: _Import, element: dict[str, Any], style: str, notes: list[str]) -> None:
    if style not in _ENCRYPTION:
        if style:
            notes.append(f"Threagile encryption '{style}' is not one it defines: unstated.")
        return
    element["encryption"] = _ENCRYPTION[style]
    if style == "transparent":
        notes.append("Threagile 'transparent' encryption: imported as 'disk'.")
    elif style == "data-with-symmetric-shared-key":
        key_id = result.ids.make("keys", f"{element['id']}-shared-key", "shared-key")
        result.keys.append(
            {
                "id": key_id,
                "type": "dek",
                "name": f"Shared key of {element['name']}",
                "description": "Threagile 'data-with-symmetric-shared-key': one symmetric key "
                "shared by the parties that read and write this data. State its custody.",
            }
        )
        element["key"] = key_id
    elif style.startswith("data-with-"):
        notes.append(f"Threagile encryption '{style}': the application encrypts the data.")


def _link(result: _Import, asset: Mapping[str, Any], title: str, link: Mapping[str, Any]) -> None:
    source = result.element_ids.get(_text(asset.get("id")))
    target = result.element_ids.get(_text(link.get("target")))
    if source is None or target is None:
        result.notes.append(f"Not imported: the link '{title}', whose target is unknown.")
        return
    if source == target:
        result.notes.append(f"Not imported: the link '{title}' from {source} to itself.")
        return
    name = _text(link.get("protocol")).lower()
    notes = [_text(link.get("description"), lines=True)]
    protocol = PROTOCOLS_MAP.get(name) if name in PROTOCOLS_MAP else None
    if name and name not in PROTOCOLS_MAP:
        notes.append(f"Threagile protocol '{name}' is not one it defines: protocol unstated.")
    elif name == "unknown-protocol":
        notes.append("Threagile protocol 'unknown-protocol': protocol unstated.")
    elif name in _PROTOCOL_NOTES:
        notes.append(f"Threagile protocol '{name}': {_PROTOCOL_NOTES[name]}")
    if link.get("vpn") is True and protocol and protocol not in ENCRYPTED_PROTOCOLS:
        notes.append(f"Runs over a VPN: imported as 'ipsec'; the application speaks '{name}'.")
        protocol = "ipsec"
    elif link.get("vpn") is True:
        notes.append("Threagile: runs over a VPN.")
    assert protocol is None or protocol in PROTOCOLS
    auth_name = _text(link.get("authentication"))
    auth, auth_note = AUTHENTICATION.get(auth_name, (None, ""))
    if auth_note:
        notes.append(f"Threagile authentication '{auth_name}': {auth_note}.")
    elif auth_name and auth is None:
        notes.append(f"Threagile authentication '{auth_name}' is not one it defines.")
    facts = [
        f"authorization {_text(link.get('authorization'))}" if link.get("authorization") else "",
        "read-only" if link.get("readonly") is True else "",
        "IP-filtered" if link.get("ip_filtered") is True else "",
    ]
    facts = [f for f in facts if f]
    if facts:
        notes.append("Threagile: " + ", ".join(facts) + ".")
    base: dict[str, Any] = {}
    if protocol:
        base["protocol"] = protocol
    written = _text(link.get("protocol"))[:MAX_NAME_LENGTH]
    if protocol is None and written and not forbidden_character(written, bidi=True):
        base["protocol_as_written"] = written  # the findings quote what Threagile said
    if auth:
        base["auth"] = auth
    if _text(link.get("usage")) == "devops":
        base["purpose"] = "admin"
    sent = _data_of(result, link.get("data_assets_sent"))
    received = _data_of(result, link.get("data_assets_received"))
    flow_id = result.ids.make("flows", title, "link")
    flow = {"id": flow_id, "from": source, "to": target, "name": title, **base}
    flow["data"] = sent
    _describe(flow, notes)
    result.flows.append(flow)
    if received:
        back = {
            "id": result.ids.claim("flows", f"{flow_id}-response"),
            "from": target,
            "to": source,
            "name": f"{title} (response)",
            **base,
            "data": received,
            "description": f"The data Threagile's link '{title}' receives.",
        }
        result.flows.append(back)


def _data_of(result: _Import, ids: Any) -> list[str]:
    return list(dict.fromkeys(result.data_ids[d] for d in _list(ids) if d in result.data_ids))


# -- risk tracking ------------------------------------------------------------------------


def _rule_of(risk_id: str) -> str:
    return risk_id.split("@", 1)[0]


def decisions(model: Mapping[str, Any], document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Decisions proposed by `risk_tracking`, for the rules that map onto ours.

    Each is {rule, match, state, ...}: `match` lists the IDs the Threagile risk names
    ("*" matches anything); a finding of `rule` matches when every named ID is among its
    subject and path. Threagile states without a counterpart become `in-discussion` with a
    note saying what Threagile recorded, so nothing is claimed that was not decided here.
    """
    proposals = []
    for risk_id, tracking in _items(model.get("risk_tracking")):
        rule = RULES.get(_rule_of(risk_id))
        if rule is None or not isinstance(tracking, Mapping):
            continue
        status = _text(tracking.get("status"))
        state = STATUSES.get(status)
        if state is None or state == "open":
            continue
        justification = _text(tracking.get("justification"), lines=True)
        said = [f"Threagile risk tracking: {status}"]
        for key, label in (("checked_by", "by"), ("date", "on"), ("ticket", "ticket")):
            if tracking.get(key):
                said.append(f"{label} {_text(tracking.get(key))}")
        note = " ".join(said) + (f": {justification}" if justification else ".")
        proposal: dict[str, Any] = {
            "rule": rule,
            "match": [part for part in risk_id.split("@")[1:] if part],
            "state": state,
            "note": note,
        }
        if state == "accept":
            checked = _date(tracking.get("date"))
            if checked is None:
                proposal["state"] = "in-discussion"
            else:
                proposal["justification"] = justification or "Accepted in Threagile."
                proposal["expires"] = checked + dt.timedelta(days=ACCEPTANCE_DAYS)
        elif state == "false-positive":
            proposal["reason"] = justification or "Marked a false positive in Threagile."
        proposals.append(proposal)
    return proposals


# -- helpers ------------------------------------------------------------------------------


def _items(value: Any) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(title, item) for Threagile's maps of titled items; anything else is skipped."""
    if not isinstance(value, Mapping):
        return
    for title, item in value.items():
        if isinstance(item, Mapping):
            yield _text(title) or "untitled", item


def _list(value: Any) -> list[str]:
    return [_text(v) for v in value if _text(v)] if isinstance(value, list) else []


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(_text(value))
    except ValueError:
        return None


def _describe(item: dict[str, Any], notes: list[str]) -> None:
    text = "\n".join(note for note in notes if note)
    if text:
        item["description"] = text


def _text(value: Any, *, lines: bool = False) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float, dt.date)):
        return ""
    text = str(value).strip()
    if lines:
        return "\n".join(" ".join(line.split()) for line in text.splitlines()).strip()
    return " ".join(text.split())
