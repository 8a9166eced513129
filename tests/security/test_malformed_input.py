"""Small malformed input gets a clear 400 at its field, never a 500, and changes nothing.

The editor's JSON API, the import page (paste and file) and the forms all go through
the engine's parser and loader."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reviews.models import Revision, System
from tests.conftest import client_for, sample_document

NINES = "9" * 5000


def save(client, system, body: str | bytes):
    return client.post(f"/systems/{system.pk}/document.json", body, content_type="application/json")


def envelope(document_json: str, base_version: int = 1) -> str:
    return f'{{"base_version": {base_version}, "document": {document_json}}}'


def with_name(name_json: str) -> str:
    document = json.dumps(sample_document())
    return document.replace('"name": "Web shop"', f'"name": {name_json}', 1)


def unchanged(system) -> bool:
    fresh = System.objects.get(pk=system.pk)
    return (
        fresh.version == system.version
        and fresh.document == system.document
        and (Revision.objects.filter(system=system).count() == 1)
    )


HOSTILE_DOCUMENTS = {
    "nested 10,000 deep": with_name("[" * 10_000 + "]" * 10_000),
    "a 5,000-digit integer": json.dumps(sample_document()).replace(
        '"today": "2026-11-28"', f'"today": "2026-11-28", "blast_radius": {NINES}'
    ),
    "a lone surrogate": with_name('"Shop \\ud800"'),
    "a NUL character": with_name('"Shop\\u0000"'),
    "a 201-character name": with_name(json.dumps("N" * 201)),
    "a bidi override": with_name('"gpj\\u202e.exe"'),
    "a duplicate key": with_name('"A", "name": "B"'),
}
WHERE = {
    "a 5,000-digit integer": "policy.blast_radius",
    "a lone surrogate": "name",
    "a NUL character": "name",
    "a 201-character name": "name",
    "a bidi override": "name",
    "a duplicate key": "name",
}


@pytest.mark.parametrize("case", HOSTILE_DOCUMENTS, ids=str)
def test_the_editor_api_refuses_it_at_its_field(case, editor, system):
    response = save(client_for(editor), system, envelope(HOSTILE_DOCUMENTS[case]))
    assert response.status_code == 400, response.content[:300]
    errors = response.json()["errors"]
    assert errors and all(e["message"] for e in errors)
    if case in WHERE:
        assert WHERE[case] in [e["location"] for e in errors], errors
    assert unchanged(system)


@pytest.mark.parametrize(
    "body",
    [
        "[" * 10_000 + "]" * 10_000,
        '{"base_version": true, "document": {}}',
        '{"base_version": 1}',
        '{"base_version": 1, "document": [1]}',
        '{"base_version": 1, "document": {"format": "ciphermap/1", "name": "x"',
        b'{"base_version": 1, "document": "\xff\xfe"}',
        "",
    ],
    ids=["deep envelope", "bool version", "no document", "list", "truncated", "not utf-8", "empty"],
)
def test_the_editor_api_refuses_a_broken_envelope(body, editor, system):
    response = save(client_for(editor), system, body)
    assert response.status_code == 400
    assert response.json()["errors"]
    assert unchanged(system)


def test_the_editor_api_refuses_a_50_mb_body_with_its_own_message(editor, system):
    body = envelope(with_name(json.dumps("x" * (50 * 1024 * 1024))))
    response = save(client_for(editor), system, body)
    assert response.status_code == 413
    assert "larger than the" in response.json()["errors"][0]["message"]
    assert unchanged(system)


@pytest.mark.parametrize("case", HOSTILE_DOCUMENTS, ids=str)
def test_the_import_page_refuses_it(case, editor, workspace):
    response = client_for(editor).post(
        "/systems/import/", {"workspace": workspace.pk, "text": HOSTILE_DOCUMENTS[case]}
    )
    assert response.status_code == 400
    assert not System.objects.exists()


@pytest.mark.parametrize("case", HOSTILE_DOCUMENTS, ids=str)
def test_importing_a_version_refuses_it(case, editor, system):
    upload = SimpleUploadedFile("model.json", HOSTILE_DOCUMENTS[case].encode())
    response = client_for(editor).post(
        f"/systems/{system.pk}/reimport/", {"base_version": 1, "file": upload}
    )
    assert response.status_code == 400
    assert unchanged(system)


def test_a_5000_digit_integer_is_shown_at_its_line(editor, workspace):
    text = f"format: ciphermap/1\nname: Shop\npolicy:\n  blast_radius: {NINES}\n"
    response = client_for(editor).post(
        "/systems/import/", {"workspace": workspace.pk, "text": text}
    )
    page = response.content.decode()
    assert "policy.blast_radius" in page and "5,000 digits" in page


def test_a_threat_dragon_file_with_duplicate_keys_is_refused(editor, workspace):
    text = (
        '{"summary": {"title": "TD"}, "summary": {"title": "Other"}, '
        '"detail": {"diagrams": []}, "version": "2.2.0"}'
    )
    response = client_for(editor).post(
        "/systems/import/", {"workspace": workspace.pk, "text": text}
    )
    assert response.status_code == 400
    assert "duplicate key" in response.content.decode()
    assert not System.objects.exists()


@pytest.mark.parametrize("url", ["/systems/import/", "/systems/{s}/reimport/"])
def test_a_50_mb_paste_gets_the_page_own_message(url, editor, system):
    response = client_for(editor).post(
        url.format(s=system.pk),
        {"workspace": system.workspace.pk, "base_version": 1, "text": "x" * (50 * 1024 * 1024)},
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "larger than the 2048 KB limit" in page
    assert "<form" in page  # the import page itself, to try again
    assert System.objects.count() == 1 and unchanged(system)


def test_a_50_mb_paste_into_someone_else_system_is_still_404(outsider, system):
    response = client_for(outsider).post(
        f"/systems/{system.pk}/reimport/", {"base_version": 1, "text": "x" * (50 * 1024 * 1024)}
    )
    assert response.status_code == 404


def test_other_oversized_posts_keep_django_plain_400(editor, system):
    response = client_for(editor).post(
        f"/systems/{system.pk}/settings/", {"base_version": 1, "name": "x" * (5 * 1024 * 1024)}
    )
    assert response.status_code == 400
