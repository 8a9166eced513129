"""The diagram's layout for the editor: the same Graphviz layout the PDF draws."""

from __future__ import annotations

import hashlib
import json

from django.core.cache import cache
from django.http import JsonResponse
from django.views.decorators.http import require_GET

import threatmodel

from . import layout
from .requests import AuthenticatedHttpRequest
from .views import _get_system_for_user

# Graphviz takes about half a second for 1,000 elements, and every opening of a model
# with unplaced elements asks for the layout, as Arrange does. It depends on the document
# alone, so it is kept under the document's digest: never another system's (a deleted
# system's ID can come back), and whoever asks already holds that document.
LAYOUT_CACHE_SECONDS = 3600


def _layout_key(document: dict) -> str:
    text = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return "ciphermap:layout:" + hashlib.sha256(text.encode()).hexdigest()


@require_GET
def system_layout(request: AuthenticatedHttpRequest, pk: int) -> JsonResponse:
    """The automatic layout of the saved document, for the editor's opening and Arrange."""
    system = _get_system_for_user(request, pk)
    key = _layout_key(system.document)
    positions = cache.get(key)
    if positions is None:
        try:
            positions = layout.editor_positions(threatmodel.load(system.document))
        except layout.LayoutError as error:
            message = f"The diagram could not be arranged: {error}"
            return JsonResponse({"error": message}, status=503)
        cache.set(key, positions, LAYOUT_CACHE_SECONDS)
    return JsonResponse({"version": system.version, **positions})
