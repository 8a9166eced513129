"""The PDF report: WeasyPrint over Django templates, with a static-only URL fetcher."""

from __future__ import annotations

import logging

# WeasyPrint logs every layout step at INFO ("Step 5 - Creating layout - Page 12"); under
# the project's INFO root logger that floods the console and the worker's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from .render import DEFAULT_SECTIONS, Section, render_report_pdf  # noqa: E402

__all__ = ["DEFAULT_SECTIONS", "Section", "render_report_pdf"]
