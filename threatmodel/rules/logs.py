"""Logging: sensitive data written to logs, and log sinks that do not protect what they hold.

docs/RULES.md "Logging" describes these rules.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from ..graph import ASSUMED_SENSITIVITY, JOURNEY_HOPS, SystemGraph
from ..model import DataClass, Flow
from ..scoring import Steps
from .base import LISTED, Hit, listing, rule
from .routes import route_text

LOGGED_TAGS = ("pii", "phi", "pan", "credentials", "secret")
CRITICAL_IN_LOGS = ("credentials", "secret", "pan")
REGULATED_TAGS = ("phi", "pan", "credentials", "secret")


def tag_text(tags: tuple[str, ...]) -> str:
    return "/".join(t.upper() if t in ("pan", "phi") else t for t in tags)


def _journeys(graph: SystemGraph, data_id: str) -> dict[str, tuple[str, str] | None]:
    """Breadth-first journeys of one data class from where it enters or rests.

    Elements only reachable inside a loop with no entry (every sender also receives it)
    get a second search from those loops, so no carrying flow is missed; each search is
    linear, and chains of the second never pass through elements of the first.
    """
    carriers = graph.flows_carrying(data_id)
    came_from = graph.journeys_of(data_id)
    stragglers = sorted({f.source for f in carriers if f.source not in came_from})
    if stragglers:
        came_from = dict(came_from)  # the graph's copy is shared with other rules
        for element, step in graph.reach(stragglers, carriers).items():
            came_from.setdefault(element, step)
    return came_from


def _route(
    graph: SystemGraph, came_from: dict, path: tuple[str, ...], flows: tuple[str, ...]
) -> str:
    """The route into the sink; "earlier hops" when the kept journey is its tail only."""
    return route_text(graph, flows, earlier=came_from.get(path[0]) is not None)


def _log_steps(data: DataClass) -> Steps:
    """Credentials, secrets and PAN are critical in any log: that base names the case,
    so it takes no +1, but still steps down when they are classified public or
    internal. Everything else starts high and takes the usual step."""
    critical = [t for t in data.tags if t in CRITICAL_IN_LOGS]
    if critical:
        steps = Steps("critical", basis=f"{tag_text(tuple(critical))} in logs")
        return steps.sensitivity(data.sensitivity, named=True)
    regulated = tuple(t for t in data.tags if t in REGULATED_TAGS)
    return Steps("high").sensitivity(data.sensitivity, regulated)


@rule(
    "sensitive-data-in-logs",
    title="Sensitive data in logs",
    base="high",
    effort=2,
    fix="Redact sensitive data before it reaches {target}",
    remediation=(
        "Mask or drop personal data, card numbers, health data and credentials before "
        "they are logged: structured logging with an allow-list of fields, redaction in "
        "the log pipeline (or the sink's own redaction), and no request or response "
        "bodies in logs. Purge what is already stored."
    ),
    references=(
        "CWE-532",
        "PCI DSS 3.5.1",
        "GDPR 32(1)(a)",
        "ASVS 4.0.3 7.1.1, 7.1.2",
    ),
)
def sensitive_data_in_logs(graph: SystemGraph) -> Iterator[Hit]:
    """The logging leak: personal data, card numbers or credentials land in logs that
    far more people and systems can read than the data's own store."""
    sinks = [e for e in graph.system.elements if e.kind == "log-sink" and not e.redaction]
    if not sinks:
        return
    sink_ids = {e.id for e in sinks}
    # Services that log payloads, with the flows by which they feed a log sink.
    payload_loggers: dict[str, list[Flow]] = {}
    for element in graph.system.elements:
        if element.is_service and element.logs_payloads:
            feeds = [f for f in graph.flows_out(element.id) if f.target in sink_ids]
            if feeds:
                payload_loggers[element.id] = feeds
    # data class -> log sink -> the payload-logging service (and its feed) that puts it there
    logged_via: dict[str, dict[str, tuple[str, Flow]]] = defaultdict(dict)
    for service, feeds in payload_loggers.items():
        for data_id in dict.fromkeys(d for f in graph.flows_in(service) for d in f.data or ()):
            for feed in feeds:
                logged_via[data_id].setdefault(feed.target, (service, feed))
    order = {e.id: index for index, e in enumerate(sinks)}

    for data in graph.system.data:
        if not set(LOGGED_TAGS).intersection(data.tags):
            continue
        came_from = _journeys(graph, data.id)
        via = logged_via.get(data.id, {})
        reached = {e for e in came_from if e in order} | via.keys()
        for sink in (sinks[i] for i in sorted(order[e] for e in reached)):
            if sink.id in came_from:
                path, flows = graph.journey(came_from, sink.id, JOURNEY_HOPS)
                if flows:
                    how = f"travels there: {_route(graph, came_from, path, flows)}"
                else:
                    how = "is stored there at rest"
            elif sink.id in via:
                # The service receives the data, so a carrying flow reached it.
                service, feed = via[sink.id]
                path, flows = graph.journey(came_from, service, JOURNEY_HOPS - 1)
                path, flows = (*path, sink.id), (*flows, feed.id)
                how = (
                    f"is received by {graph.label(service)}, which logs request and "
                    f"response payloads (logs_payloads) and sends them to "
                    f"{graph.label(sink.id)}: {_route(graph, came_from, path, flows)}"
                )
            else:
                continue
            name = data.name or data.id
            redaction = (
                "does not state that it redacts sensitive fields (redaction unstated, assumed not)"
                if sink.redaction is None
                else "does not redact sensitive fields"
            )
            yield Hit(
                subject=(sink.id, data.id),
                steps=_log_steps(data),
                evidence=(
                    f"{name} ({tag_text(data.tags)}) {how}. {graph.label(sink.id)} {redaction}."
                ),
                target=sink.id,
                title=f"{name} written to {graph.label(sink.id)} without redaction",
                path=path,
                flows=flows,
            )


def _received_sensitivity(graph: SystemGraph, sink_id: str) -> tuple[int, tuple[str, ...]]:
    """S of a log sink: what it holds at rest, what flows into it (a log sink keeps what
    it is sent) and what its payload-logging feeders receive; with the regulated tags of
    the S = 4 data."""
    data_ids = set(graph.held_at_rest(sink_id))
    unstated = False
    for feed in graph.flows_in(sink_id):
        data_ids.update(feed.data or ())
        unstated = unstated or feed.data is None
        feeder = graph.elements[feed.source]
        if feeder.is_service and feeder.logs_payloads:
            data_ids.update(d for f in graph.flows_in(feeder.id) for d in f.data or ())
    ordered = sorted((d for d in data_ids if d in graph.data), key=graph.data_position)
    s = graph.data_sensitivity(ordered)
    if unstated:
        s = max(s, ASSUMED_SENSITIVITY)
    tags = tuple(
        dict.fromkeys(
            t
            for d in ordered
            if graph.data[d].sensitivity == 4
            for t in graph.data[d].tags
            if t in REGULATED_TAGS
        )
    )
    return s, tags


@rule(
    "unprotected-log-sink",
    title="Log sink not protected",
    base="medium",
    effort=1,
    fix="Protect the logs in {target}",
    remediation=(
        "Encrypt the log store, ship logs over TLS (syslog-tls, https), and make the "
        "store append-only or object-locked so an intruder cannot read or erase the trail."
    ),
    references=(
        "CWE-311",
        "PCI DSS 10.3.2, 10.3.3",
        "SOC 2 CC7.2",
        "HIPAA 164.312(b)",
    ),
)
def unprotected_log_sinks(graph: SystemGraph) -> Iterator[Hit]:
    """Logs that can be read in transit or at rest, or rewritten, fail as evidence and leak
    what they record."""
    for sink in graph.system.elements:
        if sink.kind != "log-sink":
            continue
        reasons = []
        if sink.encryption is None:
            reasons.append("its encryption at rest is not stated (assumed none)")
        elif sink.encryption == "none":
            reasons.append("it is not encrypted at rest")
        plaintext = [f for f in graph.flows_in(sink.id) if graph.readable_on_wire(f)]
        if plaintext:
            hops = listing(
                [
                    f"{graph.label(f.source)} "
                    f"({f.protocol or 'unstated protocol, assumed plaintext'})"
                    for f in plaintext[:LISTED]
                ],
                total=len(plaintext),
            )
            reasons.append(f"it receives logs in plaintext from {hops}")
        if sink.immutable is None:
            reasons.append(
                "it is not stated to be immutable (immutable unstated, assumed not: entries "
                "can be altered or deleted)"
            )
        elif not sink.immutable:
            reasons.append("it is not immutable (entries can be altered or deleted)")
        if not reasons:
            continue
        s, tags = _received_sensitivity(graph, sink.id)
        yield Hit(
            subject=(sink.id,),
            steps=Steps("medium").sensitivity(s, tags),
            evidence=f"{graph.label(sink.id)}: " + "; ".join(reasons) + ".",
            target=sink.id,
            flows=tuple(f.id for f in plaintext),
        )
