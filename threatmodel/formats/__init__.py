"""Importers and exporters between the MODEL.md format and other tools' formats.

`import_model` is the one entry point for uploads: it recognises the format from the
content, not the file name (see `detect.FORMATS`), and returns a MODEL.md document dict
for `load()`.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from .detect import FORMATS, Imported, read_model

__all__ = ["FORMATS", "Imported", "import_model", "read_model"]


def import_model(text: str | bytes, filename: str | None = None) -> dict[str, Any]:
    """A MODEL.md document dict from a file in any format `detect.FORMATS` reads.

    Parsing is as safe as `load()` (size cap, nesting limit, no alias bombs); problems are
    raised as ModelError. The caller validates the result with `load()`.
    """
    name = PurePath(filename).stem if filename else None
    return read_model(text, name=name).document
