"""The review standing of a system, for pages other helpers' views render."""

from __future__ import annotations

from django import template

from ..reviewing import system_standings

register = template.Library()


@register.inclusion_tag("reviews/_review_panel.html", takes_context=True)
def review_panel(context, system) -> dict:
    """The system page's review panel: last sign-off and what needs a decision."""
    return {
        "system": system,
        "standing": system_standings([system])[system.pk],
        "can_edit": context.get("can_edit", False),
    }
