"""Editing the model through the property forms (plain POST and htmx)."""

from __future__ import annotations

import copy
import json

from reviews import services
from reviews.models import System
from tests.conftest import client_for

HTMX = {"HX-Request": "true"}


def _post(user, system, path, data, htmx=False):
    return client_for(user).post(f"/systems/{system.pk}/{path}", data, headers=HTMX if htmx else {})


def _element(system, element_id):
    return next(e for e in system.document["elements"] if e["id"] == element_id)


def test_editing_an_element_saves_a_new_version(system, editor):
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
            "encryption": "field",
        },
    )
    assert response.status_code == 302
    system.refresh_from_db()
    assert system.version == 2
    assert _element(system, "orders-db")["encryption"] == "field"
    assert system.revisions.get(version=2).summary == "changed element orders-db (encryption)"
    assert system.revisions.get(version=2).author == editor


def test_the_form_keeps_what_it_does_not_show(system, owner):
    document = dict(system.document)
    document["elements"] = [dict(e) for e in document["elements"]]
    document["elements"][1]["position"] = {"x": 12, "y": 34}
    system = services.save_document(system, document, base_version=1, author=owner)
    _post(
        owner,
        system,
        "elements/api/",
        {"base_version": 2, "id": "api", "kind": "service", "boundary": "vpc", "name": "API"},
    )
    system.refresh_from_db()
    assert _element(system, "api")["position"] == {"x": 12, "y": 34}
    assert _element(system, "api")["name"] == "API"


def test_an_htmx_save_returns_the_form_the_panels_and_a_model_changed_event(system, editor):
    response = _post(
        editor,
        system,
        "elements/api/",
        {
            "base_version": 1,
            "id": "api",
            "kind": "service",
            "boundary": "vpc",
            "rate_limited": "on",
        },
        htmx=True,
    )
    assert response.status_code == 200
    assert json.loads(response["HX-Trigger"]) == {"modelChanged": {"version": 2}}
    html = response.content.decode()
    assert 'id="properties"' in html
    assert 'name="base_version" value="2"' in html
    assert (
        'id="findings" class="panel findings-panel" aria-label="Findings" hx-swap-oob="true"'
        in html
    )
    assert "<html" not in html


def test_the_model_tables_reload_when_the_model_changes(system, owner):
    client = client_for(owner)
    page = client.get(f"/systems/{system.pk}/").content.decode()
    # A form's save announces modelChanged; the canvas refreshes the panels itself.
    assert 'hx-trigger="modelChanged from:body"' in page
    fragment = client.get(f"/systems/{system.pk}/?fragment=inventory", headers=HTMX)
    assert fragment.content.decode().lstrip().startswith('<section id="inventory"')


def test_an_engine_problem_is_shown_at_its_field_and_nothing_is_saved(system, editor):
    response = _post(
        editor,
        system,
        "elements/api/",
        {
            "base_version": 1,
            "id": "api",
            "kind": "service",
            "boundary": "vpc",
            "encryption": "tde",
            "key": "orders-kek",
        },
        htmx=True,
    )
    system.refresh_from_db()
    assert system.version == 1
    assert response.status_code == 400
    form = response.context["form"]
    assert "encryption is 'tde'" in " ".join(form.errors.get("key", []))


def test_a_reference_to_a_missing_item_is_shown_at_the_field(system, editor):
    response = _post(
        editor,
        system,
        "flows/new/",
        {"base_version": 1, "id": "new-flow", "source": "api", "target": "api", "purpose": "data"},
    )
    assert response.status_code in (302, 400)
    response = _post(
        editor,
        system,
        "flows/orders/",
        {"base_version": 1, "id": "orders", "source": "api", "target": "ghost", "purpose": "data"},
    )
    assert response.status_code == 400
    assert "target" in response.context["form"].errors


def test_a_stale_form_is_refused_with_a_reload_link_and_keeps_the_newer_data(system, owner, editor):
    _post(owner, system, "settings/", {"base_version": 1, "name": "Owner's name"})
    response = _post(
        editor,
        system,
        "elements/api/",
        {"base_version": 1, "id": "api", "kind": "service", "boundary": "vpc", "name": "Late"},
        htmx=True,
    )
    assert response.status_code == 409
    assert b"changed since you opened it" in response.content
    assert f'href="/systems/{system.pk}/"'.encode() in response.content
    system.refresh_from_db()
    assert (system.version, system.name) == (2, "Owner's name")
    assert _element(system, "api")["name"] == "Orders API"


def test_adding_a_flow_with_tls_details(system, editor):
    response = _post(
        editor,
        system,
        "flows/new/",
        {
            "base_version": 1,
            "id": "replica",
            "source": "orders-db",
            "target": "api",
            "protocol": "postgres-tls",
            "data": ["card"],
            "purpose": "replication",
            "tls": "on",
            "tls_min_version": "1.3",
            "tls_verify_peer": "on",
            "tls_cert_expires": "2027-01-31",
        },
    )
    assert response.status_code == 302
    system.refresh_from_db()
    flow = next(f for f in system.document["flows"] if f["id"] == "replica")
    assert (flow["from"], flow["to"], flow["purpose"]) == ("orders-db", "api", "replication")
    assert flow["tls"]["min_version"] == "1.3"
    assert str(flow["tls"]["cert_expires"]) == "2027-01-31"


def test_renaming_an_id_updates_every_reference(system, editor):
    _post(
        editor,
        system,
        "elements/api/",
        {"base_version": 1, "id": "orders-api", "kind": "service", "boundary": "vpc"},
    )
    system.refresh_from_db()
    assert system.version == 2
    ends = {(f["from"], f["to"]) for f in system.document["flows"]}
    assert ends == {("browser", "orders-api"), ("orders-api", "orders-db")}


def test_deleting_an_item_in_use_takes_its_references_as_the_canvas_does(system, editor):
    page = client_for(editor).get(f"/systems/{system.pk}/data/card/").content.decode()
    assert (
        'hx-confirm="Delete data class card? Element orders-db loses card from stores. '
        "Flow checkout loses card from data. Flow orders loses card from data. "
        'History keeps the old version."'
    ) in page
    response = _post(editor, system, "data/card/delete/", {"base_version": 1})
    assert response.status_code == 302
    system.refresh_from_db()
    assert system.version == 2
    assert "data" not in system.document
    assert all("data" not in flow for flow in system.document["flows"])


def test_deleting_an_element_deletes_its_flows(system, editor):
    response = _post(editor, system, "elements/api/delete/", {"base_version": 1}, htmx=True)
    assert response.status_code == 200
    system.refresh_from_db()
    assert system.version == 2
    assert [e["id"] for e in system.document["elements"]] == ["browser", "orders-db"]
    assert "flows" not in system.document
    assert "Deleted element api, flow checkout and flow orders." in response.content.decode()


def test_renaming_through_the_form_to_a_taken_id_is_refused_at_the_id(system, editor):
    response = _post(
        editor, system, "elements/api/", {"base_version": 1, "id": "browser", "kind": "service"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["id"] == ["the element ID 'browser' is already used"]
    system.refresh_from_db()
    assert system.version == 1


def test_deleting_an_unused_item_saves_a_new_version(system, editor):
    response = _post(editor, system, "keys/orders-kek/delete/", {"base_version": 1}, htmx=True)
    assert response.status_code == 200
    assert "modelChanged" in response["HX-Trigger"]
    system.refresh_from_db()
    assert system.version == 2
    assert "keys" not in system.document or not system.document["keys"]


def test_data_classes_keys_boundaries_and_policy_can_be_edited(system, editor):
    steps = [
        ("data/new/", {"id": "emails", "classification": "confidential", "tags": ["pii"]}),
        (
            "keys/orders-kek/",
            {"id": "orders-kek", "type": "kek", "custody": "hsm", "rotation_days": 90},
        ),
        ("boundaries/vpc/", {"id": "vpc", "kind": "internal", "env": "prod", "mesh": "strict"}),
        ("policy/", {"key_rotation_days": 30, "today": "2026-12-01"}),
    ]
    for version, (path, data) in enumerate(steps, start=1):
        response = _post(editor, system, path, {"base_version": version, **data})
        assert response.status_code == 302, response.content[:1000]
    system = System.objects.get(pk=system.pk)
    assert system.version == 5
    assert system.document["policy"]["key_rotation_days"] == 30
    assert str(system.document["policy"]["today"]) == "2026-12-01"
    assert next(k for k in system.document["keys"])["custody"] == "hsm"
    assert next(b for b in system.document["boundaries"] if b["id"] == "vpc")["mesh"] == "strict"


def test_an_item_form_for_a_missing_item_is_404(system, owner):
    assert client_for(owner).get(f"/systems/{system.pk}/elements/ghost/").status_code == 404


def test_htmx_gets_the_form_fragment_and_browsers_the_page(system, owner):
    client = client_for(owner)
    fragment = client.get(f"/systems/{system.pk}/elements/api/", headers=HTMX)
    page = client.get(f"/systems/{system.pk}/elements/api/")
    assert b"<html" not in fragment.content
    assert b'id="properties"' in fragment.content
    assert b"<html" in page.content


def test_viewers_see_the_form_disabled(system, viewer):
    response = client_for(viewer).get(f"/systems/{system.pk}/elements/api/")
    assert b"<fieldset disabled" in response.content
    assert b'type="submit" class="primary"' not in response.content


def test_renaming_the_system(system, editor):
    _post(editor, system, "settings/", {"base_version": 1, "name": "Checkout", "description": ""})
    system.refresh_from_db()
    assert system.name == system.document["name"] == "Checkout"
    assert "description" not in system.document


def test_an_item_added_through_htmx_comes_back_as_its_edit_form(system, editor):
    response = _post(
        editor,
        system,
        "data/new/",
        {"base_version": 1, "id": "emails", "classification": "confidential"},
        htmx=True,
    )
    html = response.content.decode()
    assert f'action="/systems/{system.pk}/data/emails/"' in html
    assert f'action="/systems/{system.pk}/data/emails/delete/"' in html


def test_resaving_a_flow_form_keeps_the_order_of_its_data_classes(system, owner):
    """The form returns choices in the data section's order; history must not report a
    change the user did not make."""
    from reviews import services

    document = copy.deepcopy(system.document)
    document["data"].append({"id": "aaa-first", "classification": "internal"})
    flow = next(f for f in document["flows"] if f["id"] == "checkout")
    flow["data"] = ["card", "aaa-first"]
    services.save_document(system, document, base_version=1, author=owner)

    response = _post(
        owner,
        system,
        "flows/checkout/",
        {
            "base_version": 2,
            "id": "checkout",
            "source": "browser",
            "target": "api",
            "protocol": "http",
            "data": ["aaa-first", "card"],
            "purpose": "data",
        },
    )

    assert response.status_code == 302
    system.refresh_from_db()
    flow = next(f for f in system.document["flows"] if f["id"] == "checkout")
    assert flow["data"] == ["card", "aaa-first"]
    assert system.revisions.order_by("-version").first().summary == (
        "changed flow checkout (protocol)"
    )


def test_a_flow_whose_data_is_unticked_says_it_carries_none(system, owner):
    """Unticking every data class of a flow that stated its data is a statement ("no
    data"), not a return to "not stated", which the engine would assume confidential."""
    response = _post(
        owner,
        system,
        "flows/checkout/",
        {"base_version": 1, "id": "checkout", "source": "browser", "target": "api"},
    )

    assert response.status_code == 302
    system.refresh_from_db()
    flow = next(f for f in system.document["flows"] if f["id"] == "checkout")
    assert flow["data"] == []


def test_a_flow_that_never_stated_its_data_stays_unstated_when_left_empty(system, owner):
    response = _post(
        owner,
        system,
        "flows/new/",
        {"base_version": 1, "id": "extra", "source": "api", "target": "orders-db"},
    )

    assert response.status_code == 302
    system.refresh_from_db()
    flow = next(f for f in system.document["flows"] if f["id"] == "extra")
    assert "data" not in flow


def test_an_explicit_no_on_a_flag_that_may_be_unstated_is_kept(system, owner):
    fields = {"base_version": 1, "id": "api", "kind": "service", "boundary": "vpc"}
    _post(owner, system, "elements/api/", {**fields, "rate_limited": "false"})
    system.refresh_from_db()
    assert _element(system, "api")["rate_limited"] is False

    _post(owner, system, "elements/api/", {**fields, "base_version": 2, "rate_limited": ""})
    system.refresh_from_db()
    assert "rate_limited" not in _element(system, "api")


def test_after_a_rename_the_form_is_titled_with_the_new_name(system, editor):
    response = _post(
        editor,
        system,
        "elements/api/",
        {"base_version": 1, "id": "api", "kind": "service", "name": "Checkout API"},
        htmx=True,
    )
    html = response.content.decode()
    assert "<h2>Element Checkout API</h2>" in html
    assert "Orders API" not in html


def test_a_new_item_once_saved_is_titled_as_itself_not_as_new(system, editor):
    response = _post(
        editor,
        system,
        "data/new/",
        {
            "base_version": 1,
            "id": "emails",
            "name": "Email addresses",
            "classification": "internal",
        },
        htmx=True,
    )
    html = response.content.decode()
    assert "<h2>Data class Email addresses</h2>" in html
    assert "New data class" not in html
