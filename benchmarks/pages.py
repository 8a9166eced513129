"""Size and time of the system page, which must stay proportional to what it shows.

    .venv/bin/python benchmarks/pages.py [--sizes 300,20000]

For each generated system: the model's size as JSON, the system page's bytes and the
share of its embedded editor data, and the median server time of the page (test client,
no network, throwaway test database). Targets: the 20,000-element system's page under
2 MB; the 300-element system's page as fast as before.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from examples.generate import generate_system  # noqa: E402
from reviews.models import Membership, Workspace  # noqa: E402
from reviews.services import create_system  # noqa: E402

PAGE_TARGET = 2 * 1024 * 1024


def measure(client: Client, workspace, user, elements: int, runs: int) -> None:
    document = generate_system(elements)
    system = create_system(workspace, document, user)
    model = len(json.dumps(document, separators=(",", ":")))
    url = f"/systems/{system.pk}/"
    times, size, embedded = [], 0, 0
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        page = response.content.decode()
        size = len(response.content)
        start = page.find('<script id="editor-data"')
        embedded = page.find("</script>", start) - start if start >= 0 else 0
    status = "ok" if elements < 20000 or size < PAGE_TARGET else "OVER TARGET"
    print(
        f"{elements} elements, {len(document['flows'])} flows, "
        f"{len(system.analysis['findings'])} findings: model {model / 1024:.0f} KiB JSON; "
        f"page {size / 1024:.0f} KiB ({embedded / 1024:.0f} KiB editor data) {status}; "
        f"{statistics.median(times) * 1000:.0f} ms median of {runs}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="300,20000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        user = get_user_model().objects.create_user("bench")
        workspace = Workspace.objects.create(name="Bench")
        Membership.objects.create(workspace=workspace, user=user, role=Membership.OWNER)
        client = Client()
        client.force_login(user)
        for size in (int(s) for s in args.sizes.split(",")):
            measure(client, workspace, user, size, args.runs if size <= 1000 else 2)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
