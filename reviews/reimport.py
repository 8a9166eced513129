"""Import version: a newer export of a system, merged into it after a reviewed preview.

Step one reads the upload (any format `threatmodel.formats.detect` reads) and shows what
it would change against the current version: items added and removed, security facts that
change, flows the import inferred, the architect's edits it keeps and the conflicts, and
the findings that appear or go. Nothing is saved. Step two, the confirmation, applies it
as one new revision. Another tool's model is merged (`threatmodel.merge`), so data
classes, positions, drawn flows and descriptions survive; a Ciphermap document replaces
the current one, as an upload of the whole model means.

The confirmation carries the converted document (never the uploaded file: for a
Terraform plan, that would hold its secrets) and is validated again like any upload.
"""

from __future__ import annotations

import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from threatmodel.merge import Merge, merge

from . import services
from .forms import ImportIntoForm
from .history import diff_documents
from .imports import record_imported_decisions
from .models import System
from .requests import AuthenticatedHttpRequest
from .views import _get_system_for_user, _stale_message

TEMPLATE = "reviews/system_reimport.html"


class ConfirmForm(forms.Form):
    """The previewed import, sent back to apply it."""

    base_version = forms.IntegerField(widget=forms.HiddenInput)
    read_as = forms.CharField(max_length=200, widget=forms.HiddenInput)
    incoming = forms.CharField(max_length=settings.MAX_MODEL_BYTES, widget=forms.HiddenInput)
    decisions = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_incoming(self) -> dict:
        try:
            document = json.loads(self.cleaned_data["incoming"])
        except ValueError:
            raise forms.ValidationError(
                "The previewed document was damaged; import again."
            ) from None
        if not isinstance(document, dict):
            raise forms.ValidationError("The previewed document was damaged; import again.")
        return document

    def clean_decisions(self) -> list[dict]:
        """The decisions the file records (threat states, risk tracking), if any."""
        text = self.cleaned_data.get("decisions") or "[]"
        try:
            decisions = json.loads(text)
        except ValueError:
            raise forms.ValidationError("The previewed decisions were damaged.") from None
        if not isinstance(decisions, list) or not all(isinstance(d, dict) for d in decisions):
            raise forms.ValidationError("The previewed decisions were damaged.")
        return decisions


def _merged(system: System, incoming: dict, read_as: str) -> tuple[dict, Merge | None]:
    if services.is_native(read_as):
        return incoming, None
    result = merge(system.document, incoming, services.import_base_for(system, read_as))
    return result.document, result


def _findings(document: dict) -> dict[str, dict]:
    _canonical, model = services.validate(document)
    return {f["fingerprint"]: f for f in services.analyze(model)["findings"]}


def _preview(
    request: AuthenticatedHttpRequest, system: System, upload: services.Upload
) -> HttpResponse:
    incoming, read_as = upload.document, upload.read_as
    document, result = _merged(system, incoming, read_as)
    try:
        after = _findings(document)
    except services.InvalidDocument as error:
        context = {"system": system, "problems": error.problems, "form": None}
        return render(request, TEMPLATE, context, status=400)
    before = _findings(system.document)
    confirm = ConfirmForm(
        initial={
            "base_version": system.version,
            "read_as": read_as,
            "incoming": json.dumps(incoming, separators=(",", ":")),
            "decisions": json.dumps(upload.decisions, separators=(",", ":"), default=str),
        }
    )
    context = {
        "system": system,
        "read_as": read_as,
        "merge": result,
        "diff": diff_documents(system.document, document),
        "new_findings": [f for fp, f in after.items() if fp not in before],
        "fixed_findings": [f for fp, f in before.items() if fp not in after],
        "confirm": confirm,
        "unchanged": document == system.document,
        "next_version": system.version + 1,
        "decisions": len(upload.decisions),
    }
    return render(request, TEMPLATE, context)


# A Terraform plan holds secrets in plain text: error reports must not show the upload.
@sensitive_post_parameters("text")
@require_http_methods(["GET", "POST"])
def system_reimport(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Upload a newer version and see what it changes (nothing is saved yet)."""
    system = _get_system_for_user(request, pk, write=True)
    form = ImportIntoForm(
        request.POST or None, request.FILES or None, initial={"base_version": system.version}
    )
    problems: list = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            if form.cleaned_data["base_version"] != system.version:
                form.add_error(None, _stale_message(system))
                status = 409
            else:
                try:
                    upload = services.import_upload(*form.source())
                except services.InvalidDocument as error:
                    problems = error.problems
                else:
                    return _preview(request, system, upload)
    context = {"form": form, "problems": problems, "system": system}
    return render(request, TEMPLATE, context, status=status)


@sensitive_post_parameters("incoming", "decisions")
@require_http_methods(["POST"])
def system_reimport_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Apply the previewed import as one new revision."""
    system = _get_system_for_user(request, pk, write=True)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The import could not be applied; import the file again.")
        return redirect("system_reimport", system.pk)
    incoming, read_as = form.cleaned_data["incoming"], form.cleaned_data["read_as"]
    try:
        services.validate(incoming)
        with transaction.atomic():
            document, _result = _merged(system, incoming, read_as)
            saved = services.save_document(
                system,
                document,
                base_version=form.cleaned_data["base_version"],
                author=request.user,
                summary_prefix=f"imported {services.format_name(read_as)}",
            )
            services.remember_import(saved, incoming, read_as)
            decided = record_imported_decisions(
                saved, form.cleaned_data["decisions"], request.user, undecided_only=True
            )
    except services.StaleVersion as error:
        messages.error(request, _stale_message(error.system) + " Import the file again.")
        return redirect("system_reimport", system.pk)
    except services.InvalidDocument as error:
        context = {"system": system, "problems": error.problems, "form": None}
        return render(request, TEMPLATE, context, status=400)
    if saved.version == form.cleaned_data["base_version"]:
        messages.info(request, f"The import changes nothing in {system.name}.")
    else:
        said = f"Imported version {saved.version} of {system.name}."
        if decided:
            said += f" Recorded {decided} decision{'s' if decided != 1 else ''} the file states."
        messages.success(request, said)
    return redirect("system_detail", system.pk)
