"""Invitation: membership by consent.

An owner invites a username or an e-mail address; the person becomes a member only by
accepting. An invitation is matched to an account when that person signs in, never when
it is made, so inviting a name tells the owner nothing about which accounts exist.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from reviews.models import Membership, Workspace

if TYPE_CHECKING:
    from django.contrib.auth.models import User

EXPIRES_AFTER = timedelta(days=14)


def normalize_address(address: str) -> str:
    """E-mail addresses compare without case; usernames are kept as typed."""
    address = address.strip()
    return address.lower() if "@" in address else address


class InvitationQuerySet(models.QuerySet):
    def pending(self) -> InvitationQuerySet:
        return self.filter(
            status=Invitation.PENDING, created__gte=timezone.now() - EXPIRES_AFTER
        ).select_related("workspace", "invited_by")

    def for_user(self, user: User) -> InvitationQuerySet:
        """Pending invitations addressed to the user's name or e-mail address."""
        addressed = Q(address=user.get_username())
        if user.email:
            addressed |= Q(address=normalize_address(user.email))
        return self.pending().filter(addressed)


class Invitation(models.Model):
    PENDING, ACCEPTED, DECLINED, CANCELLED = "pending", "accepted", "declined", "cancelled"
    STATUSES = [
        (PENDING, "Pending"),
        (ACCEPTED, "Accepted"),
        (DECLINED, "Declined"),
        (CANCELLED, "Cancelled"),
    ]

    workspace = models.ForeignKey(Workspace, models.CASCADE, related_name="invitations")
    address = models.CharField(max_length=254, help_text="A username or an e-mail address.")
    role = models.CharField(max_length=10, choices=Membership.ROLES, default=Membership.VIEWER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=STATUSES, default=PENDING)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "address"],
                condition=Q(status="pending"),
                name="one_pending_invitation_per_address",
            )
        ]

    def __str__(self) -> str:
        return f"{self.address} to {self.workspace} as {self.role} ({self.status})"

    @property
    def expires(self) -> datetime:
        return self.created + EXPIRES_AFTER
