"""Saving model documents: validate with the engine, analyze, store with history.

Every change to a system goes through `save_document`, whether it comes from a form, the
editor's JSON endpoint, an import or a restore, so the rules are the same everywhere:
the engine validates the whole document (a drag, which changes only the layout, has
just those fields checked: `threatmodel.relayout`), the save is refused unless it is
based on the current version, and each save records a revision.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path, PurePath
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

import threatmodel
from threatmodel.formats import read_model
from threatmodel.formats.detect import CIPHERMAP, find_format
from threatmodel.relayout import relayout

from .decisions import observe_findings
from .history import apply_patches, is_move_only, make_patch, summarize
from .models import SEVERITIES, ImportBase, Revision, System, Workspace

Problem = threatmodel.Problem

# Saves by one author with less than this between them are one sitting.
SITTING_IDLE = timedelta(minutes=10)


class InvalidDocument(Exception):
    """The engine refused the document; `problems` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


class StaleVersion(Exception):
    """The save was based on an older version; `system` is the current one."""

    def __init__(self, system: System) -> None:
        self.system = system
        super().__init__(f"{system.name} is now at version {system.version}")


def validate(document: Any) -> tuple[dict, Any]:
    """Load a document with the engine: (document to store, model) or InvalidDocument.

    What is stored is always the engine's canonical document, whether the save came as
    a dict (forms, the editor) or as text: defaults left out, fields in the format's
    order, YAML dates as JSON text. Forms and the editor then need no copy of the
    defaults, and two saves of the same model store the same JSON.
    """
    try:
        model = threatmodel.load(document)
    except threatmodel.ModelError as error:
        raise InvalidDocument(list(error.problems)) from error
    return threatmodel.to_document(model), model


def relaid(stored: dict, document: Any) -> dict | None:
    """The document to store when `document` differs from the stored one in layout only
    (positions, frame sizes), the same `validate` would give, with only those fields
    checked; None when it changes anything else. Raises InvalidDocument."""
    if not isinstance(document, Mapping):
        return None
    try:
        return relayout(stored, document)
    except threatmodel.ModelError as error:
        raise InvalidDocument(list(error.problems)) from error


def analyze(model: Any) -> dict:
    return threatmodel.analyze(model).to_dict()


def severity_counts(analysis: dict) -> dict[str, int]:
    counts = Counter(finding["severity"] for finding in analysis.get("findings", []))
    return {severity: counts.get(severity, 0) for severity in SEVERITIES}


def blank_document(name: str) -> dict:
    return {"format": "ciphermap/1", "name": name}


def example_files() -> list[Path]:
    return sorted((settings.BASE_DIR / "examples").glob("*.yaml"))


def read_upload(data: bytes | str, filename: str | None = None) -> dict:
    """A model document from uploaded or pasted text in any format the engine reads."""
    return import_upload(data, filename).document


@dataclass
class Upload:
    """An uploaded model: the document, what it was read as, the decisions it records."""

    document: dict
    read_as: str
    decisions: list[dict] = field(default_factory=list)


def import_upload(data: bytes | str, filename: str | None = None) -> Upload:
    """The document an upload holds, with the format it was read as: Ciphermap
    YAML/JSON or another tool's model (`threatmodel.formats.detect.FORMATS`).

    Raises InvalidDocument; for a format that cannot be read, with the importer's own
    one-line reason rather than the errors of reading it as a Ciphermap document."""
    if isinstance(data, str):
        data = data.encode()
    if len(data) > settings.MAX_MODEL_BYTES:
        raise InvalidDocument(
            [Problem("", f"the file is larger than {settings.MAX_MODEL_BYTES // 1024} KB")]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidDocument([Problem("", "the file is not UTF-8 text")]) from None
    name = PurePath(filename).stem if filename else None
    try:
        imported = read_model(text, name=name, max_bytes=settings.MAX_MODEL_BYTES)
    except threatmodel.ModelError as error:
        raise InvalidDocument(list(error.problems)) from None
    if imported.native:
        # Loading the text itself keeps line numbers in the problems.
        return Upload(validate(text)[0], imported.label)
    try:
        _document, model = validate(imported.document)
    except InvalidDocument as error:
        said = Problem("", f"read as {imported.label}, but the import is not a valid model:")
        raise InvalidDocument([said, *error.problems]) from None
    return Upload(threatmodel.to_document(model), imported.label, imported.decisions)


@transaction.atomic
def create_system(workspace: Workspace, document: Any, author: User | None) -> System:
    canonical, model = validate(document)
    analysis = analyze(model)
    counts = severity_counts(analysis)
    system = System.objects.create(
        workspace=workspace,
        name=canonical["name"],
        document=canonical,
        version=1,
        analysis=analysis,
        analyzed_on=timezone.localdate(),
        counts=counts,
    )
    Revision.objects.create(
        system=system,
        version=1,
        author=author,
        summary=summarize(None, canonical),
        reverse_patch=None,
        counts=counts,
        sitting=1,
    )
    return system


def save_document[S: System](
    system: S,
    document: Any,
    *,
    base_version: int,
    author: User | None,
    summary_prefix: str = "",
) -> S:
    """Validate, analyze and store `document` as the version after `base_version`.

    Raises InvalidDocument (nothing saved) or StaleVersion (someone saved first; nothing
    saved). Saving an unchanged document is a no-op that keeps the version.
    """
    if base_version != system.version:
        raise StaleVersion(System.objects.get(pk=system.pk))
    # A drag changes the layout only: just those fields are checked (a full validation
    # is most of a 1,000-element save), and the result is the same canonical document.
    model = None
    canonical = relaid(system.document, document)
    if canonical is None:
        canonical, model = validate(document)
    if canonical == system.document:
        return system
    # The rules never read the layout: a drag keeps the analysis, and does not even read
    # it (the largest column) unless it is due for its daily recompute.
    moved = model is None or is_move_only(system.document, canonical)
    kept = moved and analysis_is_current(system)
    analysis: dict | None = None
    if kept:
        counts = system.counts
    else:
        analysis = current_analysis(system) if moved else analyze(model)
        counts = severity_counts(analysis)
    new_version = base_version + 1
    findings = {} if moved else {"analysis": analysis, "counts": counts}
    with transaction.atomic():
        # The WHERE version = base makes concurrent saves safe without locking: exactly
        # one of two saves based on the same version can match.
        system.updated = timezone.now()
        updated = System.objects.filter(pk=system.pk, version=base_version).update(
            name=canonical["name"],
            document=canonical,
            version=new_version,
            analyzed_on=timezone.localdate(),
            updated=system.updated,
            **findings,
        )
        if not updated:
            raise StaleVersion(System.objects.get(pk=system.pk))
        _record_revision(
            system, system.document, canonical, new_version, author, counts, summary_prefix, moved
        )
        # Decided findings that this version fixed or brought back.
        if not moved:
            assert analysis is not None
            observe_findings(system, (f["fingerprint"] for f in analysis["findings"]), new_version)
    system.name, system.document, system.version = canonical["name"], canonical, new_version
    system.analyzed_on, system.counts, system.findings_kept = timezone.localdate(), counts, kept
    if analysis is not None:
        system.analysis = analysis
    return system


def _record_revision(
    system: System,
    old: dict,
    new: dict,
    version: int,
    author: User | None,
    counts: dict,
    summary_prefix: str = "",
    moved: bool = False,
) -> None:
    """Every save keeps its own revision, so a version the app has announced (in the
    status line, a report, a diff link) can always be opened again. The saves of one
    sitting are grouped under the sitting's first version, and the history shows the
    sitting as one entry."""
    # Not its patch or snapshot: a checkpoint's is a whole document to read.
    last = (
        system.revisions.only("version", "author", "created", "sitting", "closed")
        .order_by("-version")
        .first()
    )
    previous = last.version if last else 0
    checkpoint = version // Revision.CHECKPOINT_EVERY != previous // Revision.CHECKPOINT_EVERY
    summary = summarize(old, new)
    if summary_prefix:
        summary = f"{summary_prefix}: {summary}"
    Revision.objects.create(
        system=system,
        version=version,
        author=author,
        summary=summary[:300],
        moves_only=moved and not summary_prefix,
        reverse_patch=make_patch(new, old),
        snapshot=new if checkpoint else None,
        counts=counts,
        sitting=_sitting_of(last, author, summary_prefix) or version,
        # An import or a restore is a sitting of its own.
        closed=bool(summary_prefix),
    )


def _sitting_of(last: Revision | None, author: User | None, summary_prefix: str) -> int | None:
    """The sitting a save by `author` continues, if any: the last revision's, unless that
    one is closed (frozen by a review or report, or an import or restore), was made by
    someone else, or has been idle for SITTING_IDLE."""
    if (
        last is None
        or last.closed
        or summary_prefix
        or author is None
        or last.author_id != author.pk
        or timezone.now() - last.created >= SITTING_IDLE
    ):
        return None
    return last.sitting or last.version


def freeze_revision(system: System, version: int) -> None:
    """Close the sitting at `version`: a review or report now refers to it, so the next
    edit starts a new sitting (and the version stays, like every version)."""
    Revision.objects.filter(system=system, version=version).update(closed=True)


def document_at(system: System, version: int) -> dict:
    """The document as it was at `version`, rebuilt from the nearest later checkpoint
    (or the current document) by applying reverse patches."""
    checkpoint = (
        system.revisions.filter(version__gte=version, snapshot__isnull=False)
        .order_by("version")
        .values_list("version", "snapshot")
        .first()
    )
    start_version, document = checkpoint or (system.version, system.document)
    patches = (
        system.revisions.filter(version__gt=version, version__lte=start_version)
        .order_by("-version")
        .values_list("reverse_patch", flat=True)
    )
    return apply_patches(document, patches)


def restore(system: System, revision: Revision, author: User | None) -> System:
    document = document_at(system, revision.version)
    return save_document(
        system,
        document,
        base_version=system.version,
        author=author,
        summary_prefix=f"restored version {revision.version}",
    )


def analysis_is_current(system: System) -> bool:
    """Whether the cached analysis holds for today (or for the document's policy.today)."""
    return system.analyzed_on == timezone.localdate() or bool(
        system.document.get("policy", {}).get("today")
    )


def current_analysis(system: System) -> dict:
    """The cached analysis, recomputed once a day for documents without policy.today
    (rules about certificate expiry and key age depend on the date)."""
    today = timezone.localdate()
    if analysis_is_current(system):
        return system.analysis
    _canonical, model = validate(system.document)
    analysis = analyze(model)
    System.objects.filter(pk=system.pk, version=system.version).update(
        analysis=analysis, analyzed_on=today, counts=severity_counts(analysis)
    )
    system.analysis, system.analyzed_on = analysis, today
    system.counts = severity_counts(analysis)
    return analysis


# --- re-imports ----------------------------------------------------------------------


def format_name(read_as: str) -> str:
    """'Terraform plan (...) (version 1.1)' -> 'Terraform plan (...)': versions may differ."""
    return read_as.split(" (version ", 1)[0]


def is_native(read_as: str) -> bool:
    return read_as == find_format(CIPHERMAP).name


def remember_import(system: System, document: dict, read_as: str) -> None:
    """Keep what an import of another tool's model produced: the next import of a newer
    version merges against it (`threatmodel.merge`). A Ciphermap upload forgets it."""
    if is_native(read_as):
        ImportBase.objects.filter(system=system).delete()
        return
    ImportBase.objects.update_or_create(
        system=system,
        defaults={"document": document, "read_as": read_as[:200], "version": system.version},
    )


def import_base_for(system: System, read_as: str) -> dict | None:
    """The previous import's document, when it was of the same format."""
    base = ImportBase.objects.filter(system=system).first()
    if base is None or format_name(base.read_as) != format_name(read_as):
        return None
    return base.document
