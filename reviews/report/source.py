"""From a stored system to a report: the document of one revision, its authors, the PDF.

Shared by the `report` management command and the background task, so both render the
same revision the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils import timezone

import threatmodel

from ..models import Revision, System
from ..services import document_at
from .render import (
    PreparedReport,
    Progress,
    Section,
    model_hash,
    prepare_report,
    write_report_pdf,
)

# Writes a prepared report's PDF: in this process, or in a child with a budget (tasks.py).
Writer = Callable[[PreparedReport, Progress | None], bytes]


class UnknownRevision(LookupError):
    """The system has no such version."""


@dataclass(frozen=True)
class RenderedReport:
    pdf: bytes
    version: int
    model_hash: str


def revision_document(system: System, version: int | None = None) -> tuple[int, dict]:
    """(version, document) of a revision; the current one when `version` is None."""
    if version is None or version == system.version:
        return system.version, system.document
    if version < 1 or version > system.version:
        raise UnknownRevision(f"{system.name} has versions 1 to {system.version}, not {version}")
    return version, document_at(system, version)


def revision_authors(system: System, version: int) -> list[str]:
    """Everyone who saved a revision up to `version`, in order of their first save."""
    names: dict[str, None] = {}
    revisions = (
        Revision.objects.filter(system=system, version__lte=version, author__isnull=False)
        .select_related("author")
        .order_by("version")
    )
    for revision in revisions:
        user = revision.author
        assert user is not None  # the query keeps authored revisions only
        names[user.get_full_name() or user.get_username()] = None
    return list(names)


def render_system_report(
    system: System,
    version: int | None = None,
    *,
    date: dt.date | None = None,
    progress: Progress | None = None,
    extra_sections: Sequence[Section] = (),
    write: Writer = write_report_pdf,
) -> RenderedReport:
    """The PDF of one revision; `extra_sections` adds parts such as a review's decisions.

    Everything that reads the database happens here, before `write` lays the pages out.
    """
    version, document = revision_document(system, version)
    model = threatmodel.load(document)
    prepared = prepare_report(
        system_name=model.name or system.name,
        revision=version,
        model=model,
        authors=revision_authors(system, version),
        date=date or timezone.localdate(),
        progress=progress,
        extra_sections=extra_sections,
    )
    pdf = write(prepared, progress)
    return RenderedReport(pdf=pdf, version=version, model_hash=model_hash(model))
