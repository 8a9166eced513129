"""The vendored Cytoscape extensions on the canvas: the minimap (cytoscape-navigator), the
context menu (cytoscape-cxtmenu) and flows drawn from a handle (cytoscape-edgehandles)."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import make_system, sample_document
from tests.e2e.conftest import open_editor
from tests.e2e.test_editor import ROOT, point, settled
from threatmodel import schema


def open_menu(page, canvas_id: str | None, at: dict | None = None) -> None:
    """Presses the right button on an item (or on the background at `at`) and keeps it
    down: the context menu is a ring that runs the command the button is released on."""
    where = at or point(page, canvas_id)
    page.mouse.move(where["x"], where["y"])
    page.mouse.down(button="right")
    expect(page.locator(".cxtmenu-item:visible").first).to_be_visible()


def choose(page, command: str) -> None:
    """Moves onto the menu's `command` and releases the right button there."""
    item = page.locator(".cxtmenu-item:visible", has_text=re.compile(f"^{command}$"))
    box = item.bounding_box()
    assert box, f"no {command!r} in the context menu"
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=6)
    page.mouse.up(button="right")


def menu_commands(page) -> list[str]:
    return [
        text.strip()
        for text in page.locator(".cxtmenu-item:visible").all_inner_texts()
        if text.strip()
    ]


def flows_of(system) -> list[tuple[str, str, str]]:
    system.refresh_from_db()
    return [(f["id"], f["from"], f["to"]) for f in system.document.get("flows", [])]


@pytest.mark.django_db(transaction=True)
def test_the_minimap_shows_the_diagram_and_moves_the_view(open_context, live_server, owner, system):
    page = open_editor(open_context(owner), live_server, system)
    minimap = page.locator("#editor-minimap")
    # The thumbnail is a picture of the graph (a data: PNG, which the CSP allows).
    expect(minimap.locator("img")).to_have_attribute("src", re.compile(r"^data:image/png"))
    # The whole diagram in view: the minimap would only repeat it, over the canvas.
    expect(minimap).to_be_hidden()
    page.evaluate("void window.ciphermapEditor.cy.zoom(2.5)")
    expect(minimap).to_be_visible()
    expect(minimap.locator(".cytoscape-navigatorView")).to_be_visible()
    before = page.evaluate("window.ciphermapEditor.cy.pan()")
    minimap.scroll_into_view_if_needed()
    box = minimap.bounding_box()
    # Dragging in the minimap moves the view there.
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 12, box["y"] + 12, steps=5)
    page.mouse.up()
    after = page.evaluate("window.ciphermapEditor.cy.pan()")
    assert after != before


@pytest.mark.django_db(transaction=True)
def test_fit_leaves_the_find_box_and_minimap_over_no_element(
    open_context, live_server, owner, workspace
):
    # The seed example: Fit put its session cache, top right, under the find box.
    from reviews import services

    document, _model = services.validate(ROOT / "examples" / "saas-docs.yaml")
    system = make_system(workspace, document, author=owner)
    page = open_editor(open_context(owner), live_server, system)
    page.locator("#editor-canvas").scroll_into_view_if_needed()
    page.get_by_role("button", name="Fit", exact=True).click()
    expect(page.locator("#editor-minimap")).to_be_hidden()
    find = page.locator("#editor-find").bounding_box()
    canvas = page.locator("#editor-canvas").bounding_box()
    # Every element's drawn box, in page coordinates.
    boxes = page.evaluate(
        """() => window.ciphermapEditor.cy.nodes('.element').map((n) => {
            const b = n.renderedBoundingBox({ includeLabels: false });
            return [n.id(), b.x1, b.y1, b.x2, b.y2];
        })"""
    )
    assert boxes
    for node, x1, y1, x2, y2 in boxes:
        x1, x2 = x1 + canvas["x"], x2 + canvas["x"]
        y1, y2 = y1 + canvas["y"], y2 + canvas["y"]
        under_find = x2 > find["x"] and y1 < find["y"] + find["height"]
        assert not under_find, f"{node} is under the find box"


@pytest.mark.django_db(transaction=True)
def test_the_context_menu_offers_each_items_commands_and_the_backgrounds(
    open_context, live_server, owner, system
):
    page = open_editor(open_context(owner), live_server, system)
    # The whole canvas in view, its minimap corner included.
    page.locator("#editor-canvas").scroll_into_view_if_needed()
    open_menu(page, "e:api")
    assert menu_commands(page) == [
        "Rename",
        "Duplicate",
        "Delete",
        "Add flow from here",
        "Properties",
    ]
    if os.environ.get("CIPHERMAP_SCREENSHOTS"):
        page.screenshot(path=os.environ["CIPHERMAP_SCREENSHOTS"] + "/editor-context-menu.png")
    # Released on Rename: the name opens in place, ready to type over (as a double-click).
    choose(page, "Rename")
    name = page.locator("input.rename-in-place")
    expect(name).to_be_focused()
    assert page.evaluate("document.activeElement.selectionEnd") == len("Orders API")
    page.keyboard.type("Order service")
    page.keyboard.press("Enter")
    settled(page, 2)
    system.refresh_from_db()
    assert {e["id"]: e.get("name") for e in system.document["elements"]}["api"] == "Order service"

    open_menu(page, "f:checkout")
    assert menu_commands(page) == ["Rename", "Delete", "Properties"]
    choose(page, "Properties")
    form = page.locator("#properties form.props-form")
    expect(form).to_have_attribute("action", re.compile(r"/flows/checkout/"))
    expect(form.locator("[name=id]")).to_be_focused()

    open_menu(page, "b:vpc", at=_frame_corner(page, "b:vpc"))
    assert menu_commands(page) == ["Rename", "Duplicate", "Delete", "Properties"]
    choose(page, "Duplicate")
    settled(page, 3)
    system.refresh_from_db()
    assert "vpc-2" in {b["id"] for b in system.document["boundaries"]}

    corner = page.locator("#editor-canvas").bounding_box()
    empty = {"x": corner["x"] + 30, "y": corner["y"] + 30}
    open_menu(page, None, at=empty)
    assert menu_commands(page) == ["Add element", "Paste", "Select all", "Fit"]
    choose(page, "Select all")
    count = page.evaluate("window.ciphermapEditor.cy.$(':selected').length")
    system.refresh_from_db()
    document = system.document
    assert count == sum(len(document[s]) for s in ("elements", "boundaries", "flows"))

    before = {e["id"] for e in document["elements"]}
    open_menu(page, None, at=empty)
    choose(page, "Add element")
    settled(page, 4)
    system.refresh_from_db()
    added = [e for e in system.document["elements"] if e["id"] not in before]
    assert [e["kind"] for e in added] == ["service"]
    # The new element's name is open for typing, where it was added.
    expect(page.locator("input.rename-in-place")).to_be_focused()


def _frame_corner(page, canvas_id: str) -> dict:
    """A point inside a boundary's frame, clear of its members."""
    return page.evaluate(
        """(id) => {
          const editor = window.ciphermapEditor;
          const b = editor.cy.getElementById(id).renderedBoundingBox({ includeLabels: false });
          const r = editor.el.canvas.getBoundingClientRect();
          return { x: r.left + b.x1 + 8, y: r.top + b.y1 + 8 };
        }""",
        canvas_id,
    )


@pytest.mark.django_db(transaction=True)
def test_deleting_from_the_context_menu_asks_first(open_context, live_server, owner, system):
    page = open_editor(open_context(owner), live_server, system)
    open_menu(page, "e:api")
    choose(page, "Delete")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(
        "Delete element api? Also deleted: flow checkout and flow orders."
    )
    dialog.get_by_role("button", name="Delete").click()
    settled(page, 2)
    system.refresh_from_db()
    assert "api" not in {e["id"] for e in system.document["elements"]}


VIEW = "() => { const cy = window.ciphermapEditor.cy; return [cy.pan().x, cy.pan().y, cy.zoom()]; }"


def view_settled(page) -> None:
    """Waits until the view stops moving: a pan or zoom hides the flow handle, and right
    after opening the canvas may still be fitting itself to its final size."""
    before = page.evaluate(VIEW)
    for _ in range(40):
        page.wait_for_timeout(150)
        now = page.evaluate(VIEW)
        if now == before:
            return
        before = now


def handle_of(page, canvas_id: str) -> dict:
    """Hovers an element and returns where its flow handle is drawn."""
    view_settled(page)
    page.mouse.move(**point(page, canvas_id))
    page.wait_for_function(
        "() => window.ciphermapEditor.cy.getElementById('flow-handle').nonempty()"
    )
    return point(page, "flow-handle")


@pytest.mark.django_db(transaction=True)
def test_a_flow_dragged_from_the_handle_is_the_same_edit_as_connect_mode(
    open_context, live_server, owner, workspace
):
    # IDs of 40 characters: a flow between them must still get a valid ID (at most 64).
    source_id = "customer-facing-checkout-frontend-server"
    target_id = "order-fulfilment-and-invoicing-processor"
    document = sample_document(
        boundaries=[],
        flows=[],
        elements=[
            {"id": source_id, "kind": "service", "position": {"x": 100, "y": 200}},
            {"id": target_id, "kind": "service", "position": {"x": 500, "y": 200}},
        ],
    )
    system = make_system(workspace, document, author=owner)
    page = open_editor(open_context(owner), live_server, system)
    start = handle_of(page, f"e:{source_id}")
    end = point(page, f"e:{target_id}")
    page.mouse.move(start["x"], start["y"])
    page.mouse.down()
    page.mouse.move(end["x"], end["y"], steps=12)
    page.wait_for_function(
        "id => window.ciphermapEditor.cy.getElementById(id).hasClass('eh-target')",
        arg=f"e:{target_id}",
    )
    page.mouse.up()
    settled(page, 2)
    [(flow_id, source, target)] = flows_of(system)
    assert (source, target) == (source_id, target_id)
    assert len(flow_id) <= schema.MAX_ID_LENGTH and re.fullmatch(schema.ID_PATTERN, flow_id)
    # Only the saved flow is on the canvas: edgehandles' own line went away.
    edges = page.evaluate("window.ciphermapEditor.cy.edges().map((e) => e.id())")
    assert edges == [f"f:{flow_id}"]
    assert page.evaluate("window.ciphermapEditor.cy.$(':selected').id()") == f"f:{flow_id}"

    # Connect mode makes the same edit: the same ID rule, the same label in history.
    page.keyboard.press("Control+z")
    settled(page, 3)
    assert flows_of(system) == []
    page.get_by_role("button", name="Connect").click()
    page.mouse.move(**point(page, f"e:{source_id}"))
    page.mouse.down()
    page.mouse.move(end["x"], end["y"], steps=12)
    page.mouse.up()
    page.get_by_role("button", name="Connect").click()
    settled(page, 4)
    assert flows_of(system) == [(flow_id, source_id, target_id)]


@pytest.mark.django_db(transaction=True)
def test_add_flow_from_here_draws_to_the_next_element_clicked(
    open_context, live_server, owner, system
):
    page = open_editor(open_context(owner), live_server, system)
    open_menu(page, "e:orders-db")
    choose(page, "Add flow from here")
    page.mouse.move(**point(page, "e:browser"), steps=12)
    page.wait_for_function(
        "() => window.ciphermapEditor.cy.getElementById('e:browser').hasClass('eh-target')"
    )
    page.mouse.down()
    page.mouse.up()
    settled(page, 2)
    assert ("orders-db", "browser") in {(f, t) for (_id, f, t) in flows_of(system)}


@pytest.mark.django_db(transaction=True)
def test_a_viewer_gets_the_minimap_but_no_menu_or_handles(
    open_context, live_server, viewer, system
):
    page = open_editor(open_context(viewer), live_server, system)
    expect(page.locator("#editor-minimap img")).to_have_attribute(
        "src", re.compile(r"^data:image/png")
    )
    page.mouse.move(**point(page, "e:api"))
    page.mouse.down(button="right")
    page.mouse.up(button="right")
    expect(page.locator(".cxtmenu-item")).to_have_count(0)
    assert page.evaluate("window.ciphermapEditor.cy.getElementById('flow-handle').empty()")
