"""Re-import as a reviewed merge: a newer import applied to a model the architect edited.

An importer (Terraform, Threagile, OTM, Threat Dragon ...) makes a whole document from
its source. Importing again must not throw away what the architect added by hand: data
classes, positions, drawn flows, descriptions, names. `merge()` is a three-way merge of
documents, item by item (items are matched by section and ID, which the importers derive
from their sources, so the same resource gets the same ID):

- `base`: the document the previous import produced (None when unknown);
- `current`: the system's current document, with the architect's edits;
- `incoming`: the document the new import produced.

For each field, an edit on one side only wins; where both changed it, the architect keeps
the fields people write (`HAND_FIELDS`) and anything the previous import did not state,
and the import wins on the facts it states (encryption, protocol, ...); every such case is
listed as a conflict. An item the import drops is removed if the previous import had it
(and kept, listed as unmatched, when there is no base); an item the architect added is
kept; an item the architect deleted stays deleted. References to removed items are
dropped, so the result loads. Nothing is saved here: the caller shows the `Merge` and
saves `merge.document` as one new revision after confirmation.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from threatmodel.model import ENCRYPTION_STRENGTH
from threatmodel.schema import LAYOUT_FIELDS

__all__ = ["HAND_FIELDS", "SECURITY_FIELDS", "Change", "Conflict", "Merge", "merge"]

SECTIONS = ("data", "boundaries", "keys", "elements", "flows")
# Written by people; an import never overwrites an edit to these.
# Layout (positions, frame sizes) is always the architect's: importers only guess it.
HAND_FIELDS = frozenset({"name", "description", "stores", "data", "purpose"}) | LAYOUT_FIELDS
# Facts a reviewer looks at first in the preview.
SECURITY_FIELDS = frozenset(
    {"encryption", "key", "public_access", "protocol", "tls", "auth", "internet_facing"}
)
# Sections whose items are kept even when the import drops them: the architect's vocabulary.
NEVER_REMOVED = frozenset({"data"})
_TOP_LEVEL = ("name", "description", "policy")
_MISSING = object()


@dataclass(frozen=True)
class Change:
    """One field of one item, as it is now and as it will be."""

    section: str
    id: str
    field: str
    before: Any
    after: Any

    @property
    def security(self) -> bool:
        return self.field in SECURITY_FIELDS


@dataclass(frozen=True)
class Conflict:
    """A field both the architect and the import changed, and which side was kept."""

    section: str
    id: str
    field: str
    yours: Any
    imported: Any
    kept: str  # "yours" | "imported"


@dataclass
class Merge:
    document: dict[str, Any]
    added: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    removed: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    # Fields of matched items where the result keeps the architect's value over the import's.
    kept_fields: list[Change] = field(default_factory=list)
    # Items only the current document has and the previous import did not: kept.
    kept: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    # Items the import has that the architect deleted since the previous import.
    stay_deleted: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    # References dropped because what they named was removed ("flows[x].to: ...").
    dropped_references: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.dropped_references)

    @property
    def security_changes(self) -> list[Change]:
        return [change for change in self.changed if change.security]

    @property
    def inferred_flows(self) -> list[dict[str, Any]]:
        return [item for section, item in self.added if section == "flows"]

    def summary(self) -> str:
        """One line for the revision: 'merged import: 2 added, 1 removed, 3 changed'."""
        parts = [
            f"{len(self.added)} added" if self.added else "",
            f"{len(self.removed)} removed" if self.removed else "",
            f"{len({(c.section, c.id) for c in self.changed})} changed" if self.changed else "",
        ]
        return ", ".join(p for p in parts if p) or "no changes"


def merge(
    current: Mapping[str, Any],
    incoming: Mapping[str, Any],
    base: Mapping[str, Any] | None = None,
) -> Merge:
    """Merge `incoming` into `current`, knowing what the previous import made (`base`)."""
    document = {k: copy.deepcopy(v) for k, v in current.items() if k not in SECTIONS}
    result = Merge(document)
    # The system's name is the architect's; a plan file's name says nothing about it.
    if "name" in current:
        document["name"] = copy.deepcopy(current["name"])
    for key in _TOP_LEVEL:
        if key == "name" and "name" in current:
            continue
        value = _merge_field(result, "", "", key, base, current, incoming)
        if value is _MISSING:
            document.pop(key, None)
        else:
            document[key] = value
    document.setdefault("format", incoming.get("format", current.get("format")))
    for section in SECTIONS:
        items = _merge_section(result, section, current, incoming, base)
        if items:
            document[section] = items
        else:
            document.pop(section, None)
    _prune(result)
    return result


def _items(document: Mapping[str, Any] | None, section: str) -> dict[str, dict[str, Any]]:
    if document is None:
        return {}
    # Shallow copies: the input may be any mapping; the merged items are plain dicts.
    return {
        item["id"]: dict(item)
        for item in document.get(section) or ()
        if isinstance(item, Mapping) and isinstance(item.get("id"), str)
    }


def _merge_section(
    result: Merge,
    section: str,
    current: Mapping[str, Any],
    incoming: Mapping[str, Any],
    base: Mapping[str, Any] | None,
) -> list[dict[str, Any]]:
    mine, theirs, before = (
        _items(current, section),
        _items(incoming, section),
        _items(base, section),
    )
    merged: list[dict[str, Any]] = []
    for item_id, item in mine.items():
        if item_id in theirs:
            merged.append(_merge_item(result, section, item, theirs[item_id], before.get(item_id)))
        elif item_id in before and section not in NEVER_REMOVED:
            result.removed.append((section, item))
        else:
            merged.append(copy.deepcopy(item))
            if item_id not in before:
                result.kept.append((section, item))
    for item_id, item in theirs.items():
        if item_id in mine:
            continue
        if item_id in before:
            result.stay_deleted.append((section, item))
        else:
            merged.append(copy.deepcopy(item))
            result.added.append((section, item))
    return merged


def _merge_item(
    result: Merge,
    section: str,
    mine: Mapping[str, Any],
    theirs: Mapping[str, Any],
    before: Mapping[str, Any] | None,
) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    names = list(mine) + [name for name in theirs if name not in mine]
    for name in names:
        value = _merge_field(result, section, mine["id"], name, before, mine, theirs)
        if value is not _MISSING:
            merged[name] = value
    return merged


def _merge_field(
    result: Merge,
    section: str,
    item_id: str,
    name: str,
    before: Mapping[str, Any] | None,
    mine: Mapping[str, Any],
    theirs: Mapping[str, Any],
) -> Any:
    yours = mine.get(name, _MISSING)
    imported = theirs.get(name, _MISSING)
    conflicted = False
    if before is None:
        # No base: the architect's words stay; the import states every other fact.
        if name in HAND_FIELDS and yours is not _MISSING:
            value = yours
        elif name in HAND_FIELDS or section == "":
            value = yours if yours is not _MISSING else imported
        else:
            value = imported
    else:
        previous = before.get(name, _MISSING)
        if yours == previous:
            value = imported
        elif imported in (previous, yours):
            value = yours
        else:
            keep_yours = name in HAND_FIELDS or previous is _MISSING
            value = yours if keep_yours else imported
            conflicted = True
            result.conflicts.append(
                Conflict(
                    section or "document",
                    item_id,
                    name,
                    None if yours is _MISSING else yours,
                    None if imported is _MISSING else imported,
                    "yours" if keep_yours else "imported",
                )
            )
    kept_yours = value is yours and yours != imported and yours is not _MISSING
    if kept_yours and section and not conflicted:
        shown = None if imported is _MISSING else imported
        result.kept_fields.append(Change(section, item_id, name, shown, yours))
    if value != yours and section:
        result.changed.append(
            Change(
                section,
                item_id,
                name,
                None if yours is _MISSING else yours,
                None if value is _MISSING else value,
            )
        )
    return copy.deepcopy(value) if value is not _MISSING else _MISSING


def _prune(result: Merge) -> None:
    """Drop references to what is gone, so the merged document loads."""
    document = result.document
    ids = {section: set(_items(document, section)) for section in SECTIONS}

    def drop(location: str, what: str) -> None:
        result.dropped_references.append(f"{location}: {what} was removed")

    flows = []
    for flow in document.get("flows", ()):
        gone = [end for end in ("from", "to") if flow.get(end) not in ids["elements"]]
        if gone:
            if not any(s == "flows" and i.get("id") == flow["id"] for s, i in result.removed):
                result.removed.append(("flows", flow))
            continue
        _filter_list(flow, "data", ids["data"], f"flows[{flow['id']}]", drop)
        flows.append(flow)
    if "flows" in document:
        document["flows"] = flows
    for element in document.get("elements", ()):
        where = f"elements[{element['id']}]"
        for name, section in (
            ("boundary", "boundaries"),
            ("key", "keys"),
            ("backup_of", "elements"),
        ):
            if name in element and element[name] not in ids[section]:
                drop(f"{where}.{name}", f"'{element.pop(name)}'")
        if "key" in element and ENCRYPTION_STRENGTH.get(element.get("encryption") or "none", 0) < 2:
            drop(f"{where}.key", f"encryption '{element.get('encryption')}' that uses a key")
            element.pop("key")
        _filter_list(element, "stores", ids["data"], where, drop)
        _filter_list(element, "uses_keys", ids["keys"], where, drop)
    for key in document.get("keys", ()):
        if "held_by" in key and key["held_by"] not in ids["elements"]:
            drop(f"keys[{key['id']}].held_by", f"'{key.pop('held_by')}'")
        _filter_list(key, "wraps", ids["keys"], f"keys[{key['id']}]", drop)
    for boundary in document.get("boundaries", ()):
        if "parent" in boundary and boundary["parent"] not in ids["boundaries"]:
            drop(f"boundaries[{boundary['id']}].parent", f"'{boundary.pop('parent')}'")


def _filter_list(
    item: dict[str, Any], name: str, valid: set[str], where: str, drop: Callable[[str, str], None]
) -> None:
    if name not in item or not isinstance(item[name], list):
        return
    kept = [value for value in item[name] if value in valid]
    for value in item[name]:
        if value not in valid:
            drop(f"{where}.{name}", f"'{value}'")
    item[name] = kept
    if not kept:
        item.pop(name)
