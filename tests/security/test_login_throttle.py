"""Sign-in throttling (django-axes): by username and by address, for the app and the admin,
with messages that never tell whether an account exists."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from tests.conftest import PASSWORD, make_user

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
LIMIT = 5


def attempt(client: Client, username: str, password: str, url: str = LOGIN, ip="10.0.0.1"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def fail(client: Client, username: str, times: int = LIMIT, url: str = LOGIN, ip="10.0.0.1"):
    for _ in range(times):
        assert attempt(client, username, "wrong-password", url, ip).status_code in (200, 429)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def without_tokens(html: bytes) -> str:
    """The page without its per-response CSRF tokens."""
    return re.sub(r"[A-Za-z0-9]{32,}", "TOKEN", html.decode())


@pytest.fixture
def alice(db):
    return make_user("alice")


def test_the_right_password_signs_in(alice):
    client = Client()
    assert attempt(client, "alice", PASSWORD).status_code == 302
    assert signed_in(client)


def test_after_five_wrong_passwords_even_the_right_one_is_refused(alice):
    client = Client()
    fail(client, "alice")
    response = attempt(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()
    assert not signed_in(client)


def test_four_wrong_passwords_still_let_the_right_one_in(alice):
    client = Client()
    fail(client, "alice", times=LIMIT - 1)
    assert attempt(client, "alice", PASSWORD).status_code == 302


def test_a_successful_sign_in_resets_the_count(alice):
    fail(Client(), "alice", times=LIMIT - 1)
    assert attempt(Client(), "alice", PASSWORD).status_code == 302
    fail(Client(), "alice", times=LIMIT - 1)
    assert attempt(Client(), "alice", PASSWORD).status_code == 302


def test_the_username_is_locked_from_every_address(alice):
    for number in range(LIMIT):
        fail(Client(), "alice", times=1, ip=f"10.0.1.{number}")
    response = attempt(Client(), "alice", PASSWORD, ip="10.9.9.9")
    assert response.status_code == 429


def test_an_address_trying_many_usernames_is_locked_for_all_of_them(alice):
    for number in range(LIMIT):
        fail(Client(), f"guess{number}", times=1, ip="10.0.2.1")
    assert attempt(Client(), "alice", PASSWORD, ip="10.0.2.1").status_code == 429
    assert attempt(Client(), "alice", PASSWORD, ip="10.0.2.2").status_code == 302


def test_the_admin_sign_in_is_throttled_too(db):
    make_user("root", is_staff=True, is_superuser=True)
    client = Client()
    fail(client, "root", url=ADMIN_LOGIN)
    response = attempt(client, "root", PASSWORD, url=ADMIN_LOGIN)
    assert response.status_code == 429
    assert client.get("/admin/").status_code == 302  # still signed out


def test_the_lockout_ends_after_the_cool_off(alice):
    fail(Client(), "alice")
    assert attempt(Client(), "alice", PASSWORD).status_code == 429
    # Sixteen minutes pass.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert attempt(Client(), "alice", PASSWORD).status_code == 302


def test_a_wrong_password_and_an_unknown_user_read_the_same(alice):
    known = attempt(Client(), "alice", "wrong-password", ip="10.0.3.1")
    unknown = attempt(Client(), "nobody-here", "wrong-password", ip="10.0.3.2")
    assert known.status_code == unknown.status_code == 200
    assert without_tokens(known.content) == without_tokens(unknown.content).replace(
        "nobody-here", "alice"
    )


def test_the_lockout_reads_the_same_for_an_unknown_user(alice):
    fail(Client(), "alice", ip="10.0.4.1")
    fail(Client(), "nobody-here", ip="10.0.4.2")
    known = attempt(Client(), "alice", PASSWORD, ip="10.0.4.1")
    unknown = attempt(Client(), "nobody-here", PASSWORD, ip="10.0.4.2")
    assert known.status_code == unknown.status_code == 429
    assert without_tokens(known.content) == without_tokens(unknown.content)
    assert b"alice" not in known.content
