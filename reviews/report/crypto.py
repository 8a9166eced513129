"""The report's crypto inventory section: the keys, certificates and protocols the
engine's `crypto_inventory` lists, the documented cryptographic architecture PCI DSS
4.0.1 asks for in 3.6.1.1, 4.2.1.1 and 12.3.3."""

from __future__ import annotations

from typing import Any

from threatmodel.inventory import PCI_REQUIREMENTS, crypto_inventory

WHERE_USED_LIMIT = 8  # flows named per protocol; the CSV and JSON exports list them all


def _names(report, ids: list[str], limit: int = WHERE_USED_LIMIT) -> str:
    shown = ", ".join(report.label(i) for i in ids[:limit])
    more = len(ids) - limit
    return f"{shown} and {more} more" if more > 0 else (shown or "\u2013")


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
        "certificates": [
            {
                "label": cert.name,
                "endpoints": cert.endpoints,
                "protocol": cert.protocol,
                "issuer": cert.issuer,
                "expires": cert.expires,
                "past": cert.days_left is not None and cert.days_left < 0,
                "auto_renew": cert.auto_renew,
            }
            for cert in inventory.certificates
        ],
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
