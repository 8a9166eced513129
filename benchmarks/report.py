"""Render time and peak memory of the PDF report (printed, not asserted).

    python benchmarks/report.py            # the seed example and a 300-element system
    python benchmarks/report.py --png      # also writes docs/report-page1.png

The large system is examples/generate.py's 300-element system with most of its
weaknesses repaired, so that about 200 findings remain: the size the target in
DESIGN.md names (under 10 s).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
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
TARGET_SECONDS = 10.0


def repaired_system(n_elements: int = 300, keep: float = 0.05, seed: int = 7) -> dict:
    """The generated system with TLS, auth and storage mostly fixed: ~200 findings."""
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


def measure(label: str, model, out: Path) -> tuple[float, float, int]:
    system = threatmodel.load(model)
    analysis = threatmodel.analyze(system)
    tracemalloc.start()
    started = time.perf_counter()
    pdf = render_report_pdf(
        system_name=system.name, revision=1, model=system, analysis=analysis, authors=["Bench"]
    )
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    out.write_bytes(pdf)
    pages = int(
        next(
            line.split()[-1]
            for line in subprocess.run(
                ["pdfinfo", str(out)], capture_output=True, text=True, check=True
            ).stdout.splitlines()
            if line.startswith("Pages:")
        )
    )
    status = "ok" if seconds < TARGET_SECONDS else "OVER TARGET"
    print(
        f"{label}: {len(system.elements)} elements, {len(system.flows)} flows, "
        f"{len(analysis.findings)} findings -> {pages} pages, {len(pdf) / 1024:.0f} KiB, "
        f"{seconds:.2f} s, peak Python memory {peak / 2**20:.0f} MiB "
        f"(target < {TARGET_SECONDS:.0f} s: {status})"
    )
    return seconds, peak, pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--png", action="store_true", help="write docs/report-page1.png")
    parser.add_argument("--size", type=int, default=300, help="elements in the large system")
    args = parser.parse_args()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        seed_pdf = Path(tmp) / "seed.pdf"
        measure("seed example", SEED, seed_pdf)
        measure(f"{args.size}-element system", repaired_system(args.size), Path(tmp) / "big.pdf")
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
                    str(seed_pdf),
                    str(docs / "report-page1"),
                ],
                check=True,
            )
            print(f"wrote {docs / 'report-page1.png'}")


if __name__ == "__main__":
    main()
