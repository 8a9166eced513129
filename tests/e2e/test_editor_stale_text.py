"""The properties panel never shows stale text, in real Chromium: its heading follows a
rename and a new item's first save, and its version follows a save from the canvas."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import open_editor


def settled(page, version: int) -> None:
    page.wait_for_function(
        "v => window.ciphermapEditor.version >= v && window.ciphermapEditor.pending === 0",
        arg=version,
    )


def select(page, canvas_id: str) -> None:
    page.evaluate("id => window.ciphermapEditor.cy.getElementById(id).select()", canvas_id)


@pytest.mark.django_db(transaction=True)
def test_after_a_rename_the_heading_shows_the_new_name(open_context, live_server, owner, system):
    page = open_editor(open_context(owner), live_server, system)
    select(page, "e:api")
    panel = page.locator("#properties")
    expect(panel.get_by_role("heading", level=2)).to_have_text("Element Orders API")

    panel.get_by_label("Name").fill("Checkout API")
    panel.get_by_role("button", name="Save").click()
    settled(page, 2)
    expect(panel.get_by_text("Saved as version 2.")).to_be_visible()
    expect(panel.get_by_role("heading", level=2)).to_have_text("Element Checkout API")


@pytest.mark.django_db(transaction=True)
def test_a_new_data_class_once_saved_is_headed_by_its_name_and_edited_in_place(
    open_context, live_server, owner, system
):
    page = open_editor(open_context(owner), live_server, system)
    panel = page.locator("#properties")
    panel.get_by_role("link", name="+ Data class").click()
    expect(panel.get_by_role("heading", level=2)).to_have_text("New data class")
    panel.get_by_role("textbox", name="ID:", exact=True).fill("emails")
    panel.get_by_label("Name").fill("Email addresses")
    panel.get_by_role("button", name="Save").click()
    settled(page, 2)
    expect(panel.get_by_role("heading", level=2)).to_have_text("Data class Email addresses")

    # A second save edits it (the form is the item's now), it does not add another.
    panel.get_by_label("Name").fill("Customer emails")
    panel.get_by_role("button", name="Save").click()
    settled(page, 3)
    expect(panel.get_by_role("heading", level=2)).to_have_text("Data class Customer emails")
    system.refresh_from_db()
    assert [d["id"] for d in system.document["data"]] == ["card", "emails"]


@pytest.mark.django_db(transaction=True)
def test_after_arrange_the_open_form_shows_the_new_version_and_saves_on_it(
    open_context, live_server, owner, system
):
    page = open_editor(open_context(owner), live_server, system)
    select(page, "e:orders-db")
    form = page.locator('#properties form[action$="/elements/orders-db/"]')
    expect(form).to_be_visible()
    version = page.locator("#properties [data-form-version]")
    expect(version).to_have_text("1")

    page.get_by_role("button", name="Arrange").click()
    settled(page, 2)
    expect(version).to_have_text("2")
    expect(form.locator("input[name=base_version]")).to_have_value("2")

    page.locator("#properties").get_by_label("Name").fill("Orders database")
    page.locator("#properties").get_by_role("button", name="Save").click()
    settled(page, 3)
    expect(page.locator("#properties").get_by_text("Saved as version 3.")).to_be_visible()
    expect(version).to_have_text("3")
