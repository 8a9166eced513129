"""Write a `System` back as a MODEL.md document: the inverse of `load`.

The document is canonical (defaults left out, sections and fields in a fixed order) so
that saved revisions diff cleanly and `load(to_document(system)) == system`.
"""

from __future__ import annotations

import functools
import json
from dataclasses import MISSING, fields, is_dataclass
from datetime import date
from typing import Any, Literal

import yaml

from threatmodel.model import FORMAT, System, Tls
from threatmodel.schema import SECTION_NAMES

__all__ = ["dump", "to_document"]

SECTIONS = SECTION_NAMES
# Fields written first in every item, in this order; the rest follow the dataclass.
_LEADING = ("id", "kind", "type", "source", "target", "name")
_DOCUMENT_NAMES = {"source": "from", "target": "to"}


def to_document(system: System) -> dict[str, Any]:
    """The canonical, JSON-ready document of `system` (dates as ISO text)."""
    return _document(system, dates_as_text=True)


def dump(system: System, fmt: Literal["yaml", "json"] = "yaml") -> str:
    """The document as YAML (block style, like MODEL.md) or as indented JSON."""
    if fmt == "json":
        return json.dumps(to_document(system), indent=2, ensure_ascii=False) + "\n"
    if fmt == "yaml":
        document = _document(system, dates_as_text=False)
        return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True)
    raise ValueError(f"unknown format {fmt!r}; expected 'yaml' or 'json'")


def _document(system: System, *, dates_as_text: bool) -> dict[str, Any]:
    document: dict[str, Any] = {"format": FORMAT, "name": system.name}
    if system.description:
        document["description"] = system.description
    policy = _item(system.policy, dates_as_text)
    if policy:
        document["policy"] = policy
    for section in SECTIONS:
        items = getattr(system, section)
        if items:
            document[section] = [_item(item, dates_as_text) for item in items]
    return document


def _item(item: Any, dates_as_text: bool) -> dict[str, Any]:
    """The fields of a dataclass that differ from their defaults, in canonical order."""
    present = {}
    for attribute, name, default in _fields_of(item.__class__):
        value = getattr(item, attribute)
        if default is not MISSING and value == default and not isinstance(value, Tls):
            continue
        present[name] = value if value.__class__ in _SCALARS else _value(value, dates_as_text)
    return present


@functools.cache
def _fields_of(cls: type) -> tuple[tuple[str, str, Any], ...]:
    """(attribute, document name, default or MISSING) of each field of an item class, in
    the order `_item` writes them: the leading fields, the others in class order, the
    description last. Worked out once per class: `to_document` asks for every item."""
    defaults = {
        field.name: field.default if field.default_factory is MISSING else field.default_factory()
        for field in fields(cls)
        if field.name != "lines"
    }
    leading = [name for name in _LEADING if name in defaults]
    trailing = ["description"] if "description" in defaults else []
    order = leading + [n for n in defaults if n not in leading and n not in trailing] + trailing
    return tuple((name, _DOCUMENT_NAMES.get(name, name), defaults[name]) for name in order)


def field_order(cls: type) -> dict[str, int]:
    """The rank of each document field of an item class in the order `_item` writes them."""
    return {name: rank for rank, (_attribute, name, _default) in enumerate(_fields_of(cls))}


# Values written as they are (most of a document), tested by class before anything else.
_SCALARS = frozenset({str, int, float, bool, type(None)})


def _value(value: Any, dates_as_text: bool) -> Any:
    if value.__class__ in _SCALARS:
        return value
    if isinstance(value, tuple):
        return [
            entry if entry.__class__ in _SCALARS else _value(entry, dates_as_text)
            for entry in value
        ]
    if is_dataclass(value) and not isinstance(value, type):
        return _item(value, dates_as_text)
    if isinstance(value, date) and dates_as_text:
        return value.isoformat()
    return value


class _Dumper(yaml.SafeDumper):
    """MODEL.md's look: indented lists, short lists inline, multi-line text as blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.Node:
    inline = all(isinstance(entry, (str, int, float)) for entry in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=inline)


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(str, _represent_text)
