"""The web import detects the format, says which one it read, and shows the importer's
own message for a format it cannot read."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from reviews.models import System
from tests.conftest import client_for

FIXTURES = Path(__file__).resolve().parents[1] / "threatmodel" / "fixtures"


def upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes(), "application/octet-stream")


def test_a_threat_dragon_upload_says_what_it_was_read_as(workspace, editor):
    response = client_for(editor).post(
        "/systems/import/",
        {"workspace": workspace.pk, "file": upload(FIXTURES / "threatdragon-shop.json")},
        follow=True,
    )
    assert response.status_code == 200
    assert "Imported Shop, read as OWASP Threat Dragon model (version 2.3.0)." in (
        response.content.decode()
    )
    assert System.objects.get().document["elements"]


def test_an_unsupported_format_shows_one_line_and_creates_nothing(workspace, editor):
    response = client_for(editor).post(
        "/systems/import/",
        {"workspace": workspace.pk, "file": upload(FIXTURES / "formats" / "tm-bom.json")},
    )
    assert response.status_code == 400
    problems = response.context["problems"]
    assert len(problems) == 1
    assert problems[0].message.startswith("TM-BOM (OWASP Threat Model Library) file")
    assert "unknown field" not in response.content.decode()
    assert not System.objects.exists()


def test_an_unsupported_format_into_a_system_changes_nothing(system, editor):
    response = client_for(editor).post(
        f"/systems/{system.pk}/reimport/",
        {"base_version": 1, "file": upload(FIXTURES / "formats" / "diagram.drawio")},
    )
    assert response.status_code == 400
    assert response.context["problems"][0].message.startswith("draw.io diagram: ")
    system.refresh_from_db()
    assert system.version == 1


def test_a_new_version_says_what_it_was_read_as(system, editor):
    response = client_for(editor).post(
        f"/systems/{system.pk}/reimport/",
        {"base_version": 1, "file": upload(FIXTURES / "threatdragon-shop.json")},
    )
    assert "Read as OWASP Threat Dragon model" in response.content.decode()
    system.refresh_from_db()
    assert system.version == 1  # the preview saves nothing


def test_the_form_names_the_formats_it_reads(editor):
    content = client_for(editor).get("/systems/import/").content.decode()
    assert "OWASP Threat Dragon model" in content


def test_threagile_risk_tracking_becomes_decisions(workspace, editor):
    from reviews.models import Decision

    fixture = FIXTURES / "threagile" / "shop.yaml"
    response = client_for(editor).post(
        "/systems/import/", {"workspace": workspace.pk, "file": upload(fixture)}, follow=True
    )
    content = response.content.decode()
    assert "read as Threagile model (version 1.0.0)" in content
    system = System.objects.get()
    decisions = Decision.objects.filter(system=system)
    # "unencrypted-communication@*: false-positive" matches every unencrypted-hop finding.
    hops = [f for f in system.analysis["findings"] if f["rule"] == "unencrypted-hop"]
    assert hops
    assert {d.fingerprint for d in decisions if d.state == "false-positive"} == {
        f["fingerprint"] for f in hops
    }
    event = decisions.filter(state="false-positive").first().events.first()
    assert event.source == "import"
    assert "Threagile risk tracking: false-positive" in event.note
    assert f"Recorded {decisions.count()} decision" in content


def test_matching_needs_every_named_id():
    from reviews.imports import matching_findings

    findings = [
        {"rule": "unencrypted-hop", "subject": ["a-b"], "path": ["a", "b"], "fingerprint": "1"},
        {"rule": "unencrypted-hop", "subject": ["b-c"], "path": ["b", "c"], "fingerprint": "2"},
        {"rule": "unencrypted-store", "subject": ["a"], "path": [], "fingerprint": "3"},
    ]

    def matched(match):
        proposal = {"rule": "unencrypted-hop", "match": match}
        return [f["fingerprint"] for f in matching_findings(findings, proposal)]

    assert matched(["*"]) == ["1", "2"]
    assert matched(["b"]) == ["1", "2"]
    assert matched(["a", "b"]) == ["1"]
    assert matched(["a", "c"]) == []


def test_every_export_downloads_with_a_file_name(system, viewer):
    from threatmodel.exports import EXPORTS

    client = client_for(viewer)
    page = client.get(f"/systems/{system.pk}/").content.decode()
    for export in EXPORTS:
        assert f"/systems/{system.pk}/download/{export.id}" in page
        response = client.get(f"/systems/{system.pk}/download/{export.id}")
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="web-shop{export.suffix}"'
        assert response.content
    assert client.get(f"/systems/{system.pk}/download/pdf").status_code == 404


def test_the_findings_csv_download_carries_decisions(system, owner):
    import csv
    import io

    from reviews.decisions import record_decision

    finding = system.analysis["findings"][0]
    record_decision(
        system, finding["fingerprint"], "false-positive", actor=owner, reason="Not ours"
    )
    text = client_for(owner).get(f"/systems/{system.pk}/download/findings-csv").content.decode()
    rows = {r["fingerprint"]: r for r in csv.DictReader(io.StringIO(text))}
    assert rows[finding["fingerprint"]]["decision"] == "false-positive"
    assert rows[finding["fingerprint"]]["reason"] == "Not ours"


def test_the_otm_download_imports_back_as_the_same_system(system, owner):
    import threatmodel
    from threatmodel.formats.detect import read_model

    text = client_for(owner).get(f"/systems/{system.pk}/download/otm").content
    imported = read_model(text)
    assert imported.format.id == "otm"
    assert threatmodel.load(imported.document) == threatmodel.load(system.document)


def test_the_crypto_inventory_page_lists_keys_certificates_and_protocols(owner, workspace):
    from tests.conftest import make_system

    document = {
        "format": "ciphermap/1",
        "name": "Keys",
        "keys": [{"id": "kek", "type": "kek", "custody": "kms", "name": "<b>Master</b>"}],
        "elements": [{"id": "a", "kind": "service"}, {"id": "b", "kind": "service"}],
        "flows": [{"id": "f", "from": "a", "to": "b", "protocol": "https"}],
    }
    system = make_system(workspace, document)
    response = client_for(owner).get(f"/systems/{system.pk}/crypto-inventory/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "&lt;b&gt;Master&lt;/b&gt;" in content  # escaped
    assert "3.6.1.1" in content and "https" in content
    assert f"/systems/{system.pk}/download/crypto-inventory-csv" in content
