"""The CLI on Terraform plans: import to a model file, check as a CI gate with SARIF."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml

import threatmodel
from tests.threatmodel.terraform_plans import R, plan
from threatmodel.__main__ import main

SARIF_SCHEMA = Path(__file__).parent / "sarif" / "sarif-2.1.0-rtm.5.json"
CONFIDENTIAL = {"tags": {"data_classification": "confidential"}}


def _write(tmp_path: Path, *resources: R, **kwargs) -> Path:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan(*resources, **kwargs)))
    return path


def test_import_terraform_writes_a_model_that_loads(tmp_path, capsys):
    source = _write(tmp_path, R("aws_sqs_queue", "jobs", {"sqs_managed_sse_enabled": True}))
    out = tmp_path / "model.yaml"
    assert main(["import", "terraform", str(source), "-o", str(out)]) == 0
    system = threatmodel.load(out)
    assert [e.id for e in system.elements] == ["sqs-jobs"]
    assert system.name == "plan"  # named after the file
    assert "read as Terraform plan" in capsys.readouterr().err
    assert yaml.safe_load(out.read_text())["elements"][0]["encryption"] == "platform"


def test_import_refuses_a_later_major_format_version(tmp_path, capsys):
    source = _write(tmp_path, R("aws_sqs_queue", "q", {}), format_version="2.0")
    assert main(["import", "terraform", str(source)]) == 2
    assert "newer than this importer reads" in capsys.readouterr().err


def test_check_detects_the_plan_and_fails_on_a_high_finding(tmp_path, capsys):
    values = {"sqs_managed_sse_enabled": False, **CONFIDENTIAL}
    source = _write(tmp_path, R("aws_sqs_queue", "jobs", values))
    assert main(["check", str(source)]) == 1
    out, err = capsys.readouterr()
    assert "unencrypted-store" in out
    assert "read as Terraform plan" in err


def test_check_sarif_points_at_the_resource_addresses(tmp_path, capsys):
    values = {"sqs_managed_sse_enabled": False, **CONFIDENTIAL}
    source = _write(tmp_path, R("aws_sqs_queue", "jobs", values, module="module.queue."))
    main(["check", str(source), "--format", "sarif"])
    sarif = json.loads(capsys.readouterr().out)
    jsonschema.validate(sarif, json.loads(SARIF_SCHEMA.read_text()))
    result = next(r for r in sarif["runs"][0]["results"] if r["ruleId"] == "unencrypted-store")
    names = [n["name"] for n in result["locations"][0]["logicalLocations"]]
    assert names == ["sqs-queue-jobs", "module.queue.aws_sqs_queue.jobs"]
    assert result["message"]["text"].startswith("This plan introduces it.")


def test_introduced_only_ignores_findings_on_resources_the_plan_leaves_alone(tmp_path, capsys):
    values = {"sqs_managed_sse_enabled": False, **CONFIDENTIAL}
    unchanged = _write(tmp_path, R("aws_sqs_queue", "jobs", values, action="no-op"))
    assert main(["check", str(unchanged), "--introduced-only"]) == 0
    assert main(["check", str(unchanged)]) == 1
    created = _write(tmp_path, R("aws_sqs_queue", "jobs", values))
    assert main(["check", str(created), "--introduced-only"]) == 1
    capsys.readouterr()
