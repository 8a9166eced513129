"""The rule catalog of docs/RULES.md, one module per family."""

from __future__ import annotations

from . import apis, backups, hygiene, keys, logs, rest, thirdparty, transit  # noqa: F401
from .base import REGISTRY, Hit, Rule, rule

__all__ = ["REGISTRY", "Hit", "Rule", "rule"]
