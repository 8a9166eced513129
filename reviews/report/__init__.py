"""The PDF report: WeasyPrint over Django templates, with a static-only URL fetcher.

The renderer is imported on first use: WeasyPrint takes over half a second to import
and the web process only needs it in the task that renders.
"""

from __future__ import annotations

import logging
from typing import Any

# WeasyPrint logs every layout step at INFO ("Step 5 - Creating layout - Page 12"); under
# the project's INFO root logger that floods the console and the worker's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

__all__ = ["DEFAULT_SECTIONS", "Section", "render_report_pdf"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import render

        return getattr(render, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
