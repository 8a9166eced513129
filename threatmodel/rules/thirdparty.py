"""Third parties: regulated data handed to a vendor without the agreement the law requires.

docs/RULES.md "Third parties" describes these rules.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..graph import SystemGraph
from ..scoring import Steps
from .base import LISTED, Hit, listing, rule
from .transit import data_text

# Which agreement each tag needs before the data may go to a third party.
REQUIRED_AGREEMENT = {"phi": "baa", "pii": "dpa", "pan": "pci-tpsp"}
AGREEMENT_NAMES = {
    "baa": "a HIPAA business associate agreement (baa)",
    "dpa": "a GDPR data processing agreement (dpa)",
    "pci-tpsp": "PCI DSS service provider responsibilities (pci-tpsp)",
}
HIGH_TAGS = ("phi", "pan")
REGULATED_TAGS = ("phi", "pan", "credentials", "secret")


@rule(
    "third-party-without-agreement",
    title="Regulated data sent to a third party without an agreement",
    base="medium",
    effort=2,
    fix="Put the missing agreements in place with {target}",
    remediation=(
        "Sign the agreement the data needs before it is shared (a BAA for PHI, a DPA for "
        "personal data, PCI DSS service provider responsibilities for card data) and "
        "record it in the model, or stop sending that data to the vendor."
    ),
    references=(
        "HIPAA 164.308(b)(1), 164.314(a)",
        "PCI DSS 12.8.2",
        "SOC 2 CC9.2",
    ),
)
def third_party_without_agreement(graph: SystemGraph) -> Iterator[Hit]:
    """A vendor receives health, card or personal data with no contract binding it to
    protect that data."""
    for element in graph.system.elements:
        if element.kind != "external":
            continue
        # agreement -> data classes that need it, in document order of the flows
        missing: dict[str, dict[str, None]] = {}
        flows: list[str] = []
        for flow in graph.flows_in(element.id):
            lacking = False
            for data_id in flow.data or ():
                for tag in graph.data[data_id].tags:
                    agreement = REQUIRED_AGREEMENT.get(tag)
                    if agreement and agreement not in element.agreements:
                        lacking = True
                        missing.setdefault(agreement, {})[data_id] = None
            if lacking:
                flows.append(flow.id)
        if not missing:
            continue
        needed = {d for ids in missing.values() for d in ids}
        unbound = sorted((graph.data[d] for d in needed), key=graph.data_position)
        high = [t for t in HIGH_TAGS if REQUIRED_AGREEMENT[t] in missing]
        if high:
            # The base names the case (PHI or PAN); no sensitivity step on top of it.
            steps = Steps("high", basis="/".join(t.upper() for t in high) + " without agreement")
            steps.sensitivity(max(d.sensitivity for d in unbound), named=True)
        else:
            s = max(d.sensitivity for d in unbound)
            tags = tuple(
                dict.fromkeys(
                    t for d in unbound if d.sensitivity == 4 for t in d.tags if t in REGULATED_TAGS
                )
            )
            steps = Steps("medium").sensitivity(s, tags)
        needs = "; ".join(
            f"{data_text(graph, tuple(ids))} needs {AGREEMENT_NAMES[agreement]}"
            for agreement, ids in sorted(missing.items())
        )
        stated = ", ".join(element.agreements) or "none"
        yield Hit(
            subject=(element.id,),
            steps=steps,
            evidence=(
                f"{graph.label(element.id)} receives "
                f"{listing([d.name or d.id for d in unbound[:LISTED]], total=len(unbound))} "
                f"({listing([graph.describe(f) for f in flows[:LISTED]], total=len(flows))}). "
                f"{needs}. Agreements in the model: {stated}."
            ),
            target=element.id,
            title=(
                f"{graph.label(element.id)} receives regulated data without "
                + ", ".join(sorted(missing))
            ),
            flows=tuple(flows),
        )
