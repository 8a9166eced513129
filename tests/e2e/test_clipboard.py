"""draw.io habits on the canvas: select all, copy, paste and duplicate."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import open_editor
from tests.e2e.test_editor import point, settled


def _ids(document: dict, section: str) -> set[str]:
    return {item["id"] for item in document[section]}


@pytest.mark.django_db(transaction=True)
def test_a_boundary_copied_and_pasted_comes_with_its_members_and_their_flows(
    open_context, live_server, owner, system
):
    page = open_editor(open_context(owner), live_server, system)
    before = system.document
    page.evaluate("window.ciphermapEditor.cy.getElementById('b:vpc').select()")
    page.locator("#editor-canvas").focus()
    page.keyboard.press("Control+c")
    expect(page.locator("#editor-status")).to_contain_text("Copied 3 items")
    page.keyboard.press("Control+v")
    settled(page, 2)
    system.refresh_from_db()
    after = system.document
    assert _ids(after, "boundaries") - _ids(before, "boundaries") == {"vpc-2"}
    assert _ids(after, "elements") - _ids(before, "elements") == {"api-2", "orders-db-2"}
    new_flows = [f for f in after["flows"] if f["id"] not in _ids(before, "flows")]
    # The flow between the copied elements is copied; the one from outside is not.
    assert [(f["from"], f["to"]) for f in new_flows] == [("api-2", "orders-db-2")]
    members = {e["id"]: e.get("boundary") for e in after["elements"]}
    assert members["api-2"] == members["orders-db-2"] == "vpc-2"
    # The copy sits beside the original: its frame does not overlap the original's.
    boxes = page.evaluate(
        """() => ['b:vpc', 'b:vpc-2'].map((id) => {
          const b = window.ciphermapEditor.cy.getElementById(id).boundingBox();
          return [b.x1, b.y1, b.x2, b.y2];
        })"""
    )
    (a, b) = boxes
    assert a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1]
    selected = page.evaluate("window.ciphermapEditor.cy.$(':selected').map((e) => e.id())")
    assert set(selected) == {"b:vpc-2", "e:api-2", "e:orders-db-2", "f:orders-2"}


@pytest.mark.django_db(transaction=True)
def test_select_all_and_duplicate(open_context, live_server, owner, system):
    page = open_editor(open_context(owner), live_server, system)
    page.locator("#editor-canvas").focus()
    page.keyboard.press("Control+a")
    count = len(system.document["elements"]) + len(system.document["boundaries"])
    count += len(system.document["flows"])
    assert page.evaluate("window.ciphermapEditor.cy.$(':selected').length") == count
    page.keyboard.press("Escape")
    page.mouse.click(**point(page, "e:browser"))
    assert page.evaluate("window.ciphermapEditor.cy.$(':selected').map((e) => e.id())") == [
        "e:browser"
    ]
    page.locator("#editor-canvas").focus()
    page.keyboard.press("Control+d")
    settled(page, 2)
    system.refresh_from_db()
    assert "browser-2" in _ids(system.document, "elements")
    copy = next(e for e in system.document["elements"] if e["id"] == "browser-2")
    assert copy["boundary"] == "internet" and copy["kind"] == "client"
