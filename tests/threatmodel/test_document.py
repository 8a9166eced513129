"""to_document and dump: the canonical document, and load(to_document(s)) == s."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from threatmodel.document import dump, to_document
from threatmodel.load import load
from threatmodel.model import Element, Flow, System, Tls

from .strategies import documents

FIXTURE = Path(__file__).parent / "fixtures" / "checkout.yaml"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_defaults_are_left_out_and_sections_keep_their_order():
    system = System(
        name="Tiny",
        elements=(Element(id="api", kind="service"), Element(id="db", kind="database")),
        flows=(Flow(id="q", source="api", target="db", protocol="postgres"),),
    )
    assert to_document(system) == {
        "format": "ciphermap/1",
        "name": "Tiny",
        "elements": [{"id": "api", "kind": "service"}, {"id": "db", "kind": "database"}],
        "flows": [{"id": "q", "from": "api", "to": "db", "protocol": "postgres"}],
    }


def test_the_fixture_document_is_canonical():
    document = to_document(load(FIXTURE))
    assert list(document) == [
        "format",
        "name",
        "description",
        "policy",
        "data",
        "boundaries",
        "keys",
        "elements",
        "flows",
    ]
    assert document["policy"] == {"today": "2026-11-28"}  # 90 days is the default
    assert document["data"][1] == {"id": "telemetry"}  # internal is the default
    checkout = document["flows"][0]
    assert list(checkout)[:3] == ["id", "from", "to"]
    assert checkout["tls"]["cert_expires"] == "2027-03-01"
    assert document["flows"][1]["tls"] == {}  # an empty tls block still says "TLS"
    assert document["elements"][0]["position"] == {"x": 10, "y": 20.5}
    assert list(document["elements"][0]) == ["id", "kind", "name", "boundary", "position"]


def test_the_document_is_json_ready():
    document = to_document(load(FIXTURE))
    assert json.loads(json.dumps(document)) == document


def test_a_tls_block_with_every_default_survives_the_round_trip():
    system = System(
        name="x",
        elements=(Element(id="a", kind="service"), Element(id="b", kind="service")),
        flows=(Flow(id="f", source="a", target="b", protocol="https", tls=Tls()),),
    )
    assert load(to_document(system)) == system


def test_dump_writes_yaml_that_loads_back():
    system = load(FIXTURE)
    text = dump(system)
    assert text.startswith("format: ciphermap/1\nname: Checkout platform\n")
    assert "  - id: card\n" in text  # lists indented like MODEL.md
    assert "tags: [pan]" in text
    assert "today: 2026-11-28\n" in text  # a date, not a quoted string
    assert load(text) == system


def test_dump_writes_json_that_loads_back():
    system = load(FIXTURE)
    text = dump(system, "json")
    assert json.loads(text) == to_document(system)
    assert text.endswith("}\n")
    assert load(text) == system


def test_multi_line_descriptions_are_written_as_blocks():
    system = System(name="x", description="First line.\nSecond line.")
    text = dump(system)
    assert "description: |-\n  First line.\n  Second line.\n" in text
    assert load(text) == system


def test_dump_refuses_an_unknown_format():
    with pytest.raises(ValueError, match="unknown format 'xml'"):
        dump(System(name="x"), "xml")  # type: ignore[arg-type]


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_example_round_trips(path):
    system = load(path)
    assert load(to_document(system)) == system
    assert load(dump(system)) == system
    assert yaml.safe_load(dump(system, "json")) == to_document(system)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_any_valid_document_round_trips(document):
    system = load(document)
    assert load(to_document(system)) == system
    assert load(dump(system)) == system
    assert to_document(load(to_document(system))) == to_document(system)
