"""Synthetic systems of any size, for benchmarks and load tests.

    python examples/generate.py 1000 > big.yaml

The mix follows what real architectures look like: mostly services, a store behind most
of them, backups of the stores, a few brokers, log sinks and vendors, keys that wrap data
keys, and two flows per element, most of them on TLS.
"""

from __future__ import annotations

import random
import sys
from typing import Any

import yaml

from threatmodel import schema

KIND_MIX = [
    ("client", 6),
    ("service", 30),
    ("gateway", 5),
    ("function", 5),
    ("database", 10),
    ("object-store", 5),
    ("cache", 5),
    ("search-index", 2),
    ("warehouse", 2),
    ("broker", 4),
    ("log-sink", 3),
    ("backup", 10),
    ("key-store", 2),
    ("external", 6),
    ("user", 5),
]
STORE_KINDS = set(schema.STORE_KINDS)
ENCRYPTIONS = ["none", "platform", "sse-kms", "tde-cmk", "field", "envelope"]
ENCRYPTION_WEIGHTS = [5, 25, 25, 20, 10, 15]
PROTOCOLS_TLS = ["https", "grpcs", "postgres-tls", "kafka-sasl-ssl", "redis-tls"]
PROTOCOLS_PLAIN = ["http", "grpc", "postgres", "kafka", "redis"]
# Caller authentication as large estates use it: mostly mTLS or short-lived tokens.
AUTH_MIX = [
    {"auth": "mtls"},
    {"auth": "oauth2", "token_ttl_minutes": 15},
    {"auth": "jwt", "token_ttl_minutes": 60},
    {"auth": "api-key"},
    {"auth": "none"},
]
AUTH_WEIGHTS = [40, 30, 10, 5, 15]
DATA = [
    ("public-site", "public", []),
    ("metrics", "internal", []),
    ("orders", "confidential", ["pii"]),
    ("profiles", "confidential", ["pii"]),
    ("cards", "restricted", ["pan"]),
    ("health", "restricted", ["phi"]),
    ("passwords", "restricted", ["credentials"]),
    ("api-secrets", "restricted", ["secret"]),
    ("documents", "restricted", ["pii"]),
    ("telemetry", "internal", []),
]


def generate_system(n_elements: int, seed: int = 1) -> dict[str, Any]:
    """A valid MODEL.md document with `n_elements` elements and 2 flows per element."""
    rng = random.Random(seed)
    n_vpcs = max(1, n_elements // 50)
    boundaries: list[dict[str, Any]] = [
        {"id": "internet", "kind": "internet"},
        {"id": "vendors", "kind": "third-party"},
        {"id": "cloud", "kind": "internal", "env": "prod"},
    ]
    for v in range(n_vpcs):
        boundaries.append(
            {
                "id": f"vpc-{v}",
                "kind": "internal",
                "parent": "cloud",
                "mesh": rng.choices(["strict", "permissive", "none"], [70, 20, 10])[0],
            }
        )
    data = [{"id": d, "classification": c, "tags": t} for d, c, t in DATA]

    kinds, weights = zip(*KIND_MIX, strict=True)
    elements: list[dict[str, Any]] = []
    stores: list[str] = []
    for i in range(n_elements):
        kind = rng.choices(kinds, weights)[0]
        if kind == "backup" and not stores:
            kind = "database"
        element: dict[str, Any] = {"id": f"{kind}-{i}", "kind": kind, "name": f"{kind} {i}"}
        if kind in ("client", "user"):
            element["boundary"] = "internet"
        elif kind == "external":
            element["boundary"] = "vendors"
            element["agreements"] = rng.sample(["baa", "dpa", "pci-tpsp"], rng.randint(0, 2))
        else:
            element["boundary"] = f"vpc-{rng.randrange(n_vpcs)}"
        if kind in ("gateway", "service", "function"):
            element["rate_limited"] = rng.random() < 0.6
            element["internet_facing"] = kind == "gateway"
            element["logs_payloads"] = rng.random() < 0.1
        if kind in STORE_KINDS:
            element["encryption"] = rng.choices(ENCRYPTIONS, ENCRYPTION_WEIGHTS)[0]
            if kind == "backup":
                element["backup_of"] = rng.choice(stores)
                element["immutable"] = rng.random() < 0.5
            else:
                element["stores"] = rng.sample([d for d, _, _ in DATA], rng.randint(1, 3))
                stores.append(element["id"])
            if kind == "broker":
                element["auth"] = rng.choice(["none", "sasl-scram", "mtls", "iam"])
                element["acls"] = rng.random() < 0.5
            if kind == "log-sink":
                element["redaction"] = rng.random() < 0.5
                element["immutable"] = rng.random() < 0.5
        elements.append(element)

    keys: list[dict[str, Any]] = []
    n_keks = max(1, n_elements // 40)
    for k in range(n_keks):
        keys.append(
            {
                "id": f"kek-{k}",
                "type": "kek",
                "custody": rng.choice(["hsm", "kms", "kms", "env-var"]),
                "rotation_days": rng.choice([90, 365]),
                "last_rotated": "2026-09-01",
                "wraps": [],
            }
        )
    keyed = [e for e in elements if e.get("encryption") in ("sse-kms", "tde-cmk", "envelope")]
    for d, element in enumerate(keyed):
        if rng.random() < 0.2 and d > 0:
            element["key"] = f"dek-{rng.randrange(d)}"  # reuse an earlier data key
            continue
        keys.append(
            {
                "id": f"dek-{d}",
                "type": "dek",
                "custody": rng.choice(["kms", "app-memory", "vault"]),
                "rotation_days": 90,
                "last_rotated": "2026-10-01",
            }
        )
        element["key"] = f"dek-{d}"
        if rng.random() < 0.8:
            keys[rng.randrange(n_keks)]["wraps"].append(f"dek-{d}")
    existing = {k["id"] for k in keys}
    for element in keyed:
        if element.get("key") not in existing:
            element.pop("key", None)
    for key in keys:
        if not key.get("wraps"):
            key.pop("wraps", None)

    targets = [e["id"] for e in elements if e["kind"] not in ("client", "user")]
    # People and outside callers come in through the front door, not straight to a store.
    front_doors = [e["id"] for e in elements if e["kind"] in ("gateway", "service")] or targets
    flows: list[dict[str, Any]] = []
    for element in elements:
        outside = element["kind"] in ("client", "user", "external")
        for j in range(2):
            target = rng.choice(front_doors if outside else targets)
            if target == element["id"]:
                continue
            encrypted = rng.random() < 0.9
            flow: dict[str, Any] = {
                "id": f"f-{element['id']}-{j}",
                "from": element["id"],
                "to": target,
                "protocol": rng.choice(PROTOCOLS_TLS if encrypted else PROTOCOLS_PLAIN),
                "data": rng.sample([d for d, _, _ in DATA], rng.randint(1, 2)),
            }
            flow.update(rng.choices(AUTH_MIX, AUTH_WEIGHTS)[0])
            if encrypted:
                flow["tls"] = {
                    "min_version": rng.choices(["1.3", "1.2", "1.1"], [38, 60, 2])[0],
                    "forward_secrecy": rng.random() < 0.95,
                    "certificate": rng.choices(
                        ["private-ca", "public-ca", "self-signed"], [70, 28, 2]
                    )[0],
                    "cert_expires": rng.choices(
                        ["2027-06-01", "2027-02-15", "2026-12-10", "2026-10-01"], [70, 24, 5, 1]
                    )[0],
                    "auto_renew": rng.random() < 0.9,
                    "mutual": flow.get("auth") == "mtls",
                }
            flows.append(flow)

    return {
        "format": "ciphermap/1",
        "name": f"Synthetic system ({n_elements} elements)",
        "policy": {"today": "2026-11-28"},
        "data": data,
        "boundaries": boundaries,
        "keys": keys,
        "elements": elements,
        "flows": flows,
    }


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    yaml.safe_dump(generate_system(size), sys.stdout, sort_keys=False)
