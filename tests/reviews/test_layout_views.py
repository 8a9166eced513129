"""The editor gets its automatic layout from the server: the one the PDF draws."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache

import threatmodel
from reviews.diagram_style import editor_style
from reviews.layout import editor_positions, graphviz_available
from tests.conftest import client_for, sample_document

pytestmark = pytest.mark.skipif(not graphviz_available(), reason="Graphviz is not installed")


@pytest.fixture(autouse=True)
def _no_cached_layouts():
    """Layouts are cached by document; these tests count and break Graphviz runs."""
    cache.clear()


def _editor_data(response) -> dict:
    html = response.content.decode()
    start = html.index('<script id="editor-data" type="application/json">') + len(
        '<script id="editor-data" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


def test_arrange_gets_the_layout_the_pdf_draws(owner, system):
    response = client_for(owner).get(f"/systems/{system.pk}/layout.json")
    assert response.status_code == 200
    body = response.json()
    expected = editor_positions(threatmodel.load(system.document))
    assert body["positions"] == expected["positions"]
    assert set(body["positions"]) == {e["id"] for e in system.document["elements"]}
    assert body["version"] == system.version


def test_a_viewer_may_arrange_for_a_look_but_an_outsider_sees_nothing(viewer, outsider, system):
    assert client_for(viewer).get(f"/systems/{system.pk}/layout.json").status_code == 200
    assert client_for(outsider).get(f"/systems/{system.pk}/layout.json").status_code == 404


def test_a_model_with_unplaced_elements_opens_with_the_automatic_layout(owner, system):
    client = client_for(owner)
    data = _editor_data(client.get(f"/systems/{system.pk}/"))
    assert data["diagram"] == json.loads(json.dumps(editor_style()))
    assert data["unplaced"] is True
    layout = client.get(data["urls"]["layout"]).json()
    assert layout["positions"].keys() == {e["id"] for e in system.document["elements"]}


def test_a_placed_model_opens_as_it_was_placed(owner, workspace):
    from tests.conftest import make_system

    document = sample_document()
    for n, element in enumerate(document["elements"]):
        element["position"] = {"x": 200 * n, "y": 0}
    system = make_system(workspace, document, author=owner)
    data = _editor_data(client_for(owner).get(f"/systems/{system.pk}/"))
    assert data["unplaced"] is False


def test_without_graphviz_arrange_says_why(owner, system, monkeypatch):
    monkeypatch.setattr("reviews.layout.shutil.which", lambda _name: None)
    response = client_for(owner).get(f"/systems/{system.pk}/layout.json")
    assert response.status_code == 503
    assert "graphviz" in response.json()["error"].lower()


def test_a_version_is_laid_out_once_and_a_new_version_again(owner, system, monkeypatch):
    from reviews import layout, services

    calls = []
    real = layout.editor_positions
    monkeypatch.setattr(layout, "editor_positions", lambda model: calls.append(1) or real(model))
    client = client_for(owner)
    first = client.get(f"/systems/{system.pk}/layout.json").json()
    assert client.get(f"/systems/{system.pk}/layout.json").json() == first
    assert len(calls) == 1
    document = dict(system.document, description="Moved on")
    services.save_document(system, document, base_version=system.version, author=owner)
    assert client.get(f"/systems/{system.pk}/layout.json").json()["version"] == 2
    assert len(calls) == 2


def test_two_systems_share_a_layout_only_when_their_documents_are_the_same(owner, workspace):
    from tests.conftest import make_system

    client = client_for(owner)
    one = make_system(workspace, author=owner)
    other = sample_document()
    other["elements"][0]["id"] = "front"
    for flow in other["flows"]:
        for end in ("from", "to"):
            if flow[end] == sample_document()["elements"][0]["id"]:
                flow[end] = "front"
    two = make_system(workspace, other, author=owner)
    first = client.get(f"/systems/{one.pk}/layout.json").json()["positions"]
    second = client.get(f"/systems/{two.pk}/layout.json").json()["positions"]
    assert "front" in second and "front" not in first
