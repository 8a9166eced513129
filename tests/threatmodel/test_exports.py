"""Exports: findings CSV with decisions, the crypto inventory, and the CLI's export."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from threatmodel import analyze, load
from threatmodel.__main__ import main
from threatmodel.exports import EXPORTS
from threatmodel.formats.tables import findings_csv, safe_cell
from threatmodel.inventory import crypto_inventory

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "saas-docs.yaml"


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_cells_a_spreadsheet_would_run_are_quoted():
    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell("@SUM") == "'@SUM"
    assert safe_cell("-1+2") == "'-1+2"
    assert safe_cell("plain") == "plain"
    assert safe_cell(["a", "b"]) == "a; b"
    assert safe_cell(None) == ""


def test_findings_csv_has_every_finding_in_priority_order_with_its_decision():
    findings = analyze(load(SEED)).to_dict()["findings"]
    first = findings[0]
    decided = {first["fingerprint"]: {"state": "false-positive", "reason": "not ours"}}
    table = rows(findings_csv(findings, decided))
    assert [r["fingerprint"] for r in table] == [f["fingerprint"] for f in findings]
    assert (table[0]["decision"], table[0]["reason"]) == ("false-positive", "not ours")
    assert {r["decision"] for r in table[1:]} == {"open"}
    assert rows(findings_csv(findings))[0]["decision"] == ""  # no decisions known


def test_a_hostile_name_stays_text_in_the_csv():
    document = {
        "name": "x",
        "elements": [
            {"id": "a", "kind": "service", "name": "=cmd|' /C calc'!A0"},
            {"id": "b", "kind": "database", "stores": ["d"], "encryption": "none"},
        ],
        "data": [{"id": "d", "classification": "restricted"}],
        "flows": [{"id": "f", "from": "a", "to": "b", "protocol": "http", "data": ["d"]}],
    }
    text = findings_csv(analyze(load(document)).to_dict()["findings"])
    assert "=cmd" in text
    assert all(not cell.startswith("=") for row in csv.reader(io.StringIO(text)) for cell in row)


def test_the_inventory_lists_keys_certificates_and_protocols():
    system = load(SEED)
    inventory = crypto_inventory(system)
    keys = {k.id: k for k in inventory.keys}
    assert set(keys) == {k.id for k in system.keys}
    kek = keys["app-kek"]
    assert (kek.custody, kek.rotation, kek.blast_radius) == (
        "env-var",
        "never (no rotation period)",
        2,
    )
    assert kek.protects == ["documents-bucket", "documents-replica"]
    assert keys["rds-cmk"].holder == "kms"
    certificates = {c.flow: c for c in inventory.certificates}
    assert certificates["browse"].issuer == "public-ca"
    assert certificates["web-to-signing"].days_left == 7  # policy.today 2026-11-28
    protocols = {p.protocol: p for p in inventory.protocols}
    assert protocols["http"].encrypted is False
    assert protocols["http"].tls_min_version == "n/a"
    assert "alb-to-web" in protocols["http"].flows
    assert protocols["https"].encrypted


def test_forward_secrecy_and_minimum_version_say_what_is_unstated():
    document = {
        "name": "tls",
        "elements": [{"id": "a", "kind": "service"}, {"id": "b", "kind": "service"}],
        "flows": [
            {
                "id": "f1",
                "from": "a",
                "to": "b",
                "protocol": "https",
                "tls": {"min_version": "1.3"},
            },
            {
                "id": "f2",
                "from": "b",
                "to": "a",
                "protocol": "https",
                "tls": {"min_version": "1.2", "forward_secrecy": False},
            },
            {"id": "f3", "from": "a", "to": "b", "protocol": "https"},
            {"id": "f4", "from": "a", "to": "b", "protocol": "ssh"},
        ],
    }
    protocols = {p.protocol: p for p in crypto_inventory(load(document)).protocols}
    assert protocols["https"].tls_min_version == "1.2 (1 of 3 unstated)"
    assert protocols["https"].forward_secrecy == "1 of 3 (1 unstated)"
    assert protocols["ssh"].tls_min_version == "n/a"
    certificates = crypto_inventory(load(document)).certificates
    assert [c.flow for c in certificates] == ["f1", "f2", "f3"]  # ssh has no certificate
    assert certificates[2].issuer == "unstated"


def test_the_inventory_is_json_with_the_pci_requirements():
    data = json.loads(json.dumps(crypto_inventory(load(SEED)).to_dict()))
    assert [r["pci_dss"] for r in data["requirements"]] == ["3.6.1.1", "4.2.1.1", "12.3.3"]
    assert data["keys"] and data["certificates"] and data["protocols"]


@pytest.mark.parametrize("export", [e.id for e in EXPORTS])
def test_every_export_runs_from_the_cli(export, tmp_path, capsys):
    output = tmp_path / "out"
    assert main(["export", export, str(SEED), "-o", str(output)]) == 0
    text = output.read_text()
    assert text
    if export.endswith("json") or export in ("otm", "sarif"):
        json.loads(text)
    else:
        assert rows(text)


def test_cli_export_takes_decisions(tmp_path, capsys):
    findings = analyze(load(SEED)).to_dict()["findings"]
    first = findings[0]
    decisions = {
        "format": "ciphermap-decisions/1",
        "system": load(SEED).name,
        "decisions": [
            {
                "fingerprint": first["fingerprint"],
                "rule": first["rule"],
                "subject": first["subject"],
                "state": "false-positive",
                "reason": "test",
            }
        ],
    }
    path = tmp_path / "decisions.json"
    path.write_text(json.dumps(decisions))
    assert main(["export", "findings-csv", str(SEED), "--decisions", str(path)]) == 0
    table = rows(capsys.readouterr().out)
    assert table[0]["decision"] == "false-positive"


def test_cli_export_reads_other_formats(capsys):
    shop = Path(__file__).parent / "fixtures" / "threatdragon-shop.json"
    assert main(["export", "crypto-inventory-json", str(shop), "--today", "2026-01-01"]) == 0
    assert json.loads(capsys.readouterr().out)["as_of"] == date(2026, 1, 1).isoformat()
