"""Input that reaches the app before a form or the engine can judge it.

The editor's JSON save goes through the engine's own parser (duplicate keys, refused
values, nesting and size limits, each with its location), like uploads and the CLI. A
request too large for Django to read becomes the page's own message, not a bare 400.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults

import threatmodel
from threatmodel.load import parse_text

from .requests import is_signed_in
from .services import InvalidDocument, Problem

ENVELOPE = "expected JSON {base_version: int, document: {...}}"


def too_large_problem() -> Problem:
    limit = settings.MAX_MODEL_BYTES // 1024
    return Problem("", f"the document is larger than the {limit} KB limit; nothing was saved")


def declared_too_large(request: HttpRequest) -> bool:
    """Whether the request says it is over the cap (checked before reading the body)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > settings.MAX_MODEL_BYTES + 64 * 1024


def parse_save_request(body: bytes) -> tuple[int, dict[str, Any]]:
    """(base_version, document) from the editor's save; InvalidDocument says why not.

    Problems inside the document are reported at the document's own locations
    (`elements[2].name`), as the engine reports them."""
    try:
        parsed = parse_text(body, max_bytes=settings.MAX_MODEL_BYTES + 1024)
    except threatmodel.ModelError as error:
        raise InvalidDocument([_inside(p) for p in error.problems]) from None
    if parsed.problems:
        raise InvalidDocument([_inside(p) for p in parsed.problems])
    payload = parsed.data
    if not isinstance(payload, dict):
        raise InvalidDocument([Problem("", ENVELOPE)])
    base_version, document = payload.get("base_version"), payload.get("document")
    if isinstance(base_version, bool) or not isinstance(base_version, int):
        raise InvalidDocument([Problem("base_version", ENVELOPE)])
    if not isinstance(document, dict):
        raise InvalidDocument([Problem("document", ENVELOPE)])
    return base_version, document


def _inside(problem: Problem) -> Problem:
    location = problem.location
    if location == "document" or location.startswith(("document.", "document[")):
        location = location[len("document") :].lstrip(".")
    return Problem(location, problem.message, None)


# The import pages, and the template each shows its form and problems with.
IMPORT_PAGES = {
    "system_import": "reviews/system_import.html",
    "system_reimport": "reviews/system_reimport.html",
}


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: a paste or upload over Django's read limit gets the import page's own
    message (413), the editor's API its JSON error; anything else Django's 400."""
    match = getattr(request, "resolver_match", None)
    if not isinstance(exception, RequestDataTooBig) or match is None or not is_signed_in(request):
        return defaults.bad_request(request, exception)
    if match.url_name == "system_document":
        return JsonResponse({"errors": [too_large_problem().to_dict()]}, status=413)
    if match.url_name not in IMPORT_PAGES:
        return defaults.bad_request(request, exception)
    from .forms import ImportIntoForm, ImportNewForm
    from .views import _get_system_for_user

    context: dict[str, Any] = {"problems": [too_large_problem()]}
    try:
        if match.url_name == "system_reimport":
            system = _get_system_for_user(request, match.kwargs["pk"], write=True)
            context.update(
                system=system, form=ImportIntoForm(initial={"base_version": system.version})
            )
        else:
            context["form"] = ImportNewForm(user=request.user)
    except Http404:
        return defaults.page_not_found(request, Http404())
    except PermissionDenied:
        return defaults.permission_denied(request, PermissionDenied())
    return render(request, IMPORT_PAGES[match.url_name], context, status=413)
