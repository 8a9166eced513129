"""One layout: the editor opens and arranges with the layout the PDF draws, in its colours."""

from __future__ import annotations

import pytest

import threatmodel
from reviews.diagram_style import NODE_H, NODE_W, TRANSIT
from reviews.layout import editor_positions
from tests.conftest import make_system
from tests.e2e.conftest import open_editor

SEED = "examples/saas-docs.yaml"


def _positions(page) -> dict:
    return page.evaluate(
        """() => {
          const out = {};
          window.ciphermapEditor.cy.nodes('.element').forEach((n) => {
            out[n.data('ref')] = { x: Math.round(n.position().x), y: Math.round(n.position().y) };
          });
          return out;
        }"""
    )


def _rgb(hex_color: str) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r},{g},{b})"


@pytest.fixture
def seed_system(workspace, owner):
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parents[2]
    document = yaml.safe_load((root / SEED).read_text())
    return make_system(workspace, document, author=owner)


@pytest.mark.django_db(transaction=True)
def test_an_unplaced_model_opens_with_the_pdfs_layout_and_its_sizes_and_colours(
    open_context, live_server, owner, seed_system
):
    page = open_editor(open_context(owner), live_server, seed_system)
    expected = editor_positions(threatmodel.load(seed_system.document))["positions"]
    assert _positions(page) == expected
    style = page.evaluate(
        """() => {
          const cy = window.ciphermapEditor.cy;
          const node = cy.getElementById('e:web');
          const tls = cy.edges('.transit-encrypted')[0];
          const plain = cy.edges('.transit-plaintext')[0];
          return {
            w: node.width(), h: node.height(),
            encrypted: tls.style('line-color'), plaintext: plain.style('line-color'),
          };
        }"""
    )
    assert (style["w"], style["h"]) == (NODE_W, NODE_H)
    assert style["encrypted"] == _rgb(TRANSIT["encrypted"]["color"])
    assert style["plaintext"] == _rgb(TRANSIT["plaintext"]["color"])


@pytest.mark.django_db(transaction=True)
def test_arrange_saves_the_automatic_layout(open_context, live_server, owner, seed_system):
    page = open_editor(open_context(owner), live_server, seed_system)
    # Scatter two elements by hand, then Arrange puts everything back in the PDF's layout.
    page.evaluate(
        """() => {
          const cy = window.ciphermapEditor.cy;
          cy.getElementById('e:web').position({ x: 3000, y: 3000 });
          cy.getElementById('e:kms').position({ x: -900, y: 40 });
        }"""
    )
    version = seed_system.version
    page.get_by_role("button", name="Arrange").click()
    page.wait_for_function(
        "v => window.ciphermapEditor.version > v && window.ciphermapEditor.pending === 0",
        arg=version,
    )
    seed_system.refresh_from_db()
    expected = editor_positions(threatmodel.load(seed_system.document))["positions"]
    saved = {e["id"]: e["position"] for e in seed_system.document["elements"]}
    assert saved == expected
