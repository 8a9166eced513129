"""Template helpers for the review pages."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django import template
from django.middleware.csrf import get_token
from django.template import Context
from django.utils.html import format_html, format_html_join

register = template.Library()

SEVERITY_ICONS = {"critical": "▲▲", "high": "▲", "medium": "◆", "low": "▽", "info": "○"}


@register.simple_tag(takes_context=True)
def htmx_headers(context: Context) -> str:
    """JSON for `hx-headers` with the CSRF token. simple_tag escapes the result, so it
    is safe inside a double-quoted attribute whatever the token contains."""
    return json.dumps({"X-CSRFToken": get_token(context["request"])})


@register.simple_tag
def severity(name: str, count: int | None = None) -> str:
    """A severity badge that reads without colour: icon, text and a border pattern.
    (A simple tag, not an included template: pages show it hundreds of times.)"""
    label = str(name).capitalize()
    return format_html(
        '<span class="sev sev-{}" title="{}"><span class="sev-icon" aria-hidden="true">{}</span>'
        " {}{}</span>",
        name,
        label,
        SEVERITY_ICONS.get(name, "•"),
        label,
        format_html(" <strong>{}</strong>", count) if count is not None else "",
    )


@register.simple_tag
def sparkline(values: list[int], width: int = 96, height: int = 24) -> str:
    """A small SVG line of how a number changed; presentation attributes only (CSP)."""
    if len(values) < 2:
        return ""
    top = max(values) or 1
    step = width / (len(values) - 1)
    points = " ".join(
        f"{index * step:.1f},{height - 2 - (value / top) * (height - 4):.1f}"
        for index, value in enumerate(values)
    )
    return format_html(
        '<svg class="sparkline" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-label="{label}"><polyline points="{points}" fill="none" stroke="currentColor" '
        'stroke-width="1.5"/></svg>',
        w=width,
        h=height,
        points=points,
        label="Weighted findings over the last revisions: " + ", ".join(str(v) for v in values),
    )


@register.filter
def get(mapping: dict, key: str) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.simple_tag
def id_list(ids: Iterable[str] | None) -> str:
    return format_html_join(", ", "<code>{}</code>", ((i,) for i in ids or ()))
