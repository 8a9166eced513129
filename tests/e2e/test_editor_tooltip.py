"""The hover tooltip on the canvas: names an item as the canvas labels it (the ID only
beside, as secondary text) and stays wholly inside the canvas, flipped to the pointer's
left or above it where the canvas ends."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import open_editor
from tests.e2e.test_editor import point


def _hover(page, canvas_id: str):
    # Off the item first, onto the canvas's empty corner: a mouseover comes only after.
    corner = page.locator("#editor-canvas").bounding_box()
    page.mouse.move(corner["x"] + 3, corner["y"] + 3)
    at = point(page, canvas_id)
    page.mouse.move(at["x"], at["y"])
    tooltip = page.locator("#editor-tooltip")
    expect(tooltip).to_be_visible()
    return at, tooltip


def _pan_to(page, canvas_id: str, x: float, y: float) -> None:
    """Pans the view so the node's centre is at (x, y) of the canvas."""
    page.evaluate(
        """([id, x, y]) => {
          const cy = window.ciphermapEditor.cy;
          const p = cy.getElementById(id).renderedPosition();
          cy.panBy({ x: x - p.x, y: y - p.y });
        }""",
        [canvas_id, x, y],
    )


@pytest.mark.django_db(transaction=True)
def test_the_tooltip_names_the_item_and_stays_inside_the_canvas(
    open_context, live_server, owner, system
):
    page = open_editor(open_context(owner), live_server, system)
    canvas_locator = page.locator("#editor-canvas")
    canvas_locator.scroll_into_view_if_needed()
    canvas = canvas_locator.bounding_box()

    _, tooltip = _hover(page, "e:api")
    expect(tooltip.locator("strong")).to_have_text("Orders API")
    expect(tooltip.locator(".editor-tooltip-id")).to_have_text("api")
    _, tooltip = _hover(page, "f:checkout")
    expect(tooltip.locator("strong")).to_have_text("Customer browser \u2192 Orders API, https")

    _pan_to(page, "e:api", canvas["width"] / 2, canvas["height"] / 2)
    _, tooltip = _hover(page, "e:api")
    width = tooltip.bounding_box()["width"]

    # By the right edge: flipped to the pointer's left, whole, not squeezed.
    _pan_to(page, "e:api", canvas["width"] - 30, canvas["height"] / 2)
    at, tooltip = _hover(page, "e:api")
    shown = tooltip.bounding_box()
    assert shown["width"] == pytest.approx(width, abs=1)
    assert canvas["x"] <= shown["x"] and shown["x"] + shown["width"] <= at["x"]
    # By the bottom edge (left of the overview map): above the pointer, whole.
    _pan_to(page, "e:api", 80, canvas["height"] - 20)
    at, tooltip = _hover(page, "e:api")
    shown = tooltip.bounding_box()
    assert shown["width"] == pytest.approx(width, abs=1)
    assert shown["x"] >= at["x"]
    assert canvas["y"] <= shown["y"] and shown["y"] + shown["height"] <= at["y"]


@pytest.mark.django_db(transaction=True)
def test_the_tooltip_comes_back_after_a_pan_while_the_pointer_stays_on_the_item(
    open_context, live_server, owner, system
):
    """Cytoscape sends mouseover only when the item under the pointer changes."""
    page = open_editor(open_context(owner), live_server, system)
    page.locator("#editor-canvas").scroll_into_view_if_needed()
    _, tooltip = _hover(page, "e:api")
    before = tooltip.bounding_box()
    pan = "([x, y]) => { window.ciphermapEditor.cy.panBy({ x, y }); }"
    page.evaluate(pan, [20, 10])  # api still under the pointer
    expect(tooltip).to_be_visible(timeout=2000)
    expect(tooltip.locator("strong")).to_have_text("Orders API")
    after = tooltip.bounding_box()
    assert after["x"] - before["x"] == pytest.approx(20, abs=2)  # by the item, as it moved
    # A flow too.
    _, tooltip = _hover(page, "f:checkout")
    page.evaluate(pan, [3, 3])
    expect(tooltip).to_be_visible(timeout=2000)
    expect(tooltip.locator("strong")).to_have_text("Customer browser \u2192 Orders API, https")
    # Panned away from under the pointer: hidden, and it stays hidden.
    page.evaluate(pan, [400, 300])
    page.wait_for_timeout(600)
    expect(tooltip).to_be_hidden()
