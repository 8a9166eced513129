"""Edits of a model document (the plain dict), shared by the web forms and the editor.

Each operation changes the document it is given, in place, and keeps it valid: new
items get IDs that follow the ID rule, a rename moves every reference, a delete takes
what cannot stay without the item and says so first. `static/reviews/editor-ops.js` is
the browser's counterpart; both run the cases in `tests/vectors/edit.json`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from threatmodel.schema import MAX_ID_LENGTH, SECTIONS

__all__ = ["references", "slug", "unique_id"]

Document = dict[str, Any]


def slug(text: str) -> str:
    """`text` as an ID: lower case, runs of other characters as '-', at most the ID
    length; "item" when nothing is left."""
    lowered = re.sub(r"[^a-z0-9_-]+", "-", str(text).lower())
    trimmed = re.sub(r"^[^a-z0-9]+", "", lowered)[:MAX_ID_LENGTH].rstrip("-_")
    return trimmed or "item"


def unique_id(base: str, taken: Iterable[str]) -> str:
    """A valid ID not in `taken`: the slug of `base`, else with `-2`, `-3`, ...; the
    base is shortened so that the suffix fits in the ID length."""
    used = set(taken)
    root = slug(base)
    if root not in used:
        return root
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = root[: MAX_ID_LENGTH - len(suffix)].rstrip("-_") + suffix
        if candidate not in used:
            return candidate
        number += 1


def references(section: str) -> list[tuple[str, str]]:
    """Where items of `section` are referred to: (section holding the reference, field)."""
    return [
        (holder.name, field.name)
        for holder in SECTIONS
        for field in holder.fields
        if field.type in ("ref", "refs") and field.section == section
    ]
