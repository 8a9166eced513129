"""An imported model is drawn whole: every element, boundary and flow is visible."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import make_system
from tests.e2e.conftest import open_editor

SHOP = Path(__file__).resolve().parents[1] / "threatmodel" / "fixtures" / "threatdragon-shop.json"

HIDDEN = """() => {
  const cy = window.ciphermapEditor.cy;
  return cy.elements('.element, .boundary, .flow').filter((e) => !e.visible()).map((e) => e.id());
}"""
COUNTS = """() => {
  const cy = window.ciphermapEditor.cy;
  return [cy.nodes('.element').length, cy.nodes('.boundary').length, cy.edges('.flow').length];
}"""


def test_the_threat_dragon_shop_imports_with_every_element_and_flow_visible(
    open_context, live_server, workspace, editor
):
    page = open_context(editor).new_page()
    page.goto(f"{live_server.url}/systems/import/")
    page.get_by_label("Workspace").select_option(str(workspace.pk))
    page.get_by_label("File").set_input_files(str(SHOP))
    page.get_by_role("button", name="Import").click()
    page.wait_for_selector("#editor.editor-ready")
    assert "read as OWASP Threat Dragon model" in page.content()
    document = workspace.systems.get().document
    expected = [
        len(document["elements"]),
        len(document.get("boundaries", [])),
        len(document["flows"]),
    ]
    assert page.evaluate(COUNTS) == expected
    assert page.evaluate(HIDDEN) == []
    for name in ("Customer", "Mobile App"):
        element = next(e for e in document["elements"] if e["name"] == name)
        assert page.evaluate(
            "id => window.ciphermapEditor.cy.getElementById(id).visible()", f"e:{element['id']}"
        )


def test_an_empty_boundary_does_not_hide_the_others(open_context, live_server, workspace, owner):
    """Two parallel flows out of a boundary, and an empty boundary the editor must place:
    the shape that left the Threat Dragon shop's Internet boundary hidden."""
    document = {
        "format": "ciphermap/1",
        "name": "Empty boundary",
        "boundaries": [
            {"id": "internet", "kind": "internet"},
            {"id": "cloud", "kind": "internal"},
            {"id": "later", "kind": "internal"},
        ],
        "elements": [
            {
                "id": "user",
                "kind": "user",
                "boundary": "internet",
                "position": {"x": 100, "y": 100},
            },
            {
                "id": "app",
                "kind": "client",
                "boundary": "internet",
                "position": {"x": 100, "y": 250},
            },
            {"id": "api", "kind": "service", "boundary": "cloud", "position": {"x": 450, "y": 150}},
        ],
        "flows": [
            {"id": "browse", "from": "user", "to": "api", "protocol": "https"},
            {"id": "calls", "from": "app", "to": "api", "protocol": "https"},
            {"id": "calls-again", "from": "app", "to": "api", "protocol": "https"},
        ],
    }
    system = make_system(workspace, json.loads(json.dumps(document)))
    page = open_editor(open_context(owner), live_server, system)
    assert page.evaluate(COUNTS) == [3, 3, 3]
    assert page.evaluate(HIDDEN) == []
