"""The server-rendered SVG diagram: layout, shapes, flow styles and marks."""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET

import threatmodel
from reviews.layout import system_layout
from reviews.report.diagram import (
    ENCRYPTED_COLOR,
    KEY_COLORS,
    NODE_H,
    NODE_W,
    PLAINTEXT_COLOR,
    WEAK_COLOR,
    label_lines,
    render_diagram_svg,
)
from tests.reviews.report_fixtures import SMALL_DOCUMENT

NS = "{http://www.w3.org/2000/svg}"


def _svg(doc) -> ET.Element:
    system = threatmodel.load(doc)
    svg = render_diagram_svg(system, threatmodel.analyze(system))
    return ET.fromstring(svg)  # noqa: S314 - our own output, parsed to inspect it


def _inside(inner, outer) -> bool:
    x, y, w, h = inner
    return (
        outer.x <= x and outer.y <= y and x + w <= outer.x + outer.w and y + h <= outer.y + outer.h
    )


def test_the_automatic_layout_puts_every_element_inside_its_boundary_frame():
    doc = copy.deepcopy(SMALL_DOCUMENT)
    doc["boundaries"].append({"id": "data", "kind": "internal", "parent": "vpc"})
    doc["elements"][2]["boundary"] = "data"
    system = threatmodel.load(doc)
    layout = system_layout(system)
    for element in system.elements:
        cx, cy = layout.nodes[element.id]
        node = (cx - NODE_W / 2, cy - NODE_H / 2, NODE_W, NODE_H)
        assert _inside(node, layout.frame(element.boundary)), element.id
    nested = layout.frame("data")
    assert _inside((nested.x, nested.y, nested.w, nested.h), layout.frame("vpc"))


def test_a_partly_positioned_model_is_drawn_with_the_automatic_layout():
    doc = copy.deepcopy(SMALL_DOCUMENT)
    doc["elements"][0]["position"] = {"x": 5000, "y": 5000}
    assert _svg(doc).get("data-layout") == "dot"


def test_plaintext_flows_are_red_dashed_and_encrypted_ones_solid_with_a_padlock():
    root = _svg(SMALL_DOCUMENT)
    lines = [
        n
        for n in root.iter()
        if (n.tag == f"{NS}line" or n.get("class") == "flow")
        and n.get("stroke") in (ENCRYPTED_COLOR, PLAINTEXT_COLOR)
    ]
    plaintext = [n for n in lines if n.get("stroke") == PLAINTEXT_COLOR]
    encrypted = [n for n in lines if n.get("stroke") == ENCRYPTED_COLOR]
    # One of each flow in the model, plus one of each in the legend.
    assert len(plaintext) == 2 and len(encrypted) == 2
    assert all(n.get("stroke-dasharray") not in (None, "none") for n in plaintext)
    assert all(n.get("stroke-dasharray") == "none" for n in encrypted)
    padlocks = [n for n in root.iter(f"{NS}rect") if n.get("fill") == ENCRYPTED_COLOR]
    assert len(padlocks) == 2  # the checkout flow and the legend


def test_elements_get_shapes_by_kind():
    root = _svg(SMALL_DOCUMENT)
    assert any(n.tag == f"{NS}ellipse" for n in root.iter())  # the client
    assert any(n.tag == f"{NS}path" and "a75" in (n.get("d") or "") for n in root.iter())  # db


def test_weak_stores_and_shared_key_blast_radius_are_marked():
    doc = copy.deepcopy(SMALL_DOCUMENT)
    doc["elements"].append(
        {
            "id": "docs",
            "kind": "object-store",
            "boundary": "vpc",
            "stores": ["profile"],
            "encryption": "sse-kms",
            "key": "db-key",
        }
    )
    root = _svg(doc)
    weak = [n for n in root.iter() if n.get("stroke") == WEAK_COLOR]
    assert weak, "the unencrypted backup is outlined in red"
    halos = [n for n in root.iter(f"{NS}rect") if n.get("stroke") == KEY_COLORS[0]]
    # Both stores encrypted with db-key, plus the legend swatch.
    assert len(halos) == 3
    texts = [n.text for n in root.iter(f"{NS}text")]
    assert "key Database key: blast radius 2" in texts


def test_long_labels_wrap_onto_two_lines_and_are_shortened_after():
    assert label_lines("Application load balancer") == ["Application load", "balancer"]
    assert label_lines("a " * 40)[-1].endswith("…")
    assert len(label_lines("word " * 40)) == 2
