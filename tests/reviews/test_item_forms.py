"""The item forms come from the format's declaration (threatmodel/schema.py): fields,
labels, help, choices with their explanations, the kinds each field applies to."""

from __future__ import annotations

import json
import re

import pytest

from reviews.forms import ITEM_FORMS, ElementForm, FlowForm, KeyForm
from tests.conftest import client_for, sample_document
from threatmodel import schema

HTMX = {"HX-Request": "true"}


def _post(user, system, path, data):
    return client_for(user).post(f"/systems/{system.pk}/{path}", data)


def _item(system, section, item_id):
    return next(i for i in system.document[section] if i["id"] == item_id)


def _row_kinds(html: str, name: str) -> str | None:
    """The data-kinds of the form row holding the field `name` (None: every kind)."""
    row_pattern = (
        r'<div class="field [^"]*"(?: data-kinds="([^"]*)")?>(.*?)</div>'
        r'\s*(?=<div class="field|</fieldset)'
    )
    for row in re.findall(row_pattern, html, re.S):
        kinds, body = row
        if f'name="{name}"' in body:
            return kinds or None
    raise AssertionError(f"no row for {name}")


@pytest.mark.parametrize("section", schema.SECTIONS, ids=lambda s: s.name)
def test_every_declared_field_has_a_form_field_with_its_label_and_help(section):
    form = ITEM_FORMS[section.name](document=sample_document())
    for field in section.fields:
        if not field.in_forms:
            assert field.name not in form.fields
            continue
        bound = form.fields[field.attribute or field.name]
        assert bound.label == field.label
        assert bound.help_text == field.help


def test_text_fields_take_their_length_from_the_declaration():
    form = ElementForm(document=sample_document())
    assert form.fields["name"].max_length == schema.MAX_NAME_LENGTH
    assert form.fields["description"].max_length == schema.MAX_DESCRIPTION_LENGTH
    assert form.fields["out_of_scope_reason"].max_length == schema.MAX_REASON_LENGTH


def test_each_encryption_value_shows_its_explanation():
    choices = dict(ElementForm(document=sample_document()).fields["encryption"].choices)
    assert choices["sse-kms"] == "sse-kms — Server-side encryption with a customer-managed KMS key."
    assert choices[""] == "— not stated —"
    assert set(choices) - {""} == set(schema.ENCRYPTION.values)


def test_the_protocol_choices_are_the_declared_ones():
    choices = dict(FlowForm(document=sample_document()).fields["protocol"].choices)
    assert set(choices) - {""} == set(schema.PROTOCOL.values)
    assert choices["h2c"].startswith("h2c — ")


def test_a_store_key_lists_keys_that_can_encrypt_data_only():
    document = sample_document()
    document["keys"].append({"id": "jwt", "type": "signing"})
    keys = [v for v, _label in ElementForm(document=document).fields["key"].choices]
    assert keys == ["", "orders-kek"]


def test_references_show_names_and_held_by_lists_key_stores_only():
    document = sample_document()
    document["elements"].append({"id": "kms", "kind": "key-store", "name": "AWS KMS"})
    form = KeyForm(document=document)
    assert form.fields["held_by"].choices == [("", "—"), ("kms", "AWS KMS (kms)")]
    flow = FlowForm(document=document)
    assert ("browser", "Customer browser (browser)") in flow.fields["source"].choices
    assert ("orders-db", "orders-db") in flow.fields["source"].choices


def test_backup_of_lists_stores_only_and_never_the_backup_itself():
    document = sample_document()
    backup = {"id": "db-backup", "kind": "backup", "backup_of": "orders-db"}
    document["elements"].append(backup)
    form = ElementForm(document=document, item=backup)
    assert [value for value, _label in form.fields["backup_of"].choices] == ["", "orders-db"]


def test_fields_are_offered_only_to_the_kinds_they_apply_to(system, owner):
    html = client_for(owner).get(f"/systems/{system.pk}/elements/api/").content.decode()
    assert _row_kinds(html, "terminates_tls") == "gateway"
    assert _row_kinds(html, "backup_of") == "backup"
    assert _row_kinds(html, "offsite") == "backup"
    assert _row_kinds(html, "immutable") == "log-sink backup"
    assert _row_kinds(html, "redaction") == "log-sink"
    assert _row_kinds(html, "public_access") == " ".join(schema.STORE_KINDS)
    assert _row_kinds(html, "stores") == " ".join(schema.AT_REST_KINDS)
    assert _row_kinds(html, "name") is None
    assert _row_kinds(html, "out_of_scope") is None


def test_a_store_form_creates_a_data_class_and_a_key(system, editor):
    response = _post(
        editor,
        system,
        "elements/orders-db/",
        {
            "base_version": 1,
            "id": "orders-db",
            "kind": "database",
            "boundary": "vpc",
            "stores": ["card"],
            "encryption": "sse-kms",
            "new_data": "Order history",
            "new_data_classification": "confidential",
            "new_key": "Orders DB key",
        },
    )
    assert response.status_code == 302
    system.refresh_from_db()
    assert system.version == 2
    store = _item(system, "elements", "orders-db")
    assert store["stores"] == ["card", "order-history"]
    assert store["key"] == "orders-db-key"
    assert _item(system, "data", "order-history") == {
        "id": "order-history",
        "name": "Order history",
        "classification": "confidential",
    }
    assert _item(system, "keys", "orders-db-key") == {
        "id": "orders-db-key",
        "type": "dek",
        "name": "Orders DB key",
    }


def test_a_new_data_class_gets_an_unused_id(system, editor):
    _post(
        editor,
        system,
        "elements/orders-db/",
        {"base_version": 1, "id": "orders-db", "kind": "database", "new_data": "Card"},
    )
    system.refresh_from_db()
    assert _item(system, "elements", "orders-db")["stores"] == ["card-2"]


def test_a_refused_store_save_creates_nothing(system, editor):
    response = _post(
        editor,
        system,
        "elements/orders-db/",
        # A key with a provider-key encryption is refused: neither the key nor the data
        # class is added.
        {
            "base_version": 1,
            "id": "orders-db",
            "kind": "database",
            "encryption": "tde",
            "new_data": "Invoices",
            "new_key": "Invoice key",
        },
    )
    assert response.status_code == 400
    system.refresh_from_db()
    assert system.version == 1
    assert [d["id"] for d in system.document["data"]] == ["card"]
    assert "encryption is 'tde'" in " ".join(response.context["form"].errors["key"])


def test_after_an_htmx_save_the_form_shows_the_created_data_class_as_stored(system, editor):
    response = client_for(editor).post(
        f"/systems/{system.pk}/elements/orders-db/",
        {"base_version": 1, "id": "orders-db", "kind": "database", "new_data": "Invoices"},
        headers=HTMX,
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form["stores"].value() == ["invoices"]
    assert form["new_data"].value() in (None, "")


def test_saves_store_the_canonical_document(system, editor):
    _post(
        editor,
        system,
        "data/new/",
        {"base_version": 1, "id": "telemetry", "name": "Telemetry", "classification": "internal"},
    )
    system.refresh_from_db()
    # internal is the default classification: the canonical document leaves it out.
    assert _item(system, "data", "telemetry") == {"id": "telemetry", "name": "Telemetry"}


def test_forward_secrecy_stated_as_no_is_kept(system, editor):
    _post(
        editor,
        system,
        "flows/checkout/",
        {
            "base_version": 1,
            "id": "checkout",
            "source": "browser",
            "target": "api",
            "protocol": "https",
            "purpose": "data",
            "tls": "on",
            "tls_min_version": "1.2",
            "tls_forward_secrecy": "false",
            "tls_verify_peer": "on",
        },
    )
    system.refresh_from_db()
    assert _item(system, "flows", "checkout")["tls"] == {
        "min_version": "1.2",
        "forward_secrecy": False,
    }


def test_out_of_scope_is_editable_on_an_element(system, editor):
    _post(
        editor,
        system,
        "elements/api/",
        {
            "base_version": 1,
            "id": "api",
            "kind": "service",
            "boundary": "vpc",
            "out_of_scope": "on",
            "out_of_scope_reason": "Reviewed by the vendor",
        },
    )
    system.refresh_from_db()
    api = _item(system, "elements", "api")
    assert api["out_of_scope"] is True
    assert api["out_of_scope_reason"] == "Reviewed by the vendor"


def test_a_name_over_the_limit_is_refused_by_the_form(system, editor):
    response = _post(
        editor,
        system,
        "elements/api/",
        {"base_version": 1, "id": "api", "kind": "service", "name": "n" * 201},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["name"]


def test_a_dict_saved_by_the_editor_is_stored_canonical(system, editor):
    document = sample_document(name="Web shop 2")
    document["flows"][0]["purpose"] = "data"  # the default, written out
    document["flows"][0] = {"to": "api", **document["flows"][0]}  # fields out of order
    response = client_for(editor).post(
        f"/systems/{system.pk}/document.json",
        {"base_version": 1, "document": document},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    system.refresh_from_db()
    flow = system.document["flows"][0]
    # The stored form is canonical in content; its key order is not kept by PostgreSQL's
    # jsonb, and exports write the canonical order themselves.
    assert flow == {
        "id": "checkout",
        "from": "browser",
        "to": "api",
        "protocol": "https",
        "data": ["card"],
    }


def test_the_editor_page_carries_the_declared_vocabulary_once(system, owner):
    page = client_for(owner).get(f"/systems/{system.pk}/").content.decode()
    assert page.count('id="editor-data"') == 1
    data = json.loads(
        re.search(r'<script id="editor-data" type="application/json">(.*?)</script>', page, re.S)[1]
    )
    assert data["vocabulary"] == json.loads(json.dumps(schema.vocabulary()))
    kinds = {k["value"]: k for k in data["vocabulary"]["element_kinds"]}
    assert kinds["external"]["label"] == "Third party"
    assert data["vocabulary"]["element_fields"]["terminates_tls"] == ["gateway"]
