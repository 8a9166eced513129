"""The palette, in real Chromium: on a wide editor a column of named kinds under their
headings left of the canvas; on a 1280x900 screen one strip of icons above a canvas wholly
in view on load, the names kept for screen readers and tooltips."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import make_system, sample_document
from tests.e2e.conftest import open_editor
from tests.e2e.test_editor import settled


def reopened_at(page, width: int, height: int):
    page.set_viewport_size({"width": width, "height": height})
    page.reload()
    page.wait_for_selector("#editor.editor-ready")
    return page


@pytest.mark.django_db(transaction=True)
def test_on_a_wide_screen_the_palette_is_a_named_column_left_of_the_canvas_under_headings(
    open_context, live_server, owner, system
):
    page = reopened_at(open_editor(open_context(owner), live_server, system), 1920, 1080)
    palette = page.locator("#editor-palette")
    shelf = palette.bounding_box()
    canvas = page.locator("#editor-canvas").bounding_box()

    assert shelf["x"] + shelf["width"] <= canvas["x"]
    assert abs(shelf["y"] - canvas["y"]) < 2
    assert shelf["height"] <= canvas["height"] + 1
    # Taller than the canvas, it scrolls by itself and the page does not grow.
    assert palette.evaluate("node => getComputedStyle(node).overflowY") == "auto"
    headings = palette.locator(".palette-label").all_inner_texts()
    assert [h.lower() for h in headings] == ["processes", "stores", "others", "trust boundaries"]
    stores = palette.get_by_role("group", name="Stores")
    expect(stores.get_by_role("button", name="Database")).to_be_visible()
    expect(palette.locator(".palette-name").first).to_be_visible()
    assert palette.get_attribute("aria-orientation") == "vertical"

    palette.get_by_role("button", name="Service", exact=True).focus()
    page.keyboard.press("ArrowDown")
    expect(palette.get_by_role("button", name="Gateway", exact=True)).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(palette.get_by_role("button", name="Service", exact=True)).to_be_focused()


@pytest.mark.django_db(transaction=True)
def test_at_1280_by_900_the_palette_is_one_row_of_icons_and_the_canvas_is_wholly_in_view(
    open_context, live_server, owner, system
):
    page = reopened_at(open_editor(open_context(owner), live_server, system), 1280, 900)
    palette = page.locator("#editor-palette")
    database = palette.get_by_role("button", name="Database", exact=True)
    canvas = page.locator("#editor-canvas").bounding_box()

    expect(database).to_be_visible()
    assert database.locator(".palette-name").bounding_box()["width"] <= 1
    assert database.get_attribute("title").startswith("Database:")
    assert palette.bounding_box()["height"] < 40
    assert palette.bounding_box()["y"] + 26 <= canvas["y"]
    assert canvas["y"] + canvas["height"] <= 900


def _view(page) -> dict:
    return page.evaluate(
        """() => {
          const cy = window.ciphermapEditor.cy;
          return { zoom: cy.zoom(), width: cy.width(), height: cy.height() };
        }"""
    )


def _rendered_box(page, canvas_id: str) -> dict:
    return page.evaluate(
        """(id) => window.ciphermapEditor.cy.getElementById(id)
          .renderedBoundingBox({ includeLabels: true })""",
        canvas_id,
    )


@pytest.mark.django_db(transaction=True)
def test_an_element_dropped_near_the_canvas_edge_keeps_the_zoom_and_is_shown_whole(
    open_context, live_server, owner, workspace
):
    document = sample_document(elements=[], flows=[], boundaries=[])
    system = make_system(workspace, document, author=owner)
    page = open_editor(open_context(owner), live_server, system)
    canvas = page.locator("#editor-canvas")
    canvas.scroll_into_view_if_needed()
    before = _view(page)
    edges = [
        ("element:service", "e:service", {"x": before["width"] - 6, "y": 60}),
        ("element:database", "e:database", {"x": before["width"] - 6, "y": before["height"] - 6}),
    ]
    for version, (kind, canvas_id, spot) in enumerate(edges, start=2):
        page.locator(f'#editor-palette [data-palette="{kind}"]').drag_to(
            canvas, target_position=spot
        )
        settled(page, version)
        page.wait_for_timeout(400)  # past any animation of the view
        assert _view(page)["zoom"] == before["zoom"]
        shown = _rendered_box(page, canvas_id)
        assert shown["x1"] >= 0 and shown["y1"] >= 0
        assert shown["x2"] <= before["width"] and shown["y2"] <= before["height"]
