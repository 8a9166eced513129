"""Engine speed: load and analyze synthetic systems of 100, 1,000 and 10,000 elements.

Prints a table; the target is 10,000 elements and 20,000 flows analyzed in under 1 s, with
time growing no faster than linearly. When OWASP pytm is installed (`make bench` installs
it), the same topology runs through pytm's check and resolve for comparison.

    .venv/bin/python benchmarks/engine.py [--sizes 100,1000,10000] [--no-pytm]
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from examples.generate import generate_system  # noqa: E402
from threatmodel import analyze, load  # noqa: E402


def best_of(runs: int, fn):
    """The fastest of a few runs: the least disturbed by the rest of the machine."""
    best, result = float("inf"), None
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def pytm_seconds(doc: dict) -> float:
    """The same elements and flows as a pytm model, timed through check() and resolve()."""
    from pytm import TM, Actor, Boundary, Dataflow, Datastore, ExternalEntity, Process, Server

    TM.reset()
    tm = TM("benchmark", description="synthetic")
    boundaries = {b["id"]: Boundary(b["id"]) for b in doc["boundaries"]}
    kinds = {
        "client": Actor,
        "user": Actor,
        "external": ExternalEntity,
        "gateway": Server,
        "service": Process,
        "function": Process,
        "key-store": Server,
    }
    nodes = {}
    for element in doc["elements"]:
        cls = kinds.get(element["kind"], Datastore)
        node = cls(element["id"])
        node.inBoundary = boundaries[element["boundary"]]
        nodes[element["id"]] = node
    for flow in doc["flows"]:
        dataflow = Dataflow(nodes[flow["from"]], nodes[flow["to"]], flow["id"])
        dataflow.protocol = flow["protocol"]
        dataflow.isEncrypted = "tls" in flow
    start = time.perf_counter()
    tm.check()
    tm.resolve()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--no-pytm", action="store_true")
    args = parser.parse_args()
    try:
        import pytm  # noqa: F401

        with_pytm = not args.no_pytm
    except ImportError:
        with_pytm = False
        print("(pytm not installed: `make bench` installs it)")

    print(
        f"{'elements':>9} {'flows':>7} {'findings':>9} {'load dict':>10} {'load json':>10} "
        f"{'analyze':>9} {'per elem':>9} {'pytm':>8} {'pytm/us':>8}"
    )
    previous = None
    for size in (int(s) for s in args.sizes.split(",")):
        doc = generate_system(size)
        text = json.dumps(doc)
        runs = 3 if size <= 1000 else 2
        load_dict, system = best_of(runs, lambda doc=doc: load(doc))
        load_json, _ = best_of(runs, lambda text=text: load(text, max_bytes=len(text) + 1))
        seconds, analysis = best_of(runs, lambda system=system: analyze(system))
        pytm_time = pytm_seconds(doc) if with_pytm else None
        ratio = f"{pytm_time / seconds:7.1f}x" if pytm_time else "     -"
        pytm_text = f"{pytm_time:7.2f}s" if pytm_time else "      -"
        print(
            f"{size:>9,} {len(doc['flows']):>7,} {len(analysis.findings):>9,} "
            f"{load_dict:9.3f}s {load_json:9.3f}s {seconds:8.3f}s "
            f"{seconds / size * 1e6:7.1f}us {pytm_text} {ratio}"
        )
        if previous:
            growth = seconds / previous[1]
            print(f"{'':>9} time x{growth:.1f} for elements x{size / previous[0]:.0f}")
        previous = (size, seconds)


if __name__ == "__main__":
    main()
