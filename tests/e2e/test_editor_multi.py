"""Several items selected: the properties panel says how many and edits the fields they
share as one edit; a mixed value is shown as mixed and left alone unless changed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import make_system, sample_document
from tests.e2e.conftest import open_editor
from tests.e2e.test_editor import settled


def _document() -> dict:
    document = sample_document()
    places = {"browser": (100, 120), "api": (520, 120), "orders-db": (740, 120)}
    for element in document["elements"]:
        element["position"] = dict(zip(("x", "y"), places[element["id"]], strict=True))
    document["elements"].append(
        {"id": "cache", "kind": "cache", "boundary": "vpc", "position": {"x": 740, "y": 330}}
    )
    return document


def _select(page, *canvas_ids: str) -> None:
    page.evaluate(
        """(ids) => {
          const cy = window.ciphermapEditor.cy;
          cy.$(':selected').unselect();
          for (const id of ids) cy.getElementById(id).select();
        }""",
        list(canvas_ids),
    )


def _elements(system) -> dict:
    system.refresh_from_db()
    return {item["id"]: item for item in system.document["elements"]}


@pytest.mark.django_db(transaction=True)
def test_three_selected_elements_are_edited_together_in_one_step(
    open_context, live_server, owner, workspace
):
    system = make_system(workspace, _document(), author=owner)
    page = open_editor(open_context(owner), live_server, system)
    panel = page.locator("#properties")
    _select(page, "e:browser", "e:api", "e:orders-db")
    expect(panel.get_by_role("heading", name="3 selected")).to_be_visible()
    expect(panel).to_contain_text("3 elements")
    boundary = panel.get_by_label("Boundary")
    expect(boundary).to_have_value("__mixed__")
    expect(boundary.locator("option:checked")).to_have_text("\u2014 mixed \u2014")
    # A client keeps nothing at rest: encryption is not shared.
    expect(panel.get_by_label("Encryption at rest")).to_have_count(0)
    panel.get_by_label("Technology").fill("Kubernetes")
    page.screenshot(path="/tmp/boundaries-multi.png")
    panel.get_by_role("button", name="Apply to 3").click()
    settled(page, 2)
    elements = _elements(system)
    assert {elements[e].get("technology") for e in ("browser", "api", "orders-db")} == {
        "Kubernetes"
    }
    # The mixed boundary was not touched.
    assert (elements["browser"]["boundary"], elements["api"]["boundary"]) == ("internet", "vpc")
    expect(panel.get_by_label("Technology")).to_have_value("Kubernetes")

    page.locator("#editor-canvas").focus()
    page.keyboard.press("Control+z")
    settled(page, 3)
    assert "technology" not in _elements(system)["api"]


@pytest.mark.django_db(transaction=True)
def test_shared_encryption_and_boundary_are_set_on_every_store(
    open_context, live_server, owner, workspace
):
    system = make_system(workspace, _document(), author=owner)
    page = open_editor(open_context(owner), live_server, system)
    panel = page.locator("#properties")
    _select(page, "e:orders-db", "e:cache")
    expect(panel.get_by_role("heading", name="2 selected")).to_be_visible()
    expect(panel.get_by_label("Boundary")).to_have_value("vpc")
    panel.get_by_label("Encryption at rest").select_option("sse-kms")
    panel.get_by_label("Boundary").select_option("")
    panel.get_by_role("button", name="Apply to 2").click()
    settled(page, 2)
    elements = _elements(system)
    for store in ("orders-db", "cache"):
        assert elements[store]["encryption"] == "sse-kms"
        assert "boundary" not in elements[store]
    assert system.version == 2  # one edit

    # An element and a flow share nothing here: the panel says so.
    _select(page, "e:api", "f:checkout")
    expect(panel.get_by_role("heading", name="2 selected")).to_be_visible()
    expect(panel).to_contain_text("1 element, 1 flow")
    expect(panel).to_contain_text("no field in common")

    # With nothing selected, the panel no longer offers to edit them.
    page.evaluate("window.ciphermapEditor.cy.$(':selected').unselect()")
    expect(panel.get_by_role("heading", name="2 selected")).to_have_count(0)


@pytest.mark.django_db(transaction=True)
def test_an_element_put_in_a_boundary_by_the_panel_moves_inside_its_frame(
    open_context, live_server, owner, workspace
):
    """A boundary set away from the frame must not stretch it over other items."""
    document = _document()
    document["elements"].append(
        {"id": "worker", "kind": "service", "position": {"x": 100, "y": 420}}
    )
    document["elements"].append({"id": "queue", "kind": "broker", "position": {"x": 100, "y": 560}})
    system = make_system(workspace, document, author=owner)
    page = open_editor(open_context(owner), live_server, system)
    panel = page.locator("#properties")
    _select(page, "e:worker", "e:queue")
    panel.get_by_label("Boundary").select_option("internet")
    panel.get_by_role("button", name="Apply to 2").click()
    settled(page, 3)  # the edit, then the places inside the frame
    elements = _elements(system)
    assert (elements["worker"]["boundary"], elements["queue"]["boundary"]) == ("internet",) * 2
    frames = page.evaluate(
        """() => Object.fromEntries(['internet', 'vpc'].map((id) => {
          const b = window.ciphermapEditor.cy.getElementById('b:' + id)
            .boundingBox({ includeLabels: false, includeOverlays: false });
          return [id, [b.x1, b.y1, b.x2, b.y2]];
        }))"""
    )
    a, b = frames["internet"], frames["vpc"]
    assert a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1]  # frames apart
    assert elements["worker"]["position"] != {"x": 100, "y": 420}


@pytest.mark.django_db(transaction=True)
def test_the_saved_edit_names_only_the_items_it_changed_and_at_most_five(
    open_context, live_server, owner, workspace
):
    document = _document()
    workers = [f"worker-{n}" for n in range(1, 7)]
    for n, ref in enumerate(workers):
        document["elements"].append(
            {"id": ref, "kind": "service", "position": {"x": 100 + 170 * n, "y": 700}}
        )
    system = make_system(workspace, document, author=owner)
    page = open_editor(open_context(owner), live_server, system)
    panel = page.locator("#properties")
    # api, orders-db and cache are in vpc already; browser and the six workers are not.
    _select(page, "e:browser", "e:api", "e:orders-db", "e:cache", *(f"e:{w}" for w in workers))
    panel.get_by_label("Boundary").select_option("vpc")
    panel.get_by_role("button", name="Apply to 10").click()
    settled(page, 2)
    assert {e["boundary"] for e in _elements(system).values()} == {"vpc"}
    settled(page, 3)  # then their places inside the frame, as one more edit
    labels = page.evaluate("window.ciphermapEditor.store.undoStack.map((step) => step.label)")
    named = "browser, worker-1, worker-2, worker-3, worker-4 and 2 more"
    assert labels == [f"set boundary vpc on {named}", f"placed {named} inside their boundary"]
    assert not any(ref in label for label in labels for ref in ("api", "orders-db", "cache"))
    expect(page.locator("#editor-status")).to_contain_text(f"placed {named}")
