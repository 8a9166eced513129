"""Render time and peak memory of the PDF report (printed, not asserted).

    python benchmarks/report.py            # every case below
    python benchmarks/report.py --png      # also writes docs/report-page1.png

Cases, each in its own process (peak memory is the process's):
- the seed example;
- examples/generate.py's 300-element system with most of its weaknesses repaired: 599
  flows and 158 findings remain (DESIGN.md's target names 300 elements and 200
  findings, under 10 s; the line printed gives the counts to compare);
- ten elements with 2,000-character descriptions, the form's limit (under 5 s);
- a 3,000-service chain in plaintext, 3,000 findings (under 60 s and 1 GiB).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

import threatmodel  # noqa: E402
from examples.generate import generate_system  # noqa: E402
from reviews.report import render_report_pdf  # noqa: E402

SEED = ROOT / "examples" / "saas-docs.yaml"
TARGETS = {"seed": 10.0, "large": 10.0, "descriptions": 5.0, "chain": 60.0}  # seconds
MEMORY_TARGET_MIB = {"chain": 1024}
WORDS = ("encryption", "boundary", "service", "database", "terraform", "certificate", "rotation")


def repaired_system(n_elements: int = 300, keep: float = 0.11, seed: int = 7) -> dict:
    """The generated system with TLS, auth and storage mostly fixed: 158 findings at 300."""
    rng = random.Random(seed)
    doc = generate_system(n_elements)
    for flow in doc["flows"]:
        if rng.random() < keep:
            continue
        flow["protocol"] = {"http": "https", "grpc": "grpcs", "postgres": "postgres-tls"}.get(
            flow["protocol"], flow["protocol"]
        )
        if flow["protocol"] in ("kafka", "redis"):
            flow["protocol"] += "-tls" if flow["protocol"] == "redis" else "-sasl-ssl"
        flow["auth"] = "mtls"
        flow["data"] = flow["data"] or ["metrics"]
        flow["tls"] = {
            "min_version": "1.3",
            "mutual": True,
            "certificate": "private-ca",
            "cert_expires": "2027-11-01",
            "auto_renew": True,
        }
    for element in doc["elements"]:
        if rng.random() < keep * 2:
            continue
        if "encryption" in element:
            element["encryption"] = "envelope"
        for flag in ("rate_limited", "immutable", "redaction", "acls"):
            if flag in element:
                element[flag] = True
        if element["kind"] == "backup":
            element["offsite"] = True
        if element["kind"] == "external":
            element["agreements"] = ["baa", "dpa", "pci-tpsp"]
        if element["kind"] == "broker":
            element["auth"] = "mtls"
        if "logs_payloads" in element:
            element["logs_payloads"] = False
    return doc


def described_system(n_elements: int = 10, chars: int = 2000) -> dict:
    """n services, each with a description of `chars` characters of ordinary prose."""
    rng = random.Random(3)

    def prose() -> str:
        words: list[str] = []
        while sum(len(w) + 1 for w in words) < chars:
            words.append(rng.choice(WORDS))
        return " ".join(words)[:chars]

    return {
        "format": "ciphermap/1",
        "name": "Described",
        "data": [{"id": "card", "classification": "restricted", "tags": ["pan"]}],
        "boundaries": [{"id": "vpc", "kind": "internal", "description": prose()}],
        "elements": [
            {"id": f"svc-{i}", "kind": "service", "boundary": "vpc", "description": prose()}
            for i in range(n_elements)
        ],
        "flows": [
            {"id": f"call-{i}", "from": f"svc-{i}", "to": f"svc-{i + 1}", "protocol": "http"}
            | {"data": ["card"], "description": prose()}
            for i in range(n_elements - 1)
        ],
    }


def chain_system(n_services: int = 3000) -> dict:
    """A client and n services in a line, every hop plaintext and carrying card data."""
    hops = [
        {"id": f"hop-{i}", "from": f"svc-{i}", "to": f"svc-{i + 1}", "protocol": "http"}
        | {"data": ["card"]}
        for i in range(n_services - 1)
    ]
    return {
        "format": "ciphermap/1",
        "name": f"{n_services}-service chain",
        "data": [{"id": "card", "classification": "restricted", "tags": ["pan"]}],
        "boundaries": [{"id": "net", "kind": "internet"}, {"id": "vpc", "kind": "internal"}],
        "elements": [{"id": "client", "kind": "client", "boundary": "net"}]
        + [{"id": f"svc-{i}", "kind": "service", "boundary": "vpc"} for i in range(n_services)],
        "flows": [{"id": "in", "from": "client", "to": "svc-0", "protocol": "http"}]
        + [{"data": ["card"]} | hop for hop in hops],
    }


def measure(case: str, label: str, model, out: Path) -> None:
    """Render once in this process and print the figures.

    Peak memory is the process's maximum resident set (ru_maxrss), so each case runs in
    its own process; tracemalloc would triple the render time it is measuring.
    """
    system = threatmodel.load(model)
    analysis = threatmodel.analyze(system)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = _children_cpu()
    started, cpu = time.perf_counter(), time.process_time()
    pdf = render_report_pdf(
        system_name=system.name,
        revision=1,
        model=system,
        analysis=analysis,
        authors=["Paperfold platform team"],
    )
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    graphviz = _children_cpu() - children  # dot/osage/neato run as subprocesses
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    out.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True)
    pages = next(line.split()[-1] for line in info.stdout.splitlines() if line.startswith("Pages:"))
    target = TARGETS[case]
    status = "ok" if seconds < target else "OVER TARGET"
    memory = (
        f"peak RSS {peak / 1024:.0f} MiB ({(peak - baseline) / 1024:.0f} MiB during the render)"
    )
    if case in MEMORY_TARGET_MIB:
        limit = MEMORY_TARGET_MIB[case]
        memory += f" (target < {limit} MiB: {'ok' if peak / 1024 < limit else 'OVER TARGET'})"
    print(
        f"{label}: {len(system.elements)} elements, {len(system.flows)} flows, "
        f"{len(analysis.findings)} findings -> {pages} pages, {len(pdf) / 1024:.0f} KiB; "
        f"{seconds:.2f} s wall, {cpu:.2f} s CPU + {graphviz:.2f} s Graphviz CPU "
        f"(target < {target:.0f} s: {status}); {memory}; load average {_load()}",
        flush=True,
    )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def run_case(case: str, size: int, out: Path) -> None:
    if case == "seed":
        measure(case, "seed example", SEED, out)
    elif case == "large":
        measure(case, f"{size}-element system", repaired_system(size), out)
    elif case == "descriptions":
        measure(case, "10 elements with 2,000-character descriptions", described_system(), out)
    else:
        measure(case, "3,000-service chain", chain_system(), out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--png", action="store_true", help="write docs/report-page1.png")
    parser.add_argument("--size", type=int, default=300, help="elements in the large system")
    parser.add_argument("--case", choices=list(TARGETS), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    if args.case:  # a child process measuring one case
        run_case(args.case, args.size, Path(args.out))
        return
    with tempfile.TemporaryDirectory() as tmp:
        outputs = {case: Path(tmp) / f"{case}.pdf" for case in TARGETS}
        for case, out in outputs.items():
            subprocess.run(
                [sys.executable, __file__, "--case", case, "--size", str(args.size), "--out", out],
                check=True,
            )
        if args.png:
            docs = ROOT / "docs"
            docs.mkdir(exist_ok=True)
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "80",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                    str(outputs["seed"]),
                    str(docs / "report-page1"),
                ],
                check=True,
            )
            print(f"wrote {docs / 'report-page1.png'}")


if __name__ == "__main__":
    main()
