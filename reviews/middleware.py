"""Responses to a signed-in user hold a model (pages, exports, document.json, fragments):
no cache, shared or the browser's own, may keep them."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

PRIVATE = "private, no-store"


class PrivateResponsesMiddleware:
    """`Cache-Control: private, no-store` on every response to a signed-in user.

    Static files never get here (WhiteNoise answers them earlier and keeps them
    cacheable); the sign-in page is `never_cache` already.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = PRIVATE
            patch_vary_headers(response, ["Cookie"])
        return response
