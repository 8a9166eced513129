"""The crypto inventory: every key, certificate and protocol of a system, for auditors.

PCI DSS 4.0.1 asks for this evidence, reviewed at least once every 12 months:
3.6.1.1 (a documented description of the cryptographic architecture: the keys, what each
protects, where it lives), 4.2.1.1 (an inventory of the keys and certificates that
protect data in transit) and 12.3.3 (the cipher suites and protocols in use, and where).

`crypto_inventory(system)` computes it from the model; `to_dict()` is the JSON export
and `csv_rows()` the CSV one. What the model leaves unstated reads "unstated", never a
guess.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from .graph import SystemGraph
from .model import ENCRYPTED_PROTOCOLS, NON_TLS_PROTOCOLS, System

__all__ = ["CSV_COLUMNS", "Inventory", "crypto_inventory"]

UNSTATED = "unstated"
PCI_REQUIREMENTS = (
    ("3.6.1.1", "Documented description of the cryptographic architecture"),
    ("4.2.1.1", "Inventory of trusted keys and certificates protecting data in transit"),
    ("12.3.3", "Cipher suites and protocols in use, documented and reviewed every 12 months"),
)


@dataclass(frozen=True)
class KeyEntry:
    id: str
    name: str
    type: str
    custody: str
    holder: str  # the element that holds it (a KMS, a vault), or unstated
    rotation: str  # "every 90 days", "never (no rotation period)"
    last_rotated: str
    protects: list[str]  # stores it encrypts, directly or through the keys it wraps
    blast_radius: int
    wraps: list[str]
    used_by: list[str]  # services holding it in memory
    compromised_on: str


@dataclass(frozen=True)
class CertificateEntry:
    flow: str
    name: str
    endpoints: str  # "sender -> receiver": the receiver presents the certificate
    protocol: str
    issuer: str  # public-ca | private-ca | self-signed | unstated
    expires: str
    days_left: int | None
    auto_renew: str  # yes | no
    mutual: str  # yes | no: the sender presents one too


@dataclass(frozen=True)
class ProtocolEntry:
    protocol: str
    encrypted: bool
    tls_min_version: str  # the lowest stated, with how many flows leave it unstated
    forward_secrecy: str  # "all", "none", "3 of 5", "unstated"
    flows: list[str]


@dataclass(frozen=True)
class Inventory:
    system: str
    as_of: str
    keys: list[KeyEntry] = field(default_factory=list)
    certificates: list[CertificateEntry] = field(default_factory=list)
    protocols: list[ProtocolEntry] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "as_of": self.as_of,
            "requirements": [{"pci_dss": r, "title": t} for r, t in PCI_REQUIREMENTS],
            "keys": [asdict(k) for k in self.keys],
            "certificates": [asdict(c) for c in self.certificates],
            "protocols": [asdict(p) for p in self.protocols],
        }

    def csv_rows(self) -> list[dict[str, Any]]:
        """One row per key, certificate and protocol, in the columns of CSV_COLUMNS."""
        rows: list[dict[str, Any]] = []
        for key in self.keys:
            rows.append(
                {
                    "section": "key",
                    "id": key.id,
                    "name": key.name,
                    "type": key.type,
                    "custody": key.custody,
                    "holder": key.holder,
                    "rotation": key.rotation,
                    "last_rotated": key.last_rotated,
                    "protects": key.protects,
                    "blast_radius": key.blast_radius,
                }
            )
        for cert in self.certificates:
            rows.append(
                {
                    "section": "certificate",
                    "id": cert.flow,
                    "name": cert.name,
                    "where_used": cert.endpoints,
                    "protocol": cert.protocol,
                    "issuer": cert.issuer,
                    "expires": cert.expires,
                    "auto_renew": cert.auto_renew,
                }
            )
        for protocol in self.protocols:
            rows.append(
                {
                    "section": "protocol",
                    "id": protocol.protocol,
                    "encrypted": "yes" if protocol.encrypted else "no",
                    "tls_min_version": protocol.tls_min_version,
                    "forward_secrecy": protocol.forward_secrecy,
                    "where_used": protocol.flows,
                }
            )
        return rows


CSV_COLUMNS = (
    "section",
    "id",
    "name",
    "type",
    "custody",
    "holder",
    "rotation",
    "last_rotated",
    "protects",
    "blast_radius",
    "protocol",
    "issuer",
    "expires",
    "auto_renew",
    "encrypted",
    "tls_min_version",
    "forward_secrecy",
    "where_used",
)


def crypto_inventory(system: System, graph: SystemGraph | None = None) -> Inventory:
    """The keys, certificates and protocols of `system` (linear in its size)."""
    graph = graph or SystemGraph(system, system.policy)
    today = graph.today
    used_by: dict[str, list[str]] = defaultdict(list)
    for element in system.elements:
        for key_id in element.uses_keys:
            used_by[key_id].append(element.id)
    keys = [
        KeyEntry(
            id=key.id,
            name=key.name or key.id,
            type=key.type,
            custody=key.custody or UNSTATED,
            holder=key.held_by or UNSTATED,
            rotation=f"every {key.rotation_days} days"
            if key.rotation_days
            else "never (no rotation period)",
            last_rotated=key.last_rotated.isoformat() if key.last_rotated else UNSTATED,
            protects=sorted(graph.protected_set(key.id)),
            blast_radius=graph.blast_radius(key.id),
            wraps=list(key.wraps),
            used_by=used_by.get(key.id, []),
            compromised_on=key.compromised_on.isoformat() if key.compromised_on else "",
        )
        for key in system.keys
    ]
    certificates = []
    by_protocol: dict[str, list] = defaultdict(list)
    for flow in system.flows:
        by_protocol[flow.protocol or UNSTATED].append(flow)
        if flow.protocol not in ENCRYPTED_PROTOCOLS or flow.protocol in NON_TLS_PROTOCOLS:
            continue
        tls = flow.tls
        expires = tls.cert_expires if tls else None
        certificates.append(
            CertificateEntry(
                flow=flow.id,
                name=flow.label,
                endpoints=f"{graph.label(flow.source)} -> {graph.label(flow.target)}",
                protocol=flow.protocol,
                issuer=(tls.certificate if tls and tls.certificate else UNSTATED),
                expires=expires.isoformat() if expires else UNSTATED,
                days_left=(expires - today).days if isinstance(expires, date) else None,
                auto_renew="yes" if tls and tls.auto_renew else "no",
                mutual="yes" if tls and tls.mutual else "no",
            )
        )
    protocols = [_protocol_entry(name, flows) for name, flows in sorted(by_protocol.items())]
    return Inventory(
        system=system.name,
        as_of=today.isoformat(),
        keys=keys,
        certificates=certificates,
        protocols=protocols,
    )


def _protocol_entry(name: str, flows: list) -> ProtocolEntry:
    encrypted = name in ENCRYPTED_PROTOCOLS
    tls_based = encrypted and name not in NON_TLS_PROTOCOLS
    if not tls_based:
        return ProtocolEntry(name, encrypted, "n/a", "n/a", [f.id for f in flows])
    stated = [f.tls.min_version for f in flows if f.tls and f.tls.min_version]
    unstated = len(flows) - len(stated)
    lowest = min(stated, key=lambda v: tuple(int(p) for p in v.split("."))) if stated else ""
    version = lowest or UNSTATED
    if lowest and unstated:
        version = f"{lowest} ({unstated} of {len(flows)} unstated)"
    # TLS 1.3 always has forward secrecy; below it, only what the model states counts.
    secrecy = [
        True if f.tls and f.tls.min_version == "1.3" else (f.tls.forward_secrecy if f.tls else None)
        for f in flows
    ]
    known = [s for s in secrecy if s is not None]
    if not known:
        forward = UNSTATED
    elif all(known) and len(known) == len(flows):
        forward = "all"
    elif not any(known) and len(known) == len(flows):
        forward = "none"
    else:
        forward = f"{sum(known)} of {len(flows)}" + (
            f" ({len(flows) - len(known)} unstated)" if len(known) < len(flows) else ""
        )
    return ProtocolEntry(name, encrypted, version, forward, [f.id for f in flows])
