"""The architecture as plain SVG for the PDF: boundaries, elements, flows, weak spots.

Built with ElementTree, so every user string (names, technologies) lands in a text node
or attribute and is escaped on serialisation; nothing is concatenated into markup.
WeasyPrint draws no foreignObject, so labels are plain `<text>`.

Where things go comes from reviews/layout.py, the layout the editor shows too: the
editor's positions when every element has one and they print cleanly, else Graphviz.
How they look comes from reviews/diagram_style.py, which the editor reads as well.
Nothing is drawn over anything else: elements and labels never overlap, a frame never
covers another frame's label, and a flow never crosses an element it does not connect
(a flow label that finds no free spot is left out; the inventory lists every flow).
A system too large for one page gets an overview of its top-level boundaries and a page
per boundary (see `diagram_pages`).
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from threatmodel.graph import SystemGraph
from threatmodel.model import Element, Flow, System

from ..diagram_style import (
    FONT,
    FRAME_LABEL_SIZE,
    FRAME_PAD,
    NODE_H,
    NODE_W,
    REST,
    TRANSIT,
    boundary_style,
    transit_state,
)
from ..layout import (
    Layout,
    Scene,
    compute_layout,
    positioned_layout,
    route_flows,
    scene_of,
)

__all__ = [
    "FONT",
    "NODE_H",
    "NODE_W",
    "DiagramPage",
    "diagram_pages",
    "layout_system",
    "render_diagram_svg",
]

LABEL_CHARS = 22  # characters per label line at 10.5 px in a NODE_W box
LOCK_LIMIT = 150  # flows above which the padlocks are left out
PAGE_LIMIT = 25  # elements on one diagram page; more get an overview and a page per boundary
# A boundary's page: its elements and a box per boundary they exchange flows with, about
# PAGE_LIMIT + 10 nodes, but dot also takes pages with many more (a boundary whose
# members talk to hundreds of others) in well under a second, and routes their flows;
# osage would leave every flow to the much slower router (1.5 s per page at 110 nodes).
PART_DOT_LIMIT = 400
ROUTE_LIMIT = 160  # flows Graphviz routes between the editor's positions in reasonable time
CHAR_W = 0.6  # average DejaVu Sans glyph width, in font sizes (for label boxes)
MARGIN = 12.0  # around the drawing

ENCRYPTED_COLOR = TRANSIT["encrypted"]["color"]
PLAINTEXT_COLOR = TRANSIT["plaintext"]["color"]
IN_PROCESS_COLOR = TRANSIT["in-process"]["color"]
WEAK_COLOR = REST["none"]["color"]
SEVERITY_COLORS = {
    "critical": "#7f1d1d",
    "high": "#c62828",
    "medium": "#d97706",
    "low": "#2563a8",
    "info": "#6b7280",
}
KEY_COLORS = ("#7c3aed", "#0f766e", "#b45309", "#be185d")
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


def _lock(parent: ET.Element, x: float, y: float, color: str, *, backed: bool = True) -> None:
    """A small padlock centred on (x, y): the hop is encrypted. `backed`: on a white
    patch of its own (a flow's label box is one already)."""
    if backed:
        _sub(
            parent, "rect", x=x - 6, y=y - 9, width=12.0, height=13.0, fill="#ffffff", stroke="none"
        )
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


def _dash(style: dict) -> str:
    return " ".join(str(v) for v in style["dash"]) if style["dash"] else "none"


def text_width(text: str, size: float) -> float:
    return len(text) * size * CHAR_W


# -- which layout ------------------------------------------------------------------------


@dataclass
class Drawing:
    """One diagram page: a title, what is drawn and where."""

    title: str
    scene: Scene
    layout: Layout
    note: str = ""  # what the caption should say about this page
    group_nodes: dict[str, tuple[str, str, int]] = field(default_factory=dict)  # overview
    # The overview's edges each stand for the flows between two groups: edge ID -> flows.
    pair_flows: dict[str, list[Flow]] = field(default_factory=dict)


def _crosses(route: list[tuple[float, float]], box, margin: float = 2.0) -> bool:
    x1, y1, x2, y2 = box[0] + margin, box[1] + margin, box[2] - margin, box[3] - margin
    return any(x1 < x < x2 and y1 < y < y2 for x, y in _flatten(route))


def _flatten(route: list[tuple[float, float]], steps: int = 12) -> list[tuple[float, float]]:
    """Points along a cubic Bezier chain (p0, c1, c2, p1, c1, c2, p2, ...)."""
    points = [route[0]] if route else []
    for i in range(0, len(route) - 3, 3):
        p0, c1, c2, p1 = route[i : i + 4]
        for step in range(1, steps + 1):
            t = step / steps
            u = 1 - t
            points.append(
                (
                    u**3 * p0[0] + 3 * u * u * t * c1[0] + 3 * u * t * t * c2[0] + t**3 * p1[0],
                    u**3 * p0[1] + 3 * u * u * t * c1[1] + 3 * u * t * t * c2[1] + t**3 * p1[1],
                )
            )
    return points


def _node_box(layout: Layout, scene: Scene, node: str):
    cx, cy = layout.nodes[node]
    w, h = scene.size(node)
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def _crossing_flows(layout: Layout, scene: Scene) -> set[str] | None:
    """The flows whose route passes through an element they do not connect (None when
    there are no routes at all)."""
    if layout.routes is None:
        return None
    boxes = [(n, _node_box(layout, scene, n)) for n in layout.nodes]
    crossing = set()
    for flow_id, source, target in scene.edges:
        route = layout.routes.get(flow_id)
        if route is None:
            crossing.add(flow_id)
            continue
        points = _flatten(route)
        xs, ys = [x for x, _ in points], [y for _, y in points]
        x1, y1, x2, y2 = min(xs), min(ys), max(xs), max(ys)
        for node, box in boxes:
            if node in (source, target) or box[2] < x1 or box[0] > x2 or box[3] < y1 or box[1] > y2:
                continue
            bx1, by1, bx2, by2 = box[0] + 2, box[1] + 2, box[2] - 2, box[3] - 2
            if any(bx1 < x < bx2 and by1 < y < by2 for x, y in points):
                crossing.add(flow_id)
                break
    return crossing


def _routes_are_clean(layout: Layout, scene: Scene) -> bool:
    return _crossing_flows(layout, scene) == set()


def layout_drawing(system: System) -> Drawing:
    """The editor's positions when they print cleanly, else Graphviz's layout."""
    scene = scene_of(system)
    editor = positioned_layout(system)
    if editor is not None and _route(editor, scene):
        return Drawing(clean(system.name, 120), scene, editor, "the editor's layout")
    note = "the automatic layout"
    if any(e.position for e in system.elements):
        note = (
            "the automatic layout, because the editor's positions would draw items over "
            "each other (Arrange in the editor shows the same layout)"
        )
    layout = compute_layout(scene)
    _route(layout, scene)
    return Drawing(clean(system.name, 120), scene, layout, note)


def _route(layout: Layout, scene: Scene) -> bool:
    """Makes sure no flow crosses an element: dot's own splines do in rare cases near
    clusters, and the editor's positions have none; Graphviz's obstacle-avoiding
    router (neato -n2) draws those flows between the fixed positions instead."""
    crossing = _crossing_flows(layout, scene)
    if crossing == set():
        return True
    wanted = {e[0] for e in scene.edges} if crossing is None else crossing
    if len(wanted) > ROUTE_LIMIT:
        return False
    routes = route_flows(layout, scene, only=wanted)
    if routes is None:
        return False
    before = layout.routes
    layout.routes = {**(before or {}), **routes}
    if _routes_are_clean(layout, scene):
        return True
    layout.routes = before
    return False


def layout_system(system: System) -> Layout:
    """Where `render_diagram_svg` draws the system (element centres in its coordinates)."""
    return layout_drawing(system).layout


# -- large systems: an overview and a page per boundary -----------------------------------


def _subtree(system: System, root: str) -> set[str]:
    children: dict[str | None, list[str]] = defaultdict(list)
    for boundary in system.boundaries:
        children[boundary.parent].append(boundary.id)
    result, pending = set(), [root]
    while pending:
        current = pending.pop()
        if current in result:
            continue
        result.add(current)
        pending.extend(children.get(current, []))
    return result


def _part_drawing(system: System, title: str, focus: set[str]) -> Drawing:
    """A boundary's page: its elements and the flows between them, and one box per other
    boundary its elements exchange flows with, the flows to each box counted.

    The neighbours themselves are drawn on their own pages. Drawn one by one here they
    were three quarters of the page, and dot stacked them into a column about seven times
    taller than wide, printed at a tenth of its size.
    """
    full = scene_of(system)
    names = {b.id: clean(b.name or b.id, 40) for b in system.boundaries}
    kinds = {b.id: b.kind for b in system.boundaries}
    home = {full.member_of[n] for n in focus}

    def stub(element_id: str) -> str:
        boundary = full.member_of[element_id]
        return f"group:{boundary}" if boundary else "group:"

    groups: dict[str, tuple[str, str, int]] = {}
    counted: dict[str, set[str]] = defaultdict(set)
    edges: list[tuple[str, str, str]] = []
    pairs: dict[tuple[str, str], list[Flow]] = defaultdict(list)
    flows = {f.id: f for f in system.flows}
    for flow_id, source, target in full.edges:
        inside = (source in focus, target in focus)
        if inside == (True, True):
            edges.append((flow_id, source, target))
        elif any(inside):
            other = target if inside[0] else source
            counted[stub(other)].add(other)
            ends = (source, stub(target)) if inside[0] else (stub(source), target)
            pairs[ends].append(flows[flow_id])
    for node, members in counted.items():
        boundary = node[len("group:") :]
        if not boundary:
            name, kind = "Outside any boundary", ""
        else:
            # Members of this page's own boundary that another of its pages draws.
            suffix = " (other pages)" if boundary in home else ""
            name, kind = names.get(boundary, boundary) + suffix, kinds.get(boundary, "")
        groups[node] = (name, kind, len(members))
    pair_flows: dict[str, list[Flow]] = {}
    for index, ((source, target), carried) in enumerate(pairs.items()):
        edge_id = f"part:{index}"
        edges.append((edge_id, source, target))
        pair_flows[edge_id] = carried
    nodes = [n for n in full.nodes if n in focus] + list(groups)
    member_of: dict[str, str | None] = {n: full.member_of[n] for n in focus}
    member_of.update(dict.fromkeys(groups))
    wanted: set[str] = set()
    for start in home:
        current = start
        while current is not None and current not in wanted:
            wanted.add(current)
            current = full.parents.get(current)
    parents = {b: p for b, p in full.parents.items() if b in wanted}
    sizes = {n: (NODE_W * 1.3, NODE_H) for n in groups}
    scene = Scene(nodes, member_of, parents, edges, sizes, last_rank=tuple(groups))
    layout = compute_layout(scene, dot_limit=PART_DOT_LIMIT)
    _route(layout, scene)
    return Drawing(title, scene, layout, "", groups, pair_flows)


def _parts(system: System) -> list[tuple[str, set[str]]]:
    """Pages of at most about PAGE_LIMIT elements, one per boundary, nested ones apart."""
    names = {b.id: clean(b.name or b.id, 80) for b in system.boundaries}
    known = set(names)
    parents = {b.id: b.parent if b.parent in known else None for b in system.boundaries}
    by_boundary: dict[str | None, set[str]] = defaultdict(set)
    for element in system.elements:
        by_boundary[element.boundary if element.boundary in known else None].add(element.id)
    children: dict[str | None, list[str]] = defaultdict(list)
    for boundary, parent in parents.items():
        children[parent].append(boundary)

    order = {e.id: i for i, e in enumerate(system.elements)}

    def _chunks(title: str, members: set[str]) -> list[tuple[str, set[str]]]:
        """A boundary with too many members for a page, in pages of its own."""
        ordered = sorted(members, key=order.__getitem__)
        count = math.ceil(len(ordered) / PAGE_LIMIT)
        if count <= 1:
            return [(title, members)]
        size = math.ceil(len(ordered) / count)
        return [
            (f"{title} ({n + 1} of {count})", set(ordered[n * size : (n + 1) * size]))
            for n in range(count)
        ]

    def part(boundary: str) -> list[tuple[str, set[str]]]:
        members = set().union(*(by_boundary[b] for b in _subtree(system, boundary)))
        if not members:
            return []
        if len(members) <= PAGE_LIMIT:
            return [(names[boundary], members)]
        if not children.get(boundary):
            return _chunks(names[boundary], members)
        result = []
        if by_boundary[boundary]:
            result.append(
                (f"{names[boundary]} (outside its nested boundaries)", by_boundary[boundary])
            )
        for child in children[boundary]:
            result += part(child)
        return result

    pages: list[tuple[str, set[str]]] = []
    for root in children.get(None, []):
        pages += part(root)
    if by_boundary[None]:
        pages += _chunks("Outside any boundary", by_boundary[None])
    return pages


def _overview(system: System) -> Drawing:
    """Top-level boundaries as boxes, loose elements as themselves, flows counted."""
    known = {b.id: b for b in system.boundaries}
    top: dict[str, str] = {}
    for element in system.elements:
        boundary, seen = element.boundary if element.boundary in known else None, set()
        while boundary is not None and known[boundary].parent in known and boundary not in seen:
            seen.add(boundary)
            boundary = known[boundary].parent
        top[element.id] = f"group:{boundary}" if boundary else element.id
    groups: dict[str, tuple[str, str, int]] = {}
    for node in top.values():
        if node.startswith("group:"):
            group = known[node[len("group:") :]]
            name, kind, count = groups.get(node, (clean(group.name or group.id, 40), group.kind, 0))
            groups[node] = (name, kind, count + 1)
    nodes = list(dict.fromkeys(top.values()))
    pairs: dict[tuple[str, str], list[Flow]] = defaultdict(list)
    for flow in system.flows:
        if flow.source in top and flow.target in top and top[flow.source] != top[flow.target]:
            pairs[(top[flow.source], top[flow.target])].append(flow)
    edges = [(f"overview:{i}", a, b) for i, (a, b) in enumerate(pairs)]
    sizes = {n: (NODE_W * 1.3, NODE_H) for n in groups}
    scene = Scene(nodes, dict.fromkeys(nodes), {}, edges, sizes)
    pair_flows = {f"overview:{i}": flows for i, flows in enumerate(pairs.values())}
    return Drawing("Overview", scene, compute_layout(scene), "an overview", groups, pair_flows)


@dataclass
class DiagramPage:
    title: str
    svg: str
    note: str  # how it was laid out, or what it shows


def diagram_pages(system: System, analysis=None) -> list[DiagramPage]:
    """The diagram's pages: the whole system, or an overview and a page per boundary."""
    marks = diagram_marks(system, analysis)
    if len(system.elements) <= PAGE_LIMIT:
        drawing = layout_drawing(system)
        return [DiagramPage(drawing.title, _render(system, drawing, marks), drawing.note)]
    overview = _overview(system)
    pages = [
        DiagramPage(
            "Overview",
            _render(system, overview, marks),
            "the top-level boundaries, with the number of flows between them",
        )
    ]
    note = (
        "each shaded box stands for the elements of another boundary that this page's "
        "elements exchange flows with, drawn on their own page"
    )
    for title, focus in _parts(system):
        drawing = _part_drawing(system, title, focus)
        pages.append(DiagramPage(title, _render(system, drawing, marks), note))
    return pages


def render_diagram_svg(system: System, analysis=None, *, flow_labels: bool | None = None) -> str:
    """The whole system on one page, as an SVG document string, safe to inline."""
    return _render(system, layout_drawing(system), diagram_marks(system, analysis), flow_labels)


# -- drawing -----------------------------------------------------------------------------


class _Occupied:
    """Rectangles already drawn on, for placing labels where nothing else is."""

    def __init__(self) -> None:
        self.boxes: list[tuple[float, float, float, float]] = []

    def free(self, box) -> bool:
        return not any(
            box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in self.boxes
        )

    def take(self, box) -> None:
        self.boxes.append(box)


def _render(
    system: System,
    drawing: Drawing,
    marks: Marks,
    flow_labels: bool | None = None,
) -> str:
    layout, scene = drawing.layout, drawing.scene
    elements = {e.id: e for e in system.elements}
    flows = {f.id: f for f in system.flows}
    boundaries = {b.id: b for b in system.boundaries}
    if flow_labels is None:
        flow_labels = len(scene.edges) <= 60
    legend_h = 64.0
    width = max(layout.width, 960.0) + 2 * MARGIN
    height = layout.height + legend_h + 2 * MARGIN
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"{_fmt(-MARGIN)} {_fmt(-MARGIN)} {_fmt(width)} {_fmt(height)}",
            "width": _fmt(width),
            "height": _fmt(height),
            "class": "diagram-svg",
            "data-layout": layout.engine,
        },
    )
    title = ET.SubElement(svg, "title")
    title.text = drawing.title
    occupied = _Occupied()
    for node in layout.nodes:
        occupied.take(_node_box(layout, scene, node))

    for frame in layout.frames:
        boundary = boundaries.get(frame.id)
        if boundary is None:
            continue
        style = boundary_style(boundary.kind)
        _sub(
            svg,
            "rect",
            class_="frame",
            data_id=frame.id,
            x=frame.x,
            y=frame.y,
            width=frame.w,
            height=frame.h,
            rx=8.0,
            fill=style["fill"],
            stroke=style["stroke"],
            stroke_width=1.4,
            stroke_dasharray=_dash(style),
        )
        label = clean(boundary.name or boundary.id)
        label = clean(label, max(4, int((frame.w - 20) / (FRAME_LABEL_SIZE * CHAR_W))))
        _text(
            svg,
            frame.x + 10,
            frame.y + 5 + FRAME_LABEL_SIZE,
            label,
            FRAME_LABEL_SIZE,
            class_="frame-label",
            fill=style["text"],
            font_weight="bold",
        )
        occupied.take(
            (
                frame.x + 10,
                frame.y + 4,
                frame.x + 10 + text_width(label, FRAME_LABEL_SIZE),
                frame.y + FRAME_PAD,
            )
        )

    _draw_key_halos(svg, layout, marks)
    _draw_flows(svg, drawing, flows, occupied, flow_labels, lock=len(scene.edges) <= LOCK_LIMIT)
    detail = len(layout.nodes) <= 80
    for node, (cx, cy) in layout.nodes.items():
        if node in drawing.group_nodes:
            _draw_group(svg, node, drawing.group_nodes[node], cx, cy, scene.size(node))
            continue
        group = _sub(svg, "g", class_="element", data_id=node)
        _sub(
            group,
            "rect",
            class_="element-box",
            x=cx - NODE_W / 2,
            y=cy - NODE_H / 2,
            width=NODE_W,
            height=NODE_H,
            fill="none",
            stroke="none",
        )
        element = elements[node]
        # SVG text is laid out glyph by glyph: large diagrams keep only the names.
        _draw_element(group, element, cx, cy, marks, detail=detail)
    _draw_legend(svg, marks, layout.height + 24)
    return ET.tostring(svg, encoding="unicode")


def _draw_group(svg: ET.Element, node: str, spec, cx: float, cy: float, size) -> None:
    name, kind, count = spec
    style = boundary_style(kind)
    w, h = size
    group = _sub(svg, "g", class_="element", data_id=node)
    _sub(
        group,
        "rect",
        class_="element-box",
        x=cx - w / 2,
        y=cy - h / 2,
        width=w,
        height=h,
        rx=8.0,
        fill=style["fill"],
        stroke=style["stroke"],
        stroke_width=1.6,
        stroke_dasharray=_dash(style),
    )
    _text(
        group,
        cx,
        cy - 2,
        clean(name, 26),
        11.0,
        text_anchor="middle",
        font_weight="bold",
        fill=style["text"],
    )
    noun = "element" if count == 1 else "elements"
    _text(group, cx, cy + 13, f"{count} {noun}", 9.0, text_anchor="middle", fill="#374151")


def _path(route: list[tuple[float, float]]) -> str:
    head, rest = route[0], route[1:]
    parts = [f"M{_fmt(head[0])},{_fmt(head[1])}"]
    for i in range(0, len(rest) - 2, 3):
        (ax, ay), (bx, by), (cx, cy) = rest[i : i + 3]
        parts.append(f"C{_fmt(ax)},{_fmt(ay)} {_fmt(bx)},{_fmt(by)} {_fmt(cx)},{_fmt(cy)}")
    return " ".join(parts)


def _straight(layout: Layout, scene: Scene, source: str, target: str, lane: float):
    (sx, sy), (tx, ty) = layout.nodes[source], layout.nodes[target]
    length = math.hypot(tx - sx, ty - sy) or 1.0
    nx_, ny_ = -(ty - sy) / length, (tx - sx) / length
    sx, sy, tx, ty = sx + nx_ * lane, sy + ny_ * lane, tx + nx_ * lane, ty + ny_ * lane
    x1, y1 = _clip(sx, sy, tx, ty)
    x2, y2 = _clip(tx, ty, sx, sy, margin=4.0)
    return [(x1, y1), (x1, y1), (x2, y2), (x2, y2)]


def _draw_flows(svg, drawing: Drawing, flows, occupied: _Occupied, labels: bool, lock: bool):
    layout, scene = drawing.layout, drawing.scene
    boxes = {n: _node_box(layout, scene, n) for n in layout.nodes}
    pair_count: dict[tuple[str, str], int] = defaultdict(int)
    pair_flows = drawing.pair_flows
    for flow_id, source, target in scene.edges:
        if source == target or source not in layout.nodes or target not in layout.nodes:
            continue
        route = (layout.routes or {}).get(flow_id)
        if route is None:
            pair = (source, target) if source < target else (target, source)
            index = pair_count[pair]
            pair_count[pair] += 1
            lane = (index + 0.5) * 9.0 * (1 if source < target else -1)
            route = _straight(layout, scene, source, target, lane)
            # Without a routed path, a hop that would cross an element is not drawn.
            if any(n not in (source, target) and _crosses(route, b) for n, b in boxes.items()):
                continue
        if flow_id in pair_flows:
            members = pair_flows[flow_id]
            plaintext = [
                f for f in members if transit_state(f.protocol, f.encrypted) != "encrypted"
            ]
            state = "plaintext" if plaintext else "encrypted"
            text = f"{len(members)} flow{'s' if len(members) != 1 else ''}"
            if plaintext:
                text += f", {len(plaintext)} plaintext"
        else:
            flow = flows[flow_id]
            state = transit_state(flow.protocol, flow.encrypted)
            text = clean(flow.protocol, 16) if flow.protocol else "protocol?"
        style = TRANSIT[state]
        _sub(
            svg,
            "path",
            class_="flow",
            data_id=flow_id,
            data_from=source,
            data_to=target,
            d=_path(route),
            fill="none",
            stroke=style["color"],
            stroke_width=style["width"],
            stroke_dasharray=_dash(style),
        )
        _arrowhead(svg, route, style["color"])
        if labels or (lock and state == "encrypted"):
            _flow_label(svg, route, text if labels else "", state, lock, occupied)


def _arrowhead(svg: ET.Element, route, color: str) -> None:
    points = _flatten(route[-4:], steps=8) if len(route) >= 4 else route
    (x1, y1), (x2, y2) = points[0], points[-1]
    for x, y in reversed(points[:-1]):
        if math.hypot(x2 - x, y2 - y) >= 6:
            x1, y1 = x, y
            break
    seg = math.hypot(x2 - x1, y2 - y1) or 1.0
    ux, uy = (x2 - x1) / seg, (y2 - y1) / seg
    head = [
        (x2, y2),
        (x2 - ux * 9 + uy * 4.5, y2 - uy * 9 - ux * 4.5),
        (x2 - ux * 9 - uy * 4.5, y2 - uy * 9 + ux * 4.5),
    ]
    _sub(svg, "polygon", points=_points(head), fill=color)


def _flow_label(svg, route, text: str, state: str, lock: bool, occupied: _Occupied) -> None:
    """The protocol (and a padlock) at the first free spot along the flow, or nowhere."""
    points = _flatten(route)
    if len(points) < 2:
        return
    size = 8.5
    padlock = lock and state == "encrypted"
    w = text_width(text, size) + (16 if padlock else 0) + 4
    h = 14.0
    for fraction in (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8):
        x, y = points[int(fraction * (len(points) - 1))]
        for dx, dy in ((4, -h - 2), (4, 2), (-w - 4, -h - 2), (-w - 4, 2)):
            box = (x + dx, y + dy, x + dx + w, y + dy + h)
            if occupied.free(box):
                occupied.take(box)
                group = _sub(svg, "g", class_="flow-label")
                _sub(
                    group,
                    "rect",
                    class_="label-box",
                    x=box[0],
                    y=box[1],
                    width=w,
                    height=h,
                    rx=2.0,
                    # Opaque: a translucent box is a graphics state of its own in the
                    # PDF, and the 300-element report draws a thousand of them.
                    fill="#ffffff",
                )
                left = box[0] + 2
                color = TRANSIT[state]["color"]
                if padlock:
                    _lock(group, left + 6, box[1] + 9, color, backed=False)
                    left += 16
                if text:
                    _text(group, left, box[1] + 10.5, text, size, fill=color)
                return


def _draw_element(
    svg: ET.Element,
    element: Element,
    cx: float,
    cy: float,
    marks: Marks,
    detail: bool = True,
) -> None:
    """An element's outline by kind, its name and kind."""
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
            class_="element-label",
            text_anchor="middle",
            font_weight="bold",
            fill="#111827",
        )
    if detail:
        kind = element.kind + (f" · {clean(element.technology)}" if element.technology else "")
        y = top + 12 * (len(lines) - 1) + 14
        _text(
            svg,
            cx,
            y,
            clean(kind, 28),
            8.5,
            class_="element-label",
            text_anchor="middle",
            fill="#4b5563",
        )
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


def _draw_key_halos(svg: ET.Element, layout: Layout, marks: Marks) -> None:
    for index, (_key_id, _label, _n, protected) in enumerate(marks.keys):
        color = KEY_COLORS[index % len(KEY_COLORS)]
        grow = 4.0 + 3.0 * index
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


def _draw_legend(svg: ET.Element, marks: Marks, top: float) -> None:
    x = 0.0
    for state in ("encrypted", "plaintext", "in-process"):
        style = TRANSIT[state]
        _sub(
            svg,
            "line",
            x1=x,
            y1=top,
            x2=x + 34,
            y2=top,
            stroke=style["color"],
            stroke_width=2.0,
            stroke_dasharray=_dash(style),
        )
        if state == "encrypted":
            _lock(svg, x + 17, top, style["color"])
        _text(svg, x + 40, top + 4, style["label"], 10.0, fill="#374151")
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
