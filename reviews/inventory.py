"""The crypto inventory page: the keys, certificates and protocols of the current model,
as `threatmodel.inventory` computes them, with the CSV and JSON downloads beside."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

import threatmodel
from threatmodel.graph import SystemGraph
from threatmodel.inventory import PCI_REQUIREMENTS, crypto_inventory

from .requests import AuthenticatedHttpRequest
from .views import _can_write, _get_system_for_user


@require_GET
def system_crypto_inventory(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    system = _get_system_for_user(request, pk)
    model = threatmodel.load(system.document)
    graph = SystemGraph(model, model.policy)
    context = {
        "system": system,
        "can_edit": _can_write(system),
        "inventory": crypto_inventory(model, graph),
        "label": graph.label,
        "requirements": PCI_REQUIREMENTS,
    }
    return render(request, "reviews/crypto_inventory.html", context)
