"""Workspaces, their members, the systems they review and each system's history.

A System row holds the current model document, its version and the cached analysis of
that version, so pages never recompute it. History is kept as Revision rows that store a
reverse patch (current -> previous) instead of a full copy; every CHECKPOINT_EVERY-th
revision also stores the whole document so rebuilding an old version stays cheap.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from threatmodel import model as tm

SEVERITIES = tuple(reversed(tm.SEVERITIES))  # worst first


class Workspace(models.Model):
    name = models.CharField(max_length=100)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    OWNER = "owner"
    EDITOR = "editor"
    VIEWER = "viewer"
    ROLES = [(OWNER, "Owner"), (EDITOR, "Editor"), (VIEWER, "Viewer")]

    workspace = models.ForeignKey(Workspace, models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=ROLES, default=VIEWER)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["workspace", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="one_membership_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace} ({self.role})"

    @property
    def can_write(self) -> bool:
        return self.role in (self.OWNER, self.EDITOR)


class System(models.Model):
    workspace = models.ForeignKey(Workspace, models.CASCADE, related_name="systems")
    # Mirrors document["name"], kept as a column for listing and sorting.
    name = models.CharField(max_length=200)
    document = models.JSONField(encoder=DjangoJSONEncoder)
    version = models.PositiveIntegerField(default=1)
    # threatmodel.analyze(...).to_dict() of the current version, and the day it was
    # computed (a document without policy.today is analyzed "as of" that day).
    analysis = models.JSONField(encoder=DjangoJSONEncoder, default=dict)
    analyzed_on = models.DateField(null=True, blank=True)
    counts = models.JSONField(default=dict)  # severity -> number of findings
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Revision(models.Model):
    """One saved version of a system.

    `reverse_patch` turns this version's document into the previous revision's (empty
    for the first one). `snapshot` holds the whole document on checkpoints only.
    """

    CHECKPOINT_EVERY = 25

    system = models.ForeignKey(System, models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    summary = models.CharField(max_length=300)
    # A run of position-only moves by one author is kept as one revision.
    moves_only = models.BooleanField(default=False)
    reverse_patch = models.JSONField(encoder=DjangoJSONEncoder, null=True, blank=True)
    snapshot = models.JSONField(encoder=DjangoJSONEncoder, null=True, blank=True)
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["system", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["system", "version"], name="one_revision_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.system} v{self.version}: {self.summary}"


def report_upload_to(instance: Report, filename: str) -> str:
    """A random name: report files are served only through the access-checked view."""
    return f"reports/{uuid.uuid4().hex}.pdf"


class Report(models.Model):
    """A PDF report of one revision, rendered in the background (reviews/tasks.py)."""

    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    STATUSES = [(QUEUED, "Queued"), (RUNNING, "Running"), (DONE, "Done"), (FAILED, "Failed")]

    system = models.ForeignKey(System, models.CASCADE, related_name="reports")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=STATUSES, default=QUEUED)
    progress = models.CharField(max_length=200, blank=True)
    file = models.FileField(upload_to=report_upload_to, blank=True)
    model_hash = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["system", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Report of {self.system} v{self.version} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.DONE, self.FAILED)


@receiver(post_delete, sender=Report)
def _delete_report_file(sender, instance: Report, **kwargs) -> None:
    """A deleted report (or system) takes its PDF with it: no architecture left on disk."""
    if instance.file:
        name, storage = instance.file.name, instance.file.storage
        transaction.on_commit(lambda: storage.delete(name))
