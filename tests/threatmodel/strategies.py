"""Hypothesis strategies for random valid model documents."""

from __future__ import annotations

from hypothesis import strategies as st

from threatmodel.model import (
    BOUNDARY_KINDS,
    CUSTODY_RANK,
    DATA_TAGS,
    ENCRYPTED_PROTOCOLS,
    ENCRYPTION_STRENGTH,
    KEY_TYPES,
    PLAINTEXT_PROTOCOLS,
    STORE_KINDS,
)

KINDS = ("client", "user", "service", "gateway", "function", *STORE_KINDS, "key-store", "external")
FLOW_AUTH = ("none", "session", "basic", "api-key", "jwt", "oauth2", "mtls", "sigv4", "hmac")


@st.composite
def documents(draw) -> dict:
    n_data = draw(st.integers(1, 4))
    data = [
        {
            "id": f"d{i}",
            "classification": draw(
                st.sampled_from(["public", "internal", "confidential", "restricted"])
            ),
            "tags": draw(st.lists(st.sampled_from(DATA_TAGS), max_size=2, unique=True)),
        }
        for i in range(n_data)
    ]
    boundaries = []
    for i in range(draw(st.integers(1, 4))):
        boundary = {"id": f"b{i}", "kind": draw(st.sampled_from(BOUNDARY_KINDS))}
        if i and draw(st.booleans()):
            boundary["parent"] = f"b{draw(st.integers(0, i - 1))}"
        if draw(st.booleans()):
            boundary["env"] = draw(st.sampled_from(["prod", "non-prod"]))
        if draw(st.booleans()):
            boundary["mesh"] = draw(st.sampled_from(["strict", "permissive", "none"]))
        boundaries.append(boundary)
    keys = []
    n_keys = draw(st.integers(0, 4))
    for i in range(n_keys):
        key = {"id": f"k{i}", "type": draw(st.sampled_from(KEY_TYPES))}
        if draw(st.booleans()):
            key["custody"] = draw(st.sampled_from(CUSTODY_RANK))
        if draw(st.booleans()):
            key["rotation_days"] = draw(st.integers(1, 800))
            key["last_rotated"] = draw(st.dates()).isoformat()
        later = [f"k{j}" for j in range(i + 1, n_keys)]
        if later and key["type"] == "kek" and draw(st.booleans()):
            key["wraps"] = draw(st.lists(st.sampled_from(later), min_size=1, unique=True))
        if draw(st.integers(0, 5)) == 0:
            key["compromised_on"] = draw(st.dates()).isoformat()
        keys.append(key)
    dek_ids = [k["id"] for k in keys if k["type"] in ("dek", "kek")]
    elements = []
    stores: list[str] = []
    for i in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(KINDS))
        if kind == "backup" and not stores:
            kind = "database"
        element: dict = {"id": f"e{i}", "kind": kind}
        if draw(st.integers(0, 4)):
            element["boundary"] = draw(st.sampled_from([b["id"] for b in boundaries]))
        if kind in ("service", "gateway", "function"):
            element["internet_facing"] = draw(st.booleans())
            element["rate_limited"] = draw(st.booleans())
            element["logs_payloads"] = draw(st.booleans())
            if keys and draw(st.booleans()):
                element["uses_keys"] = draw(
                    st.lists(st.sampled_from([k["id"] for k in keys]), max_size=2, unique=True)
                )
        if kind in STORE_KINDS:
            if draw(st.integers(0, 4)):
                element["encryption"] = draw(st.sampled_from(sorted(ENCRYPTION_STRENGTH)))
            keyed = ENCRYPTION_STRENGTH.get(element.get("encryption", "none"), 0) >= 2
            if keyed and dek_ids and draw(st.booleans()):
                element["key"] = draw(st.sampled_from(dek_ids))
            if kind == "backup":
                element["backup_of"] = draw(st.sampled_from(stores))
                element["immutable"] = draw(st.booleans())
                element["offsite"] = draw(st.booleans())
            else:
                element["stores"] = draw(
                    st.lists(st.sampled_from([d["id"] for d in data]), max_size=2, unique=True)
                )
                element["public_access"] = draw(st.integers(0, 5)) == 0
                stores.append(element["id"])
            if kind == "broker":
                element["auth"] = draw(
                    st.sampled_from(["none", "default-credentials", "sasl-plain", "mtls"])
                )
                element["acls"] = draw(st.booleans())
            if kind == "log-sink":
                element["redaction"] = draw(st.booleans())
                element["immutable"] = draw(st.booleans())
        if kind == "external":
            element["agreements"] = draw(
                st.lists(st.sampled_from(["baa", "dpa", "pci-tpsp"]), max_size=3, unique=True)
            )
        elements.append(element)
    ids = [e["id"] for e in elements]
    flows = []
    for i in range(draw(st.integers(0, 12)) if len(ids) > 1 else 0):
        encrypted = draw(st.booleans())
        source = draw(st.sampled_from(ids))
        flow: dict = {
            "id": f"f{i}",
            "from": source,
            "to": draw(st.sampled_from([e for e in ids if e != source])),
            "data": draw(
                st.lists(st.sampled_from([d["id"] for d in data]), max_size=2, unique=True)
            ),
            "auth": draw(st.sampled_from(FLOW_AUTH)),
            "critical": draw(st.booleans()),
            "message_encryption": draw(st.booleans()),
        }
        if draw(st.integers(0, 6)):
            flow["protocol"] = draw(
                st.sampled_from(ENCRYPTED_PROTOCOLS if encrypted else PLAINTEXT_PROTOCOLS)
            )
        if encrypted and flow.get("protocol") and draw(st.booleans()):
            flow["tls"] = {
                "min_version": draw(st.sampled_from(["1.0", "1.1", "1.2", "1.3"])),
                "forward_secrecy": draw(st.booleans()),
                "verify_peer": draw(st.booleans()),
                "certificate": draw(st.sampled_from(["public-ca", "private-ca", "self-signed"])),
                "cert_expires": draw(st.dates()).isoformat(),
                "auto_renew": draw(st.booleans()),
                "mutual": draw(st.booleans()),
            }
        flows.append(flow)
    return {
        "format": "ciphermap/1",
        "name": "Random system",
        "policy": {"today": "2026-11-28"},
        "data": data,
        "boundaries": boundaries,
        "keys": keys,
        "elements": elements,
        "flows": flows,
    }
