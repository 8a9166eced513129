"""Creating systems (blank, from an example, by import) and exporting them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile

import threatmodel
from reviews import services
from reviews.models import System
from tests.conftest import client_for, sample_document


def test_creating_a_blank_system(workspace, editor):
    response = client_for(editor).post(
        "/systems/new/", {"workspace": workspace.pk, "name": "Payments API"}
    )
    system = System.objects.get(name="Payments API")
    assert response["Location"] == f"/systems/{system.pk}/"
    assert system.version == 1
    assert system.document["format"] == "ciphermap/1"


def test_creating_a_system_from_an_example(workspace, editor):
    examples = services.example_files()
    if not examples:
        pytest.skip("no examples/*.yaml yet")
    client_for(editor).post(
        "/systems/new/",
        {"workspace": workspace.pk, "name": "From example", "template": examples[0].name},
    )
    system = System.objects.get(name="From example")
    assert system.document["elements"]


def test_example_choices_cannot_point_outside_examples(workspace, editor):
    response = client_for(editor).post(
        "/systems/new/",
        {"workspace": workspace.pk, "name": "Sneaky", "template": "../config/settings.py"},
    )
    assert response.status_code == 200
    assert not System.objects.filter(name="Sneaky").exists()


def test_importing_pasted_yaml(workspace, editor):
    text = yaml.safe_dump(sample_document(name="Pasted"))
    response = client_for(editor).post(
        "/systems/import/", {"workspace": workspace.pk, "text": text}
    )
    system = System.objects.get(name="Pasted")
    assert response["Location"] == f"/systems/{system.pk}/"
    assert system.revisions.get().author == editor


def test_importing_an_uploaded_json_file(workspace, editor):
    upload = SimpleUploadedFile(
        "shop.json", json.dumps(sample_document(name="Uploaded")).encode(), "application/json"
    )
    client_for(editor).post("/systems/import/", {"workspace": workspace.pk, "file": upload})
    assert System.objects.filter(name="Uploaded").exists()


def test_an_invalid_import_creates_nothing_and_says_where(workspace, editor):
    document = sample_document(name="Broken")
    document["flows"][1]["to"] = "ordrs-db"
    response = client_for(editor).post(
        "/systems/import/", {"workspace": workspace.pk, "text": yaml.safe_dump(document)}
    )
    assert response.status_code == 400
    assert b"flows[1].to" in response.content
    assert not System.objects.filter(name="Broken").exists()


def test_an_import_that_is_not_yaml_creates_nothing(workspace, editor):
    response = client_for(editor).post(
        "/systems/import/", {"workspace": workspace.pk, "text": "{ this: is: not yaml ]"}
    )
    assert response.status_code == 400
    assert not System.objects.exists()


def test_an_oversized_upload_is_refused(workspace, editor, settings):
    settings.MAX_MODEL_BYTES = 1000
    upload = SimpleUploadedFile("big.yaml", b"# " + b"x" * 2000, "application/yaml")
    response = client_for(editor).post(
        "/systems/import/", {"workspace": workspace.pk, "file": upload}
    )
    assert response.status_code == 400
    assert b"larger than" in response.content
    assert not System.objects.exists()


def test_an_invalid_import_into_a_system_changes_nothing(system, editor):
    response = client_for(editor).post(
        f"/systems/{system.pk}/reimport/", {"base_version": 1, "text": "format: ciphermap/1\n"}
    )
    assert response.status_code == 400
    system.refresh_from_db()
    assert system.version == 1


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_export_round_trips_through_the_engine(system, viewer, fmt):
    response = client_for(viewer).get(f"/systems/{system.pk}/export.{fmt}")
    assert response["Content-Disposition"] == f'attachment; filename="web-shop.{fmt}"'
    assert threatmodel.load(response.content.decode()) == threatmodel.load(system.document)


def test_export_in_an_unknown_format_is_404(system, owner):
    assert client_for(owner).get(f"/systems/{system.pk}/export.xml").status_code == 404


def test_deleting_a_system_removes_it_and_its_history(system, owner):
    response = client_for(owner).post(f"/systems/{system.pk}/delete/")
    assert response["Location"] == f"/workspaces/{system.workspace.pk}/"
    assert not System.objects.exists()


SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared/samples is not beside the repository")
def test_importing_a_threat_dragon_model(workspace, editor):
    upload = SimpleUploadedFile(
        "three-tier.json",
        (SAMPLES / "threatdragon-three-tier.json").read_bytes(),
        "application/json",
    )
    response = client_for(editor).post(
        "/systems/import/", {"workspace": workspace.pk, "file": upload}
    )
    assert response.status_code == 302, response.content[:2000]
    system = System.objects.get()
    assert system.document["elements"]
    assert system.revisions.get().summary.startswith("created")


def test_problems_in_pasted_yaml_carry_line_numbers(workspace, editor):
    text = "format: ciphermap/1\nname: Lines\nelements:\n  - id: a\n    kind: servce\n"
    response = client_for(editor).post(
        "/systems/import/", {"workspace": workspace.pk, "text": text}
    )
    assert response.status_code == 400
    assert "line 5" in response.content.decode()
