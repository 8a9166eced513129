"""Shared test helpers: `make_*` factories and the four users every view is tested with.

Other test modules import the factories (`from tests.conftest import make_system`), so
their signatures stay stable.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

PASSWORD = "correct-horse-battery-staple"

SAMPLE_DOCUMENT: dict[str, Any] = {
    "format": "ciphermap/1",
    "name": "Web shop",
    "description": "Card payments for the shop.",
    "policy": {"today": "2026-11-28"},
    "data": [
        {"id": "card", "name": "Cardholder data", "classification": "restricted", "tags": ["pan"]}
    ],
    "boundaries": [
        {"id": "internet", "kind": "internet"},
        {"id": "vpc", "kind": "internal"},
    ],
    "keys": [{"id": "orders-kek", "type": "kek", "custody": "kms"}],
    "elements": [
        {"id": "browser", "kind": "client", "name": "Customer browser", "boundary": "internet"},
        {"id": "api", "kind": "service", "name": "Orders API", "boundary": "vpc"},
        {
            "id": "orders-db",
            "kind": "database",
            "boundary": "vpc",
            "stores": ["card"],
            "encryption": "none",
        },
    ],
    "flows": [
        {
            "id": "checkout",
            "from": "browser",
            "to": "api",
            "protocol": "https",
            "data": ["card"],
        },
        {
            "id": "orders",
            "from": "api",
            "to": "orders-db",
            "protocol": "postgres",
            "data": ["card"],
        },
    ],
}


def sample_document(**overrides: Any) -> dict:
    """A small valid document (deep copy), with top-level keys replaced by `overrides`."""
    document = copy.deepcopy(SAMPLE_DOCUMENT)
    document.update(overrides)
    return document


def make_user(username: str = "alice", password: str = PASSWORD, **fields: Any):
    user = get_user_model().objects.create_user(username=username, password=password, **fields)
    return user


def make_workspace(name: str = "Payments", owner=None, members: dict | None = None):
    """A workspace; `owner` becomes its owner, `members` maps user -> role."""
    from reviews.models import Membership, Workspace

    workspace = Workspace.objects.create(name=name)
    if owner is not None:
        Membership.objects.create(workspace=workspace, user=owner, role=Membership.OWNER)
    for user, role in (members or {}).items():
        Membership.objects.create(workspace=workspace, user=user, role=role)
    return workspace


def make_system(workspace, document: dict | None = None, author=None, name: str | None = None):
    """A system created through the real save pipeline (validated, analyzed, version 1)."""
    from reviews.services import create_system

    document = copy.deepcopy(document) if document is not None else sample_document()
    if name is not None:
        document["name"] = name
    return create_system(workspace, document, author)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def csrf_client_for(user) -> Client:
    """A client that enforces CSRF like a browser (the test client skips it by default)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The real hasher is slow by design; tests create many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def owner(db):
    return make_user("owner")


@pytest.fixture
def editor(db):
    return make_user("editor")


@pytest.fixture
def viewer(db):
    return make_user("viewer")


@pytest.fixture
def outsider(db):
    return make_user("outsider")


@pytest.fixture
def workspace(owner, editor, viewer):
    return make_workspace(owner=owner, members={editor: "editor", viewer: "viewer"})


@pytest.fixture
def system(workspace, owner):
    return make_system(workspace, author=owner)


@pytest.fixture
def users(owner, editor, viewer, outsider) -> dict:
    return {"owner": owner, "editor": editor, "viewer": viewer, "outsider": outsider}
