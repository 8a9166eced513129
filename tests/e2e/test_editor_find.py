"""Finding an element by name: the search box (Ctrl+F on the canvas) selects and centres
the match, and steps through several."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import make_system, sample_document
from tests.e2e.conftest import open_editor


def _selected(page) -> list[str]:
    return page.evaluate("window.ciphermapEditor.cy.$(':selected').map((e) => e.id())")


def _centred(page, canvas_id: str) -> bool:
    """Whether the element is drawn in the middle of the canvas (the animation done)."""
    return page.evaluate(
        """(id) => {
          const cy = window.ciphermapEditor.cy;
          const p = cy.getElementById(id).renderedPosition();
          return Math.abs(p.x - cy.width() / 2) < 2 && Math.abs(p.y - cy.height() / 2) < 2;
        }""",
        canvas_id,
    )


@pytest.mark.django_db(transaction=True)
def test_find_selects_and_centres_each_match_in_turn(open_context, live_server, owner, workspace):
    far = [
        {"id": f"svc-{n}", "kind": "service", "position": {"x": 400 * n, "y": 300 * (n % 3)}}
        for n in range(12)
    ]
    far[2]["name"] = "Billing worker"
    far[9]["name"] = "Billing API"
    far[5]["id"] = "billing-db"
    far[5]["kind"] = "database"
    document = sample_document(boundaries=[], flows=[], elements=far)
    document["elements"] = [{k: v for k, v in e.items() if k != "boundary"} for e in far]
    system = make_system(workspace, document, author=owner)
    page = open_editor(open_context(owner), live_server, system)
    page.evaluate("window.ciphermapEditor.cy.zoom(1.5)")

    page.locator("#editor-canvas").focus()
    page.keyboard.press("Control+f")
    search = page.get_by_role("searchbox", name="Find an element by name")
    expect(search).to_be_focused()
    page.keyboard.type("BILLING")
    count = page.locator("#editor-find-count")
    # By name or by ID, in document order.
    expect(count).to_have_text("1 of 3")
    assert _selected(page) == ["e:svc-2"]
    page.wait_for_function("() => !window.ciphermapEditor.cy.animated()")
    assert _centred(page, "e:svc-2")

    page.keyboard.press("Enter")
    expect(count).to_have_text("2 of 3")
    assert _selected(page) == ["e:billing-db"]
    page.get_by_role("button", name="Next match").click()
    expect(count).to_have_text("3 of 3")
    assert _selected(page) == ["e:svc-9"]
    page.wait_for_function("() => !window.ciphermapEditor.cy.animated()")
    assert _centred(page, "e:svc-9")
    search.focus()
    page.keyboard.press("Enter")
    expect(count).to_have_text("1 of 3")
    page.keyboard.press("Shift+Enter")
    expect(count).to_have_text("3 of 3")
    assert _selected(page) == ["e:svc-9"]

    search.fill("nothing like it")
    expect(count).to_have_text("No match")
    expect(page.get_by_role("button", name="Next match")).to_be_disabled()
    page.keyboard.press("Escape")
    expect(page.locator("#editor-canvas")).to_be_focused()
