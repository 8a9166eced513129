"""Two saves based on the same version, at the same moment: exactly one wins.

Needs a database server that runs the two transactions in parallel; SQLite serializes
writers, so this runs on PostgreSQL (CI runs the suite on both).
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from reviews import services
from reviews.models import System
from tests.conftest import make_system, make_user, make_workspace, sample_document

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)"
    ),
]


def test_concurrent_saves_on_one_base_version_let_exactly_one_through():
    user = make_user("racer")
    system = make_system(make_workspace(owner=user), author=user)
    start = threading.Barrier(4)
    outcomes: list[str] = []

    def save(name: str) -> None:
        try:
            mine = System.objects.get(pk=system.pk)
            start.wait()
            services.save_document(mine, sample_document(name=name), base_version=1, author=user)
            outcomes.append("saved")
        except services.StaleVersion:
            outcomes.append("stale")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(f"writer {n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    system.refresh_from_db()
    assert sorted(outcomes) == ["saved", "stale", "stale", "stale"]
    assert system.version == 2
    assert system.revisions.count() == 2
    assert system.name.startswith("writer ")


@pytest.mark.parametrize("decided_before", [False, True])
def test_concurrent_decisions_on_one_finding_let_exactly_one_through(decided_before):
    """The first decision on a finding (the row is created) and a change of an existing
    one (the row is updated): either way one of four wins, the others see a conflict."""
    from reviews.decisions import DecisionConflict, record_decision
    from reviews.models import Decision, DecisionEvent

    user = make_user("racer")
    system = make_system(make_workspace(owner=user), author=user)
    fingerprint = system.analysis["findings"][0]["fingerprint"]
    base = 0
    if decided_before:
        record_decision(system, fingerprint, "in-discussion", actor=user)
        base = 1
    start = threading.Barrier(4)
    outcomes: list[str] = []

    def decide(n: int) -> None:
        try:
            start.wait()
            record_decision(
                system,
                fingerprint,
                "false-positive",
                actor=user,
                reason=f"racer {n}",
                base_revision=base,
            )
            outcomes.append("decided")
        except DecisionConflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "decided"]
    decision = Decision.objects.get()
    assert decision.revision_count == base + 1
    assert DecisionEvent.objects.count() == base + 1
    assert decision.current.reason.startswith("racer ")
