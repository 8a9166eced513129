"""Importers and exporters between the MODEL.md format and other tools' formats.

`import_model` is the one entry point for uploads: it recognises the format from the
content, not the file name, and returns a MODEL.md document dict for `load()`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

from threatmodel.load import TOP_FIELDS, ModelError, Problem, parse_text
from threatmodel.model import FORMAT

from . import threatdragon

__all__ = ["import_model"]


def import_model(text: str | bytes, filename: str | None = None) -> dict[str, Any]:
    """A MODEL.md document dict from Ciphermap YAML/JSON or a Threat Dragon JSON model.

    Parsing is as safe as `load()` (size cap, nesting limit, no alias bombs); problems are
    raised as ModelError. The caller validates the result with `load()`.
    """
    data = parse_text(text).data
    if threatdragon.is_threat_dragon(data):
        name = PurePath(filename).stem if filename else "Imported model"
        return threatdragon.to_document(data, name=name)
    if isinstance(data, Mapping) and _looks_like_ciphermap(data):
        return dict(data)
    raise ModelError(
        [
            Problem(
                "",
                "not a Ciphermap document (format: ciphermap/1) nor a Threat Dragon model "
                "(summary and detail.diagrams)",
            )
        ]
    )


def _looks_like_ciphermap(data: Mapping[str, Any]) -> bool:
    """Ciphermap's own format, also without `format:` as long as its keys are ours."""
    if "format" in data:
        return data["format"] == FORMAT or str(data["format"]).startswith("ciphermap")
    return bool(data) and any(key in TOP_FIELDS for key in data)
