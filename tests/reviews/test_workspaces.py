"""Workspaces and their members."""

from __future__ import annotations

from reviews.models import Membership, Workspace
from tests.conftest import client_for, make_user


def test_creating_a_workspace_makes_the_creator_its_owner(db):
    user = make_user("carol")
    response = client_for(user).post("/workspaces/", {"name": "Platform"})
    workspace = Workspace.objects.get(name="Platform")
    assert response["Location"] == f"/workspaces/{workspace.pk}/"
    assert workspace.memberships.get().role == "owner"


def test_an_owner_invites_a_member_with_a_role_who_joins_by_accepting(workspace, owner, outsider):
    client_for(owner).post(
        f"/workspaces/{workspace.pk}/members/", {"username": "outsider", "role": "editor"}
    )
    assert not workspace.memberships.filter(user=outsider).exists()
    invitation = workspace.invitations.get()
    client_for(outsider).post(f"/invitations/{invitation.pk}/accept/")
    assert workspace.memberships.get(user=outsider).role == "editor"


def test_inviting_an_unknown_user_does_not_say_so(workspace, owner):
    client = client_for(owner)
    response = client.post(
        f"/workspaces/{workspace.pk}/members/", {"username": "nobody", "role": "viewer"}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Invited nobody as viewer" in page
    assert "no user" not in page.lower()


def test_an_owner_changes_a_role_and_removes_a_member(workspace, owner, viewer):
    membership = workspace.memberships.get(user=viewer)
    client = client_for(owner)
    client.post(f"/workspaces/{workspace.pk}/members/{membership.pk}/role/", {"role": "editor"})
    membership.refresh_from_db()
    assert membership.role == "editor"
    client.post(f"/workspaces/{workspace.pk}/members/{membership.pk}/remove/")
    assert not workspace.memberships.filter(user=viewer).exists()


def test_the_last_owner_cannot_leave_or_be_demoted(workspace, owner):
    membership = workspace.memberships.get(user=owner)
    client = client_for(owner)
    client.post(f"/workspaces/{workspace.pk}/members/{membership.pk}/role/", {"role": "viewer"})
    client.post(f"/workspaces/{workspace.pk}/members/{membership.pk}/remove/")
    membership.refresh_from_db()
    assert membership.role == "owner"


def test_members_of_another_workspace_cannot_be_touched(workspace, owner):
    other_owner = make_user("mallory")
    other = Workspace.objects.create(name="Other")
    victim = Membership.objects.create(workspace=other, user=other_owner, role="owner")
    response = client_for(owner).post(f"/workspaces/{workspace.pk}/members/{victim.pk}/remove/")
    assert response.status_code == 404
    assert Membership.objects.filter(pk=victim.pk).exists()


def test_the_workspace_page_lists_systems_and_members(system, viewer):
    html = client_for(viewer).get(f"/workspaces/{system.workspace.pk}/").content.decode()
    assert "Web shop" in html
    assert "editor" in html
    assert "Add a member" not in html
