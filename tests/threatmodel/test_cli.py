"""The command line: python -m threatmodel check FILE."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from threatmodel.__main__ import main

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "saas-docs.yaml"
CLEAN = ROOT / "examples" / "clinic-well-kept.yaml"
SARIF_SCHEMA = Path(__file__).parent / "sarif" / "sarif-2.1.0-rtm.5.json"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_text_output_is_worst_first_with_the_plan_at_the_end(capsys):
    code, out, _ = run(capsys, str(SEED))
    assert code == 1
    severities = [
        line.split()[0] for line in out.splitlines() if line[:1].isupper() and "  " in line
    ]
    order = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO"]
    ranks = [order.index(s) for s in severities if s in order]
    assert ranks == sorted(ranks) and ranks
    assert "Remediation plan" in out
    assert out.index("Remediation plan") > out.index("CRITICAL")


def test_json_output_has_findings_plan_and_metrics(capsys):
    code, out, _ = run(capsys, str(SEED), "--format", "json")
    document = json.loads(out)
    assert set(document) == {"findings", "plan", "metrics"}
    finding = document["findings"][0]
    for field in ("rule", "severity", "subject", "path", "title", "evidence", "remediation"):
        assert field in finding
    assert len(finding["fingerprint"]) == 16
    assert code == 1


def test_json_output_is_byte_identical_across_runs():
    command = [sys.executable, "-m", "threatmodel", "check", str(SEED), "--format", "json"]
    first = subprocess.run(command, capture_output=True, cwd=ROOT, check=False)
    second = subprocess.run(command, capture_output=True, cwd=ROOT, check=False)
    assert first.stdout == second.stdout
    assert first.stdout


def test_sarif_output_is_valid_and_points_at_model_lines(capsys):
    _, out, _ = run(capsys, str(SEED), "--format", "sarif")
    sarif = json.loads(out)
    schema = json.loads(SARIF_SCHEMA.read_text())
    jsonschema.validate(sarif, schema)
    results = sarif["runs"][0]["results"]
    assert results
    lines = SEED.read_text().splitlines()
    for result in results:
        location = result["locations"][0]["physicalLocation"]
        subject = result["locations"][0]["logicalLocations"][0]["name"]
        line = location["region"]["startLine"]
        assert f"id: {subject}" in lines[line - 1], (subject, line)


def test_fail_on_decides_the_exit_code(capsys):
    assert run(capsys, str(CLEAN), "--fail-on", "medium")[0] == 0
    assert run(capsys, str(CLEAN), "--fail-on", "info")[0] in (0, 1)
    assert run(capsys, str(SEED), "--fail-on", "critical")[0] == 1
    assert run(capsys, str(SEED), "--fail-on", "none")[0] == 0


def test_today_moves_the_certificate_horizon(capsys):
    _, early, _ = run(capsys, str(SEED), "--format", "json", "--today", "2026-06-01")
    _, late, _ = run(capsys, str(SEED), "--format", "json", "--today", "2028-01-01")
    expired = lambda out: [  # noqa: E731
        f
        for f in json.loads(out)["findings"]
        if f["rule"] == "cert-expiry" and "expired" in f["evidence"]
    ]
    assert not expired(early)
    assert expired(late)


def test_an_invalid_model_exits_2_with_its_errors_on_stderr(tmp_path, capsys):
    model = tmp_path / "broken.yaml"
    model.write_text(
        "format: ciphermap/1\nname: Broken\nelements:\n  - id: api\n    kind: service\n"
        "flows:\n  - id: f1\n    from: api\n    to: ordrs-db\n    protocol: https\n"
    )
    code, out, err = run(capsys, str(model))
    assert code == 2
    assert out == ""
    assert "flows[0]" in err and "ordrs-db" in err


def test_a_missing_file_exits_2(tmp_path, capsys):
    code, _, err = run(capsys, str(tmp_path / "nope.yaml"))
    assert code == 2
    assert "nope.yaml" in err


@pytest.mark.parametrize("example", sorted((ROOT / "examples").glob("*.yaml")))
def test_every_example_is_a_valid_model(example, capsys):
    code, _, err = run(capsys, str(example), "--fail-on", "none")
    assert code == 0, err


def test_a_model_file_larger_than_an_upload_is_checked(tmp_path, capsys):
    big = tmp_path / "big.yaml"
    big.write_text(SEED.read_text() + "#" * (3 * 1024 * 1024) + "\n")
    code, out, err = run(capsys, str(big), "--format", "json")
    assert json.loads(out)["findings"]
    assert code == 1 and not err


def test_max_size_refuses_a_larger_file(tmp_path, capsys):
    code, _, err = run(capsys, str(SEED), "--max-size", "1K")
    assert code == 2
    assert "the document is larger than the 1 KiB limit" in err


def test_max_size_must_be_a_size(capsys):
    with pytest.raises(SystemExit):
        main(["check", str(SEED), "--max-size", "lots"])
    assert "'lots' is not a size such as 64M or 2G" in capsys.readouterr().err
