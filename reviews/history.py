"""Patches between model documents, and what changed in words.

A patch is a small JSON value that turns one document into another. Lists of items
with an `id` (elements, flows, keys, ...) are patched item by item, so moving one
element on a 300-element diagram stores a few numbers, not the diagram:

- ``{"=": value}`` replaces the value;
- ``{"{}": {key: patch}, "-": [keys]}`` patches a mapping (added keys come as ``{"=": v}``);
- ``{"[]": {id: patch}, "ids": [...]}`` patches a list of items by ID; ``ids`` (the new
  order) is present only when items were added, removed or reordered.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from threatmodel.schema import LAYOUT_FIELDS, SECTION_NOUNS
from threatmodel.schema import READING_ORDER as SECTIONS


def _is_item_list(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(item, dict) and isinstance(item.get("id"), str) for item in value)
        and len({item["id"] for item in value}) == len(value)
    )


def make_patch(old: Any, new: Any) -> dict | None:
    """The patch turning `old` into `new`, or None when they are equal."""
    if old == new:
        return None
    if isinstance(old, dict) and isinstance(new, dict):
        changes = {}
        for key, value in new.items():
            if key not in old:
                changes[key] = {"=": value}
            else:
                sub = make_patch(old[key], value)
                if sub is not None:
                    changes[key] = sub
        patch: dict[str, Any] = {"{}": changes}
        removed = [key for key in old if key not in new]
        if removed:
            patch["-"] = removed
        return patch
    if _is_item_list(old) and _is_item_list(new):
        old_items = {item["id"]: item for item in old}
        changes = {}
        for item in new:
            sub = make_patch(old_items.get(item["id"]), item) if item["id"] in old_items else None
            if item["id"] not in old_items:
                changes[item["id"]] = {"=": item}
            elif sub is not None:
                changes[item["id"]] = sub
        patch = {"[]": changes}
        new_ids = [item["id"] for item in new]
        if new_ids != [item["id"] for item in old]:
            patch["ids"] = new_ids
        return patch
    return {"=": copy.deepcopy(new)}


def apply_patch(value: Any, patch: dict | None) -> Any:
    """Return `value` with `patch` applied; `value` itself is left unchanged."""
    return apply_patches(value, [patch])


def apply_patches(value: Any, patches: Iterable[dict | None]) -> Any:
    """`value` with each patch applied in turn, copied once (not once per level and
    patch, which made rebuilding an old version of a large model slow)."""
    # Documents are plain JSON: a JSON round trip copies them faster than copy.deepcopy
    # (about 28 ms against 45 ms for a 300-element model).
    result = json.loads(json.dumps(value)) if value is not None else None
    for patch in patches:
        result = _patch_in_place(result, patch)
    return result


def _patch_in_place(value: Any, patch: dict | None) -> Any:
    if not patch:
        return value
    if "=" in patch:
        return copy.deepcopy(patch["="])
    if "{}" in patch:
        for key in patch.get("-", ()):
            value.pop(key, None)
        for key, sub in patch["{}"].items():
            value[key] = _patch_in_place(value.get(key), sub)
        return value
    items = {item["id"]: item for item in value}
    for item_id, sub in patch["[]"].items():
        items[item_id] = _patch_in_place(items.get(item_id), sub)
    order = patch.get("ids") or [item["id"] for item in value]
    return [items[item_id] for item_id in order]


def _without_layout(document: dict) -> dict:
    stripped = dict(document)
    for section in ("elements", "boundaries"):
        if section not in document:
            continue
        stripped[section] = [
            {k: v for k, v in item.items() if k not in LAYOUT_FIELDS}
            for item in document.get(section, [])
        ]
    return stripped


def _layout(item: dict) -> dict:
    return {k: v for k, v in item.items() if k in LAYOUT_FIELDS}


def is_move_only(old: dict, new: dict) -> bool:
    """True when the documents differ in layout only (positions, frame sizes)."""
    return old != new and _without_layout(old) == _without_layout(new)


@dataclass
class SectionDiff:
    section: str
    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    # (old item, new item, names of the fields that differ)
    changed: list[tuple[dict, dict, list[str]]] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)

    @property
    def noun(self) -> str:
        return SECTION_NOUNS[self.section]

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.moved)


@dataclass
class DocumentDiff:
    sections: list[SectionDiff]
    # top-level fields other than the sections: name, description, policy, ...
    fields: list[str]

    def __bool__(self) -> bool:
        return bool(self.fields) or any(self.sections)


def diff_documents(old: dict, new: dict) -> DocumentDiff:
    sections = []
    for section in SECTIONS:
        diff = SectionDiff(section)
        old_items = {item["id"]: item for item in old.get(section, [])}
        new_items = {item["id"]: item for item in new.get(section, [])}
        for item_id, item in new_items.items():
            before = old_items.get(item_id)
            if before is None:
                diff.added.append(item)
                continue
            if before == item:  # most items: compared at C speed, field by field below
                continue
            changed = sorted(
                key
                for key in before.keys() | item.keys()
                if key not in LAYOUT_FIELDS and before.get(key) != item.get(key)
            )
            if changed:
                diff.changed.append((before, item, changed))
            elif _layout(before) != _layout(item):
                diff.moved.append(item_id)
        diff.removed = [item for item_id, item in old_items.items() if item_id not in new_items]
        sections.append(diff)
    keys = (old.keys() | new.keys()) - set(SECTIONS)
    fields = sorted(key for key in keys if old.get(key) != new.get(key))
    return DocumentDiff(sections, fields)


def _item_label(section: str, item: dict) -> str:
    if section == "flows":
        return f"{item['id']} ({item.get('from')} → {item.get('to')})"
    return item["id"]


def summarize(old: dict | None, new: dict) -> str:
    """One line saying what changed, e.g. "added flow orders (api → orders-db)"."""
    if old is None:
        return f"created {new.get('name', 'system')}"
    diff = diff_documents(old, new)
    parts: list[str] = []
    for section in diff.sections:
        for verb, items in (("added", section.added), ("removed", section.removed)):
            if len(items) == 1:
                parts.append(f"{verb} {section.noun} {_item_label(section.section, items[0])}")
            elif items:
                parts.append(f"{verb} {len(items)} {section.section}")
        if len(section.changed) == 1:
            before, _after, changed = section.changed[0]
            parts.append(f"changed {section.noun} {before['id']} ({', '.join(changed)})")
        elif section.changed:
            parts.append(f"changed {len(section.changed)} {section.section}")
        if len(section.moved) == 1:
            parts.append(f"moved {section.moved[0]}")
        elif section.moved:
            parts.append(f"moved {len(section.moved)} elements")
    if "name" in diff.fields:
        parts.append(f"renamed system to {new.get('name')}")
    other = [name for name in diff.fields if name != "name"]
    if other:
        parts.append(f"changed {', '.join(other)}")
    text = "; ".join(parts) or "no change"
    return text if len(text) <= 300 else text[:299] + "…"
