"""Engine speed: load and analyze synthetic systems, realistic and adversarial.

Three tables:
- the realistic mix of `examples/generate.py` at 100, 1,000 and 10,000 elements (target:
  10,000 elements and 20,000 flows analyzed in under 1 s);
- the shapes of `benchmarks/shapes.py` (chain, star, mesh, and more) at 1,000 and 10,000
  services, with the longest evidence and the growth per 10x (target: at most 11x);
- the CLI end to end: a 10,000-element JSON file through `python -m threatmodel check
  --format json` (target: under 1.5 s).

Times are wall clock, best of a few runs, with the process CPU time beside them: on a
shared machine the CPU time is the steadier figure. When OWASP pytm is installed
(`make bench` installs it), the same topology runs through pytm's check and resolve.

    .venv/bin/python benchmarks/engine.py [--sizes 100,1000,10000] [--shapes chain,star,mesh]
        [--shape-sizes 1000,10000] [--no-pytm] [--pytm-up-to 10000] [--instructions]

`--instructions` adds the machine instructions each shape's analysis executes, counted by
valgrind's callgrind (minutes: valgrind runs the engine about 50x slower). Calls and
instructions do not depend on the machine's load or caches; CPU time does, and a model
10x larger no longer fits in the caches that the smaller one fits in.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import pstats
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.shapes import SHAPES  # noqa: E402
from examples.generate import generate_system  # noqa: E402
from threatmodel import analyze, load  # noqa: E402
from threatmodel.model import ENCRYPTED_PROTOCOLS  # noqa: E402


def best_of(runs: int, fn):
    """The fastest of a few runs: the least disturbed by the rest of the machine."""
    best, result = float("inf"), None
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def timed(runs: int, fn):
    """(best wall time, best CPU time, result) over a few runs."""
    wall, cpu, result = float("inf"), float("inf"), None
    for _ in range(runs):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return wall, cpu, result


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
        if element.get("boundary"):
            node.inBoundary = boundaries[element["boundary"]]
        nodes[element["id"]] = node
    for flow in doc.get("flows", ()):
        dataflow = Dataflow(nodes[flow["from"]], nodes[flow["to"]], flow["id"])
        dataflow.protocol = flow["protocol"]
        dataflow.isEncrypted = flow["protocol"] in ENCRYPTED_PROTOCOLS
    start = time.perf_counter()
    tm.check()
    tm.resolve()
    return time.perf_counter() - start


def realistic(sizes: list[int], with_pytm: bool) -> None:
    print("Realistic mix (examples/generate.py)")
    print(
        f"{'elements':>9} {'flows':>7} {'findings':>9} {'load dict':>10} {'load json':>10} "
        f"{'analyze':>9} {'cpu':>7} {'per elem':>9} {'pytm':>8} {'pytm/us':>8}"
    )
    previous = None
    for size in sizes:
        doc = generate_system(size)
        text = json.dumps(doc)
        runs = 3 if size <= 1000 else 2
        load_dict, system = best_of(runs, lambda doc=doc: load(doc))
        load_json, _ = best_of(runs, lambda text=text: load(text))
        seconds, cpu, analysis = timed(runs, lambda system=system: analyze(system))
        pytm_time = pytm_seconds(doc) if with_pytm else None
        ratio = f"{pytm_time / seconds:7.1f}x" if pytm_time else "     -"
        pytm_text = f"{pytm_time:7.2f}s" if pytm_time else "      -"
        print(
            f"{size:>9,} {len(doc['flows']):>7,} {len(analysis.findings):>9,} "
            f"{load_dict:9.3f}s {load_json:9.3f}s {seconds:8.3f}s {cpu:6.2f}s "
            f"{seconds / size * 1e6:7.1f}us {pytm_text} {ratio}"
        )
        if previous:
            growth = seconds / previous[1]
            print(f"{'':>9} time x{growth:.1f} for elements x{size / previous[0]:.0f}")
        previous = (size, seconds)


def function_calls(fn) -> int:
    """Python function calls one run makes: a count the machine's load cannot change, so
    10x the model in 10x the calls shows the work is linear where CPU time also measures
    the memory caches (a model 10x larger no longer fits in them)."""
    profile = cProfile.Profile()
    profile.runcall(fn)
    return sum(calls for calls, *_ in pstats.Stats(profile).stats.values())


# Loads a shape and, given "analyze", analyzes it: run under callgrind twice, the
# difference is the analysis alone.
_COUNTED = """
import gc, sys
sys.path.insert(0, {root!r})
gc.disable()
from benchmarks.shapes import SHAPES
from threatmodel import analyze, load
system = load(SHAPES[sys.argv[1]](int(sys.argv[2])))
if sys.argv[3] == "analyze":
    analyze(system)
"""


def instructions(name: str, size: int) -> int:
    """Machine instructions the analysis of one shape executes (callgrind's count)."""
    valgrind = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    script = _COUNTED.format(root=str(ROOT))
    counts = []
    for mode in ("load", "analyze"):
        run = subprocess.run(
            [*valgrind, sys.executable, "-c", script, name, str(size), mode],
            capture_output=True,
            text=True,
            check=True,
            # Set iteration order, and with it the work, the same in every run.
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )
        counts.append(int(re.search(r"Collected : (\d+)", run.stderr).group(1)))
    return counts[1] - counts[0]


def shapes(
    names: list[str], sizes: list[int], with_pytm: bool, pytm_up_to: int, count: bool
) -> None:
    print("\nShapes (benchmarks/shapes.py): n services")
    print(
        f"{'shape':>7} {'n':>7} {'elements':>9} {'flows':>7} {'findings':>9} {'load':>8} "
        f"{'analyze':>9} {'cpu':>7} {'cpu x':>7} {'calls x':>8} "
        + (f"{'instr x':>8} " if count else "")
        + f"{'evidence':>9} {'pytm':>8}"
    )
    for name in names:
        previous = None
        for size in sizes:
            doc = SHAPES[name](size)
            load_time, system = best_of(2, lambda doc=doc: load(json.dumps(doc)))
            seconds, cpu, analysis = timed(3, lambda system=system: analyze(system))
            longest = max((len(f.evidence) for f in analysis.findings), default=0)
            # CPU time: wall time on a shared machine mostly measures the neighbours.
            growth = f"x{cpu / previous[0]:5.1f}" if previous else "     -"
            calls = function_calls(lambda system=system: analyze(system))
            calls_growth = f"x{calls / previous[1]:5.1f}" if previous else "     -"
            counted = instructions(name, size) if count else 0
            counted_growth = f"x{counted / previous[2]:5.1f}" if previous else "     -"
            pytm_time = (
                pytm_seconds(doc) if with_pytm and doc.get("flows") and size <= pytm_up_to else None
            )
            pytm_text = f"{pytm_time:7.2f}s" if pytm_time else "      -"
            print(
                f"{name:>7} {size:>7,} {len(doc['elements']):>9,} {len(doc.get('flows', ())):>7,} "
                f"{len(analysis.findings):>9,} {load_time:7.3f}s {seconds:8.3f}s {cpu:6.2f}s "
                f"{growth:>7} {calls_growth:>8} "
                + (f"{counted_growth:>8} " if count else "")
                + f"{longest:>9,} {pytm_text}"
            )
            previous = (max(cpu, 1e-3), calls, max(counted, 1))


def cli(size: int) -> None:
    """The CI gate's path: a JSON file, the CLI, JSON out."""
    print(f"\nCLI: {size:,}-element JSON file -> check --format json")
    doc = generate_system(size)
    # Bytecode as an installed package has it (pip compiles on install): without it every
    # run compiles the engine's modules again, which is not the CLI's cost.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "threatmodel")], check=True
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.json"
        path.write_text(json.dumps(doc))
        command = [sys.executable, "-m", "threatmodel", "check", str(path)]
        command += ["--format", "json", "--fail-on", "none"]
        best, cpu = float("inf"), float("inf")
        for _ in range(5):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
            best = min(best, time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = min(cpu, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    size_mb = path.stat().st_size / 1e6 if path.exists() else len(json.dumps(doc)) / 1e6
    print(
        f"{len(doc['elements']):,} elements, {len(doc['flows']):,} flows, {size_mb:.1f} MB: "
        f"{best:.2f} s wall, {cpu:.2f} s CPU (target: under 1.5 s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--shapes", default="chain,star,mesh,nested,data,keys")
    parser.add_argument("--shape-sizes", default="1000,10000")
    parser.add_argument("--cli-size", type=int, default=10000)
    parser.add_argument("--no-pytm", action="store_true")
    parser.add_argument("--pytm-up-to", type=int, default=10000, help="largest n pytm runs")
    parser.add_argument(
        "--instructions", action="store_true", help="count instructions with callgrind"
    )
    args = parser.parse_args()
    try:
        import pytm  # noqa: F401

        with_pytm = not args.no_pytm
    except ImportError:
        with_pytm = False
        print("(pytm not installed: `make bench` installs it)")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if args.sizes:
        realistic([int(s) for s in args.sizes.split(",")], with_pytm)
    if args.shapes:
        sizes = [int(s) for s in args.shape_sizes.split(",")]
        if args.instructions and shutil.which("valgrind") is None:
            parser.error("--instructions needs valgrind (apt-get install valgrind)")
        shapes(args.shapes.split(","), sizes, with_pytm, args.pytm_up_to, args.instructions)
    if args.cli_size:
        cli(args.cli_size)


if __name__ == "__main__":
    main()
