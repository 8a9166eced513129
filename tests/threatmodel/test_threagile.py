"""Importing Threagile models: one test per mapping, on a fixture written for it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from threatmodel import analyze, load
from threatmodel.formats import threagile
from threatmodel.formats.detect import read_model
from threatmodel.model import ENCRYPTED_PROTOCOLS, PROTOCOLS

FIXTURE = Path(__file__).parent / "fixtures" / "threagile" / "shop.yaml"
SAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "samples"


@pytest.fixture(scope="module")
def imported():
    return read_model(FIXTURE)


@pytest.fixture(scope="module")
def shop(imported):
    return load(imported.document)


def by_id(items):
    return {item.id: item for item in items}


def test_it_is_detected_and_named(imported, shop):
    assert imported.format.id == "threagile"
    assert imported.label == "Threagile model (version 1.0.0)"
    assert shop.name == "Tiny shop"
    assert shop.description.startswith("A shop in Threagile's format.")


def test_confidentiality_is_mapped_by_rank_not_by_name(shop):
    classes = {d.id: d.classification for d in shop.data}
    # Threagile ranks restricted below confidential: its restricted is our confidential.
    assert classes == {
        "card-data": "restricted",
        "orders": "confidential",
        "staff-notes": "confidential",
        "catalog": "public",
    }
    assert list(by_id(shop.data)["card-data"].tags) == ["pan"]
    assert "rank 2 of 0-4" in by_id(shop.data)["staff-notes"].description


def test_asset_types_become_kinds(shop):
    kinds = {e.id: e.kind for e in shop.elements}
    assert kinds == {
        "browser": "client",
        "psp": "external",
        "web": "service",
        "db": "database",
        "files": "file-store",
    }


def test_trust_boundaries_nest_and_internet_assets_get_an_internet_boundary(shop):
    boundaries = by_id(shop.boundaries)
    assert boundaries["data-zone"].parent == "cloud"
    assert boundaries["data-zone"].kind == "dmz"
    assert boundaries["cloud"].kind == "internal"
    assert boundaries["internet"].kind == "internet"
    elements = by_id(shop.elements)
    assert elements["db"].boundary == "data-zone"
    assert elements["web"].boundary == "cloud"
    assert elements["browser"].boundary == elements["psp"].boundary == "internet"


def test_a_process_that_stores_data_keeps_it_at_rest(shop):
    web = by_id(shop.elements)["web"]
    assert list(web.stores) == ["orders"]
    assert web.encryption == "none"


def test_a_symmetric_shared_key_becomes_a_key(shop):
    db = by_id(shop.elements)["db"]
    assert db.encryption == "client-side"
    key = by_id(shop.keys)[db.key]
    assert key.type == "dek"
    assert "data-with-symmetric-shared-key" in key.description


def test_transparent_encryption_is_disk(shop):
    assert by_id(shop.elements)["files"].encryption == "disk"


def test_out_of_scope_keeps_its_justification(shop):
    browser = by_id(shop.elements)["browser"]
    assert browser.out_of_scope is True
    assert browser.out_of_scope_reason == "Owned by the customer"


def test_links_become_flows_with_protocol_auth_and_data(shop):
    flows = by_id(shop.flows)
    save = flows["save-orders"]
    assert (save.source, save.target, save.protocol, save.auth) == (
        "web",
        "db",
        "jdbc-tls",
        "basic",
    )
    assert list(save.data) == ["orders", "card-data"]
    assert flows["charge"].auth == "jwt"
    assert "bearer token" in flows["charge"].description


def test_received_data_travels_back_on_a_response_flow(shop):
    back = by_id(shop.flows)["shop-traffic-response"]
    assert (back.source, back.target) == ("web", "browser")
    assert list(back.data) == ["catalog", "orders"]
    assert back.protocol == "https"


def test_a_plaintext_link_over_a_vpn_is_ipsec_and_devops_is_admin(shop):
    vpn = by_id(shop.flows)["admin-over-vpn"]
    assert vpn.protocol == "ipsec"
    assert vpn.auth == "mtls"
    assert vpn.purpose == "admin"
    assert "sql-access-protocol" in vpn.description


def test_an_unknown_protocol_stays_unstated_and_says_so(shop):
    mystery = by_id(shop.flows)["mystery"]
    assert mystery.protocol is None
    assert "unknown-protocol" in mystery.description


def test_every_threagile_protocol_maps_to_one_of_ours():
    # Threagile's types.Protocol: 47 names, unknown-protocol included.
    assert len(threagile.PROTOCOLS_MAP) == 47
    for name, ours in threagile.PROTOCOLS_MAP.items():
        assert ours is None or ours in PROTOCOLS, name
        if name.endswith("-encrypted") or name in ("https", "wss", "ssh", "ftps", "sftp", "scp"):
            assert ours in ENCRYPTED_PROTOCOLS, name


def test_risk_tracking_proposes_decisions_where_the_rule_maps(imported):
    proposals = {(p["rule"], tuple(p["match"])): p for p in imported.decisions}
    accepted = proposals["unencrypted-store", ("web",)]
    assert accepted["state"] == "accept"
    assert accepted["justification"] == "Orders are re-created daily"
    assert accepted["expires"] == dt.date(2027, 10, 1)
    assert "by Ann on 2026-10-01" in accepted["note"]
    wrong = proposals["unencrypted-hop", ("*",)]
    assert (wrong["state"], wrong["reason"]) == ("false-positive", "No plaintext links")
    # unchecked proposes nothing; missing-hardening has no counterpart here
    assert len(proposals) == 2
    assert "missing-hardening" in load(imported.document).description


def test_the_importer_tolerates_junk():
    document = threagile.to_document(
        {
            "threagile_version": "1.0.0",
            "technical_assets": {"A": "not a mapping", "B": {"id": "b", "type": "process"}},
            "data_assets": [],
            "trust_boundaries": {"T": {"id": "t", "technical_assets_inside": "b"}},
            "risk_tracking": "nope",
        }
    )
    assert [e.id for e in load(document).elements] == ["b"]


def test_threagile_is_not_mistaken_for_ciphermap():
    text = yaml.safe_dump({"title": "x", "technical_assets": {}, "data_assets": {}})
    assert read_model(text).format.id == "threagile"


# -- Threagile's own example (shared sample, not copied into the project) -----------------


def test_the_threagile_example_imports():
    path = SAMPLES / "threagile-example.yaml"
    if not path.exists():
        pytest.skip("shared sample threagile-example.yaml is not available")
    imported = read_model(path)
    system = load(imported.document)
    assert system.name == "Some Example Application"
    assert len(system.elements) == 14
    assert len(system.data) == 12
    assert len([b for b in system.boundaries if b.id != "internet"]) == 5
    links = [f for f in system.flows if not f.id.endswith("-response")]
    assert len(links) == 20
    elements = by_id(system.elements)
    # Threagile's ERP system, Git server and Jenkins store data: services at rest here.
    for process in ("erp-system", "git-repo", "jenkins-build-server"):
        assert elements[process].kind == "service" and elements[process].stores
    assert elements["sql-database"].key in by_id(system.keys)
    assert elements["customer-client"].out_of_scope
    rules = {f.rule for f in analyze(system).findings}
    assert {"unencrypted-hop", "unencrypted-store"} <= rules


def test_an_unknown_protocol_is_kept_as_written_for_the_findings(shop):
    flows = by_id(shop.flows)
    assert flows["mystery"].protocol_as_written == "unknown-protocol"
    assert all(f.protocol_as_written == "" for f in shop.flows if f.protocol)
