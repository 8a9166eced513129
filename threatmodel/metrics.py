"""Figures for the dashboard and the report: coverage, key hygiene, certificate horizon."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from .model import SEVERITIES

if TYPE_CHECKING:
    from .analysis import Finding
    from .graph import SystemGraph

SENSITIVITY_LABELS = ("public", "internal", "confidential", "restricted", "regulated")
STRONG_CUSTODY = ("hsm", "kms", "vault")


def _coverage(rows: list[tuple[int, bool]]) -> list[dict[str, Any]]:
    """Per sensitivity level: how many items there are and how many are protected."""
    table = []
    for level, label in enumerate(SENSITIVITY_LABELS):
        total = sum(1 for s, _ in rows if s == level)
        covered = sum(1 for s, ok in rows if s == level and ok)
        table.append({"sensitivity": label, "total": total, "protected": covered})
    return table


def _ratio(rows: list[tuple[int, bool]]) -> float | None:
    return round(sum(ok for _, ok in rows) / len(rows), 4) if rows else None


def compute_metrics(graph: SystemGraph, findings: list[Finding]) -> dict[str, Any]:
    system = graph.system
    flow_rows = [
        (graph.flow_sensitivity(f), f.encrypted) for f in system.flows if f.protocol != "in-process"
    ]
    stores = [e for e in system.elements if graph.keeps_data(e)]
    store_rows = [(graph.element_sensitivity(e.id), e.strength >= 1) for e in stores]
    shared_fingerprints = {f.subject[0] for f in findings if f.rule == "shared-key"}
    keys = system.keys
    rotation_limit = graph.policy.key_rotation_days
    certs = sorted((f.tls.cert_expires, f.id) for f in system.flows if f.tls and f.tls.cert_expires)
    horizon = [(expiry - graph.today).days for expiry, _ in certs]
    counts = Counter(f.severity for f in findings)
    return {
        "severity_counts": {s: counts.get(s, 0) for s in reversed(SEVERITIES)},
        "findings": len(findings),
        "elements": len(system.elements),
        "flows": len(system.flows),
        "transit": {
            "encrypted_ratio": _ratio(flow_rows),
            "sensitive_encrypted_ratio": _ratio([r for r in flow_rows if r[0] >= 2]),
            "by_sensitivity": _coverage(flow_rows),
        },
        "rest": {
            "encrypted_ratio": _ratio(store_rows),
            "sensitive_encrypted_ratio": _ratio([r for r in store_rows if r[0] >= 2]),
            "by_sensitivity": _coverage(store_rows),
        },
        "keys": {
            "total": len(keys),
            "strong_custody": sum(1 for k in keys if k.custody in STRONG_CUSTODY),
            "rotated_within_policy": sum(
                1 for k in keys if k.rotation_days and k.rotation_days <= rotation_limit
            ),
            "shared": len(shared_fingerprints),
            "compromised": sum(1 for k in keys if k.compromised_on),
            "largest_blast_radius": max((graph.blast_radius(k.id) for k in keys), default=0),
        },
        "certificates": {
            "tracked": len(certs),
            "expired": sum(1 for days in horizon if days < 0),
            "expiring_soon": sum(
                1 for days in horizon if 0 <= days <= graph.policy.cert_warning_days
            ),
            "next_expiry": certs[0][0].isoformat() if certs else None,
            "next_expiry_flow": certs[0][1] if certs else None,
            "days_to_next_expiry": horizon[0] if horizon else None,
        },
        "today": graph.today.isoformat(),
    }
