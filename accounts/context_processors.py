from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .models import Invitation


def invitations(request: HttpRequest) -> dict[str, Any]:
    """How many invitations wait for the signed-in user (counted only when shown)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "pending_invitations": SimpleLazyObject(lambda: Invitation.objects.for_user(user).count())
    }
