"""Journeys as evidence: short texts for routes that may be thousands of hops long."""

from __future__ import annotations

from collections.abc import Callable

from ..graph import SystemGraph
from ..model import Flow

AROUND = 2  # hops shown on each side of the hop a route is about


def route_text(
    graph: SystemGraph,
    flow_ids: tuple[str, ...],
    focus: int | None = None,
    marked: Callable[[Flow], bool] | None = None,
    earlier: bool = False,
) -> str:
    """ "a --https--> b --PLAINTEXT http--> c" for a route of flows.

    A long route keeps its first and last hop and the hops around `focus` (the index of
    the hop the finding is about; the last hop by default), and counts the hops left
    out, so the text has the same length for 5 hops and 5,000. `marked` flows get a
    PLAINTEXT marker; `earlier` says the route continues before its first hop.
    """
    count = len(flow_ids)
    if not count:
        return ""
    centre = count - 1 if focus is None else focus
    keep = {0, count - 1, *range(max(0, centre - AROUND), min(count, centre + AROUND + 1))}
    parts = ["... earlier hops ..."] if earlier else []
    previous = None
    for index in sorted(keep):
        flow = graph.flows[flow_ids[index]]
        if previous is None or index != previous + 1:
            if previous is not None:
                skipped = index - previous - 1
                parts.append(f"... {skipped} more hop{'s' if skipped != 1 else ''} ...")
            parts.append(graph.label(flow.source))
        marker = "PLAINTEXT " if marked and marked(flow) else ""
        parts.append(f"--{marker}{flow.protocol or 'unstated'}--> {graph.label(flow.target)}")
        previous = index
    return " ".join(parts)
