"""Sign-ins, failed sign-ins and lockouts, from Django's and django-axes' signals."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import AuditEvent


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is None:  # a test client's force_login
        return
    AuditEvent.record(AuditEvent.LOGIN, request=request, actor=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        AuditEvent.record(AuditEvent.LOGOUT, request=request, actor=user)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    # The name as typed: a failed sign-in may name no account, and the log says which
    # name was tried without saying whether it exists. Passwords are never in it.
    username = str(credentials.get(get_user_model().USERNAME_FIELD, ""))[:150]
    AuditEvent.record(
        AuditEvent.LOGIN_FAILED, request=request, actor_name=username, target=username
    )


@receiver(user_locked_out)
def _locked_out(sender: Any, request: Any, username: str | None, ip_address: str, **kw) -> None:
    name = (username or "")[:150]
    AuditEvent.record(AuditEvent.LOCKED_OUT, request=request, actor_name=name, target=name)
