"""Importer speed: a Threat Dragon diagram of 2,600, 13,000 and 26,000 shapes, all named
alike (the shape that made ID generation quadratic: 26,000 shapes timed out).

Prints a table; the target is time growing no faster than linearly in the shape count.

    .venv/bin/python benchmarks/importers.py [--sizes 2600,13000,26000]
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from threatmodel.formats.threatdragon import to_document  # noqa: E402


def threat_dragon_chain(shapes: int) -> dict:
    """`shapes` processes all called "Process", each flowing to the next."""
    cells = [
        {
            "id": f"p{i}",
            "shape": "process",
            "position": {"x": (i % 100) * 150, "y": (i // 100) * 150},
            "size": {"width": 100, "height": 60},
            "data": {"name": "Process"},
        }
        for i in range(shapes)
    ]
    cells += [
        {
            "id": f"f{i}",
            "shape": "flow",
            "source": {"cell": f"p{i}"},
            "target": {"cell": f"p{i + 1}"},
            "data": {"name": "Flow", "protocol": "HTTPS"},
        }
        for i in range(shapes - 1)
    ]
    return {
        "version": "2.3.0",
        "summary": {"title": "Chain"},
        "detail": {"diagrams": [{"title": "Chain", "cells": cells}]},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="2600,13000,26000")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    print(f"{'shapes':>8} {'elements':>9} {'flows':>7} {'seconds':>8} {'per 1,000':>10}")
    for size in sizes:
        model = threat_dragon_chain(size)
        gc.collect()
        start = time.perf_counter()
        document = to_document(model)
        seconds = time.perf_counter() - start
        print(
            f"{size:>8} {len(document['elements']):>9} {len(document['flows']):>7}"
            f" {seconds:>8.2f} {seconds / size * 1000:>10.3f}"
        )


if __name__ == "__main__":
    main()
