"""A selection as a whole: grouped in a new boundary (Ctrl+G or the toolbar), aligned and
distributed, snapped to a grid on drop. Each is one saved edit and one undo step."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import make_system, sample_document
from tests.e2e.conftest import open_editor
from tests.e2e.test_editor import drag, point, settled

PLACES = {
    "browser": (100, 120),
    "api": (520, 120),
    "orders-db": (740, 120),
    "kms": (630, 330),
    "worker": (300, 600),
}


def _placed_document() -> dict:
    document = sample_document()
    document["elements"] += [
        {"id": "kms", "kind": "key-store"},
        {"id": "worker", "kind": "service"},
    ]
    for element in document["elements"]:
        x, y = PLACES[element["id"]]
        element["position"] = {"x": x, "y": y}
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


def _items(system, section: str) -> dict:
    system.refresh_from_db()
    return {item["id"]: item for item in system.document.get(section, [])}


def _status(page):
    return page.locator("#editor-status")


@pytest.mark.django_db(transaction=True)
def test_ctrl_g_draws_a_boundary_around_the_selection_in_one_undo_step(
    open_context, live_server, owner, workspace
):
    system = make_system(workspace, _placed_document(), author=owner)
    page = open_editor(open_context(owner), live_server, system)
    _select(page, "e:api", "e:orders-db")
    page.locator("#editor-canvas").focus()
    page.keyboard.press("Control+g")
    settled(page, 2)
    expect(_status(page)).to_contain_text("grouped api, orders-db in a boundary")
    boundaries = _items(system, "boundaries")
    group = boundaries["internal"]
    assert group["parent"] == "vpc" and group["size"]["width"] > 300
    elements = _items(system, "elements")
    assert (elements["api"]["boundary"], elements["orders-db"]["boundary"]) == ("internal",) * 2
    assert page.evaluate("window.ciphermapEditor.cy.$(':selected').map((n) => n.id())") == [
        "b:internal"
    ]

    page.keyboard.press("Control+z")
    settled(page, 3)
    assert "internal" not in _items(system, "boundaries")
    assert _items(system, "elements")["api"]["boundary"] == "vpc"


@pytest.mark.django_db(transaction=True)
def test_the_toolbar_groups_and_items_of_different_boundaries_are_refused(
    open_context, live_server, owner, workspace
):
    system = make_system(workspace, _placed_document(), author=owner)
    page = open_editor(open_context(owner), live_server, system)
    toolbar = page.locator("#editor-toolbar")
    group = toolbar.get_by_role("button", name="Group in boundary")
    _select(page, "e:browser", "e:worker")
    group.click()
    expect(_status(page)).to_contain_text(
        "Not grouped: only items in the same boundary can be grouped: "
        "browser in internet; worker outside any boundary"
    )
    # A frame over an item it would not hold would misstate membership.
    _select(page, "e:browser", "e:kms")
    group.click()
    expect(_status(page)).to_contain_text("Not grouped: a frame around the selection would cover")
    expect(_status(page)).to_contain_text("api")
    assert page.evaluate("window.ciphermapEditor.version") == 1

    _select(page, "e:kms", "e:worker")
    group.click()
    settled(page, 2)
    assert "parent" not in _items(system, "boundaries")["internal"]
    assert _items(system, "elements")["worker"]["boundary"] == "internal"


@pytest.mark.django_db(transaction=True)
def test_align_and_distribute_are_one_edit_each(open_context, live_server, owner, workspace):
    system = make_system(workspace, _placed_document(), author=owner)
    page = open_editor(open_context(owner), live_server, system)
    _select(page, "e:browser", "e:kms", "e:worker")
    menu = page.locator(".editor-menu")
    menu.locator("summary").click()
    menu.get_by_role("button", name="Left").click()
    settled(page, 2)
    expect(_status(page)).to_contain_text("aligned left: browser, kms, worker")
    elements = _items(system, "elements")
    assert {elements[e]["position"]["x"] for e in ("browser", "kms", "worker")} == {100}
    assert elements["kms"]["position"]["y"] == 330  # only x moved

    menu.get_by_role("button", name="Distribute vertically").click()
    settled(page, 3)
    elements = _items(system, "elements")
    ys = sorted(elements[e]["position"]["y"] for e in ("browser", "kms", "worker"))
    assert ys[0] == 120 and ys[2] == 600 and ys[1] == 360

    page.locator("#editor-canvas").focus()
    page.keyboard.press("Control+z")
    settled(page, 4)
    assert _items(system, "elements")["kms"]["position"] == {"x": 100, "y": 330}


@pytest.mark.django_db(transaction=True)
def test_snap_to_grid_is_remembered_drawn_and_snaps_a_drop(
    open_context, live_server, owner, workspace
):
    system = make_system(workspace, _placed_document(), author=owner)
    page = open_editor(open_context(owner), live_server, system)
    snap = page.locator("#editor-toolbar").get_by_role("button", name="Snap to grid")
    expect(snap).to_have_attribute("aria-pressed", "false")
    snap.click()
    expect(snap).to_have_attribute("aria-pressed", "true")
    page.reload()
    page.wait_for_selector("#editor.editor-ready")
    expect(snap).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#editor-canvas")).to_have_class(re.compile("editor-grid"))
    start = point(page, "e:kms")
    drag(page, start, {"x": start["x"] + 37, "y": start["y"] + 23})
    settled(page, 2)
    position = _items(system, "elements")["kms"]["position"]
    assert position["x"] % 20 == 0 and position["y"] % 20 == 0
    assert position != {"x": 630, "y": 330}

    snap.click()
    expect(page.locator("#editor-canvas")).not_to_have_class(re.compile("editor-grid"))


@pytest.mark.django_db(transaction=True)
def test_an_alignment_that_would_put_an_item_in_a_frame_it_is_not_in_is_refused(
    open_context, live_server, owner, workspace
):
    system = make_system(workspace, _placed_document(), author=owner)
    page = open_editor(open_context(owner), live_server, system)
    _select(page, "e:api", "e:kms")
    menu = page.locator(".editor-menu")
    menu.locator("summary").click()
    menu.get_by_role("button", name="Top").click()
    expect(_status(page)).to_contain_text("Not aligned: kms would sit in vpc without being in it")
    assert page.evaluate("window.ciphermapEditor.version") == 1
    kms = page.evaluate("window.ciphermapEditor.cy.getElementById('e:kms').position()")
    assert kms == {"x": 630, "y": 330}
    page.wait_for_load_state("networkidle")


def _drag_by(page, canvas_id: str, dx: float, dy: float) -> None:
    """Drags a node by (dx, dy) in diagram coordinates."""
    zoom = page.evaluate("window.ciphermapEditor.cy.zoom()")
    start = point(page, canvas_id)
    drag(page, start, {"x": start["x"] + dx * zoom, "y": start["y"] + dy * zoom})


@pytest.mark.django_db(transaction=True)
def test_a_selection_dragged_together_is_announced_and_each_item_changes_boundary(
    open_context, live_server, owner, workspace
):
    document = _placed_document()
    document["boundaries"].append(
        {
            "id": "dmz",
            "kind": "dmz",
            "position": {"x": 500, "y": 1000},
            "size": {"width": 800, "height": 500},
        }
    )
    system = make_system(workspace, document, author=owner)
    page = open_editor(open_context(owner), live_server, system)
    page.locator("#editor-canvas").scroll_into_view_if_needed()
    _select(page, "e:kms", "e:worker")
    _drag_by(page, "e:kms", 0, 80)
    settled(page, 2)
    expect(_status(page)).to_contain_text("moved 2 elements (kms, worker)")
    expect(_status(page)).not_to_contain_text("into")
    elements = _items(system, "elements")
    moved = {elements[e]["position"]["y"] - PLACES[e][1] for e in ("kms", "worker")}
    assert len(moved) == 1 and 60 < moved.pop() < 100  # together, by about 80

    # Both dropped well inside the DMZ: both join it, and the status says so.
    _drag_by(page, "e:kms", 0, 390)
    settled(page, 3)
    expect(_status(page)).to_contain_text("moved 2 elements (kms, worker) into dmz")
    elements = _items(system, "elements")
    assert (elements["kms"]["boundary"], elements["worker"]["boundary"]) == ("dmz", "dmz")

    # Only kms leaves it: the status names it alone.
    _drag_by(page, "e:kms", 0, -250)
    settled(page, 4)
    expect(_status(page)).to_contain_text("moved 2 elements (kms, worker): kms out of dmz")
    elements = _items(system, "elements")
    assert "boundary" not in elements["kms"]
    assert elements["worker"]["boundary"] == "dmz"


@pytest.mark.django_db(transaction=True)
def test_align_or_distribute_with_nothing_to_move_says_why(
    open_context, live_server, owner, workspace
):
    system = make_system(workspace, _placed_document(), author=owner)
    page = open_editor(open_context(owner), live_server, system)
    menu = page.locator(".editor-menu")
    menu.locator("summary").click()
    _select(page, "e:api", "e:orders-db")  # both centred on y = 120
    menu.get_by_role("button", name="Middle").click()
    expect(_status(page)).to_contain_text("Already aligned middle")

    _select(page, "e:browser", "e:kms", "e:worker")
    menu.get_by_role("button", name="Distribute vertically").click()
    settled(page, 2)
    menu.get_by_role("button", name="Distribute vertically").click()
    expect(_status(page)).to_contain_text("Already distributed vertically")

    _select(page, "e:kms")
    menu.get_by_role("button", name="Left").click()
    expect(_status(page)).to_contain_text("Select at least 2 items to align them")
    _select(page, "e:kms", "e:worker")
    menu.get_by_role("button", name="Distribute horizontally").click()
    expect(_status(page)).to_contain_text("Select at least 3 items to distribute them")
    page.wait_for_timeout(300)
    assert page.evaluate("window.ciphermapEditor.version") == 2


@pytest.mark.django_db(transaction=True)
def test_a_selection_moved_with_the_arrow_keys_is_announced_as_what_moved(
    open_context, live_server, owner, workspace
):
    system = make_system(workspace, _placed_document(), author=owner)
    page = open_editor(open_context(owner), live_server, system)
    _select(page, "e:kms", "e:worker", "b:internet")
    page.locator("#editor-canvas").focus()
    page.keyboard.press("ArrowDown")
    settled(page, 2)
    expect(_status(page)).to_contain_text("moved 2 elements and 1 boundary (internet, kms, worker)")
    elements = _items(system, "elements")
    assert elements["browser"]["position"]["y"] == 135  # carried by its boundary


def _element_boxes(page) -> dict:
    return page.evaluate(
        """() => {
          const boxes = {};
          window.ciphermapEditor.cy.nodes('.element').forEach((n) => {
            const b = n.boundingBox({ includeLabels: false, includeOverlays: false });
            boxes[n.data('ref')] = [b.x1, b.y1, b.x2, b.y2];
          });
          return boxes;
        }"""
    )


def _overlapping(boxes: dict, ref: str) -> list[str]:
    a = boxes[ref]
    return [
        other
        for other, b in boxes.items()
        if other != ref and not (a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1])
    ]


@pytest.mark.django_db(transaction=True)
def test_every_element_of_a_dragged_selection_is_pushed_off_what_it_lands_on(
    open_context, live_server, owner, workspace
):
    """Not only the element under the pointer: kms, carried along, lands on queue."""
    document = _placed_document()
    document["elements"].append({"id": "queue", "kind": "broker", "position": {"x": 630, "y": 450}})
    system = make_system(workspace, document, author=owner)
    page = open_editor(open_context(owner), live_server, system)
    page.locator("#editor-canvas").scroll_into_view_if_needed()
    _select(page, "e:kms", "e:worker")
    _drag_by(page, "e:worker", 0, 120)  # worker to (300, 720), kms onto queue
    settled(page, 2)
    boxes = _element_boxes(page)
    assert _overlapping(boxes, "kms") == []
    assert _overlapping(boxes, "worker") == []
    elements = _items(system, "elements")
    assert elements["queue"]["position"] == {"x": 630, "y": 450}
    assert elements["kms"]["position"] != {"x": 630, "y": 450}
    shown = page.evaluate("window.ciphermapEditor.cy.getElementById('e:kms').position()")
    assert elements["kms"]["position"] == {k: round(v) for k, v in shown.items()}
    page.wait_for_timeout(300)
    assert page.evaluate("window.ciphermapEditor.version") == 2  # one saved version


def _drop_targets(page) -> list[str]:
    return page.evaluate(
        "window.ciphermapEditor.cy.nodes('.drop-target').map((n) => n.data('ref')).sort()"
    )


@pytest.mark.django_db(transaction=True)
def test_a_dragged_selection_highlights_every_frame_its_items_will_land_in(
    open_context, live_server, owner, workspace
):
    document = _placed_document()
    document["boundaries"] += [
        {
            "id": "dmz",
            "kind": "dmz",
            "position": {"x": 500, "y": 1050},
            "size": {"width": 800, "height": 500},
        },
        {
            "id": "lab",
            "kind": "internal",
            "position": {"x": 630, "y": 680},
            "size": {"width": 300, "height": 200},
        },
    ]
    system = make_system(workspace, document, author=owner)
    page = open_editor(open_context(owner), live_server, system)
    page.locator("#editor-canvas").scroll_into_view_if_needed()
    _select(page, "e:kms", "e:worker")
    zoom = page.evaluate("window.ciphermapEditor.cy.zoom()")
    start = point(page, "e:kms")
    page.mouse.move(start["x"], start["y"])
    page.mouse.down()
    # kms, under the pointer, to (630, 570): outside every frame; worker into dmz.
    page.mouse.move(start["x"], start["y"] + 240 * zoom, steps=10)
    assert _drop_targets(page) == ["dmz"]
    # kms to (630, 720), into lab; worker to (300, 990), still in dmz.
    page.mouse.move(start["x"], start["y"] + 390 * zoom, steps=4)
    assert _drop_targets(page) == ["dmz", "lab"]
    page.mouse.up()
    settled(page, 2)
    assert _drop_targets(page) == []
    expect(_status(page)).to_contain_text(
        "moved 2 elements (kms, worker): kms into lab; worker into dmz"
    )
    elements = _items(system, "elements")
    assert (elements["kms"]["boundary"], elements["worker"]["boundary"]) == ("lab", "dmz")
