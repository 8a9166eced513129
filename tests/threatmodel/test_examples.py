"""The shipped examples tell the stories they claim to tell."""

from __future__ import annotations

from pathlib import Path

from threatmodel import analyze, load

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_the_saas_seed_shows_the_classic_mistakes():
    analysis = analyze(load(EXAMPLES / "saas-docs.yaml"))
    rules = {f.rule for f in analysis.findings}
    for expected in (
        "unencrypted-hop",
        "e2e-gap",
        "weak-tls",
        "cert-validation-disabled",
        "cert-expiry",
        "unprotected-backup",
        "backup-shares-key",
        "weaker-copy",
        "shared-key",
        "key-in-app-config",
        "master-key-outside-kms",
        "compromised-key",
        "insecure-broker",
        "sensitive-data-in-logs",
        "third-party-without-agreement",
        "no-rate-limit",
    ):
        assert expected in rules, expected
    assert analysis.metrics["severity_counts"]["critical"] > 0


def test_the_well_kept_example_has_nothing_of_medium_or_above():
    analysis = analyze(load(EXAMPLES / "clinic-well-kept.yaml"))
    serious = [f for f in analysis.findings if f.severity in ("medium", "high", "critical")]
    assert serious == [], [(f.rule, f.subject, f.evidence) for f in serious]


def test_the_generator_makes_valid_systems_of_the_requested_size():
    from examples.generate import generate_system

    doc = generate_system(200, seed=7)
    system = load(doc)
    assert len(system.elements) == 200
    assert 380 <= len(system.flows) <= 400
    assert analyze(system).findings
