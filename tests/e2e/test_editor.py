"""The diagram editor in real Chromium: drawing, live findings, conflicts, keyboard."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import make_system
from tests.e2e.conftest import open_editor

ROOT = Path(__file__).resolve().parents[2]


# --- helpers ------------------------------------------------------------------------


def point(page, canvas_id: str) -> dict:
    """Page coordinates of a node's centre or an edge's middle."""
    return page.evaluate(
        """(id) => {
          const editor = window.ciphermapEditor;
          const ele = editor.cy.getElementById(id);
          if (ele.empty()) throw new Error(`no ${id} on the canvas`);
          const p = ele.isEdge() ? ele.renderedMidpoint() : ele.renderedPosition();
          const r = editor.el.canvas.getBoundingClientRect();
          return { x: r.left + p.x, y: r.top + p.y };
        }""",
        canvas_id,
    )


def box(page, canvas_id: str) -> dict:
    return page.evaluate(
        """(id) => {
          const editor = window.ciphermapEditor;
          const b = editor.cy.getElementById(id).renderedBoundingBox({ includeLabels: false });
          const r = editor.el.canvas.getBoundingClientRect();
          return { x1: r.left + b.x1, y1: r.top + b.y1, x2: r.left + b.x2, y2: r.top + b.y2 };
        }""",
        canvas_id,
    )


def drag(page, start: dict, end: dict) -> None:
    page.mouse.move(start["x"], start["y"])
    page.mouse.down()
    page.mouse.move(end["x"], end["y"], steps=10)
    page.mouse.up()


def settled(page, version: int) -> None:
    """Waits until the editor shows `version` and has nothing left to save."""
    page.wait_for_function(
        "v => window.ciphermapEditor.version >= v && window.ciphermapEditor.pending === 0",
        arg=version,
    )


def classes(page, canvas_id: str) -> list[str]:
    return page.evaluate("id => window.ciphermapEditor.cy.getElementById(id).classes()", canvas_id)


def canvas_state(page) -> dict:
    """What the canvas shows: element positions and parents, flows and their state."""
    return page.evaluate(
        """() => {
          const { cy, canvas } = window.ciphermapEditor;
          const state = { nodes: {}, edges: {} };
          cy.nodes('.element, .boundary').forEach((n) => {
            const p = n.position();
            const parent = canvas.parentOf(n);
            state.nodes[n.id()] = {
              parent: parent.nonempty() ? parent.id() : null,
              x: Math.round(p.x), y: Math.round(p.y),
            };
          });
          cy.edges('.flow').forEach((e) => {
            state.edges[e.id()] = [e.source().id(), e.target().id(), e.data('label')];
          });
          return state;
        }"""
    )


def set_protocol(page, flow_id: str, protocol: str) -> None:
    """Selects a hop on the canvas and sets its protocol in the properties form."""
    page.mouse.click(**point(page, f"f:{flow_id}"))
    form = page.locator(f'#properties form[action$="/flows/{flow_id}/"]')
    expect(form).to_be_visible()
    version = page.evaluate("window.ciphermapEditor.version")
    form.get_by_role("combobox", name="Protocol").select_option(protocol)
    form.get_by_role("button", name="Save").click()
    settled(page, version + 1)


def finding_rows(page, rule: str, flow_id: str):
    return page.locator(f'#findings .finding-row[data-flows~="{flow_id}"]').filter(has_text=rule)


# --- tests --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_system_drawn_from_scratch_shows_live_findings_and_is_kept(
    open_context, live_server, owner, workspace
):
    system = make_system(workspace, {"format": "ciphermap/1", "name": "Shop"}, author=owner)
    page = open_editor(open_context(owner), live_server, system)
    palette = page.locator("#editor-palette")

    palette.get_by_role("button", name="Internal network").click()
    settled(page, 2)
    for n, kind in enumerate(["Client", "Service", "Database", "Log sink"]):
        palette.get_by_role("button", name=kind, exact=True).click()
        settled(page, 3 + n)

    # Two elements dragged into the boundary.
    drag(page, point(page, "e:service"), point(page, "b:internal"))
    settled(page, 7)
    inside = box(page, "b:internal")
    zoom = page.evaluate("window.ciphermapEditor.cy.zoom()")
    well_inside = 40 * zoom  # past the band near the edge, where a drop changes nothing
    drag(
        page,
        point(page, "e:database"),
        {"x": inside["x2"] - well_inside, "y": inside["y2"] - well_inside},
    )
    settled(page, 8)
    assert canvas_state(page)["nodes"]["e:database"]["parent"] == "b:internal"

    # Flows drawn by dragging from one element to another in connect mode.
    page.get_by_role("button", name="Connect").click()
    for n, (source, target) in enumerate(
        [("client", "service"), ("service", "database"), ("service", "log-sink")]
    ):
        drag(page, point(page, f"e:{source}"), point(page, f"e:{target}"))
        settled(page, 9 + n)
    page.get_by_role("button", name="Connect").click()

    set_protocol(page, "client-to-service", "https")
    set_protocol(page, "service-to-database", "postgres-tls")
    set_protocol(page, "service-to-log-sink", "http")
    expect(finding_rows(page, "unencrypted-hop", "service-to-log-sink")).to_have_count(1)
    assert "transit-plaintext" in classes(page, "f:service-to-log-sink")

    set_protocol(page, "service-to-log-sink", "https")
    expect(finding_rows(page, "unencrypted-hop", "service-to-log-sink")).to_have_count(0)
    assert "transit-encrypted" in classes(page, "f:service-to-log-sink")

    # The server holds what the canvas shows, and a reload shows it again.
    system.refresh_from_db()
    document = system.document
    boundaries = {e["id"]: e.get("boundary") for e in document["elements"]}
    assert boundaries == {
        "client": None,
        "service": "internal",
        "database": "internal",
        "log-sink": None,
    }
    assert {f["id"]: f["protocol"] for f in document["flows"]} == {
        "client-to-service": "https",
        "service-to-database": "postgres-tls",
        "service-to-log-sink": "https",
    }
    assert all("position" in e for e in document["elements"])
    before = canvas_state(page)
    page.reload()
    page.wait_for_selector("#editor.editor-ready")
    after = canvas_state(page)
    assert after["edges"] == before["edges"]
    for node_id, node in before["nodes"].items():
        assert after["nodes"][node_id]["parent"] == node["parent"]
        if node_id.startswith("e:"):
            assert abs(after["nodes"][node_id]["x"] - node["x"]) <= 1
            assert abs(after["nodes"][node_id]["y"] - node["y"]) <= 1


@pytest.mark.django_db(transaction=True)
def test_clicking_a_finding_highlights_its_hop_and_hovering_the_hop_lists_it(
    open_context, live_server, owner, system
):
    page = open_editor(open_context(owner), live_server, system)
    url = page.url
    row = finding_rows(page, "unencrypted-hop", "orders")
    row.locator(".finding-title").click()

    assert "highlighted" in classes(page, "f:orders")
    assert "dimmed" in classes(page, "e:browser")
    assert page.url == url
    expect(row).to_have_attribute("data-editor-active-finding", "")
    page.wait_for_function("() => !window.ciphermapEditor.cy.animated()")
    middle = point(page, "f:orders")
    canvas = page.locator("#editor-canvas").bounding_box()
    assert abs(middle["x"] - (canvas["x"] + canvas["width"] / 2)) < 40
    assert abs(middle["y"] - (canvas["y"] + canvas["height"] / 2)) < 40

    page.mouse.move(middle["x"] + 1, middle["y"] + 1)
    tooltip = page.locator("#editor-tooltip")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text("orders")
    expect(tooltip).to_contain_text(re.compile("unencrypted|plaintext|HTTP", re.IGNORECASE))

    page.keyboard.press("Escape")
    assert "highlighted" not in classes(page, "f:orders")


@pytest.mark.django_db(transaction=True)
def test_a_second_editor_gets_a_conflict_and_no_change_is_lost(
    open_context, live_server, owner, editor, system, problems
):
    problems.expect_status(409)
    first = open_editor(open_context(owner), live_server, system)
    second = open_editor(open_context(editor), live_server, system)

    start = point(first, "e:api")
    drag(first, start, {"x": start["x"] + 90, "y": start["y"] + 40})
    settled(first, 2)
    system.refresh_from_db()
    moved = next(e for e in system.document["elements"] if e["id"] == "api")["position"]

    second.locator("#editor-palette").get_by_role("button", name="Cache").click()
    alert = second.locator("#editor-alert")
    expect(alert).to_contain_text("someone else changed this system")
    second.wait_for_function("() => window.ciphermapEditor.pending === 0")
    assert second.evaluate("window.ciphermapEditor.cy.getElementById('e:cache').empty()")
    system.refresh_from_db()
    assert system.version == 2
    assert "cache" not in {e["id"] for e in system.document["elements"]}

    alert.get_by_role("button", name="Load their version and redo my change").click()
    settled(second, 3)
    expect(alert).to_be_hidden()
    system.refresh_from_db()
    elements = {e["id"]: e for e in system.document["elements"]}
    assert "cache" in elements
    assert elements["api"]["position"] == moved
    assert not second.evaluate("window.ciphermapEditor.cy.getElementById('e:cache').empty()")


@pytest.mark.django_db(transaction=True)
def test_a_refused_save_shows_why_and_puts_the_canvas_back(
    open_context, live_server, owner, system, problems
):
    problems.expect_status(400)
    page = open_editor(open_context(owner), live_server, system)
    before = canvas_state(page)
    # A change the server refuses: an element in a boundary that does not exist. The
    # canvas shows it at once, then takes it away again.
    page.evaluate(
        """() => window.ciphermapEditor.commit("added a stray database", (doc) => {
          doc.elements.push({ id: "stray", kind: "database", boundary: "nowhere" });
        })"""
    )
    expect(page.locator("#editor-alert")).to_contain_text("Not saved")
    expect(page.locator("#editor-alert")).to_contain_text("nowhere")
    assert canvas_state(page) == before
    system.refresh_from_db()
    assert system.version == 1


@pytest.mark.django_db(transaction=True)
def test_the_canvas_forms_and_findings_work_with_the_keyboard(
    open_context, live_server, owner, system
):
    page = open_editor(open_context(owner), live_server, system)
    page.locator("#editor-canvas").focus()

    page.keyboard.press("]")
    form = page.locator('#properties form[action$="/elements/browser/"]')
    expect(form).to_be_visible()
    page.keyboard.press("Enter")
    expect(form.get_by_role("textbox", name="ID:", exact=True)).to_be_focused()
    form.get_by_label("Name").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("Shop front")
    page.keyboard.press("Enter")
    settled(page, 2)
    assert "Shop front" in page.evaluate(
        "window.ciphermapEditor.cy.getElementById('e:browser').data('label')"
    )

    # Delete from the keyboard, then undo.
    page.locator("#editor-canvas").focus()
    page.keyboard.press("Escape")
    page.keyboard.press("]")
    page.keyboard.press("]")
    assert page.evaluate("window.ciphermapEditor.cy.$(':selected').id()") == "e:api"
    page.keyboard.press("Delete")
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    settled(page, 3)
    system.refresh_from_db()
    assert "api" not in {e["id"] for e in system.document["elements"]}
    assert system.document.get("flows", []) == []  # stored canonical: no empty list
    page.keyboard.press("Control+z")
    settled(page, 4)
    system.refresh_from_db()
    assert "api" in {e["id"] for e in system.document["elements"]}
    assert {f["id"] for f in system.document["flows"]} == {"checkout", "orders"}
    page.keyboard.press("Control+Shift+z")
    settled(page, 5)
    assert page.evaluate("window.ciphermapEditor.cy.getElementById('e:api').empty()")
    page.keyboard.press("Control+z")
    settled(page, 6)
    assert not page.evaluate("window.ciphermapEditor.cy.getElementById('e:api').empty()")

    # A finding, reached with Tab and opened with Enter, shows on the canvas.
    link = finding_rows(page, "unencrypted-hop", "orders").locator(".finding-title")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => window.ciphermapEditor.cy.getElementById('f:orders').hasClass('highlighted')"
    )


@pytest.mark.django_db(transaction=True)
def test_the_seed_example_shows_key_blast_radius_and_makes_the_readme_screenshot(
    open_context, live_server, owner, workspace
):
    from reviews import services

    document, _model = services.validate(ROOT / "examples" / "saas-docs.yaml")
    system = make_system(workspace, document, author=owner)
    page = open_editor(open_context(owner), live_server, system)
    assert page.evaluate("window.ciphermapEditor.cy.nodes('.element').length") == len(
        document["elements"]
    )

    # The key that protects the most stores, directly or through the keys it wraps.
    keys = {k["id"]: k for k in document.get("keys", [])}

    def covered(key_id: str) -> set[str]:
        found, pending = set(), [key_id]
        while pending:
            current = pending.pop()
            if current not in found:
                found.add(current)
                pending.extend(keys.get(current, {}).get("wraps", []))
        return found

    def stores(key_id: str) -> set[str]:
        return {e["id"] for e in document["elements"] if e.get("key") in covered(key_id)}

    widest = max(keys, key=lambda k: len(stores(k)))
    key_button = page.locator(f'#editor-keys button[data-key="{widest}"]')
    key_button.focus()
    page.keyboard.press("Enter")
    expect(key_button).to_have_attribute("aria-pressed", "true")
    expect(key_button).to_be_focused()
    highlighted = page.evaluate(
        "window.ciphermapEditor.cy.nodes('.element.highlighted').map(n => n.data('ref'))"
    )
    assert set(highlighted) == stores(widest)
    assert stores(widest)
    page.keyboard.press("Escape")
    assert page.evaluate("window.ciphermapEditor.cy.$('.highlighted').length") == 0

    # The README's picture: the page as it opens. Written only when asked for
    # (`make screenshots`), so a test run never changes tracked files.
    if not os.environ.get("CIPHERMAP_SCREENSHOTS"):
        return
    page = open_editor(page.context, live_server, system)
    page.wait_for_timeout(300)  # background images decoded and drawn
    out = ROOT / "docs" / "editor.png"
    out.parent.mkdir(exist_ok=True)
    head = page.locator(".editor-head").bounding_box()
    canvas = page.locator("#editor-canvas").bounding_box()
    region = page.locator("#editor").bounding_box()
    top = head["y"] - 12
    clip = {
        "x": region["x"],
        "y": top,
        "width": 1440 - region["x"],
        "height": canvas["y"] + canvas["height"] + 12 - top,
    }
    page.screenshot(path=str(out), full_page=True, clip=clip)
    assert out.stat().st_size > 20_000


@pytest.mark.django_db(transaction=True)
def test_palette_items_dragged_onto_a_boundary_land_inside_it_and_boundaries_nest(
    open_context, live_server, owner, system
):
    page = open_editor(open_context(owner), live_server, system)
    # The whole canvas in view: a drop beyond the window's bottom edge is no drop.
    page.locator("#editor-canvas").scroll_into_view_if_needed()
    vpc = box(page, "b:vpc")
    spot = {"x": vpc["x1"] + 20, "y": vpc["y2"] - 20}
    canvas = page.locator("#editor-canvas")
    origin = canvas.bounding_box()
    target = {"x": spot["x"] - origin["x"], "y": spot["y"] - origin["y"]}

    page.locator('#editor-palette [data-palette="element:cache"]').drag_to(
        canvas, target_position=target
    )
    settled(page, 2)
    page.locator('#editor-palette [data-palette="boundary:dmz"]').drag_to(
        canvas, target_position=target
    )
    settled(page, 3)

    system.refresh_from_db()
    cache = next(e for e in system.document["elements"] if e["id"] == "cache")
    assert cache["boundary"] == "vpc"
    dmz = next(b for b in system.document["boundaries"] if b["id"] == "dmz")
    assert dmz["parent"] == "vpc"
    assert canvas_state(page)["nodes"]["b:dmz"]["parent"] == "b:vpc"

    # Dragged out again, onto empty canvas above the frame (the new boundary's frame
    # made the VPC bigger: Fit shows all of it first; the internet sits top right).
    page.locator("[data-editor-action=fit]").click()
    vpc = box(page, "b:vpc")
    outside = {"x": vpc["x1"] + 60, "y": vpc["y1"] - 80}
    assert outside["y"] > origin["y"] + 40
    drag(page, point(page, "e:cache"), outside)
    settled(page, 4)
    system.refresh_from_db()
    cache = next(e for e in system.document["elements"] if e["id"] == "cache")
    assert "boundary" not in cache

    # Holding Shift draws a flow without entering connect mode.
    page.keyboard.down("Shift")
    drag(page, point(page, "e:api"), point(page, "e:cache"))
    page.keyboard.up("Shift")
    settled(page, 5)
    system.refresh_from_db()
    assert {"id": "api-to-cache", "from": "api", "to": "cache"} in system.document["flows"]


@pytest.mark.django_db(transaction=True)
def test_a_viewer_sees_the_diagram_and_findings_but_cannot_change_them(
    open_context, live_server, viewer, system
):
    page = open_editor(open_context(viewer), live_server, system)
    expect(page.locator("#editor-palette")).to_have_count(0)
    expect(page.get_by_role("button", name="Connect")).to_have_count(0)

    start = point(page, "e:api")
    drag(page, start, {"x": start["x"] + 120, "y": start["y"] + 60})
    assert point(page, "e:api") == start
    page.mouse.click(**start)
    page.keyboard.press("Delete")
    finding_rows(page, "unencrypted-hop", "orders").locator(".finding-title").click()
    assert "highlighted" in classes(page, "f:orders")
    system.refresh_from_db()
    assert system.version == 1
