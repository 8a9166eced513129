"""Ciphermap's engine: load a system description, analyze it, plan the fixes.

Pure Python and PyYAML; never imports Django, so the CLI, CI pipelines, the web app
and the PDF report share one implementation.
"""

from __future__ import annotations

from .analysis import Analysis, Finding, PlanItem, analyze
from .document import dump, to_document
from .load import ModelError, Problem, load
from .model import (
    Boundary,
    DataClass,
    Element,
    Flow,
    Key,
    Policy,
    Position,
    Size,
    System,
    Tls,
)
from .rules import REGISTRY

__version__ = "0.1.0"

RULES = [rule.describe() for rule in REGISTRY.values()]

__all__ = [
    "RULES",
    "Analysis",
    "Boundary",
    "DataClass",
    "Element",
    "Finding",
    "Flow",
    "Key",
    "ModelError",
    "PlanItem",
    "Policy",
    "Position",
    "Problem",
    "Size",
    "System",
    "Tls",
    "__version__",
    "analyze",
    "dump",
    "load",
    "to_document",
]
