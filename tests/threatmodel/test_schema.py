"""The format's one declaration (schema.py): the loader, the dataclasses and the rules
agree with it; text is bounded; protocol hints never point to a weaker protocol."""

from __future__ import annotations

import dataclasses

import pytest

from threatmodel import analyze, load, schema, to_document
from threatmodel.load import KIND_FIELDS, ModelError, looks_encrypted
from threatmodel.model import (
    ENCRYPTED_PROTOCOLS,
    PLAINTEXT_PROTOCOLS,
    PROTOCOLS,
    Boundary,
    DataClass,
    Element,
    Flow,
    Key,
    Policy,
    Tls,
)

from .factory import document

DATACLASSES = {
    "data": DataClass,
    "boundaries": Boundary,
    "keys": Key,
    "elements": Element,
    "flows": Flow,
}


def problems(doc) -> list:
    with pytest.raises(ModelError) as raised:
        load(doc)
    return raised.value.problems


def only(doc):
    found = problems(doc)
    assert len(found) == 1, found
    return found[0]


# -- the declaration matches the dataclasses -------------------------------------------


@pytest.mark.parametrize("section", schema.SECTIONS, ids=lambda s: s.name)
def test_every_declared_field_is_a_dataclass_field_and_back(section):
    declared = {f.attribute or f.name for f in section.fields}
    attributes = {f.name for f in dataclasses.fields(DATACLASSES[section.name])}
    assert declared == attributes


@pytest.mark.parametrize(
    ("fields", "cls"),
    [(schema.TLS_FIELDS, Tls), (schema.POLICY_FIELDS, Policy)],
    ids=["tls", "policy"],
)
def test_nested_mappings_match_their_dataclasses(fields, cls):
    assert {f.name for f in fields} == {f.name for f in dataclasses.fields(cls)}


@pytest.mark.parametrize("section", schema.SECTIONS, ids=lambda s: s.name)
def test_declared_defaults_are_the_dataclass_defaults(section):
    defaults = {
        f.name: f.default
        for f in dataclasses.fields(DATACLASSES[section.name])
        if f.default is not dataclasses.MISSING
    }
    for field in section.fields:
        if field.required:
            continue
        assert defaults[field.attribute or field.name] == field.default, field.name


def test_every_text_field_has_a_length_limit():
    texts = [
        field
        for fields in (*(s.fields for s in schema.SECTIONS), schema.TOP_FIELDS)
        for field in fields
        if field.type in ("text", "id") and field.name != "format"
    ]
    assert texts
    assert all(field.max_length for field in texts), [f.name for f in texts]


def test_every_choice_has_a_one_line_explanation():
    vocabularies = {
        field.vocabulary
        for section in schema.SECTIONS
        for field in (*section.fields, *schema.TLS_FIELDS)
        if field.vocabulary
    }
    assert schema.ENCRYPTION in vocabularies and schema.PROTOCOL in vocabularies
    for vocabulary in vocabularies:
        for choice in vocabulary.choices:
            assert choice.help and "\n" not in choice.help, (vocabulary.noun, choice.value)


def test_every_encryption_value_has_a_strength():
    assert set(schema.ENCRYPTION.values) == set(schema.ENCRYPTION_STRENGTH)


def test_kind_checks_come_from_the_declaration():
    assert KIND_FIELDS["terminates_tls"] == ("gateway",)
    assert KIND_FIELDS["stores"] == schema.AT_REST_KINDS
    assert "name" not in KIND_FIELDS and "out_of_scope" not in KIND_FIELDS


# -- new vocabulary: data kept by services, out of scope --------------------------------


@pytest.mark.parametrize("kind", ["service", "function", "gateway"])
def test_services_may_keep_data_at_rest(kind):
    doc = document(
        keys=[{"id": "dek", "type": "dek", "custody": "kms"}],
        elements=[
            {
                "id": "erp",
                "kind": kind,
                "stores": ["orders"],
                "encryption": "sse-kms",
                "key": "dek",
            }
        ],
    )
    element = load(doc).elements[0]
    assert (element.stores, element.encryption, element.key) == (("orders",), "sse-kms", "dek")


def test_a_client_may_not_keep_data_at_rest():
    doc = document(elements=[{"id": "app", "kind": "client", "encryption": "disk"}])
    assert only(doc).location == "elements[0].encryption"


def test_out_of_scope_elements_and_flows_load_and_round_trip():
    doc = document(
        elements=[
            {"id": "a", "kind": "service", "out_of_scope": True, "out_of_scope_reason": "SaaS"},
            {"id": "b", "kind": "service"},
        ],
        flows=[{"id": "f", "from": "a", "to": "b", "protocol": "https", "out_of_scope": True}],
    )
    system = load(doc)
    assert system.elements[0].out_of_scope and system.elements[0].out_of_scope_reason == "SaaS"
    assert not system.elements[1].out_of_scope
    assert system.flows[0].out_of_scope
    written = to_document(system)
    assert written["elements"][0]["out_of_scope_reason"] == "SaaS"
    assert "out_of_scope" not in written["elements"][1]
    assert load(written) == system


def test_out_of_scope_must_be_true_or_false():
    doc = document(elements=[{"id": "a", "kind": "service", "out_of_scope": "yes"}])
    problem = only(doc)
    assert (problem.location, problem.message) == (
        "elements[0].out_of_scope",
        "expected true or false, got the text 'yes'",
    )


def test_out_of_scope_is_not_a_boundary_field():
    doc = document()
    doc["boundaries"][0]["out_of_scope"] = True
    assert only(doc).location == "boundaries[0].out_of_scope"


# -- bounded text -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ("name", schema.MAX_NAME_LENGTH),
        ("technology", schema.MAX_NAME_LENGTH),
        ("description", schema.MAX_DESCRIPTION_LENGTH),
        ("out_of_scope_reason", schema.MAX_REASON_LENGTH),
    ],
)
def test_element_text_is_refused_past_its_limit_at_its_location(field, limit):
    fits = document(elements=[{"id": "a", "kind": "service", field: "x" * limit}])
    assert getattr(load(fits).elements[0], field) == "x" * limit
    too_long = document(elements=[{"id": "a", "kind": "service", field: "x" * (limit + 1)}])
    problem = only(too_long)
    assert problem.location == f"elements[0].{field}"
    assert problem.message == (f"text of {limit + 1:,} characters; at most {limit:,} are allowed")


def test_the_system_name_fits_the_database_column():
    assert schema.MAX_NAME_LENGTH == 200  # reviews.models.System.name
    problem = only(document(name="n" * 201))
    assert problem.location == "name"


def test_a_long_system_description_is_refused():
    assert load(document(description="d" * 5000)).description == "d" * 5000
    assert only(document(description="d" * 5001)).location == "description"


def test_a_flow_description_is_bounded_too():
    doc = document(
        elements=[{"id": "a", "kind": "service"}, {"id": "b", "kind": "service"}],
        flows=[{"id": "f", "from": "a", "to": "b", "description": "x" * 2001}],
    )
    assert only(doc).location == "flows[0].description"


@pytest.mark.parametrize("control", sorted(schema.BIDI_CONTROLS))
def test_bidirectional_controls_are_refused_in_names(control):
    doc = document(elements=[{"id": "a", "kind": "service", "name": f"gpj{control}.exe"}])
    problem = only(doc)
    assert problem.location == "elements[0].name"
    assert f"U+{ord(control):04X}" in problem.message
    assert "reorders how text is displayed" in problem.message


def test_bidirectional_controls_are_refused_in_ids():
    problem = only(document(elements=[{"id": "a\u202eb", "kind": "service"}]))
    assert problem.location == "elements[0].id"
    assert problem.message.startswith("not a valid ID: it contains the invisible control U+202E")


def test_a_nul_character_is_refused_in_any_text():
    doc = document(elements=[{"id": "a", "kind": "service", "description": "one\x00two"}])
    problem = only(doc)
    assert problem.location == "elements[0].description"
    assert "NUL" in problem.message


def test_descriptions_may_hold_right_to_left_text():
    text = "\u05e9\u05dc\u05d5\u05dd \u200f(Hebrew with a right-to-left mark)"
    doc = document(elements=[{"id": "a", "kind": "service", "description": text}])
    assert load(doc).elements[0].description == text


def test_the_system_name_refuses_bidirectional_controls():
    assert only(document(name="Shop\u2066")).location == "name"


# -- protocols --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "protocol",
    [
        "ftps",
        "scp",
        "smb3",
        "jdbc-tls",
        "mssql-tls",
        "oracle-tls",
        "ldap-starttls",
        "imaps",
        "pop3s",
        "h2",
        "http3",
        "quic",
        "mqtt-wss",
        "nats-tls",
        "rdp",
        "snmpv3",
        "dot",
        "doh",
    ],
)
def test_the_extended_encrypted_protocols_are_encrypted(protocol):
    assert protocol in ENCRYPTED_PROTOCOLS


@pytest.mark.parametrize(
    "protocol",
    [
        "ftp",
        "smb",
        "jdbc",
        "mssql",
        "oracle",
        "ldap",
        "imap",
        "pop3",
        "h2c",
        "mqtt-ws",
        "nats",
        "telnet",
        "snmp",
        "dns",
        "vnc",
    ],
)
def test_the_extended_plaintext_protocols_are_plaintext(protocol):
    assert protocol in PLAINTEXT_PROTOCOLS


def test_no_protocol_is_both():
    assert not set(ENCRYPTED_PROTOCOLS) & set(PLAINTEXT_PROTOCOLS)
    assert len(PROTOCOLS) == len(set(PROTOCOLS))


def _flow_doc(protocol, **extra):
    return document(
        elements=[{"id": "a", "kind": "service"}, {"id": "b", "kind": "service"}],
        flows=[{"id": "f", "from": "a", "to": "b", "protocol": protocol, **extra}],
    )


@pytest.mark.parametrize("protocol", ["ftps", "jdbc-tls", "scp"])
def test_the_names_that_got_weaker_hints_now_load(protocol):
    assert load(_flow_doc(protocol)).flows[0].encrypted


def test_a_tls_block_contradicts_a_cleartext_http2():
    problem = only(_flow_doc("h2c", tls={"min_version": "1.2"}))
    assert problem.location == "flows[0].tls"


def test_an_ssh_based_protocol_is_complete_without_a_tls_block():
    doc = _flow_doc("scp", data=["telemetry"])
    doc["elements"][0]["boundary"] = doc["elements"][1]["boundary"] = "prod"
    incomplete = [f for f in analyze(load(doc)).findings if f.rule == "model-incomplete"]
    assert incomplete == []
    doc["flows"][0]["protocol"] = "ftps"
    incomplete = [f for f in analyze(load(doc)).findings if f.rule == "model-incomplete"]
    assert [f.subject for f in incomplete] == [("f",)]
    assert "tls" in incomplete[0].evidence


def _hint(word: str) -> str | None:
    message = only(_flow_doc(word)).message
    if "did you mean '" not in message:
        return None
    return message.split("did you mean '", 1)[1].split("'", 1)[0]


def _typos(word: str) -> set[str]:
    """Misspellings that keep what the name says: a letter doubled or two swapped, a
    version or separator changed, the case changed."""
    found = {word.upper(), word.replace("-", "_"), word + "2", word + "-v2"}
    for i in range(len(word)):
        found.add(word[:i] + word[i] + word[i:])
        if i + 1 < len(word):
            found.add(word[:i] + word[i + 1] + word[i] + word[i + 2 :])
    return {typo for typo in found if typo not in PROTOCOLS}


ENCRYPTED_TYPOS = sorted(
    {typo for p in ENCRYPTED_PROTOCOLS for typo in _typos(p) if looks_encrypted(typo)}
)


def test_the_encrypted_typos_are_many():
    assert len(ENCRYPTED_TYPOS) > 300


def test_a_hint_never_suggests_a_plaintext_protocol_for_an_encrypted_name():
    doc = document(elements=[{"id": "a", "kind": "service"}, {"id": "b", "kind": "service"}])
    doc["flows"] = [
        {"id": f"f{i}", "from": "a", "to": "b", "protocol": typo}
        for i, typo in enumerate(ENCRYPTED_TYPOS)
    ]
    found = problems(doc)
    assert len(found) == len(ENCRYPTED_TYPOS)
    weaker = [
        (typo, problem.message)
        for typo, problem in zip(ENCRYPTED_TYPOS, found, strict=True)
        if any(f"did you mean '{p}'?" in problem.message for p in PLAINTEXT_PROTOCOLS)
    ]
    assert weaker == []


@pytest.mark.parametrize(
    ("typo", "hint"),
    [
        ("ftpss", "ftps"),
        ("sftps", "sftp"),
        ("jdbc-ssl", "jdbc-tls"),
        ("postgresql-tls", "postgres-tls"),
        ("mssql-ssl", "mssql-tls"),
        ("imapss", "imaps"),
        ("smbs", "smb3"),
        ("scpp", "scp"),
    ],
)
def test_encrypted_typos_get_encrypted_hints(typo, hint):
    assert _hint(typo) == hint


@pytest.mark.parametrize(
    ("typo", "hint"),
    [("htp", "http"), ("telnt", "telnet"), ("postgress", "postgres-tls"), ("mysq", "mysql")],
)
def test_plaintext_typos_still_get_hints(typo, hint):
    assert _hint(typo) == hint


def test_a_tie_between_classes_goes_to_the_encrypted_protocol():
    # 'cp' is as close to 'scp' as to 'tcp'.
    assert _hint("cp") == "scp"


def test_an_encrypted_name_without_an_encrypted_match_gets_no_hint():
    assert looks_encrypted("vendor-secure-channel")
    assert _hint("vendor-secure-channel") is None
