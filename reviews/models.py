"""Workspaces, their members, the systems they review and each system's history.

A System row holds the current model document, its version and the cached analysis of
that version, so pages never recompute it. History is kept as Revision rows that store a
reverse patch (current -> previous) instead of a full copy; every CHECKPOINT_EVERY-th
revision also stores the whole document so rebuilding an old version stays cheap.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone

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
    WRITE_ROLES = (OWNER, EDITOR)  # the roles that may change a workspace's systems

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

    # Not a column: set by services.save_document when a save kept the findings without
    # reading them (a move), so an answer need not send them again.
    findings_kept: bool = False

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
    moves_only = models.BooleanField(default=False)
    # The edits one author makes in one sitting are shown as one revision: `sitting` is
    # the first version of the sitting. A closed revision starts no sitting of its own
    # (a review or report froze it, or it was an import or a restore).
    sitting = models.PositiveIntegerField(null=True, blank=True)
    closed = models.BooleanField(default=False)
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
    # A review's report adds its decisions, sign-offs and changes (reviews/report/review.py).
    review = models.ForeignKey(
        "Review", models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # The worker's lease: renewed every few seconds while it renders, so a report whose
    # worker died is recognised as lost (reviews/tasks.py: fail_lost_reports).
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    # The steps the panel shows, and the progress messages (reviews/report/render.py)
    # that start each one.
    STEPS = (
        ("Queued", ()),
        ("Analysing", ("Starting", "Analysing", "Drawing")),
        ("Laying out", ("Laying out",)),
        ("Writing pages", ("Writing",)),
    )

    class Meta:
        ordering = ["system", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Report of {self.system} v{self.version} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.DONE, self.FAILED)

    @property
    def steps(self) -> list[tuple[str, str]]:
        """(step, "done" | "current" | "todo") for the panel of a report in progress."""
        current = 0
        if self.status == self.RUNNING:
            current = next(
                (i for i, (_, starts) in enumerate(self.STEPS) if self.progress.startswith(starts)),
                1,
            )
        return [
            (label, "done" if i < current else "current" if i == current else "todo")
            for i, (label, _) in enumerate(self.STEPS)
        ]


@receiver(post_delete, sender=Report)
def _delete_report_file(sender, instance: Report, **kwargs) -> None:
    """A deleted report (or system) takes its PDF with it: no architecture left on disk."""
    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# --- reviews and decisions ---------------------------------------------------------


class Review(models.Model):
    """A review meeting over one frozen revision of a system.

    `analysis` is the engine's output for that revision, stored when the review is
    created, so the walk-through and the report show exactly what was reviewed even if
    the engine or the date (certificate and key-age rules) moves on.
    """

    DRAFT, IN_PROGRESS, SIGNED_OFF = "draft", "in-progress", "signed-off"
    STATUSES = [(DRAFT, "Draft"), (IN_PROGRESS, "In progress"), (SIGNED_OFF, "Signed off")]

    system = models.ForeignKey(System, models.CASCADE, related_name="reviews")
    version = models.PositiveIntegerField()
    model_hash = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    date = models.DateField()
    status = models.CharField(max_length=12, choices=STATUSES, default=DRAFT)
    analysis = models.JSONField(encoder=DjangoJSONEncoder, default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    # Why the facilitator let sign-off go ahead with critical or high findings undecided.
    override_reason = models.TextField(blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    override_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["system", "-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.system}, v{self.version})"

    @property
    def signed_off(self) -> bool:
        return self.status == self.SIGNED_OFF

    @property
    def findings(self) -> list[dict]:
        return self.analysis.get("findings", [])


class Participant(models.Model):
    FACILITATOR = "facilitator"
    ARCHITECT = "architect"
    SECURITY = "security"
    SYSTEM_OWNER = "system-owner"
    OBSERVER = "observer"
    ROLES = [
        (FACILITATOR, "Facilitator"),
        (ARCHITECT, "Architect"),
        (SECURITY, "Security"),
        (SYSTEM_OWNER, "System owner"),
        (OBSERVER, "Observer"),
    ]
    # Everyone but an observer attests the review by signing it.
    SIGN_OFF_ROLES = (FACILITATOR, ARCHITECT, SECURITY, SYSTEM_OWNER)

    review = models.ForeignKey(Review, models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    role = models.CharField(max_length=20, choices=ROLES)

    class Meta:
        ordering = ["review", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "user"], name="one_participation_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    @property
    def signs(self) -> bool:
        return self.role in self.SIGN_OFF_ROLES


class SignOff(models.Model):
    """One participant's signature: who, when, and what they attested."""

    review = models.ForeignKey(Review, models.CASCADE, related_name="signoffs")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    name = models.CharField(max_length=300)  # as it read when signing
    role = models.CharField(max_length=20, choices=Participant.ROLES)
    signed_at = models.DateTimeField(auto_now_add=True)
    attestation = models.TextField()

    class Meta:
        ordering = ["review", "signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "user"], name="one_signature_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.name} signed {self.review} at {self.signed_at}"


class AppendOnlyQuerySet(models.QuerySet):
    """History rows are written once: bulk updates and deletes are refused (a deleted
    system still takes its history with it, through the database cascade)."""

    def update(self, **kwargs: Any) -> int:
        raise TypeError(f"{self.model.__name__} rows are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError(f"{self.model.__name__} rows are append-only")


class AppendOnly(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError(f"{type(self).__name__} rows are append-only")


class Decision(models.Model):
    """The decision on one finding of one system, keyed by the finding's fingerprint.

    The row is the current state for queries (dashboard, export); its whole story is the
    append-only DecisionEvent list, and `current` is the latest event. Only
    `reviews.decisions.record_decision` (and the fixed/reopened bookkeeping next to it)
    writes here. `revision_count` numbers the events, for the optimistic check that
    stops two people overwriting each other.
    """

    OPEN = "open"
    IN_DISCUSSION = "in-discussion"
    MITIGATE = "mitigate"
    ACCEPT = "accept"
    FALSE_POSITIVE = "false-positive"
    FIXED = "fixed"
    REOPENED = "reopened"
    EXPIRED = "expired"  # computed from the date, never stored
    CHOSEN = [
        (OPEN, "Open"),
        (IN_DISCUSSION, "In discussion"),
        (MITIGATE, "Mitigate"),
        (ACCEPT, "Accept the risk"),
        (FALSE_POSITIVE, "False positive"),
    ]
    COMPUTED = [(FIXED, "Fixed"), (REOPENED, "Reopened")]
    STATES = CHOSEN + COMPUTED

    system = models.ForeignKey(System, models.CASCADE, related_name="decisions")
    fingerprint = models.CharField(max_length=64)
    rule = models.CharField(max_length=100)
    subject = models.JSONField(default=list)
    title = models.CharField(max_length=500, blank=True)
    severity = models.CharField(max_length=10, blank=True)
    state = models.CharField(max_length=20, choices=STATES, default=OPEN)
    revision_count = models.PositiveIntegerField(default=0)
    current = models.ForeignKey(
        "DecisionEvent", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Copies of the current event's dates, for the dashboard's queries.
    expires = models.DateField(null=True, blank=True)
    due = models.DateField(null=True, blank=True)
    approved = models.BooleanField(default=False)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["system", "fingerprint"]
        constraints = [
            models.UniqueConstraint(
                fields=["system", "fingerprint"], name="one_decision_per_finding"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.fingerprint} in {self.system}: {self.state}"


class DecisionEvent(AppendOnly):
    """One change of a decision: who, when, from -> to, and the decision as it then stood.

    Approving an acceptance and the computed fixed/reopened changes are events too, so
    the history answers "who decided what, when, on which evidence" for an auditor.
    """

    WEB, IMPORT, SYSTEM = "web", "import", "system"
    SOURCES = [(WEB, "Web"), (IMPORT, "Import"), (SYSTEM, "Computed")]
    DECIDED, APPROVED = "decided", "approved"
    KINDS = [(DECIDED, "Decided"), (APPROVED, "Approved")]

    decision = models.ForeignKey(Decision, models.CASCADE, related_name="events")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=KINDS, default=DECIDED)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=300, blank=True)  # kept if the user goes
    at = models.DateTimeField(default=timezone.now)
    from_state = models.CharField(max_length=20)
    to_state = models.CharField(max_length=20, choices=Decision.STATES)
    note = models.TextField(blank=True)
    justification = models.TextField(blank=True)
    compensating_controls = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due = models.DateField(null=True, blank=True)
    ticket_url = models.URLField(max_length=500, blank=True)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    expires = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(null=True, blank=True)  # the system's, at the time
    review = models.ForeignKey(
        Review, models.SET_NULL, null=True, blank=True, related_name="decision_events"
    )
    source = models.CharField(max_length=10, choices=SOURCES, default=WEB)

    class Meta:
        ordering = ["decision", "number"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "number"], name="one_event_per_number")
        ]

    def __str__(self) -> str:
        return f"{self.decision.fingerprint} #{self.number}: {self.from_state} -> {self.to_state}"


class Comment(AppendOnly):
    """A remark on a finding during a review: plain text, escaped wherever it is shown."""

    MAX_LENGTH = 2000

    review = models.ForeignKey(Review, models.CASCADE, related_name="comments")
    fingerprint = models.CharField(max_length=64)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_name = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)
    text = models.TextField(max_length=MAX_LENGTH)

    class Meta:
        ordering = ["review", "at", "pk"]
        indexes = [models.Index(fields=["review", "fingerprint"])]

    def __str__(self) -> str:
        return f"{self.author_name} on {self.fingerprint}: {self.text[:40]}"


class ImportBase(models.Model):
    """What the last import of another tool's model produced for a system.

    The next import of a newer version merges against it (`threatmodel.merge`), which
    tells the architect's edits from the import's own facts. It holds the converted
    document only (the attributes the importer reads), never the uploaded file.
    """

    system = models.OneToOneField(System, models.CASCADE, related_name="import_base")
    read_as = models.CharField(max_length=200)
    document = models.JSONField(encoder=DjangoJSONEncoder)
    version = models.PositiveIntegerField()  # the system version that import became
    updated = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.system} v{self.version}: {self.read_as}"
