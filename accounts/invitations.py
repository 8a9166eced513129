"""Inviting, accepting, declining and cancelling; e-mail to the people invited.

Whatever the address names (an account, an account's e-mail, nobody yet), the owner is
told the same thing, so invitations cannot be used to find out which accounts exist.
An e-mail address with no account gets an inactive account and a one-time link (Django's
password-reset tokens) with which its owner sets a password.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

import audit
from reviews.models import Membership, Workspace
from reviews.requests import AuthenticatedHttpRequest

from .models import Invitation, normalize_address


class NotForYou(Exception):
    """The invitation is not addressed to this user, or no longer pending."""


def invite(
    request: AuthenticatedHttpRequest, workspace: Workspace, address: str, role: str
) -> Invitation:
    """Invite `address` (a username or an e-mail address) to `workspace` as `role`."""
    address = normalize_address(address)
    with transaction.atomic():
        invitation = workspace.invitations.pending().filter(address=address).first()
        if invitation is None:
            try:
                with transaction.atomic():
                    invitation = Invitation.objects.create(
                        workspace=workspace, address=address, role=role, invited_by=request.user
                    )
            except IntegrityError:  # an expired pending one: close it and start again
                workspace.invitations.filter(address=address, status=Invitation.PENDING).update(
                    status=Invitation.CANCELLED, answered_at=timezone.now()
                )
                invitation = Invitation.objects.create(
                    workspace=workspace, address=address, role=role, invited_by=request.user
                )
        elif invitation.role != role:
            invitation.role = role
            invitation.save(update_fields=["role"])
        audit.record(
            "member-invited", request=request, workspace=workspace, target=address, role=role
        )
    _notify(request, invitation)
    return invitation


def _notify(request: AuthenticatedHttpRequest, invitation: Invitation) -> None:
    """E-mail the person, if the address reaches someone: a newcomer gets a link to set
    a password, an existing account a reminder to sign in and accept."""
    users = get_user_model().objects
    address = invitation.address
    if "@" in address:
        user = users.filter(Q(email__iexact=address) | Q(username__iexact=address)).first()
        if user is None:
            user = users.create_user(username=address, email=address, is_active=False)
            user.set_unusable_password()
            user.save()
        recipient = address
    else:
        user = users.filter(username=address).first()
        recipient = user.email if user else ""
    if user is None or not recipient:
        return
    context = {
        "invitation": invitation,
        "inviter": request.user.get_username(),
        "link": request.build_absolute_uri(reverse("invitation_list")),
    }
    if not user.has_usable_password():
        token = default_token_generator.make_token(user)
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        context["link"] = request.build_absolute_uri(reverse("welcome", args=[uid, token]))
        context["newcomer"] = True
    send_mail(
        subject=f"You are invited to {invitation.workspace.name} on Ciphermap",
        message=render_to_string("accounts/invitation_email.txt", context),
        from_email=None,
        recipient_list=[recipient],
    )


def _pending_for(user: User, pk: int) -> Invitation:
    invitation = Invitation.objects.for_user(user).filter(pk=pk).first()
    if invitation is None:
        raise NotForYou
    return invitation


@transaction.atomic
def accept(request: AuthenticatedHttpRequest, pk: int) -> Membership:
    invitation = _pending_for(request.user, pk)
    membership, created = Membership.objects.get_or_create(
        workspace=invitation.workspace, user=request.user, defaults={"role": invitation.role}
    )
    _answer(invitation, request.user, Invitation.ACCEPTED)
    if created:
        audit.record(
            "member-joined",
            request=request,
            workspace=invitation.workspace,
            target=request.user.get_username(),
            role=invitation.role,
            invited_by=invitation.invited_by.get_username() if invitation.invited_by else "",
        )
    return membership


@transaction.atomic
def decline(request: AuthenticatedHttpRequest, pk: int) -> Invitation:
    invitation = _pending_for(request.user, pk)
    _answer(invitation, request.user, Invitation.DECLINED)
    audit.record(
        "invitation-declined",
        request=request,
        workspace=invitation.workspace,
        target=request.user.get_username(),
    )
    return invitation


@transaction.atomic
def cancel(request: AuthenticatedHttpRequest, invitation: Invitation) -> None:
    _answer(invitation, request.user, Invitation.CANCELLED)
    audit.record(
        "invitation-cancelled",
        request=request,
        workspace=invitation.workspace,
        target=invitation.address,
    )


def _answer(invitation: Invitation, user: User, status: str) -> None:
    invitation.status = status
    invitation.answered_by = user
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_by", "answered_at"])
