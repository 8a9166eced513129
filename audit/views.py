"""The audit log of a workspace, for its owners."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from reviews.requests import AuthenticatedHttpRequest
from reviews.views import _get_workspace_for_user

from .models import AuditEvent

SIGN_IN_ACTIONS = [
    AuditEvent.LOGIN,
    AuditEvent.LOGIN_FAILED,
    AuditEvent.LOCKED_OUT,
    AuditEvent.LOGOUT,
]


@require_GET
def workspace_audit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The workspace's events, and the sign-ins (and failed ones) of its members."""
    workspace = _get_workspace_for_user(request, pk, owner=True)
    members = list(workspace.memberships.values_list("user__username", flat=True))
    events = AuditEvent.objects.filter(
        Q(workspace_id=workspace.pk) | Q(action__in=SIGN_IN_ACTIONS, actor_name__in=members)
    )
    if request.GET.get("action") in dict(AuditEvent.ACTIONS):
        events = events.filter(action=request.GET["action"])
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    context = {
        "workspace": workspace,
        "page": page,
        "actions": AuditEvent.ACTIONS,
        "selected": request.GET.get("action", ""),
    }
    return render(request, "audit/workspace_audit.html", context)
