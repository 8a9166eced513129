"""The review standing of a system, for pages other helpers' views render."""

from __future__ import annotations

from typing import Any

from django import template
from django.template import Context

from reviews.models import System

from ..reviewing import system_standings

register = template.Library()


@register.inclusion_tag("reviews/_review_panel.html", takes_context=True)
def review_panel(context: Context, system: System) -> dict[str, Any]:
    """The system page's review panel: last sign-off and what needs a decision."""
    return {
        "system": system,
        "standing": system_standings([system])[system.pk],
        "can_edit": context.get("can_edit", False),
    }
