"""{% exports as choices %}: the downloads `threatmodel.exports` declares, for menus."""

from __future__ import annotations

from django import template

from threatmodel.exports import EXPORTS, Export

register = template.Library()


@register.simple_tag
def exports() -> tuple[Export, ...]:
    return EXPORTS
