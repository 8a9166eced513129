"""The PDF report: WeasyPrint over Django templates, with a static-only URL fetcher."""

from __future__ import annotations

from .render import DEFAULT_SECTIONS, Section, render_report_pdf

__all__ = ["DEFAULT_SECTIONS", "Section", "render_report_pdf"]
