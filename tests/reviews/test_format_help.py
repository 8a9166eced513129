"""The format's help page, rendered from threatmodel/schema.py."""

from __future__ import annotations

import html

import pytest
from django.test import override_settings

from tests.conftest import client_for
from threatmodel import schema


@pytest.fixture
def page(owner) -> str:
    response = client_for(owner).get("/help/format/")
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_anonymous_users_are_sent_to_the_login_page(client, db):
    response = client.get("/help/format/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_lists_every_section_and_field_with_its_help(page):
    for section in schema.SECTIONS:
        assert f'id="{section.name}"' in page
        for field in section.fields:
            assert f"<code>{field.name}</code>" in page, field.name
            assert field.help in page, field.name
    assert "<code>tls.min_version</code>" in page


def test_it_says_which_kinds_a_field_applies_to(page):
    row = page.split("<code>terminates_tls</code>", 1)[1].split("</tr>", 1)[0]
    assert "<td>gateway</td>" in row
    row = page.split("<code>backup_of</code>", 1)[1].split("</tr>", 1)[0]
    assert "(database, object-store" in row


def test_every_encryption_value_has_its_explanation_and_strength(page):
    section = page.split('id="encryption"', 1)[1]
    for choice in schema.ENCRYPTION.choices:
        cell = (
            f"<code>{choice.value}</code></th><td>{schema.ENCRYPTION_STRENGTH[choice.value]}</td>"
        )
        assert cell in section
        assert choice.help in section


def test_every_protocol_is_listed_in_its_class(page):
    encrypted, plaintext = page.split('id="protocols"', 1)[1].split("<h3>Plaintext</h3>", 1)
    for protocol in schema.PROTOCOLS_DECLARED:
        item = f"<li><code>{protocol.value}</code>: {protocol.help}</li>"
        assert item in (encrypted if protocol.encrypted else plaintext), protocol.value


def test_it_states_the_id_rule_and_text_limits(page):
    assert schema.ID_PATTERN in page
    assert f"at most {schema.MAX_ID_LENGTH} characters" in page
    assert f"at most {schema.MAX_DESCRIPTION_LENGTH} characters" in page


def test_the_nav_and_the_item_forms_link_to_it(system, owner):
    client = client_for(owner)
    assert 'href="/help/format/"' in client.get("/").content.decode()
    form = client.get(f"/systems/{system.pk}/elements/api/").content.decode()
    assert 'href="/help/format/#elements"' in form


def test_the_docs_are_served_as_text_when_the_project_has_them(owner, tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "MODEL.md").write_text("# The format\n<script>x</script>\n")
    with override_settings(BASE_DIR=tmp_path):
        client = client_for(owner)
        response = client.get("/help/format/MODEL.md")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert response.content.decode().startswith("# The format")
        assert 'href="/help/format/MODEL.md"' in client.get("/help/format/").content.decode()
        assert client.get("/help/format/RULES.md").status_code == 404


def test_only_the_two_docs_are_served(owner):
    client = client_for(owner)
    for name in ("settings.py", "..%2Fconfig%2Fsettings.py", "README.md"):
        assert client.get(f"/help/format/{name}").status_code == 404
