"""Edits of a model document (the plain dict), shared by the web forms and the editor.

Each operation changes the document it is given, in place, and keeps it valid: new
items get IDs that follow the ID rule (at most 64 characters, even for a flow between
two long IDs), a rename moves every reference, a delete takes with it what cannot stay
without the item and says so first (`removal`), so the one question asked names all of
it. `static/reviews/editor-ops.js` is the browser's counterpart; both run the cases in
`tests/vectors/edit.json`. Where items refer to each other comes from schema.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from threatmodel.schema import MAX_ID_LENGTH, SECTION_NAMES, SECTION_NOUNS, SECTIONS

__all__ = [
    "Removal",
    "add_boundary",
    "add_element",
    "add_flow",
    "add_item",
    "delete",
    "group_in_boundary",
    "move_boundary",
    "move_element",
    "references",
    "removal",
    "rename",
    "slug",
    "unique_id",
]

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


def _ids(document: Document, section: str) -> list[str]:
    return [item["id"] for item in document.get(section, [])]


def _find(document: Document, section: str, item_id: str) -> dict[str, Any] | None:
    return next((i for i in document.get(section, []) if i.get("id") == item_id), None)


# --------------------------------------------------------------------------- adding


def add_item(document: Document, section: str, item: Mapping[str, Any], base: str = "") -> str:
    """Append a copy of `item` to `section` with a valid, unused ID (its own if it has
    one that is free, else one made from `base`, its name or its kind); return the ID."""
    wanted = item.get("id") or base or item.get("name") or item.get("kind") or item.get("type")
    item_id = unique_id(str(wanted or SECTION_NOUNS[section]), _ids(document, section))
    document.setdefault(section, []).append({**item, "id": item_id})
    return item_id


def add_element(
    document: Document,
    kind: str,
    *,
    boundary: str | None = None,
    position: Mapping[str, float] | None = None,
) -> str:
    element: dict[str, Any] = {"kind": kind}
    if boundary:
        element["boundary"] = boundary
    if position:
        element["position"] = {"x": round(position["x"]), "y": round(position["y"])}
    return add_item(document, "elements", element, base=kind)


def add_boundary(document: Document, kind: str, *, parent: str | None = None) -> str:
    boundary: dict[str, Any] = {"kind": kind}
    if parent:
        boundary["parent"] = parent
    return add_item(document, "boundaries", boundary, base=kind)


def add_flow(document: Document, source: str, target: str, **fields: Any) -> str:
    """A flow from `source` to `target`; its ID reads `source-to-target`, shortened to
    the ID length when the two IDs are long."""
    return add_item(
        document, "flows", {"from": source, "to": target, **fields}, base=f"{source}-to-{target}"
    )


# --------------------------------------------------------------------------- renaming


def rename(document: Document, section: str, old: str, new: str) -> None:
    """Give an item a new ID; every reference to it follows. Raises ValueError when the
    new ID is taken or is not a valid ID."""
    if old == new:
        return
    if slug(new) != new or len(new) > MAX_ID_LENGTH:
        raise ValueError(f"'{new}' is not a valid ID")
    if _find(document, section, new) is not None:
        raise ValueError(f"the {SECTION_NOUNS[section]} ID '{new}' is already used")
    item = _find(document, section, old)
    if item is None:
        raise ValueError(f"no {SECTION_NOUNS[section]} '{old}'")
    item["id"] = new
    for holder, key in references(section):
        for other in document.get(holder, []):
            value = other.get(key)
            if value == old:
                other[key] = new
            elif isinstance(value, list) and old in value:
                other[key] = [new if entry == old else entry for entry in value]


# --------------------------------------------------------------------------- moving


def boundary_ancestors(document: Document, boundary: str) -> list[str]:
    """The boundaries around `boundary`, innermost first (stops at a cycle)."""
    parents = {b["id"]: b.get("parent") for b in document.get("boundaries", [])}
    chain: list[str] = []
    current = parents.get(boundary)
    while current and current not in chain and current != boundary:
        chain.append(current)
        current = parents.get(current)
    return chain


def move_element(document: Document, element: str, boundary: str | None) -> None:
    """Put an element into a boundary; None takes it out of every boundary."""
    item = _find(document, "elements", element)
    if item is None:
        raise ValueError(f"no element '{element}'")
    if boundary is not None and _find(document, "boundaries", boundary) is None:
        raise ValueError(f"no boundary '{boundary}'")
    if boundary:
        item["boundary"] = boundary
    else:
        item.pop("boundary", None)


def move_boundary(document: Document, boundary: str, parent: str | None) -> None:
    """Nest a boundary inside another (None: at the top). Refuses a move that would put
    a boundary inside itself."""
    item = _find(document, "boundaries", boundary)
    if item is None:
        raise ValueError(f"no boundary '{boundary}'")
    if parent is not None:
        if _find(document, "boundaries", parent) is None:
            raise ValueError(f"no boundary '{parent}'")
        if parent == boundary or boundary in boundary_ancestors(document, parent):
            raise ValueError(f"boundary '{boundary}' cannot sit inside itself")
        item["parent"] = parent
    else:
        item.pop("parent", None)


def group_in_boundary(
    document: Document,
    kind: str,
    *,
    elements: Iterable[str] = (),
    boundaries: Iterable[str] = (),
    frame: Mapping[str, Any] | None = None,
) -> str:
    """Draw a new boundary around elements and boundaries that sit in the same place (the
    same boundary, or none): it takes their place there and they move into it. `frame`
    ({position, size}) is how the editor draws it. Returns the new boundary's ID.

    Items inside a boundary that is grouped too stay where they are, within it. Items
    from different boundaries are refused: grouping them would quietly move some of them
    across a trust boundary."""
    boundary_ids = list(boundaries)
    chosen = set(boundary_ids)

    def within_chosen(place: str | None) -> bool:
        if not place:
            return False
        return bool(chosen & {place, *boundary_ancestors(document, place)})

    boundary_ids = [
        b
        for b in boundary_ids
        if not within_chosen((_find(document, "boundaries", b) or {}).get("parent"))
    ]
    element_ids = [
        e
        for e in elements
        if not within_chosen((_find(document, "elements", e) or {}).get("boundary"))
    ]
    if not element_ids and not boundary_ids:
        raise ValueError("nothing to group: select elements or boundaries")
    places: dict[str | None, list[str]] = {}
    for item_id in element_ids:
        item = _find(document, "elements", item_id)
        if item is None:
            raise ValueError(f"no element '{item_id}'")
        places.setdefault(item.get("boundary"), []).append(item_id)
    for item_id in boundary_ids:
        item = _find(document, "boundaries", item_id)
        if item is None:
            raise ValueError(f"no boundary '{item_id}'")
        places.setdefault(item.get("parent"), []).append(item_id)
    if len(places) > 1:
        where = "; ".join(
            f"{', '.join(ids)} {'in ' + place if place else 'outside any boundary'}"
            for place, ids in places.items()
        )
        raise ValueError(f"only items in the same boundary can be grouped: {where}")
    (parent,) = places
    boundary: dict[str, Any] = {"kind": kind}
    if parent:
        boundary["parent"] = parent
    if frame:
        boundary["position"] = dict(frame["position"])
        boundary["size"] = dict(frame["size"])
    new_id = add_item(document, "boundaries", boundary, base=kind)
    for item_id in element_ids:
        move_element(document, item_id, new_id)
    for item_id in boundary_ids:
        move_boundary(document, item_id, new_id)
    return new_id


# --------------------------------------------------------------------------- deleting


@dataclass
class Removal:
    """What a delete takes: the items (section -> IDs, the asked-for ones and those that
    go with them) and, in words, the other items it changes."""

    items: dict[str, list[str]] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(ids) for ids in self.items.values())

    def _named(self, asked: Mapping[str, Iterable[str]], wanted: bool) -> list[str]:
        chosen = {section: set(ids) for section, ids in asked.items()}
        return [
            f"{SECTION_NOUNS[section]} {item_id}"
            for section in SECTION_NAMES
            for item_id in self.items.get(section, [])
            if (item_id in chosen.get(section, set())) == wanted
        ]

    def _changed(self) -> str:
        return "".join(f" {change[0].upper()}{change[1:]}." for change in self.changes)

    def question(self, asked: Mapping[str, Iterable[str]]) -> str:
        """The one question to ask before deleting: what goes, what else changes."""
        also = self._named(asked, wanted=False)
        text = f"Delete {_join(self._named(asked, wanted=True))}?"
        if also:
            text += f" Also deleted: {_join(also)}."
        return text + self._changed()

    def done(self, asked: Mapping[str, Iterable[str]]) -> str:
        """What a delete did, in words."""
        everything = self._named(asked, wanted=True) + self._named(asked, wanted=False)
        return f"Deleted {_join(everything)}.{self._changed()}"

    def to_dict(self) -> dict[str, Any]:
        return {"items": self.items, "changes": self.changes}


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def removal(document: Document, asked: Mapping[str, Iterable[str]]) -> Removal:
    """What deleting `asked` (section -> IDs) takes and changes, without deleting."""
    gone = {
        section: [i for i in _ids(document, section) if i in set(asked.get(section, ()))]
        for section in SECTION_NAMES
    }
    # Flows cannot stay without their ends.
    dead_elements = set(gone["elements"])
    for flow in document.get("flows", []):
        ends = {flow.get("from"), flow.get("to")}
        if ends & dead_elements and flow["id"] not in gone["flows"]:
            gone["flows"].append(flow["id"])
    result = Removal({section: ids for section, ids in gone.items() if ids})
    dead = {section: set(ids) for section, ids in gone.items()}
    surviving_parent = _surviving_parents(document, dead["boundaries"])
    for section in SECTION_NAMES:
        for holder, key in references(section):
            if holder == "flows" and key in ("from", "to"):
                continue  # those flows go
            for item in document.get(holder, []):
                if item["id"] in dead[holder]:
                    continue
                value = item.get(key)
                targets = value if isinstance(value, list) else [value]
                lost = [t for t in targets if t in dead[section]]
                if not lost:
                    continue
                result.changes.append(
                    _change(
                        holder, item["id"], key, lost, isinstance(value, list), surviving_parent
                    )
                )
    return result


def _surviving_parents(document: Document, dead: set[str]) -> dict[str, str | None]:
    """For each deleted boundary, the nearest boundary around it that stays."""
    parents = {b["id"]: b.get("parent") for b in document.get("boundaries", [])}
    result: dict[str, str | None] = {}
    for boundary in dead:
        current = parents.get(boundary)
        seen = {boundary}
        while current in dead and current not in seen:
            seen.add(current)
            current = parents.get(current)
        result[boundary] = None if current in dead else current
    return result


def _change(
    holder: str,
    item_id: str,
    key: str,
    lost: list[str],
    is_list: bool,
    surviving_parent: dict[str, str | None],
) -> str:
    noun = SECTION_NOUNS[holder]
    if key in ("boundary", "parent"):
        parent = surviving_parent.get(lost[0])
        where = f"moves into {parent}" if parent else "is left outside every boundary"
        return f"{noun} {item_id} {where}"
    if not is_list:
        return f"{noun} {item_id} loses {key}: {lost[0]}"
    return f"{noun} {item_id} loses {', '.join(lost)} from {key}"


def delete(document: Document, asked: Mapping[str, Iterable[str]]) -> Removal:
    """Delete `asked` (section -> IDs) and what goes with it; members of a deleted
    boundary move up to the boundary around it; other references are dropped. Returns
    what was done, as `removal` describes it."""
    done = removal(document, asked)
    dead = {section: set(done.items.get(section, [])) for section in SECTION_NAMES}
    surviving_parent = _surviving_parents(document, dead["boundaries"])
    for section in SECTION_NAMES:
        document_items = document.get(section)
        if document_items is not None and dead[section]:
            document[section] = [i for i in document_items if i["id"] not in dead[section]]
    for section in SECTION_NAMES:
        if not dead[section]:
            continue
        for holder, key in references(section):
            for item in document.get(holder, []):
                value = item.get(key)
                if isinstance(value, list):
                    kept = [entry for entry in value if entry not in dead[section]]
                    if len(kept) != len(value):
                        if kept:
                            item[key] = kept
                        else:
                            del item[key]
                elif value in dead[section]:
                    replacement = (
                        surviving_parent.get(value) if key in ("boundary", "parent") else None
                    )
                    if replacement:
                        item[key] = replacement
                    else:
                        del item[key]
    return done
