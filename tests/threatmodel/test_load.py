"""The loader: documents in, `System` out, or every problem with its location and line."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from threatmodel.load import ModelError, Problem, load
from threatmodel.model import Position, Tls

FIXTURE = Path(__file__).parent / "fixtures" / "checkout.yaml"
TEXT = FIXTURE.read_text()


def edited(old: str, new: str, text: str = TEXT) -> str:
    """The fixture with one snippet replaced; fails loudly if the snippet is not there."""
    assert text.count(old) == 1, old
    return text.replace(old, new)


def line_of(text: str, snippet: str) -> int:
    """The 1-based line where `snippet` first appears in `text`."""
    return text[: text.index(snippet)].count("\n") + 1


def problems_of(source) -> list[Problem]:
    with pytest.raises(ModelError) as raised:
        load(source)
    return raised.value.problems


def only_problem(source) -> Problem:
    problems = problems_of(source)
    assert len(problems) == 1, problems
    return problems[0]


def assert_reported_at_the_edit(old: str, new: str, location: str, message: str) -> None:
    """Editing `old` into `new` gives one problem, at `location`, on the edited line."""
    text = edited(old, new)
    problem = only_problem(text)
    assert (problem.location, problem.message, problem.line) == (
        location,
        message,
        line_of(text, new),
    )


def as_dict(text: str = TEXT) -> dict:
    return yaml.safe_load(text)


# -- valid documents -------------------------------------------------------------------


def test_the_fixture_loads_into_dataclasses():
    system = load(FIXTURE)
    assert system.name == "Checkout platform"
    assert system.policy.today == date(2026, 11, 28)
    assert [e.id for e in system.elements][:3] == ["browser", "api", "orders-db"]
    checkout = system.flows[0]
    assert (checkout.source, checkout.target) == ("browser", "api")
    assert checkout.data == ("card",)
    assert checkout.tls == Tls(
        min_version="1.2",
        forward_secrecy=True,
        certificate="public-ca",
        cert_expires=date(2027, 3, 1),
        auto_renew=True,
    )
    assert system.flows[1].tls == Tls()
    assert system.elements[0].position == Position(10, 20.5)
    assert system.keys[0].wraps == ("orders-dek",)


def test_yaml_text_bytes_path_dict_and_json_give_the_same_system():
    system = load(FIXTURE)
    as_json = json.dumps(as_dict(), default=str)
    for source in (TEXT, TEXT.encode(), FIXTURE, as_dict(), as_json, as_json.encode()):
        assert load(source) == system


def test_format_may_be_left_out():
    assert load(edited("format: ciphermap/1\n", "")).name == "Checkout platform"


def test_an_unquoted_tls_version_means_the_same_as_the_quoted_one():
    assert load(edited('min_version: "1.2"', "min_version: 1.2")) == load(TEXT)


def test_null_means_not_stated():
    system = load(
        edited("    encryption: tde-cmk\n    key: orders-dek\n", "    encryption: null\n")
    )
    assert system.elements[2].encryption is None


def test_the_system_remembers_where_each_item_was_written():
    system = load(TEXT)
    assert system.lines["flows[1]"] == line_of(TEXT, "- id: save-order")
    assert system.lines["elements[0]"] == line_of(TEXT, "- id: browser")


def test_anchors_and_merge_keys_work_for_small_shared_blocks():
    text = edited(
        "    tls: {}\n",
        "    tls: &strict\n      min_version: '1.3'\n      mutual: true\n",
    )
    text = edited(
        "    purpose: backup\n",
        "    purpose: backup\n    tls:\n      <<: *strict\n      mutual: false\n",
        text,
    )
    system = load(text)
    assert system.flows[1].tls == Tls(min_version="1.3", mutual=True)
    assert system.flows[2].tls == Tls(min_version="1.3", mutual=False)


def test_a_passphrase_may_encrypt_a_store():
    text = edited("    type: dek\n", "    type: password\n")
    assert load(text).keys[1].type == "password"


# -- one test per kind of problem: message, location, line -----------------------------


def test_an_unknown_field_suggests_the_close_one():
    text = edited("    auth: session\n", "    auht: session\n")
    problem = only_problem(text)
    assert problem == Problem(
        "flows[0].auht", "unknown field 'auht'; did you mean 'auth'?", line_of(text, "auht")
    )


def test_source_and_target_point_to_from_and_to():
    text = edited("    from: browser\n    to: api\n", "    source: browser\n    to: api\n")
    problems = problems_of(text)
    assert [(p.location, p.message) for p in problems] == [
        ("flows[0].from", "missing required field 'from'"),
        ("flows[0].source", "unknown field 'source'; did you mean 'from'?"),
    ]


def test_an_unknown_top_level_field_is_reported():
    text = edited("description: Card", "descripton: Card")
    problem = only_problem(text)
    assert problem.location == "descripton"
    assert problem.message == "unknown field 'descripton'; did you mean 'description'?"
    assert problem.line == 4


def test_a_missing_required_field_points_at_its_item():
    text = edited("  - id: jwt-signing\n    type: signing\n", "  - id: jwt-signing\n")
    problem = only_problem(text)
    assert problem == Problem(
        "keys[2].type", "missing required field 'type'", line_of(text, "- id: jwt-signing")
    )


def test_a_missing_name_is_reported_without_a_line():
    problem = only_problem(edited("name: Checkout platform\n", ""))
    assert problem == Problem("name", "missing required field 'name'", None)


@pytest.mark.parametrize(
    ("old", "new", "location", "message"),
    [
        (
            "internet_facing: true",
            "internet_facing: 'yes'",
            "elements[1].internet_facing",
            "expected true or false, got the text 'yes'",
        ),
        (
            "rotation_days: 365",
            "rotation_days: soon",
            "keys[0].rotation_days",
            "expected a whole number, got the text 'soon'",
        ),
        (
            "rotation_days: 365",
            "rotation_days: 0",
            "keys[0].rotation_days",
            "must be 1 or more, got 0",
        ),
        (
            "technology: postgresql",
            "technology: [postgresql]",
            "elements[2].technology",
            "expected text, got a list",
        ),
        (
            "stores: [card]",
            "stores: card",
            "elements[2].stores",
            "expected a list of data class IDs, got the text 'card'",
        ),
        (
            "position: {x: 10, y: 20.5}",
            "position: {x: 10, y: .nan}",
            "elements[0].position.y",
            "expected a finite number, got nan",
        ),
        (
            "position: {x: 10, y: 20.5}",
            "position: [10, 20]",
            "elements[0].position",
            "expected a mapping, got a list",
        ),
    ],
)
def test_a_wrong_type_says_what_was_expected(old, new, location, message):
    assert_reported_at_the_edit(old, new, location, message)


@pytest.mark.parametrize(
    ("old", "new", "location", "message"),
    [
        (
            "boundary: internet\n",
            "boundary: internt\n",
            "elements[0].boundary",
            "unknown boundary 'internt'; did you mean 'internet'?",
        ),
        (
            "parent: aws-prod\n    mesh",
            "parent: gcp\n    mesh",
            "boundaries[2].parent",
            "unknown boundary 'gcp'",
        ),
        ("held_by: kms", "held_by: hsm-1", "keys[0].held_by", "unknown element 'hsm-1'"),
        (
            "wraps: [orders-dek]",
            "wraps: [orders-dec]",
            "keys[0].wraps[0]",
            "unknown key 'orders-dec'; did you mean 'orders-dek'?",
        ),
        (
            "uses_keys: [jwt-signing]",
            "uses_keys: [jwt]",
            "elements[1].uses_keys[0]",
            "unknown key 'jwt'",
        ),
        (
            "stores: [card]",
            "stores: [cards]",
            "elements[2].stores[0]",
            "unknown data class 'cards'; did you mean 'card'?",
        ),
        ("key: orders-dek", "key: disk-key", "elements[2].key", "unknown key 'disk-key'"),
        (
            "backup_of: orders-db",
            "backup_of: ordrs-db",
            "elements[3].backup_of",
            "unknown element 'ordrs-db'; did you mean 'orders-db'?",
        ),
        (
            "from: browser",
            "from: browsr",
            "flows[0].from",
            "unknown element 'browsr'; did you mean 'browser'?",
        ),
        (
            "to: orders-db\n",
            "to: ordrs-db\n",
            "flows[1].to",
            "unknown element 'ordrs-db'; did you mean 'orders-db'?",
        ),
        (
            "purpose: backup",
            "data: [secrets]\n    purpose: backup",
            "flows[2].data[0]",
            "unknown data class 'secrets'",
        ),
    ],
)
def test_every_reference_must_resolve(old, new, location, message):
    text = edited(old, new)
    problem = only_problem(text)
    assert (problem.location, problem.message) == (location, message)
    assert problem.line == line_of(text, new.split("\n")[0])


def test_a_duplicate_id_names_the_first_use():
    text = edited("  - id: telemetry\n", "  - id: card\n")
    problem = only_problem(text)
    assert problem == Problem(
        "data[1].id",
        "duplicate ID 'card' (first used by data[0])",
        line_of(text, "- id: card\n    classification: internal"),
    )


def test_the_same_id_in_different_sections_is_fine():
    text = edited("  - id: telemetry\n", "  - id: api\n")
    assert load(text).data[1].id == "api"


def test_a_bad_slug_suggests_one():
    text = edited("  - id: telemetry\n", "  - id: Usage Events\n")
    problem = only_problem(text)
    assert problem.location == "data[1].id"
    assert problem.message == (
        "'Usage Events' is not a valid ID: use lowercase letters, digits, '-' and '_', "
        "starting with a letter or digit (try 'usage-events')"
    )
    assert problem.line == line_of(text, "Usage Events")


def test_a_wrong_enum_value_lists_the_allowed_ones():
    text = edited("kind: database", "kind: databse")
    problem = only_problem(text)
    assert problem.location == "elements[2].kind"
    assert problem.message.startswith(
        "unknown element kind 'databse'; did you mean 'database'? (allowed: client, user, service,"
    )
    assert problem.message.endswith("key-store, external)")
    assert problem.line == line_of(text, "databse")


def test_a_wrong_protocol_lists_the_protocols():
    problem = only_problem(edited("protocol: postgres-tls", "protocol: postgresql-tls"))
    assert problem.location == "flows[1].protocol"
    assert "did you mean 'postgres-tls'?" in problem.message
    assert "https, tls, grpcs" in problem.message


@pytest.mark.parametrize(
    ("old", "new", "location", "message"),
    [
        (
            "last_rotated: 2026-06-01",
            "last_rotated: 2026-02-30",
            "keys[0].last_rotated",
            "'2026-02-30' is not a valid date",
        ),
        (
            "last_rotated: 2026-06-01",
            "last_rotated: 'June 1st'",
            "keys[0].last_rotated",
            "expected a date (YYYY-MM-DD), got the text 'June 1st'",
        ),
        (
            "last_rotated: 2026-06-01",
            "last_rotated: 2026-06-01T10:00:00",
            "keys[0].last_rotated",
            "expected a date (YYYY-MM-DD) without a time, got 2026-06-01 10:00:00",
        ),
        (
            "today: 2026-11-28",
            "today: 28.11.2026",
            "policy.today",
            "expected a date (YYYY-MM-DD), got the text '28.11.2026'",
        ),
    ],
)
def test_a_bad_date_is_reported(old, new, location, message):
    assert_reported_at_the_edit(old, new, location, message)


def test_a_bad_date_in_json_is_reported():
    document = as_dict()
    document["flows"][0]["tls"]["cert_expires"] = "2027-13-01"
    problem = only_problem(document)
    assert problem == Problem("flows[0].tls.cert_expires", "'2027-13-01' is not a valid date")


def test_a_tls_block_on_a_plaintext_protocol_is_a_contradiction():
    text = edited("protocol: postgres-tls", "protocol: postgres")
    problem = only_problem(text)
    assert problem == Problem(
        "flows[1].tls",
        "a 'tls' block contradicts the plaintext protocol 'postgres'",
        line_of(text, "tls: {}"),
    )


def test_a_tls_block_needs_a_protocol():
    text = edited("    protocol: postgres-tls\n", "")
    problem = only_problem(text)
    assert problem.location == "flows[1].protocol"
    assert (
        problem.message
        == "a flow with a 'tls' block needs its encrypted protocol (https, tls, ...)"
    )
    assert problem.line == line_of(text, "- id: save-order")


def test_a_backup_of_a_non_store_is_reported():
    text = edited("backup_of: orders-db", "backup_of: api")
    problem = only_problem(text)
    assert problem == Problem(
        "elements[3].backup_of",
        "'api' is a gateway, not a store; a backup copies a store",
        line_of(text, "backup_of: api"),
    )


@pytest.mark.parametrize(
    ("old", "new", "stated"),
    [
        ("encryption: tde-cmk", "encryption: tde", "'tde'"),
        ("encryption: tde-cmk", "encryption: sse-s3", "'sse-s3'"),
        ("encryption: tde-cmk", "encryption: none", "'none'"),
        ("    encryption: tde-cmk\n", "", "not stated"),
    ],
)
def test_a_key_needs_encryption_with_a_customer_key(old, new, stated):
    text = edited(old, new)
    problem = only_problem(text)
    assert problem.location == "elements[2].key"
    assert problem.message == (
        "a key needs an encryption that uses the customer's key (sse-kms, tde-cmk, sse-c, "
        f"field, client-side, envelope); encryption is {stated}"
    )
    assert problem.line == line_of(text, "key: orders-dek")


def test_a_signing_key_cannot_encrypt_a_store():
    text = edited("key: orders-dek", "key: jwt-signing")
    problem = only_problem(text)
    assert problem == Problem(
        "elements[2].key",
        "key 'jwt-signing' is a signing key; data at rest is encrypted with a dek, kek, "
        "password key",
        line_of(text, "key: jwt-signing"),
    )


def test_a_service_may_keep_data_at_rest():
    text = edited(
        "    uses_keys: [jwt-signing]\n",
        "    uses_keys: [jwt-signing]\n    stores: [card]\n    encryption: sse-kms\n"
        "    key: orders-dek\n",
    )
    api = load(text).elements[1]
    assert (api.kind, api.stores, api.encryption, api.key) == (
        "gateway",
        ("card",),
        "sse-kms",
        "orders-dek",
    )


def test_a_key_on_a_service_needs_a_customer_key_encryption():
    text = edited(
        "    uses_keys: [jwt-signing]\n",
        "    uses_keys: [jwt-signing]\n    encryption: disk\n    key: orders-dek\n",
    )
    problem = only_problem(text)
    assert problem.location == "elements[1].key"
    assert "encryption is 'disk'" in problem.message


def test_a_store_field_on_a_client_is_reported():
    text = edited("    kind: client\n", "    kind: client\n    stores: [card]\n")
    problem = only_problem(text)
    assert problem.location == "elements[0].stores"
    assert problem.message == (
        "'stores' does not apply to a client (only to service, gateway, function, database, "
        "object-store, file-store, cache, search-index, warehouse, broker, log-sink, backup)"
    )
    assert problem.line == line_of(text, "stores: [card]")


def test_public_access_stays_a_store_field():
    text = edited(
        "    uses_keys: [jwt-signing]\n", "    uses_keys: [jwt-signing]\n    public_access: true\n"
    )
    problem = only_problem(text)
    assert problem.location == "elements[1].public_access"
    assert problem.message.startswith(
        "'public_access' does not apply to a gateway (only to database"
    )


def test_terminates_tls_belongs_to_gateways():
    text = edited(
        "  - id: kms\n    kind: key-store\n",
        "  - id: kms\n    kind: key-store\n    terminates_tls: true\n",
    )
    problem = only_problem(text)
    assert (problem.location, problem.message) == (
        "elements[4].terminates_tls",
        "'terminates_tls' does not apply to a key-store (only to gateway)",
    )


def test_a_cycle_in_boundary_nesting_is_reported():
    text = edited(
        "    kind: internal\n    env: prod\n",
        "    kind: internal\n    env: prod\n    parent: prod-vpc\n",
    )
    problem = only_problem(text)
    assert problem.location in ("boundaries[1].parent", "boundaries[2].parent")
    assert "boundary nesting form a cycle: " in problem.message
    assert {"aws-prod", "prod-vpc"} <= set(problem.message.split(": ")[1].split(" -> "))
    assert problem.line == line_of(
        text, f"parent: {'prod-vpc' if '[1]' in problem.location else 'aws-prod'}"
    )


def test_a_boundary_cannot_be_its_own_parent():
    text = edited(
        "  - id: internet\n    kind: internet\n",
        "  - id: internet\n    kind: internet\n    parent: internet\n",
    )
    problem = only_problem(text)
    assert problem == Problem(
        "boundaries[0].parent",
        "boundary nesting form a cycle: internet -> internet",
        line_of(text, "parent: internet"),
    )


def test_a_cycle_in_key_wrapping_is_reported():
    text = edited(
        "    type: dek\n    custody: kms\n",
        "    type: dek\n    custody: kms\n    wraps: [orders-kek]\n",
    )
    problem = only_problem(text)
    assert problem.location in ("keys[0].wraps", "keys[1].wraps")
    assert problem.message.startswith("key wrapping form a cycle: ")
    assert (
        "orders-kek -> orders-dek" in problem.message
        or "orders-dek -> orders-kek" in problem.message
    )


def test_a_cycle_of_backups_is_reported():
    text = edited("    kind: database\n", "    kind: backup\n    backup_of: orders-db-backup\n")
    problem = only_problem(text)
    assert problem.message.startswith("backups form a cycle: ")


def test_a_flow_needs_two_different_elements():
    text = edited("    to: api\n", "    to: browser\n")
    problem = only_problem(text)
    assert problem == Problem(
        "flows[0].to",
        "a flow needs two different elements; both are 'browser'",
        line_of(text, "to: browser"),
    )


def test_another_format_is_refused():
    problem = only_problem(edited("format: ciphermap/1", "format: ciphermap/2"))
    assert problem == Problem(
        "format", "unsupported format 'ciphermap/2'; expected 'ciphermap/1'", 2
    )


@pytest.mark.parametrize(
    ("old", "new", "location", "message"),
    [
        (
            "key_rotation_days: 90",
            "key_rotation_days: -5",
            "policy.key_rotation_days",
            "must be 1 or more, got -5",
        ),
        (
            "key_rotation_days: 90",
            "key_rotation: 90",
            "policy.key_rotation",
            "unknown field 'key_rotation'; did you mean 'key_rotation_days'?",
        ),
        (
            "key_rotation_days: 90",
            "blast_radius: true",
            "policy.blast_radius",
            "expected a whole number, got true/false",
        ),
    ],
)
def test_policy_fields_are_checked(old, new, location, message):
    assert_reported_at_the_edit(old, new, location, message)


def test_a_duplicate_yaml_key_is_reported():
    text = edited("    rate_limited: true\n", "    rate_limited: true\n    rate_limited: false\n")
    problem = only_problem(text)
    assert problem == Problem(
        "elements[1].rate_limited",
        "duplicate key 'rate_limited'",
        line_of(text, "rate_limited: false"),
    )


def test_a_reference_listed_twice_is_reported():
    text = edited("stores: [card]", "stores: [card, card]")
    problem = only_problem(text)
    assert (problem.location, problem.message) == (
        "elements[2].stores[1]",
        "'card' is listed twice",
    )


def test_a_section_must_be_a_list():
    document = as_dict()
    document["flows"] = {flow["id"]: flow for flow in document["flows"]}
    assert only_problem(document) == Problem("flows", "expected a list, got a mapping")


def test_every_problem_is_reported_at_once_in_document_order():
    text = edited("auth: session", "auth: sesion")
    text = edited("kind: database", "kind: db", text)
    text = edited("held_by: kms", "held_by: kms2", text)
    with pytest.raises(ModelError) as raised:
        load(text)
    locations = [p.location for p in raised.value.problems]
    assert locations == ["keys[0].held_by", "elements[2].kind", "flows[0].auth"]
    lines = str(raised.value).splitlines()
    assert len(lines) == 3
    line = line_of(text, "kms2")
    assert lines[0] == f"keys[0].held_by: unknown element 'kms2'; did you mean 'kms'? (line {line})"


def test_json_text_problems_carry_lines_too():
    document = as_dict()
    document["flows"][1]["to"] = "ordrs-db"
    text = json.dumps(document, indent=2, default=str)
    problem = only_problem(text)
    assert problem.location == "flows[1].to"
    assert problem.line == line_of(text, '"ordrs-db"')


def test_dict_problems_have_no_line():
    document = as_dict()
    document["flows"][1]["to"] = "ordrs-db"
    assert only_problem(document).line is None


def test_problem_exposes_section_index_and_field_for_forms():
    problem = Problem("flows[3].tls.min_version", "unknown TLS version '1.4'")
    assert (problem.section, problem.index, problem.field) == ("flows", 3, "tls.min_version")
    assert (Problem("policy.today", "x").section, Problem("policy.today", "x").field) == (
        "policy",
        "today",
    )
    assert Problem("name", "x").index is None
    assert problem.to_dict() == {
        "location": "flows[3].tls.min_version",
        "message": "unknown TLS version '1.4'",
        "line": None,
    }
    assert (
        str(Problem("flows[3].to", "unknown element 'ordrs-db'", 42))
        == "flows[3].to: unknown element 'ordrs-db' (line 42)"
    )


# -- parsing safety ---------------------------------------------------------------------


def billion_laughs(levels: int = 9) -> str:
    lines = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels + 1):
        refs = ", ".join([f"*lol{level - 1}"] * 9)
        lines.append(f"lol{level}: &lol{level} [{refs}]")
    return "\n".join(lines) + "\n"


def test_a_billion_laughs_document_fails_fast():
    problem = only_problem(billion_laughs())
    assert "aliases expand to more than 10000 nodes" in problem.message
    assert problem.line is not None


def test_a_recursive_alias_is_refused():
    problem = only_problem("name: x\nloop: &a [*a]\n")
    assert problem.message == "alias '*a' refers to no finished anchor"


def test_deep_nesting_is_refused():
    assert (
        only_problem("a: " + "[" * 200 + "]" * 200).message
        == "the document is nested deeper than 32 levels"
    )
    assert only_problem('{"a": ' + "[" * 5000 + "]" * 5000 + "}").message == (
        "the document is nested deeper than 32 levels"
    )


def test_a_document_over_a_size_cap_is_refused(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text(TEXT + "#" * (2 * 1024 * 1024))
    cap = 2 * 1024 * 1024
    assert only_problem_with(big, max_bytes=cap).message == (
        "the document is larger than the 2048 KiB limit"
    )
    assert only_problem_with(big.read_bytes(), max_bytes=cap).message == (
        "the document is larger than the 2048 KiB limit"
    )
    with pytest.raises(ModelError, match="larger than the 1 KiB limit"):
        load(TEXT, max_bytes=1024)


def test_local_files_and_text_have_no_size_cap_by_default(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text(TEXT + "#" * (3 * 1024 * 1024))
    assert load(big).name == load(TEXT).name
    assert load(big.read_bytes()).name == load(TEXT).name


def only_problem_with(source, **options) -> Problem:
    with pytest.raises(ModelError) as raised:
        load(source, **options)
    [problem] = raised.value.problems
    return problem


def test_python_tags_construct_nothing(tmp_path):
    marker = tmp_path / "pwned"
    text = f"name: !!python/object/apply:os.system ['touch {marker}']\n"
    problems = problems_of(text)
    assert (
        problems[0].message
        == "unsupported YAML tag 'tag:yaml.org,2002:python/object/apply:os.system'"
    )
    assert not marker.exists()


def test_several_documents_are_refused():
    assert (
        only_problem(TEXT + "---\nname: other\n").message == "expected one document, found several"
    )


def test_syntax_errors_have_a_line():
    problem = only_problem("name: x\nelements: [a, b\nflows: []\n")
    assert problem.message.startswith("YAML syntax error: ")
    assert problem.line == 3
    problem = only_problem('{\n  "name": "x",\n  "elements": [,]\n}')
    assert problem == Problem("", "JSON syntax error: Expecting value", 3)


def test_an_empty_or_scalar_document_is_refused():
    assert only_problem("").message.endswith("got nothing")
    assert only_problem("just words").message.endswith("got the text 'just words'")


def test_bytes_must_be_utf8():
    assert (
        only_problem("name: caf\xe9".encode("latin-1")).message
        == "the document is not UTF-8 text (byte 9)"
    )


def test_a_missing_file_is_a_model_error(tmp_path):
    problem = only_problem(tmp_path / "absent.yaml")
    assert problem.message.startswith("cannot read absent.yaml")


def test_a_yaml_flow_mapping_is_not_mistaken_for_broken_json():
    system = load("{name: Tiny, elements: [{id: api, kind: service}]}")
    assert [e.id for e in system.elements] == ["api"]


def test_json_lines_are_worked_out_when_a_problem_needs_them():
    elements = [{"id": "api", "kind": "service"}, {"id": "db", "kind": "dbase"}]
    text = json.dumps({"name": "x", "elements": elements}, indent=2)
    problem = only_problem(text)
    assert problem.location == "elements[1].kind"
    assert problem.line == text.splitlines().index('      "kind": "dbase"') + 1


def test_json_item_lines_are_there_for_reports_that_point_into_the_file():
    text = json.dumps({"name": "x", "elements": [{"id": "api", "kind": "service"}]}, indent=2)
    assert load(text).lines["elements[0]"] == 4


def test_json_nested_deeper_than_the_limit_is_refused_below_the_recursion_limit():
    assert only_problem('{"a": ' + "[" * 40 + "]" * 40 + "}").message == (
        "the document is nested deeper than 32 levels"
    )


def test_a_json_integer_too_long_to_read_is_reported_at_its_field():
    problem = only_problem('{"name": "x", "policy": {"blast_radius": ' + "9" * 5000 + "}}")
    assert problem.location == "policy.blast_radius"
    assert problem.message == "a number of 5,000 digits (at most 4,300)"


def test_a_duplicate_key_in_json_is_reported_with_its_line():
    text = '{\n  "name": "x",\n  "name": "y"\n}\n'
    assert only_problem(text) == Problem("name", "duplicate key 'name'", 3)
