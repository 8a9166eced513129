"""In transit: every hop, TLS quality, certificates and who may talk to whom.

docs/RULES.md "In transit" describes each rule; docs/MODEL.md "Service mesh" what a
strict or permissive mesh changes.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterator

from ..graph import ASSUMED_DATA, SystemGraph
from ..model import Flow
from ..scoring import Steps
from .base import EVIDENCE_BUDGET, LISTED, Hit, listing, rule
from .routes import route_text

TLS_REFS_BASE = ("CWE-319", "SOC 2 CC6.7", "PCI DSS 4.2.1")
STRONG_SENDER_AUTH = frozenset({"mtls", "sigv4", "hmac"})
HUMAN_KINDS = frozenset({"client", "user"})


def is_plaintext(flow: Flow) -> bool:
    """A hop anyone on the wire can read; an unstated protocol is assumed plaintext."""
    return flow.protocol != "in-process" and not flow.encrypted


def protocol_text(flow: Flow) -> str:
    """The flow's protocol, quoting an importer's source text when it was unmapped or
    read from the flow's label (`protocol_as_written`)."""
    written = flow.protocol_as_written
    if flow.protocol is None:
        said = f"written '{written}', " if written else ""
        return f"an unstated protocol ({said}assumed plaintext)"
    if written:
        return f"{flow.protocol}, read from the label '{written}'"
    return flow.protocol


def data_text(graph: SystemGraph, data_ids: tuple[str, ...] | None) -> str:
    """The data classes a flow carries; the first few when it carries hundreds."""
    if data_ids is None:
        return ASSUMED_DATA
    return listing([graph.label(d) for d in data_ids[:LISTED]], total=len(data_ids))


def hop_text(graph: SystemGraph, flow: Flow) -> str:
    return f"{graph.label(flow.source)} -> {graph.label(flow.target)}"


def transit_steps(graph: SystemGraph, flow: Flow, base: str, basis: str = "") -> Steps:
    """Base, then the sensitivity and exposure steps every in-transit rule takes."""
    steps = Steps(base, basis=basis)
    steps.sensitivity(graph.flow_sensitivity(flow), graph.regulated_tags(flow.data))
    return steps.exposure(graph.flow_exposure(flow))


def assumed_text(flow: Flow) -> str:
    """ " Its data is not stated (...)." when a finding rests on that; else ""."""
    return f" Its data is not stated ({ASSUMED_DATA})." if flow.data is None else ""


@rule(
    "unencrypted-hop",
    title="Unencrypted hop",
    base="high",
    effort=1,
    fix="Require TLS on every connection into {target}",
    remediation=(
        "Switch the flow to its TLS variant (https, postgres-tls, kafka-sasl-ssl, ...), "
        "verify the peer certificate, and refuse plaintext connections at the receiver. "
        "Do not rely on the network being private: internal traffic is readable by anyone "
        "who gets a foothold inside it."
    ),
    references=(
        "CWE-319",
        "SOC 2 CC6.7",
        "GDPR 32(1)(a)",
        "HIPAA 164.312(e)(1), (e)(2)(ii) (addressable)",
        "PCI DSS 4.2.1, 8.3.2",
        "ASVS 4.0.3 9.1.1, 9.2.2",
    ),
)
def unencrypted_hops(graph: SystemGraph) -> Iterator[Hit]:
    """Every flow on a plaintext protocol can be read and altered on the wire."""
    for flow in graph.system.flows:
        if not is_plaintext(flow):
            continue
        source_mesh, target_mesh = graph.mesh_modes(flow)
        quiet = graph.flow_sensitivity(flow) == 0 and flow.auth in (None, "none")
        if graph.mesh_encrypts(flow):
            steps = Steps("info", basis="encrypted by a strict mesh")
        elif quiet:
            steps = Steps("info", basis="no non-public data and no credentials")
        else:
            steps = transit_steps(graph, flow, "high")
            if flow.message_encryption:
                steps.step(-1, "payload encrypted end to end")
        evidence = [f"{hop_text(graph, flow)} uses {protocol_text(flow)}."]
        if graph.mesh_encrypts(flow):
            evidence.append(
                "Both ends sit in boundaries with a strict service mesh: the hop is "
                "encrypted by the mesh, not by the application (the sidecars speak mTLS; "
                "between the application and its sidecar the data is plaintext)."
            )
        elif "permissive" in (source_mesh, target_mesh):
            evidence.append(
                "A service mesh in permissive mode accepts plaintext, so the mesh does not "
                "guarantee this hop is encrypted: only strict mode refuses plaintext."
            )
        if flow.data is None:
            evidence.append(f"Its data is not stated ({ASSUMED_DATA}).")
        elif flow.data:
            evidence.append(f"It carries {data_text(graph, flow.data)}.")
        if flow.auth not in (None, "none"):
            evidence.append(f"Its {flow.auth} credentials cross the wire in the clear.")
        boundary = graph.elements[flow.source].boundary
        if not graph.crosses_boundary(flow) and boundary:
            evidence.append(
                f"Both ends sit inside {graph.label(boundary)}: "
                "the internal-network trust trap, where a private network stands in for "
                "encryption."
            )
        if flow.message_encryption:
            evidence.append(
                "The payload is encrypted above the transport, but metadata and "
                "credentials are not."
            )
        yield Hit(
            subject=(flow.id,),
            steps=steps,
            evidence=" ".join(evidence),
            target=flow.target,
            title=f"Unencrypted hop {hop_text(graph, flow)} ({flow.protocol or 'unstated'})",
            path=(flow.source, flow.target),
            flows=(flow.id,),
        )


def _onward(carriers: list[Flow]) -> dict[str, str]:
    """For each element, the next flow towards the nearest element the data leaves no
    further from: one reverse breadth-first search, so continuing journeys is linear."""
    into: dict[str, list[Flow]] = defaultdict(list)
    senders = set()
    for flow in carriers:
        into[flow.target].append(flow)
        senders.add(flow.source)
    ends = sorted({f.target for f in carriers} - senders)
    next_flow: dict[str, str] = {}
    done = set(ends)
    queue = deque(ends)
    while queue:
        here = queue.popleft()
        for flow in into.get(here, ()):
            if flow.source not in done:
                done.add(flow.source)
                next_flow[flow.source] = flow.id
                queue.append(flow.source)
    return next_flow


def breaks_encryption(graph: SystemGraph, flow: Flow) -> bool:
    """A hop where the data itself is readable: plaintext that no strict mesh wraps, and
    no payload encryption."""
    return graph.readable_on_wire(flow) and not flow.message_encryption


class _Journeys:
    """The journeys of one data class through its plaintext hops.

    A journey runs from where the data enters or rests, along the recorded shortest
    route, through the hop, and on towards where the data ends up. Only the few journeys
    the evidence names are spelled out; the union of all of them is collected by walks
    that stop where an earlier walk passed, so it costs one visit per flow in total.
    """

    def __init__(self, graph: SystemGraph, came_from: dict, carriers: list[Flow]) -> None:
        self.graph = graph
        self.came_from = came_from
        self.onward = _onward(carriers)

    def through(self, hop: Flow) -> tuple[str, ...]:
        """One whole journey through the hop (for the few the evidence names)."""
        _, before = self.graph.journey(self.came_from, hop.source)
        after, here, seen = [], hop.target, {hop.source, hop.target}
        while here in self.onward and self.graph.flows[self.onward[here]].target not in seen:
            after.append(self.onward[here])
            here = self.graph.flows[self.onward[here]].target
            seen.add(here)
        return (*before, hop.id, *after)

    def union(self, hops: list[Flow], first: tuple[str, ...]) -> tuple[str, ...]:
        """Every flow on some journey through the hops, the first journey's flows first."""
        flows = dict.fromkeys(first)
        back_done: set[str] = set()
        ahead_done: set[str] = set()
        for hop in hops:
            before, here = [], hop.source
            while here not in back_done:
                back_done.add(here)
                step = self.came_from.get(here)
                if step is None:
                    break
                here, flow_id = step
                before.append(flow_id)
            flows.update(dict.fromkeys(reversed(before)))
            flows[hop.id] = None
            here = hop.target
            while here in self.onward and here not in ahead_done:
                ahead_done.add(here)
                flow_id = self.onward[here]
                flows[flow_id] = None
                here = self.graph.flows[flow_id].target
        return tuple(flows)


@rule(
    "e2e-gap",
    title="Sensitive data loses its encryption on the way",
    base="high",
    effort=2,
    fix="Keep {target} encrypted end to end",
    remediation=(
        "Encrypt every hop the data class travels, not only the edge: re-encrypt behind "
        "the TLS-terminating gateway or load balancer (TLS to the backend, a mesh with "
        "strict mTLS), or encrypt the payload itself end to end."
    ),
    references=("CWE-319", "SOC 2 CC6.7", "PCI DSS 4.2.1", "ASVS 4.0.3 9.2.2"),
)
def end_to_end_gaps(graph: SystemGraph) -> Iterator[Hit]:
    """Restricted data that is protected on some hops travels in the clear on others."""
    for data in graph.system.data:
        if data.sensitivity < 3:
            continue
        carriers = graph.flows_carrying(data.id)
        if not carriers:
            continue
        came_from = graph.journeys_of(data.id)
        out_of_scope = graph.out_of_scope[1]
        breaks = sorted(
            (
                f
                for f in carriers
                if f.source in came_from
                and breaks_encryption(graph, f)
                and f.id not in out_of_scope
            ),
            key=lambda f: f.id,
        )
        if not breaks:
            continue
        journeys = _Journeys(graph, came_from, carriers)
        # Name the first few journeys that fit, each through a hop no earlier one passes.
        named: list[tuple[str, ...]] = []
        texts: list[str] = []
        covered: set[str] = set()
        budget = EVIDENCE_BUDGET - 200
        for hop in breaks:
            if len(named) == LISTED:
                break
            if hop.id in covered:
                continue
            journey = journeys.through(hop)
            text = route_text(
                graph,
                journey,
                focus=journey.index(hop.id),
                marked=lambda f: breaks_encryption(graph, f),
            )
            if named and sum(map(len, texts)) + len(text) > budget:
                break
            named.append(journey)
            texts.append(text)
            covered.update(journey)
        left = sum(1 for f in breaks if f.id not in covered)
        if left:
            texts.append(f"and {left} more plaintext hop{'s' if left != 1 else ''}")
        first = named[0]
        path = (graph.flows[first[0]].source, *(graph.flows[f].target for f in first))
        worst_hop = max(breaks, key=graph.flow_exposure)
        steps = Steps("high").sensitivity(data.sensitivity, graph.regulated_tags([data.id]))
        steps.exposure(graph.flow_exposure(worst_hop))
        received_encrypted = {f.target for f in carriers if not breaks_encryption(graph, f)}
        gateways = list(
            dict.fromkeys(graph.label(f.source) for f in breaks if f.source in received_encrypted)
        )
        summary = (
            f"Encryption ends at {listing(gateways)}; "
            if gateways
            else "The data is never encrypted on some hops; "
        )
        evidence = (
            summary
            + f"{data.name or data.id} then crosses {len(breaks)} plaintext "
            + ("hop: " if len(breaks) == 1 else "hops: ")
            + "; ".join(texts)
            + "."
        )
        yield Hit(
            subject=(data.id, *(f.id for f in breaks)),
            identity=(data.id,),
            steps=steps,
            evidence=evidence,
            target=data.id,
            title=f"Not encrypted end to end: {data.name or data.id}",
            path=path,
            flows=journeys.union(breaks, first),
        )


@rule(
    "no-mutual-auth",
    title="Caller not strongly authenticated",
    base="medium",
    effort=2,
    fix="Require mutual authentication for {target}",
    remediation=(
        "Authenticate the calling service, not just the server: mTLS (a strict service "
        "mesh does this for every hop in its boundary), or signed requests (SigV4, HMAC)."
    ),
    references=("CWE-287", "CWE-306", "HIPAA 164.312(d)", "ASVS 4.0.3 9.2.3"),
)
def missing_mutual_auth(graph: SystemGraph) -> Iterator[Hit]:
    """Encrypted machine-to-machine traffic where the receiver cannot tell who is calling."""
    for flow in graph.system.flows:
        source, target = graph.elements[flow.source], graph.elements[flow.target]
        if source.kind in HUMAN_KINDS or target.kind in HUMAN_KINDS:
            continue
        if not flow.encrypted or flow.protocol == "in-process":
            continue
        if graph.flow_sensitivity(flow) < 2:
            continue
        if (flow.tls and flow.tls.mutual) or flow.auth in STRONG_SENDER_AUTH or flow.signed:
            continue
        crosses = graph.crosses_boundary(flow)
        mesh = graph.mesh(source.boundary)
        if graph.mesh_encrypts(flow):
            continue  # both sidecars authenticate each other with mTLS
        if crosses:
            where, target_id, effort = "crosses a trust boundary", flow.target, 2
        elif not source.boundary:
            where, target_id, effort = "has no trust boundary stated", flow.target, 2
        else:
            target_id = source.boundary
            effort = 1 if mesh == "permissive" else 2
            where = (
                f"stays inside {graph.label(source.boundary)}, whose mesh is "
                f"{mesh or 'not stated'} (not strict mTLS)"
            )
        yield Hit(
            subject=(flow.id,),
            steps=transit_steps(graph, flow, "medium"),
            evidence=(
                f"{hop_text(graph, flow)} {where}; the caller authenticates with "
                f"{flow.auth or 'nothing stated'}, without mTLS or request signing."
                + assumed_text(flow)
            ),
            target=target_id,
            path=(flow.source, flow.target),
            flows=(flow.id,),
            effort=effort,
        )


RECEIVING_KINDS_EXCLUDED = frozenset({"broker"})  # insecure-broker judges broker auth


@rule(
    "missing-authentication",
    title="Caller not authenticated",
    base="medium",
    effort=2,
    fix="Require authentication on calls into {target}",
    remediation=(
        "Authenticate every caller before it reads or writes confidential data: a user "
        "session or OAuth2 token for people, mTLS, workload identity or signed requests "
        "for services, and database or store credentials of its own for each client. "
        "A private network is not authentication."
    ),
    references=(
        "CWE-306",
        "ASVS 4.0.3 1.2.2",
        "PCI DSS 8.3.1",
        "HIPAA 164.312(d)",
        "SOC 2 CC6.1",
    ),
)
def missing_authentication(graph: SystemGraph) -> Iterator[Hit]:
    """A service or store that accepts confidential data from across a trust boundary
    without knowing who sends it."""
    for flow in graph.system.flows:
        if flow.auth not in (None, "none") or (flow.tls and flow.tls.mutual):
            continue
        target = graph.elements[flow.target]
        if not (target.is_service or target.is_store) or target.kind in RECEIVING_KINDS_EXCLUDED:
            continue
        if flow.protocol == "in-process" or not graph.crosses_boundary(flow):
            continue
        if graph.flow_sensitivity(flow) < 2:
            continue
        if graph.mesh_encrypts(flow):
            continue  # the strict mesh's mTLS authenticates the calling workload
        how = "states auth: none" if flow.auth == "none" else "states no auth (assumed none)"
        yield Hit(
            subject=(flow.id,),
            steps=transit_steps(graph, flow, "medium"),
            evidence=(
                f"{hop_text(graph, flow)} crosses a trust boundary into {target.kind} "
                f"{target.label} carrying {data_text(graph, flow.data)}, and {how}: "
                "no password, token, key or certificate tells the receiver who is calling."
            ),
            target=flow.target,
            path=(flow.source, flow.target),
            flows=(flow.id,),
        )


@rule(
    "weak-tls",
    title="Weak TLS configuration",
    base="high",
    effort=1,
    fix="Harden TLS on connections into {target}",
    remediation=(
        "Accept TLS 1.2 as the minimum (1.3 preferred), disable NULL, EXPORT, RC4, 3DES and "
        "MD5 suites, and allow only (EC)DHE key exchange so recorded traffic stays secret "
        "if the server key leaks later (forward secrecy)."
    ),
    references=(
        "CWE-327",
        "CWE-757",
        "NIST SP 800-52r2",
        "PCI DSS 4.2.1",
        "ASVS 4.0.3 9.1.2, 9.1.3",
    ),
)
def weak_tls(graph: SystemGraph) -> Iterator[Hit]:
    """Old protocol versions, weak suites or no forward secrecy let traffic be broken."""
    for flow in graph.system.flows:
        tls = flow.tls
        if tls is None:
            continue
        problems = []
        if tls.min_version in ("1.0", "1.1"):
            problems.append(f"accepts TLS {tls.min_version} (below 1.2)")
        if tls.weak_ciphers:
            problems.append("enables weak cipher suites")
        below_13 = tls.min_version != "1.3"
        no_pfs = tls.forward_secrecy is False and below_13
        if no_pfs:
            version = f"TLS {tls.min_version}" if tls.min_version else "an unstated minimum version"
            problems.append(f"has no forward secrecy with {version}")
        if not problems:
            continue
        pfs_only = no_pfs and len(problems) == 1
        steps = transit_steps(
            graph, flow, "medium" if pfs_only else "high", "no forward secrecy" if pfs_only else ""
        )
        yield Hit(
            subject=(flow.id,),
            steps=steps,
            evidence=f"{hop_text(graph, flow)} " + "; ".join(problems) + ".",
            target=flow.target,
            path=(flow.source, flow.target),
            flows=(flow.id,),
        )


@rule(
    "cert-validation-disabled",
    title="Certificate validation disabled",
    base="high",
    effort=1,
    fix="Harden TLS on connections into {target}",
    remediation=(
        "Turn peer verification back on: validate the chain against a trusted CA and check "
        "the host name. For private services, trust the private CA explicitly rather than "
        "disabling checks."
    ),
    references=("CWE-295", "ASVS 4.0.3 9.2.1", "PCI DSS 4.2.1"),
)
def cert_validation_disabled(graph: SystemGraph) -> Iterator[Hit]:
    """A client that does not verify the peer talks TLS to whoever answers."""
    for flow in graph.system.flows:
        if flow.tls and not flow.tls.verify_peer:
            yield Hit(
                subject=(flow.id,),
                steps=transit_steps(graph, flow, "high"),
                evidence=(
                    f"{graph.label(flow.source)} does not verify the certificate of "
                    f"{graph.label(flow.target)}: anyone on the path can impersonate it."
                ),
                target=flow.target,
                path=(flow.source, flow.target),
                flows=(flow.id,),
            )


@rule(
    "self-signed-cert",
    title="Self-signed certificate",
    base="medium",
    effort=2,
    fix="Manage certificates for {target}",
    remediation=(
        "Issue the certificate from a CA the clients trust (a public CA, or a private CA "
        "whose root is distributed and pinned), with automated renewal."
    ),
    references=("CWE-295", "PCI DSS 4.2.1, 4.2.1.1"),
)
def self_signed_certs(graph: SystemGraph) -> Iterator[Hit]:
    """Clients of a self-signed certificate cannot tell it from an attacker's."""
    for flow in graph.system.flows:
        if not flow.tls or flow.tls.certificate != "self-signed":
            continue
        envs = {graph.env(flow.source), graph.env(flow.target)}
        if envs == {"non-prod"}:
            continue
        where = "production" if "prod" in envs else "an environment not stated as non-prod"
        yield Hit(
            subject=(flow.id,),
            steps=transit_steps(graph, flow, "medium"),
            evidence=(
                f"{hop_text(graph, flow)} presents a self-signed certificate in {where}; "
                "clients must either skip validation or trust it by hand."
            ),
            target=flow.target,
            path=(flow.source, flow.target),
            flows=(flow.id,),
        )


def _renewal_text(auto_renew: bool | None) -> str:
    if auto_renew is None:
        return "is not stated to be renewed automatically (auto_renew unstated, assumed not)"
    return "is not renewed automatically"


@rule(
    "cert-expiry",
    title="Certificate expired or expiring",
    base="high",
    effort=2,
    fix="Manage certificates for {target}",
    remediation=(
        "Renew the certificate now and automate renewal (ACME, a cloud certificate "
        "manager); alert well before expiry."
    ),
    references=("CWE-298", "PCI DSS 4.2.1", "ASVS 4.0.3 9.2.4"),
)
def cert_expiry(graph: SystemGraph) -> Iterator[Hit]:
    """An expired certificate breaks the service or trains people to click through."""
    warning = graph.policy.cert_warning_days
    for flow in graph.system.flows:
        tls = flow.tls
        if tls is None:
            continue
        expires = tls.cert_expires
        days = (expires - graph.today).days if expires else None
        if expires and days is not None and days < 0:
            base, basis = "high", "expired"
            evidence = f"expired on {expires.isoformat()} ({-days} d ago)"
        elif expires and days is not None and days <= warning and not tls.auto_renew:
            base, basis = "medium", "expiring"
            evidence = (
                f"expires on {expires.isoformat()}, in {days} d "
                f"<= policy {warning} d, and {_renewal_text(tls.auto_renew)}"
            )
        elif not tls.auto_renew and flow.target in graph.internet_facing:
            base, basis = "low", "no auto-renewal"
            evidence = f"{_renewal_text(tls.auto_renew)} on an internet-facing endpoint"
        else:
            continue
        yield Hit(
            subject=(flow.id,),
            steps=transit_steps(graph, flow, base, basis),
            evidence=f"The certificate on {hop_text(graph, flow)} {evidence}.",
            target=flow.target,
            path=(flow.source, flow.target),
            flows=(flow.id,),
        )
