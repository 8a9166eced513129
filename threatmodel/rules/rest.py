"""At rest: stores without encryption, disk-level only, weaker copies and public stores.

docs/RULES.md "At rest". A service, gateway or function that keeps data (`stores`,
`encryption` or `key`) is a store here; what a store keeps is what it states, else what
flows into it, else assumed confidential (docs/MODEL.md "Unstated facts").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from ..graph import ASSUMED_DATA, JOURNEY_HOPS, SystemGraph
from ..model import Element
from ..scoring import Steps
from .base import LISTED, Hit, listing, rule
from .transit import data_text

# Shared by every rule whose fix is stronger at-rest encryption of one store, so a store
# with several such findings gets one plan item (backups use it too).
STRENGTHEN_AT_REST = "Strengthen encryption at rest of {target}"


def held_text(graph: SystemGraph, element_id: str) -> str:
    """What the element keeps at rest, saying when that is inferred or assumed."""
    held = graph.held_at_rest(element_id)
    if not graph.stores_unstated(element_id):
        return data_text(graph, held) if held else "no data"
    _, arriving, assumed = graph.rest_sensitivity(element_id)
    if arriving and not assumed:
        return f"{data_text(graph, arriving)} (what flows into it; its stores are not stated)"
    if arriving:
        return (
            f"{data_text(graph, arriving)} and more it does not state "
            f"(stores unstated, {ASSUMED_DATA})"
        )
    return f"data it does not state (stores unstated, {ASSUMED_DATA})"


def encryption_text(element: Element) -> str:
    """The store's at-rest protection as the evidence states it."""
    if element.encryption is None:
        return "no encryption stated (assumed none)"
    return f"encryption {element.encryption} (strength {element.strength})"


@rule(
    "unencrypted-store",
    title="Unencrypted store",
    base="high",
    effort=1,
    fix=STRENGTHEN_AT_REST,
    remediation=(
        "Turn on encryption at rest with a customer-managed key (sse-kms, tde-cmk), or "
        "encrypt sensitive fields in the application before they are stored. Provider "
        "disk encryption is the minimum, not the goal: it protects lost disks, not data "
        "read through the store."
    ),
    references=(
        "CWE-311",
        "CWE-312",
        "SOC 2 CC6.1",
        "GDPR 32(1)(a)",
        "HIPAA 164.312(a)(2)(iv) (addressable)",
        "PCI DSS 3.5.1",
        "ASVS 4.0.3 6.1.1-6.1.3",
    ),
)
def unencrypted_stores(graph: SystemGraph) -> Iterator[Hit]:
    """Confidential data kept in plaintext is read by anyone who reaches the store or its disks."""
    for store in graph.system.elements:
        if not graph.keeps_data(store) or store.kind == "backup" or store.strength > 0:
            continue
        sensitivity, held, _ = graph.rest_sensitivity(store.id)
        if sensitivity < 2:
            continue
        steps = Steps("high").sensitivity(sensitivity, graph.regulated_tags(held))
        yield Hit(
            subject=(store.id,),
            steps=steps,
            evidence=(
                f"{store.label} holds {held_text(graph, store.id)} with {encryption_text(store)}."
            ),
            target=store.id,
        )


@rule(
    "transparent-encryption-only",
    title="Only transparent encryption at rest",
    base="medium",
    effort=2,
    fix=STRENGTHEN_AT_REST,
    remediation=(
        "Disk-level or provider-managed encryption is transparent to anyone who can query "
        "the store. Encrypt restricted fields in the application (field-level or envelope "
        "encryption with a KMS-wrapped data key), or at least use a customer-managed key "
        "whose use is logged and can be revoked."
    ),
    references=("CWE-311", "PCI DSS 3.5.1.2", "SOC 2 CC6.1"),
)
def transparent_encryption_only(graph: SystemGraph) -> Iterator[Hit]:
    """Restricted data behind provider-managed encryption is plaintext to every reader."""
    for store in graph.system.elements:
        if not graph.keeps_data(store) or store.strength != 1:
            continue
        sensitivity, held, _ = graph.rest_sensitivity(store.id)
        if sensitivity < 3:
            continue
        pan = graph.data_with_tags(held, ("pan",))
        if pan:
            # The base names the case (PAN), so no +1 on top of it.
            steps = Steps("high", basis="PAN").sensitivity(sensitivity, named=True)
        else:
            steps = Steps("medium").sensitivity(sensitivity, graph.regulated_tags(held))
        evidence = (
            f"{store.label} holds {held_text(graph, store.id)} (restricted) with "
            f"{encryption_text(store)}: the provider's key decrypts it for anyone who can "
            "read the store."
        )
        if pan:
            evidence += (
                f" {', '.join(graph.label(d) for d in pan)} is PAN, for which PCI DSS 3.5.1.2 "
                "does not accept disk-level encryption alone."
            )
        yield Hit(
            subject=(store.id,),
            steps=steps,
            evidence=evidence,
            target=store.id,
        )


def flow_text(graph: SystemGraph, flow_id: str) -> str:
    flow = graph.flows[flow_id]
    return f"{graph.describe(flow_id)} ({flow.protocol or 'unstated protocol'})"


@rule(
    "weaker-copy",
    title="Weaker copy of sensitive data",
    base="high",
    effort=2,
    fix=STRENGTHEN_AT_REST,
    remediation=(
        "Protect every place the data rests as well as the best one: a cache, search index "
        "or warehouse copy needs the same encryption as the database it came from. "
        "Database encryption is not enough when the data is copied elsewhere."
    ),
    references=("CWE-311", "CWE-312", "PCI DSS 3.5.1", "GDPR 32(1)(a)"),
)
def weaker_copies(graph: SystemGraph) -> Iterator[Hit]:
    """Data well protected in one store is copied to another store that protects it less."""
    resting: dict[str, list[Element]] = defaultdict(list)
    for element in graph.system.elements:
        if graph.keeps_data(element) and element.kind != "backup":
            for data_id in dict.fromkeys(element.stores or ()):
                resting[data_id].append(element)
    for data in graph.system.data:
        if data.sensitivity < 2:
            continue
        places = resting.get(data.id, [])
        if len(places) < 2:
            continue
        strongest = max(places, key=lambda s: s.strength)  # first of the strongest
        weaker = [s for s in places if s.strength < strongest.strength]
        if not weaker:
            continue
        carriers = graph.flows_carrying(data.id)
        came_from = graph.reach([strongest.id], carriers)
        for store in weaker:
            into = [f.id for f in graph.flows_in(store.id) if data.id in (f.data or ())]
            if store.strength == 0:
                steps = Steps("high", basis="the copy has no encryption")
            else:
                steps = Steps("medium", basis="the copy is encrypted, but weaker")
            steps.sensitivity(data.sensitivity, graph.regulated_tags((data.id,)))
            if into:
                how = (
                    "It reaches it over "
                    + listing([flow_text(graph, f) for f in into[:LISTED]], total=len(into))
                    + "."
                )
            else:
                how = "No flow in the model carries it there."
            if store.id in came_from:
                path, flows = graph.journey(came_from, store.id, JOURNEY_HOPS)
            else:
                path, flows = (), tuple(into)
            yield Hit(
                subject=(store.id, data.id),
                steps=steps,
                evidence=(
                    f"{data.name or data.id} rests in {strongest.label} with "
                    f"{encryption_text(strongest)}, but its copy in {store.label} has "
                    f"{encryption_text(store)}. {how}"
                ),
                target=store.id,
                title=f"Weaker copy of {data.name or data.id} in {store.label}",
                path=path,
                flows=flows,
            )


def boundary_of(graph: SystemGraph, element_id: str) -> str:
    return graph.elements[element_id].boundary or ""


def contents_text(graph: SystemGraph, element_id: str) -> str:
    """What a store exposes: what it holds, else (a broker) what passes through it."""
    passing = dict.fromkeys(d for f in graph.flows_of(element_id) for d in f.data or ())
    if graph.held_at_rest(element_id):
        return f"holds {held_text(graph, element_id)}"
    if graph.elements[element_id].kind in ("broker", "log-sink") and passing:
        return "carries " + data_text(graph, tuple(passing))
    return f"holds {held_text(graph, element_id)}"


@rule(
    "public-store",
    title="Publicly reachable store",
    base="high",
    effort=1,
    fix="Block public access to {target}",
    remediation=(
        "Turn off public access (block public ACLs and policies on buckets, no public IP "
        "on databases) and let outside callers reach the data only through a service that "
        "authenticates and authorizes them."
    ),
    references=("CWE-668", "PCI DSS 1.4.1, 1.4.4", "SOC 2 CC6.6"),
)
def public_stores(graph: SystemGraph) -> Iterator[Hit]:
    """A store open to the internet or a third party is one misconfiguration from a breach."""
    for store in graph.system.elements:
        if not store.is_store:
            continue
        sensitivity = graph.element_sensitivity(store.id)
        if sensitivity < 1:
            continue
        outside = [
            f
            for f in graph.flows_in(store.id)
            if graph.in_boundary_kind(f.source, "internet")
            or graph.in_boundary_kind(f.source, "third-party")
        ]
        if not store.public_access and not outside:
            continue
        reasons = []
        if store.public_access:
            reasons.append("has public_access: true")
        if outside:
            entries = listing(
                [
                    f"{graph.describe(f.id)} (from {graph.label(boundary_of(graph, f.source))})"
                    for f in outside[:LISTED]
                ],
                total=len(outside),
            )
            reasons.append(f"is reached directly from outside by {entries}")
        # Restricted data is the critical case; public or internal data still steps down.
        if sensitivity >= 3:
            steps = Steps("critical", basis="restricted data")
        else:
            steps = Steps("high").sensitivity(sensitivity, named=True)
        steps.exposure(graph.store_exposure(store.id))
        yield Hit(
            subject=(store.id,),
            steps=steps,
            evidence=f"{store.label} {contents_text(graph, store.id)} and {' and '.join(reasons)}.",
            target=store.id,
            path=(outside[0].source, store.id) if outside else (),
            flows=tuple(f.id for f in outside),
        )
