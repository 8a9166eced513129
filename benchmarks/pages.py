"""Size and time of the system page, which must stay proportional to what it shows.

    .venv/bin/python benchmarks/pages.py [--sizes 300,20000]

For each generated system: the model's size as JSON, the system page's bytes and the
share of its embedded editor settings, the median server time of the page (test client,
no network, throwaway test database), wall and CPU, and the same for `document.json`,
which the editor fetches once the page is up. Targets: the 20,000-element system's page under
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


def timed(client: Client, url: str, runs: int) -> tuple[bytes, float, float]:
    """The response body, and the median wall and CPU seconds of `runs` GETs."""
    walls, cpus, body = [], [], b""
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
        assert response.status_code == 200, (url, response.status_code)
        body = response.content
    return body, statistics.median(walls), statistics.median(cpus)


def measure(client: Client, workspace, user, elements: int, runs: int) -> None:
    document = generate_system(elements)
    system = create_system(workspace, document, user)
    model = len(json.dumps(document, separators=(",", ":")))
    page, wall, cpu = timed(client, f"/systems/{system.pk}/", runs)
    html = page.decode()
    start = html.find('<script id="editor-data"')
    embedded = html.find("</script>", start) - start if start >= 0 else 0
    data, data_wall, data_cpu = timed(client, f"/systems/{system.pk}/document.json", runs)
    status = "ok" if elements < 20000 or len(page) < PAGE_TARGET else "OVER TARGET"
    print(
        f"{elements} elements, {len(document['flows'])} flows, "
        f"{len(system.analysis['findings'])} findings: model {model / 1024:.0f} KiB JSON\n"
        f"  system page {len(page) / 1024:.0f} KiB ({embedded / 1024:.0f} KiB editor data) "
        f"{status}; {wall * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU (median of {runs})\n"
        f"  document.json (fetched by the editor) {len(data) / 1024:.0f} KiB; "
        f"{data_wall * 1000:.0f} ms wall, {data_cpu * 1000:.0f} ms CPU\n"
        f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs",
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
