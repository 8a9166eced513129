"""How the diagram looks, declared once.

The PDF (reviews/report/diagram.py) draws from these constants, and the editor receives
them in its page data (`editor_data.diagram`), so a hop that is green on the canvas is
green in the report, and an element takes the same room in both: one unit of the
layout is one CSS pixel on the canvas at zoom 1 and one point in the PDF's SVG.

On a screen set to dark (`prefers-color-scheme: dark`) the editor draws with `DARK`
laid over these colours; the PDF is paper and always uses the light ones.
"""

from __future__ import annotations

from typing import Any

# An element's box. The layout (reviews/layout.py) keeps these boxes apart.
NODE_W = 150.0
NODE_H = 58.0
# A boundary frame's margin around what it holds; its label sits in the top margin.
FRAME_PAD = 24.0
FRAME_LABEL_SIZE = 11.0
FONT = "DejaVu Sans, Liberation Sans, sans-serif"

# How a flow is drawn, by what protects it in transit (see `transit_state`).
TRANSIT: dict[str, dict[str, Any]] = {
    "encrypted": {"color": "#2e7d32", "dash": None, "width": 1.8, "label": "encrypted flow"},
    "plaintext": {"color": "#c62828", "dash": [7, 4], "width": 2.2, "label": "plaintext flow"},
    "unstated": {"color": "#c62828", "dash": [7, 4], "width": 2.2, "label": "no protocol stated"},
    "in-process": {"color": "#737373", "dash": [2, 3], "width": 1.4, "label": "in-process"},
}

# Trust boundary frames by kind: fill, outline, label colour, and a dashed outline for
# zones outside the organisation's control.
BOUNDARIES: dict[str, dict[str, Any]] = {
    "internet": {"fill": "#fdf0f0", "stroke": "#c62828", "text": "#8e1b1b", "dash": [7, 4]},
    "third-party": {"fill": "#fdf5ea", "stroke": "#e65100", "text": "#8a3a00", "dash": [7, 4]},
    "dmz": {"fill": "#fbfbe6", "stroke": "#b59a00", "text": "#6b5b00", "dash": None},
    "internal": {"fill": "#eef6ee", "stroke": "#2e7d32", "text": "#1b5e20", "dash": None},
}
DEFAULT_BOUNDARY = {"fill": "#f5f5f5", "stroke": "#9e9e9e", "text": "#374151", "dash": None}

# A store's outline by how it keeps its data at rest.
REST: dict[str, dict[str, Any]] = {
    "strong": {"color": "#2e7d32", "dash": None},
    "weak": {"color": "#ef6c00", "dash": None},
    "none": {"color": "#c62828", "dash": [6, 3]},
    "unstated": {"color": "#c62828", "dash": [2, 2]},
}

# How the editor draws each element kind: a node shape (Cytoscape's names) and a kind
# group, whose fill is CANVAS["groups"]. Presentation only, so declared here and not in
# threatmodel/schema.py, which declares the kinds; a test checks every kind is drawn.
KINDS_DRAWN: dict[str, dict[str, str]] = {
    "client": {"shape": "round-rectangle", "group": "actor"},
    "user": {"shape": "ellipse", "group": "actor"},
    "service": {"shape": "round-rectangle", "group": "service"},
    "gateway": {"shape": "round-hexagon", "group": "service"},
    "function": {"shape": "round-pentagon", "group": "service"},
    "database": {"shape": "barrel", "group": "store"},
    "object-store": {"shape": "barrel", "group": "store"},
    "file-store": {"shape": "barrel", "group": "store"},
    "cache": {"shape": "barrel", "group": "store"},
    "search-index": {"shape": "barrel", "group": "store"},
    "warehouse": {"shape": "barrel", "group": "store"},
    "broker": {"shape": "right-rhomboid", "group": "broker"},
    "log-sink": {"shape": "bottom-round-rectangle", "group": "log"},
    "backup": {"shape": "cut-rectangle", "group": "backup"},
    "key-store": {"shape": "round-octagon", "group": "keys"},
    "external": {"shape": "round-tag", "group": "external"},
}


# The editor's canvas around those parts: label ink, element fills by kind group (see
# KINDS_DRAWN), edge label backgrounds, icon strokes.
CANVAS: dict[str, Any] = {
    "background": "#fcfdfd",
    "ink": "#1b1f23",
    "node_fill": "#ffffff",
    "node_border": "#374151",
    "label_background": "#ffffff",
    "icon": "#263238",
    "groups": {
        "actor": "#f5f5f5",
        "service": "#f1f7fd",
        "store": "#f6f2fb",
        "broker": "#eef9fa",
        "log": "#fffaeb",
        "backup": "#f6f3f1",
        "keys": "#fffde9",
        "external": "#fdf3f1",
    },
}

# The dark scheme: the same meanings (green encrypted, red plaintext, dashed outside the
# organisation) in colours that keep WCAG AA contrast on a dark canvas.
DARK: dict[str, Any] = {
    "canvas": {
        "background": "#12171e",
        "ink": "#e6eaf0",
        "node_fill": "#1b222c",
        "node_border": "#8b98a9",
        "label_background": "#12171e",
        "icon": "#d5dde6",
        "groups": {
            "actor": "#20262f",
            "service": "#17263a",
            "store": "#241d33",
            "broker": "#132a2d",
            "log": "#2a2514",
            "backup": "#29231f",
            "keys": "#2a2812",
            "external": "#34201d",
        },
    },
    "transit": {
        "encrypted": {"color": "#5cc879"},
        "plaintext": {"color": "#ff6b6b"},
        "unstated": {"color": "#ff6b6b"},
        "in-process": {"color": "#9aa4b0"},
    },
    "boundaries": {
        "internet": {"fill": "#2a1719", "stroke": "#ef5350", "text": "#ffaaa5"},
        "third-party": {"fill": "#2b1f12", "stroke": "#ff9800", "text": "#ffc583"},
        "dmz": {"fill": "#26240f", "stroke": "#d4b800", "text": "#efe08a"},
        "internal": {"fill": "#132417", "stroke": "#4caf50", "text": "#9be3a0"},
    },
    "rest": {
        "strong": {"color": "#5cc879"},
        "weak": {"color": "#ffa040"},
        "none": {"color": "#ff6b6b"},
        "unstated": {"color": "#ff6b6b"},
    },
}


def transit_state(protocol: str | None, encrypted: bool) -> str:
    """Which TRANSIT style a flow gets: in-process, encrypted, unstated or plaintext."""
    if protocol == "in-process":
        return "in-process"
    if not protocol:
        return "unstated"
    return "encrypted" if encrypted else "plaintext"


def boundary_style(kind: str) -> dict[str, Any]:
    return BOUNDARIES.get(kind, DEFAULT_BOUNDARY)


def editor_style() -> dict[str, Any]:
    """The declaration as the editor's page data."""
    return {
        "node": {"width": NODE_W, "height": NODE_H},
        "frame": {"padding": FRAME_PAD, "label_size": FRAME_LABEL_SIZE},
        "transit": TRANSIT,
        "boundaries": BOUNDARIES,
        "rest": REST,
        "canvas": CANVAS,
        "dark": DARK,
        "kinds": KINDS_DRAWN,
    }
