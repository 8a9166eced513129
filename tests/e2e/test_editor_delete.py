"""Deleting from the canvas asks first, with the question the item form's delete asks:
what else goes with the item, in one in-page dialog."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import open_editor
from tests.e2e.test_editor import point, settled


@pytest.mark.django_db(transaction=True)
def test_the_delete_key_asks_the_forms_question_and_cancel_keeps_everything(
    open_context, live_server, owner, system
):
    page = open_editor(open_context(owner), live_server, system)
    page.mouse.click(**point(page, "e:api"))
    form_question = page.locator("#properties .delete-form").get_attribute("hx-confirm")
    assert form_question.startswith("Delete element api? Also deleted: flow checkout and flow")

    page.locator("#editor-canvas").focus()
    page.keyboard.press("Delete")
    dialog = page.get_by_role("dialog", name="Delete from the diagram")
    expect(dialog).to_be_visible()
    expect(dialog.locator("[data-confirm-question]")).to_have_text(form_question)
    # The safe answer has the focus: Enter alone does not delete.
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(page.locator("#editor-canvas")).to_be_focused()

    page.keyboard.press("Delete")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    page.wait_for_timeout(300)
    system.refresh_from_db()
    assert system.version == 1
    assert page.evaluate("window.ciphermapEditor.pending") == 0
    assert page.evaluate("window.ciphermapEditor.cy.getElementById('e:api').nonempty()")


@pytest.mark.django_db(transaction=True)
def test_a_confirmed_delete_takes_what_the_question_named(open_context, live_server, owner, system):
    page = open_editor(open_context(owner), live_server, system)
    page.locator("#editor-canvas").focus()
    page.evaluate("window.ciphermapEditor.cy.getElementById('b:vpc').select()")
    page.keyboard.press("Delete")
    dialog = page.get_by_role("dialog")
    # A boundary's members are not deleted with it: the question says where they go.
    expect(dialog).to_contain_text("Delete boundary vpc?")
    expect(dialog).to_contain_text("Element api is left outside every boundary")
    dialog.get_by_role("button", name="Delete").click()
    settled(page, 2)
    system.refresh_from_db()
    assert [b["id"] for b in system.document["boundaries"]] == ["internet"]
    assert {e["id"] for e in system.document["elements"]} == {"browser", "api", "orders-db"}
