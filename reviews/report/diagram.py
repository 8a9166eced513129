"""The architecture as plain SVG for the PDF: boundaries, elements, flows, weak spots.

Built with ElementTree, so every user string (names, technologies) lands in a text node
or attribute and is escaped on serialisation; nothing is concatenated into markup.
WeasyPrint draws no foreignObject, so labels are plain `<text>`.

Layout: the editor's `position` of every element when all of them have one; otherwise
an automatic layout, boundaries packed as nested boxes, elements inside each box in the
order data flows through them (clients first, stores last).
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from threatmodel.graph import SystemGraph
from threatmodel.model import Element, Flow, System

NODE_W, NODE_H = 150.0, 58.0
GAP_X, GAP_Y = 46.0, 46.0
PAD, HEADER = 16.0, 24.0
MAX_ROW_WIDTH = 1500.0
GRID_SHAPE = 1.2  # columns^2 / elements: a grid somewhat wider than tall
ASPECT = 1.6  # width / height the automatic layout aims for (A4 landscape is 1.41)
LABEL_CHARS = 22  # characters per label line at 10.5 px in a NODE_W box
LOCK_LIMIT = 150  # flows above which the padlocks are left out
FONT = "DejaVu Sans, Liberation Sans, sans-serif"

ENCRYPTED_COLOR = "#2563a8"
PLAINTEXT_COLOR = "#c62828"
IN_PROCESS_COLOR = "#8a8a8a"
WEAK_COLOR = "#c62828"
SEVERITY_COLORS = {
    "critical": "#7f1d1d",
    "high": "#c62828",
    "medium": "#d97706",
    "low": "#2563a8",
    "info": "#6b7280",
}
KEY_COLORS = ("#7c3aed", "#0f766e", "#b45309", "#be185d")
BOUNDARY_STYLES = {
    "internet": ("#fdf2f2", "#e0a3a3"),
    "third-party": ("#fdf7ec", "#d9b37a"),
    "dmz": ("#fbfbe9", "#c9c47a"),
    "internal": ("#f1f6fc", "#9db7d6"),
}
# Rules whose finding means "this store protects its data poorly at rest".
AT_REST_RULES = frozenset(
    {
        "unencrypted-store",
        "transparent-encryption-only",
        "weaker-copy",
        "public-store",
        "unprotected-backup",
        "backup-weaker-than-source",
        "backup-shares-key",
        "backup-not-isolated",
        "unprotected-log-sink",
    }
)
ENTRY_KINDS = ("user", "client", "external")
STORE_ORDER = ("cache", "database", "search-index", "object-store", "file-store", "warehouse")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean(text: object, limit: int | None = None) -> str:
    """User text made safe for XML: no control characters, optionally shortened."""
    value = _CONTROL.sub("", str(text or ""))
    value = " ".join(value.split())
    if limit and len(value) > limit:
        value = value[: limit - 1].rstrip() + "…"
    return value


def label_lines(text: str, width: int = LABEL_CHARS, lines: int = 2) -> list[str]:
    """A label wrapped at word boundaries into at most `lines` lines, the last shortened."""
    words = clean(text).split(" ")
    result: list[str] = []
    current = ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            result.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    result.append(current)
    if len(result) > lines:
        result = [*result[: lines - 1], " ".join(result[lines - 1 :])]
    return [clean(line, width) for line in result]


@dataclass
class Box:
    """A laid-out boundary: its rectangle and what it contains."""

    id: str
    label: str
    kind: str
    x: float = 0.0
    y: float = 0.0
    w: float = 0.0
    h: float = 0.0
    depth: int = 0
    children: list[Box] = field(default_factory=list)
    elements: list[str] = field(default_factory=list)
    # automatic layout: the element grid's columns and height, the children's offsets
    cols: int = 0
    grid_h: float = 0.0
    offsets: list[tuple[float, float]] = field(default_factory=list)


@dataclass
class Layout:
    nodes: dict[str, tuple[float, float]]  # element id -> centre
    boxes: list[Box]  # every boundary box, outermost first
    width: float
    height: float


# -- layout ---------------------------------------------------------------------------


def _flow_order(system: System) -> dict[str, tuple]:
    """A sort key per element: its distance from where traffic enters, then its kind."""
    out: dict[str, list[str]] = defaultdict(list)
    incoming: dict[str, int] = defaultdict(int)
    for flow in system.flows:
        out[flow.source].append(flow.target)
        incoming[flow.target] += 1
    starts = [e.id for e in system.elements if e.kind in ENTRY_KINDS or not incoming[e.id]]
    depth = dict.fromkeys(starts, 0)
    queue = deque(starts)
    while queue:
        current = queue.popleft()
        for nxt in out[current]:
            if nxt not in depth:
                depth[nxt] = depth[current] + 1
                queue.append(nxt)
    deepest = max(depth.values(), default=0) + 1
    return {
        e.id: (depth.get(e.id, deepest), e.is_store, e.kind == "backup", e.label.lower(), e.id)
        for e in system.elements
    }


def _boundary_tree(system: System) -> tuple[dict[str | None, list[str]], dict[str, list[str]]]:
    known = {b.id for b in system.boundaries}
    children: dict[str | None, list[str]] = defaultdict(list)
    for boundary in system.boundaries:
        parent = boundary.parent if boundary.parent in known else None
        children[parent].append(boundary.id)
    members: dict[str, list[str]] = defaultdict(list)
    for element in system.elements:
        members[element.boundary if element.boundary in known else ""].append(element.id)
    return children, members


def _pack(items: list[tuple[float, float]], max_width: float) -> tuple[list, float, float]:
    """Row-wrap boxes of the given sizes; returns offsets, total width and height."""
    offsets, x, y, row_h, width = [], 0.0, 0.0, 0.0, 0.0
    for w, h in items:
        if x > 0 and x + w > max_width:
            x, y, row_h = 0.0, y + row_h + GAP_Y, 0.0
        offsets.append((x, y))
        x += w + GAP_X
        row_h = max(row_h, h)
        width = max(width, x - GAP_X)
    return offsets, width, y + row_h


def _row_width(sizes: list[tuple[float, float]]) -> float:
    """A row width that packs the boxes into roughly a landscape page's proportions."""
    if not sizes:
        return 0.0
    area = sum((w + GAP_X) * (h + GAP_Y) for w, h in sizes)
    return max(max(w for w, _ in sizes), math.sqrt(area * ASPECT))


def auto_layout(system: System) -> Layout:
    """Nested boundary boxes, elements in a grid inside each, in flow order."""
    order = _flow_order(system)
    children, members = _boundary_tree(system)
    boundaries = {b.id: b for b in system.boundaries}
    kind_rank = {"internet": 0, "third-party": 3, "dmz": 1, "internal": 2}

    def build(boundary_id: str, depth: int, seen: frozenset[str]) -> Box:
        boundary = boundaries[boundary_id]
        box = Box(boundary_id, clean(boundary.name or boundary.id), boundary.kind, depth=depth)
        box.elements = sorted(members.get(boundary_id, []), key=order.__getitem__)
        box.children = [
            build(child, depth + 1, seen | {child})
            for child in sorted(children.get(boundary_id, []), key=_boundary_key(boundaries))
            if child not in seen
        ]
        _size(box)
        return box

    def _boundary_key(table):
        return lambda b: (kind_rank.get(table[b].kind, 2), table[b].name or b)

    def _size(box: Box) -> None:
        n = len(box.elements)
        cols = max(1, min(n, math.ceil(math.sqrt(n * GRID_SHAPE)))) if n else 0
        rows = math.ceil(n / cols) if n else 0
        grid_w = cols * NODE_W + max(cols - 1, 0) * GAP_X
        grid_h = rows * NODE_H + max(rows - 1, 0) * GAP_Y
        sizes = [(c.w, c.h) for c in box.children]
        offsets, kids_w, kids_h = _pack(sizes, max(grid_w, _row_width(sizes)))
        box.w = max(grid_w, kids_w, 140.0) + 2 * PAD
        box.h = HEADER + grid_h + (GAP_Y if n and sizes else 0) + kids_h + 2 * PAD
        box.cols, box.grid_h, box.offsets = cols, grid_h, offsets

    roots = [
        build(b, 0, frozenset({b}))
        for b in sorted(children.get(None, []), key=_boundary_key(boundaries))
    ]
    loose = members.get("", [])
    if loose:
        box = Box("", "No boundary", "none")
        box.elements = sorted(loose, key=order.__getitem__)
        _size(box)
        roots.append(box)

    nodes: dict[str, tuple[float, float]] = {}
    flat: list[Box] = []

    def place(box: Box, x: float, y: float) -> None:
        box.x, box.y = x, y
        flat.append(box)
        cols, grid_h = box.cols, box.grid_h
        for i, element_id in enumerate(box.elements):
            col, row = i % cols, i // cols
            nodes[element_id] = (
                x + PAD + col * (NODE_W + GAP_X) + NODE_W / 2,
                y + HEADER + PAD + row * (NODE_H + GAP_Y) + NODE_H / 2,
            )
        top = y + HEADER + PAD + grid_h + (GAP_Y if box.elements and box.children else 0)
        for child, (dx, dy) in zip(box.children, box.offsets, strict=True):
            place(child, x + PAD + dx, top + dy)

    sizes = [(r.w, r.h) for r in roots]
    offsets, width, height = _pack(sizes, max(MAX_ROW_WIDTH, _row_width(sizes)))
    for root, (dx, dy) in zip(roots, offsets, strict=True):
        place(root, dx, dy)
    flat = [b for b in flat if b.id]  # the "no boundary" group is drawn without a frame
    return Layout(nodes, flat, width, height)


def positioned_layout(system: System) -> Layout:
    """The editor's positions (element centres); boundaries drawn around their members."""
    nodes = {e.id: (e.position.x, e.position.y) for e in system.elements if e.position}
    children, members = _boundary_tree(system)
    boundaries = {b.id: b for b in system.boundaries}
    boxes: list[Box] = []

    def build(boundary_id: str, depth: int, seen: frozenset[str]) -> Box | None:
        boundary = boundaries[boundary_id]
        box = Box(boundary_id, clean(boundary.name or boundary.id), boundary.kind, depth=depth)
        kids = [
            build(child, depth + 1, seen | {child})
            for child in children.get(boundary_id, [])
            if child not in seen
        ]
        box.children = [k for k in kids if k]
        rects = [
            (nodes[e][0] - NODE_W / 2, nodes[e][1] - NODE_H / 2, NODE_W, NODE_H)
            for e in members.get(boundary_id, [])
        ] + [(k.x, k.y, k.w, k.h) for k in box.children]
        if not rects:
            return None
        left = min(r[0] for r in rects) - PAD
        top = min(r[1] for r in rects) - PAD - HEADER
        box.x, box.y = left, top
        box.w = max(r[0] + r[2] for r in rects) + PAD - left
        box.h = max(r[1] + r[3] for r in rects) + PAD - top
        boxes.append(box)
        return box

    for root in children.get(None, []):
        build(root, 0, frozenset({root}))
    boxes.sort(key=lambda b: b.depth)
    xs = [x for x, _ in nodes.values()] + [b.x + NODE_W / 2 for b in boxes]
    ys = [y for _, y in nodes.values()] + [b.y + NODE_H / 2 for b in boxes]
    min_x = min([x - NODE_W / 2 for x in xs] + [b.x for b in boxes], default=0.0)
    min_y = min([y - NODE_H / 2 for y in ys] + [b.y for b in boxes], default=0.0)
    max_x = max([x + NODE_W / 2 for x, _ in nodes.values()] + [b.x + b.w for b in boxes])
    max_y = max([y + NODE_H / 2 for _, y in nodes.values()] + [b.y + b.h for b in boxes])
    # Shift to the origin so the viewBox starts at 0, 0.
    nodes = {k: (x - min_x, y - min_y) for k, (x, y) in nodes.items()}
    for box in boxes:
        box.x -= min_x
        box.y -= min_y
    return Layout(nodes, boxes, max_x - min_x, max_y - min_y)


def layout_system(system: System) -> Layout:
    if system.elements and all(e.position for e in system.elements):
        return positioned_layout(system)
    return auto_layout(system)


# -- drawing --------------------------------------------------------------------------


def _sub(parent: ET.Element, tag: str, **attrs: object) -> ET.Element:
    return ET.SubElement(
        parent, tag, {k.rstrip("_").replace("_", "-"): _fmt(v) for k, v in attrs.items()}
    )


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return str(value)


def _text(parent: ET.Element, x: float, y: float, text: str, size: float, **attrs) -> None:
    node = _sub(parent, "text", x=x, y=y, font_size=size, font_family=FONT, **attrs)
    node.text = text  # ElementTree escapes it on serialisation


def _points(points: Iterable[tuple[float, float]]) -> str:
    return " ".join(f"{_fmt(float(x))},{_fmt(float(y))}" for x, y in points)


def _shape(parent: ET.Element, kind: str, cx: float, cy: float, stroke: str, width: float):
    """A kind-specific outline, NODE_W x NODE_H around the centre."""
    x, y, w, h = cx - NODE_W / 2, cy - NODE_H / 2, NODE_W, NODE_H
    style = {"fill": "#ffffff", "stroke": stroke, "stroke_width": width}
    if kind in ("database", "warehouse", "search-index", "cache", "backup"):
        ry = 7.0
        d = (
            f"M{x},{y + ry} a{w / 2},{ry} 0 0 1 {w},0 v{h - 2 * ry} "
            f"a{w / 2},{ry} 0 0 1 {-w},0 z M{x},{y + ry} a{w / 2},{ry} 0 0 0 {w},0"
        )
        extra = {"stroke_dasharray": "5 3"} if kind == "backup" else {}
        _sub(parent, "path", d=d, **style, **extra)
    elif kind in ("object-store", "file-store"):
        _sub(
            parent,
            "polygon",
            points=_points([(x, y), (x + w, y), (x + w - 10, y + h), (x + 10, y + h)]),
            **style,
        )
    elif kind == "gateway":
        _sub(
            parent,
            "polygon",
            points=_points(
                [
                    (x + 14, y),
                    (x + w - 14, y),
                    (x + w, cy),
                    (x + w - 14, y + h),
                    (x + 14, y + h),
                    (x, cy),
                ]
            ),
            **style,
        )
    elif kind == "function":
        _sub(
            parent,
            "polygon",
            points=_points([(x + 10, y), (x + w, y), (x + w - 10, y + h), (x, y + h)]),
            **style,
        )
    elif kind == "broker":
        _sub(parent, "rect", x=x, y=y, width=w, height=h, rx=h / 2, ry=h / 2, **style)
    elif kind == "log-sink":
        d = f"M{x},{y} h{w} v{h - 8} q{-w / 4},12 {-w / 2},0 t{-w / 2},0 z"
        _sub(parent, "path", d=d, **style)
    elif kind == "key-store":
        c = 12.0
        _sub(
            parent,
            "polygon",
            points=_points(
                [
                    (x + c, y),
                    (x + w - c, y),
                    (x + w, y + c),
                    (x + w, y + h - c),
                    (x + w - c, y + h),
                    (x + c, y + h),
                    (x, y + h - c),
                    (x, y + c),
                ]
            ),
            **style,
        )
    elif kind in ("user", "client"):
        _sub(parent, "ellipse", cx=cx, cy=cy, rx=w / 2, ry=h / 2, **style)
    elif kind == "external":
        _sub(parent, "rect", x=x, y=y, width=w, height=h, rx=6.0, **style)
        _sub(
            parent,
            "rect",
            x=x + 3,
            y=y + 3,
            width=w - 6,
            height=h - 6,
            rx=4.0,
            fill="none",
            stroke=stroke,
            stroke_width=0.8,
        )
    else:  # service and anything new
        _sub(parent, "rect", x=x, y=y, width=w, height=h, rx=6.0, **style)


def _lock(parent: ET.Element, x: float, y: float, color: str) -> None:
    """A small padlock centred on (x, y): the hop is encrypted."""
    _sub(parent, "rect", x=x - 6, y=y - 9, width=12.0, height=13.0, fill="#ffffff", stroke="none")
    _sub(
        parent,
        "path",
        d=f"M{x - 3.5},{y - 2} v-3 a3.5,3.5 0 0 1 7,0 v3",
        fill="none",
        stroke=color,
        stroke_width=1.6,
    )
    _sub(parent, "rect", x=x - 5, y=y - 2, width=10.0, height=7.5, rx=1.2, fill=color)


def _clip(cx: float, cy: float, tx: float, ty: float, margin: float = 3.0) -> tuple[float, float]:
    """Where the segment from the centre (cx, cy) towards (tx, ty) leaves the node."""
    dx, dy = tx - cx, ty - cy
    if dx == 0 and dy == 0:
        return cx, cy
    sx = (NODE_W / 2 + margin) / abs(dx) if dx else math.inf
    sy = (NODE_H / 2 + margin) / abs(dy) if dy else math.inf
    s = min(sx, sy, 1.0)
    return cx + dx * s, cy + dy * s


@dataclass
class Marks:
    """What the diagram highlights, from the analysis."""

    weak: set[str] = field(default_factory=set)
    badges: dict[str, tuple[int, str]] = field(default_factory=dict)  # id -> (count, worst)
    keys: list[tuple[str, str, int, list[str]]] = field(default_factory=list)


def diagram_marks(system: System, analysis, max_keys: int = 4) -> Marks:
    graph = SystemGraph(system, system.policy)
    elements = {e.id for e in system.elements}
    marks = Marks()
    order = ("info", "low", "medium", "high", "critical")
    per_element: dict[str, list[str]] = defaultdict(list)
    for finding in analysis.findings if analysis else ():
        for item in dict.fromkeys(finding.subject):
            if item in elements:
                per_element[item].append(finding.severity)
                if finding.rule in AT_REST_RULES:
                    marks.weak.add(item)
    for element_id, severities in per_element.items():
        marks.badges[element_id] = (len(severities), max(severities, key=order.index))
    radii = []
    for key in system.keys:
        protected = sorted(p for p in graph.protected_set(key.id) if p in elements)
        if len(protected) >= 2:
            radii.append((len(protected), key.id, clean(key.name or key.id, 40), protected))
    radii.sort(key=lambda r: (-r[0], r[1]))
    marks.keys = [(kid, label, n, protected) for n, kid, label, protected in radii[:max_keys]]
    return marks


def render_diagram_svg(system: System, analysis=None, *, flow_labels: bool | None = None) -> str:
    """The system as an SVG document string (no XML declaration), safe to inline."""
    layout = layout_system(system)
    marks = diagram_marks(system, analysis)
    elements = {e.id: e for e in system.elements}
    if flow_labels is None:
        flow_labels = len(system.flows) <= 60

    legend_h = 64.0
    width = max(layout.width, 760.0) + 20
    height = layout.height + legend_h + 30
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"-10 -10 {_fmt(width)} {_fmt(height)}",
            "width": _fmt(width),
            "height": _fmt(height),
            "class": "diagram-svg",
        },
    )
    title = ET.SubElement(svg, "title")
    title.text = clean(system.name, 120)

    for box in layout.boxes:
        fill, stroke = BOUNDARY_STYLES.get(box.kind, ("#f7f7f7", "#b0b0b0"))
        _sub(
            svg,
            "rect",
            x=box.x,
            y=box.y,
            width=box.w,
            height=box.h,
            rx=8.0,
            fill=fill,
            stroke=stroke,
            stroke_width=1.4,
            stroke_dasharray="7 4" if box.kind in ("internet", "third-party") else "none",
        )
        _text(
            svg,
            box.x + 10,
            box.y + 16,
            clean(box.label, max(8, int(box.w / 7.5))),
            11.0,
            fill="#374151",
            font_weight="bold",
        )

    _draw_key_halos(svg, layout, marks)
    _draw_flows(svg, system, layout, flow_labels)
    for element_id, (cx, cy) in layout.nodes.items():
        # SVG text is laid out glyph by glyph: large diagrams keep only the names.
        _draw_element(svg, elements[element_id], cx, cy, marks, detail=len(elements) <= 80)
    _draw_legend(svg, marks, layout.height + 24)
    return ET.tostring(svg, encoding="unicode")


def _draw_key_halos(svg: ET.Element, layout: Layout, marks: Marks) -> None:
    for index, (_key_id, _label, _n, protected) in enumerate(marks.keys):
        color = KEY_COLORS[index % len(KEY_COLORS)]
        grow = 5.0 + 4.0 * index
        for element_id in protected:
            if element_id not in layout.nodes:
                continue
            cx, cy = layout.nodes[element_id]
            _sub(
                svg,
                "rect",
                x=cx - NODE_W / 2 - grow,
                y=cy - NODE_H / 2 - grow,
                width=NODE_W + 2 * grow,
                height=NODE_H + 2 * grow,
                rx=10.0,
                fill="none",
                stroke=color,
                stroke_width=2.0,
                stroke_dasharray="2 3",
            )


def _draw_flows(svg: ET.Element, system: System, layout: Layout, labels: bool) -> None:
    pair_count: dict[tuple[str, str], int] = defaultdict(int)
    for flow in system.flows:
        if flow.source not in layout.nodes or flow.target not in layout.nodes:
            continue
        pair = tuple(sorted((flow.source, flow.target)))
        index = pair_count[pair]
        pair_count[pair] += 1
        # Hundreds of padlocks are unreadable at page scale; colour and dash still tell.
        _draw_flow(svg, flow, layout, index, labels, lock=len(system.flows) <= LOCK_LIMIT)


def _draw_flow(
    svg: ET.Element, flow: Flow, layout: Layout, index: int, label: bool, lock: bool = True
) -> None:
    (sx, sy), (tx, ty) = layout.nodes[flow.source], layout.nodes[flow.target]
    if flow.source == flow.target:
        return
    length = math.hypot(tx - sx, ty - sy) or 1.0
    nx_, ny_ = -(ty - sy) / length, (tx - sx) / length  # unit normal
    # Parallel flows of one pair, and the two directions, get their own lanes.
    lane = (index + 0.5) * 9.0 * (1 if flow.source < flow.target else -1)
    sx, sy, tx, ty = sx + nx_ * lane, sy + ny_ * lane, tx + nx_ * lane, ty + ny_ * lane
    x1, y1 = _clip(sx, sy, tx, ty)
    x2, y2 = _clip(tx, ty, sx, sy, margin=4.0)
    if flow.protocol == "in-process":
        color, dash, width = IN_PROCESS_COLOR, "2 3", 1.4
    elif flow.encrypted:
        color, dash, width = ENCRYPTED_COLOR, "none", 1.6
    else:
        color, dash, width = PLAINTEXT_COLOR, "7 4", 2.2
    _sub(
        svg,
        "line",
        x1=x1,
        y1=y1,
        x2=x2,
        y2=y2,
        stroke=color,
        stroke_width=width,
        stroke_dasharray=dash,
    )
    # Arrowhead as a polygon: markers are not needed and stay simple for every renderer.
    ux, uy = (x2 - x1), (y2 - y1)
    seg = math.hypot(ux, uy) or 1.0
    ux, uy = ux / seg, uy / seg
    head = [
        (x2, y2),
        (x2 - ux * 9 + uy * 4.5, y2 - uy * 9 - ux * 4.5),
        (x2 - ux * 9 - uy * 4.5, y2 - uy * 9 + ux * 4.5),
    ]
    _sub(svg, "polygon", points=_points(head), fill=color)
    mx, my = (x1 + x2) / 2, (y1 + y2) / 2
    if lock and flow.encrypted and flow.protocol != "in-process":
        _lock(svg, mx, my, color)
    if label and flow.protocol:
        _text(
            svg,
            mx + 9,
            my - 6,
            clean(flow.protocol, 16),
            8.5,
            fill=color,
        )
    elif label and not flow.protocol:
        _text(svg, mx + 9, my - 6, "protocol?", 8.5, fill=color)


def _draw_element(
    svg: ET.Element, element: Element, cx: float, cy: float, marks: Marks, detail: bool = True
) -> None:
    weak = element.id in marks.weak
    stroke, width = (WEAK_COLOR, 2.8) if weak else ("#374151", 1.3)
    _shape(svg, element.kind, cx, cy, stroke, width)
    lines = label_lines(element.label)
    top = cy - 3 - 6 * (len(lines) - 1) - (0 if detail else -3)
    for number, line in enumerate(lines):
        _text(
            svg,
            cx,
            top + 12 * number,
            line,
            10.5,
            text_anchor="middle",
            font_weight="bold",
            fill="#111827",
        )
    if detail:
        kind = element.kind + (f" · {clean(element.technology)}" if element.technology else "")
        y = top + 12 * (len(lines) - 1) + 14
        _text(svg, cx, y, clean(kind, 28), 8.5, text_anchor="middle", fill="#4b5563")
    if weak:
        _sub(svg, "circle", cx=cx - NODE_W / 2 + 4, cy=cy - NODE_H / 2 + 4, r=8.0, fill=WEAK_COLOR)
        _text(
            svg,
            cx - NODE_W / 2 + 4,
            cy - NODE_H / 2 + 8,
            "!",
            11.0,
            text_anchor="middle",
            fill="#ffffff",
            font_weight="bold",
        )
    if element.id in marks.badges:
        count, worst = marks.badges[element.id]
        bx, by = cx + NODE_W / 2 - 4, cy - NODE_H / 2 + 4
        _sub(svg, "circle", cx=bx, cy=by, r=9.0, fill=SEVERITY_COLORS[worst])
        _text(svg, bx, by + 3.5, str(count), 9.5, text_anchor="middle", fill="#ffffff")


def _draw_legend(svg: ET.Element, marks: Marks, top: float) -> None:
    x = 0.0
    items = [
        ("line", ENCRYPTED_COLOR, "none", "encrypted flow"),
        ("line", PLAINTEXT_COLOR, "7 4", "plaintext flow"),
        ("line", IN_PROCESS_COLOR, "2 3", "in-process"),
    ]
    for _, color, dash, label in items:
        _sub(
            svg,
            "line",
            x1=x,
            y1=top,
            x2=x + 34,
            y2=top,
            stroke=color,
            stroke_width=2.0,
            stroke_dasharray=dash,
        )
        if dash == "none":
            _lock(svg, x + 17, top, color)
        _text(svg, x + 40, top + 4, label, 10.0, fill="#374151")
        x += 150
    _sub(svg, "circle", cx=x + 6, cy=top, r=8.0, fill=WEAK_COLOR)
    _text(svg, x + 6, top + 4, "!", 11.0, text_anchor="middle", fill="#ffffff", font_weight="bold")
    _text(svg, x + 20, top + 4, "weak protection at rest", 10.0, fill="#374151")
    x += 190
    _sub(svg, "circle", cx=x + 6, cy=top, r=8.0, fill=SEVERITY_COLORS["high"])
    _text(svg, x + 6, top + 3.5, "n", 9.5, text_anchor="middle", fill="#ffffff")
    _text(svg, x + 20, top + 4, "findings (worst severity)", 10.0, fill="#374151")
    x = 0.0
    row = top + 26
    for index, (_key_id, label, count, _protected) in enumerate(marks.keys):
        color = KEY_COLORS[index % len(KEY_COLORS)]
        _sub(
            svg,
            "rect",
            x=x,
            y=row - 8,
            width=30.0,
            height=14.0,
            rx=4.0,
            fill="none",
            stroke=color,
            stroke_width=2.0,
            stroke_dasharray="2 3",
        )
        text = f"key {label}: blast radius {count}"
        _text(svg, x + 38, row + 3, text, 10.0, fill="#374151")
        x += 50 + len(text) * 6.2
