"""The diagram's layout for the editor: the same Graphviz layout the PDF draws."""

from __future__ import annotations

from django.http import JsonResponse
from django.views.decorators.http import require_GET

import threatmodel

from . import layout
from .requests import AuthenticatedHttpRequest
from .views import _get_system_for_user


@require_GET
def system_layout(request: AuthenticatedHttpRequest, pk: int) -> JsonResponse:
    """The automatic layout of the saved document, for the editor's Arrange."""
    system = _get_system_for_user(request, pk)
    try:
        positions = layout.editor_positions(threatmodel.load(system.document))
    except layout.LayoutError as error:
        return JsonResponse({"error": f"The diagram could not be arranged: {error}"}, status=503)
    return JsonResponse({"version": system.version, **positions})
