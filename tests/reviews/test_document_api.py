"""The editor's JSON endpoint: GET and POST /systems/<pk>/document.json (CONTRACT.md)."""

from __future__ import annotations

import datetime
import json

from django.utils import timezone

from reviews.models import System
from tests.conftest import client_for, csrf_client_for, make_system, sample_document


def _save(user, system, body, client=None, **headers):
    client = client or client_for(user)
    return client.post(
        f"/systems/{system.pk}/document.json",
        body if isinstance(body, str | bytes) else json.dumps(body),
        content_type="application/json",
        headers=headers,
    )


def test_get_returns_version_document_and_analysis(system, viewer):
    data = client_for(viewer).get(f"/systems/{system.pk}/document.json").json()
    assert data["version"] == 1
    assert data["document"]["name"] == "Web shop"
    findings = data["analysis"]["findings"]
    assert [f["fingerprint"] for f in findings] == [
        f["fingerprint"] for f in system.analysis["findings"]
    ]
    assert set(findings[0]) == {"fingerprint", "rule", "severity", "title", "subject", "flows"}


def test_post_saves_a_new_version(system, editor):
    document = sample_document()
    document["elements"][0]["position"] = {"x": 100, "y": 50}
    response = _save(editor, system, {"base_version": 1, "document": document, "summary": "moved"})
    assert response.status_code == 200
    data = response.json()
    assert data["version"] == 2
    assert data["document"]["elements"][0]["position"] == {"x": 100, "y": 50}
    system.refresh_from_db()
    assert system.version == 2
    assert system.revisions.get(version=2).summary == "moved browser"


def test_an_invalid_document_is_400_with_located_errors_and_saves_nothing(system, editor):
    document = sample_document()
    document["flows"][0]["to"] = "ordrs-db"
    response = _save(editor, system, {"base_version": 1, "document": document})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert any(e["location"] == "flows[0].to" for e in errors)
    assert set(errors[0]) == {"location", "message", "line"}
    assert System.objects.get(pk=system.pk).version == 1


def _dragged(user, system, position) -> dict:
    """The editor's save after a drag: the document it was given, one element moved."""
    current = client_for(user).get(f"/systems/{system.pk}/document.json").json()
    current["document"]["elements"][1]["position"] = position
    return {"base_version": current["version"], "document": current["document"]}


def test_a_drag_is_answered_with_the_document_and_without_the_findings_it_kept(system, editor):
    response = _save(editor, system, _dragged(editor, system, {"x": 12, "y": 34.5}))
    assert response.status_code == 200
    data = response.json()
    assert data["version"] == 2
    assert data["document"]["elements"][1]["position"] == {"x": 12, "y": 34.5}
    assert "analysis" not in data  # the editor keeps the findings it has
    stored = System.objects.get(pk=system.pk)
    assert stored.revisions.get(version=2).summary == "moved api"
    assert stored.analysis == system.analysis
    assert stored.counts == system.counts


def test_a_drag_on_the_day_after_is_analysed_again_and_answered_with_the_findings(
    workspace, editor
):
    document = sample_document()
    del document["policy"]  # analysed as of the day it was saved
    system = make_system(workspace, document)
    body = _dragged(editor, system, {"x": 1, "y": 2})
    System.objects.filter(pk=system.pk).update(
        analyzed_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    response = _save(editor, system, body)
    assert response.status_code == 200
    assert response.json()["analysis"]["findings"]
    assert System.objects.get(pk=system.pk).analyzed_on == timezone.localdate()


def test_a_change_beside_a_drag_is_answered_with_the_new_findings(system, editor):
    body = _dragged(editor, system, {"x": 1, "y": 2})
    body["document"]["flows"][0]["protocol"] = "http"
    data = _save(editor, system, body).json()
    assert data["version"] == 2
    fingerprints = {f["fingerprint"] for f in data["analysis"]["findings"]}
    assert fingerprints != {f["fingerprint"] for f in system.analysis["findings"]}


def test_a_drag_to_a_bad_position_is_400_at_its_field(system, editor):
    response = _save(editor, system, _dragged(editor, system, {"x": 12, "y": None}))
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "location": "elements[1].position.y",
            "message": "expected a number, got nothing",
            "line": None,
        },
        {
            "location": "elements[1].position.y",
            "message": "missing required field 'y'",
            "line": None,
        },
    ]
    assert System.objects.get(pk=system.pk).version == 1


def test_a_drag_from_a_stale_version_is_409(system, owner, editor):
    body = _dragged(editor, system, {"x": 1, "y": 1})
    assert _save(owner, system, _dragged(owner, system, {"x": 2, "y": 2})).status_code == 200
    response = _save(editor, system, body)
    assert response.status_code == 409
    assert response.json()["document"]["elements"][1]["position"] == {"x": 2, "y": 2}
    assert System.objects.get(pk=system.pk).version == 2


def test_a_stale_base_version_is_409_with_the_current_document(system, owner, editor):
    _save(owner, system, {"base_version": 1, "document": sample_document(name="First")})
    response = _save(
        editor, system, {"base_version": 1, "document": sample_document(name="Second")}
    )
    assert response.status_code == 409
    data = response.json()
    assert data["version"] == 2
    assert data["document"]["name"] == "First"
    assert "analysis" in data and data["error"]
    assert System.objects.get(pk=system.pk).name == "First"


def test_malformed_bodies_are_400(system, editor):
    for body in [
        "not json",
        json.dumps({"document": {}}),
        json.dumps({"base_version": "1", "document": {}}),
    ]:
        response = _save(editor, system, body)
        assert response.status_code == 400
        assert response.json()["errors"]
    assert System.objects.get(pk=system.pk).version == 1


def test_oversized_bodies_are_refused(system, editor, settings):
    settings.MAX_MODEL_BYTES = 500
    response = _save(
        editor, system, {"base_version": 1, "document": sample_document(description="x" * 600)}
    )
    assert response.status_code == 413
    assert System.objects.get(pk=system.pk).version == 1


def test_post_needs_the_csrf_header(system, editor):
    client = csrf_client_for(editor)
    body = {"base_version": 1, "document": sample_document(name="No token")}
    assert _save(editor, system, body, client=client).status_code == 403
    client.get(f"/systems/{system.pk}/")
    token = client.cookies["csrftoken"].value
    response = _save(editor, system, body, client=client, **{"X-CSRFToken": token})
    assert response.status_code == 200
    assert System.objects.get(pk=system.pk).name == "No token"
