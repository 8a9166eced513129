"""`visible_controls`: free text shown as stored, in the pages and the PDF alike.

Names and IDs refuse the controls that reorder displayed text (threatmodel/schema.py);
descriptions and reasons may hold them, so wherever they are shown each control is
written out (`⟨U+202E⟩`) instead of reordering what follows it.
"""

from __future__ import annotations

from django import template

from ..validators import visible_controls as _visible_controls

register = template.Library()


@register.filter
def visible_controls(value: object) -> str:
    # Not marked safe: the result is escaped like any other value.
    return _visible_controls("" if value is None else str(value))
