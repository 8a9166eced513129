"""The editor draws and names the kinds from what the server sends (the vocabulary from
threatmodel/schema.py, the drawings from reviews/diagram_style.py), not from copies."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from reviews.diagram_style import CANVAS, KINDS_DRAWN
from tests.conftest import make_system, sample_document
from tests.e2e.conftest import open_editor
from threatmodel import schema


def _rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r},{g},{b})"


@pytest.mark.django_db(transaction=True)
def test_every_kind_is_drawn_and_named_as_the_server_declares(
    open_context, live_server, owner, workspace
):
    kinds = [c.value for c in schema.ELEMENT_KIND.choices]
    elements = [
        {"id": f"k-{n}", "kind": kind, "position": {"x": 200 * (n % 6), "y": 120 * (n // 6)}}
        for n, kind in enumerate(kinds)
    ]
    document = sample_document(boundaries=[{"id": "zone"}], flows=[], elements=elements)
    system = make_system(workspace, document, author=owner)
    page = open_editor(open_context(owner), live_server, system)
    drawn = page.evaluate(
        """() => window.ciphermapEditor.cy.nodes('.element').map((n) => [
          n.data('kind'), n.style('shape'), n.style('background-color').replace(/ /g, '')])"""
    )
    assert {kind: (shape, fill) for kind, shape, fill in drawn} == {
        kind: (KINDS_DRAWN[kind]["shape"], _rgb(CANVAS["groups"][KINDS_DRAWN[kind]["group"]]))
        for kind in kinds
    }
    # A boundary without a kind is drawn as the format's default kind.
    assert page.evaluate(
        "window.ciphermapEditor.cy.getElementById('b:zone').hasClass('boundary-internal')"
    )
    palette = page.locator("#editor-palette")
    for choice in schema.ELEMENT_KIND.choices:
        expect(palette.locator(f"[data-palette='element:{choice.value}']")).to_contain_text(
            choice.title
        )
