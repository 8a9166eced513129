"""A large model (more than 120 elements) opens zoomed out without labels, and its
boundaries are frames drawn around their members; zoomed in, the labels come back."""

from __future__ import annotations

import pytest

from examples.generate import generate_system
from tests.conftest import make_system
from tests.e2e.conftest import open_editor

pytestmark = pytest.mark.django_db(transaction=True)

LABELS = """() => {
  const cy = window.ciphermapEditor.cy;
  const element = cy.nodes('.element')[0];
  const flow = cy.edges('.flow')[0];
  const boundary = cy.nodes('.boundary')[0];
  return { zoom: cy.zoom(), element: element.style('label'), elementLabel: element.data('label'),
           flow: flow.style('label'), boundary: boundary.style('label'),
           fontSize: element.style('font-size') };
}"""

# Padlocks, and how many of those on a lone straight hop are off its middle.
BADGES = """() => {
  const cy = window.ciphermapEditor.cy;
  let off = 0;
  cy.edges('.flow').forEach((edge) => {
    const badge = cy.getElementById('lock:' + edge.data('ref'));
    if (badge.empty() || edge.hasClass('parallel') || edge.isLoop()) return;
    const a = edge.source().position(), b = edge.target().position(), p = badge.position();
    if (Math.hypot(p.x - (a.x + b.x) / 2, p.y - (a.y + b.y) / 2) > 1) off += 1;
  });
  return { badges: cy.nodes('.badge').length, flows: cy.edges('.flow').length, off };
}"""

FRAMES = """() => {
  const { cy, canvas } = window.ciphermapEditor;
  const out = [];
  cy.nodes('.element').forEach((e) => {
    const parent = canvas.parentOf(e);
    if (parent.empty()) return;
    const { position, size } = canvas.frameOf(parent.data('ref'));
    const p = e.position();
    const dx = Math.abs(p.x - position.x), dy = Math.abs(p.y - position.y);
    out.push(dx < size.width / 2 && dy < size.height / 2);
  });
  return { members: out.length, inside: out.filter(Boolean).length,
           compound: cy.nodes(':parent').length };
}"""


def test_a_large_model_opens_without_labels_and_shows_them_zoomed_in(
    open_context, live_server, workspace, owner
):
    system = make_system(workspace, generate_system(200), author=owner)
    page = open_editor(open_context(owner), live_server, system)
    zoomed_out = page.evaluate(LABELS)
    assert zoomed_out["zoom"] < 0.45
    assert (zoomed_out["element"], zoomed_out["flow"], zoomed_out["boundary"]) == ("", "", "")
    frames = page.evaluate(FRAMES)
    assert frames["members"] > 150 and frames["inside"] == frames["members"]
    assert frames["compound"] == 0
    page.evaluate("void window.ciphermapEditor.cy.zoom(1)")
    page.wait_for_function("() => window.ciphermapEditor.canvas.view.labels")
    zoomed_in = page.evaluate(LABELS)
    assert zoomed_in["element"] == zoomed_in["elementLabel"] != ""
    assert zoomed_in["flow"] != "" and zoomed_in["boundary"] != ""
    assert zoomed_in["fontSize"] == "10.5px"
    # The padlocks are drawn zoomed in, each in the middle of its hop, and follow a drag.
    badges = page.evaluate(BADGES)
    assert badges["badges"] == badges["flows"] and badges["off"] == 0
    page.evaluate("void window.ciphermapEditor.cy.nodes('.element')[0].shift({ x: 40, y: 30 })")
    page.wait_for_function(f"() => ({BADGES})().off === 0")
    page.evaluate("void window.ciphermapEditor.cy.zoom(0.2)")
    page.wait_for_function("() => !window.ciphermapEditor.canvas.view.labels")
    assert page.evaluate(LABELS)["element"] == ""
    assert page.evaluate(BADGES)["badges"] == 0
