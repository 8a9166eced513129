"""APIs and messages: credentials, rate limits, message signing and brokers.

docs/RULES.md "APIs and messages" describes these rules.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..graph import SystemGraph
from ..model import Element, Flow
from ..scoring import Steps
from .base import LISTED, Hit, listing, rule
from .transit import data_text, hop_text

STATIC_CREDENTIALS = frozenset({"api-key", "basic"})
TOKEN_AUTH = frozenset({"jwt", "oauth2"})
WEAK_BROKER_AUTH = frozenset({"none", "default-credentials"})


def flow_steps(graph: SystemGraph, flow: Flow, base: str, basis: str = "") -> Steps:
    """Base, then the sensitivity step (no exposure step outside the in-transit family)."""
    steps = Steps(base, basis=basis)
    return steps.sensitivity(graph.flow_sensitivity(flow), graph.regulated_tags(flow.data))


def data_around(graph: SystemGraph, element: Element) -> list[str]:
    """Data classes an element holds at rest or that travel on its flows, in model order."""
    seen = dict.fromkeys(graph.held_at_rest(element.id) if graph.keeps_data(element) else ())
    for flow in graph.flows_of(element.id):
        seen.update(dict.fromkeys(flow.data or ()))
    return [d for d in seen if d in graph.data]


def broker_sensitivity(graph: SystemGraph, broker: Element) -> int:
    """S of a broker as docs/MODEL.md defines it: the data on its flows (unstated data
    assumed confidential), and what it retains."""
    return graph.element_sensitivity(broker.id)


def rate_limited_gateway(element: Element) -> bool:
    return element.kind == "gateway" and element.rate_limited is True


def hop(graph: SystemGraph, flow: Flow) -> dict:
    return {"path": (flow.source, flow.target), "flows": (flow.id,)}


@rule(
    "long-lived-credentials",
    title="Long-lived credentials across a boundary",
    base="medium",
    effort=2,
    fix="Use short-lived credentials for calls into {target}",
    remediation=(
        "Replace static API keys and basic auth with short-lived tokens (OAuth2 client "
        "credentials, workload identity) or request signing, and keep token lifetimes "
        "within policy so a stolen credential expires quickly."
    ),
    references=("CWE-613", "CWE-798", "PCI DSS 8.6.3", "ASVS 4.0.3 3.5.2"),
)
def long_lived_credentials(graph: SystemGraph) -> Iterator[Hit]:
    """A static or long-lived credential crossing a boundary is worth stealing for long."""
    ttl_policy = graph.policy.token_ttl_minutes
    for flow in graph.system.flows:
        if flow.auth not in STATIC_CREDENTIALS and flow.auth not in TOKEN_AUTH:
            continue
        if not graph.crosses_boundary(flow) or graph.flow_sensitivity(flow) < 2:
            continue
        if flow.auth in STATIC_CREDENTIALS:
            problem = f"authenticates with a static {flow.auth} credential that does not expire"
        elif flow.auth in TOKEN_AUTH and flow.token_ttl_minutes is None:
            problem = (
                f"uses {flow.auth} tokens without a stated lifetime "
                f"(token_ttl_minutes unstated, assumed longer than policy {ttl_policy} min)"
            )
        elif (
            flow.auth in TOKEN_AUTH
            and flow.token_ttl_minutes is not None
            and flow.token_ttl_minutes > ttl_policy
        ):
            problem = (
                f"uses {flow.auth} tokens that live {flow.token_ttl_minutes} min "
                f"> policy {ttl_policy} min"
            )
        else:
            continue
        yield Hit(
            subject=(flow.id,),
            steps=flow_steps(graph, flow, "medium"),
            evidence=(
                f"{hop_text(graph, flow)} crosses a trust boundary carrying "
                f"{data_text(graph, flow.data)} and {problem}."
            ),
            target=flow.target,
            title=(
                f"Token lifetime not stated (assumed long-lived): {hop_text(graph, flow)}"
                if flow.auth in TOKEN_AUTH and flow.token_ttl_minutes is None
                else ""
            ),
            **hop(graph, flow),
        )


@rule(
    "no-rate-limit",
    title="No rate limit on an internet-facing endpoint",
    base="medium",
    effort=1,
    fix="Rate-limit {target}",
    remediation=(
        "Rate-limit the endpoint (per client and overall), at the gateway in front of it or "
        "in the service itself, to slow credential stuffing, enumeration and scraping."
    ),
    references=("CWE-770", "ASVS 4.0.3 2.2.1", "SOC 2 CC6.6"),
)
def no_rate_limit(graph: SystemGraph) -> Iterator[Hit]:
    """An internet-facing endpoint without a rate limit invites brute force and scraping."""
    facing = graph.internet_facing
    for element in graph.system.elements:
        if not element.is_service or element.id not in facing or element.rate_limited:
            continue
        inbound = graph.flows_in(element.id)
        unlimited = [f for f in inbound if not rate_limited_gateway(graph.elements[f.source])]
        if inbound and not unlimited:
            continue
        data = data_around(graph, element)
        steps = Steps("medium").sensitivity(
            graph.data_sensitivity(data), graph.regulated_tags(data)
        )
        if unlimited:
            senders = list(dict.fromkeys(graph.label(f.source) for f in unlimited))
            reached = f"is reached from {listing(senders)} without a rate-limited gateway"
        else:
            reached = "is marked internet-facing"
        kind = element.kind.capitalize()
        limit = (
            "does not state a rate limit (rate_limited unstated, assumed none)"
            if element.rate_limited is None
            else "has no rate limit"
        )
        yield Hit(
            subject=(element.id,),
            steps=steps,
            evidence=f"{kind} {element.label} {reached} and {limit}.",
            target=element.id,
            title=(
                f"Rate limit not stated (assumed none): {element.label}"
                if element.rate_limited is None
                else ""
            ),
        )


@rule(
    "unsigned-critical-message",
    title="Critical message not signed",
    base="medium",
    effort=2,
    fix="Require signed critical messages at {target}",
    remediation=(
        "Sign critical requests and messages (JWS, HMAC, SigV4) at the sender and verify "
        "the signature, timestamp and nonce at the receiver, so a tampered or replayed "
        "message is rejected even when it passed through a broker or a third party."
    ),
    references=("CWE-345", "CWE-347", "ASVS 4.0.3 13.2.6", "HIPAA 164.312(c)(1)"),
)
def unsigned_critical_messages(graph: SystemGraph) -> Iterator[Hit]:
    """A critical message without a signature can be forged or altered on its way."""
    for flow in graph.system.flows:
        if not flow.critical or flow.signed:
            continue
        source, target = graph.elements[flow.source], graph.elements[flow.target]
        fix_target = flow.target
        if target.kind == "broker":
            base, basis = "high", "into a broker"
        elif source.kind == "broker":
            base, basis, fix_target = "high", "out of a broker", flow.source
        elif graph.in_boundary_kind(flow.source, "third-party"):
            base, basis = "high", "from a third party"
        else:
            base, basis = "medium", ""
        where = f" ({basis})" if basis else ""
        yield Hit(
            subject=(flow.id,),
            steps=flow_steps(graph, flow, base, basis),
            evidence=(
                f"{hop_text(graph, flow)}{where} is marked critical but "
                + (
                    "does not state that it is signed (assumed not)"
                    if flow.signed is None
                    else "is not signed"
                )
                + ": the receiver cannot tell a forged or altered message from a real one."
            ),
            target=fix_target,
            **hop(graph, flow),
        )


@rule(
    "insecure-broker",
    title="Insecure message broker",
    base="high",
    effort=1,
    fix="Require authentication and ACLs on {target}",
    remediation=(
        "Require strong client authentication on the broker (SASL/SCRAM over TLS, mTLS or "
        "IAM), change default credentials, and enable ACLs so each client can read and "
        "write only its own topics or queues."
    ),
    references=("CWE-1188", "CWE-306", "SOC 2 CC7.1"),
)
def insecure_brokers(graph: SystemGraph) -> Iterator[Hit]:
    """A broker anyone can connect to lets anyone read, inject or drop messages."""
    for broker in graph.system.elements:
        if broker.kind != "broker":
            continue
        data = data_around(graph, broker)
        unstated = any(f.data is None for f in graph.flows_of(broker.id))
        if not data and not unstated:
            continue
        problems = []
        if broker.auth is None:
            problems.append("authentication is not stated (assumed none)")
        elif broker.auth in WEAK_BROKER_AUTH:
            problems.append(f"authentication is {broker.auth}")
        elif broker.auth == "sasl-plain":
            plain = [f for f in graph.flows_of(broker.id) if graph.readable_on_wire(f)]
            if plain:
                problems.append(
                    "SASL/PLAIN passwords travel in the clear on "
                    + listing([hop_text(graph, f) for f in plain[:LISTED]], total=len(plain))
                )
        if broker.acls is None:
            problems.append("ACLs are not stated (assumed off)")
        elif not broker.acls:
            problems.append("ACLs are off")
        if not problems:
            continue
        s = broker_sensitivity(graph, broker)
        # The base is the confidential case (S <= 1: medium); no +1 for regulated data.
        steps = Steps("high").sensitivity(s, named=True)
        yield Hit(
            subject=(broker.id,),
            steps=steps,
            evidence=(
                f"Broker {broker.label} carries "
                f"{data_text(graph, tuple(data) if data else None)}; " + "; ".join(problems) + "."
            ),
            target=broker.id,
        )


@rule(
    "broker-payload-unencrypted",
    title="Sensitive message payload not encrypted",
    base="medium",
    effort=2,
    fix="Encrypt message payloads through {target}",
    remediation=(
        "Encrypt restricted payloads end to end at the producer (envelope encryption with a "
        "KMS key the consumers may use), so the broker, its disks, replicas and operators "
        "never see the plaintext."
    ),
    references=("CWE-311", "PCI DSS 3.5.1", "GDPR 32(1)(a)"),
)
def broker_payloads_unencrypted(graph: SystemGraph) -> Iterator[Hit]:
    """Restricted data in plaintext messages is readable wherever the broker keeps it."""
    for flow in graph.system.flows:
        source, target = graph.elements[flow.source], graph.elements[flow.target]
        if "broker" not in (source.kind, target.kind) or flow.message_encryption:
            continue
        if graph.flow_sensitivity(flow) < 3:
            continue
        broker = target if target.kind == "broker" else source
        yield Hit(
            subject=(flow.id,),
            steps=flow_steps(graph, flow, "medium"),
            evidence=(
                f"{hop_text(graph, flow)} carries "
                f"{data_text(graph, flow.data)} through broker "
                f"{broker.label} without message encryption: the broker, its storage and "
                "anyone with read access to the topic see the plaintext."
            ),
            target=broker.id,
            **hop(graph, flow),
        )
