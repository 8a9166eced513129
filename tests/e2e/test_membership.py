"""Membership is a security fact: it changes only on a clear drop, and saves say what
they did to the findings."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import make_system
from tests.e2e.conftest import open_editor
from tests.e2e.test_editor import box, drag, point, settled


def _status(page):
    return page.locator("#editor-status")


@pytest.mark.django_db(transaction=True)
def test_a_nudge_near_a_frame_keeps_the_element_where_it_was(
    open_context, live_server, owner, system
):
    page = open_editor(open_context(owner), live_server, system)
    vpc = box(page, "b:vpc")
    start = point(page, "e:browser")
    # Dropped with its centre just inside the VPC's edge: not a clear drop.
    drag(page, start, {"x": vpc["x1"] + 6, "y": vpc["y1"] + 6})
    settled(page, 2)
    expect(_status(page)).to_contain_text("still in internet")
    system.refresh_from_db()
    browser = next(e for e in system.document["elements"] if e["id"] == "browser")
    assert browser["boundary"] == "internet"
    assert page.evaluate(
        "(e => e.canvas.parentOf(e.cy.getElementById('e:browser')).id())(window.ciphermapEditor)"
    ) == ("b:internet")


@pytest.mark.django_db(transaction=True)
def test_while_dragging_the_frame_it_will_land_in_is_highlighted(
    open_context, live_server, owner, system
):
    page = open_editor(open_context(owner), live_server, system)
    vpc = box(page, "b:vpc")
    start = point(page, "e:browser")
    page.mouse.move(start["x"], start["y"])
    page.mouse.down()
    page.mouse.move((vpc["x1"] + vpc["x2"]) / 2, (vpc["y1"] + vpc["y2"]) / 2, steps=10)
    assert page.evaluate("window.ciphermapEditor.cy.nodes('.drop-target').map((n) => n.id())") == [
        "b:vpc"
    ]
    page.mouse.up()
    settled(page, 2)
    expect(_status(page)).to_contain_text("moved browser into vpc")
    system.refresh_from_db()
    browser = next(e for e in system.document["elements"] if e["id"] == "browser")
    assert browser["boundary"] == "vpc"


@pytest.mark.django_db(transaction=True)
def test_the_status_line_says_what_a_save_did_to_the_findings(
    open_context, live_server, owner, system
):
    page = open_editor(open_context(owner), live_server, system)
    page.evaluate(
        """() => window.ciphermapEditor.commit("set checkout to http", (doc) => {
          doc.flows.find((f) => f.id === "checkout").protocol = "http";
        })"""
    )
    settled(page, 2)
    expect(_status(page)).to_contain_text(
        re.compile(r"Saved: set checkout to http: (\d+ findings? fixed, )?\d+ new")
    )
    page.evaluate(
        """() => window.ciphermapEditor.commit("set checkout to https", (doc) => {
          doc.flows.find((f) => f.id === "checkout").protocol = "https";
        })"""
    )
    settled(page, 3)
    expect(_status(page)).to_contain_text(re.compile(r"\d+ findings? fixed"))


NESTED = {
    "format": "ciphermap/1",
    "name": "Nested",
    "boundaries": [{"id": "cloud"}, {"id": "vpc", "parent": "cloud"}],
    "elements": [
        {"id": "api", "kind": "service", "boundary": "vpc", "position": {"x": 100, "y": 100}},
        {"id": "db", "kind": "database", "boundary": "vpc", "position": {"x": 300, "y": 100}},
        {"id": "worker", "kind": "service", "boundary": "cloud", "position": {"x": 700, "y": 100}},
    ],
    "flows": [{"id": "q", "from": "api", "to": "db", "protocol": "postgres-tls"}],
}


@pytest.mark.django_db(transaction=True)
def test_a_nudge_near_the_edge_of_a_nested_frame_keeps_the_element_in_it(
    open_context, live_server, owner, workspace
):
    """Near the VPC's edge the centre is clearly inside the cloud around it; that is
    not a clear drop out of the VPC."""
    system = make_system(workspace, NESTED, author=owner)
    page = open_editor(open_context(owner), live_server, system)
    vpc, cloud = box(page, "b:vpc"), box(page, "b:cloud")
    assert cloud["x2"] - vpc["x2"] > 100  # the cloud goes on well past the VPC
    start = point(page, "e:db")
    drag(page, start, {"x": vpc["x2"] - 3, "y": start["y"]})
    settled(page, 2)
    expect(_status(page)).to_contain_text("still in vpc")
    system.refresh_from_db()
    db = next(e for e in system.document["elements"] if e["id"] == "db")
    assert db["boundary"] == "vpc"
    assert db["position"]["x"] > 300
    # Clearly out of the VPC and inside the cloud, it leaves.
    start = point(page, "e:db")
    drag(page, start, {"x": (vpc["x2"] + point(page, "e:worker")["x"]) / 2, "y": start["y"]})
    settled(page, 3)
    expect(_status(page)).to_contain_text("moved db into cloud")


@pytest.mark.django_db(transaction=True)
def test_a_move_does_not_fetch_the_findings_and_tables_again(
    open_context, live_server, owner, system
):
    """A move's answer keeps the findings, and the tables hold no positions: the panels
    would come back the same. Any other change refreshes them."""
    page = open_editor(open_context(owner), live_server, system)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(f"{request.method} {request.url}"))
    start = point(page, "e:api")
    drag(page, start, {"x": start["x"] + 15, "y": start["y"] + 10})
    settled(page, 2)
    expect(_status(page)).to_contain_text("moved api")
    page.wait_for_timeout(300)
    assert [a for a in asked if "document.json" in a] == [
        f"POST {live_server.url}/systems/{system.pk}/document.json"
    ]
    assert not [a for a in asked if "/findings/" in a or "fragment=inventory" in a]
    with (
        page.expect_request(lambda r: "/findings/" in r.url),
        page.expect_request(lambda r: "fragment=inventory" in r.url),
    ):
        page.evaluate(
            """() => window.ciphermapEditor.commit("set checkout to http", (doc) => {
              doc.flows.find((f) => f.id === "checkout").protocol = "http";
            })"""
        )
    settled(page, 3)
