"""Terraform import speed: a generated plan of 2,000 resources (and more) to a model.

The plan looks like a real one: VPCs with public and private subnets routed through an
internet gateway, load balancers with HTTPS listeners and target groups, ECS services,
Lambda functions with environment variables and IAM roles, RDS databases with KMS keys
and automated backups, S3 buckets with their separate encryption and public access block
resources, SQS queues with event-source mappings, log groups. The target: 2,000 resources
imported (JSON text to a document that loads) in under 2 s.

    .venv/bin/python benchmarks/terraform.py [--sizes 500,2000,10000]
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.threatmodel.terraform_plans import R, plan  # noqa: E402
from threatmodel import analyze, load  # noqa: E402
from threatmodel.formats.terraform import import_plan  # noqa: E402

# One "unit" of infrastructure: 20 resources that refer to each other.
UNIT = 20


def unit(n: int) -> list[R]:
    s = f"u{n}"
    sse = [{"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}]}]}]
    block = dict.fromkeys(
        (
            "block_public_acls",
            "block_public_policy",
            "ignore_public_acls",
            "restrict_public_buckets",
        ),
        True,
    )
    return [
        R("aws_vpc", f"{s}_vpc", {"tags": {"Name": s}}),
        R("aws_internet_gateway", f"{s}_igw", {}, {"vpc_id": [f"aws_vpc.{s}_vpc"]}),
        R("aws_subnet", f"{s}_public", {}, {"vpc_id": [f"aws_vpc.{s}_vpc"]}),
        R("aws_subnet", f"{s}_private", {}, {"vpc_id": [f"aws_vpc.{s}_vpc"]}),
        R("aws_route_table", f"{s}_rt", {}, {"route": [f"aws_internet_gateway.{s}_igw"]}),
        R(
            "aws_route_table_association",
            f"{s}_rta",
            {},
            {
                "subnet_id": [f"aws_subnet.{s}_public"],
                "route_table_id": [f"aws_route_table.{s}_rt"],
            },
        ),
        R("aws_kms_key", f"{s}_key", {"enable_key_rotation": n % 2 == 0}),
        R("aws_lb", f"{s}_lb", {"internal": False}, {"subnets": [f"aws_subnet.{s}_public"]}),
        R("aws_lb_target_group", f"{s}_tg", {"protocol": "HTTP"}),
        R(
            "aws_lb_listener",
            f"{s}_https",
            {"protocol": "HTTPS", "port": 443, "ssl_policy": "ELBSecurityPolicy-2016-08"},
            {
                "load_balancer_arn": [f"aws_lb.{s}_lb"],
                "default_action": [f"aws_lb_target_group.{s}_tg"],
            },
        ),
        R(
            "aws_ecs_task_definition",
            f"{s}_app",
            {
                "container_definitions": json.dumps(
                    [{"environment": [{"name": "API_TOKEN", "value": "x"}]}]
                )
            },
            {"container_definitions": [f"aws_db_instance.{s}_db", f"aws_sqs_queue.{s}_jobs"]},
        ),
        R(
            "aws_ecs_service",
            f"{s}_app",
            {},
            {
                "task_definition": [f"aws_ecs_task_definition.{s}_app"],
                "load_balancer": [f"aws_lb_target_group.{s}_tg"],
                "network_configuration": [f"aws_subnet.{s}_private"],
            },
        ),
        R(
            "aws_db_instance",
            f"{s}_db",
            {"storage_encrypted": True, "engine": "postgres", "backup_retention_period": 7},
            {
                "kms_key_id": [f"aws_kms_key.{s}_key"],
                "db_subnet_group_name": [f"aws_subnet.{s}_private"],
            },
        ),
        R("aws_s3_bucket", f"{s}_files", {"tags": {"data_classification": "confidential"}}),
        R(
            "aws_s3_bucket_server_side_encryption_configuration",
            f"{s}_files",
            {"rule": sse},
            {"bucket": [f"aws_s3_bucket.{s}_files"], "rule": [f"aws_kms_key.{s}_key"]},
        ),
        R(
            "aws_s3_bucket_public_access_block",
            f"{s}_files",
            block,
            {"bucket": [f"aws_s3_bucket.{s}_files"]},
        ),
        R("aws_sqs_queue", f"{s}_jobs", {"sqs_managed_sse_enabled": True}),
        R(
            "aws_lambda_function",
            f"{s}_worker",
            {"environment": [{"variables": {"BUCKET": "b", "DB_PASSWORD": "x"}}]},
            {"environment": [f"aws_s3_bucket.{s}_files"], "role": [f"aws_iam_role.{s}_role"]},
        ),
        R(
            "aws_lambda_event_source_mapping",
            f"{s}_map",
            {},
            {
                "event_source_arn": [f"aws_sqs_queue.{s}_jobs"],
                "function_name": [f"aws_lambda_function.{s}_worker"],
            },
        ),
        R(
            "aws_cloudwatch_log_group",
            f"{s}_logs",
            {},
            {"name": [f"aws_lambda_function.{s}_worker"]},
        ),
    ]


def generated_plan(resources: int) -> dict:
    return plan(*(r for n in range(resources // UNIT) for r in unit(n)))


def best_of(runs: int, fn):
    best, result = float("inf"), None
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,2000,10000")
    args = parser.parse_args()
    print(
        f"{'resources':>9} {'MB':>6} {'import s':>9} {'load s':>7} {'analyze s':>9} "
        f"{'elements':>8} {'flows':>6}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        text = json.dumps(generated_plan(size))
        seconds, result = best_of(3, lambda text=text: import_plan(text))
        load_seconds, system = best_of(3, lambda result=result: load(result.document))
        analyze_seconds, _ = best_of(1, lambda system=system: analyze(system))
        print(
            f"{size:>9} {len(text) / 1e6:>6.1f} {seconds:>9.3f} {load_seconds:>7.3f} "
            f"{analyze_seconds:>9.3f} {len(system.elements):>8} {len(system.flows):>6}"
        )
    print("target: 2,000 resources imported (JSON text to document) in under 2 s")


if __name__ == "__main__":
    main()
