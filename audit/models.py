"""AuditEvent: one security-relevant event, never changed or deleted.

Rows hold names and plain IDs rather than foreign keys, so deleting a user, a system or
a workspace leaves its history readable (and needs no update of an append-only row).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from reviews.validators import visible_controls


class AppendOnly(PermissionDenied):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnly("The audit log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnly("The audit log is append-only.")

    def for_workspace(self, workspace_id: int) -> AuditQuerySet:
        return self.filter(workspace_id=workspace_id)


class AuditEvent(models.Model):
    LOGIN = "login"
    LOGIN_FAILED = "login-failed"
    LOCKED_OUT = "locked-out"
    LOGOUT = "logout"
    INVITED = "member-invited"
    JOINED = "member-joined"
    DECLINED = "invitation-declined"
    INVITATION_CANCELLED = "invitation-cancelled"
    ROLE_CHANGED = "member-role-changed"
    REMOVED = "member-removed"
    ACTIVATED = "account-activated"
    EXPORT = "export"
    REPORT_DOWNLOAD = "report-download"
    RESTORE = "restore"
    DECISION = "decision"
    ACTIONS = [
        (LOGIN, "Signed in"),
        (LOGIN_FAILED, "Failed sign-in"),
        (LOCKED_OUT, "Sign-in locked out"),
        (LOGOUT, "Signed out"),
        (INVITED, "Invited a member"),
        (JOINED, "Joined the workspace"),
        (DECLINED, "Declined an invitation"),
        (INVITATION_CANCELLED, "Cancelled an invitation"),
        (ROLE_CHANGED, "Changed a member's role"),
        (REMOVED, "Removed a member"),
        (ACTIVATED, "Set a password from an invitation"),
        (EXPORT, "Exported"),
        (REPORT_DOWNLOAD, "Downloaded a report"),
        (RESTORE, "Restored a version"),
        (DECISION, "Recorded a decision"),
    ]

    created = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=40, choices=ACTIONS)
    actor_id = models.IntegerField(null=True, blank=True)
    # As typed for a failed sign-in (which may name no account), else the user's name.
    actor_name = models.CharField(max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    workspace_id = models.IntegerField(null=True, blank=True, db_index=True)
    workspace_name = models.CharField(max_length=100, blank=True)
    system_id = models.IntegerField(null=True, blank=True)
    system_name = models.CharField(max_length=200, blank=True)
    target = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(encoder=DjangoJSONEncoder, default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["workspace_id", "-created"], name="audit_by_workspace")]

    def __str__(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M} {self.actor_name or '-'} {self.action} {self.target}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnly("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnly("The audit log is append-only.")

    @classmethod
    def record(
        cls,
        action: str,
        *,
        request: Any = None,
        actor: Any = None,
        workspace: Any = None,
        system: Any = None,
        target: str = "",
        detail: dict | None = None,
        actor_name: str = "",
    ) -> AuditEvent:
        if actor is None and request is not None:
            user = getattr(request, "user", None)
            actor = user if user is not None and user.is_authenticated else None
        if workspace is None and system is not None:
            workspace = system.workspace
        return cls.objects.create(
            action=action,
            actor_id=actor.pk if actor is not None else None,
            actor_name=visible_controls(actor.get_username() if actor is not None else actor_name)[
                :150
            ],
            ip_address=_client_address(request),
            workspace_id=workspace.pk if workspace is not None else None,
            workspace_name=workspace.name[:100] if workspace is not None else "",
            system_id=system.pk if system is not None else None,
            system_name=system.name[:200] if system is not None else "",
            target=visible_controls(str(target))[:300],
            detail=detail or {},
        )


def _client_address(request: Any) -> str | None:
    """The address the sign-in throttle keys on too (REMOTE_ADDR, see settings)."""
    meta = getattr(request, "META", None) or {}
    return meta.get("REMOTE_ADDR") or None
