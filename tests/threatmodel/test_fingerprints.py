"""Fingerprints depend on the rule and the IDs a finding is about, nothing else, so
review decisions stay attached while the model changes around them."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

from threatmodel import analyze, load

SEED = Path(__file__).resolve().parents[2] / "examples" / "saas-docs.yaml"


def fingerprints(doc: dict) -> dict[str, tuple]:
    return {f.fingerprint: (f.rule, f.subject) for f in analyze(load(doc)).findings}


def seed() -> dict:
    return yaml.safe_load(SEED.read_text())


def test_fingerprints_survive_renaming_every_label():
    doc = seed()
    before = fingerprints(doc)
    renamed = copy.deepcopy(doc)
    renamed["name"] = "Renamed system"
    for section in ("data", "boundaries", "keys", "elements", "flows"):
        for item in renamed[section]:
            item["name"] = f"Renamed {item['id']}"
            item["description"] = "New words"
    assert fingerprints(renamed).keys() == before.keys()


def test_fingerprints_survive_moving_elements_on_the_canvas():
    doc = seed()
    before = fingerprints(doc)
    for index, element in enumerate(doc["elements"]):
        element["position"] = {"x": index * 10, "y": 5}
    assert fingerprints(doc).keys() == before.keys()


def test_an_unrelated_addition_keeps_every_existing_fingerprint():
    doc = seed()
    before = fingerprints(doc)
    doc["elements"].append(
        {"id": "status-page", "kind": "service", "boundary": "aws-prod", "name": "Status"}
    )
    doc["flows"].append(
        {
            "id": "status-probe",
            "from": "status-page",
            "to": "web",
            "protocol": "http",
            "data": ["metrics"],
        }
    )
    after = fingerprints(doc)
    assert before.keys() <= after.keys()
    assert any(rule == "unencrypted-hop" and s == ("status-probe",) for rule, s in after.values())


def test_the_same_weakness_keeps_its_fingerprint_when_its_severity_changes():
    doc = seed()
    hop = next(f for f in analyze(load(doc)).findings if f.subject == ("alb-to-web",))
    for data in doc["data"]:
        data["classification"] = "confidential"
        data["tags"] = []
    again = next(f for f in analyze(load(doc)).findings if f.subject == ("alb-to-web",))
    assert again.fingerprint == hop.fingerprint
    assert again.severity != hop.severity


def test_fixing_a_weakness_removes_only_its_fingerprints():
    doc = seed()
    before = fingerprints(doc)
    flow = next(f for f in doc["flows"] if f["id"] == "web-to-cache")
    flow["protocol"] = "redis-tls"
    after = fingerprints(doc)
    gone = {before[fp] for fp in before.keys() - after.keys()}
    assert ("unencrypted-hop", ("web-to-cache",)) in gone
    assert all("web-to-cache" in subject or rule == "e2e-gap" for rule, subject in gone)
