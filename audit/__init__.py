"""An append-only log of security-relevant events (SOC 2 CC7.2 evidence).

Sign-ins, failed sign-ins and lockouts are recorded from Django's and django-axes'
signals; the app records membership changes, exports, report downloads, restores and
review decisions with `audit.record(...)` where they happen.
"""

from __future__ import annotations

from typing import Any


def record(
    action: str,
    *,
    request: Any = None,
    actor: Any = None,
    workspace: Any = None,
    system: Any = None,
    target: str = "",
    **detail: Any,
) -> Any:
    """Append one event; `actor` defaults to the request's user. Returns the AuditEvent."""
    from .models import AuditEvent

    return AuditEvent.record(
        action,
        request=request,
        actor=actor,
        workspace=workspace,
        system=system,
        target=target,
        detail=detail,
    )
