"""Boundaries resized by handles: the frame is stored, never shrinks past its members, takes
in what it wholly covers, and never ends up partly over another boundary's frame."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import make_system, sample_document
from tests.e2e.conftest import open_editor
from tests.e2e.test_editor import box, drag, point, settled


def _placed_document() -> dict:
    document = sample_document()
    places = {"browser": (100, 120), "api": (520, 120), "orders-db": (740, 120)}
    for element in document["elements"]:
        x, y = places[element["id"]]
        element["position"] = {"x": x, "y": y}
    document["elements"].append(
        {"id": "kms", "kind": "key-store", "position": {"x": 630, "y": 330}}
    )
    return document


def _boundary(system, boundary_id: str) -> dict:
    system.refresh_from_db()
    return next(b for b in system.document["boundaries"] if b["id"] == boundary_id)


def _select(page, canvas_id: str) -> None:
    page.evaluate("id => window.ciphermapEditor.canvas.select(id)", canvas_id)


def _frame_box(page, ref: str) -> dict:
    """A boundary's frame, or an element's box, in model coordinates."""
    return page.evaluate(
        """(ref) => {
          const editor = window.ciphermapEditor;
          const element = editor.cy.getElementById(`e:${ref}`);
          const exact = { includeLabels: false, includeOverlays: false };
          if (element.nonempty()) return element.boundingBox(exact);
          const { position, size } = editor.canvas.frameOf(ref);
          return { x1: position.x - size.width / 2, y1: position.y - size.height / 2,
                   x2: position.x + size.width / 2, y2: position.y + size.height / 2 };
        }""",
        ref,
    )


def _handle(page, side: str) -> dict:
    handle = page.locator(f".frame-handle-{side}")
    expect(handle).to_be_visible()
    b = handle.bounding_box()
    return {"x": b["x"] + b["width"] / 2, "y": b["y"] + b["height"] / 2}


@pytest.mark.django_db(transaction=True)
def test_dragging_a_handle_resizes_the_boundary_and_takes_in_what_it_covers(
    open_context, live_server, owner, workspace
):
    system = make_system(workspace, _placed_document(), author=owner)
    page = open_editor(open_context(owner), live_server, system)
    expect(page.locator(".frame-handles")).to_be_hidden()
    _select(page, "b:vpc")
    before = box(page, "b:vpc")
    kms = box(page, "e:kms")
    corner = _handle(page, "se")
    # (the box includes the selection overlay, a few pixels)
    assert abs(corner["x"] - before["x2"]) < 8 and abs(corner["y"] - before["y2"]) < 8
    frame_before = _frame_box(page, "vpc")
    drag(page, corner, {"x": corner["x"] + 40, "y": kms["y2"] + 40})
    settled(page, 2)
    expect(page.locator("#editor-status")).to_contain_text("resized vpc, taking in kms")
    # (model coordinates: the status line may wrap and move the canvas down the page)
    after = _frame_box(page, "vpc")
    assert after["x2"] > frame_before["x2"] + 30 and after["y2"] > _frame_box(page, "kms")["y2"]
    assert (after["x1"], after["y1"]) == pytest.approx(
        (frame_before["x1"], frame_before["y1"]), abs=1
    )
    vpc = _boundary(system, "vpc")
    assert vpc["size"]["height"] > 300 and vpc["position"]
    kms_item = next(e for e in system.document["elements"] if e["id"] == "kms")
    assert kms_item["boundary"] == "vpc"
    page.screenshot(path="/tmp/boundaries-resized.png")

    # One undo puts the frame and the membership back; redo brings them again.
    page.locator("#editor-canvas").focus()
    page.keyboard.press("Control+z")
    settled(page, 3)
    assert "size" not in _boundary(system, "vpc")
    assert "boundary" not in next(e for e in system.document["elements"] if e["id"] == "kms")
    page.keyboard.press("Control+Shift+z")
    settled(page, 4)
    vpc = _boundary(system, "vpc")
    assert vpc["size"]["height"] > 300

    # The stored frame is what a fresh page draws.
    page.reload()
    page.wait_for_selector("#editor.editor-ready")
    size = page.evaluate("window.ciphermapEditor.canvas.frameOf('vpc').size")
    assert size == pytest.approx(vpc["size"], abs=1)


@pytest.mark.django_db(transaction=True)
def test_a_frame_never_shrinks_past_its_members(open_context, live_server, owner, workspace):
    system = make_system(workspace, _placed_document(), author=owner)
    page = open_editor(open_context(owner), live_server, system)
    _select(page, "b:vpc")
    db = box(page, "e:orders-db")
    corner = _handle(page, "e")
    drag(page, corner, {"x": db["x1"] - 80, "y": corner["y"]})
    settled(page, 2)
    assert _frame_box(page, "vpc")["x2"] >= _frame_box(page, "orders-db")["x2"]
    system.refresh_from_db()
    members = {e["id"] for e in system.document["elements"] if e.get("boundary") == "vpc"}
    assert members == {"api", "orders-db"}


@pytest.mark.django_db(transaction=True)
def test_a_resize_over_another_frame_is_refused(open_context, live_server, owner, workspace):
    system = make_system(workspace, _placed_document(), author=owner)
    page = open_editor(open_context(owner), live_server, system)
    _select(page, "b:vpc")
    browser = point(page, "e:browser")
    corner = _handle(page, "w")
    drag(page, corner, {"x": browser["x"], "y": corner["y"]})
    expect(page.locator("#editor-status")).to_contain_text(
        "Not resized: vpc would overlap internet"
    )
    assert page.evaluate("window.ciphermapEditor.version") == 1
    assert "size" not in _boundary(system, "vpc")
    assert _frame_box(page, "vpc")["x1"] > _frame_box(page, "internet")["x2"]
    page.wait_for_load_state("networkidle")


@pytest.mark.django_db(transaction=True)
def test_a_new_boundary_has_a_frame_room_for_elements(open_context, live_server, owner, workspace):
    system = make_system(workspace, {"format": "ciphermap/1", "name": "Shop"}, author=owner)
    page = open_editor(open_context(owner), live_server, system)
    page.locator("#editor-palette").get_by_role("button", name="DMZ").click()
    settled(page, 2)
    dmz = _boundary(system, "dmz")
    assert dmz["size"] == {"width": 360, "height": 220}
    frame = page.evaluate("window.ciphermapEditor.canvas.frameOf('dmz')")
    assert frame["size"] == pytest.approx({"width": 360, "height": 220}, abs=1)


@pytest.mark.django_db(transaction=True)
def test_a_boundary_set_in_the_form_does_not_make_one_frame_swallow_another(
    open_context, live_server, owner, workspace
):
    """The element moves into its new frame instead of stretching it across the VPC."""
    document = _placed_document()
    document["elements"].append(
        {"id": "worker", "kind": "service", "position": {"x": 950, "y": 120}}
    )
    system = make_system(workspace, document, author=owner)
    page = open_editor(open_context(owner), live_server, system)
    page.mouse.click(**point(page, "e:worker"))
    form = page.locator('#properties form[action$="/elements/worker/"]')
    expect(form).to_be_visible()
    form.locator("select[name=boundary]").select_option("internet")
    form.get_by_role("button", name="Save").click()
    settled(page, 3)  # the form's save, then the element's place inside the frame
    internet, vpc = _frame_box(page, "internet"), _frame_box(page, "vpc")
    assert internet["x2"] < vpc["x1"] or vpc["x2"] < internet["x1"]
    worker = next(e for e in _items_of(system) if e["id"] == "worker")
    assert worker["boundary"] == "internet" and worker["position"]["x"] < 400


def _items_of(system) -> list:
    system.refresh_from_db()
    return system.document["elements"]


@pytest.mark.django_db(transaction=True)
def test_a_boundary_dropped_partly_over_another_goes_back(
    open_context, live_server, owner, workspace
):
    system = make_system(workspace, _placed_document(), author=owner)
    page = open_editor(open_context(owner), live_server, system)
    before = _frame_box(page, "vpc")
    vpc, internet = box(page, "b:vpc"), box(page, "b:internet")
    grip = {"x": (vpc["x1"] + vpc["x2"]) / 2, "y": vpc["y2"] - 6}
    shift = vpc["x1"] - (internet["x1"] + internet["x2"]) / 2
    drag(page, grip, {"x": grip["x"] - shift, "y": grip["y"]})
    expect(page.locator("#editor-status")).to_contain_text("Not moved: vpc would overlap internet")
    assert page.evaluate("window.ciphermapEditor.version") == 1
    assert _frame_box(page, "vpc") == pytest.approx(before, abs=1)
    page.wait_for_load_state("networkidle")  # the boundary's form, loaded on selection


def _nested_document() -> dict:
    """The placed document with the database in a framed subnet inside the VPC."""
    document = _placed_document()
    document["boundaries"].append(
        {
            "id": "data-subnet",
            "kind": "internal",
            "parent": "vpc",
            "position": {"x": 740, "y": 120},
            "size": {"width": 260, "height": 160},
        }
    )
    for element in document["elements"]:
        if element["id"] == "orders-db":
            element["boundary"] = "data-subnet"
    return document


@pytest.mark.django_db(transaction=True)
def test_a_boundary_moved_by_its_frame_or_the_keyboard_carries_what_it_holds(
    open_context, live_server, owner, workspace
):
    system = make_system(workspace, _nested_document(), author=owner)
    page = open_editor(open_context(owner), live_server, system)
    refs = ("vpc", "data-subnet", "api", "orders-db")
    before = {ref: _frame_box(page, ref) for ref in refs}
    vpc = box(page, "b:vpc")
    # Its bottom margin, below the subnet's frame.
    grip = {"x": (vpc["x1"] + vpc["x2"]) / 2, "y": vpc["y2"] - 8}
    drag(page, grip, {"x": grip["x"], "y": grip["y"] - 120})
    settled(page, 2)
    expect(page.locator("#editor-status")).to_contain_text("moved vpc")
    dy = -120 / page.evaluate("window.ciphermapEditor.cy.zoom()")
    for ref in refs:
        after = _frame_box(page, ref)
        assert (after["x1"], after["y1"]) == pytest.approx(
            (before[ref]["x1"], before[ref]["y1"] + dy), abs=2
        ), ref
    system.refresh_from_db()
    elements = {e["id"]: e for e in system.document["elements"]}
    subnet = next(b for b in system.document["boundaries"] if b["id"] == "data-subnet")
    assert elements["api"]["position"]["y"] == pytest.approx(120 + dy, abs=2)
    assert elements["orders-db"]["position"]["y"] == pytest.approx(120 + dy, abs=2)
    assert subnet["position"]["y"] == pytest.approx(120 + dy, abs=2)
    assert (elements["api"]["boundary"], elements["orders-db"]["boundary"]) == (
        "vpc",
        "data-subnet",
    )
    assert subnet["parent"] == "vpc"

    # A nudge with an arrow key moves the selected frame with what it holds.
    _select(page, "b:vpc")
    page.locator("#editor-canvas").focus()
    page.keyboard.press("ArrowRight")
    settled(page, 3)
    system.refresh_from_db()
    moved = {e["id"]: e for e in system.document["elements"]}
    subnet = next(b for b in system.document["boundaries"] if b["id"] == "data-subnet")
    assert moved["api"]["position"]["x"] == elements["api"]["position"]["x"] + 15
    assert moved["orders-db"]["position"]["x"] == elements["orders-db"]["position"]["x"] + 15
    assert subnet["position"]["x"] == pytest.approx(740 + 15, abs=1)
    page.wait_for_load_state("networkidle")
