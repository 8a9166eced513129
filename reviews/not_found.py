"""A friendly 404 page for every missing object, also with DEBUG on.

Without DEBUG, Django renders templates/404.html itself. With DEBUG on (the default of
`make run`), a view's Http404 would show Django's debug page, which lists the URL
patterns and reads as a crash to a user following an old link to a version. This
middleware renders the same friendly page instead, for a view's Http404 and for an
address no URL matches.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render


class FriendlyNotFoundMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 404
            and getattr(request, "resolver_match", None) is None
            and response.get("Content-Type", "").startswith("text/html")
        ):
            # No URL matched: with DEBUG on, Django's page listing every URL pattern.
            return page_not_found(request, Http404())
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, Http404):
            return None
        return page_not_found(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: the view's own message (a sentence) when it gave one, nothing else."""
    first = exception.args[0] if exception.args else ""
    message = first if isinstance(first, str) else ""  # the URL resolver passes a dict
    response = render(request, "404.html", {"exception": message}, status=404)
    response["Cache-Control"] = "private, no-store"
    return response
