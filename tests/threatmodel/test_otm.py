"""OTM 0.2 in and out: the spec's loose spots, kinds through the table, and round trips."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import threatmodel
from threatmodel import analyze, load
from threatmodel.formats import otm
from threatmodel.formats.detect import read_model

FIXTURE = Path(__file__).parent / "fixtures" / "otm" / "loose.json"
EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))
SAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "samples"


@pytest.fixture(scope="module")
def loose():
    return load(read_model(FIXTURE).document)


def by_id(items):
    return {item.id: item for item in items}


def test_it_is_detected(loose):
    assert read_model(FIXTURE).label == "Open Threat Model (OTM) file (version 0.2.0)"
    assert loose.name == "Loose OTM"
    assert "Owner: Ann" in loose.description


def test_confidentiality_scores_become_classifications(loose):
    assert {d.id: d.classification for d in loose.data} == {
        "cards": "restricted",
        "profiles": "confidential",
        "menu": "public",
    }
    assert "integrity 80" in by_id(loose.data)["cards"].description


def test_lowercase_trustzones_are_read_and_nest(loose):
    boundaries = by_id(loose.boundaries)
    assert boundaries["db-zone"].parent == "cloud"
    internet = next(b for b in loose.boundaries if b.name == "Internet")
    assert internet.kind == "internet"
    assert internet.id == "internet"  # "Internet Zone" is no valid ID: slugged from the name


def test_component_types_go_through_the_table(loose):
    kinds = {e.id: e.kind for e in loose.elements}
    assert kinds == {
        "app": "client",
        "api": "gateway",
        "orders": "service",
        "db": "database",
        "bucket": "object-store",
        "q": "broker",
    }
    assert "'cd-api-gateway': imported as 'gateway'" in by_id(loose.elements)["api"].description


def test_a_component_inside_another_sits_in_its_zone(loose):
    assert by_id(loose.elements)["orders"].boundary == "cloud"


def test_stored_assets_and_positions(loose):
    elements = by_id(loose.elements)
    assert list(elements["db"].stores) == ["cards", "profiles"]
    position = elements["app"].position
    assert (position.x, position.y) == (30, 50)  # the centre of the drawn box


def test_target_or_destination_and_bidirectional_flows(loose):
    flows = {(f.source, f.target) for f in loose.flows}
    assert {("api", "orders"), ("orders", "api"), ("app", "api"), ("orders", "db")} == flows
    assert "Broken" in loose.description  # the flow to nowhere is said, not dropped silently


def test_a_protocol_tag_is_read_and_said(loose):
    calls = next(f for f in loose.flows if f.name == "Calls")
    assert calls.protocol == "https"
    assert "tag 'https'" in calls.description


def test_attributes_as_a_list_of_pairs_are_read():
    assert otm._attributes([{"name": "a", "value": 1}, {"key": "b", "value": 2}, {"c": 3}]) == {
        "a": 1,
        "b": 2,
        "c": 3,
    }
    assert otm._attributes({"a": 1}) == {"a": 1}
    assert otm._attributes(None) == {}


def test_the_otm_example_imports():
    path = SAMPLES / "otm-example.json"
    if not path.exists():
        pytest.skip("shared sample otm-example.json is not available")
    system = load(read_model(path).document)
    assert system.name == "Test project"
    assert len(system.elements) == 4
    assert len(system.flows) == 4  # two bidirectional dataflows
    assert {d.id: d.classification for d in system.data} == {
        "cc-data": "restricted",
        "public-info": "public",
    }
    assert "Threat 1 on Web Service (exposed; mitigations: This is the name of mitigation 1" in (
        system.description
    )
    assert by_id(system.elements)["web-client"].kind == "client"


# -- export and round trips ---------------------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_export_then_import_gives_the_same_model(example):
    system = load(example)
    document = threatmodel.to_document(system)
    exported = otm.to_otm(document, analyze(system).to_dict()["findings"])
    text = json.dumps(exported)
    again = load(read_model(text).document)
    assert threatmodel.to_document(again) == document
    assert again == system


def test_export_holds_what_otm_can_in_its_own_fields():
    document = threatmodel.to_document(load(EXAMPLES[0]))
    document["elements"][0]["position"] = {"x": 120.5, "y": 80}
    exported = otm.to_otm(document)
    assert load(read_model(json.dumps(exported)).document).elements[0].position.x == 120.5
    for section, required in (
        ("trustZones", ("id", "name", "risk")),
        ("components", ("id", "name", "type", "parent")),
        ("dataflows", ("id", "name", "source", "destination")),
        ("assets", ("id", "name", "risk")),
    ):
        for item in exported[section]:
            assert all(key in item for key in required), (section, item)
    assert exported["otmVersion"] == "0.2.0"
    positioned = [c for c in exported["components"] if c.get("representations")]
    assert positioned and positioned[0]["representations"][0]["representation"] == otm.DIAGRAM


def test_findings_and_decisions_travel_as_threats_and_come_back_as_decisions():
    system = load(EXAMPLES[-1])
    findings = analyze(system).to_dict()["findings"]
    first = next(f for f in findings if f["rule"] == "unencrypted-hop")
    decided = {
        first["fingerprint"]: {
            "state": "accept",
            "justification": "Inside one VPC",
            "expires": dt.date(2027, 6, 1),
        }
    }
    exported = otm.to_otm(threatmodel.to_document(system), findings, decided)
    assert len(exported["threats"]) == len(findings)
    imported = read_model(json.dumps(exported))
    assert "Threats recorded in OTM" not in imported.document.get("description", "")
    (proposal,) = imported.decisions
    assert proposal["rule"] == "unencrypted-hop"
    assert proposal["state"] == "accept"
    assert proposal["expires"] == dt.date(2027, 6, 1)
    assert proposal["justification"] == "Inside one VPC"
    assert proposal["match"] == list(first["subject"])


def test_ciphermap_documents_round_trip_through_their_own_format():
    for example in EXAMPLES:
        system = load(example)
        for fmt in ("yaml", "json"):
            assert load(read_model(threatmodel.dump(system, fmt)).document) == system
