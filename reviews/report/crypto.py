"""The report's crypto inventory section: the keys, certificates and protocols the
engine's `crypto_inventory` lists, the documented cryptographic architecture PCI DSS
4.0.1 asks for in 3.6.1.1, 4.2.1.1 and 12.3.3."""

from __future__ import annotations

from typing import Any

from threatmodel.inventory import PCI_REQUIREMENTS, CertificateEntry, crypto_inventory
from threatmodel.rules.base import listing

WHERE_USED_LIMIT = 8  # flows named per protocol; the CSV and JSON exports list them all


def _names(report, ids: list[str], limit: int = WHERE_USED_LIMIT) -> str:
    labels = [report.label(i) for i in ids[:limit]]
    return listing(labels, limit, total=len(ids)) or "\u2013"


def _certificates(report, entries: list[CertificateEntry]) -> list[dict[str, Any]]:
    """One row per certificate, not per flow: the receiver presents it, so the flows into
    one element with the same issuer, expiry and renewal share a row (a 300-element
    system's 593 TLS flows are 293 certificates, and 12 pages fewer)."""
    groups: dict[tuple, list[CertificateEntry]] = {}
    for cert in entries:
        receiver = report.graph.flows[cert.flow].target
        groups.setdefault((receiver, cert.issuer, cert.expires, cert.auto_renew), []).append(cert)
    rows = []
    for (receiver, issuer, expires, auto_renew), certs in groups.items():
        flows = [_sender(report, c) for c in certs]
        mutual = sum(c.mutual == "yes" for c in certs)
        rows.append(
            {
                "label": report.label(receiver),
                "flows": listing(flows, WHERE_USED_LIMIT),
                "count": len(certs),
                "mutual": mutual,
                "protocol": ", ".join(dict.fromkeys(c.protocol for c in certs)),
                "issuer": issuer,
                "expires": expires,
                "past": certs[0].days_left is not None and certs[0].days_left < 0,
                "auto_renew": auto_renew,
            }
        )
    return rows


def _sender(report, cert: CertificateEntry) -> str:
    """A flow by its sender ("from Web app"), and its name when it has one."""
    sender = report.label(report.graph.flows[cert.flow].source)
    return f"{cert.name} (from {sender})" if cert.name != cert.flow else f"from {sender}"


def build_crypto_inventory(report) -> dict[str, Any] | None:
    inventory = crypto_inventory(report.system, report.graph)
    if not (inventory.keys or inventory.certificates or inventory.protocols):
        return None
    return {
        "requirements": PCI_REQUIREMENTS,
        "as_of": inventory.as_of,
        "keys": [
            {
                "label": f"{key.name} [{key.id}]",
                "type": key.type,
                "custody": key.custody,
                "holder": report.label(key.holder) if key.holder != "unstated" else "unstated",
                "rotation": key.rotation,
                "last_rotated": key.last_rotated,
                "protects": "; ".join(
                    part
                    for part in (
                        _names(report, key.protects) if key.protects else "",
                        f"used by {_names(report, key.used_by)}" if key.used_by else "",
                    )
                    if part
                )
                or "\u2013",
                "blast_radius": key.blast_radius,
            }
            for key in inventory.keys
        ],
        "certificates": _certificates(report, inventory.certificates),
        "protocols": [
            {
                "protocol": p.protocol,
                "encrypted": p.encrypted,
                "tls_min_version": p.tls_min_version,
                "forward_secrecy": p.forward_secrecy,
                "count": len(p.flows),
                "where": _names(report, p.flows),
            }
            for p in inventory.protocols
        ],
    }
