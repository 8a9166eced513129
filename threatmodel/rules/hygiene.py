"""Model hygiene: facts the model leaves out, which the other rules then cannot check.

docs/RULES.md "Model hygiene" describes these rules.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..graph import SystemGraph
from ..model import NON_TLS_PROTOCOLS, Element, Flow, Key
from ..scoring import Steps
from .base import Hit, rule

# NON_TLS_PROTOCOLS (schema.py): encrypted protocols that do not use TLS; a `tls:` block
# (certificate, TLS version) does not describe them, so the model is complete without one.
HIDDEN_S = 3


def missing_element_facts(graph: SystemGraph, element: Element) -> list[str]:
    missing = []
    keeps = graph.keeps_data(element)
    # Brokers and log sinks are judged by what passes through them; a backup holds its
    # source's data.
    if keeps and element.kind not in ("backup", "broker", "log-sink") and element.stores is None:
        missing.append("stores (assumed confidential)")
    # A log sink always holds what it records, even without `stores`.
    holds = (
        graph.held_at_rest(element.id)
        or graph.stores_unstated(element.id)
        or element.kind == "log-sink"
    )
    if keeps and element.encryption is None and holds:
        missing.append("encryption (assumed none)")
    if element.boundary is None:
        missing.append("boundary")
    return missing


def missing_flow_facts(flow: Flow) -> list[str]:
    missing = []
    written = flow.protocol_as_written
    if flow.protocol is None:
        said = f"written '{written}', " if written else ""
        missing.append(f"protocol ({said}assumed plaintext)")
    elif written:  # an importer's reading of the label is a guess to confirm
        missing.append(f"protocol confirmed ({flow.protocol} read from the label '{written}')")
    if flow.data is None:
        missing.append("data (assumed confidential)")
    if flow.encrypted and flow.protocol not in NON_TLS_PROTOCOLS:
        tls = flow.tls
        if tls is None:
            missing.append("tls (the TLS checks were skipped)")
        else:
            if tls.min_version is None:
                missing.append("tls.min_version")
            if tls.forward_secrecy is None and tls.min_version != "1.3":
                missing.append("tls.forward_secrecy")
            if tls.certificate is None:
                missing.append("tls.certificate")
            # A certificate renewed automatically changes its expiry every few weeks; a
            # date written into the model would only go stale.
            if tls.cert_expires is None and not tls.auto_renew:
                missing.append("tls.cert_expires (or auto_renew)")
    return missing


def missing_key_facts(key: Key) -> list[str]:
    return [] if key.custody else ["custody"]


def _steps(s: int) -> Steps:
    # The base names the sensitivity case, so there is no sensitivity step.
    if s >= HIDDEN_S:
        return Steps("low", basis="hides restricted data")
    return Steps("info")


@rule(
    "model-incomplete",
    title="Model incomplete",
    base="info",
    effort=1,
    fix="Complete the model for {target}",
    remediation=(
        "State the missing facts in the model. Until then the rules that need them either "
        "assume the worst (store encryption, flow protocol) or cannot check at all."
    ),
    references=("SOC 2 CC6.1",),
)
def model_incomplete(graph: SystemGraph) -> Iterator[Hit]:
    """Facts left out of the model hide weaknesses the review cannot see."""
    # Names come from the items themselves: IDs are unique per section only, so a flow
    # and an element may share one and a lookup by ID could name the wrong item. Names
    # and sensitivities are worked out only for items with a gap: on a complete model
    # that is none of its tens of thousands of items.
    for element in graph.system.elements:
        missing = missing_element_facts(graph, element)
        if missing:
            s = graph.element_sensitivity(element.id)
            yield _incomplete("element", element.id, element.label, missing, s)
    for flow in graph.system.flows:
        missing = missing_flow_facts(flow)
        if missing:
            name = flow.name or (
                f"{graph.elements[flow.source].label} -> {graph.elements[flow.target].label}"
            )
            yield _incomplete("flow", flow.id, name, missing, graph.flow_sensitivity(flow))
    for key in graph.system.keys:
        missing = missing_key_facts(key)
        if missing:
            s = graph.key_sensitivity(key.id)
            yield _incomplete("key", key.id, key.name or key.id, missing, s)


def _incomplete(section: str, item_id: str, name: str, missing: list[str], s: int) -> Hit:
    return Hit(
        subject=(item_id,),
        identity=(section, item_id),
        steps=_steps(s),
        evidence=f"The {section} {name} does not state: {', '.join(missing)}.",
        target=item_id,
        title=f"Model incomplete: {section} {name}",
        flows=(item_id,) if section == "flow" else (),
    )
