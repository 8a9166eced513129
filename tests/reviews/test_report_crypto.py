"""The report's cryptographic inventory section (PCI DSS 4.0.1 3.6.1.1, 4.2.1.1, 12.3.3)."""

from __future__ import annotations

from pathlib import Path

import threatmodel
from reviews.report.crypto import build_crypto_inventory
from reviews.report.render import build_report, render_report_html

SEED = Path(__file__).resolve().parents[2] / "examples" / "saas-docs.yaml"


def report_of(model):
    return build_report(system_name="", revision=1, model=model)


def test_the_section_lists_keys_certificates_and_protocols():
    report = report_of(threatmodel.load(SEED))
    data = build_crypto_inventory(report)
    keys = {k["label"]: k for k in data["keys"]}
    kek = keys["Application master key [app-kek]"]
    assert (kek["custody"], kek["blast_radius"]) == ("env-var", 2)
    assert "Documents bucket" in kek["protects"] and "used by Web app" in kek["protects"]
    assert any(c["issuer"] == "self-signed" or c["issuer"] for c in data["certificates"])
    assert {p["protocol"] for p in data["protocols"]} >= {"https", "http"}


def test_the_section_is_in_the_report_with_the_pci_requirements():
    html = render_report_html(report_of(threatmodel.load(SEED)))
    assert "Cryptographic inventory" in html
    assert "3.6.1.1" in html and "4.2.1.1" in html and "12.3.3" in html
    assert 'id="crypto-keys"' in html


def test_a_model_without_crypto_facts_has_no_section():
    report = report_of({"name": "Empty"})
    assert build_crypto_inventory(report) is None


def test_key_names_are_escaped_in_the_section():
    document = {
        "name": "x",
        "keys": [{"id": "k", "type": "dek", "name": "<script>alert(1)</script>"}],
    }
    html = render_report_html(report_of(document))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_certificates_are_listed_once_per_receiver_and_certificate():
    tls = {"certificate": "public-ca", "cert_expires": "2027-03-01", "auto_renew": True}
    document = {
        "name": "x",
        "elements": [
            {"id": "web", "kind": "service", "name": "Web app"},
            {"id": "worker", "kind": "service", "name": "Worker"},
            {"id": "api", "kind": "service", "name": "API"},
        ],
        "flows": [
            {"id": "a", "from": "web", "to": "api", "protocol": "https", "tls": tls},
            {
                "id": "b",
                "from": "worker",
                "to": "api",
                "protocol": "grpcs",
                "name": "Jobs",
                "tls": tls | {"mutual": True},
            },
            # Another certificate on the same receiver: a row of its own.
            {
                "id": "c",
                "from": "worker",
                "to": "api",
                "protocol": "https",
                "tls": tls | {"cert_expires": "2026-01-01"},
            },
        ],
    }
    rows = build_crypto_inventory(report_of(document))["certificates"]
    assert [(r["label"], r["count"], r["expires"]) for r in rows] == [
        ("API", 2, "2027-03-01"),
        ("API", 1, "2026-01-01"),
    ]
    assert rows[0]["flows"] == "from Web app, Jobs (from Worker)"
    assert (rows[0]["protocol"], rows[0]["mutual"]) == ("https, grpcs", 1)
    assert rows[1]["past"] is True
