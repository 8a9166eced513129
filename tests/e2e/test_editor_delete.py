"""Deleting from the canvas asks first, with the question the item form's delete asks:
what else goes with the item, in one in-page dialog."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import make_system, sample_document
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


@pytest.mark.django_db(transaction=True)
def test_a_delete_of_many_names_five_and_counts_the_rest(
    open_context, live_server, owner, workspace
):
    document = sample_document()
    workers = [f"worker-{n}" for n in range(1, 8)]
    document["elements"] += [
        {"id": ref, "kind": "service", "position": {"x": 100 + 170 * n, "y": 700}}
        for n, ref in enumerate(workers)
    ]
    system = make_system(workspace, document, author=owner)
    page = open_editor(open_context(owner), live_server, system)
    page.locator("#editor-canvas").focus()
    page.evaluate(
        "void window.ciphermapEditor.cy.nodes('.element')"
        ".filter((n) => n.data('ref').startsWith('worker-')).select()"
    )
    page.keyboard.press("Delete")
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    settled(page, 2)
    named = "worker-1, worker-2, worker-3, worker-4, worker-5 and 2 more"
    expect(page.locator("#editor-status")).to_contain_text(f"deleted {named}")
    system.refresh_from_db()
    assert not any(e["id"].startswith("worker-") for e in system.document["elements"])
