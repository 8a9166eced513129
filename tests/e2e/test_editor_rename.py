"""Double-click renames in place: Enter saves, Esc cancels; a made-up ID follows the new
name through the same rename as the form (references follow), a chosen ID stays."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import make_system, sample_document
from tests.e2e.conftest import open_editor
from tests.e2e.test_editor import point, settled


def _document() -> dict:
    document = sample_document()
    places = {"browser": (100, 120), "api": (520, 120), "orders-db": (740, 120)}
    for element in document["elements"]:
        element["position"] = dict(zip(("x", "y"), places[element["id"]], strict=True))
    # An element added from the palette: its ID was made from its kind.
    document["elements"].append(
        {"id": "service-2", "kind": "service", "position": {"x": 520, "y": 330}}
    )
    document["flows"].append({"id": "api-to-service-2", "from": "api", "to": "service-2"})
    return document


def _items(system, section: str) -> dict:
    system.refresh_from_db()
    return {item["id"]: item for item in system.document.get(section, [])}


@pytest.mark.django_db(transaction=True)
def test_double_click_renames_an_element_and_its_made_up_id_follows(
    open_context, live_server, owner, workspace
):
    system = make_system(workspace, _document(), author=owner)
    page = open_editor(open_context(owner), live_server, system)
    page.mouse.dblclick(**point(page, "e:service-2"))
    field = page.locator("input.rename-in-place")
    expect(field).to_be_visible()
    expect(field).to_be_focused()
    assert field.input_value() == "service-2"
    field.fill("Payment worker")
    field.press("Enter")
    settled(page, 2)
    expect(field).to_be_hidden()
    elements = _items(system, "elements")
    assert elements["payment-worker"]["name"] == "Payment worker"
    assert "service-2" not in elements
    flows = _items(system, "flows")
    assert flows["api-to-service-2"]["to"] == "payment-worker"  # references follow
    assert page.evaluate("window.ciphermapEditor.cy.$(':selected').map((n) => n.id())") == [
        "e:payment-worker"
    ]
    page.screenshot(path="/tmp/boundaries-renamed.png")


@pytest.mark.django_db(transaction=True)
def test_a_chosen_id_stays_and_esc_cancels(open_context, live_server, owner, workspace):
    system = make_system(workspace, _document(), author=owner)
    page = open_editor(open_context(owner), live_server, system)
    field = page.locator("input.rename-in-place")

    page.mouse.dblclick(**point(page, "e:api"))
    assert field.input_value() == "Orders API"
    field.fill("Something else")
    field.press("Escape")
    expect(field).to_be_hidden()
    assert page.evaluate("window.ciphermapEditor.pending") == 0
    assert page.evaluate("window.ciphermapEditor.version") == 1

    page.mouse.dblclick(**point(page, "e:api"))
    field.fill("Checkout API")
    field.press("Enter")
    settled(page, 2)
    api = _items(system, "elements")["api"]
    assert api["name"] == "Checkout API"  # the ID 'api' was chosen: it stays

    # A boundary and a flow rename the same way.
    box = page.evaluate(
        """() => {
          const editor = window.ciphermapEditor;
          const b = editor.cy.getElementById('b:vpc').renderedBoundingBox();
          const r = editor.el.canvas.getBoundingClientRect();
          return { x: r.left + (b.x1 + b.x2) / 2, y: r.top + b.y2 - 8 };
        }"""
    )
    page.mouse.dblclick(**box)
    field.fill("Production VPC")
    field.press("Enter")
    settled(page, 3)
    assert _items(system, "boundaries")["vpc"]["name"] == "Production VPC"

    page.mouse.dblclick(**point(page, "f:checkout"))
    field.fill("Card checkout")
    field.press("Enter")
    settled(page, 4)
    assert _items(system, "flows")["checkout"]["name"] == "Card checkout"


@pytest.mark.django_db(transaction=True)
def test_a_status_message_does_not_move_the_canvas(open_context, live_server, owner, workspace):
    # The message once wrapped onto a line of its own as it arrived: the canvas moved
    # down under the pointer, and a double-click meant for an element renamed a flow.
    system = make_system(workspace, _document(), author=owner)
    page = open_editor(open_context(owner), live_server, system)
    top = page.locator("#editor-canvas").bounding_box()["y"]
    page.mouse.dblclick(**point(page, "e:api"))
    page.locator("input.rename-in-place").fill("A name long enough to fill the status line")
    page.locator("input.rename-in-place").press("Enter")
    settled(page, 2)
    expect(page.locator("#editor-status")).to_contain_text("renamed api")
    assert page.locator("#editor-canvas").bounding_box()["y"] == top
