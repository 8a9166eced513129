"""Downloads of a system in other formats: OTM, findings (CSV with decisions, JSON,
SARIF) and the crypto inventory. What each is, is declared once in `threatmodel.exports`;
this view only finds the system, gathers its decisions and names the file."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

import threatmodel
from threatmodel.decisions import load_decisions
from threatmodel.exports import EXPORTS, find_export

from .decisions import export_decisions
from .models import System
from .requests import AuthenticatedHttpRequest
from .views import _get_system_for_user


def decided_findings(system: System) -> dict[str, dict]:
    """fingerprint -> the decision as it stands today, as the CLI's decisions file has it."""
    decisions = load_decisions(export_decisions(system)).decisions
    return {decision.fingerprint: decision.to_dict() for decision in decisions}


@require_GET
def system_download(request: AuthenticatedHttpRequest, pk: int, export_id: str) -> HttpResponse:
    system = _get_system_for_user(request, pk)
    chosen = find_export(export_id)
    if chosen is None:
        raise Http404(f"Exports: {', '.join(e.id for e in EXPORTS)}.")
    model = threatmodel.load(system.document)
    filename = f"{slugify(system.name) or 'system'}{chosen.suffix}"
    text = chosen.render(model, threatmodel.analyze(model), decided_findings(system), filename)
    response = HttpResponse(text, content_type=f"{chosen.content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
