"""The request a view receives, and what the member queries return, typed for what they
guarantee.

`LoginRequiredMiddleware` lets no anonymous request reach a view unless it is marked
`login_not_required`, and `HtmxMiddleware` sets `request.htmx` on every request. The stubs
of `HttpRequest` know neither, so views behind the sign-in annotate their request with
`AuthenticatedHttpRequest` (the pattern django-stubs and django-htmx document). Code that
may see an anonymous request (an error handler) narrows it with `is_signed_in`.

A workspace, system or review fetched for a member carries the member's `role`
(`views._get_system_for_user` and its siblings annotate it): `SystemWithRole` and the
others say so, so that reading `role` off an object fetched any other way is a type error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict, TypeGuard

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from .models import Review, System, Workspace


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    user: User


def is_signed_in(request: HttpRequest) -> TypeGuard[AuthenticatedHttpRequest]:
    """Whether a request that did not pass `LoginRequiredMiddleware` has a signed-in user."""
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


class _Role(TypedDict):
    role: str  # the requesting user's Membership.role in the object's workspace


if TYPE_CHECKING:
    SystemWithRole = WithAnnotations[System, _Role]
    WorkspaceWithRole = WithAnnotations[Workspace, _Role]
    ReviewWithRole = WithAnnotations[Review, _Role]
