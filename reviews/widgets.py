"""Choice widgets that render their options in Python.

Django renders every option through a template, which is slow for the hundreds of
choices a large model offers (an element form lists every element as a possible
`backup_of`). These produce the same markup, built with format_html (escaped).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import BaseRenderer
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

CHECKED = mark_safe(" checked")
SELECTED = mark_safe(" selected")


def _chosen(widget: forms.Widget, value: Any) -> set[str]:
    return {str(v) for v in widget.format_value(value) if v is not None}


class FastSelect(forms.Select):
    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        attrs = {**self.build_attrs(self.attrs, attrs), "name": name}
        chosen = _chosen(self, value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((v, SELECTED if str(v) in chosen else "", label) for v, label in self.choices),
        )
        return format_html("<select{}>{}</select>", flatatt(attrs), options)


class FastCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        attrs = self.build_attrs(self.attrs, attrs)
        base_id = attrs.get("id", f"id_{name}")
        chosen = _chosen(self, value)
        boxes = format_html_join(
            "",
            '<div><label for="{0}_{1}"><input type="checkbox" name="{2}" value="{3}" '
            'id="{0}_{1}"{4}> {5}</label></div>',
            (
                (base_id, index, name, v, CHECKED if str(v) in chosen else "", label)
                for index, (v, label) in enumerate(self.choices)
            ),
        )
        return format_html('<div id="{}">{}</div>', base_id, boxes)
