"""The system page on a small screen, in real Chromium: the properties panel opens over
the canvas instead of far below it, closes with the keyboard's focus put back, and the
main menu collapses and stays collapsed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import open_editor
from tests.e2e.test_editor_extensions import view_settled

NARROW = {"width": 820, "height": 1000}


# The element's right edge on the page is left of the overlay's left edge, with the
# view at rest.
CLEAR_OF_THE_PANEL = """(id) => {
  const editor = window.ciphermapEditor;
  const canvas = editor.el.canvas.getBoundingClientRect();
  const panel = document.getElementById("properties").getBoundingClientRect();
  const box = editor.cy.getElementById(id).renderedBoundingBox({ includeLabels: false });
  return !editor.cy.animated() && canvas.left + box.x2 < panel.left;
}"""


def position(page, selector: str) -> str:
    return page.evaluate("s => getComputedStyle(document.querySelector(s)).position", selector)


@pytest.mark.django_db(transaction=True)
def test_at_820_px_the_properties_open_beside_the_canvas_and_esc_gives_the_canvas_back(
    open_context, live_server, owner, system
):
    page = open_editor(open_context(owner), live_server, system)
    page.set_viewport_size(NARROW)
    # The canvas fits itself to its new size after a window resize; a selection made
    # during that fit was panned clear and then fitted back under the panel.
    view_settled(page)
    canvas = page.locator("#editor-canvas")
    canvas.focus()
    page.keyboard.press("]")
    panel = page.locator("#properties")
    expect(panel.locator('form[action$="/elements/browser/"]')).to_be_visible()

    # Over the canvas, in view, not below it; the keyboard stays on the canvas.
    shown = panel.bounding_box()
    drawn = canvas.bounding_box()
    assert position(page, "#properties") == "fixed"
    assert shown["y"] < drawn["y"] + drawn["height"]
    assert shown["y"] + 100 < NARROW["height"]
    assert drawn["x"] < shown["x"] < drawn["x"] + drawn["width"]
    expect(canvas).to_be_focused()
    # The selected element is panned clear of the panel, and stays clear once the view
    # has stopped moving (the selection's own centring animation once undid the pan).
    page.wait_for_function(CLEAR_OF_THE_PANEL, arg="e:browser", timeout=5000)
    view_settled(page)
    assert page.evaluate(CLEAR_OF_THE_PANEL, "e:browser")
    # ] moves on, the panel follows; Enter goes into the form, Esc closes it.
    page.keyboard.press("]")
    expect(panel.locator('form[action$="/elements/api/"]')).to_be_visible()
    page.wait_for_function(CLEAR_OF_THE_PANEL, arg="e:api", timeout=5000)
    page.keyboard.press("Enter")
    expect(panel.get_by_role("textbox", name="ID:", exact=True)).to_be_focused()
    page.keyboard.press("Escape")
    expect(canvas).to_be_focused()
    expect(page.locator("#properties form.props-form")).to_have_count(0)
    assert position(page, "#properties") != "fixed"


@pytest.mark.django_db(transaction=True)
def test_a_form_opened_from_a_table_takes_the_focus_and_close_returns_it(
    open_context, live_server, owner, system
):
    page = open_editor(open_context(owner), live_server, system)
    page.set_viewport_size(NARROW)
    link = page.locator("#inventory a", has_text="orders-db")
    link.focus()
    page.keyboard.press("Enter")
    panel = page.locator("#properties")
    expect(panel.get_by_role("heading", name="Element orders-db")).to_be_focused()
    assert position(page, "#properties") == "fixed"

    panel.get_by_role("button", name="Close properties").click()
    expect(link).to_be_focused()
    assert position(page, "#properties") != "fixed"


@pytest.mark.django_db(transaction=True)
def test_on_a_wide_screen_the_properties_stay_beside_the_canvas(
    open_context, live_server, owner, system
):
    page = open_editor(open_context(owner), live_server, system)
    page.locator("#editor-canvas").focus()
    page.keyboard.press("]")
    expect(page.locator('#properties form[action$="/elements/browser/"]')).to_be_visible()
    assert position(page, "#properties") == "static"
    expect(page.get_by_role("button", name="Close properties")).to_be_hidden()


@pytest.mark.django_db(transaction=True)
def test_the_main_menu_collapses_and_stays_collapsed_on_the_next_page(
    open_context, live_server, owner, system
):
    page = open_editor(open_context(owner), live_server, system)
    page.set_viewport_size(NARROW)
    toggle = page.get_by_role("button", name="Main menu")
    menu = page.get_by_role("navigation", name="Main")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(menu).to_be_visible()
    before = page.locator("#editor-canvas").bounding_box()["width"]

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()
    page.wait_for_function(f"() => window.ciphermapEditor.cy.width() > {before}")

    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    page.get_by_role("button", name="Main menu").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    page.reload()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
