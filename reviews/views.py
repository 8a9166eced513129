"""Views: one screen or one action each.

Access goes through the `_get_*_for_user` helpers: a user outside an object's workspace
gets 404 (the object's existence is not revealed), a viewer who tries to write gets 403.
htmx requests get the page's fragment (`template#partial`), others the whole page.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

import audit
import threatmodel
from accounts import invitations
from threatmodel import edit, schema
from threatmodel.scoring import POINTS

from . import intake, model_tables, services
from .diagram_style import editor_style
from .findings import SORTS, FindingFilter, findings_view, metric_rows
from .forms import (
    ITEM_FORMS,
    ImportNewForm,
    MemberForm,
    NewSystemForm,
    PolicyForm,
    RoleForm,
    SystemSettingsForm,
    WorkspaceForm,
)
from .history import SECTION_NOUNS
from .imports import record_imported_decisions
from .models import SEVERITIES, Membership, Revision, System, Workspace
from .requests import AuthenticatedHttpRequest
from .reviewing import system_standings

if TYPE_CHECKING:
    from .requests import ReviewWithRole, SystemWithRole, WorkspaceWithRole

# --- access helpers ---------------------------------------------------------------


def _role_subquery(request: AuthenticatedHttpRequest, workspace_ref: str) -> Subquery:
    return Subquery(
        Membership.objects.filter(workspace=OuterRef(workspace_ref), user=request.user).values(
            "role"
        )[:1]
    )


def _check_role(role: str, write: bool, owner: bool = False) -> None:
    if owner and role != Membership.OWNER:
        raise PermissionDenied("Only an owner of the workspace can do this.")
    if write and role == Membership.VIEWER:
        raise PermissionDenied("Viewers can't change this workspace's systems.")


def _get_system_for_user(
    request: AuthenticatedHttpRequest, pk: int, write: bool = False, owner: bool = False
) -> SystemWithRole:
    """The system if the user is a member of its workspace (404 otherwise); `role` is
    set on it. A viewer asking to write gets 403."""
    # The cached analysis can be large; it is loaded only where a page shows it.
    systems = (
        System.objects.select_related("workspace")
        .defer("analysis")
        .annotate(role=_role_subquery(request, "workspace"))
    )
    system: SystemWithRole = get_object_or_404(systems.exclude(role=None), pk=pk)
    _check_role(system.role, write, owner)
    return system


def _get_workspace_for_user(
    request: AuthenticatedHttpRequest, pk: int, owner: bool = False
) -> WorkspaceWithRole:
    workspaces = Workspace.objects.annotate(role=_role_subquery(request, "pk"))
    workspace: WorkspaceWithRole = get_object_or_404(workspaces.exclude(role=None), pk=pk)
    _check_role(workspace.role, write=owner, owner=owner)
    return workspace


def _can_write(obj: SystemWithRole | WorkspaceWithRole | ReviewWithRole) -> bool:
    return obj.role in Membership.WRITE_ROLES


# --- small helpers ----------------------------------------------------------------


def _page(
    request: AuthenticatedHttpRequest, template: str, partial: str, context: dict, status: int = 200
):
    """The fragment for htmx, the whole page otherwise."""
    name = f"{template}#{partial}" if request.htmx else template
    return render(request, name, context, status=status)


def _examples() -> dict[str, str]:
    return {
        path.name: path.stem.replace("-", " ").replace("_", " ")
        for path in services.example_files()
    }


def _urls(system: System) -> dict[str, Any]:
    def item_url(name: str, section: str, *ids: str) -> str:
        return reverse(name, args=[system.pk, section, *ids])

    return {
        "system": reverse("system_detail", args=[system.pk]),
        "document": reverse("system_document", args=[system.pk]),
        "layout": reverse("system_layout", args=[system.pk]),
        "findings": reverse("system_findings", args=[system.pk]),
        "history": reverse("system_history", args=[system.pk]),
        # Replace __id__ with an item's ID.
        "edit": {s: item_url("item_edit", s, "__id__") for s in SECTION_NOUNS},
        "new": {s: item_url("item_create", s) for s in SECTION_NOUNS},
    }


# What the editor reads of each finding (badges, hover lists, counts). Evidence,
# remediation and references are on the findings page: embedding them made a 2 MB model's
# page 39 MB.
EDITOR_FINDING_FIELDS = ("fingerprint", "rule", "severity", "title", "subject", "flows")


# The document as the editor reads it, without the spaces of json.dumps's defaults (a
# tenth of a large model's bytes).
COMPACT_JSON = {"separators": (",", ":")}


def _document_payload(system: System, findings: bool = True) -> dict:
    """The version and document, with the findings unless `findings` is False (a move's
    answer: they are the ones the editor has, and at 1,000 elements reading them was a
    fifth of the save)."""
    payload: dict = {"version": system.version, "document": system.document}
    if findings:
        analysis = services.current_analysis(system)
        payload["analysis"] = {
            "findings": [
                {name: finding.get(name) for name in EDITOR_FINDING_FIELDS}
                for finding in analysis.get("findings", [])
            ]
        }
    return payload


# The findings panel beside the diagram lists the most urgent ones; the findings page
# has them all, a page at a time.
PANEL_SIZE = 50
# What the canvas needs to draw protection the way the engine judges it: the format's
# vocabulary from its one declaration.
EDITOR_VOCABULARY = schema.vocabulary()


def _system_context(request: AuthenticatedHttpRequest, system: SystemWithRole) -> dict:
    analysis = services.current_analysis(system)
    selected = FindingFilter.from_query(request.GET)
    return {
        "system": system,
        "document": system.document,
        "can_edit": _can_write(system),
        "analysis": analysis,
        "view": findings_view(analysis, system.document, selected, page_size=PANEL_SIZE),
        "sections": model_tables.tables(system.pk, system.document),
    }


def _inventory(document: dict) -> list[dict]:
    return [
        {
            "section": section,
            "title": schema.SECTION[section].title,
            "noun": schema.SECTION_NOUNS[section],
            "items": document.get(section, []),
        }
        for section in schema.READING_ORDER
    ]


def _saved_response(request: AuthenticatedHttpRequest, system: System, html: str) -> HttpResponse:
    """An htmx save answer: the re-rendered form plus the findings panel swapped out
    of band, and a `modelChanged` event (the canvas and the model tables reload)."""
    analysis = services.current_analysis(system)
    view = findings_view(analysis, system.document, FindingFilter(), page_size=PANEL_SIZE)
    context = {"system": system, "view": view, "oob": True}
    html += render_to_string("reviews/system_detail.html#findings", context, request)
    response = HttpResponse(html)
    return trigger_client_event(response, "modelChanged", {"version": system.version})


def _stale_message(system: System) -> str:
    return (
        f"Not saved: this system changed since you opened it (it is now at version "
        f"{system.version}). Reload to see the latest version, then make your change again."
    )


# --- health, dashboard, workspaces ------------------------------------------------


@login_not_required
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


TREND_LENGTH = 12


@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    systems = list(
        System.objects.filter(workspace__memberships__user=request.user)
        .select_related("workspace")
        .defer("document", "analysis")
        .order_by("workspace__name", "name")
    )
    recent = (
        Revision.objects.filter(system__in=systems)
        .annotate(
            rank=Window(RowNumber(), partition_by="system_id", order_by="-version"),
        )
        .filter(rank__lte=TREND_LENGTH)
        .values("system_id", "version", "counts")
        .order_by("system_id", "version")
    )
    trends: dict[int, list[Mapping[str, Any]]] = {}
    for revision in recent:
        trends.setdefault(revision["system_id"], []).append(revision)
    rows: list[dict[str, Any]] = []
    for system in systems:
        trend = trends.get(system.pk, [])
        first = trend[0]["counts"] if trend else system.counts
        rows.append(
            {
                "system": system,
                "counts": [(s, system.counts.get(s, 0)) for s in SEVERITIES],
                "total": sum(system.counts.values()),
                "changes": [
                    (s, system.counts.get(s, 0) - first.get(s, 0))
                    for s in SEVERITIES
                    if system.counts.get(s, 0) != first.get(s, 0)
                ],
                "since": trend[0]["version"] if trend else system.version,
                "trend": [_weight(revision["counts"]) for revision in trend],
            }
        )
    standings = system_standings(systems)
    for row in rows:
        row["standing"] = standings[row["system"].pk]
    totals = {s: sum(system.counts.get(s, 0) for system in systems) for s in SEVERITIES}
    return render(
        request,
        "reviews/dashboard.html",
        {"rows": rows, "totals": totals, "has_workspace": _my_workspaces(request).exists()},
    )


def _weight(counts: dict) -> int:
    """Findings weighted as the engine's plan weighs them (critical 10 ... info 0)."""
    return sum(POINTS[s] * counts.get(s, 0) for s in POINTS)


def _my_workspaces(request: AuthenticatedHttpRequest):
    return Workspace.objects.filter(memberships__user=request.user).annotate(
        role=_role_subquery(request, "pk")
    )


@require_http_methods(["GET", "POST"])
def workspace_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = WorkspaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            workspace = Workspace.objects.create(name=form.cleaned_data["name"])
            Membership.objects.create(workspace=workspace, user=request.user, role=Membership.OWNER)
        messages.success(request, f"Created workspace {workspace.name}.")
        return redirect("workspace_detail", workspace.pk)
    workspaces = _my_workspaces(request).annotate(
        system_count=Count("systems", distinct=True),
        member_count=Count("memberships", distinct=True),
    )
    return render(request, "reviews/workspace_list.html", {"workspaces": workspaces, "form": form})


@require_GET
def workspace_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    workspace = _get_workspace_for_user(request, pk)
    return render(request, "reviews/workspace_detail.html", _workspace_context(workspace))


def _workspace_context(workspace: WorkspaceWithRole, **extra) -> dict:
    return {
        "workspace": workspace,
        "is_owner": workspace.role == Membership.OWNER,
        "can_edit": _can_write(workspace),
        "members": workspace.memberships.select_related("user"),
        "systems": workspace.systems.defer("document", "analysis"),
        "member_form": MemberForm(),
        "roles": Membership.ROLES,
        **extra,
    }


@require_POST
def member_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Invite someone: they become a member by accepting (accounts.invitations)."""
    workspace = _get_workspace_for_user(request, pk, owner=True)
    form = MemberForm(request.POST)
    if form.is_valid():
        address, role = form.cleaned_data["username"], form.cleaned_data["role"]
        invitation = invitations.invite(request, workspace, address, role)
        # The same words whether or not the address names an account.
        messages.success(
            request,
            f"Invited {invitation.address} as {role}. They join when they accept; "
            "the invitation stays open for 14 days.",
        )
        return redirect("workspace_detail", workspace.pk)
    context = _workspace_context(workspace, member_form=form)
    return render(request, "reviews/workspace_detail.html", context, status=400)


def _other_owners(membership: Membership) -> bool:
    return (
        Membership.objects.filter(workspace=membership.workspace, role=Membership.OWNER)
        .exclude(pk=membership.pk)
        .exists()
    )


@require_POST
def member_role(request: AuthenticatedHttpRequest, pk: int, member_pk: int) -> HttpResponse:
    workspace = _get_workspace_for_user(request, pk, owner=True)
    membership = get_object_or_404(workspace.memberships, pk=member_pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a role.")
    elif membership.role == Membership.OWNER and not _other_owners(membership):
        messages.error(request, "A workspace needs at least one owner.")
    else:
        before, membership.role = membership.role, form.cleaned_data["role"]
        membership.save(update_fields=["role"])
        audit.record(
            "member-role-changed",
            request=request,
            workspace=workspace,
            target=membership.user.username,
            before=before,
            after=membership.role,
        )
        messages.success(request, f"{membership.user.username} is now {membership.role}.")
    return redirect("workspace_detail", workspace.pk)


@require_POST
def member_remove(request: AuthenticatedHttpRequest, pk: int, member_pk: int) -> HttpResponse:
    workspace = _get_workspace_for_user(request, pk, owner=True)
    membership = get_object_or_404(workspace.memberships, pk=member_pk)
    if membership.role == Membership.OWNER and not _other_owners(membership):
        messages.error(request, "A workspace needs at least one owner.")
    else:
        membership.delete()
        audit.record(
            "member-removed",
            request=request,
            workspace=workspace,
            target=membership.user.username,
            role=membership.role,
        )
        messages.success(request, f"Removed {membership.user.username}.")
    return redirect("workspace_detail", workspace.pk)


# --- systems ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def system_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    examples = _examples()
    form = NewSystemForm(
        request.POST or None,
        user=request.user,
        examples=examples,
        initial={"workspace": request.GET.get("workspace")},
    )
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["name"]
        template = form.cleaned_data["template"]
        try:
            if template:
                document = services.validate(settings.BASE_DIR / "examples" / template)[0]
                document["name"] = name
            else:
                document = services.blank_document(name)
            system = services.create_system(form.cleaned_data["workspace"], document, request.user)
        except services.InvalidDocument as error:
            form.add_error(None, f"The system could not be created: {error}")
        else:
            messages.success(request, f"Created {system.name}.")
            return redirect("system_detail", system.pk)
    return render(request, "reviews/system_new.html", {"form": form})


def _imported(system: System, upload, decided: int) -> str:
    said = f"Imported {system.name}, read as {upload.read_as}."
    if decided:
        said += f" Recorded {decided} decision{'s' if decided != 1 else ''} the file states."
    return said


@sensitive_post_parameters("text")  # an upload can hold secrets (a Terraform plan does)
@require_http_methods(["GET", "POST"])
def system_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ImportNewForm(request.POST or None, request.FILES or None, user=request.user)
    problems: list = []
    if request.method == "POST" and form.is_valid():
        try:
            upload = services.import_upload(*form.source())
            with transaction.atomic():
                system = services.create_system(
                    form.cleaned_data["workspace"], upload.document, request.user
                )
                decided = record_imported_decisions(system, upload.decisions, request.user)
                services.remember_import(system, upload.document, upload.read_as)
        except services.InvalidDocument as error:
            problems = error.problems
        else:
            messages.success(request, _imported(system, upload, decided))
            return redirect("system_detail", system.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "reviews/system_import.html", {"form": form, "problems": problems}, status=status
    )


@require_GET
def system_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    system = _get_system_for_user(request, pk)
    context = _system_context(request, system)
    if request.htmx and request.GET.get("fragment") == "inventory":
        # Refreshed after the diagram editor saves through the JSON endpoint.
        return render(request, "reviews/system_detail.html#inventory", context)
    # The editor fetches the document and its findings from document.json once the page
    # is up, and the automatic layout from layout.json when some element has no place:
    # embedded, a 20,000-element model made a 45 MB page.
    elements = system.document.get("elements") or []
    context["editor_data"] = {
        "version": system.version,
        "urls": _urls(system),
        "can_edit": context["can_edit"],
        "vocabulary": EDITOR_VOCABULARY,
        "diagram": editor_style(),
        "unplaced": any(not element.get("position") for element in elements),
    }
    return render(request, "reviews/system_detail.html", context)


@require_GET
def inventory_section(request: AuthenticatedHttpRequest, pk: int, section: str) -> HttpResponse:
    """A page of one section of the model's tables: for htmx its rows and the next "Show
    more" (they replace the one clicked), otherwise a page of its own with a pager."""
    system = _get_system_for_user(request, pk)
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    context = {
        "system": system,
        "can_edit": _can_write(system),
        "s": model_tables.table_page(system.pk, system.document, section, page),
    }
    if request.htmx:
        return render(request, "reviews/_inventory_rows.html", context)
    return render(request, "reviews/inventory_section.html", context)


@require_http_methods(["GET", "POST"])
def system_document(request: AuthenticatedHttpRequest, pk: int) -> JsonResponse:
    """The editor's JSON API (CONTRACT.md): read the document, or save a new version."""
    system = _get_system_for_user(request, pk, write=request.method == "POST")
    if request.method == "GET":
        return JsonResponse(_document_payload(system), json_dumps_params=COMPACT_JSON)
    if intake.declared_too_large(request) or len(request.body) > settings.MAX_MODEL_BYTES:
        return _json_errors([intake.too_large_problem()], status=413)
    try:
        base_version, document = intake.parse_save_request(request.body)
    except services.InvalidDocument as error:
        return _json_errors(error.problems)
    try:
        system = services.save_document(
            system, document, base_version=base_version, author=request.user
        )
    except services.InvalidDocument as error:
        return _json_errors(error.problems)
    except services.StaleVersion as error:
        current = error.system
        return JsonResponse(
            {"error": _stale_message(current), **_document_payload(current)},
            status=409,
            json_dumps_params=COMPACT_JSON,
        )
    payload = _document_payload(system, findings=not system.findings_kept)
    return JsonResponse(payload, json_dumps_params=COMPACT_JSON)


def _json_errors(problems: list, status: int = 400) -> JsonResponse:
    return JsonResponse({"errors": [p.to_dict() for p in problems]}, status=status)


@require_GET
def system_export(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in ("yaml", "json"):
        raise Http404("Export as yaml or json.")
    system = _get_system_for_user(request, pk)
    model = threatmodel.load(system.document)
    text = threatmodel.dump(model, fmt="json" if fmt == "json" else "yaml")
    content_type = "application/json" if fmt == "json" else "application/yaml"
    response = HttpResponse(text, content_type=f"{content_type}; charset=utf-8")
    filename = f"{slugify(system.name) or 'system'}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    audit.record("export", request=request, system=system, target=f"{fmt} of v{system.version}")
    return response


@require_http_methods(["GET", "POST"])
def system_settings(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Rename the system or change its description (a new revision)."""
    system = _get_system_for_user(request, pk, write=True)
    form = SystemSettingsForm(
        request.POST or None,
        initial={
            "base_version": system.version,
            "name": system.document.get("name", ""),
            "description": system.document.get("description", ""),
        },
    )
    if request.method == "POST" and form.is_valid():
        document = dict(system.document)
        document["name"] = form.cleaned_data["name"]
        if form.cleaned_data["description"]:
            document["description"] = form.cleaned_data["description"]
        else:
            document.pop("description", None)
        return _save_from_form(request, system, form, document, location="", title="Settings")
    return _properties(request, system, form, title="System settings")


@require_http_methods(["GET", "POST"])
def system_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    system = _get_system_for_user(request, pk, owner=True)
    if request.method == "POST":
        workspace = system.workspace
        system.delete()
        messages.success(request, f"Deleted {system.name} and its history.")
        if request.htmx:
            return HttpResponseClientRedirect(reverse("workspace_detail", args=[workspace.pk]))
        return redirect("workspace_detail", workspace.pk)
    return render(request, "reviews/system_delete.html", {"system": system})


# --- editing the model ------------------------------------------------------------


def _properties(
    request: AuthenticatedHttpRequest,
    system: SystemWithRole,
    form,
    title: str,
    status: int = 200,
    **extra,
) -> HttpResponse:
    context = {
        "system": system,
        "form": form,
        "title": title,
        "action": request.path,
        "can_edit": _can_write(system),
        **extra,
    }
    if extra.get("item") and extra.get("section"):
        asked = {extra["section"]: [extra["item"]["id"]]}
        context["delete_question"] = edit.removal(system.document, asked).question(asked)
    return _page(request, "reviews/properties.html", "form", context, status=status)


def _save_from_form(
    request: AuthenticatedHttpRequest,
    system: SystemWithRole,
    form,
    document: dict,
    location: str,
    title: str,
    redirect_to: str | None = None,
    **extra,
) -> HttpResponse:
    """Save `document` built from a valid form; on a problem, show the form again with
    the engine's messages at its fields and nothing saved."""
    try:
        saved = services.save_document(
            system, document, base_version=form.cleaned_data["base_version"], author=request.user
        )
    except services.InvalidDocument as error:
        if hasattr(form, "add_problems"):
            form.add_problems(error.problems, location)
        else:
            for problem in error.problems:
                field = problem.location if problem.location in form.fields else None
                form.add_error(field, problem.message)
        return _properties(request, system, form, title, status=400, **extra)
    except services.StaleVersion as error:
        form.add_error(None, _stale_message(error.system))
        return _properties(request, system, form, title, status=409, stale=True, **extra)
    if not request.htmx:
        messages.success(request, f"Saved version {saved.version}.")
        return redirect(redirect_to or reverse("system_detail", args=[saved.pk]))
    # A fresh form based on the new version, so the next save is not stale.
    data = form.data.copy()
    data["base_version"] = saved.version
    kwargs = _form_kwargs(form, saved)
    if kwargs and kwargs["item"] is not None:
        data = form.rebound_data(data, kwargs["item"])
    fresh = type(form)(data, **kwargs)
    fresh.is_valid()
    if kwargs:  # an item form: the item as saved (its delete button and title need it)
        extra = {**extra, "section": form.section, "item": kwargs["item"]}
        if kwargs["item"] is not None:
            title = _item_title(form.section, kwargs["item"])
    context = {
        "system": saved,
        "form": fresh,
        "title": title,
        "action": redirect_to or request.path,
        "can_edit": True,
        "saved": True,
        **extra,
    }
    html = render_to_string("reviews/properties.html#form", context, request)
    return _saved_response(request, saved, html)


def _form_kwargs(form, system: System) -> dict:
    if hasattr(form, "to_item"):
        section = form.section
        item_id = form.cleaned_data["id"]
        item = next((i for i in system.document.get(section, []) if i["id"] == item_id), None)
        return {"document": system.document, "item": item}
    return {}


def _item_title(section: str, item: dict) -> str:
    """The properties panel's heading for an item: "Element Orders API"."""
    return f"{SECTION_NOUNS[section].capitalize()} {item.get('name') or item['id']}"


def _find_item(system: System, section: str, item_id: str) -> tuple[int, dict]:
    for index, item in enumerate(system.document.get(section, [])):
        if item["id"] == item_id:
            return index, item
    raise Http404("No such item in this system.")


def _add_new_items(document: dict, form) -> None:
    """The items a form creates besides its own (a store's new data class or key)."""
    for section, items in form.new_items().items():
        document[section] = [*document.get(section, []), *items]


@require_http_methods(["GET", "POST"])
def item_create(request: AuthenticatedHttpRequest, pk: int, section: str) -> HttpResponse:
    system = _get_system_for_user(request, pk, write=True)
    form_class = ITEM_FORMS[section]
    title = f"New {SECTION_NOUNS[section]}"
    form = form_class(
        request.POST or None, document=system.document, initial={"base_version": system.version}
    )
    if request.method == "POST" and form.is_valid():
        document = dict(system.document)
        items = [*document.get(section, []), form.to_item()]
        document[section] = items
        _add_new_items(document, form)
        after = reverse("item_edit", args=[system.pk, section, items[-1]["id"]])
        return _save_from_form(
            request, system, form, document, f"{section}[{len(items) - 1}]", title, after
        )
    status = 400 if request.method == "POST" else 200
    return _properties(request, system, form, title, status=status, section=section)


@require_http_methods(["GET", "POST"])
def item_edit(
    request: AuthenticatedHttpRequest, pk: int, section: str, item_id: str
) -> HttpResponse:
    system = _get_system_for_user(request, pk, write=request.method == "POST")
    index, item = _find_item(system, section, item_id)
    form_class = ITEM_FORMS[section]
    title = _item_title(section, item)
    form = form_class(
        request.POST or None,
        document=system.document,
        item=item,
        initial={"base_version": system.version},
    )
    extra = {"section": section, "item": item}
    if request.method == "POST" and form.is_valid():
        document = json.loads(json.dumps(system.document))
        new_item = form.to_item()
        document[section][index] = {**new_item, "id": item_id}
        try:
            edit.rename(document, section, item_id, new_item["id"])  # references follow
        except ValueError as error:
            form.add_error("id", str(error))
            return _properties(request, system, form, title, status=400, **extra)
        _add_new_items(document, form)
        after = reverse("item_edit", args=[system.pk, section, new_item["id"]])
        return _save_from_form(
            request, system, form, document, f"{section}[{index}]", title, after, **extra
        )
    status = 400 if request.method == "POST" else 200
    return _properties(request, system, form, title, status=status, **extra)


@require_POST
def item_delete(
    request: AuthenticatedHttpRequest, pk: int, section: str, item_id: str
) -> HttpResponse:
    """Delete an item and what goes with it (the flows of an element, ...), as the
    canvas does; the form asked first with `edit.removal`'s question."""
    system = _get_system_for_user(request, pk, write=True)
    _find_item(system, section, item_id)
    base_version = _int(request.POST.get("base_version"))
    document = json.loads(json.dumps(system.document))
    asked = {section: [item_id]}
    done = edit.delete(document, asked)
    try:
        saved = services.save_document(
            system, document, base_version=base_version, author=request.user
        )
    except services.InvalidDocument as error:
        reasons = "; ".join(f"{p.location}: {p.message}" for p in error.problems[:5])
        messages.error(request, f"Not deleted: {reasons}.")
        status = 400
    except services.StaleVersion as error:
        messages.error(request, _stale_message(error.system))
        status = 409
    else:
        messages.success(request, done.done(asked))
        if request.htmx:
            html = render_to_string("reviews/properties.html#notice", {}, request)
            return _saved_response(request, saved, html)
        return redirect("system_detail", saved.pk)
    if request.htmx:
        html = render_to_string("reviews/properties.html#notice", {}, request)
        return HttpResponse(html, status=status)
    return redirect("system_detail", system.pk)


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return 0


@require_http_methods(["GET", "POST"])
def system_policy(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    system = _get_system_for_user(request, pk, write=request.method == "POST")
    policy = system.document.get("policy", {})
    form = PolicyForm(request.POST or None, initial={**policy, "base_version": system.version})
    if request.method == "POST" and form.is_valid():
        document = dict(system.document)
        if form.to_policy():
            document["policy"] = form.to_policy()
        else:
            document.pop("policy", None)
        return _save_from_form(request, system, form, document, "policy", "Policy")
    status = 400 if request.method == "POST" else 200
    return _properties(request, system, form, "Policy", status=status)


# --- findings and history ---------------------------------------------------------


@require_GET
def system_findings(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    system = _get_system_for_user(request, pk)
    if request.htmx:
        context = _system_context(request, system)
        return render(request, "reviews/system_detail.html#findings", context)
    analysis = services.current_analysis(system)
    plan_size = None if request.GET.get("plan_all") else PLAN_SIZE
    context = {
        "system": system,
        "can_edit": _can_write(system),
        "view": findings_view(
            analysis, system.document, FindingFilter.from_query(request.GET), plan_size=plan_size
        ),
        "metrics": metric_rows(analysis.get("metrics", {})),
        "sorts": SORTS,
    }
    return render(request, "reviews/findings.html", context)


PLAN_SIZE = 25
