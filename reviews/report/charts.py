"""Small SVG charts for the executive summary: severity bars and coverage donuts.

Plain shapes and text built with ElementTree; the only text is numbers and fixed labels.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from .diagram import FONT, SEVERITY_COLORS, _fmt, _sub, _text

SEVERITY_ORDER = ("critical", "high", "medium", "low", "info")
COVERED_COLOR = "#2563a8"
UNCOVERED_COLOR = "#c62828"
EMPTY_COLOR = "#e5e7eb"


def _svg(width: float, height: float, label: str) -> ET.Element:
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {_fmt(width)} {_fmt(height)}",
            "width": _fmt(width),
            "height": _fmt(height),
            "role": "img",
        },
    )
    title = ET.SubElement(svg, "title")
    title.text = label
    return svg


def severity_bars(counts: dict[str, int]) -> str:
    """One horizontal bar per severity, critical first, with its count."""
    row, label_w, bar_w = 22.0, 70.0, 220.0
    svg = _svg(label_w + bar_w + 40, row * len(SEVERITY_ORDER) + 4, "Findings by severity")
    most = max(counts.values(), default=0) or 1
    for i, severity in enumerate(SEVERITY_ORDER):
        y = 4 + i * row
        count = counts.get(severity, 0)
        _text(svg, 0.0, y + 13, severity.capitalize(), 11.0, fill="#374151")
        _sub(svg, "rect", x=label_w, y=y + 2, width=bar_w, height=14.0, fill=EMPTY_COLOR)
        if count:
            width = max(bar_w * count / most, 3.0)
            _sub(
                svg,
                "rect",
                x=label_w,
                y=y + 2,
                width=width,
                height=14.0,
                fill=SEVERITY_COLORS[severity],
            )
        _text(svg, label_w + bar_w + 6, y + 13, str(count), 11.0, fill="#111827")
    return ET.tostring(svg, encoding="unicode")


def _arc(cx: float, cy: float, r: float, start: float, end: float) -> str:
    """An SVG path for the circle arc from `start` to `end` (fractions of a turn)."""
    a0, a1 = 2 * math.pi * start - math.pi / 2, 2 * math.pi * end - math.pi / 2
    x0, y0 = cx + r * math.cos(a0), cy + r * math.sin(a0)
    x1, y1 = cx + r * math.cos(a1), cy + r * math.sin(a1)
    large = 1 if end - start > 0.5 else 0
    return f"M{_fmt(x0)},{_fmt(y0)} A{_fmt(r)},{_fmt(r)} 0 {large} 1 {_fmt(x1)},{_fmt(y1)}"


def coverage_donut(label: str, protected: int, total: int) -> str:
    """A donut: the share of `total` items that are protected, with the figure inside."""
    size, r, stroke = 120.0, 42.0, 16.0
    svg = _svg(size, size + 20, f"{label}: {protected} of {total} protected")
    cx = cy = size / 2
    if total == 0:
        _sub(svg, "circle", cx=cx, cy=cy, r=r, fill="none", stroke=EMPTY_COLOR, stroke_width=stroke)
        _text(svg, cx, cy + 5, "n/a", 14.0, text_anchor="middle", fill="#6b7280")
    else:
        share = protected / total
        for start, end, color in ((0.0, share, COVERED_COLOR), (share, 1.0, UNCOVERED_COLOR)):
            if end - start >= 0.9999:
                _sub(
                    svg, "circle", cx=cx, cy=cy, r=r, fill="none", stroke=color, stroke_width=stroke
                )
            elif end > start:
                _sub(
                    svg,
                    "path",
                    d=_arc(cx, cy, r, start, end),
                    fill="none",
                    stroke=color,
                    stroke_width=stroke,
                )
        _text(
            svg,
            cx,
            cy + 6,
            f"{round(share * 100)}%",
            20.0,
            text_anchor="middle",
            fill="#111827",
            font_weight="bold",
        )
    _text(svg, cx, size + 14, f"{protected} of {total}", 16.0, text_anchor="middle", fill="#374151")
    svg.set("font-family", FONT)
    return ET.tostring(svg, encoding="unicode")
