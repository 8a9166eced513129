"""Membership by consent: an owner invites, the person accepts; no username enumeration."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client

from accounts.models import Invitation
from audit.models import AuditEvent
from reviews.models import Membership
from tests.conftest import client_for, make_user


def invite(owner, workspace, address: str, role: str = "editor"):
    return client_for(owner).post(
        f"/workspaces/{workspace.pk}/members/", {"username": address, "role": role}
    )


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def is_member(user, workspace) -> bool:
    return Membership.objects.filter(user=user, workspace=workspace).exists()


def test_inviting_someone_does_not_make_them_a_member(owner, workspace, outsider):
    response = invite(owner, workspace, "outsider")
    assert response.status_code == 302
    assert not is_member(outsider, workspace)
    assert client_for(outsider).get(f"/workspaces/{workspace.pk}/").status_code == 404


def test_the_invited_person_sees_the_invitation_and_accepts_it(owner, workspace, outsider):
    invite(owner, workspace, "outsider", role="editor")
    client = client_for(outsider)
    page = client.get("/invitations/").content.decode()
    assert workspace.name in page and "Editor" in page
    invitation = Invitation.objects.get(address="outsider")
    response = client.post(f"/invitations/{invitation.pk}/accept/")
    assert response.status_code == 302
    assert Membership.objects.get(user=outsider, workspace=workspace).role == "editor"
    assert client.get(f"/workspaces/{workspace.pk}/").status_code == 200
    assert [e.target for e in AuditEvent.objects.filter(action="member-joined")] == ["outsider"]


def test_the_invited_person_can_decline(owner, workspace, outsider):
    invite(owner, workspace, "outsider")
    invitation = Invitation.objects.get(address="outsider")
    assert client_for(outsider).post(f"/invitations/{invitation.pk}/decline/").status_code == 302
    assert not is_member(outsider, workspace)
    assert Invitation.objects.get(pk=invitation.pk).status == "declined"
    accept = client_for(outsider).post(f"/invitations/{invitation.pk}/accept/")
    assert accept.status_code == 404


def test_nobody_else_can_accept_an_invitation(owner, workspace, outsider):
    invite(owner, workspace, "outsider")
    invitation = Invitation.objects.get(address="outsider")
    intruder = make_user("intruder")
    assert client_for(intruder).post(f"/invitations/{invitation.pk}/accept/").status_code == 404
    assert not is_member(intruder, workspace)
    assert b"Payments" not in client_for(intruder).get("/invitations/").content


def test_the_superuser_is_not_added_without_consent(owner, workspace):
    root = make_user("root", is_staff=True, is_superuser=True)
    invite(owner, workspace, "root", role="owner")
    assert not is_member(root, workspace)


def test_the_owner_is_told_the_same_whether_or_not_the_account_exists(owner, workspace):
    make_user("existing")
    known = said(invite(owner, workspace, "existing"))
    unknown = said(invite(owner, workspace, "no-such-person"))
    assert [m.replace("existing", "NAME") for m in known] == [
        m.replace("no-such-person", "NAME") for m in unknown
    ]
    page = client_for(owner).get(f"/workspaces/{workspace.pk}/").content.decode()
    assert "existing" in page and "no-such-person" in page  # both listed as invited


def test_an_invitation_expires_after_two_weeks(owner, workspace, outsider):
    invite(owner, workspace, "outsider")
    invitation = Invitation.objects.get(address="outsider")
    Invitation.objects.filter(pk=invitation.pk).update(
        created=invitation.created - timedelta(days=15)
    )
    assert client_for(outsider).post(f"/invitations/{invitation.pk}/accept/").status_code == 404
    assert not is_member(outsider, workspace)


def test_inviting_again_after_expiry_opens_a_new_invitation(owner, workspace, outsider):
    invite(owner, workspace, "outsider")
    Invitation.objects.update(created=Invitation.objects.get().created - timedelta(days=15))
    invite(owner, workspace, "outsider")
    fresh = Invitation.objects.get(status="pending", address="outsider", pk__gt=0)
    assert Invitation.objects.filter(workspace=workspace).count() == 2
    assert client_for(outsider).post(f"/invitations/{fresh.pk}/accept/").status_code == 302


def test_an_owner_can_cancel_an_invitation(owner, workspace, outsider):
    invite(owner, workspace, "outsider")
    invitation = Invitation.objects.get(address="outsider")
    client_for(owner).post(f"/workspaces/{workspace.pk}/invitations/{invitation.pk}/cancel/")
    assert client_for(outsider).post(f"/invitations/{invitation.pk}/accept/").status_code == 404
    assert AuditEvent.objects.filter(action="invitation-cancelled").count() == 1


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_only_owners_invite(users, workspace, role):
    response = invite(users[role], workspace, "outsider")
    assert response.status_code == 403
    assert not Invitation.objects.exists()


# --------------------------------------------------------------------------- by e-mail


def welcome_link() -> str:
    [message] = mail.outbox
    return re.search(r"http://testserver(/accounts/welcome/\S+/)", message.body).group(1)


def test_an_existing_account_is_reminded_by_e_mail(owner, workspace):
    make_user("carol", email="carol@example.com")
    invite(owner, workspace, "Carol@Example.com")
    [message] = mail.outbox
    assert message.to == ["carol@example.com"]
    assert "http://testserver/invitations/" in message.body
    assert get_user_model().objects.filter(email__iexact="carol@example.com").count() == 1


def test_a_newcomer_sets_a_password_from_a_one_time_link_then_accepts(owner, workspace):
    invite(owner, workspace, "dana@example.com", role="viewer")
    dana = get_user_model().objects.get(email="dana@example.com")
    assert not dana.is_active and not dana.has_usable_password()
    link = welcome_link()
    client = Client()
    assert client.get(link).status_code == 200
    password = "a-long-and-new-passphrase"
    response = client.post(link, {"new_password1": password, "new_password2": password})
    assert response.status_code == 302 and response["Location"] == "/invitations/"
    dana.refresh_from_db()
    assert dana.is_active and dana.check_password(password)
    invitation = Invitation.objects.get(address="dana@example.com")
    client.post(f"/invitations/{invitation.pk}/accept/")
    assert Membership.objects.get(user=dana, workspace=workspace).role == "viewer"
    assert AuditEvent.objects.filter(action="account-activated", actor_id=dana.pk).exists()


def test_the_link_works_once(owner, workspace):
    invite(owner, workspace, "erin@example.com")
    link = welcome_link()
    password = "a-long-and-new-passphrase"
    Client().post(link, {"new_password1": password, "new_password2": password})
    again = Client().post(link, {"new_password1": "x" * 20, "new_password2": "x" * 20})
    assert again.status_code == 400
    assert "expired or was already used" in again.content.decode()
    erin = get_user_model().objects.get(email="erin@example.com")
    assert erin.check_password(password)


def test_a_forged_link_is_refused(owner, workspace):
    invite(owner, workspace, "fay@example.com")
    link = welcome_link()
    forged = re.sub(r"/[^/]+/$", "/abc-0123456789abcdef/", link)
    assert Client().get(forged).status_code == 400
    assert Client().get("/accounts/welcome/bm9wZQ/abc-123/").status_code == 400


def test_a_weak_password_is_refused_at_the_field(owner, workspace):
    invite(owner, workspace, "gus@example.com")
    response = Client().post(welcome_link(), {"new_password1": "1234", "new_password2": "1234"})
    assert response.status_code == 200
    assert "too short" in response.content.decode()
    assert not get_user_model().objects.get(email="gus@example.com").is_active


def test_an_inactive_newcomer_cannot_sign_in_before_setting_a_password(owner, workspace):
    invite(owner, workspace, "hal@example.com")
    response = Client().post(
        "/accounts/login/", {"username": "hal@example.com", "password": ""}, REMOTE_ADDR="10.2.0.1"
    )
    assert "_auth_user_id" not in response.wsgi_request.session
