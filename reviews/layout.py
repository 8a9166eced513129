"""Where a diagram's elements and boundaries go: Graphviz, for the editor and the PDF alike.

One layout for both, so what the architect arranges is what the auditor reads: the editor
asks for these positions (`layout.json`, when it opens a model with unplaced elements and
for Arrange) and the PDF draws them, with the same box sizes (reviews/diagram_style.py).

- `dot` lays out systems of up to DOT_LIMIT elements: boundaries as nested clusters, and
  every flow routed around the elements it does not connect. It is the field's standard
  for data-flow diagrams, and runs on the server, where the PDF is made.
- Larger systems are packed by `osage` (each boundary's members in an array, boundaries
  packed inside their parents): linear, so a 1,000-element import opens at once. It
  routes no flows; the PDF draws such systems a boundary at a time (see diagram.py).

Graphviz is a program, not a Python package: the Makefile checks for it and .ci/run
installs it. It runs in a subprocess with a timeout, and its input is built here from
IDs only (labels are drawn by the caller), quoted, so user text never reaches it.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import pairwise

from threatmodel.model import System

from .diagram_style import FRAME_LABEL_SIZE, FRAME_PAD, NODE_H, NODE_W

DOT_LIMIT = 100  # elements; above it dot's crossing minimisation takes many seconds
TIMEOUT = 20.0  # seconds for one Graphviz run
RANK_GAP = 80.0  # points between ranks (room for a flow's label)
NODE_GAP = 36.0  # points between elements of one rank
PACK_GAP = 46.0  # points between packed items (osage)
EMPTY = "_empty:"  # placeholder node that gives an empty boundary its room
PAGE = (1000.0, 680.0)  # the proportions of an A4 landscape diagram page
READABLE = 0.4  # of its size a drawing prints at, below which dot tries more variants


class LayoutError(Exception):
    """Graphviz is missing, failed or took too long; the message says which."""


@dataclass
class Frame:
    """A boundary's rectangle (top-left corner, size) in layout units."""

    id: str
    x: float
    y: float
    w: float
    h: float
    depth: int = 0


@dataclass
class Scene:
    """What to lay out: element boxes, the boundary tree and the flows, by ID."""

    nodes: list[str]
    member_of: dict[str, str | None]  # node -> boundary
    parents: dict[str, str | None]  # boundary -> parent boundary (in the scene)
    edges: list[tuple[str, str, str]]  # (flow id, from, to)
    sizes: dict[str, tuple[float, float]] = field(default_factory=dict)  # other than NODE
    # Nodes outside every boundary that dot puts in the last rank, after the rest (a
    # boundary page's boxes for the other boundaries: beside the rest, the page grew
    # three times wider than tall).
    last_rank: tuple[str, ...] = ()

    def size(self, node: str) -> tuple[float, float]:
        return self.sizes.get(node, (NODE_W, NODE_H))


@dataclass
class Layout:
    nodes: dict[str, tuple[float, float]]  # node -> centre
    frames: list[Frame]  # outermost first
    routes: dict[str, list[tuple[float, float]]] | None  # flow id -> cubic Bezier points
    width: float
    height: float
    engine: str  # "dot", "osage" or "editor"

    def frame(self, boundary: str) -> Frame | None:
        return next((f for f in self.frames if f.id == boundary), None)


def scene_of(system: System) -> Scene:
    known = {b.id for b in system.boundaries}
    parents: dict[str, str | None] = {}
    for boundary in system.boundaries:
        parents[boundary.id] = boundary.parent if boundary.parent in known else None
    # A cycle of parents cannot be drawn as nesting: its members hang at the top.
    for boundary_id in list(parents):
        seen, current = {boundary_id}, parents[boundary_id]
        while current is not None:
            if current in seen:
                parents[boundary_id] = None
                break
            seen.add(current)
            current = parents[current]
    members = {e.id: e.boundary if e.boundary in known else None for e in system.elements}
    edges = [(f.id, f.source, f.target) for f in system.flows if f.source in members]
    edges = [e for e in edges if e[2] in members]
    return Scene([e.id for e in system.elements], members, parents, edges)


def graphviz_available() -> bool:
    return shutil.which("dot") is not None and shutil.which("osage") is not None


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _inches(points: float) -> str:
    return f"{points / 72:.4f}"


def graph_source(scene: Scene, *, edges: bool, direction: str = "LR", last: str = "sink") -> str:
    """The scene in the DOT language: clusters for boundaries, fixed-size boxes.

    `last` is how the last rank's nodes are held: "sink" (in dot's last rank, nothing
    more), "chain" (also joined one to the next by heavy invisible edges, which pull the
    rank together: dot spread it along the page to meet the flows from earlier ranks) or
    "loose" (their flows do not rank anything, `constraint=false`: all of a page's flows
    going to them from a grid of members spread them widest).
    """
    # dot's ranks and spacing; osage's packing (`pack` crashes dot 2.43, and `splines`
    # sends osage routing for seconds).
    if edges:
        graph = (
            f"graph [rankdir={direction}, splines=spline, outputorder=edgesfirst,"
            f" nodesep={_inches(NODE_GAP)}, ranksep={_inches(RANK_GAP)},"
            f' fontsize={FRAME_LABEL_SIZE + 1:g}, fontname="DejaVu Sans Bold"];'
        )
        pack = ""
    else:
        pack = f' pack={int(PACK_GAP)}; packmode="array_u";'
        graph = f'graph [fontsize={FRAME_LABEL_SIZE + 1:g}, fontname="DejaVu Sans Bold"];{pack}'
    lines = [
        "digraph system {",
        graph,
        'node [shape=box, fixedsize=true, label=""];',
        "edge [arrowsize=0.7];",
    ]
    children: dict[str | None, list[str]] = {}
    for boundary, parent in scene.parents.items():
        children.setdefault(parent, []).append(boundary)
    members: dict[str | None, list[str]] = {}
    for node in scene.nodes:
        members.setdefault(scene.member_of.get(node), []).append(node)

    order = {node: i for i, node in enumerate(scene.nodes)}  # osage packs in this order

    def node_line(node: str) -> str:
        w, h = scene.size(node)
        return (
            f"{_quote('n' + node)} [width={_inches(w)}, height={_inches(h)}, sortv={order[node]}];"
        )

    spacers: list[str] = []

    def spread(nodes: list[str]) -> None:
        """Invisible edges that fold a boundary's many members into several ranks: left
        alone, dot puts every member without a flow between them in one rank, a column
        many times taller than the page is wide."""
        per_rank = _per_rank(len(nodes), direction)
        if len(nodes) <= 2 * per_rank:
            return  # a few members: the flows alone rank them well
        for first, second in zip(nodes, nodes[per_rank:], strict=False):
            spacers.append(f"{_quote('n' + first)} -> {_quote('n' + second)} [style=invis];")

    def cluster(boundary: str) -> None:
        # The label is a fixed-width placeholder: it reserves the strip the caller's
        # label is drawn in, without handing user text to Graphviz.
        lines.append(
            f'subgraph {_quote("cluster_" + boundary)} {{ label=" "; labeljust=l;'
            f" margin={int(FRAME_PAD)}; sortv={len(lines)};{pack}"
        )
        inner = members.get(boundary, [])
        for node in inner:
            lines.append(node_line(node))
        if edges:
            spread(inner)
        kids = children.get(boundary, [])
        if not inner and not kids:
            lines.append(
                f"{_quote('n' + EMPTY + boundary)} [width={_inches(NODE_W)},"
                f" height={_inches(NODE_H / 2)}, style=invis];"
            )
        for child in kids:
            cluster(child)
        lines.append("}")

    for root in children.get(None, []):
        cluster(root)
    for node in members.get(None, []):
        lines.append(node_line(node))
    if edges:
        spread([n for n in members.get(None, []) if n not in scene.last_rank])
        lines.extend(spacers)
        final = [_quote("n" + n) for n in scene.last_rank]
        if final:
            lines.append("{ rank=sink; " + " ".join(final) + " }")
        if last == "chain":
            for a, b in pairwise(final):
                lines.append(f"{a} -> {b} [style=invis, weight=10];")
        loose = set(scene.last_rank) if last == "loose" else set()
        for flow_id, source, target in scene.edges:
            extra = ", constraint=false" if source in loose or target in loose else ""
            lines.append(
                f"{_quote('n' + source)} -> {_quote('n' + target)} [id={_quote(flow_id)}{extra}];"
            )
    lines.append("}")
    return "\n".join(lines)


def _per_rank(members: int, direction: str) -> int:
    """How many of a boundary's members share a rank, for a grid with the page's
    proportions: dot's ranks are columns left to right (LR) and rows top to bottom."""
    aspect = PAGE[0] / PAGE[1]
    if direction == "LR":
        ratio = (NODE_W + RANK_GAP) / ((NODE_H + NODE_GAP) * aspect)
    else:
        ratio = aspect * (NODE_H + RANK_GAP) / (NODE_W + NODE_GAP)
    return max(1, math.ceil(math.sqrt(members * ratio)))


def run_graphviz(program: str, source: str, *extra: str) -> dict:
    """Runs a Graphviz layout program on DOT source; its JSON output, parsed."""
    if shutil.which(program) is None:
        raise LayoutError(
            f"Graphviz's {program!r} is not installed: install the graphviz package "
            "(apt-get install graphviz)"
        )
    try:
        result = subprocess.run(  # noqa: S603 - a fixed program, input on stdin
            [program, "-Tjson", *extra],
            input=source.encode(),
            capture_output=True,
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise LayoutError(f"Graphviz {program} took longer than {TIMEOUT:g} s") from error
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip()[:300]
        raise LayoutError(f"Graphviz {program} failed: {message}")
    return json.loads(result.stdout)


def _floats(text: str) -> list[float]:
    return [float(v) for v in text.replace(",", " ").split()]


def _read(output: dict, scene: Scene, engine: str, with_routes: bool) -> Layout:
    """Graphviz's JSON (y upwards, centres) as a Layout (y downwards, top-left frames)."""
    x1, y1, x2, y2 = _floats(output["bb"])
    height = y2 - y1

    def flip(x: float, y: float) -> tuple[float, float]:
        return x - x1, height - (y - y1)

    nodes: dict[str, tuple[float, float]] = {}
    frames: list[Frame] = []
    names: dict[int, str] = {}
    for obj in output.get("objects", []):
        name = obj.get("name", "")
        names[obj.get("_gvid", -1)] = name
        if name.startswith("cluster_") and "bb" in obj:
            fx1, fy1, fx2, fy2 = _floats(obj["bb"])
            left, top = flip(fx1, fy2)
            frames.append(Frame(name[len("cluster_") :], left, top, fx2 - fx1, fy2 - fy1))
        elif name.startswith("n") and "pos" in obj and not name.startswith("n" + EMPTY):
            nodes[name[1:]] = flip(*_floats(obj["pos"]))
    depth = {}
    for frame in frames:
        level, current = 0, scene.parents.get(frame.id)
        while current is not None and level < 64:
            level, current = level + 1, scene.parents.get(current)
        depth[frame.id] = level
        frame.depth = level
    frames.sort(key=lambda f: depth[f.id])
    routes: dict[str, list[tuple[float, float]]] | None = None
    if with_routes:
        routes = {}
        for edge in output.get("edges", []):
            flow_id = edge.get("id")
            if not flow_id or "pos" not in edge:
                continue
            routes[flow_id] = _route(edge["pos"], flip)
    return Layout(nodes, frames, routes, x2 - x1, height, engine)


def _route(
    pos: str, flip: Callable[[float, float], tuple[float, float]]
) -> list[tuple[float, float]]:
    """An edge's `pos` ("e,x,y p0 p1 ...") as Bezier points from source to target."""
    points: list[tuple[float, float]] = []
    end = start = None
    for part in pos.split():
        values = part.split(",")
        if values[0] == "e":
            end = flip(float(values[1]), float(values[2]))
        elif values[0] == "s":
            start = flip(float(values[1]), float(values[2]))
        else:
            points.append(flip(float(values[0]), float(values[1])))
    if start:
        points.insert(0, start)
        points.insert(1, start)
        points.insert(1, start)
    if end:
        # The arrowhead's tip: a straight last piece from where the spline stops.
        last = points[-1]
        points += [last, end, end]
    return points


def compute_layout(scene: Scene, dot_limit: int = DOT_LIMIT) -> Layout:
    """dot for a readable size, osage packing beyond it (or when dot is too slow).

    dot runs left to right and top to bottom; the one that fits a landscape page (and a
    screen) at the larger scale wins. A scene with a last rank that prints below
    READABLE also tries it held the two other ways (see `graph_source`): each wins on
    some boundary pages and loses on others, so it is kept only where it prints larger.
    """
    if not scene.nodes:
        return Layout({}, [], {}, 0.0, 0.0, "dot")
    if len(scene.nodes) <= dot_limit:
        try:
            best = max(_dot_layouts(scene, [("LR", "sink"), ("TB", "sink")]), key=_page_scale)
            if scene.last_rank and _page_scale(best) < READABLE:
                # Left to right only: top down, neither won a page of examples/generate.py's
                # systems of 150, 300 and 600 elements.
                tried = _dot_layouts(scene, [("LR", "chain"), ("LR", "loose")])
                best = max([best, *tried], key=_page_scale)
            return best
        except LayoutError:
            if shutil.which("dot") is None:
                raise
    output = run_graphviz("osage", graph_source(scene, edges=False))
    return _read(output, scene, "osage", with_routes=False)


def _dot_layouts(scene: Scene, variants: list[tuple[str, str]]) -> list[Layout]:
    """dot in these (direction, last rank) variants: two processes side by side."""
    sources = [graph_source(scene, edges=True, direction=d, last=last) for d, last in variants]
    with ThreadPoolExecutor(max_workers=2) as pool:
        outputs = list(pool.map(lambda source: run_graphviz("dot", source), sources))
    return [_read(output, scene, "dot", True) for output in outputs]


def _page_scale(layout: Layout) -> float:
    return min(PAGE[0] / max(layout.width, 1.0), PAGE[1] / max(layout.height, 1.0))


def system_layout(system: System) -> Layout:
    return compute_layout(scene_of(system))


def editor_positions(system: System) -> dict:
    """The layout as the editor applies it: element centres, boundary rectangles."""
    layout = system_layout(system)
    return {
        "engine": layout.engine,
        "positions": {k: {"x": round(x), "y": round(y)} for k, (x, y) in layout.nodes.items()},
        "boundaries": {
            f.id: {"x": round(f.x), "y": round(f.y), "w": round(f.w), "h": round(f.h)}
            for f in layout.frames
        },
    }


# -- the editor's own positions ---------------------------------------------------------


def positioned_layout(system: System) -> Layout | None:
    """The editor's positions with frames drawn around members (and at least as big as
    a frame the editor stored), as the canvas draws them.

    None when they would not print cleanly (elements over each other, frames of
    different boundaries overlapping or covering a label): the PDF then uses the
    automatic layout, which never does that.
    """
    scene = scene_of(system)
    nodes = {e.id: (e.position.x, e.position.y) for e in system.elements if e.position}
    if len(nodes) != len(scene.nodes) or not nodes:
        return None
    boxes = [_box(*nodes[n]) for n in scene.nodes]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if _overlap(a, b, 4.0):
                return None
    frames = _frames_around(scene, nodes, _stored_frames(system))
    if frames is None:
        return None
    left = min([b[0] for b in boxes] + [f.x for f in frames])
    top = min([b[1] for b in boxes] + [f.y for f in frames])
    right = max([b[2] for b in boxes] + [f.x + f.w for f in frames])
    bottom = max([b[3] for b in boxes] + [f.y + f.h for f in frames])
    nodes = {k: (x - left, y - top) for k, (x, y) in nodes.items()}
    for frame in frames:
        frame.x -= left
        frame.y -= top
    return Layout(nodes, frames, None, right - left, bottom - top, "editor")


def _box(
    cx: float, cy: float, w: float = NODE_W, h: float = NODE_H
) -> tuple[float, float, float, float]:
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def _overlap(
    a: tuple[float, float, float, float], b: tuple[float, float, float, float], margin: float = 0.0
) -> bool:
    return (
        a[0] < b[2] + margin
        and b[0] < a[2] + margin
        and a[1] < b[3] + margin
        and b[1] < a[3] + margin
    )


def _stored_frames(system: System) -> dict[str, tuple[float, float, float, float]]:
    """The frames the editor keeps (a boundary's `position` and `size`), as the inner
    rectangle its members sit in: the canvas draws a frame at least that big."""
    stored = {}
    for boundary in system.boundaries:
        if boundary.position and boundary.size:
            x, y = boundary.position.x, boundary.position.y
            half_w, half_h = boundary.size.width / 2, boundary.size.height / 2
            stored[boundary.id] = (
                x - half_w + FRAME_PAD,
                y - half_h + FRAME_PAD,
                x + half_w - FRAME_PAD,
                y + half_h - FRAME_PAD,
            )
    return stored


def _frames_around(
    scene: Scene,
    nodes: dict[str, tuple[float, float]],
    stored: dict[str, tuple[float, float, float, float]] | None = None,
) -> list[Frame] | None:
    children: dict[str | None, list[str]] = {}
    for boundary, parent in scene.parents.items():
        children.setdefault(parent, []).append(boundary)
    members: dict[str | None, list[str]] = {}
    for node in scene.nodes:
        members.setdefault(scene.member_of.get(node), []).append(node)
    frames: list[Frame] = []
    owner: dict[str, set[str]] = {}  # frame -> every element inside it, nested included

    def build(boundary: str, depth: int) -> Frame | None:
        rects = [_box(*nodes[n]) for n in members.get(boundary, [])]
        if stored and boundary in stored:
            rects.append(stored[boundary])
        inside = set(members.get(boundary, []))
        for child in children.get(boundary, []):
            kid = build(child, depth + 1)
            if kid:
                rects.append((kid.x, kid.y, kid.x + kid.w, kid.y + kid.h))
                inside |= owner[child]
        if not rects:
            return None
        x1 = min(r[0] for r in rects) - FRAME_PAD
        y1 = min(r[1] for r in rects) - FRAME_PAD
        x2 = max(r[2] for r in rects) + FRAME_PAD
        y2 = max(r[3] for r in rects) + FRAME_PAD
        frame = Frame(boundary, x1, y1, x2 - x1, y2 - y1, depth)
        frames.append(frame)
        owner[boundary] = inside
        return frame

    for root in children.get(None, []):
        build(root, 0)
    frames.sort(key=lambda f: f.depth)
    rect = {f.id: (f.x, f.y, f.x + f.w, f.y + f.h) for f in frames}
    strip = {f.id: (f.x, f.y, f.x + f.w, f.y + FRAME_PAD) for f in frames}
    ancestors = {f.id: _ancestors(scene, f.id) for f in frames}
    for frame in frames:
        # A frame holds no element of another boundary's subtree...
        for node, (cx, cy) in nodes.items():
            if node not in owner[frame.id] and _overlap(rect[frame.id], _box(cx, cy)):
                return None
        for other in frames:
            if other.id == frame.id:
                continue
            nested = other.id in ancestors[frame.id] or frame.id in ancestors[other.id]
            # ...overlaps no frame it is not nested with, and covers no one's label.
            if not nested and _overlap(rect[frame.id], rect[other.id]):
                return None
            encloses = frame.id in ancestors[other.id]
            if not encloses and _overlap(rect[frame.id], strip[other.id]):
                return None
    return frames


def _ancestors(scene: Scene, boundary: str) -> set[str]:
    result: set[str] = set()
    current = scene.parents.get(boundary)
    while current is not None and current not in result:
        result.add(current)
        current = scene.parents.get(current)
    return result


def route_flows(
    layout: Layout, scene: Scene, only: set[str] | None = None
) -> dict[str, list[tuple[float, float]]] | None:
    """Flows (all, or `only` these) routed around every element between fixed positions
    (neato -n2), or None."""
    lines = [
        "digraph routes {",
        "graph [splines=spline];",
        'node [shape=box, fixedsize=true, label=""];',
    ]
    for node, (x, y) in layout.nodes.items():
        w, h = scene.size(node)
        lines.append(
            f'{_quote("n" + node)} [pos="{x:.1f},{-y:.1f}!", width={_inches(w)},'
            f" height={_inches(h)}];"
        )
    for flow_id, source, target in scene.edges:
        if only is None or flow_id in only:
            lines.append(
                f"{_quote('n' + source)} -> {_quote('n' + target)} [id={_quote(flow_id)}];"
            )
    lines.append("}")
    try:
        output = run_graphviz("neato", "\n".join(lines), "-n2")
    except LayoutError:
        return None
    # neato translates the drawing: find by how much from any node, and undo it.
    first = next(o for o in output.get("objects", []) if o.get("name", "").startswith("n"))
    fx, fy = _floats(first["pos"])
    x0, y0 = layout.nodes[first["name"][1:]]
    dx, dy = x0 - fx, y0 + fy
    routes = {}
    for edge in output.get("edges", []):
        if edge.get("id") and "pos" in edge:
            routes[edge["id"]] = _route(edge["pos"], lambda x, y: (x + dx, dy - y))
    return routes


def diagonal(layout: Layout) -> float:
    return math.hypot(layout.width, layout.height)
