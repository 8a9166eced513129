"""The editor fetches its document after the page loads (the page carries none), saves
as before, says so clearly when the fetch fails; the model's tables grow a page at a time."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from examples.generate import generate_system
from reviews.models import System
from tests.conftest import make_system
from tests.e2e.conftest import open_editor

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_editor_draws_the_fetched_document_and_saves_a_drag(
    open_context, live_server, workspace, owner
):
    system = make_system(workspace, author=owner)
    page = open_editor(open_context(owner), live_server, system)
    assert page.evaluate("window.ciphermapEditor.cy.nodes('.element').length") == len(
        system.document["elements"]
    )
    assert page.evaluate("window.ciphermapEditor.version") == system.version
    start = page.evaluate(
        """() => {
          const editor = window.ciphermapEditor;
          const p = editor.cy.getElementById("e:api").renderedPosition();
          const r = editor.el.canvas.getBoundingClientRect();
          return { x: r.left + p.x, y: r.top + p.y };
        }"""
    )
    page.mouse.move(start["x"], start["y"])
    page.mouse.down()
    page.mouse.move(start["x"] + 60, start["y"] + 40, steps=8)
    page.mouse.up()
    page.wait_for_function(
        "v => window.ciphermapEditor.version > v && window.ciphermapEditor.pending === 0",
        arg=system.version,
    )
    saved = System.objects.get(pk=system.pk)
    api = next(e for e in saved.document["elements"] if e["id"] == "api")
    assert api["position"]
    expect(page.locator("#editor-alert")).to_be_hidden()


def test_when_the_document_cannot_be_fetched_the_editor_says_so(
    open_context, live_server, workspace, owner, problems
):
    system = make_system(workspace, author=owner)
    problems.expect_status(500)
    context = open_context(owner)
    context.route("**/document.json", lambda route: route.fulfill(status=500, body="boom"))
    page = context.new_page()
    page.goto(f"{live_server.url}/systems/{system.pk}/")
    alert = page.locator("#editor-alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("The diagram could not be loaded (the server answered 500).")
    expect(alert).to_contain_text("Reload the page to try again")
    expect(page.locator("#editor")).not_to_have_class("editor-ready")
    # The tables are on the page without the editor.
    expect(page.locator("#elements-panel code").first).to_be_visible()


def test_show_more_adds_the_next_page_of_a_table(open_context, live_server, workspace, owner):
    system = make_system(workspace, generate_system(120), author=owner)
    page = open_editor(open_context(owner), live_server, system)
    rows = page.locator("#elements-panel tbody tr:not(.more-row)")
    expect(rows).to_have_count(50)
    page.locator("#elements-panel .more-row a").click()
    expect(rows).to_have_count(100)
    expect(page.locator("#elements-panel .more-row")).to_contain_text("100 of 120 shown")
    page.locator("#elements-panel .more-row a").click()
    expect(rows).to_have_count(120)
    expect(page.locator("#elements-panel .more-row")).to_have_count(0)
    last = system.document["elements"][-1]["id"]
    expect(page.locator(f"#elements-panel code:text-is('{last}')")).to_be_visible()


def test_show_more_findings_adds_the_next_page_to_the_panel(
    open_context, live_server, workspace, owner
):
    system = make_system(workspace, generate_system(120), author=owner)
    assert len(system.analysis["findings"]) > 100
    page = open_editor(open_context(owner), live_server, system)
    rows = page.locator("#findings .finding-row")
    expect(rows).to_have_count(50)
    page.locator("#findings .more-row a").click()
    expect(rows).to_have_count(100)
    expect(page.locator("#findings .more-row")).to_have_count(1)
    # A row of the second page shows its finding on the diagram like the first page's.
    rows.nth(60).locator(".finding-title").click()
    expect(page.locator("#editor-status")).to_contain_text("on the diagram")
