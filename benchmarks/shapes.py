"""Model shapes that stress one dimension each: long chains, stars, dense meshes, deep
nesting, many data classes, long key-wrap chains.

Each function returns a valid MODEL.md document of about `n` services. The shapes are
deliberately unlike `examples/generate.py`'s realistic mix: they are where an engine that
is linear on average turns quadratic (a journey rebuilt per hop, a list searched per
item, text built in proportion to path length).
"""

from __future__ import annotations

from typing import Any

TODAY = {"today": "2026-11-28"}
CARD = {"id": "card", "name": "Card data", "classification": "restricted", "tags": ["pan"]}
PROFILE = {"id": "profile", "name": "Profile", "classification": "confidential", "tags": ["pii"]}


def _document(name: str, **sections: Any) -> dict[str, Any]:
    return {"format": "ciphermap/1", "name": name, "policy": dict(TODAY), **sections}


def chain(n: int) -> dict[str, Any]:
    """Services passing restricted data along s0 -> s1 -> ..., a store behind each,
    every third hop on https and the rest plaintext."""
    boundaries = [{"id": "internet", "kind": "internet"}, {"id": "vpc", "kind": "internal"}]
    elements: list[dict[str, Any]] = [{"id": "browser", "kind": "client", "boundary": "internet"}]
    flows: list[dict[str, Any]] = [
        {"id": "enter", "from": "browser", "to": "s0", "protocol": "https", "data": ["card"]}
    ]
    for i in range(n):
        elements.append({"id": f"s{i}", "kind": "service", "boundary": "vpc"})
        elements.append(
            {
                "id": f"db{i}",
                "kind": "database",
                "boundary": "vpc",
                "stores": ["card"],
                "encryption": "none" if i % 5 == 0 else "platform",
            }
        )
        flows.append(
            {"id": f"store{i}", "from": f"s{i}", "to": f"db{i}", "protocol": "postgres-tls"}
            | {"data": ["card"]}
        )
        if i + 1 < n:
            flows.append(
                {
                    "id": f"hop{i}",
                    "from": f"s{i}",
                    "to": f"s{i + 1}",
                    "protocol": "https" if i % 3 == 0 else "http",
                    "data": ["card"],
                }
            )
    return _document(
        f"Chain of {n}", data=[CARD], boundaries=boundaries, elements=elements, flows=flows
    )


def star(n: int) -> dict[str, Any]:
    """A gateway fanning out to n services that log payloads into one log sink."""
    boundaries = [{"id": "internet", "kind": "internet"}, {"id": "vpc", "kind": "internal"}]
    elements: list[dict[str, Any]] = [
        {"id": "browser", "kind": "client", "boundary": "internet"},
        {"id": "gw", "kind": "gateway", "boundary": "vpc", "rate_limited": True},
        {"id": "logs", "kind": "log-sink", "boundary": "vpc", "encryption": "none"},
    ]
    flows: list[dict[str, Any]] = [
        {"id": "enter", "from": "browser", "to": "gw", "protocol": "https"}
        | {"data": ["card", "profile"]}
    ]
    for i in range(n):
        elements.append(
            {"id": f"s{i}", "kind": "service", "boundary": "vpc", "logs_payloads": i % 2 == 0}
        )
        flows.append(
            {"id": f"call{i}", "from": "gw", "to": f"s{i}", "protocol": "http"}
            | {"data": ["card"] if i % 2 else ["profile"]}
        )
        flows.append(
            {"id": f"log{i}", "from": f"s{i}", "to": "logs", "protocol": "syslog"}
            | {"data": ["card"] if i % 3 == 0 else [], "purpose": "logging"}
        )
    return _document(
        f"Star of {n}",
        data=[CARD, PROFILE],
        boundaries=boundaries,
        elements=elements,
        flows=flows,
    )


def mesh(n: int, calls: int = 4) -> dict[str, Any]:
    """n services in 10 boundaries, each calling the next `calls` services, half of the
    calls plaintext; a store behind every fourth service."""
    boundaries = [{"id": "internet", "kind": "internet"}]
    boundaries += [{"id": f"zone{z}", "kind": "internal"} for z in range(10)]
    elements: list[dict[str, Any]] = [{"id": "browser", "kind": "client", "boundary": "internet"}]
    flows: list[dict[str, Any]] = [
        {"id": "enter", "from": "browser", "to": "s0", "protocol": "https"}
        | {"data": ["card", "profile"]}
    ]
    for i in range(n):
        zone = f"zone{i * 10 // n}"
        elements.append({"id": f"s{i}", "kind": "service", "boundary": zone})
        if i % 4 == 0:
            elements.append(
                {"id": f"db{i}", "kind": "database", "boundary": zone}
                | {"stores": ["profile"], "encryption": "none"}
            )
            flows.append(
                {"id": f"store{i}", "from": f"s{i}", "to": f"db{i}", "protocol": "postgres"}
                | {"data": ["profile"]}
            )
        for c in range(1, calls + 1):
            target = (i + c) % n
            if target == i:
                continue
            flows.append(
                {
                    "id": f"call{i}-{c}",
                    "from": f"s{i}",
                    "to": f"s{target}",
                    "protocol": "grpc" if (i + c) % 2 else "grpcs",
                    "data": ["card"] if c % 2 else ["profile"],
                    "auth": "jwt",
                }
            )
    return _document(
        f"Mesh of {n}", data=[CARD, PROFILE], boundaries=boundaries, elements=elements, flows=flows
    )


def nested(n: int, depth: int = 200) -> dict[str, Any]:
    """Boundaries nested `depth` deep, n services spread over the levels, each calling
    the next over plaintext with a strict mesh at the innermost levels."""
    boundaries = [{"id": "internet", "kind": "internet"}]
    for d in range(depth):
        boundary: dict[str, Any] = {"id": f"b{d}", "kind": "internal"}
        if d:
            boundary["parent"] = f"b{d - 1}"
        if d == depth // 2:
            boundary["mesh"] = "strict"
        boundaries.append(boundary)
    elements: list[dict[str, Any]] = [{"id": "browser", "kind": "client", "boundary": "internet"}]
    flows: list[dict[str, Any]] = [
        {"id": "enter", "from": "browser", "to": "s0", "protocol": "https", "data": ["card"]}
    ]
    for i in range(n):
        elements.append({"id": f"s{i}", "kind": "service", "boundary": f"b{i % depth}"})
        if i + 1 < n:
            flows.append(
                {"id": f"hop{i}", "from": f"s{i}", "to": f"s{i + 1}", "protocol": "http"}
                | {"data": ["card"]}
            )
    return _document(
        f"Nested {depth} deep, {n} services",
        data=[CARD],
        boundaries=boundaries,
        elements=elements,
        flows=flows,
    )


def many_data(n: int, classes: int = 300) -> dict[str, Any]:
    """`classes` restricted data classes, each travelling its own stretch of a chain of
    n services over plaintext, and resting in a store at the end of it."""
    data = [
        {"id": f"d{c}", "classification": "restricted", "tags": ["pii"]} for c in range(classes)
    ]
    boundaries = [{"id": "vpc", "kind": "internal"}]
    elements = [{"id": f"s{i}", "kind": "service", "boundary": "vpc"} for i in range(n)]
    flows = []
    for i in range(n - 1):
        carried = [f"d{c}" for c in range(i % classes, min(classes, i % classes + 5))]
        flows.append(
            {"id": f"hop{i}", "from": f"s{i}", "to": f"s{i + 1}", "protocol": "http"}
            | {"data": carried}
        )
    return _document(
        f"{classes} data classes over {n} services",
        data=data,
        boundaries=boundaries,
        elements=elements,
        flows=flows,
    )


def key_chain(n: int) -> dict[str, Any]:
    """n keys each wrapping the next, the last one a data key for n/10 stores: every
    key's protected set is (nearly) every store."""
    keys: list[dict[str, Any]] = []
    for k in range(n):
        key: dict[str, Any] = {
            "id": f"k{k}",
            "type": "kek" if k + 1 < n else "dek",
            "custody": "kms" if k % 7 else "env-var",
            "rotation_days": 90,
        }
        if k + 1 < n:
            key["wraps"] = [f"k{k + 1}"]
        keys.append(key)
    stores = max(1, n // 10)
    elements = [
        {
            "id": f"db{i}",
            "kind": "database",
            "boundary": "vpc",
            "stores": ["card"],
            "encryption": "sse-kms",
            "key": f"k{n - 1}" if i % 2 else f"k{n - 1 - i % n}",
        }
        for i in range(stores)
    ]
    return _document(
        f"Key chain of {n}",
        data=[CARD],
        boundaries=[{"id": "vpc", "kind": "internal"}],
        keys=keys,
        elements=elements,
    )


SHAPES = {
    "chain": chain,
    "star": star,
    "mesh": mesh,
    "nested": nested,
    "data": many_data,
    "keys": key_chain,
}
