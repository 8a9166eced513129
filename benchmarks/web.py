"""Web speed: a property change on a 300-element system, the findings page, and a review
meeting (the next finding of a walk-through, recording a decision, the comparison with
the previous signed-off review).

One property change is what the editor does all day: the htmx form POST validates the
whole document with the engine, saves it with a version check and a revision, re-analyzes,
and answers with the form, the findings panel and the model tables. Target: under 150 ms
server time. Prints median and best of several runs, measured around Django's handler
(test client, no network), on a throwaway test database.

    .venv/bin/python benchmarks/web.py [--elements 300] [--runs 15]
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

import threatmodel  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from examples.generate import generate_system  # noqa: E402
from reviews.forms import ElementForm  # noqa: E402
from reviews.models import Decision, Membership, System, Workspace  # noqa: E402
from reviews.services import create_system, save_document  # noqa: E402

HTMX = {"HX-Request": "true"}


def timed(runs: int, fn) -> tuple[float, float]:
    """(median, best) in milliseconds."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), min(samples)


def _review_steps(client, system, user):
    """A signed-off review of the system, an edit, and a second review open for decisions:
    (next finding, record a decision, comparison page) as callables."""
    import datetime as dt

    from reviews import reviewing

    first = reviewing.create_review(system, title="First", date=dt.date(2026, 11, 1), author=user)
    reviewing.record_override(first, user, "benchmark")
    reviewing.sign(first, user)
    system.refresh_from_db()
    document = json.loads(json.dumps(system.document))
    document["elements"][0]["description"] = "changed after the first review"
    system = save_document(system, document, base_version=system.version, author=user)
    review = reviewing.create_review(system, title="Second", date=dt.date(2026, 12, 1), author=user)
    ordered = [f["fingerprint"] for f in reviewing.walk_order(review)]
    print(f"review: {len(ordered)} findings to walk through")
    position = {"next": 0, "decided": 0}

    def walk():
        fingerprint = ordered[position["next"] % len(ordered)]
        position["next"] += 1
        response = client.get(f"/reviews/{review.pk}/walk/?at={fingerprint}")
        assert response.status_code == 200

    def decide():
        fingerprint = ordered[position["decided"] % len(ordered)]
        position["decided"] += 1
        base = (
            Decision.objects.filter(system=system, fingerprint=fingerprint)
            .values_list("revision_count", flat=True)
            .first()
        )
        data = {"state": "in-discussion", "base_revision": base or 0, "note": "bench"}
        url = f"/reviews/{review.pk}/findings/{fingerprint}/decide/"
        response = client.post(url, data, headers=HTMX)
        assert response.status_code == 200, response.content[:500]

    def comparison():
        assert client.get(f"/reviews/{review.pk}/changes/").status_code == 200

    def comparison_cold():
        # The first comparison in a process rebuilds both frozen versions' documents.
        reviewing._frozen_document.cache_clear()
        reviewing._frozen_analysis.cache_clear()
        comparison()

    return walk, decide, comparison, comparison_cold


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--elements", type=int, default=300)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        user = get_user_model().objects.create_user("bench")
        workspace = Workspace.objects.create(name="Bench")
        Membership.objects.create(workspace=workspace, user=user, role=Membership.OWNER)
        document = generate_system(args.elements)
        system = create_system(workspace, document, user)
        client = Client()
        client.force_login(user)
        findings = len(system.analysis["findings"])
        print(
            f"system: {len(document['elements'])} elements, "
            f"{len(document.get('flows', []))} flows, {findings} findings"
        )

        service = next(e for e in system.document["elements"] if e["kind"] == "service")
        edit_url = f"/systems/{system.pk}/elements/{service['id']}/"
        form = ElementForm(document=system.document, item=service)
        fields = {k: v for k, v in form.initial.items() if k in form.fields}
        flip = {"value": False}

        def property_change():
            flip["value"] = not flip["value"]
            version = System.objects.values_list("version", flat=True).get(pk=system.pk)
            data = {**fields, "base_version": version, "rate_limited": flip["value"]}
            data = {k: v for k, v in data.items() if v not in (None, False)}
            response = client.post(edit_url, data, headers=HTMX)
            assert response.status_code == 200, response.content[:500]
            assert "modelChanged" in response["HX-Trigger"]

        def document_save():
            current = client.get(f"/systems/{system.pk}/document.json").json()
            moved = current["document"]
            moved["elements"][0]["position"] = {"x": time.perf_counter() % 1000, "y": 1.0}
            body = json.dumps({"base_version": current["version"], "document": moved})
            response = client.post(
                f"/systems/{system.pk}/document.json", body, content_type="application/json"
            )
            assert response.status_code == 200

        def findings_page():
            assert client.get(f"/systems/{system.pk}/findings/").status_code == 200

        def findings_fragment():
            assert client.get(f"/systems/{system.pk}/findings/", headers=HTMX).status_code == 200

        def system_page():
            assert client.get(f"/systems/{system.pk}/").status_code == 200

        def engine_only():
            threatmodel.analyze(threatmodel.load(system.document)).to_dict()

        walk, decide, comparison, comparison_cold = _review_steps(client, system, user)
        property_change()  # warm caches and template loading
        walk()
        rows = [
            ("property change (htmx save + analyze + panels)", property_change, 150),
            ("  of which the engine (load + analyze)", engine_only, None),
            ("editor document save (JSON, GET + POST)", document_save, None),
            ("findings page", findings_page, None),
            ("findings fragment (htmx)", findings_fragment, None),
            ("system page", system_page, None),
            ("walk-through: next finding (page)", walk, 100),
            ("recording a decision (htmx)", decide, 100),
            ("review comparison with the previous review", comparison, 300),
            ("  the same, first time in a process", comparison_cold, 300),
        ]
        print(f"{'what':50} {'median ms':>10} {'best ms':>9}  target")
        for label, fn, target in rows:
            median, best = timed(args.runs, fn)
            verdict = ""
            if target:
                verdict = f"< {target} ms " + ("ok" if median < target else "MISSED")
            print(f"{label:50} {median:10.1f} {best:9.1f}  {verdict}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
