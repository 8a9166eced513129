"""Views for people: the lockout page, invitations and the newcomer's set-password link."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import audit
from reviews.requests import AuthenticatedHttpRequest
from reviews.views import _get_workspace_for_user

from . import invitations
from .models import Invitation


def locked_out(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a throttled sign-in (the app's or the admin's).

    The same words for every username, existing or not, and for a right password too:
    a lockout must not become a way to test names or passwords.
    """
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}
    return render(request, "registration/locked_out.html", context, status=429)


# --- invitations --------------------------------------------------------------------


@require_GET
def invitation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    invitations = Invitation.objects.for_user(request.user)
    return render(request, "accounts/invitations.html", {"invitations": invitations})


@require_POST
def invitation_accept(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    try:
        membership = invitations.accept(request, pk)
    except invitations.NotForYou:
        raise Http404("No such invitation.") from None
    messages.success(request, f"You joined {membership.workspace.name} as {membership.role}.")
    return redirect("workspace_detail", membership.workspace.pk)


@require_POST
def invitation_decline(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    try:
        invitation = invitations.decline(request, pk)
    except invitations.NotForYou:
        raise Http404("No such invitation.") from None
    messages.info(request, f"You declined the invitation to {invitation.workspace.name}.")
    return redirect("invitation_list")


@require_POST
def invitation_cancel(
    request: AuthenticatedHttpRequest, pk: int, invitation_pk: int
) -> HttpResponse:
    workspace = _get_workspace_for_user(request, pk, owner=True)
    invitation = get_object_or_404(workspace.invitations.pending(), pk=invitation_pk)
    invitations.cancel(request, invitation)
    messages.success(request, f"Cancelled the invitation of {invitation.address}.")
    return redirect("workspace_detail", workspace.pk)


# --- a newcomer's one-time link -----------------------------------------------------


def _user_from_link(uidb64: str, token: str) -> User | None:
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except ValueError:
        return None
    user = get_user_model().objects.filter(pk=pk).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


@login_not_required
@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def welcome(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """An invited newcomer sets a password. The link works once: setting the password
    changes what the token was made from."""
    user = _user_from_link(uidb64, token)
    if user is None:
        return render(request, "accounts/welcome.html", {"invalid": True}, status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save(commit=False)
        user.is_active = True
        user.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        audit.record("account-activated", request=request, actor=user, target=user.get_username())
        messages.success(request, "Your password is set. Accept the invitation to join.")
        return redirect("invitation_list")
    return render(request, "accounts/welcome.html", {"form": form, "person": user})
