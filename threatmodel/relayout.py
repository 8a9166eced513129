"""A document that differs from the stored one only in where things are drawn.

Dragging an element on a 1,000-element diagram changes two numbers, yet loading the
whole document again to check them (`load`, then `to_document`) costs a few hundred
milliseconds. `relayout` checks just the layout fields that changed, with the loader's
own field checks (the same messages at the same locations), and builds the document
`to_document(load(document))` would give: the stored document with the new layout.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from threatmodel import schema
from threatmodel.document import _value, field_order
from threatmodel.load import _SECTION_SPECS, MAX_DEPTH, ModelError, _check_strings, _Fatal
from threatmodel.load import _Validator as Validator

__all__ = ["relayout"]

# Per section, the fields kept for the drawing only (an element's position, a frame's
# position and size).
LAYOUT_FIELDS: dict[str, tuple[str, ...]] = {
    section.name: layout
    for section in schema.SECTIONS
    if (layout := tuple(field.name for field in section.fields if not field.in_forms))
}
# Where a layout value sits: document -> section list -> item -> field.
_LAYOUT_DEPTH = 3
_ORDER = {section: field_order(_SECTION_SPECS[section][1]) for section in LAYOUT_FIELDS}


def relayout(canonical: Mapping[str, Any], document: Mapping[str, Any]) -> dict[str, Any] | None:
    """The canonical document of `document`, when it differs from `canonical` (a document
    as `to_document` writes it, such as a stored one) in layout fields only.

    Only the layout values that changed are checked; the result is what
    `to_document(load(document))` returns, and raises ModelError with the problems
    `load` would report for those values. None when `document` differs anywhere else,
    or holds a layout value only a full `load` judges (a lone surrogate, deep nesting):
    the caller then loads the whole document.
    """
    if not _same_outside_layout(canonical, document):
        return None
    validator = Validator({})
    result = dict(canonical)
    for section, layout in LAYOUT_FIELDS.items():
        stored, posted = canonical.get(section), document.get(section)
        if not stored or not posted:  # both absent: same_outside_layout saw to that
            continue
        items = None
        for index, (old, new) in enumerate(zip(stored, posted, strict=True)):
            values = {}
            for name in layout:
                value = new.get(name)
                if not _same_value(value, old.get(name)):
                    values[name] = value
            if not values:
                continue
            item = _relaid(validator, section, index, old, new, values)
            if item is None:
                return None
            if items is None:
                items = list(stored)
            items[index] = item
        if items is not None:
            result[section] = items
    if validator.problems:
        raise ModelError(validator.problems)
    return result


def _relaid(
    validator: Validator, section: str, index: int, old: dict, new: dict, values: dict
) -> dict | None:
    """`old` with the layout `values` of `new` checked and written as `to_document`
    would; None when one of them needs the full load."""
    spec = _SECTION_SPECS[section][0]
    item = dict(old)
    # The loader checks an item's fields in the order they were written (one left out
    # has nothing to check).
    for name in [
        *(key for key in new if key in values),
        *(key for key in values if key not in new),
    ]:
        value = values[name]
        if value is None:  # an optional field given as null is left out
            item.pop(name, None)
            continue
        try:
            _check_strings(value, MAX_DEPTH - _LAYOUT_DEPTH)
        except _Fatal:
            return None
        checked = spec[name].check(validator, value, f"{section}[{index}].{name}")
        item[name] = _value(checked, True)
    if item.keys() != old.keys():
        rank = _ORDER[section]
        item = {key: item[key] for key in sorted(item, key=rank.__getitem__)}
    return item


def _same_value(new: Any, old: Any) -> bool:
    """Equal, and of the same types: 1, 1.0 and true are equal in Python, not in JSON."""
    if new is old:
        return True
    if new.__class__ is not old.__class__ or new != old:
        return False
    if new.__class__ is dict:
        return all(value.__class__ is old[key].__class__ for key, value in new.items())
    return new.__class__ in (int, float, str)


def _same_outside_layout(canonical: Mapping[str, Any], document: Mapping[str, Any]) -> bool:
    """Whether the documents are the same but for the layout fields, as JSON: the same
    containers (a tuple is not a list) and the same scalars (true is not 1)."""
    for section in LAYOUT_FIELDS:
        stored, posted = canonical.get(section), document.get(section)
        if stored is None and posted is None:
            continue
        if stored is None or posted.__class__ is not list or len(posted) != len(stored):
            return False
        if not all(item.__class__ is dict for item in posted):
            return False
    one, other = _without_layout(canonical), _without_layout(document)
    if one != other:
        return False
    try:
        if json.dumps(one) == json.dumps(other):
            return True
        # The same fields written in another order.
        return json.dumps(one, sort_keys=True) == json.dumps(other, sort_keys=True)
    except (TypeError, ValueError):  # not JSON: a date, a set, keys of mixed types
        return False


def _without_layout(document: Mapping[str, Any]) -> dict[str, Any]:
    stripped = dict(document)
    for section, layout in LAYOUT_FIELDS.items():
        items = document.get(section)
        if items:
            stripped[section] = [
                {key: value for key, value in item.items() if key not in layout} for item in items
            ]
    return stripped
