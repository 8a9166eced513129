"""Pages carry a strict Content-Security-Policy and nothing in them needs relaxing it."""

from __future__ import annotations

import re

import pytest

from tests.conftest import client_for

PAGES = [
    "/",
    "/workspaces/",
    "/workspaces/{w}/",
    "/systems/new/",
    "/systems/import/",
    "/systems/{s}/",
    "/systems/{s}/findings/",
    "/systems/{s}/history/",
    "/systems/{s}/revisions/1/",
    "/systems/{s}/diff/?from=1&to=1",
    "/systems/{s}/elements/api/",
    "/systems/{s}/flows/new/",
    "/systems/{s}/policy/",
    "/systems/{s}/settings/",
    "/systems/{s}/reimport/",
    "/systems/{s}/delete/",
    "/accounts/password/",
]


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("page", PAGES)
def test_pages_send_a_strict_policy(system, owner, page):
    response = client_for(owner).get(page.format(s=system.pk, w=system.workspace.pk))
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


@pytest.mark.parametrize("page", PAGES)
def test_pages_have_no_inline_script_style_or_handlers(system, owner, page):
    html = client_for(owner).get(page.format(s=system.pk, w=system.workspace.pk)).content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)
    assert "hx-on" not in html
    assert "js:" not in html


def test_the_login_page_has_the_policy_too(client, db):
    response = client.get("/accounts/login/")
    assert _policy(response)["script-src"] == ["'self'"]


def test_htmx_is_configured_without_eval(system, owner):
    html = client_for(owner).get(f"/systems/{system.pk}/").content.decode()
    assert '"allowEval": false' in html
    assert '"includeIndicatorStyles": false' in html
