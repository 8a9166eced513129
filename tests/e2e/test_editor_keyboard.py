"""The editor from the keyboard, in real Chromium: the palette as one labelled toolbar,
the canvas a few Tab presses away, an empty canvas that says how to start, and a flow
drawn without the mouse."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import make_system
from tests.e2e.conftest import open_editor
from threatmodel import schema


def settled(page, version: int) -> None:
    page.wait_for_function(
        "v => window.ciphermapEditor.version >= v && window.ciphermapEditor.pending === 0",
        arg=version,
    )


def tabs_to(page, selector: str, limit: int = 80) -> int:
    """How many Tab presses from page load move the focus onto `selector`."""
    page.reload()
    page.wait_for_selector("#editor.editor-ready")
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return presses
    raise AssertionError(f"{selector} not reached in {limit} Tab presses")


def status(page) -> str:
    return page.locator("#editor-status").inner_text()


@pytest.mark.django_db(transaction=True)
def test_the_palette_is_one_toolbar_of_named_kinds_moved_through_with_the_arrows(
    open_context, live_server, owner, system
):
    page = open_editor(open_context(owner), live_server, system)
    palette = page.get_by_role("toolbar", name=re.compile("Add to the diagram"))
    buttons = palette.get_by_role("button")

    # Every kind of the server's vocabulary, by its name, with its icon (under headings).
    names = [c.title for c in schema.ELEMENT_KIND.choices + schema.BOUNDARY_KIND.choices]
    expect(buttons).to_have_count(len(names))
    assert sorted(buttons.all_inner_texts()) == sorted(names)
    assert palette.locator(".palette-item img").count() == len(schema.ELEMENT_KIND.choices)

    # One Tab stop: Tab enters on the first kind, the arrows move, Tab leaves.
    assert palette.locator('button[tabindex="0"]').count() == 1
    page.get_by_role("button", name="Arrange").focus()
    page.keyboard.press("Tab")
    expect(buttons.first).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    expect(palette.get_by_role("button", name="Function", exact=True)).to_be_focused()
    page.keyboard.press("End")
    expect(buttons.last).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(buttons.first).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(buttons.last).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#editor-canvas")).to_be_focused()

    # Coming back with Shift+Tab lands on the kind last used; Enter adds it.
    page.keyboard.press("Shift+Tab")
    expect(buttons.last).to_be_focused()
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    settled(page, 2)
    system.refresh_from_db()
    assert "gateway" in {e["kind"] for e in system.document["elements"]}


@pytest.mark.django_db(transaction=True)
def test_the_canvas_is_two_tabs_away_by_the_skip_link_and_each_toolbar_is_one_tab_stop(
    open_context, live_server, owner, system
):
    page = open_editor(open_context(owner), live_server, system)

    assert tabs_to(page, "a.skip-link[href='#editor-canvas']") == 2
    page.keyboard.press("Enter")
    expect(page.locator("#editor-canvas")).to_be_focused()
    assert "] and [ select items" in status(page)

    # Without the skip link: one stop for the tools and one for the palette (the find box
    # comes after the canvas).
    presses = tabs_to(page, "#editor-canvas")
    before_toolbars = tabs_to(page, "#editor-toolbar button")
    assert presses == before_toolbars + 2
    assert tabs_to(page, "#editor-find input") == presses + 1
    print(f"Tab presses to the canvas: 2 and Enter (skip link), {presses} without it")


@pytest.mark.django_db(transaction=True)
def test_an_empty_canvas_says_how_to_start_and_the_hint_goes_with_the_first_element(
    open_context, live_server, owner, workspace
):
    system = make_system(workspace, {"format": "ciphermap/1", "name": "Blank"}, author=owner)
    page = open_editor(open_context(owner), live_server, system)
    hint = page.locator("#editor-empty-hint")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("Drag a kind from the palette")

    page.locator("#editor-palette").get_by_role("button", name="Database").click()
    settled(page, 2)
    expect(hint).to_be_hidden()
    page.keyboard.press("Control+z")
    settled(page, 3)
    expect(hint).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_a_flow_is_drawn_from_the_keyboard_by_arrows_or_by_typing_and_esc_cancels(
    open_context, live_server, owner, system
):
    page = open_editor(open_context(owner), live_server, system)
    canvas = page.locator("#editor-canvas")
    canvas.focus()

    # The source: the first element, selected with ].
    page.keyboard.press("]")
    assert page.evaluate("window.ciphermapEditor.cy.$(':selected').id()") == "e:browser"
    assert "C draws a flow from it" in status(page)

    # C, then typing part of a name picks the target; the status line says what comes.
    page.keyboard.press("c")
    assert "New flow from Customer browser to" in status(page)
    page.keyboard.type("orders-d")
    assert status(page).startswith("New flow from Customer browser to orders-db")
    assert "Enter draws the flow" in status(page)
    targets = page.evaluate("window.ciphermapEditor.cy.$('.connect-target').map(n => n.id())")
    assert targets == ["e:orders-db"]

    # Esc cancels: nothing saved, the keyboard back on the canvas.
    page.keyboard.press("Escape")
    expect(canvas).to_be_focused()
    assert "No flow drawn" in status(page)
    assert page.evaluate("window.ciphermapEditor.cy.$('.connect-target, .ghost').length") == 0
    assert page.evaluate("window.ciphermapEditor.version") == 1

    # Again with the arrows, from the next element (Esc kept the selection): the nearest
    # element is picked first, an arrow key picks the one that way.
    page.keyboard.press("]")
    assert page.evaluate("window.ciphermapEditor.cy.$(':selected').id()") == "e:api"
    page.keyboard.press("C")
    first = page.evaluate("window.ciphermapEditor.cy.$('.connect-target').id()")
    assert first in {"e:browser", "e:orders-db"}
    other = "e:orders-db" if first == "e:browser" else "e:browser"
    direction = page.evaluate(
        """([from, to]) => {
          const cy = window.ciphermapEditor.cy;
          const a = cy.getElementById(from).position(), b = cy.getElementById(to).position();
          const dx = b.x - a.x, dy = b.y - a.y;
          return Math.abs(dx) > Math.abs(dy) ? (dx > 0 ? 'ArrowRight' : 'ArrowLeft')
                                             : (dy > 0 ? 'ArrowDown' : 'ArrowUp');
        }""",
        [first, other],
    )
    page.keyboard.press(direction)
    assert page.evaluate("window.ciphermapEditor.cy.$('.connect-target').id()") == other
    page.keyboard.press("Enter")
    settled(page, 2)
    expect(canvas).to_be_focused()

    # The same add-flow edit as the mouse: a new flow with a valid ID, selected.
    system.refresh_from_db()
    added = [f for f in system.document["flows"] if f["id"] not in {"checkout", "orders"}]
    assert [(f["from"], f["to"]) for f in added] == [("api", other.removeprefix("e:"))]
    assert re.fullmatch(schema.ID_PATTERN, added[0]["id"])
    selected = page.evaluate("window.ciphermapEditor.cy.$(':selected').id()")
    assert selected == f"f:{added[0]['id']}"
    assert "Saved: added flow api" in status(page)
