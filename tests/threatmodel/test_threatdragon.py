"""Importing OWASP Threat Dragon models, and recognising formats on upload."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from threatmodel import analyze
from threatmodel.document import dump
from threatmodel.document import to_document as canonical
from threatmodel.formats import import_model, threatdragon
from threatmodel.formats.threatdragon import is_threat_dragon, to_document
from threatmodel.load import SLUG, ModelError, load

FIXTURES = Path(__file__).parent / "fixtures"
SHOP = FIXTURES / "threatdragon-shop.json"
SAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "samples"


@pytest.fixture(scope="module")
def shop():
    """The fixture imported and loaded: the import must always produce a valid document."""
    return load(to_document(json.loads(SHOP.read_text())))


def by_id(items):
    return {item.id: item for item in items}


def test_the_summary_becomes_the_name_and_description(shop):
    assert shop.name == "Shop"
    lines = shop.description.splitlines()
    assert lines[:4] == ["A small shop.", "Owner: Team A", "Reviewer: Bob", "Contributors: Ann"]
    assert "Note on the Threat Dragon diagram: Remember the cache" in lines


def test_shapes_map_onto_element_kinds(shop):
    kinds = {e.id: e.kind for e in shop.elements}
    assert kinds == {
        "customer": "user",
        "mobile-app": "client",
        "api-gateway": "gateway",
        "orders": "service",
        "orders-db": "database",
        "events-queue": "broker",
        "orders-2": "service",
    }
    assert "guessed from the name" in by_id(shop.elements)["events-queue"].description


def test_names_become_unique_valid_ids_and_labels(shop):
    ids = [e.id for e in shop.elements] + [f.id for f in shop.flows]
    assert all(SLUG.match(i) for i in ids)
    elements = by_id(shop.elements)
    assert elements["orders"].name == elements["orders-2"].name == "Orders"
    assert elements["events-queue"].name == "Events Queue"  # the manual line break is gone


def test_boxes_become_nested_boundaries_by_geometry(shop):
    boundaries = by_id(shop.boundaries)
    assert boundaries["internet"].kind == "internet"
    assert boundaries["cloud"].kind == "internal"
    assert boundaries["data-tier"].parent == "cloud"
    elements = by_id(shop.elements)
    assert elements["customer"].boundary == "internet"
    assert elements["api-gateway"].boundary == "cloud"
    assert elements["orders-db"].boundary == "data-tier"  # the innermost box


def test_a_boundary_line_puts_the_unboxed_elements_on_each_side_in_a_boundary(shop):
    side = by_id(shop.boundaries)["edge-left-side"]
    assert side.name == "Edge: left side"
    assert "left of Edge" in side.description
    # orders-2 is in no box and left of the line; nothing is left as an empty box
    assert by_id(shop.elements)["orders-2"].boundary == "edge-left-side"
    members = {e.boundary for e in shop.elements}
    assert set(by_id(shop.boundaries)) == members | {"cloud"}  # cloud holds data-tier


def test_sides_of_a_line_follow_its_nearest_segment():
    line = threatdragon._Line("L", [(0, 0), (0, 100), (100, 100)], "")
    assert threatdragon._side(line, (-10, 50)) == "left"
    assert threatdragon._side(line, (10, 50)) == "right"
    assert threatdragon._side(line, (60, 90)) == "above"
    assert threatdragon._side(line, (60, 130)) == "below"


def test_elements_on_both_sides_of_a_line_get_two_boundaries_and_the_flow_crosses():
    model = _one_diagram(
        [
            _shape("a", "process", 0, 0, "Left service"),
            _shape("b", "process", 400, 0, "Right service"),
            {
                "shape": "flow",
                "id": "f",
                "source": {"cell": "a"},
                "target": {"cell": "b"},
                "data": {"name": "Call", "protocol": "https"},
            },
            {
                "shape": "trust-boundary-curve",
                "id": "c",
                "source": {"x": 250, "y": -50},
                "target": {"x": 250, "y": 300},
                "data": {"name": "DMZ edge"},
            },
        ]
    )
    system = load(to_document(model))
    boundaries = {e.id: e.boundary for e in system.elements}
    assert boundaries["left-service"] != boundaries["right-service"]
    assert {b.name for b in system.boundaries} == {"DMZ edge: left side", "DMZ edge: right side"}


def test_positions_are_the_centres_of_the_shapes(shop):
    position = by_id(shop.elements)["customer"].position
    assert (position.x, position.y) == (100, 130)


def test_protocols_come_from_the_text_and_the_encrypted_box(shop):
    flows = by_id(shop.flows)
    assert flows["browse"].protocol == "https"  # "HTTP/S"
    assert flows["app-calls"].protocol == "https"  # "HTTP", marked encrypted
    assert "marked encrypted: imported as 'https'" in flows["app-calls"].description
    assert flows["route"].protocol == "grpc"
    assert flows["save"].protocol == "tls"  # unnamed but encrypted, to a store
    assert flows["publish"].protocol is None  # "carrier pigeon": unknown, so unstated
    assert "'carrier pigeon' is not a name Ciphermap knows: protocol left unstated" in (
        flows["publish"].description
    )
    assert flows["orders-2-to-orders"].protocol is None  # nothing stated: "assumed"


@pytest.mark.parametrize(
    ("text", "encrypted", "label", "expected"),
    [
        ("UPnP", False, "", None),
        ("Bluetooth", True, "", None),
        ("HTTP/2", False, "", None),
        ("TCP 1234", False, "", None),
        ("", False, "HTTPS", "https"),
        ("", False, "Websocket Secure", "wss"),
        ("", False, "TCP+SSL", "tls"),
        ("", False, "Plain websocket", "ws"),
        ("", False, "HTTP/2 calls", None),
        ("", False, "Web request", None),
        ("", True, "Web request", "https"),
    ],
)
def test_protocol_text_and_labels(text, encrypted, label, expected):
    protocol, note = threatdragon._protocol(text, encrypted, label=label)
    assert protocol == expected
    if text:
        assert f"'{text}'" in note  # the original text is kept
    elif expected and not encrypted:
        assert note.startswith(f"Protocol read from the flow's label '{label}'")


def test_a_bidirectional_flow_becomes_two_flows(shop):
    flows = by_id(shop.flows)
    assert (flows["orders-2-to-orders"].source, flows["orders-2-to-orders"].target) == (
        "orders-2",
        "orders",
    )
    assert (flows["orders-to-orders-2"].source, flows["orders-to-orders-2"].target) == (
        "orders",
        "orders-2",
    )


def test_a_flow_end_drawn_next_to_a_shape_is_attached_and_a_far_one_is_reported(shop):
    snapped = by_id(shop.flows)["snapped"]
    assert (snapped.source, snapped.target) == ("mobile-app", "api-gateway")
    assert "dangling" not in by_id(shop.flows)
    assert "Not imported: the Threat Dragon flow 'Dangling', whose source is not attached" in (
        shop.description
    )


def test_facts_without_a_field_go_into_descriptions(shop):
    elements = by_id(shop.elements)
    orders = elements["orders"].description
    assert "Tampering with orders (Open, High, Tampering); mitigation: Sign order messages." in (
        orders
    )
    assert "privilege level root" in orders
    assert "crosses a public network" in by_id(shop.flows)["browse"].description


def test_out_of_scope_becomes_the_field_with_its_reason(shop):
    legacy = by_id(shop.elements)["orders-2"]
    assert (legacy.out_of_scope, legacy.out_of_scope_reason) == (True, "Retired next year")
    assert not by_id(shop.elements)["orders"].out_of_scope
    assert "crosses a public network" in by_id(shop.flows)["browse"].description


def test_store_flags_map_onto_encryption_and_credentials(shop):
    db = by_id(shop.elements)["orders-db"]
    assert db.encryption == "platform"
    assert "without saying how" in db.description
    assert db.stores == ("credentials",)
    assert by_id(shop.data)["credentials"].tags == ("credentials",)
    assert by_id(shop.elements)["events-queue"].encryption is None


def test_the_is_a_log_flag_makes_a_log_sink():
    model = json.loads(SHOP.read_text())
    for cell in model["detail"]["diagrams"][0]["cells"]:
        if cell["id"] == "orders-db":
            cell["data"]["isALog"] = True
    system = load(to_document(model))
    assert by_id(system.elements)["orders-db"].kind == "log-sink"


def test_several_diagrams_are_stacked_and_their_boundaries_prefixed():
    model = json.loads(SHOP.read_text())
    second = json.loads(json.dumps(model["detail"]["diagrams"][0]))
    second["title"] = "Second"
    model["detail"]["diagrams"].append(second)
    system = load(to_document(model))
    assert len(system.elements) == 14
    assert by_id(system.boundaries)["cloud-2"].name == "Second: Cloud"
    assert by_id(system.elements)["customer-2"].boundary == "internet-2"
    assert by_id(system.elements)["customer-2"].position.y > 700


def test_a_threat_dragon_1_diagram_is_imported():
    model = {
        "summary": {"title": "Old model"},
        "detail": {
            "contributors": [],
            "diagrams": [
                {
                    "title": "v1",
                    "diagramJson": {
                        "cells": [
                            {
                                "type": "tm.Actor",
                                "id": "a",
                                "name": "Admin",
                                "position": {"x": 0, "y": 0},
                                "size": {"width": 100, "height": 100},
                            },
                            {
                                "type": "tm.Process",
                                "id": "p",
                                "name": "Console",
                                "position": {"x": 300, "y": 0},
                                "size": {"width": 100, "height": 100},
                            },
                            {
                                "type": "tm.Flow",
                                "id": "f",
                                "name": "Login",
                                "source": {"id": "a"},
                                "target": {"id": "p"},
                                "protocol": "HTTPS",
                                "isEncrypted": True,
                            },
                        ]
                    },
                }
            ],
        },
    }
    system = load(to_document(model))
    assert [(e.id, e.kind) for e in system.elements] == [("admin", "user"), ("console", "service")]
    assert [(f.id, f.source, f.target, f.protocol) for f in system.flows] == [
        ("login", "admin", "console", "https")
    ]


def test_the_importer_never_opens_a_connection(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the importer tried to open a socket")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    document = import_model(SHOP.read_text(), "shop.json")
    assert load(document).name == "Shop"


# -- import_model: format detection -------------------------------------------------------


def test_import_model_recognises_threat_dragon_by_content():
    document = import_model(SHOP.read_bytes(), "anything.yaml")
    assert document["format"] == "ciphermap/1"
    assert document["name"] == "Shop"


def test_an_untitled_threat_dragon_model_is_named_after_its_file():
    model = json.loads(SHOP.read_text())
    model["summary"]["title"] = ""
    assert import_model(json.dumps(model), "uploads/payments.json")["name"] == "payments"


def test_import_model_passes_ciphermap_yaml_and_json_through():
    text = (FIXTURES / "checkout.yaml").read_text()
    assert load(import_model(text, "checkout.yaml")) == load(text)
    document = {"name": "Bare", "elements": [{"id": "api", "kind": "service"}]}
    assert import_model(json.dumps(document), None) == document


def test_import_model_refuses_other_documents():
    with pytest.raises(ModelError) as raised:
        import_model('{"nodes": [], "edges": []}', "graph.json")
    assert raised.value.problems[0].message.startswith("not a model format Ciphermap reads")
    with pytest.raises(ModelError, match="format"):
        import_model("format: something-else/3\nname: x\n", "x.yaml")


def test_import_model_is_as_safe_as_load():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(8)
    )
    with pytest.raises(ModelError, match="aliases expand"):
        import_model(bomb, "bomb.yaml")
    # No size cap of its own, like load(): uploads are capped before they get here
    # (settings.MAX_MODEL_BYTES, in read_upload).


def test_is_threat_dragon_needs_summary_and_diagrams():
    assert is_threat_dragon(json.loads(SHOP.read_text()))
    assert not is_threat_dragon({"summary": {}, "detail": {}})
    assert not is_threat_dragon(["summary"])


# -- the Threat Dragon demo models (shared samples, not copied into the project) ----------


def sample(name: str) -> Path:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"shared sample {name} is not available")
    return path


def test_the_threat_dragon_demo_model_imports():
    path = sample("threatdragon-demo.json")
    system = load(import_model(path.read_text(), path.name))
    assert system.name == "Demo Threat Model"
    assert len(system.elements) == 7
    assert len(system.flows) == 10  # every flow, the half-attached "Web Request" included
    flows = {f.name: f for f in system.flows}
    assert flows["Web Request"].source == "browser"
    assert flows["Web Request"].protocol == "https"
    kinds = {e.name: e.kind for e in system.elements}
    assert kinds["Message Queue"] == "broker"
    assert kinds["Database"] == "log-sink"  # the demo ticks "is a log" on it
    # three unnamed boundary lines cut the demo into four regions, no empty boxes
    assert len(system.boundaries) == 4
    assert all(any(e.boundary == b.id for e in system.elements) for b in system.boundaries)
    assert {e.name: e.boundary for e in system.elements}["Browser"] == "region-4"
    assert by_id(system.boundaries)["region-4"].kind == "internet"


def test_the_threat_dragon_three_tier_model_imports():
    path = sample("threatdragon-three-tier.json")
    system = load(import_model(path.read_text(), path.name))
    assert system.name == "Three Tier Web Application"
    assert {e.id: e.boundary for e in system.elements} == {
        "web-ui": "internet",
        "web-service": "public-cloud",
        "postgressql": "public-cloud",
    }
    assert len(system.flows) == 4  # one of the three is bidirectional
    assert "Store Sensitive Data" in by_id(system.elements)["postgressql"].description


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
CELL_KEYS = (
    "id",
    "shape",
    "position",
    "size",
    "attrs",
    "labels",
    "data",
    "source",
    "target",
    "vertices",
)
SHAPES = (
    "process",
    "store",
    "actor",
    "flow",
    "trust-boundary-box",
    "trust-boundary-curve",
    "td-text-block",
)


@st.composite
def damaged_cells(draw):
    """Cells of the fixture with some values replaced by arbitrary JSON."""
    cells = json.loads(SHOP.read_text())["detail"]["diagrams"][0]["cells"]
    for cell in draw(st.lists(st.sampled_from(cells), max_size=4)):
        cell[draw(st.sampled_from(CELL_KEYS))] = draw(JSON_VALUES | st.sampled_from(SHAPES))
    return cells


@settings(max_examples=80, deadline=None)
@given(damaged_cells())
def test_a_damaged_model_still_imports_into_a_valid_document(cells):
    model = json.loads(SHOP.read_text())
    model["detail"]["diagrams"][0]["cells"] = cells
    load(to_document(model))


def _shape(cell_id, shape, x, y, name):
    return {
        "shape": shape,
        "id": cell_id,
        "position": {"x": x, "y": y},
        "size": {"width": 100, "height": 60},
        "data": {"name": name},
    }


def _one_diagram(cells):
    return {"summary": {"title": "T"}, "detail": {"diagrams": [{"title": "D", "cells": cells}]}}


def test_an_unboxed_actor_receiving_data_is_a_third_party_but_a_browser_is_not():
    model = _one_diagram(
        [
            _shape("shop", "process", 0, 0, "Shop"),
            _shape("psp", "actor", 400, 0, "Payment provider"),
            _shape("browser", "actor", 400, 200, "Web browser"),
            {
                "shape": "flow",
                "id": "f1",
                "source": {"cell": "shop"},
                "target": {"cell": "psp"},
                "data": {"name": "Charge", "protocol": "https"},
            },
            {
                "shape": "flow",
                "id": "f2",
                "source": {"cell": "shop"},
                "target": {"cell": "browser"},
                "data": {"name": "Page", "protocol": "https"},
            },
        ]
    )
    kinds = {e.id: e.kind for e in load(to_document(model)).elements}
    assert kinds == {
        "shop": "service",
        "payment-provider": "external",
        "web-browser": "client",
    }
    system = load(to_document(model))
    assert "third party (external)" in by_id(system.elements)["payment-provider"].description


def test_an_actor_that_only_sends_stays_a_client():
    model = _one_diagram(
        [
            _shape("shop", "process", 0, 0, "Shop"),
            _shape("partner", "actor", 400, 0, "Partner system"),
            {
                "shape": "flow",
                "id": "f1",
                "source": {"cell": "partner"},
                "target": {"cell": "shop"},
                "data": {"name": "Order", "protocol": "https"},
            },
        ]
    )
    assert {e.id: e.kind for e in load(to_document(model)).elements}["partner-system"] == "client"


def test_an_unknown_protocol_is_kept_as_written_for_the_findings(shop):
    publish = by_id(shop.flows)["publish"]
    assert (publish.protocol, publish.protocol_as_written) == (None, "carrier pigeon")
    assert by_id(shop.flows)["route"].protocol_as_written == ""  # "grpc": mapped


@pytest.mark.parametrize(
    ("text", "encrypted", "label", "written"),
    [
        ("TCP 1234", False, "Sync", "TCP 1234"),
        ("", False, "HTTPS", "HTTPS"),  # read from the label
        ("", True, "Websocket Secure", "Websocket Secure"),
        ("HTTPS", False, "HTTPS", ""),  # the field itself is mapped
        ("", True, "Web request", ""),  # the encrypted box, not the label
        ("", False, "Web request", ""),  # nothing to read
    ],
)
def test_protocol_as_written_holds_the_unmapped_text_or_the_label(text, encrypted, label, written):
    protocol, _ = threatdragon._protocol(text, encrypted, label=label)
    assert threatdragon._as_written(text, protocol, label) == written


def test_protocol_as_written_survives_dump_and_reload_and_reaches_the_findings(shop):
    written = {f["id"]: f.get("protocol_as_written") for f in canonical(shop)["flows"]}
    assert written["publish"] == "carrier pigeon"
    again = load(dump(shop))
    assert again == shop
    evidence = [f.evidence for f in analyze(again).findings if f.flows == ("publish",)]
    quoted = [e for e in evidence if "written 'carrier pigeon', assumed plaintext" in e]
    assert len(quoted) == 2  # unencrypted-hop and model-incomplete
