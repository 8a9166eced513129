"""Terraform plan import: each mapped resource type, encrypted and not, and the flows."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

import threatmodel
from tests.threatmodel.terraform_plans import R, plan
from threatmodel.formats.terraform import (
    ELB_SSL_POLICIES,
    RESOURCES,
    import_plan,
    is_terraform_plan,
    looks_like_secret,
    sarif_with_addresses,
)
from threatmodel.load import ModelError

SAMPLE = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "samples" / "tfplan-click-logs.json"
)
KMS = R("aws_kms_key", "main", {"enable_key_rotation": True, "description": "main key"})


def imported(*resources: R) -> dict:
    document = import_plan(plan(*resources)).document
    threatmodel.load(document)  # every import must load
    return document


def element(document: dict, element_id: str) -> dict:
    return next(e for e in document["elements"] if e["id"] == element_id)


def flows(document: dict) -> set[tuple[str, str]]:
    return {(f["from"], f["to"]) for f in document.get("flows", ())}


def flow(document: dict, source: str, target: str) -> dict:
    return next(f for f in document["flows"] if (f["from"], f["to"]) == (source, target))


# --- at rest, one type at a time ----------------------------------------------------------

AT_REST = [
    # (resource, element id, expected encryption)
    (
        R("aws_db_instance", "db", {"storage_encrypted": True, "engine": "postgres"}),
        "rds-db",
        "tde",
    ),
    (R("aws_db_instance", "db", {"storage_encrypted": False}), "rds-db", "none"),
    (
        R(
            "aws_db_instance",
            "db",
            {"storage_encrypted": True},
            {"kms_key_id": ["aws_kms_key.main"]},
        ),
        "rds-db",
        "tde-cmk",
    ),
    (R("aws_rds_cluster", "aurora", {"storage_encrypted": True}), "rds-aurora", "tde"),
    (R("aws_rds_cluster", "aurora", {"storage_encrypted": False}), "rds-aurora", "none"),
    (
        R("aws_elasticache_replication_group", "c", {"at_rest_encryption_enabled": True}),
        "cache-c",
        "platform",
    ),
    (
        R("aws_elasticache_replication_group", "c", {"at_rest_encryption_enabled": False}),
        "cache-c",
        "none",
    ),
    (R("aws_elasticache_cluster", "c", {"engine": "memcached"}), "cache-c", None),
    (R("aws_msk_cluster", "k", {}), "msk-k", "platform"),
    (R("aws_msk_cluster", "k", {}, {"encryption_info": ["aws_kms_key.main"]}), "msk-k", "sse-kms"),
    (R("aws_mq_broker", "mq", {"engine_type": "RabbitMQ"}), "mq-mq", "platform"),
    (
        R("aws_mq_broker", "mq", {"encryption_options": [{"use_aws_owned_key": False}]}),
        "mq-mq",
        "sse-kms",
    ),
    (R("aws_dynamodb_table", "t", {}), "ddb-t", "platform"),
    (
        R(
            "aws_dynamodb_table",
            "t",
            {"server_side_encryption": [{"enabled": True}]},
            {"server_side_encryption": ["aws_kms_key.main"]},
        ),
        "ddb-t",
        "sse-kms",
    ),
    (
        R("aws_opensearch_domain", "s", {"encrypt_at_rest": [{"enabled": True}]}),
        "search-s",
        "platform",
    ),
    (
        R("aws_opensearch_domain", "s", {"encrypt_at_rest": [{"enabled": False}]}),
        "search-s",
        "none",
    ),
    (R("aws_elasticsearch_domain", "s", {"encrypt_at_rest": []}), "search-s", "none"),
    (
        R("aws_redshift_cluster", "w", {"encrypted": True}, {"kms_key_id": ["aws_kms_key.main"]}),
        "redshift-w",
        "sse-kms",
    ),
    (R("aws_redshift_cluster", "w", {"encrypted": False}), "redshift-w", "none"),
    (R("aws_efs_file_system", "f", {"encrypted": True}), "efs-f", "platform"),
    (R("aws_efs_file_system", "f", {"encrypted": False}), "efs-f", "none"),
    (R("aws_ebs_volume", "v", {"encrypted": True}), "ebs-v", "disk"),
    (R("aws_ebs_volume", "v", {"encrypted": None}), "ebs-v", "none"),
    (R("aws_sqs_queue", "q", {"sqs_managed_sse_enabled": True}), "sqs-q", "platform"),
    (
        R("aws_sqs_queue", "q", {"kms_master_key_id": "arn:aws:kms:eu-west-1:1:key/abc"}),
        "sqs-q",
        "sse-kms",
    ),
    (R("aws_sqs_queue", "q", {"sqs_managed_sse_enabled": False}), "sqs-q", "none"),
    (R("aws_sns_topic", "t", {"kms_master_key_id": "alias/aws/sns"}), "sns-t", "platform"),
    (R("aws_sns_topic", "t", {"kms_master_key_id": None}), "sns-t", "none"),
    (
        R("aws_kinesis_stream", "s", {"encryption_type": "KMS", "kms_key_id": "alias/aws/kinesis"}),
        "kinesis-s",
        "platform",
    ),
    (R("aws_kinesis_stream", "s", {"encryption_type": "NONE"}), "kinesis-s", "none"),
    (
        R(
            "aws_kinesis_firehose_delivery_stream",
            "h",
            {"server_side_encryption": [{"enabled": True, "key_type": "CUSTOMER_MANAGED_CMK"}]},
        ),
        "firehose-h",
        "sse-kms",
    ),
    (
        R("aws_kinesis_firehose_delivery_stream", "h", {"server_side_encryption": []}),
        "firehose-h",
        "none",
    ),
    (R("aws_cloudwatch_log_group", "l", {"kms_key_id": None}), "logs-l", "platform"),
    (
        R("aws_cloudwatch_log_group", "l", {}, {"kms_key_id": ["aws_kms_key.main"]}),
        "logs-l",
        "sse-kms",
    ),
    (R("aws_backup_vault", "v", {}), "vault-v", "platform"),
    (R("aws_backup_vault", "v", {}, {"kms_key_arn": ["aws_kms_key.main"]}), "vault-v", "sse-kms"),
    (
        R(
            "aws_s3_bucket",
            "b",
            {
                "server_side_encryption_configuration": [
                    {
                        "rule": [
                            {
                                "apply_server_side_encryption_by_default": [
                                    {"sse_algorithm": "AES256"}
                                ]
                            }
                        ]
                    }
                ]
            },
        ),
        "s3-b",
        "sse-s3",
    ),
    (
        R(
            "aws_s3_bucket",
            "b",
            {
                "server_side_encryption_configuration": [
                    {
                        "rule": [
                            {
                                "apply_server_side_encryption_by_default": [
                                    {
                                        "sse_algorithm": "aws:kms",
                                        "kms_master_key_id": "arn:aws:kms:eu-west-1:1:key/x",
                                    }
                                ]
                            }
                        ]
                    }
                ]
            },
        ),
        "s3-b",
        "sse-kms",
    ),
    (R("aws_s3_bucket", "b", {"server_side_encryption_configuration": []}), "s3-b", None),
]


@pytest.mark.parametrize(("resource", "element_id", "encryption"), AT_REST)
def test_each_store_type_reads_its_encryption(resource, element_id, encryption):
    document = imported(KMS, resource)
    store = element(document, element_id)
    assert store["kind"] == RESOURCES[resource.type].kind
    assert store.get("encryption") == encryption
    if encryption in ("sse-kms", "tde-cmk") and resource.refs:
        assert store["key"] == "kms-main"


def test_every_store_type_is_covered_by_a_case():
    store_types = {
        t
        for t, kind in RESOURCES.items()
        if kind.kind not in ("function", "service", "gateway", "backup")
    }
    assert store_types - {case[0].type for case in AT_REST} == set()


def test_a_value_known_only_after_apply_stays_unstated():
    document = imported(R("aws_db_instance", "db", {}, unknown={"storage_encrypted": True}))
    db = element(document, "rds-db")
    assert "encryption" not in db
    assert "after apply" in db["description"]


def test_a_new_bucket_with_computed_encryption_states_neither_encryption_nor_data():
    document = imported(
        R(
            "aws_s3_bucket",
            "b",
            {"bucket": "b"},
            unknown={"server_side_encryption_configuration": True},
        )
    )
    bucket = element(document, "s3-b")
    assert "encryption" not in bucket and "stores" not in bucket
    assert "known only after apply" in bucket["description"]


def test_the_separate_sse_resource_encrypts_the_bucket_with_its_key():
    document = imported(
        KMS,
        R("aws_s3_bucket", "b", {"server_side_encryption_configuration": []}),
        R(
            "aws_s3_bucket_server_side_encryption_configuration",
            "b",
            {"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}]}]},
            {"bucket": ["aws_s3_bucket.b"], "rule": ["aws_kms_key.main"]},
        ),
    )
    bucket = element(document, "s3-b")
    assert (bucket["encryption"], bucket["key"]) == ("sse-kms", "kms-main")
    assert "no server-side encryption" not in bucket["description"]


def test_sse_kms_with_the_aws_managed_key_is_provider_managed():
    document = imported(
        R("aws_s3_bucket", "b", {}),
        R(
            "aws_s3_bucket_server_side_encryption_configuration",
            "b",
            {"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}]}]},
            {"bucket": ["aws_s3_bucket.b"]},
        ),
    )
    assert element(document, "s3-b")["encryption"] == "platform"


@pytest.mark.parametrize(
    ("companion", "public"),
    [
        (
            R("aws_s3_bucket_acl", "b", {"acl": "public-read"}, {"bucket": ["aws_s3_bucket.b"]}),
            True,
        ),
        (R("aws_s3_bucket_acl", "b", {"acl": "private"}, {"bucket": ["aws_s3_bucket.b"]}), False),
        (
            R(
                "aws_s3_bucket_policy",
                "b",
                {
                    "policy": json.dumps(
                        {
                            "Statement": [
                                {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}
                            ]
                        }
                    )
                },
                {"bucket": ["aws_s3_bucket.b"]},
            ),
            True,
        ),
        (
            R(
                "aws_s3_bucket_policy",
                "b",
                {
                    "policy": json.dumps(
                        {
                            "Statement": [
                                {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}}
                            ]
                        }
                    )
                },
                {"bucket": ["aws_s3_bucket.b"]},
            ),
            False,
        ),
    ],
)
def test_bucket_acl_and_policy_make_it_public_or_not(companion, public):
    document = imported(R("aws_s3_bucket", "b", {}), companion)
    assert element(document, "s3-b").get("public_access", False) is public


def test_a_public_access_block_overrides_a_public_acl():
    block = {
        k: True
        for k in (
            "block_public_acls",
            "block_public_policy",
            "ignore_public_acls",
            "restrict_public_buckets",
        )
    }
    document = imported(
        R("aws_s3_bucket", "b", {"acl": "public-read"}),
        R("aws_s3_bucket_public_access_block", "b", block, {"bucket": ["aws_s3_bucket.b"]}),
    )
    bucket = element(document, "s3-b")
    assert "public_access" not in bucket
    assert "public access blocked" in bucket["description"]


def test_a_bucket_policy_denying_insecure_transport_makes_flows_to_it_https():
    policy = {
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": "*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ]
    }
    document = imported(
        R("aws_s3_bucket", "b", {"policy": json.dumps(policy)}),
        R("aws_lambda_function", "f", {}, {"environment": ["aws_s3_bucket.b"]}),
    )
    assert flow(document, "fn-f", "s3-b")["protocol"] == "https"


def test_public_rds_with_automated_backups_sharing_its_key():
    document = imported(
        KMS,
        R(
            "aws_db_instance",
            "db",
            {"storage_encrypted": True, "publicly_accessible": True, "backup_retention_period": 7},
            {"kms_key_id": ["aws_kms_key.main"]},
        ),
    )
    db = element(document, "rds-db")
    backup = element(document, "rds-db-backups")
    assert db["public_access"] is True
    assert (backup["kind"], backup["backup_of"], backup["encryption"], backup["key"]) == (
        "backup",
        "rds-db",
        "tde-cmk",
        "kms-main",
    )
    rules = {f.rule for f in threatmodel.analyze(threatmodel.load(document)).findings}
    assert "backup-shares-key" in rules


def test_no_automated_backups_when_retention_is_zero():
    document = imported(
        R("aws_db_instance", "db", {"storage_encrypted": True, "backup_retention_period": 0})
    )
    assert [e["id"] for e in document["elements"]] == ["rds-db"]


def test_snapshots_are_backups_of_their_source():
    document = imported(
        R("aws_ebs_volume", "v", {"encrypted": True}),
        R(
            "aws_ebs_snapshot",
            "s",
            {},
            {"volume_id": ["aws_ebs_volume.v"]},
            unknown={"encrypted": True},
        ),
        R("aws_db_instance", "db", {"storage_encrypted": False}),
        R(
            "aws_db_snapshot",
            "d",
            {"encrypted": False},
            {"db_instance_identifier": ["aws_db_instance.db"]},
        ),
    )
    assert element(document, "snap-s")["backup_of"] == "ebs-v"
    assert "encryption" not in element(document, "snap-s")
    assert (
        element(document, "snap-d")["backup_of"],
        element(document, "snap-d")["encryption"],
    ) == ("rds-db", "none")


def test_aws_backup_selection_makes_the_vault_a_backup_of_the_resource():
    document = imported(
        R("aws_dynamodb_table", "t", {}),
        R("aws_backup_vault", "v", {}),
        R(
            "aws_backup_vault_lock_configuration",
            "v",
            {},
            {"backup_vault_name": ["aws_backup_vault.v"]},
        ),
        R(
            "aws_backup_plan",
            "p",
            {"rule": [{"copy_action": [{"destination_vault_arn": "arn:x"}]}]},
            {"rule": ["aws_backup_vault.v"]},
        ),
        R(
            "aws_backup_selection",
            "s",
            {},
            {"plan_id": ["aws_backup_plan.p"], "resources": ["aws_dynamodb_table.t"]},
        ),
    )
    vault = element(document, "vault-v")
    assert (vault["backup_of"], vault["immutable"], vault["offsite"]) == ("ddb-t", True, True)


# --- in transit -------------------------------------------------------------------------


@pytest.mark.parametrize(("transit", "protocol"), [(True, "redis-tls"), (False, "redis")])
def test_elasticache_transit_encryption_sets_the_protocol_into_it(transit, protocol):
    document = imported(
        R(
            "aws_elasticache_replication_group",
            "c",
            {"transit_encryption_enabled": transit, "at_rest_encryption_enabled": True},
        ),
        R("aws_lambda_function", "f", {}, {"environment": ["aws_elasticache_replication_group.c"]}),
    )
    assert flow(document, "fn-f", "cache-c")["protocol"] == protocol


@pytest.mark.parametrize(
    ("client_broker", "protocol"),
    [("TLS", "kafka-tls"), ("TLS_PLAINTEXT", "kafka"), ("PLAINTEXT", "kafka")],
)
def test_msk_client_broker_sets_the_protocol(client_broker, protocol):
    info = [{"encryption_in_transit": [{"client_broker": client_broker, "in_cluster": False}]}]
    document = imported(
        R("aws_msk_cluster", "k", {"encryption_info": info}),
        R("aws_ecs_task_definition", "app", {}, {"container_definitions": ["aws_msk_cluster.k"]}),
    )
    assert flow(document, "ecs-app", "msk-k")["protocol"] == protocol
    assert "in_cluster false" in element(document, "msk-k")["description"].lower()


def test_opensearch_enforce_https_and_tls_policy():
    options = [{"enforce_https": True, "tls_security_policy": "Policy-Min-TLS-1-0-2019-07"}]
    document = imported(
        R(
            "aws_opensearch_domain",
            "s",
            {"domain_endpoint_options": options, "node_to_node_encryption": [{"enabled": False}]},
        ),
        R("aws_lambda_function", "f", {}, {"environment": ["aws_opensearch_domain.s"]}),
    )
    hop = flow(document, "fn-f", "search-s")
    assert (hop["protocol"], hop["tls"]["min_version"]) == ("https", "1.0")
    assert "node-to-node" in element(document, "search-s")["description"].lower()
    assert "weak-tls" in {f.rule for f in threatmodel.analyze(threatmodel.load(document)).findings}


def test_opensearch_without_https_is_http():
    document = imported(
        R("aws_opensearch_domain", "s", {"domain_endpoint_options": [{"enforce_https": False}]}),
        R("aws_lambda_function", "f", {}, {"environment": ["aws_opensearch_domain.s"]}),
    )
    assert flow(document, "fn-f", "search-s")["protocol"] == "http"


def test_rds_parameter_group_forcing_tls_makes_flows_postgres_tls():
    document = imported(
        R("aws_db_parameter_group", "pg", {"parameter": [{"name": "rds.force_ssl", "value": "1"}]}),
        R(
            "aws_db_instance",
            "db",
            {"engine": "postgres", "storage_encrypted": True},
            {"parameter_group_name": ["aws_db_parameter_group.pg"]},
        ),
        R("aws_ecs_task_definition", "app", {}, {"container_definitions": ["aws_db_instance.db"]}),
    )
    assert flow(document, "ecs-app", "rds-db")["protocol"] == "postgres-tls"


def test_rds_without_a_tls_parameter_leaves_the_protocol_unstated():
    document = imported(
        R("aws_db_instance", "db", {"engine": "mysql", "storage_encrypted": True}),
        R("aws_ecs_task_definition", "app", {}, {"container_definitions": ["aws_db_instance.db"]}),
    )
    assert "protocol" not in flow(document, "ecs-app", "rds-db")


def _load_balancer(listener: dict, internal: bool = False) -> list[R]:
    return [
        R("aws_lb", "web", {"internal": internal, "load_balancer_type": "application"}),
        R("aws_lb_target_group", "app", {"protocol": "HTTP"}),
        R(
            "aws_lb_listener",
            "front",
            listener,
            {"load_balancer_arn": ["aws_lb.web"], "default_action": ["aws_lb_target_group.app"]},
        ),
        R("aws_ecs_task_definition", "app", {}),
        R(
            "aws_ecs_service",
            "app",
            {},
            {
                "task_definition": ["aws_ecs_task_definition.app"],
                "load_balancer": ["aws_lb_target_group.app"],
            },
        ),
    ]


@pytest.mark.parametrize(
    ("policy", "min_version", "forward_secrecy"),
    [
        ("ELBSecurityPolicy-2016-08", "1.0", False),
        ("ELBSecurityPolicy-TLS13-1-2-Res-2021-06", "1.2", True),
        ("ELBSecurityPolicy-TLS13-1-3-2021-06", "1.3", True),
    ],
)
def test_https_listener_reads_its_ssl_policy(policy, min_version, forward_secrecy):
    document = imported(
        *_load_balancer(
            {
                "protocol": "HTTPS",
                "port": 443,
                "ssl_policy": policy,
                "default_action": [{"type": "forward"}],
            }
        )
    )
    front = flow(document, "internet", "lb-web")
    assert front["protocol"] == "https"
    assert front["tls"] == {"min_version": min_version, "forward_secrecy": forward_secrecy}
    assert flow(document, "lb-web", "ecs-app")["protocol"] == "http"


def test_every_ssl_policy_has_a_known_tls_version():
    assert {version for version, _fs in ELB_SSL_POLICIES.values()} <= {"1.0", "1.1", "1.2", "1.3"}


def test_http_listener_on_a_public_load_balancer_is_an_unencrypted_hop():
    document = imported(
        *_load_balancer({"protocol": "HTTP", "port": 80, "default_action": [{"type": "forward"}]})
    )
    assert flow(document, "internet", "lb-web")["protocol"] == "http"
    assert element(document, "lb-web")["internet_facing"] is True
    hops = [
        f
        for f in threatmodel.analyze(threatmodel.load(document)).findings
        if f.rule == "unencrypted-hop"
    ]
    assert any(f.subject == ("internet-to-lb-web",) for f in hops)


def test_a_redirect_only_listener_is_no_flow_and_an_internal_balancer_no_internet_flow():
    document = imported(
        *_load_balancer({"protocol": "HTTP", "port": 80, "default_action": [{"type": "redirect"}]})
    )
    assert ("internet", "lb-web") not in flows(document)
    assert "redirects" in element(document, "lb-web")["description"]
    internal = imported(
        *_load_balancer(
            {"protocol": "HTTPS", "port": 443, "default_action": [{"type": "forward"}]},
            internal=True,
        )
    )
    assert ("internet", "lb-web") not in flows(internal)
    assert ("lb-web", "ecs-app") in flows(internal)


@pytest.mark.parametrize(
    ("viewer", "version", "protocol", "min_version"),
    [
        ("allow-all", "TLSv1.2_2021", "http", None),
        ("redirect-to-https", "TLSv1.2_2021", "https", "1.2"),
        ("https-only", "TLSv1", "https", "1.0"),
    ],
)
def test_cloudfront_viewer_protocol_and_minimum_version(viewer, version, protocol, min_version):
    values = {
        "default_cache_behavior": [{"viewer_protocol_policy": viewer}],
        "viewer_certificate": [
            {"minimum_protocol_version": version, "cloudfront_default_certificate": False}
        ],
    }
    document = imported(R("aws_cloudfront_distribution", "cdn", values))
    front = flow(document, "internet", "cdn-cdn")
    assert front["protocol"] == protocol
    assert front.get("tls", {}).get("min_version") == min_version


def test_api_gateway_is_an_internet_facing_https_entry_with_its_throttling_and_auth():
    document = imported(
        R("aws_api_gateway_rest_api", "api", {"name": "orders"}),
        R(
            "aws_api_gateway_method",
            "post",
            {"authorization": "NONE"},
            {"rest_api_id": ["aws_api_gateway_rest_api.api"]},
        ),
        R(
            "aws_api_gateway_method_settings",
            "all",
            {"settings": [{"throttling_rate_limit": 100}]},
            {"rest_api_id": ["aws_api_gateway_rest_api.api"]},
        ),
        R("aws_lambda_function", "handler", {}),
        R(
            "aws_api_gateway_integration",
            "i",
            {},
            {
                "rest_api_id": ["aws_api_gateway_rest_api.api"],
                "uri": ["aws_lambda_function.handler"],
            },
        ),
    )
    api = element(document, "api-api")
    assert (api["internet_facing"], api["rate_limited"]) == (True, True)
    entry = flow(document, "internet", "api-api")
    assert (entry["protocol"], entry["auth"]) == ("https", "none")
    assert flow(document, "api-api", "fn-handler")["protocol"] == "https"
    assert "aws_api_gateway_integration.i" in flow(document, "api-api", "fn-handler")["description"]


def test_a_private_api_is_not_reachable_from_the_internet():
    document = imported(
        R("aws_api_gateway_rest_api", "api", {"endpoint_configuration": [{"types": ["PRIVATE"]}]})
    )
    assert "internet_facing" not in element(document, "api-api")
    assert not document.get("flows")


# --- services, keys and secrets ------------------------------------------------------------


def test_secret_looking_environment_variables_become_env_var_keys_without_their_values():
    variables = {
        "DB_PASSWORD": "hunter2-very-secret",
        "STRIPE": "sk_live_abcdefghijklmnop",
        "TABLE_NAME": "orders",
        "SECRET_ARN": "arn:aws:secretsmanager:x",
    }
    document = imported(R("aws_lambda_function", "f", {"environment": [{"variables": variables}]}))
    keys = {k["id"]: k for k in document["keys"]}
    assert set(keys) == {"fn-f-env-db-password", "fn-f-env-stripe"}
    assert keys["fn-f-env-db-password"]["type"] == "password"
    assert {k["custody"] for k in keys.values()} == {"env-var"}
    assert element(document, "fn-f")["uses_keys"] == sorted(keys)
    text = json.dumps(document)
    assert "hunter2" not in text and "sk_live_abc" not in text
    rules = {f.rule for f in threatmodel.analyze(threatmodel.load(document)).findings}
    assert "key-in-app-config" in rules


def test_ecs_container_environment_is_read_for_secrets():
    containers = [
        {
            "name": "app",
            "environment": [{"name": "API_TOKEN", "value": "abc"}, {"name": "PORT", "value": "80"}],
        }
    ]
    document = imported(
        R("aws_ecs_task_definition", "app", {"container_definitions": json.dumps(containers)})
    )
    assert [k["id"] for k in document["keys"]] == ["ecs-app-env-api-token"]


@pytest.mark.parametrize(
    ("name", "value", "secret"),
    [
        ("PASSWORD", "x", True),
        ("GITHUB", "ghp_" + "a" * 36, True),
        ("DATABASE_URL", "postgres://app:pw@db:5432/app", True),
        ("DATABASE_URL", "postgres://db:5432/app", False),
        ("TOKEN_TTL", "3600", False),
        ("API_KEY_ARN", "arn:aws:secretsmanager:eu:1:secret:x", False),
        ("LOG_LEVEL", "debug", False),
    ],
)
def test_looks_like_secret(name, value, secret):
    assert looks_like_secret(name, value) is secret


@pytest.mark.parametrize(
    ("values", "rotation_days"),
    [
        ({"enable_key_rotation": True}, 365),
        ({"enable_key_rotation": True, "rotation_period_in_days": 90}, 90),
        ({"enable_key_rotation": False}, None),
    ],
)
def test_kms_keys_and_their_rotation(values, rotation_days):
    document = imported(R("aws_kms_key", "k", values))
    key = document["keys"][0]
    assert (key["id"], key["type"], key["custody"], key["held_by"]) == (
        "kms-k",
        "kek",
        "kms",
        "aws-kms",
    )
    assert key.get("rotation_days") == rotation_days
    assert element(document, "aws-kms")["kind"] == "key-store"


def test_secrets_manager_rotation_and_who_reads_the_secret():
    document = imported(
        R("aws_secretsmanager_secret", "db_password", {"name": "prod/db"}),
        R(
            "aws_secretsmanager_secret_rotation",
            "r",
            {"rotation_rules": [{"automatically_after_days": 30}]},
            {"secret_id": ["aws_secretsmanager_secret.db_password"]},
        ),
        R("aws_secretsmanager_secret", "api", {"name": "api"}),
        R("aws_lambda_function", "f", {}, {"environment": ["aws_secretsmanager_secret.api"]}),
    )
    keys = {k["id"]: k for k in document["keys"]}
    assert (keys["secret-db-password"]["type"], keys["secret-db-password"]["rotation_days"]) == (
        "password",
        30,
    )
    assert "rotation_days" not in keys["secret-api"]
    assert element(document, "fn-f")["uses_keys"] == ["secret-api"]


def test_instances_are_services_with_a_public_ip_making_them_internet_facing():
    document = imported(
        R("aws_instance", "web", {"associate_public_ip_address": True, "tags": {"Name": "web-1"}})
    )
    web = element(document, "ec2-web")
    assert (web["kind"], web["name"], web["internet_facing"]) == ("service", "web-1", True)


# --- boundaries ---------------------------------------------------------------------------


def _network() -> list[R]:
    return [
        R("aws_vpc", "main", {"tags": {"Name": "prod"}}),
        R("aws_internet_gateway", "igw", {}, {"vpc_id": ["aws_vpc.main"]}),
        R("aws_subnet", "public", {}, {"vpc_id": ["aws_vpc.main"]}, count=2),
        R("aws_subnet", "private", {}, {"vpc_id": ["aws_vpc.main"]}),
        R("aws_route_table", "public", {}, {"route": ["aws_internet_gateway.igw"]}),
        R(
            "aws_route_table_association",
            "public",
            {},
            {"subnet_id": ["aws_subnet.public"], "route_table_id": ["aws_route_table.public"]},
        ),
    ]


def test_subnets_routed_to_an_internet_gateway_are_a_public_tier_of_their_vpc():
    document = imported(
        *_network(),
        R("aws_lb", "web", {"internal": False}, {"subnets": ["aws_subnet.public"]}),
        R("aws_db_subnet_group", "db", {}, {"subnet_ids": ["aws_subnet.private"]}),
        R(
            "aws_db_instance",
            "db",
            {"storage_encrypted": True},
            {"db_subnet_group_name": ["aws_db_subnet_group.db"]},
        ),
        R("aws_lambda_function", "f", {}),
    )
    boundaries = {b["id"]: b for b in document["boundaries"]}
    assert boundaries["vpc-main-public"]["kind"] == "dmz"
    assert boundaries["vpc-main-private"]["kind"] == "internal"
    assert boundaries["vpc-main-public"]["parent"] == "vpc-main"
    assert element(document, "lb-web")["boundary"] == "vpc-main-public"
    assert element(document, "rds-db")["boundary"] == "vpc-main-private"
    assert element(document, "fn-f")["boundary"] == "aws"


def test_environment_tags_set_the_boundary_env():
    document = imported(R("aws_lambda_function", "f", {"tags": {"Environment": "production"}}))
    assert next(b for b in document["boundaries"] if b["id"] == "aws")["env"] == "prod"


def test_data_classification_tags_become_data_classes_and_nothing_is_invented_without_them():
    document = imported(
        R("aws_s3_bucket", "cards", {"tags": {"data_classification": "PCI"}}),
        R("aws_s3_bucket", "plain", {}),
    )
    assert document["data"] == [
        {
            "id": "pci-data",
            "name": "Data tagged data_classification=PCI",
            "classification": "restricted",
            "tags": ["pan"],
            "description": "From the resources' data classification tags.",
        }
    ]
    assert element(document, "s3-cards")["stores"] == ["pci-data"]
    assert "stores" not in element(document, "s3-plain")


# --- flows --------------------------------------------------------------------------------


def test_event_source_mappings_iam_policies_and_security_groups_infer_flows():
    document = imported(
        R("aws_sqs_queue", "q", {"sqs_managed_sse_enabled": True}),
        R(
            "aws_lambda_function",
            "worker",
            {},
            {"role": ["aws_iam_role.worker"], "vpc_config": ["aws_security_group.worker"]},
        ),
        R(
            "aws_lambda_event_source_mapping",
            "m",
            {},
            {
                "event_source_arn": ["aws_sqs_queue.q"],
                "function_name": ["aws_lambda_function.worker"],
            },
        ),
        R("aws_iam_role", "worker", {}),
        R("aws_dynamodb_table", "t", {}),
        R(
            "aws_iam_role_policy",
            "worker",
            {},
            {"role": ["aws_iam_role.worker"], "policy": ["aws_dynamodb_table.t"]},
        ),
        R("aws_security_group", "worker", {}),
        R("aws_security_group", "db", {}, {"ingress": ["aws_security_group.worker"]}),
        R(
            "aws_db_instance",
            "db",
            {"storage_encrypted": True},
            {"vpc_security_group_ids": ["aws_security_group.db"]},
        ),
    )
    assert {("sqs-q", "fn-worker"), ("fn-worker", "ddb-t"), ("fn-worker", "rds-db")} <= flows(
        document
    )
    assert (
        "aws_lambda_event_source_mapping.m" in flow(document, "sqs-q", "fn-worker")["description"]
    )
    assert (
        "IAM policy aws_iam_role_policy.worker"
        in flow(document, "fn-worker", "ddb-t")["description"]
    )
    assert (
        "security group rule aws_security_group.db"
        in flow(document, "fn-worker", "rds-db")["description"]
    )


def test_log_groups_receive_from_what_they_refer_to():
    document = imported(
        R("aws_lambda_function", "f", {}),
        R("aws_cloudwatch_log_group", "f", {}, {"name": ["aws_lambda_function.f"]}),
    )
    logging = flow(document, "fn-f", "logs-f")
    assert (logging["purpose"], logging["protocol"]) == ("logging", "https")


def test_count_copies_are_one_element_and_different_instances_are_not():
    same = imported(R("aws_sqs_queue", "q", {"sqs_managed_sse_enabled": True}, count=3))
    assert [(e["id"], e["name"]) for e in same["elements"]] == [("sqs-q", "q (3 instances)")]
    differ = plan(R("aws_sqs_queue", "q", {}, count=2))
    differ["planned_values"]["root_module"]["resources"][1]["values"] = {
        "sqs_managed_sse_enabled": True
    }
    document = import_plan(differ).document
    assert sorted(e["id"] for e in document["elements"]) == ["sqs-q-0", "sqs-q-1"]


def test_resources_in_child_modules_and_references_through_module_outputs():
    resources = [
        R("aws_s3_bucket", "b", {}, module="module.storage."),
        R("aws_lambda_function", "f", {}),
    ]
    data = plan(*resources)
    storage = data["configuration"]["root_module"]["module_calls"]["storage"]["module"]
    storage["outputs"] = {
        "bucket": {"expression": {"references": ["aws_s3_bucket.b.arn", "aws_s3_bucket.b"]}}
    }
    function = data["configuration"]["root_module"]["resources"][0]
    function["expressions"] = {
        "environment": [{"variables": {"references": ["module.storage.bucket"]}}]
    }
    document = import_plan(data).document
    assert ("fn-f", "s3-storage-b") in flows(document)
    assert "module.storage.aws_s3_bucket.b" in element(document, "s3-storage-b")["description"]


# --- the plan as a whole -----------------------------------------------------------------


@pytest.mark.parametrize("version", ["0.1", "0.2", "1.0", "1.2", "1.9"])
def test_every_format_version_up_to_1x_is_read(version):
    document = import_plan(plan(R("aws_sqs_queue", "q", {}), format_version=version)).document
    assert f"format_version {version}" in document["description"]


def test_a_later_major_version_is_refused_clearly():
    with pytest.raises(ModelError) as error:
        import_plan(plan(R("aws_sqs_queue", "q", {}), format_version="2.0"))
    assert "2.0 is newer than this importer reads (0.1 to 1.x)" in str(error.value)


def test_not_a_plan_is_refused():
    assert not is_terraform_plan({"format": "ciphermap/1"})
    with pytest.raises(ModelError):
        import_plan('{"name": "x"}')


def test_actions_are_stated_and_deletions_summarised():
    data = plan(R("aws_sqs_queue", "new", {}), R("aws_sqs_queue", "same", {}, action="no-op"))
    data["resource_changes"].append(
        {"address": "aws_sqs_queue.old", "change": {"actions": ["delete"]}}
    )
    result = import_plan(data)
    assert "This plan creates it." in element(result.document, "sqs-new")["description"]
    assert "This plan" not in element(result.document, "sqs-same")["description"]
    assert "1 to delete (aws_sqs_queue.old)" in result.document["description"]
    assert result.introduced("sqs-new") and not result.introduced("sqs-same")


def test_unmapped_types_are_listed_not_dropped_silently():
    document = imported(R("aws_glue_catalog_table", "t", {}), R("aws_sqs_queue", "q", {}))
    assert "Not mapped to the model: aws_glue_catalog_table x1" in document["description"]


def test_sarif_points_at_resource_addresses():
    result = import_plan(
        plan(
            R(
                "aws_sqs_queue",
                "q",
                {"sqs_managed_sse_enabled": False, "tags": {"data_classification": "confidential"}},
            )
        )
    )
    system = threatmodel.load(result.document)
    from threatmodel.formats.sarif import to_sarif

    sarif = sarif_with_addresses(
        to_sarif(threatmodel.analyze(system), system, "plan.json", "t"), result
    )
    results = sarif["runs"][0]["results"]
    store = next(r for r in results if r["ruleId"] == "unencrypted-store")
    names = [n["name"] for n in store["locations"][0]["logicalLocations"]]
    assert "aws_sqs_queue.q" in names
    assert store["properties"]["introducedByPlan"] is True


@pytest.mark.skipif(not SAMPLE.exists(), reason="../shared/samples is not here")
def test_the_shared_click_logs_plan_imports_with_sensible_findings():
    result = import_plan(json.loads(SAMPLE.read_text()), name="Click logs")
    system = threatmodel.load(result.document)
    kinds = {e.id: e.kind for e in system.elements}
    assert kinds["api-click-logger-api"] == "gateway"
    assert kinds["s3-click-logger-firehose-delivery-s3-bucket"] == "object-store"
    assert kinds["ddb-click-logger-table"] == "database"
    assert kinds["firehose-click-logger-firehose-delivery-stream"] == "broker"
    assert sum(kind == "function" for kind in kinds.values()) == 3
    assert sum(kind == "log-sink" for kind in kinds.values()) == 4
    pairs = {(f.source, f.target) for f in system.flows}
    assert ("internet", "api-click-logger-api") in pairs
    assert ("api-click-logger-api", "fn-lambda-clicklogger") in pairs
    assert ("fn-lambda-clicklogger", "firehose-click-logger-firehose-delivery-stream") in pairs
    assert (
        "firehose-click-logger-firehose-delivery-stream",
        "s3-click-logger-firehose-delivery-s3-bucket",
    ) in pairs
    assert ("fn-lambda-clicklogger-stream-consumer", "ddb-click-logger-table") in pairs
    assert not system.data  # the plan states no data class
    bucket = next(
        e for e in system.elements if e.id == "s3-click-logger-firehose-delivery-s3-bucket"
    )
    assert bucket.encryption is None  # computed by the provider: known after apply
    findings = threatmodel.analyze(system).findings
    rules = {f.rule for f in findings}
    assert {"key-in-app-config", "unprotected-log-sink", "model-incomplete"} <= rules
    assert all(f.severity != "critical" for f in findings)


def test_format_detection_reads_a_plan_as_terraform_and_names_it_after_the_file():
    from threatmodel.formats.detect import read_model

    imported = read_model(json.dumps(plan(R("aws_sqs_queue", "q", {}))), name="tfplan")
    assert imported.format.id == "terraform"
    assert imported.label == "Terraform plan (terraform show -json) (version 1.2)"
    assert imported.document["name"] == "tfplan"


def test_a_classic_elb_reads_its_listeners_both_ways():
    listener = {"lb_protocol": "https", "lb_port": 443, "instance_protocol": "http"}
    document = imported(
        R("aws_instance", "web", {}),
        R(
            "aws_elb",
            "old",
            {"internal": False, "listener": [listener]},
            {"instances": ["aws_instance.web"]},
        ),
    )
    assert flow(document, "internet", "lb-old")["protocol"] == "https"
    assert flow(document, "lb-old", "ec2-web")["protocol"] == "http"


def test_an_alb_alias_and_a_websocket_api_are_gateways_too():
    document = imported(
        R("aws_alb", "web", {"internal": True}),
        R("aws_apigatewayv2_api", "ws", {"protocol_type": "WEBSOCKET"}),
    )
    assert element(document, "lb-web")["kind"] == "gateway"
    assert "internet_facing" not in element(document, "lb-web")
    assert flow(document, "internet", "api-ws")["protocol"] == "wss"


def test_a_lambda_function_url_makes_the_function_reachable_from_the_internet():
    document = imported(
        R("aws_lambda_function", "f", {}),
        R(
            "aws_lambda_function_url",
            "f",
            {"authorization_type": "NONE"},
            {"function_name": ["aws_lambda_function.f"]},
        ),
    )
    entry = flow(document, "internet", "fn-f")
    assert (entry["protocol"], entry["auth"]) == ("https", "none")
    assert element(document, "fn-f")["internet_facing"] is True


@pytest.mark.parametrize(
    ("volumes", "encryption"),
    [
        ({"root_block_device": [{"encrypted": True}]}, "disk"),
        (
            {"root_block_device": [{"encrypted": True, "kms_key_id": "arn:aws:kms:x:1:key/k"}]},
            "sse-kms",
        ),
        (
            {
                "root_block_device": [{"encrypted": True}],
                "ebs_block_device": [{"encrypted": False}],
            },
            "none",
        ),
        ({"root_block_device": [{"encrypted": False}]}, "none"),
    ],
)
def test_an_instance_is_as_encrypted_at_rest_as_its_weakest_volume(volumes, encryption):
    document = imported(R("aws_instance", "web", volumes))
    assert element(document, "ec2-web")["encryption"] == encryption


def test_an_instance_whose_volumes_are_computed_states_no_encryption():
    document = imported(R("aws_instance", "web", {}, unknown={"root_block_device": True}))
    assert "encryption" not in element(document, "ec2-web")


@pytest.mark.parametrize(
    ("origin", "protocol", "tls"),
    [
        ({"origin_protocol_policy": "http-only"}, "http", None),
        (
            {"origin_protocol_policy": "https-only", "origin_ssl_protocols": ["TLSv1", "TLSv1.2"]},
            "https",
            {"min_version": "1.0"},
        ),
        ({"origin_protocol_policy": "match-viewer"}, "https", None),
    ],
)
def test_cloudfront_reaches_a_custom_origin_as_its_origin_protocol_policy_says(
    origin, protocol, tls
):
    values = {
        "default_cache_behavior": [{"viewer_protocol_policy": "https-only"}],
        "origin": [{"domain_name": "x", "custom_origin_config": [origin]}],
    }
    document = imported(
        R("aws_lb", "web", {"internal": False}),
        R("aws_cloudfront_distribution", "cdn", values, {"origin": ["aws_lb.web"]}),
    )
    hop = flow(document, "cdn-cdn", "lb-web")
    assert (hop.get("protocol"), hop.get("tls")) == (protocol, tls)


def test_an_instance_with_a_public_ip_open_to_anywhere_gets_a_flow_from_the_internet():
    ingress = [{"from_port": 22, "to_port": 22, "cidr_blocks": ["0.0.0.0/0"]}]
    document = imported(
        R("aws_security_group", "ssh", {"ingress": ingress}),
        R(
            "aws_instance",
            "bastion",
            {"associate_public_ip_address": True},
            {"vpc_security_group_ids": ["aws_security_group.ssh"]},
        ),
        R("aws_instance", "private", {}, {"vpc_security_group_ids": ["aws_security_group.ssh"]}),
    )
    entry = flow(document, "internet", "ec2-bastion")
    assert "protocol" not in entry  # port 22 says nothing certain about the protocol
    assert "allows 0.0.0.0/0" in entry["description"]
    assert ("internet", "ec2-private") not in flows(document)  # no public address


@pytest.mark.parametrize(("policy", "min_version"), [("TLS_1_0", "1.0"), ("TLS_1_2", "1.2")])
def test_an_api_custom_domain_sets_the_tls_callers_get(policy, min_version):
    document = imported(
        R("aws_api_gateway_rest_api", "api", {}),
        R("aws_api_gateway_domain_name", "api", {"security_policy": policy}),
        R(
            "aws_api_gateway_base_path_mapping",
            "api",
            {},
            {
                "api_id": ["aws_api_gateway_rest_api.api"],
                "domain_name": ["aws_api_gateway_domain_name.api"],
            },
        ),
    )
    assert flow(document, "internet", "api-api")["tls"] == {"min_version": min_version}


def test_redshift_requiring_ssl_makes_flows_to_it_encrypted():
    document = imported(
        R(
            "aws_redshift_parameter_group",
            "pg",
            {"parameter": [{"name": "require_ssl", "value": "true"}]},
        ),
        R(
            "aws_redshift_cluster",
            "w",
            {"encrypted": True},
            {"cluster_parameter_group_name": ["aws_redshift_parameter_group.pg"]},
        ),
        R("aws_lambda_function", "etl", {}, {"environment": ["aws_redshift_cluster.w"]}),
    )
    assert flow(document, "fn-etl", "redshift-w")["protocol"] == "postgres-tls"


def test_terraform_show_json_of_a_state_reads_its_values():
    data = plan(R("aws_sqs_queue", "q", {"sqs_managed_sse_enabled": True}))
    state = {"format_version": "1.0", "values": data["planned_values"]}
    document = import_plan(state).document
    assert element(document, "sqs-q")["encryption"] == "platform"
    assert "This plan" not in element(document, "sqs-q")["description"]


def _mutated(value, rnd: random.Random, rate: float):
    """The plan with some values replaced by JSON of the wrong shape."""
    odd = [None, 1, "x", [], {}, True, [None], {"a": 1}]
    if isinstance(value, dict):
        return {
            k: rnd.choice(odd) if rnd.random() < rate else _mutated(v, rnd, rate)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [rnd.choice(odd) if rnd.random() < rate else _mutated(v, rnd, rate) for v in value]
    return value


@pytest.mark.parametrize("seed", range(40))
def test_a_malformed_plan_imports_to_a_model_that_loads_or_is_refused_clearly(seed):
    from benchmarks.terraform import generated_plan

    rnd = random.Random(seed)
    data = _mutated(generated_plan(40), rnd, rate=(0.01, 0.05, 0.2)[seed % 3])
    try:
        document = import_plan(data).document
    except ModelError as error:
        # Refused by the checks (format_version), never by a reader tripping on a shape.
        assert "does not have the structure" not in str(error)
        return
    threatmodel.load(document)


@pytest.mark.parametrize(
    "data",
    [
        {"format_version": "1.0", "planned_values": []},
        {"format_version": "1.0", "planned_values": {"root_module": {"resources": "x"}}},
        {"format_version": "1.0", "resource_changes": [None, {"address": 3, "change": []}]},
        {
            "format_version": "1.0",
            "values": {},
            "configuration": {"root_module": {"module_calls": {"m": None}}},
        },
    ],
)
def test_plans_of_the_wrong_shape_import_as_empty_models(data):
    document = import_plan(data).document
    assert "elements" not in document
    threatmodel.load(document)


def test_an_encrypted_database_whose_key_is_computed_uses_aws_managed_or_the_named_key():
    computed = {"kms_key_id": True}
    aws_key = imported(R("aws_db_instance", "db", {"storage_encrypted": True}, unknown=computed))
    assert element(aws_key, "rds-db")["encryption"] == "tde"
    data = plan(R("aws_db_instance", "db", {"storage_encrypted": True}, unknown=computed))
    config = data["configuration"]["root_module"]["resources"][0]
    config["expressions"]["kms_key_id"] = {"references": ["var.key_arn"]}
    assert element(import_plan(data).document, "rds-db")["encryption"] == "tde-cmk"


def test_aws_api_services_authenticate_every_call_with_sigv4():
    document = imported(
        R("aws_sqs_queue", "q", {"sqs_managed_sse_enabled": True}),
        R(
            "aws_lambda_function",
            "f",
            {},
            {"environment": ["aws_sqs_queue.q", "aws_elasticache_replication_group.c"]},
        ),
        R("aws_elasticache_replication_group", "c", {"at_rest_encryption_enabled": True}),
    )
    queue = element(document, "sqs-q")
    assert (queue["auth"], queue["acls"]) == ("iam", True)
    assert flow(document, "fn-f", "sqs-q")["auth"] == "sigv4"
    assert "auth" not in flow(document, "fn-f", "cache-c")  # Redis AUTH is not in the plan
    rules = {
        f.rule
        for f in threatmodel.analyze(threatmodel.load(document)).findings
        if "sqs-q" in f.subject
    }
    assert "insecure-broker" not in rules
