"""A boundary drawn by Group in boundary gets an ID made from its kind, like an element
dropped from the palette; renamed in place, its ID follows the name as theirs does, even
though the stored document leaves the default kind out."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import make_system, sample_document
from tests.e2e.conftest import open_editor
from tests.e2e.test_editor import settled


def _two_services() -> dict:
    return sample_document(
        boundaries=[],
        flows=[],
        elements=[
            {"id": "api", "kind": "service", "position": {"x": 200, "y": 200}},
            {"id": "worker", "kind": "service", "position": {"x": 450, "y": 200}},
        ],
    )


@pytest.mark.django_db(transaction=True)
def test_a_grouped_boundary_renamed_in_place_takes_an_id_from_its_new_name(
    open_context, live_server, owner, workspace
):
    system = make_system(workspace, _two_services(), author=owner)
    page = open_editor(open_context(owner), live_server, system)
    page.evaluate(
        """() => {
          const cy = window.ciphermapEditor.cy;
          cy.getElementById('e:api').select();
          cy.getElementById('e:worker').select();
        }"""
    )
    page.locator("#editor-canvas").focus()
    page.keyboard.press("Control+g")
    settled(page, 2)
    system.refresh_from_db()
    [grouped] = system.document["boundaries"]
    assert grouped["id"] == "internal"
    label = page.evaluate(
        """() => {
          const editor = window.ciphermapEditor;
          const b = editor.cy.getElementById('b:internal')
            .renderedBoundingBox({ includeLabels: false, includeOverlays: false });
          const r = editor.el.canvas.getBoundingClientRect();
          return { x: r.left + (b.x1 + b.x2) / 2 - 40, y: r.top + b.y1 + 14 };
        }"""
    )
    page.mouse.dblclick(**label)
    field = page.locator("input.rename-in-place")
    expect(field).to_be_visible()
    field.fill("Private network")
    field.press("Enter")
    settled(page, 3)
    system.refresh_from_db()
    [renamed] = system.document["boundaries"]
    assert (renamed["id"], renamed["name"]) == ("private-network", "Private network")
    assert {e["id"]: e.get("boundary") for e in system.document["elements"]} == {
        "api": "private-network",
        "worker": "private-network",
    }
