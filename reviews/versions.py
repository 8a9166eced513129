"""Versions of a system: the history by sitting, one version, a comparison, a restore.

Every save keeps its version (services._record_revision), so a version the app has
announced can always be opened; the history shows the saves of one sitting as one entry.
A version that never existed gets a page that says so, with the versions there are. A
restore first shows what it would change and asks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Max, Min
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

import audit
import threatmodel

from . import services
from .history import diff_documents
from .models import Revision, System
from .requests import AuthenticatedHttpRequest
from .views import _can_write, _get_system_for_user, _int, _inventory, _stale_message

if TYPE_CHECKING:
    from .requests import SystemWithRole

SITTINGS_PER_PAGE = 30


class MissingVersion(LookupError):
    def __init__(self, system: SystemWithRole, version: int) -> None:
        self.system, self.version = system, version
        super().__init__(f"{system.name} has no version {version}")


def _get_revision(system: SystemWithRole, version: int) -> Revision:
    revision = system.revisions.select_related("author").filter(version=version).first()
    if revision is None:
        raise MissingVersion(system, version)
    return revision


def _missing(request: AuthenticatedHttpRequest, error: MissingVersion) -> HttpResponse:
    context = {
        "system": error.system,
        "version": error.version,
        "can_edit": _can_write(error.system),
    }
    return render(request, "reviews/revision_missing.html", context, status=404)


@require_GET
def system_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One row per sitting, newest first; each lists the versions it holds."""
    system = _get_system_for_user(request, pk)
    sittings = (
        system.revisions.annotate(group=Coalesce("sitting", "version"))
        .values("group")
        .annotate(first=Min("version"), last=Max("version"), saves=Count("pk"))
        .order_by("-last")
    )
    page = Paginator(sittings, SITTINGS_PER_PAGE).get_page(request.GET.get("page"))
    groups = [row["group"] for row in page]
    revisions: dict[int, list[Revision]] = {}
    for revision in (
        system.revisions.annotate(group=Coalesce("sitting", "version"))
        .filter(group__in=groups)
        .select_related("author")
        .defer("reverse_patch", "snapshot")
        .order_by("-version")
    ):
        revisions.setdefault(revision.group, []).append(revision)
    rows: list[dict[str, Any]] = []
    for sitting in page:
        members = revisions.get(sitting["group"], [])
        rows.append({**sitting, "latest": members[0] if members else None, "revisions": members})
    for index, row in enumerate(rows):
        # The version before the sitting, for "Changes in this sitting".
        row["before"] = row["first"] - 1 if row["first"] > 1 else None
        row["index"] = index
    context = {"system": system, "page": page, "rows": rows, "can_edit": _can_write(system)}
    return render(request, "reviews/history.html", context)


@require_GET
def revision_detail(request: AuthenticatedHttpRequest, pk: int, version: int) -> HttpResponse:
    system = _get_system_for_user(request, pk)
    try:
        revision = _get_revision(system, version)
    except MissingVersion as error:
        return _missing(request, error)
    document = services.document_at(system, version)
    previous = system.revisions.filter(version__lt=version).order_by("-version").first()
    context = {
        "system": system,
        "revision": revision,
        "previous": previous,
        "sections": _inventory(document),
        "source": threatmodel.dump(threatmodel.load(document), fmt="yaml"),
        "can_edit": _can_write(system),
    }
    return render(request, "reviews/revision_detail.html", context)


def _findings_of(document: dict) -> dict[str, dict]:
    _canonical, model = services.validate(document)
    return {f["fingerprint"]: f for f in services.analyze(model)["findings"]}


def _comparison(system: System, old: Revision, new: Revision) -> dict:
    old_document = services.document_at(system, old.version)
    new_document = services.document_at(system, new.version)
    old_findings = _findings_of(old_document)
    new_findings = _findings_of(new_document)
    return {
        "old": old,
        "new": new,
        "diff": diff_documents(old_document, new_document),
        "new_findings": [f for fp, f in new_findings.items() if fp not in old_findings],
        "fixed_findings": [f for fp, f in old_findings.items() if fp not in new_findings],
    }


@require_GET
def revision_diff(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    system = _get_system_for_user(request, pk)
    try:
        old = _get_revision(system, _int(request.GET.get("from")))
        new = _get_revision(system, _int(request.GET.get("to")) or system.version)
    except MissingVersion as error:
        return _missing(request, error)
    context = {"system": system, **_comparison(system, old, new)}
    return render(request, "reviews/revision_diff.html", context)


@require_http_methods(["GET", "POST"])
def revision_restore(request: AuthenticatedHttpRequest, pk: int, version: int) -> HttpResponse:
    """GET: what restoring `version` would change, and a button to confirm. POST: do it,
    as a new version, unless someone saved since the page was shown."""
    system = _get_system_for_user(request, pk, write=True)
    try:
        revision = _get_revision(system, version)
    except MissingVersion as error:
        return _missing(request, error)
    if request.method == "GET":
        current = _get_revision(system, system.version)
        # What the restore changes: from the current version to the restored one.
        context = {
            "system": system,
            "revision": revision,
            "can_edit": True,
            **_comparison(system, current, revision),
        }
        return render(request, "reviews/revision_restore.html", context)
    if _int(request.POST.get("base_version")) != system.version:
        messages.error(request, _stale_message(system))
        return redirect("system_history", system.pk)
    try:
        saved = services.restore(system, revision, request.user)
    except services.StaleVersion as error:
        messages.error(request, _stale_message(error.system))
        return redirect("system_history", system.pk)
    except services.InvalidDocument as error:
        messages.error(request, f"Version {version} can't be restored: {error}")
        return redirect("system_history", system.pk)
    audit.record("restore", request=request, system=saved, target=f"v{version} as v{saved.version}")
    messages.success(request, f"Restored version {version} as version {saved.version}.")
    return redirect("system_detail", system.pk)
