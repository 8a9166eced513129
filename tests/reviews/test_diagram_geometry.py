"""The PDF diagram never draws things over each other, read back from the SVG's geometry.

Elements and labels never overlap, a frame never covers another frame's label (frames
are disjoint or nested), and a flow never passes through an element it does not connect.
Checked on the seed example, a generated 60-element system and models laid out badly by
hand in the editor.
"""

from __future__ import annotations

import copy
import itertools
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import threatmodel
from examples.generate import generate_system
from reviews.diagram_style import NODE_H
from reviews.layout import editor_positions, graphviz_available, positioned_layout
from reviews.report.diagram import CHAR_W, PAGE_LIMIT, diagram_pages, render_diagram_svg

pytestmark = pytest.mark.skipif(not graphviz_available(), reason="Graphviz is not installed")

NS = "{http://www.w3.org/2000/svg}"
SEED = Path(__file__).resolve().parents[2] / "examples" / "saas-docs.yaml"


def _rect(node) -> tuple[float, float, float, float]:
    x, y = float(node.get("x")), float(node.get("y"))
    return x, y, x + float(node.get("width")), y + float(node.get("height"))


def _text_box(node) -> tuple[float, float, float, float]:
    size = float(node.get("font-size"))
    x, y = float(node.get("x")), float(node.get("y"))
    width = len(node.text or "") * size * CHAR_W
    if node.get("text-anchor") == "middle":
        x -= width / 2
    return x, y - size * 0.8, x + width, y + size * 0.2


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _contains(outer, inner) -> bool:
    return (
        outer[0] <= inner[0]
        and outer[1] <= inner[1]
        and inner[2] <= outer[2]
        and inner[3] <= outer[3]
    )


def _curve_points(d: str, steps: int = 16) -> list[tuple[float, float]]:
    numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", d)]
    points = list(zip(numbers[::2], numbers[1::2], strict=True))
    result = [points[0]]
    for i in range(0, len(points) - 3, 3):
        p0, c1, c2, p1 = points[i : i + 4]
        for step in range(1, steps + 1):
            t = step / steps
            u = 1 - t
            result.append(
                tuple(
                    u**3 * p0[k] + 3 * u * u * t * c1[k] + 3 * u * t * t * c2[k] + t**3 * p1[k]
                    for k in (0, 1)
                )
            )
    return result


def assert_nothing_drawn_over_anything(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 - our own output, parsed to inspect it
    elements = {}
    for group in root.iter(f"{NS}g"):
        if group.get("class") == "element":
            box = next(n for n in group if n.get("class") == "element-box")
            elements[group.get("data-id")] = _rect(box)
            for text in group.iter(f"{NS}text"):
                if text.get("class") != "element-label":
                    continue  # the corner badges sit on the outline on purpose
                assert _contains(_rect(box), _text_box(text)), f"{text.text!r} leaves its box"
    frames = [_rect(n) for n in root.iter(f"{NS}rect") if n.get("class") == "frame"]
    frame_labels = [_text_box(n) for n in root.iter(f"{NS}text") if n.get("class") == "frame-label"]
    flow_labels = [_rect(n) for n in root.iter(f"{NS}rect") if n.get("class") == "label-box"]
    assert elements, "the diagram shows elements"

    for (a, box_a), (b, box_b) in itertools.combinations(elements.items(), 2):
        assert not _overlap(box_a, box_b), f"{a} and {b} overlap"
    for a, b in itertools.combinations(frames, 2):
        assert not _overlap(a, b) or _contains(a, b) or _contains(b, a), f"frames {a} {b} cross"
    for label, frame in zip(frame_labels, frames, strict=True):
        assert _contains(frame, label), "a frame's label stays inside its frame"
        for other in frames:
            if other is not frame and not _contains(other, frame):
                assert not _overlap(other, label), "a frame covers another frame's label"
        for name, box in elements.items():
            assert not _overlap(box, label), f"{name} covers a frame label"
    labels = frame_labels + flow_labels
    for a, b in itertools.combinations(labels, 2):
        assert not _overlap(a, b), "two labels overlap"
    for label in flow_labels:
        for name, box in elements.items():
            assert not _overlap(box, label), f"a flow label covers {name}"
    for path in root.iter(f"{NS}path"):
        if path.get("class") != "flow":
            continue
        ends = {path.get("data-from"), path.get("data-to")}
        points = _curve_points(path.get("d"))
        for name, (x1, y1, x2, y2) in elements.items():
            if name in ends:
                continue
            inside = [p for p in points if x1 + 2 < p[0] < x2 - 2 and y1 + 2 < p[1] < y2 - 2]
            assert not inside, f"flow {path.get('data-id')} passes through {name}"
    return root


def _analysed(doc):
    system = threatmodel.load(doc)
    return system, threatmodel.analyze(system)


def test_the_seed_example_draws_nothing_over_anything():
    system, analysis = _analysed(SEED)
    root = assert_nothing_drawn_over_anything(render_diagram_svg(system, analysis))
    assert root.get("data-layout") == "dot"
    drawn = {p.get("data-id") for p in root.iter(f"{NS}path") if p.get("class") == "flow"}
    assert drawn == {f.id for f in system.flows}, "every flow is drawn"


def test_a_generated_60_element_system_gets_an_overview_and_a_page_per_boundary():
    system, analysis = _analysed(generate_system(60))
    assert len(system.elements) > PAGE_LIMIT
    pages = diagram_pages(system, analysis)
    titles = [page.title for page in pages]
    assert titles[0].startswith("Overview")
    assert {"internet", "vendors"} <= set(titles)
    for page in pages:
        assert_nothing_drawn_over_anything(page.svg)
    shown = set()
    for page in pages[1:]:
        root = ET.fromstring(page.svg)  # noqa: S314
        shown |= {g.get("data-id") for g in root.iter(f"{NS}g") if g.get("class") == "element"}
    assert {e.id for e in system.elements} <= shown, "every element is on some page"


def _seed_document() -> dict:
    import yaml

    return yaml.safe_load(SEED.read_text())


def test_positions_piled_up_by_hand_print_with_the_automatic_layout():
    doc = _seed_document()
    for n, element in enumerate(doc["elements"]):
        element["position"] = {"x": 40 * (n % 4), "y": 30 * (n // 4)}  # boxes over boxes
    system, analysis = _analysed(doc)
    root = assert_nothing_drawn_over_anything(render_diagram_svg(system, analysis))
    assert root.get("data-layout") == "dot"


def test_a_frame_dragged_over_another_frames_label_prints_with_the_automatic_layout():
    doc = _seed_document()
    system = threatmodel.load(doc)
    placed = editor_positions(system)["positions"]
    for element in doc["elements"]:
        element["position"] = placed[element["id"]]
    clean_layout = positioned_layout(threatmodel.load(doc))
    assert clean_layout is not None, "Graphviz's own positions print cleanly"
    # The drawing is shifted to start at 0, 0: back to the document's coordinates.
    dx = placed["kms"]["x"] - clean_layout.nodes["kms"][0]
    dy = placed["kms"]["y"] - clean_layout.nodes["kms"][1]
    aws = clean_layout.frame("aws-prod")
    # The browser goes just above the AWS account's frame: the Internet frame around
    # it then covers the account's label.
    browser = next(e for e in doc["elements"] if e["id"] == "browser")
    browser["position"] = {"x": dx + aws.x + 200, "y": dy + aws.y - NODE_H / 2 - 5}
    assert positioned_layout(threatmodel.load(doc)) is None
    system, analysis = _analysed(doc)
    root = assert_nothing_drawn_over_anything(render_diagram_svg(system, analysis))
    assert root.get("data-layout") == "dot"


def test_a_clean_layout_from_the_editor_is_printed_as_the_editor_shows_it():
    doc = _seed_document()
    placed = editor_positions(threatmodel.load(doc))["positions"]
    for element in doc["elements"]:
        element["position"] = {
            "x": placed[element["id"]]["x"] + 500,
            "y": placed[element["id"]]["y"],
        }
    system, analysis = _analysed(copy.deepcopy(doc))
    root = assert_nothing_drawn_over_anything(render_diagram_svg(system, analysis))
    assert root.get("data-layout") == "editor"
    boxes = {
        g.get("data-id"): _rect(next(iter(g)))
        for g in root.iter(f"{NS}g")
        if g.get("class") == "element"
    }
    # Same relative placement as the editor's (the drawing is only shifted to its origin).
    dx = boxes["alb"][0] - boxes["browser"][0]
    assert dx == pytest.approx(placed["alb"]["x"] - placed["browser"]["x"])


def test_a_frame_resized_in_the_editor_prints_at_its_stored_size():
    doc = _seed_document()
    placed = editor_positions(threatmodel.load(doc))["positions"]
    for element in doc["elements"]:
        element["position"] = placed[element["id"]]
    plain = positioned_layout(threatmodel.load(doc))
    assert plain is not None
    boundary = doc["boundaries"][0]
    frame = plain.frame(boundary["id"])
    # Back in the document's coordinates (the drawing starts at 0, 0), then 300 wider.
    some = doc["elements"][0]
    dx = some["position"]["x"] - plain.nodes[some["id"]][0]
    dy = some["position"]["y"] - plain.nodes[some["id"]][1]
    boundary["position"] = {"x": dx + frame.x + frame.w / 2 - 150, "y": dy + frame.y + frame.h / 2}
    boundary["size"] = {"width": round(frame.w) + 300, "height": round(frame.h)}
    resized = positioned_layout(threatmodel.load(doc))
    assert resized is not None
    assert resized.frame(boundary["id"]).w == pytest.approx(frame.w + 300, abs=1)
