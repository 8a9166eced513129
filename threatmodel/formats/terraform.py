"""Import a Terraform plan (`terraform show -json`) as a MODEL.md document.

Infrastructure code already says which buckets are encrypted and with which key, which
listeners speak HTTP and which KMS keys rotate. This module reads those facts from the
JSON that `terraform show -json plan.out` prints (format_version 0.1 through 1.x: the
structure has not changed within a major version) and builds the model from them:

- `planned_values` (recursing into child modules): one element per resource instance,
  instances of one `count`/`for_each` resource grouped into one element when the facts
  read from them are the same;
- `resource_changes`: what this plan creates, changes, replaces or deletes, and which
  values are known only after apply (`after_unknown`): those stay unstated, never guessed;
- `configuration` references: flows between elements, each saying where it was inferred
  from, so the architect can confirm or remove it.

Which resource types become what is declared in tables (`RESOURCES`, `COMPANIONS`,
`CONNECTORS`); a provider other than AWS adds entries, not branches. Nothing here invents
a data class: `data_classification`-like tags are read when present, and otherwise the
engine treats the unstated data as assumed confidential and says so.

A plan holds sensitive values in plain text. Only the attributes the mapping reads are
looked at, environment variable values are inspected for secrets and never copied, and
the plan itself is not kept: the result is the document (and which resource addresses
each item came from).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from threatmodel.load import KIND_FIELDS, ModelError, Problem
from threatmodel.model import FORMAT

__all__ = [
    "RESOURCES",
    "PlanImport",
    "import_plan",
    "is_terraform_plan",
    "sarif_with_addresses",
    "to_document",
]

MAX_ID = 64
MAX_NAME = 100
MAX_SOURCES_LISTED = 3
INTERNET = "internet"
MANAGED = "aws"  # the boundary of managed services that sit in no VPC
UNNAMED = "Imported model"  # detect.read_model names such a model after its file


class _Unknown:
    """A value Terraform knows only after apply."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()


def is_terraform_plan(data: Any) -> TypeGuard[Mapping[str, Any]]:
    """True for `terraform show -json` output: a plan, or a state (`values`)."""
    return (
        isinstance(data, Mapping)
        and "format_version" in data
        and any(k in data for k in ("planned_values", "resource_changes", "values"))
    )


# --- reading the plan ------------------------------------------------------------------


@dataclass(slots=True)
class Resource:
    """One resource instance of the plan, with what is known of its planned values."""

    address: str
    config: str  # the configuration address: the instance address without indexes
    module: str  # "module.a.module.b." or ""
    type: str
    name: str
    index: Any
    values: Mapping[str, Any]
    unknown: Any  # the `after_unknown` tree of the change, or None
    action: str = ""

    def get(self, *path: str | int) -> Any:
        """The value at `path` (blocks, which the JSON writes as lists, read as their
        first entry), None when absent, UNKNOWN when known only after apply."""
        value: Any = self.values
        unknown = self.unknown
        for step in path:
            if unknown is True:
                return UNKNOWN
            if isinstance(step, str):
                while isinstance(value, list):
                    value = value[0] if value else None
                    unknown = unknown[0] if isinstance(unknown, list) and unknown else None
                if unknown is True:
                    return UNKNOWN
                value = value.get(step) if isinstance(value, Mapping) else None
                unknown = unknown.get(step) if isinstance(unknown, Mapping) else None
            else:
                value = value[step] if isinstance(value, list) and len(value) > step else None
                unknown = (
                    unknown[step] if isinstance(unknown, list) and len(unknown) > step else None
                )
        if unknown is True:
            return UNKNOWN
        return value

    def block(self, *path: str) -> Any:
        """The first entry of a nested block, UNKNOWN, or None."""
        value = self.get(*path)
        if isinstance(value, list):
            return value[0] if value else None
        return value

    def all(self, *path: str) -> list[Any]:
        """Every entry of a repeated block (`listener`, `ingress`, `rule` ...)."""
        value = self.get(*path)
        if isinstance(value, list):
            return value
        return [] if value is None or value is UNKNOWN else [value]

    @property
    def tags(self) -> Mapping[str, Any]:
        tags = self.get("tags")
        return tags if isinstance(tags, Mapping) else {}


def _map(value: Any) -> Mapping[str, Any]:
    """A mapping of the plan, or an empty one where the JSON has something else."""
    return value if isinstance(value, Mapping) else {}


def _seq(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


_INDEX = re.compile(r'\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]')


def _config_address(address: str) -> str:
    return _INDEX.sub("", address)


def _check_version(plan: Mapping[str, Any]) -> str:
    version = plan.get("format_version")
    match = re.fullmatch(r"(\d+)\.(\d+)(?:\.\d+)?", str(version or ""))
    if not match:
        raise ModelError(
            [Problem("format_version", f"{version!r} is not a Terraform JSON format version")]
        )
    if int(match.group(1)) > 1:
        raise ModelError(
            [
                Problem(
                    "format_version",
                    f"format_version {version} is newer than this importer reads (0.1 to "
                    "1.x); a new major version may change the structure, so it is refused "
                    "rather than misread",
                )
            ]
        )
    return str(version)


def _resources(plan: Mapping[str, Any]) -> list[Resource]:
    changes: dict[str, Mapping[str, Any]] = {}
    for change in _seq(plan.get("resource_changes")):
        if isinstance(change, Mapping) and isinstance(change.get("address"), str):
            changes[change["address"]] = change
    root = _map(_map(plan.get("planned_values") or plan.get("values")).get("root_module"))
    found: list[Resource] = []
    modules = [root]
    while modules:
        module = modules.pop()
        if not isinstance(module, Mapping):
            continue
        modules.extend(reversed(_seq(module.get("child_modules"))))
        for item in _seq(module.get("resources")):
            if not isinstance(item, Mapping) or item.get("mode", "managed") != "managed":
                continue
            address = item.get("address")
            if not isinstance(address, str) or not isinstance(item.get("type"), str):
                continue
            config = _config_address(address)
            module_prefix = config[: -len(f"{item['type']}.{item.get('name', '')}")]
            change = _map(changes.get(address, {}).get("change"))
            found.append(
                Resource(
                    address=address,
                    config=config,
                    module=module_prefix,
                    type=item["type"],
                    name=str(item.get("name", "")),
                    index=item.get("index"),
                    values=_map(item.get("values")),
                    unknown=change.get("after_unknown"),
                    action=_action(change.get("actions")),
                )
            )
    found.sort(key=lambda r: r.address)
    return found


def _action(actions: Any) -> str:
    actions = [a for a in _seq(actions) if isinstance(a, str)]
    if actions in (["delete", "create"], ["create", "delete"]):
        return "replace"
    return actions[0] if actions else ""


class _Configuration:
    """Which configuration address refers to which, through module inputs and outputs."""

    def __init__(self, configuration: Mapping[str, Any]) -> None:
        # config address -> [(attribute path, referenced config address)]
        self.refs: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self._outputs: dict[str, dict[str, list[str]]] = {}  # module prefix -> output -> refs
        self._inputs: dict[str, dict[str, list[str]]] = {}  # module prefix -> var -> refs
        self._raw: list[tuple[str, str, str, list[str]]] = []
        self.attributes: dict[str, set[str]] = {}  # config address -> attributes it sets
        self._walk(_map(configuration.get("root_module")), "")
        for address, prefix, path, refs in self._raw:
            seen: set[str] = set()
            for ref in refs:
                for target in self._resolve(ref, prefix, 0):
                    if target != address and (path, target) not in seen:
                        seen.add((path, target))  # type: ignore[arg-type]
                        self.refs[address].append((path, target))

    def _walk(self, module: Mapping[str, Any], prefix: str) -> None:
        for resource in _seq(module.get("resources")):
            if not isinstance(resource, Mapping) or resource.get("mode", "managed") != "managed":
                continue
            address = f"{prefix}{resource.get('type')}.{resource.get('name')}"
            self.attributes[address] = set(_map(resource.get("expressions")))
            for path, refs in _expression_refs(_map(resource.get("expressions")), ""):
                self._raw.append((address, prefix, path, refs))
        outputs = {}
        for name, output in _map(module.get("outputs")).items():
            if isinstance(output, Mapping):
                expression = _map(output.get("expression"))
                outputs[name] = [r for _p, refs in _expression_refs(expression, "") for r in refs]
        self._outputs[prefix] = outputs
        for name, call in _map(module.get("module_calls")).items():
            if not isinstance(call, Mapping):
                continue
            child = f"{prefix}module.{name}."
            inputs = {}
            for var, expression in _map(call.get("expressions")).items():
                inputs[var] = [r for _p, refs in _expression_refs(expression, "") for r in refs]
            self._inputs[child] = {k: [f"{prefix}\0{r}" for r in v] for k, v in inputs.items()}
            self._walk(_map(call.get("module")), child)

    def _resolve(self, ref: str, prefix: str, depth: int) -> list[str]:
        if depth > 20:
            return []
        if "\0" in ref:  # a reference written in a parent module
            prefix, ref = ref.split("\0", 1)
        parts = _INDEX.sub("", ref).split(".")
        if parts[0] in ("data", "local", "count", "each", "path", "terraform", "self"):
            return []
        if parts[0] == "var" and len(parts) > 1:
            return [
                t
                for r in self._inputs.get(prefix, {}).get(parts[1], ())
                for t in self._resolve(r, prefix, depth + 1)
            ]
        if parts[0] == "module" and len(parts) > 2:
            child = f"{prefix}module.{parts[1]}."
            return [
                t
                for r in self._outputs.get(child, {}).get(parts[2], ())
                for t in self._resolve(r, child, depth + 1)
            ]
        if len(parts) >= 2 and "_" in parts[0]:
            return [f"{prefix}{parts[0]}.{parts[1]}"]
        return []

    def targets(self, address: str, attribute: str | None = None) -> list[str]:
        """What `address` refers to, optionally only from one top-level attribute."""
        return [
            t
            for path, t in self.refs.get(address, ())
            if attribute is None or path.split(".", 1)[0] == attribute
        ]


def _expression_refs(expression: Any, path: str) -> Iterable[tuple[str, list[str]]]:
    if isinstance(expression, Mapping):
        refs = expression.get("references")
        if isinstance(refs, list):
            yield path, [r for r in refs if isinstance(r, str)]
        for key, value in expression.items():
            if key not in ("references", "constant_value") and isinstance(value, (dict, list)):
                yield from _expression_refs(value, f"{path}.{key}" if path else key)
    elif isinstance(expression, list):
        for value in expression:
            yield from _expression_refs(value, path)


# --- what each resource type says -------------------------------------------------------


@dataclass
class Facts:
    """What one resource instance says about its element."""

    fields: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    ingress: str | None = None  # protocol of the flows into it, when the plan says
    tls: dict[str, Any] | None = None
    public_entry: str | None = None  # protocol of the flow from the internet, if reachable
    key: str | None = None  # configuration address of the customer's KMS key
    public_blocked: bool = False  # an S3 public access block overrides ACL and policy
    entry_auth: set[str] = field(default_factory=set)  # auth of the flows from the internet
    backup: Facts | None = None  # automated backups of this store
    backup_of: str | None = None  # attribute referring to the source of this backup
    # Protocol (and TLS) of the flows its attribute's references become: CloudFront origins.
    egress: dict[str, tuple[str | None, dict[str, Any] | None] | None] = field(default_factory=dict)

    def comparable(self) -> tuple:
        return (
            json.dumps(self.fields, sort_keys=True, default=str),
            tuple(self.notes),
            self.ingress,
            json.dumps(self.tls, sort_keys=True),
            self.public_entry,
        )


Reader = Callable[[Resource, "_Context"], Facts]


@dataclass(frozen=True)
class ResourceKind:
    """How one resource type becomes an element."""

    kind: str
    short: str  # ID prefix, so IDs stay stable when another type uses the same name
    technology: str
    read: Reader | None = None
    ingress: str | None = None  # protocol its API always speaks (AWS endpoints that are HTTPS only)
    name_attribute: str | None = None
    inbound_references: bool = False  # what it refers to sends to it (log groups)
    # Facts the service always has: AWS APIs authenticate every call with IAM (SigV4)
    # and authorize it by IAM and resource policies.
    always: Mapping[str, Any] = field(default_factory=dict)
    api_auth: str | None = None  # auth of the flows into it


def _encryption(
    resource: Resource,
    context: _Context,
    attribute: str,
    *,
    enabled: Any = True,
    strong: str = "sse-kms",
    weak: str | None = "platform",
) -> tuple[str | None, str | None]:
    """(encryption, note) from an on/off flag and a KMS key attribute: the customer's own
    key is `strong`, an AWS-managed or AWS-owned key `weak`, off is `none`."""
    if enabled is UNKNOWN:
        return None, "encryption is known only after apply"
    if enabled is False or enabled == "NONE":
        return "none", None
    if enabled is None:
        return None, None
    key = resource.get(attribute) if attribute else None
    if context.key_reference(resource, attribute):
        return strong, None
    if key is UNKNOWN:
        # Known after apply: a key the configuration names (through a variable or a data
        # source) is the customer's; with none named, AWS fills in its own managed key.
        if attribute in context.configuration.attributes.get(resource.config, ()):
            return strong, None
        return weak, None
    if isinstance(key, str) and key and "alias/aws/" not in key:
        return strong, None
    return weak, None


def _flag(value: Any) -> bool | None:
    if value is UNKNOWN or value is None:
        return None
    if isinstance(value, str):
        return value.lower() in ("true", "1", "on", "yes")
    return bool(value)


def _read_s3_bucket(r: Resource, c: _Context) -> Facts:
    facts = Facts(key=c.key_reference(r, "server_side_encryption_configuration"))
    rule = r.block(
        "server_side_encryption_configuration", "rule", "apply_server_side_encryption_by_default"
    )
    if rule is UNKNOWN:
        facts.notes.append("server-side encryption is known only after apply")
    elif isinstance(rule, Mapping):
        referenced = bool(c.key_reference(r, "server_side_encryption_configuration"))
        _s3_sse(facts, rule, referenced)
    if "encryption" not in facts.fields and rule is not UNKNOWN:
        facts.notes.append(
            "the plan configures no server-side encryption (S3 applies SSE-S3 to new objects "
            "since January 2023; objects written before may be unencrypted)"
        )
    _s3_acl(facts, r.get("acl"))
    _s3_policy(facts, r.get("policy"))
    return facts


def _s3_sse(facts: Facts, rule: Mapping[str, Any], key_referenced: bool) -> None:
    """SSE-S3, or SSE-KMS with the customer's key or with AWS's own aws/s3 key."""
    algorithm = rule.get("sse_algorithm")
    if isinstance(algorithm, str) and algorithm.startswith("aws:kms"):
        key = rule.get("kms_master_key_id")
        customer = key_referenced or (isinstance(key, str) and key and "alias/aws/" not in key)
        facts.fields["encryption"] = "sse-kms" if customer else "platform"
        if not customer:
            facts.notes.append("SSE-KMS with the AWS-managed key aws/s3")
    elif algorithm == "AES256":
        facts.fields["encryption"] = "sse-s3"


_PUBLIC_ACLS = ("public-read", "public-read-write", "authenticated-read")


def _s3_acl(facts: Facts, acl: Any) -> None:
    if acl in _PUBLIC_ACLS:
        facts.fields["public_access"] = True
        facts.notes.append(f"ACL {acl}")


def _s3_policy(facts: Facts, policy: Any) -> None:
    if not isinstance(policy, str) or not policy:
        return
    try:
        statements = json.loads(policy).get("Statement") or []
    except (ValueError, AttributeError):
        return
    for statement in statements if isinstance(statements, list) else [statements]:
        if not isinstance(statement, Mapping):
            continue
        principal = statement.get("Principal")
        anyone = principal == "*" or (
            isinstance(principal, Mapping) and principal.get("AWS") in ("*", ["*"])
        )
        condition = json.dumps(statement.get("Condition") or {})
        if statement.get("Effect") == "Allow" and anyone and not statement.get("Condition"):
            facts.fields["public_access"] = True
            facts.notes.append("bucket policy allows anyone")
        if statement.get("Effect") == "Deny" and "aws:SecureTransport" in condition:
            facts.ingress = "https"
            facts.notes.append("bucket policy denies requests without TLS")


def _read_db(r: Resource, c: _Context) -> Facts:
    facts = Facts(key=c.key_reference(r, "kms_key_id"))
    encrypted = r.get("storage_encrypted")
    cluster_member = r.type == "aws_db_instance" and c.targets(r, "cluster_identifier")
    if cluster_member:
        facts.notes.append("storage encryption is the cluster's")
    else:
        encryption, note = _encryption(
            r,
            c,
            "kms_key_id",
            enabled=_flag(encrypted) if encrypted is not UNKNOWN else UNKNOWN,
            strong="tde-cmk",
            weak="tde",
        )
        if encrypted is None and r.type == "aws_db_instance":
            encryption = "none"  # storage_encrypted defaults to false
        facts.fields["encryption"] = encryption
        if note:
            facts.notes.append(note)
    if _flag(r.get("publicly_accessible")):
        facts.fields["public_access"] = True
    engine = r.get("engine")
    if isinstance(engine, str):
        facts.fields["technology"] = f"Amazon RDS ({engine})"
        facts.ingress = c.database_protocol(r, engine)
    retention = r.get("backup_retention_period")
    if isinstance(retention, int) and retention > 0 and not cluster_member:
        backup = Facts(fields={"encryption": facts.fields.get("encryption")})
        backup.notes.append(f"automated backups kept {retention} days, with the source's key")
        facts.backup = backup
    elif retention is UNKNOWN:
        facts.notes.append("backup retention is known only after apply")
    return facts


def _read_elasticache(r: Resource, c: _Context) -> Facts:
    facts = Facts(key=c.key_reference(r, "kms_key_id"))
    engine = r.get("engine")
    at_rest = r.get("at_rest_encryption_enabled")
    encryption, note = _encryption(
        r, c, "kms_key_id", enabled=_flag(at_rest) if at_rest is not UNKNOWN else UNKNOWN
    )
    if at_rest is None and r.type == "aws_elasticache_replication_group":
        encryption = "none"
    facts.fields["encryption"] = encryption
    if note:
        facts.notes.append(note)
    transit = _flag(r.get("transit_encryption_enabled"))
    plain = "memcached" if engine == "memcached" else "redis"
    if transit is not None:
        facts.ingress = ("tls" if plain == "memcached" else "redis-tls") if transit else plain
    elif r.get("transit_encryption_enabled") is None:
        facts.ingress = plain
    if r.get("auth_token") not in (None, UNKNOWN, ""):
        facts.notes.append("an AUTH token is set (its value is not kept)")
    return facts


_MSK_PROTOCOLS = {"TLS": "kafka-tls", "TLS_PLAINTEXT": "kafka", "PLAINTEXT": "kafka"}


def _read_msk(r: Resource, c: _Context) -> Facts:
    facts = Facts(key=c.key_reference(r, "encryption_info"))
    key = r.get("encryption_info", "encryption_at_rest_kms_key_arn")
    if c.key_reference(r, "encryption_info") or (isinstance(key, str) and "alias/aws/" not in key):
        facts.fields["encryption"] = "sse-kms"
    else:
        facts.fields["encryption"] = "platform"  # MSK always encrypts at rest
    client_broker = r.get("encryption_info", "encryption_in_transit", "client_broker")
    if client_broker is None:
        client_broker = "TLS"  # the provider's and the service's default
    if isinstance(client_broker, str) and client_broker in _MSK_PROTOCOLS:
        facts.ingress = _MSK_PROTOCOLS[client_broker]
        if client_broker == "TLS_PLAINTEXT":
            facts.notes.append("client_broker TLS_PLAINTEXT: brokers also accept plaintext")
    if _flag(r.get("encryption_info", "encryption_in_transit", "in_cluster")) is False:
        facts.notes.append("in_cluster false: brokers replicate to each other in plaintext")
    auth = r.get("client_authentication")
    if isinstance(auth, (Mapping, list)):
        if r.get("client_authentication", "sasl", "iam"):
            facts.fields["auth"] = "iam"
        elif r.get("client_authentication", "sasl", "scram"):
            facts.fields["auth"] = "sasl-scram"
        elif r.get("client_authentication", "tls"):
            facts.fields["auth"] = "mtls"
        elif r.get("client_authentication", "unauthenticated"):
            facts.fields["auth"] = "none"
    return facts


def _read_mq(r: Resource, c: _Context) -> Facts:
    facts = Facts(key=c.key_reference(r, "encryption_options"))
    own_key = r.get("encryption_options", "use_aws_owned_key")
    if c.key_reference(r, "encryption_options") or own_key is False:
        facts.fields["encryption"] = "sse-kms"
    else:
        facts.fields["encryption"] = "platform"
    if _flag(r.get("publicly_accessible")):
        facts.fields["public_access"] = True
    engine = r.get("engine_type")
    facts.ingress = "amqps" if engine == "RabbitMQ" else "tls"  # MQ accepts TLS connections only
    facts.fields["technology"] = f"Amazon MQ ({engine})" if isinstance(engine, str) else "Amazon MQ"
    return facts


def _read_dynamodb(r: Resource, c: _Context) -> Facts:
    facts = Facts(key=c.key_reference(r, "server_side_encryption"))
    enabled = r.get("server_side_encryption", "enabled")
    if _flag(enabled) and (
        c.key_reference(r, "server_side_encryption")
        or isinstance(r.get("server_side_encryption", "kms_key_arn"), str)
    ):
        facts.fields["encryption"] = "sse-kms"
    else:
        # DynamoDB encrypts every table, with an AWS-owned or AWS-managed key.
        facts.fields["encryption"] = "platform"
    return facts


_OPENSEARCH_TLS: dict[str, dict[str, Any]] = {
    "Policy-Min-TLS-1-0-2019-07": {"min_version": "1.0"},
    "Policy-Min-TLS-1-2-2019-07": {"min_version": "1.2"},
    "Policy-Min-TLS-1-2-PFS-2023-10": {"min_version": "1.2", "forward_secrecy": True},
}


def _read_search(r: Resource, c: _Context) -> Facts:
    facts = Facts(key=c.key_reference(r, "encrypt_at_rest"))
    encryption, note = _encryption(
        r,
        c,
        "encrypt_at_rest",
        enabled=_flag(r.get("encrypt_at_rest", "enabled"))
        if r.get("encrypt_at_rest", "enabled") is not UNKNOWN
        else UNKNOWN,
    )
    facts.fields["encryption"] = encryption or (
        "none" if r.get("encrypt_at_rest", "enabled") is None else None
    )
    if note:
        facts.notes.append(note)
    if _flag(r.get("node_to_node_encryption", "enabled")) is False or (
        r.get("node_to_node_encryption", "enabled") is None
    ):
        facts.notes.append("node-to-node encryption is off: nodes talk in plaintext")
    https = _flag(r.get("domain_endpoint_options", "enforce_https"))
    if https is not None:
        facts.ingress = "https" if https else "http"
        policy = r.get("domain_endpoint_options", "tls_security_policy")
        if https and isinstance(policy, str) and policy in _OPENSEARCH_TLS:
            facts.tls = dict(_OPENSEARCH_TLS[policy])
    return facts


def _read_encrypted_flag(strong: str, weak: str) -> Reader:
    """Redshift, EFS, EBS: `encrypted` plus `kms_key_id`."""

    def read(r: Resource, c: _Context) -> Facts:
        facts = Facts(key=c.key_reference(r, "kms_key_id"))
        flag = r.get("encrypted")
        encryption, note = _encryption(
            r,
            c,
            "kms_key_id",
            enabled=_flag(flag) if flag is not UNKNOWN else UNKNOWN,
            strong=strong,
            weak=weak,
        )
        facts.fields["encryption"] = encryption or ("none" if flag is None else None)
        if note:
            facts.notes.append(note)
        if _flag(r.get("publicly_accessible")):
            facts.fields["public_access"] = True
        return facts

    return read


def _read_redshift(r: Resource, c: _Context) -> Facts:
    facts = _read_encrypted_flag("sse-kms", "platform")(r, c)
    facts.ingress = c.database_protocol(r, "redshift")
    return facts


def _read_snapshot(strong: str, weak: str, source: str) -> Reader:
    """A snapshot copies its source, encrypted as the source is unless it says."""

    def read(r: Resource, c: _Context) -> Facts:
        facts = _read_encrypted_flag(strong, weak)(r, c)
        if r.get("encrypted") in (None, UNKNOWN):
            facts.fields.pop("encryption", None)
            facts.notes.append("encrypted as its source is")
            facts.fields["encryption"] = None
        facts.backup_of = source
        return facts

    return read


def _read_sqs(r: Resource, c: _Context) -> Facts:
    facts = Facts(key=c.key_reference(r, "kms_master_key_id"))
    if c.key_reference(r, "kms_master_key_id") or isinstance(r.get("kms_master_key_id"), str):
        key = r.get("kms_master_key_id")
        customer = not (isinstance(key, str) and "alias/aws/" in key)
        facts.fields["encryption"] = "sse-kms" if customer else "platform"
    elif _flag(r.get("sqs_managed_sse_enabled")):
        facts.fields["encryption"] = "platform"
    elif r.get("sqs_managed_sse_enabled") is UNKNOWN:
        facts.notes.append("SSE-SQS is known only after apply")
    else:
        facts.fields["encryption"] = "none"
    return facts


def _read_sns(r: Resource, c: _Context) -> Facts:
    facts = Facts(key=c.key_reference(r, "kms_master_key_id"))
    encryption, note = _encryption(r, c, "kms_master_key_id", weak="platform")
    key = r.get("kms_master_key_id")
    facts.fields["encryption"] = (
        encryption if key or c.key_reference(r, "kms_master_key_id") else "none"
    )
    if note:
        facts.notes.append(note)
    return facts


def _read_kinesis(r: Resource, c: _Context) -> Facts:
    facts = Facts(key=c.key_reference(r, "kms_key_id"))
    kind = r.get("encryption_type")
    if kind is UNKNOWN:
        facts.notes.append("encryption_type is known only after apply")
    elif kind == "KMS":
        facts.fields["encryption"], _ = _encryption(r, c, "kms_key_id")
    else:
        facts.fields["encryption"] = "none"
    return facts


def _read_firehose(r: Resource, c: _Context) -> Facts:
    facts = Facts(key=c.key_reference(r, "server_side_encryption"))
    enabled = _flag(r.get("server_side_encryption", "enabled"))
    if enabled:
        customer = r.get("server_side_encryption", "key_type") == "CUSTOMER_MANAGED_CMK"
        facts.fields["encryption"] = "sse-kms" if customer else "platform"
    elif r.get("server_side_encryption", "enabled") is not UNKNOWN:
        facts.fields["encryption"] = "none"
        facts.notes.append("server-side encryption of the stream is off")
    return facts


def _read_log_group(r: Resource, c: _Context) -> Facts:
    facts = Facts(key=c.key_reference(r, "kms_key_id"))
    encryption, note = _encryption(r, c, "kms_key_id")
    # CloudWatch Logs encrypts every log group; a KMS key makes it the customer's.
    facts.fields["encryption"] = encryption or "platform"
    if note:
        facts.notes.append(note)
    return facts


_LAMBDA_SECRETS = ("environment", "variables")


def _read_lambda(r: Resource, c: _Context) -> Facts:
    facts = Facts()
    variables = r.get(*_LAMBDA_SECRETS)
    if isinstance(variables, Mapping):
        c.secret_variables(r, variables.items())
    runtime = r.get("runtime")
    if isinstance(runtime, str):
        facts.fields["technology"] = f"AWS Lambda ({runtime})"
    return facts


def _read_task_definition(r: Resource, c: _Context) -> Facts:
    facts = Facts()
    text = r.get("container_definitions")
    try:
        containers = json.loads(text) if isinstance(text, str) else []
    except ValueError:
        containers = []
    for container in containers if isinstance(containers, list) else []:
        if not isinstance(container, Mapping):
            continue
        pairs = [
            (e.get("name"), e.get("value"))
            for e in container.get("environment") or ()
            if isinstance(e, Mapping)
        ]
        c.secret_variables(r, pairs)
    return facts


def _read_instance(r: Resource, c: _Context) -> Facts:
    facts = Facts()
    if _flag(r.get("associate_public_ip_address")):
        facts.fields["internet_facing"] = True
        facts.notes.append("has a public IP address")
    # Its volumes hold what it writes to disk: at rest it is as encrypted as the weakest.
    volumes = [r.block("root_block_device"), *r.all("ebs_block_device")]
    flags = [v.get("encrypted") for v in volumes if isinstance(v, Mapping)]
    if r.block("root_block_device") is UNKNOWN or UNKNOWN in flags or None in flags or not flags:
        facts.notes.append("volume encryption is known only after apply")
    elif not all(flags):
        facts.fields["encryption"] = "none"
        facts.notes.append("a volume is not encrypted")
    else:
        keys = [v.get("kms_key_id") for v in volumes if isinstance(v, Mapping)]
        customer = c.key_reference(r, "root_block_device") or any(
            isinstance(k, str) and k and "alias/aws/" not in k for k in keys
        )
        facts.fields["encryption"] = "sse-kms" if customer else "disk"
        facts.key = c.key_reference(r, "root_block_device")
    return facts


def _read_load_balancer(r: Resource, c: _Context) -> Facts:
    facts = Facts()
    if _flag(r.get("internal")) is False:
        facts.fields["internet_facing"] = True
    kind = r.get("load_balancer_type")
    if isinstance(kind, str):
        facts.fields["technology"] = f"Elastic Load Balancing ({kind})"
    return facts


# CloudFront: minimum_protocol_version -> TLS facts (SSLv3 is below anything MODEL.md names).
_CLOUDFRONT_TLS: dict[str, dict[str, Any]] = {
    "SSLv3": {"min_version": "1.0", "weak_ciphers": True},
    "TLSv1": {"min_version": "1.0"},
    "TLSv1_2016": {"min_version": "1.0"},
    "TLSv1.1_2016": {"min_version": "1.1"},
    "TLSv1.2_2018": {"min_version": "1.2"},
    "TLSv1.2_2019": {"min_version": "1.2"},
    "TLSv1.2_2021": {"min_version": "1.2", "forward_secrecy": True},
    "TLSv1.2_2025": {"min_version": "1.2", "forward_secrecy": True},
    "TLSv1.3_2025": {"min_version": "1.3", "forward_secrecy": True},
}


def _read_cloudfront(r: Resource, c: _Context) -> Facts:
    facts = Facts()
    facts.fields["internet_facing"] = True
    policy = r.get("default_cache_behavior", "viewer_protocol_policy")
    policies = [policy] + [
        b.get("viewer_protocol_policy")
        for b in r.all("ordered_cache_behavior")
        if isinstance(b, Mapping)
    ]
    if "allow-all" in policies:
        facts.public_entry = "http"
        facts.notes.append("a cache behavior allows plain HTTP (viewer_protocol_policy allow-all)")
    elif policy in ("redirect-to-https", "https-only"):
        facts.public_entry = "https"
        if _flag(r.get("viewer_certificate", "cloudfront_default_certificate")):
            facts.tls = {"min_version": "1.0"}  # the default certificate allows TLSv1
        else:
            version = r.get("viewer_certificate", "minimum_protocol_version")
            if isinstance(version, str) and version in _CLOUDFRONT_TLS:
                facts.tls = dict(_CLOUDFRONT_TLS[version])
    else:
        facts.public_entry = "unstated"
    origins = [o for o in r.all("origin") if isinstance(o, Mapping)]
    protocols = [_origin_protocol(o, facts.public_entry) for o in origins]
    if protocols and all(p == protocols[0] for p in protocols):
        facts.egress["origin"] = protocols[0]
    return facts


def _origin_protocol(origin: Mapping[str, Any], viewer: str | None) -> tuple | None:
    """(protocol, tls) CloudFront uses to reach one origin, when the plan says."""
    custom = origin.get("custom_origin_config")
    custom = custom[0] if isinstance(custom, list) and custom else custom
    if not isinstance(custom, Mapping):
        return None  # an S3 origin: how CloudFront reaches it is not in the plan
    policy = custom.get("origin_protocol_policy")
    protocol = {"http-only": "http", "https-only": "https"}.get(str(policy))
    if policy == "match-viewer" and viewer in ("http", "https"):
        protocol = viewer
    if protocol != "https":
        return (protocol, None) if protocol else None
    versions = [
        {"SSLv3": "1.0", "TLSv1": "1.0", "TLSv1.1": "1.1", "TLSv1.2": "1.2"}.get(v)
        for v in custom.get("origin_ssl_protocols") or ()
    ]
    known = sorted(v for v in versions if v)
    return ("https", {"min_version": known[0]} if known else None)


def _read_rest_api(r: Resource, c: _Context) -> Facts:
    facts = Facts()
    types = r.get("endpoint_configuration", "types")
    if isinstance(types, list) and types == ["PRIVATE"]:
        facts.notes.append("private endpoint (reachable from VPCs only)")
    else:
        facts.fields["internet_facing"] = True
        facts.public_entry = "https"  # API Gateway endpoints are HTTPS only
    return facts


def _read_http_api(r: Resource, c: _Context) -> Facts:
    facts = Facts(fields={"internet_facing": True})
    facts.public_entry = "wss" if r.get("protocol_type") == "WEBSOCKET" else "https"
    return facts


def _read_backup_vault(r: Resource, c: _Context) -> Facts:
    facts = Facts(key=c.key_reference(r, "kms_key_arn"))
    encryption, _ = _encryption(r, c, "kms_key_arn")
    facts.fields["encryption"] = encryption or "platform"  # vaults are always encrypted
    return facts


_AWS_API = "https"  # AWS service endpoints that answer HTTPS only

RESOURCES: dict[str, ResourceKind] = {
    "aws_s3_bucket": ResourceKind(
        "object-store",
        "s3",
        "Amazon S3",
        _read_s3_bucket,
        name_attribute="bucket",
        api_auth="sigv4",
    ),
    "aws_db_instance": ResourceKind(
        "database", "rds", "Amazon RDS", _read_db, name_attribute="identifier"
    ),
    "aws_rds_cluster": ResourceKind(
        "database", "rds", "Amazon Aurora", _read_db, name_attribute="cluster_identifier"
    ),
    "aws_db_snapshot": ResourceKind(
        "backup", "snap", "RDS snapshot", _read_snapshot("tde-cmk", "tde", "db_instance_identifier")
    ),
    "aws_db_cluster_snapshot": ResourceKind(
        "backup",
        "snap",
        "RDS cluster snapshot",
        _read_snapshot("tde-cmk", "tde", "db_cluster_identifier"),
    ),
    "aws_elasticache_replication_group": ResourceKind(
        "cache",
        "cache",
        "Amazon ElastiCache",
        _read_elasticache,
        name_attribute="replication_group_id",
    ),
    "aws_elasticache_cluster": ResourceKind(
        "cache", "cache", "Amazon ElastiCache", _read_elasticache, name_attribute="cluster_id"
    ),
    "aws_msk_cluster": ResourceKind(
        "broker", "msk", "Amazon MSK (Kafka)", _read_msk, name_attribute="cluster_name"
    ),
    "aws_mq_broker": ResourceKind(
        "broker", "mq", "Amazon MQ", _read_mq, name_attribute="broker_name"
    ),
    "aws_dynamodb_table": ResourceKind(
        "database",
        "ddb",
        "Amazon DynamoDB",
        _read_dynamodb,
        name_attribute="name",
        api_auth="sigv4",
    ),
    "aws_opensearch_domain": ResourceKind(
        "search-index", "search", "Amazon OpenSearch", _read_search, name_attribute="domain_name"
    ),
    "aws_elasticsearch_domain": ResourceKind(
        "search-index", "search", "Amazon Elasticsearch", _read_search, name_attribute="domain_name"
    ),
    "aws_redshift_cluster": ResourceKind(
        "warehouse",
        "redshift",
        "Amazon Redshift",
        _read_redshift,
        name_attribute="cluster_identifier",
    ),
    "aws_efs_file_system": ResourceKind(
        "file-store",
        "efs",
        "Amazon EFS",
        _read_encrypted_flag("sse-kms", "platform"),
        name_attribute="creation_token",
    ),
    "aws_ebs_volume": ResourceKind(
        "file-store", "ebs", "Amazon EBS volume", _read_encrypted_flag("sse-kms", "disk")
    ),
    "aws_ebs_snapshot": ResourceKind(
        "backup", "snap", "EBS snapshot", _read_snapshot("sse-kms", "disk", "volume_id")
    ),
    "aws_sqs_queue": ResourceKind(
        "broker",
        "sqs",
        "Amazon SQS",
        _read_sqs,
        name_attribute="name",
        always={"auth": "iam", "acls": True},
        api_auth="sigv4",
    ),
    "aws_sns_topic": ResourceKind(
        "broker",
        "sns",
        "Amazon SNS",
        _read_sns,
        ingress=_AWS_API,
        name_attribute="name",
        always={"auth": "iam", "acls": True},
        api_auth="sigv4",
    ),
    "aws_kinesis_stream": ResourceKind(
        "broker",
        "kinesis",
        "Amazon Kinesis Data Streams",
        _read_kinesis,
        ingress=_AWS_API,
        name_attribute="name",
        always={"auth": "iam", "acls": True},
        api_auth="sigv4",
    ),
    "aws_kinesis_firehose_delivery_stream": ResourceKind(
        "broker",
        "firehose",
        "Amazon Data Firehose",
        _read_firehose,
        ingress=_AWS_API,
        name_attribute="name",
        always={"auth": "iam", "acls": True},
        api_auth="sigv4",
    ),
    "aws_cloudwatch_log_group": ResourceKind(
        "log-sink",
        "logs",
        "CloudWatch Logs",
        _read_log_group,
        ingress=_AWS_API,
        name_attribute="name",
        inbound_references=True,
        api_auth="sigv4",
    ),
    "aws_backup_vault": ResourceKind(
        "backup", "vault", "AWS Backup vault", _read_backup_vault, name_attribute="name"
    ),
    "aws_lambda_function": ResourceKind(
        "function",
        "fn",
        "AWS Lambda",
        _read_lambda,
        ingress=_AWS_API,
        name_attribute="function_name",
        api_auth="sigv4",
    ),
    "aws_ecs_task_definition": ResourceKind(
        "service", "ecs", "Amazon ECS task", _read_task_definition, name_attribute="family"
    ),
    "aws_instance": ResourceKind("service", "ec2", "Amazon EC2 instance", _read_instance),
    "aws_lb": ResourceKind(
        "gateway", "lb", "Elastic Load Balancing", _read_load_balancer, name_attribute="name"
    ),
    "aws_alb": ResourceKind(
        "gateway", "lb", "Application Load Balancer", _read_load_balancer, name_attribute="name"
    ),
    "aws_elb": ResourceKind(
        "gateway", "lb", "Classic Load Balancer", _read_load_balancer, name_attribute="name"
    ),
    "aws_cloudfront_distribution": ResourceKind(
        "gateway", "cdn", "Amazon CloudFront", _read_cloudfront, ingress="https"
    ),
    "aws_api_gateway_rest_api": ResourceKind(
        "gateway",
        "api",
        "Amazon API Gateway (REST)",
        _read_rest_api,
        ingress=_AWS_API,
        name_attribute="name",
    ),
    "aws_apigatewayv2_api": ResourceKind(
        "gateway",
        "api",
        "Amazon API Gateway (HTTP/WebSocket)",
        _read_http_api,
        ingress=_AWS_API,
        name_attribute="name",
    ),
}


# --- resources that change another resource's element ------------------------------------


@dataclass(frozen=True)
class Companion:
    """A resource that states a fact about the element another resource is."""

    target: str  # the attribute referring to that resource
    apply: Callable[[Resource, Facts, _Context], None]


def _companion_sse(r: Resource, facts: Facts, c: _Context) -> None:
    rule = r.block("rule", "apply_server_side_encryption_by_default")
    if isinstance(rule, Mapping):
        key = c.key_reference(r, "rule")
        facts.fields.pop("encryption", None)
        facts.notes[:] = [n for n in facts.notes if "no server-side encryption" not in n]
        _s3_sse(facts, rule, bool(key))
        if key:
            facts.key = key
    elif rule is UNKNOWN:
        facts.notes.append("server-side encryption is known only after apply")


def _companion_public_access_block(r: Resource, facts: Facts, c: _Context) -> None:
    settings = ("block_public_acls", "block_public_policy", "ignore_public_acls")
    if all(_flag(r.get(name)) for name in (*settings, "restrict_public_buckets")):
        facts.public_blocked = True


def _companion_acl(r: Resource, facts: Facts, c: _Context) -> None:
    _s3_acl(facts, r.get("acl"))
    for grant in r.all("access_control_policy", "grant"):
        uri = (grant.get("grantee") or [{}])[0].get("uri") if isinstance(grant, Mapping) else ""
        if isinstance(uri, str) and uri.endswith(("/AllUsers", "/AuthenticatedUsers")):
            facts.fields["public_access"] = True
            facts.notes.append("ACL grants access to all users")


def _companion_policy(r: Resource, facts: Facts, c: _Context) -> None:
    _s3_policy(facts, r.get("policy"))


def _companion_throttling(r: Resource, facts: Facts, c: _Context) -> None:
    rate = r.get("settings", "throttling_rate_limit")
    if isinstance(rate, (int, float)) and rate > 0:
        facts.fields["rate_limited"] = True


def _companion_usage_plan(r: Resource, facts: Facts, c: _Context) -> None:
    rate = r.get("throttle_settings", "rate_limit")
    if isinstance(rate, (int, float)) and rate > 0:
        facts.fields["rate_limited"] = True


_METHOD_AUTH = {"NONE": "none", "AWS_IAM": "sigv4", "COGNITO_USER_POOLS": "jwt", "JWT": "jwt"}


def _companion_method(r: Resource, facts: Facts, c: _Context) -> None:
    authorization = r.get("authorization") or r.get("authorization_type")
    if _flag(r.get("api_key_required")):
        facts.entry_auth.add("api-key")
    elif isinstance(authorization, str) and authorization in _METHOD_AUTH:
        facts.entry_auth.add(_METHOD_AUTH[authorization])
    elif authorization == "CUSTOM":
        facts.entry_auth.add("custom")
        facts.notes.append("methods use a custom (Lambda) authorizer: state the flow's auth")


def _companion_vault_lock(r: Resource, facts: Facts, c: _Context) -> None:
    facts.fields["immutable"] = True
    facts.notes.append("vault lock: recovery points cannot be deleted")


def _companion_backup_replication(r: Resource, facts: Facts, c: _Context) -> None:
    if facts.backup is not None:
        facts.backup.fields["offsite"] = True
        facts.backup.notes.append("replicated to another region")


_API_DOMAIN_TLS = {"TLS_1_0": {"min_version": "1.0"}, "TLS_1_2": {"min_version": "1.2"}}


def _companion_api_domain(r: Resource, facts: Facts, c: _Context) -> None:
    """A custom domain mapped to the API: its security policy is the TLS callers get."""
    for domain in c.targets(r, "domain_name"):
        for instance in c.by_config.get(domain, ()):
            policy = instance.get("security_policy") or instance.get(
                "domain_name_configuration", "security_policy"
            )
            if (
                isinstance(policy, str)
                and policy in _API_DOMAIN_TLS
                and facts.public_entry == "https"
            ):
                facts.tls = dict(_API_DOMAIN_TLS[policy])
                facts.notes.append(f"custom domain with security policy {policy}")


def _companion_function_url(r: Resource, facts: Facts, c: _Context) -> None:
    facts.fields["internet_facing"] = True
    facts.public_entry = "https"
    kind = r.get("authorization_type")
    facts.entry_auth.add("sigv4" if kind == "AWS_IAM" else "none")


COMPANIONS: dict[str, Companion] = {
    "aws_s3_bucket_server_side_encryption_configuration": Companion("bucket", _companion_sse),
    "aws_s3_bucket_public_access_block": Companion("bucket", _companion_public_access_block),
    "aws_s3_bucket_acl": Companion("bucket", _companion_acl),
    "aws_s3_bucket_policy": Companion("bucket", _companion_policy),
    "aws_api_gateway_method_settings": Companion("rest_api_id", _companion_throttling),
    "aws_api_gateway_usage_plan": Companion("api_stages", _companion_usage_plan),
    "aws_api_gateway_method": Companion("rest_api_id", _companion_method),
    "aws_apigatewayv2_route": Companion("api_id", _companion_method),
    "aws_backup_vault_lock_configuration": Companion("backup_vault_name", _companion_vault_lock),
    "aws_db_instance_automated_backups_replication": Companion(
        "source_db_instance_arn", _companion_backup_replication
    ),
    "aws_lambda_function_url": Companion("function_name", _companion_function_url),
    "aws_api_gateway_base_path_mapping": Companion("api_id", _companion_api_domain),
    "aws_apigatewayv2_api_mapping": Companion("api_id", _companion_api_domain),
}


@dataclass(frozen=True)
class Connector:
    """A resource that is no element but says one element sends to another."""

    source: str
    targets: tuple[str, ...]


CONNECTORS: dict[str, Connector] = {
    "aws_lambda_event_source_mapping": Connector("event_source_arn", ("function_name",)),
    "aws_api_gateway_integration": Connector("rest_api_id", ("uri",)),
    "aws_api_gateway_authorizer": Connector("rest_api_id", ("authorizer_uri",)),
    "aws_apigatewayv2_integration": Connector("api_id", ("integration_uri",)),
    "aws_apigatewayv2_authorizer": Connector("api_id", ("authorizer_uri",)),
    "aws_api_gateway_stage": Connector("rest_api_id", ("access_log_settings",)),
    "aws_apigatewayv2_stage": Connector("api_id", ("access_log_settings",)),
    "aws_lambda_permission": Connector("source_arn", ("function_name",)),
    "aws_sns_topic_subscription": Connector("topic_arn", ("endpoint",)),
    "aws_s3_bucket_notification": Connector("bucket", ("lambda_function", "queue", "topic")),
    "aws_cloudwatch_log_subscription_filter": Connector("log_group_name", ("destination_arn",)),
    "aws_pipes_pipe": Connector("source", ("target",)),
}

# Parameter groups, and the parameters in them that make a database refuse plaintext.
TLS_PARAMETER_GROUPS = (
    "aws_db_parameter_group",
    "aws_rds_cluster_parameter_group",
    "aws_redshift_parameter_group",
)
TLS_PARAMETERS = ("rds.force_ssl", "require_secure_transport", "require_ssl")

# What an element's placement is read from, for resources that place another one.
PLACEMENT_VIA = {"aws_ecs_service": "task_definition"}
SUBNET_GROUPS = (
    "aws_db_subnet_group",
    "aws_elasticache_subnet_group",
    "aws_redshift_subnet_group",
)
ROLE_USERS = ("role", "task_role_arn", "iam_instance_profile", "execution_role_arn")

LISTENER_PROTOCOLS = {
    "HTTP": "http",
    "HTTPS": "https",
    "TCP": "tcp",
    "TLS": "tls",
    "SSL": "tls",
    "UDP": "udp",
    "TCP_UDP": "tcp",
}
# Elastic Load Balancing security policies: (minimum TLS version, forward secrecy only).
# AWS: policies that allow only TLS 1.3, or TLS 1.2+ with ECDHE suites only, give FS.
ELB_SSL_POLICIES: dict[str, tuple[str, bool]] = {
    "ELBSecurityPolicy-2016-08": ("1.0", False),
    "ELBSecurityPolicy-2015-05": ("1.0", False),
    "ELBSecurityPolicy-TLS-1-0-2015-04": ("1.0", False),
    "ELBSecurityPolicy-TLS-1-1-2017-01": ("1.1", False),
    "ELBSecurityPolicy-TLS-1-2-2017-01": ("1.2", False),
    "ELBSecurityPolicy-TLS-1-2-Ext-2018-06": ("1.2", False),
    "ELBSecurityPolicy-FS-2018-06": ("1.0", True),
    "ELBSecurityPolicy-FS-1-1-2019-08": ("1.1", True),
    "ELBSecurityPolicy-FS-1-2-2019-08": ("1.2", True),
    "ELBSecurityPolicy-FS-1-2-Res-2019-08": ("1.2", True),
    "ELBSecurityPolicy-FS-1-2-Res-2020-10": ("1.2", True),
    "ELBSecurityPolicy-TLS13-1-0-2021-06": ("1.0", False),
    "ELBSecurityPolicy-TLS13-1-1-2021-06": ("1.1", False),
    "ELBSecurityPolicy-TLS13-1-2-2021-06": ("1.2", False),
    "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06": ("1.2", False),
    "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06": ("1.2", False),
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06": ("1.2", True),
    "ELBSecurityPolicy-TLS13-1-3-2021-06": ("1.3", True),
    "ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04": ("1.0", False),
    "ELBSecurityPolicy-TLS13-1-1-FIPS-2023-04": ("1.1", False),
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04": ("1.2", False),
    "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04": ("1.2", False),
    "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04": ("1.2", False),
    "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04": ("1.2", False),
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04": ("1.2", True),
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04": ("1.3", True),
    "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09": ("1.2", True),
    "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09": ("1.2", False),
    "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09": ("1.3", True),
}

# Tags that state a data classification, and the values they take.
CLASSIFICATION_TAGS = ("dataclassification", "classification", "dataclass", "datasensitivity")
CLASSIFICATION_VALUES: dict[str, tuple[str, tuple[str, ...]]] = {
    "public": ("public", ()),
    "internal": ("internal", ()),
    "confidential": ("confidential", ()),
    "sensitive": ("confidential", ()),
    "restricted": ("restricted", ()),
    "highlyconfidential": ("restricted", ()),
    "secret": ("restricted", ("secret",)),
    "pii": ("confidential", ("pii",)),
    "phi": ("restricted", ("phi",)),
    "pci": ("restricted", ("pan",)),
    "pan": ("restricted", ("pan",)),
    "cardholder": ("restricted", ("pan",)),
}
ENV_TAGS = ("environment", "env", "stage")
ENV_VALUES = {
    "prod": "prod",
    "production": "prod",
    "prd": "prod",
    **{v: "non-prod" for v in ("dev", "development", "test", "testing", "qa", "staging")},
    **{v: "non-prod" for v in ("stage", "stg", "sandbox", "nonprod", "non-prod", "uat")},
}

_SECRET_NAME = re.compile(
    r"pass(word|wd)?\b|passwd|pwd|secret|token|api_?key|private_?key|access_?key|credential|"
    r"signing_?key|client_?secret|auth_?key|\bdsn\b|connection_?string",
    re.IGNORECASE,
)
_NOT_THE_SECRET = re.compile(r"(_|^)(arn|name|id|path|ttl|region|endpoint|expiry|length)$", re.I)
_SECRET_VALUE = re.compile(
    r"AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----|gh[pousr]_[A-Za-z0-9]{30,}|"
    r"xox[abprs]-[A-Za-z0-9-]{10,}|sk_live_[A-Za-z0-9]{10,}|://[^/\s:@]+:[^@/\s]+@"
)
_SECRET_REFERENCE = ("arn:aws:secretsmanager:", "arn:aws:ssm:", "{{resolve:")


def looks_like_secret(name: Any, value: Any) -> bool:
    """An environment variable holding a credential, by its name or its value."""
    if isinstance(value, str) and value.startswith(_SECRET_REFERENCE):
        return False  # it names where the secret is kept, not the secret
    if isinstance(value, str) and _SECRET_VALUE.search(value):
        return True
    if not isinstance(name, str) or not name or _NOT_THE_SECRET.search(name):
        return False
    if value is None or value == "":
        return False
    return bool(_SECRET_NAME.search(name.replace("-", "_")))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _make_id(*parts: str) -> str:
    """A valid, stable ID from the parts; long ones are cut and keep a hash of the whole."""
    text = "-".join(p for p in (_slug(part) for part in parts) if p) or "item"
    if len(text) <= MAX_ID:
        return text
    digest = hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:6]
    return f"{text[: MAX_ID - 7].rstrip('-')}-{digest}"


def _module_words(module: str) -> str:
    return " ".join(part for part in module.split(".") if part and part != "module")


# --- building the document --------------------------------------------------------------


@dataclass
class PlanImport:
    """The document made from a plan, and which resource addresses each item came from."""

    document: dict[str, Any]
    sources: dict[str, tuple[str, ...]]  # element / flow / key ID -> resource addresses
    actions: dict[str, str]  # resource address -> create | update | replace | delete | ...

    def introduced(self, item_id: str) -> bool:
        """True when this plan creates, replaces or changes a resource behind the item."""
        return any(
            self.actions.get(address) in ("create", "replace", "update")
            for address in self.sources.get(item_id, ())
        )


@dataclass
class _Element:
    id: str
    config: str
    kind: ResourceKind
    resources: list[Resource]
    facts: Facts


class _Context:
    def __init__(self, plan: Mapping[str, Any]) -> None:
        self.resources = _resources(plan)
        self.configuration = _Configuration(_map(plan.get("configuration")))
        self.by_config: dict[str, list[Resource]] = defaultdict(list)
        for resource in self.resources:
            self.by_config[resource.config].append(resource)
        self.types = {r.config: r.type for r in self.resources}
        self.secrets: dict[str, set[str]] = defaultdict(set)  # config -> variable names

    def targets(self, resource: Resource | str, attribute: str | None = None) -> list[str]:
        address = resource if isinstance(resource, str) else resource.config
        return self.configuration.targets(address, attribute)

    def targets_of_type(
        self, address: str, types: Iterable[str], attribute: str | None = None
    ) -> list[str]:
        wanted = set(types)
        return [t for t in self.targets(address, attribute) if self.types.get(t) in wanted]

    def key_reference(self, resource: Resource, attribute: str) -> str | None:
        """The aws_kms_key an attribute refers to, directly or through an alias."""
        for target in self.targets(resource, attribute):
            kind = self.types.get(target)
            if kind == "aws_kms_key":
                return target
            if kind == "aws_kms_alias":
                keys = self.targets_of_type(target, ("aws_kms_key",), "target_key_id")
                if keys:
                    return keys[0]
        return None

    def secret_variables(self, resource: Resource, pairs: Iterable[tuple[Any, Any]]) -> None:
        for name, value in pairs:
            if looks_like_secret(name, value):
                self.secrets[resource.config].add(str(name))

    def database_protocol(self, resource: Resource, engine: str) -> str | None:
        """postgres-tls / mysql-tls when a parameter group forces TLS; else unstated (the
        clients may still use TLS, but nothing in the plan makes them)."""
        family = "postgres" if "postgres" in engine or engine == "redshift" else None
        if "mysql" in engine or engine in ("mariadb", "aurora"):
            family = "mysql"
        if family is None:
            return None
        for group in self.targets_of_type(resource.config, TLS_PARAMETER_GROUPS):
            for instance in self.by_config.get(group, ()):
                for parameter in instance.all("parameter"):
                    if not isinstance(parameter, Mapping):
                        continue
                    name, value = parameter.get("name"), str(parameter.get("value", "")).lower()
                    if name in TLS_PARAMETERS and value in ("1", "on", "true"):
                        return f"{family}-tls"
        return None


class _Builder:
    def __init__(self, plan: Mapping[str, Any], name: str) -> None:
        self.version = _check_version(plan)
        self.plan = plan
        self.name = name
        self.c = _Context(plan)
        self.elements: dict[str, list[_Element]] = {}  # config address -> its elements
        self.document_elements: list[dict[str, Any]] = []
        self.flows: dict[tuple[str, str], dict[str, Any]] = {}
        self.flow_sources: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.keys: dict[str, dict[str, Any]] = {}
        self.sources: dict[str, tuple[str, ...]] = {}
        self.boundaries: dict[str, dict[str, Any]] = {}
        self.data: dict[str, dict[str, Any]] = {}
        self.placement: dict[str, str] = {}  # element ID -> boundary ID
        self.unmapped: Counter[str] = Counter()
        self._docs: dict[str, dict[str, Any]] = {}  # element ID -> its document entry
        self.element_kinds: dict[str, str] = {}

    # elements

    def read_elements(self) -> None:
        facts_by_config: dict[str, list[tuple[Resource, Facts]]] = defaultdict(list)
        for resource in self.c.resources:
            kind = RESOURCES.get(resource.type)
            if kind is None:
                if not (
                    resource.type in COMPANIONS
                    or resource.type in CONNECTORS
                    or resource.type in _HANDLED_ELSEWHERE
                ):
                    self.unmapped[resource.type] += 1
                continue
            facts = kind.read(resource, self.c) if kind.read else Facts()
            facts_by_config[resource.config].append((resource, facts))
        for resource in self.c.resources:
            companion = COMPANIONS.get(resource.type)
            if companion is None:
                continue
            for target in self.c.targets(resource, companion.target):
                for _r, facts in facts_by_config.get(target, ()):
                    companion.apply(resource, facts, self.c)
        for config, pairs in facts_by_config.items():
            self._group(config, pairs)

    def _group(self, config: str, pairs: list[tuple[Resource, Facts]]) -> None:
        copies = len({(r.type, facts.comparable()) for r, facts in pairs}) == 1
        groups = [pairs] if copies else [[pair] for pair in pairs]
        built = []
        for group in groups:
            resource, facts = group[0]
            kind = RESOURCES[resource.type]
            suffix = "" if copies else str(resource.index)
            element_id = self._unused(
                _make_id(kind.short, _module_words(resource.module), resource.name, suffix)
            )
            built.append(_Element(element_id, config, kind, [r for r, _f in group], facts))
            self.element_kinds[element_id] = kind.kind
        self.elements[config] = built

    def _unused(self, element_id: str) -> str:
        """IDs follow from addresses; two that slug alike ("a_b", "a-b") get a number."""
        candidate, number = element_id, 2
        while candidate in self.element_kinds:
            candidate = _make_id(element_id, str(number))
            number += 1
        return candidate

    def element_documents(self) -> None:
        for config in sorted(self.elements):
            for element in self.elements[config]:
                self.document_elements.append(self._element_document(element))

    def _element_document(self, element: _Element) -> dict[str, Any]:
        resource, facts, kind = element.resources[0], element.facts, element.kind
        fields = {
            k: v
            for k, v in facts.fields.items()
            if v is not None and v is not False and kind.kind in KIND_FIELDS.get(k, (kind.kind,))
        }
        if facts.public_blocked:
            fields.pop("public_access", None)
            facts.notes.append("public access blocked (S3 public access block)")
        label = _display_name(resource, kind)
        if len(element.resources) > 1:
            label = f"{label} ({len(element.resources)} instances)"
        document: dict[str, Any] = {
            "id": element.id,
            "kind": kind.kind,
            "name": label[:MAX_NAME],
            "technology": fields.pop("technology", kind.technology),
        }
        document.update({**kind.always, **fields})
        if facts.key and fields.get("encryption") in ("sse-kms", "tde-cmk", "sse-c"):
            document["key"] = self.key_id(facts.key)
        if facts.backup_of:
            sources = self._element_ids(self.c.targets(resource, facts.backup_of))
            stores = [s for s in sources if self._kind_of(s) in _BACKED_UP_KINDS]
            if stores:
                document["backup_of"] = stores[0]
        data = self._classification(element)
        if (
            data
            and kind.kind not in ("backup",)
            and kind.kind not in ("function", "service", "gateway")
        ):
            document["stores"] = [data]
        document["description"] = self._description(element)
        self.sources[element.id] = tuple(r.address for r in element.resources)
        return document

    def _kind_of(self, element_id: str) -> str | None:
        if element_id in self.element_kinds:
            return self.element_kinds[element_id]
        return self._element_doc(element_id).get("kind")

    def _description(self, element: _Element) -> str:
        addresses = [r.address for r in element.resources]
        shown = ", ".join(addresses[:MAX_SOURCES_LISTED])
        if len(addresses) > MAX_SOURCES_LISTED:
            shown += f" and {len(addresses) - MAX_SOURCES_LISTED} more"
        parts = [f"Terraform: {shown}."]
        actions = Counter(r.action for r in element.resources if r.action not in ("", "no-op"))
        for action, count in sorted(actions.items()):
            noun = "it" if len(element.resources) == 1 else f"{count} of its instances"
            verb = {"create": "creates", "update": "changes", "replace": "replaces"}.get(
                action, f"{action}s"
            )
            parts.append(f"This plan {verb} {noun}.")
        notes = list(dict.fromkeys(element.facts.notes))
        if notes:
            parts.append(_sentence("; ".join(notes)))
        return " ".join(p for p in parts if p)[:1000]

    def _classification(self, element: _Element) -> str | None:
        for resource in element.resources:
            for tag, value in resource.tags.items():
                if re.sub(r"[^a-z]", "", str(tag).lower()) not in CLASSIFICATION_TAGS:
                    continue
                key = re.sub(r"[^a-z]", "", str(value).lower())
                if key in CLASSIFICATION_VALUES:
                    classification, tags = CLASSIFICATION_VALUES[key]
                    data_id = _make_id(key, "data")
                    self.data.setdefault(
                        data_id,
                        {
                            "id": data_id,
                            "name": f"Data tagged {tag}={value}"[:MAX_NAME],
                            "classification": classification,
                            **({"tags": list(tags)} if tags else {}),
                            "description": "From the resources' data classification tags.",
                        },
                    )
                    return data_id
        return None

    def _element_ids(self, configs: Iterable[str]) -> list[str]:
        return [e.id for config in configs for e in self.elements.get(config, ())]

    # backups

    def automated_backups(self) -> None:
        for config in sorted(self.elements):
            for element in self.elements[config]:
                backup = element.facts.backup
                if backup is None:
                    continue
                backup_id = _make_id(element.id, "backups")
                label = _display_name(element.resources[0], element.kind)
                fields = {k: v for k, v in backup.fields.items() if v is not None}
                document = {
                    "id": backup_id,
                    "kind": "backup",
                    "name": f"Automated backups of {label}"[:MAX_NAME],
                    "technology": "RDS automated backups",
                    "backup_of": element.id,
                    **fields,
                }
                if element.facts.key and fields.get("encryption") == "tde-cmk":
                    document["key"] = self.key_id(element.facts.key)
                document["description"] = f"Terraform: {element.resources[0].address} " + (
                    f"(backup_retention_period). {_sentence('; '.join(backup.notes))}"
                )
                self.document_elements.append(document)
                self.sources[backup_id] = self.sources[element.id]
                self.placement[backup_id] = self.placement.get(element.id, MANAGED)

    def backup_selections(self) -> None:
        """AWS Backup: a selection puts resources into a plan, whose rules fill a vault."""
        vault_docs = {
            d["id"]: d for d in self.document_elements if d["technology"] == "AWS Backup vault"
        }
        for resource in self.c.resources:
            if resource.type != "aws_backup_selection":
                continue
            plans = self.c.targets_of_type(resource.config, ("aws_backup_plan",), "plan_id")
            vaults: list[str] = []
            offsite = False
            for plan in plans:
                vaults += self._element_ids(
                    self.c.targets_of_type(plan, ("aws_backup_vault",), "rule")
                )
                offsite = offsite or any(
                    isinstance(rule, Mapping) and rule.get("copy_action")
                    for r in self.c.by_config.get(plan, ())
                    for rule in r.all("rule")
                )
            for source in self._element_ids(self.c.targets(resource, "resources")):
                if source in vault_docs or self._kind_of(source) not in _BACKED_UP_KINDS:
                    continue
                vault = vault_docs.get(vaults[0]) if vaults else None
                if vault is None:
                    continue
                vault.setdefault("backup_of", source)
                if offsite:
                    vault["offsite"] = True
                vault["description"] += f" Backs up {source} (from {resource.address})."
                self.sources[vault["id"]] += (resource.address,)

    # keys

    def key_id(self, config: str) -> str:
        resource = self.c.by_config[config][0]
        key_id = _make_id("kms", _module_words(resource.module), resource.name)
        if key_id not in self.keys:
            self.keys[key_id] = self._kms_key(key_id, config)
        return key_id

    def _kms_key(self, key_id: str, config: str) -> dict[str, Any]:
        resources = self.c.by_config[config]
        resource = resources[0]
        usage = resource.get("key_usage")
        key: dict[str, Any] = {
            "id": key_id,
            "type": "signing" if usage == "SIGN_VERIFY" else "kek",
            "name": str(resource.get("description") or resource.name)[:MAX_NAME],
            "custody": "hsm" if isinstance(resource.get("custom_key_store_id"), str) else "kms",
            "held_by": self._key_store("aws-kms", "AWS KMS"),
        }
        rotation = _flag(resource.get("enable_key_rotation"))
        if rotation:
            period = resource.get("rotation_period_in_days")
            key["rotation_days"] = period if isinstance(period, int) and period > 0 else 365
        notes = [f"Terraform: {resource.address}."]
        if rotation is None and resource.get("enable_key_rotation") is UNKNOWN:
            notes.append("Rotation is known only after apply.")
        elif not rotation:
            notes.append("enable_key_rotation is off.")
        key["description"] = " ".join(notes)
        self.sources[key_id] = tuple(r.address for r in resources)
        return key

    def all_kms_keys(self) -> None:
        for config, resources in self.c.by_config.items():
            if resources[0].type == "aws_kms_key":
                self.key_id(config)

    def secrets(self) -> None:
        rotations: dict[str, int | None] = {}
        for resource in self.c.resources:
            if resource.type == "aws_secretsmanager_secret_rotation":
                days = resource.get("rotation_rules", "automatically_after_days")
                if not isinstance(days, int):
                    match = re.search(
                        r"rate\((\d+) days?\)",
                        str(resource.get("rotation_rules", "schedule_expression")),
                    )
                    days = int(match.group(1)) if match else None
                for secret in self.c.targets(resource, "secret_id"):
                    rotations[secret] = days
        for config, resources in sorted(self.c.by_config.items()):
            resource = resources[0]
            if resource.type != "aws_secretsmanager_secret":
                continue
            key_id = _make_id("secret", _module_words(resource.module), resource.name)
            key: dict[str, Any] = {
                "id": key_id,
                "type": "password" if "pass" in resource.name.lower() else "api-secret",
                "name": str(resource.get("name") or resource.name)[:MAX_NAME],
                "custody": "secrets-manager",
                "held_by": self._key_store("aws-secrets-manager", "AWS Secrets Manager"),
            }
            if rotations.get(config):
                key["rotation_days"] = rotations[config]
            key["description"] = f"Terraform: {resource.address}." + (
                "" if config in rotations else " No rotation is configured in the plan."
            )
            self.keys[key_id] = key
            self.sources[key_id] = tuple(r.address for r in resources)
            for user in self._users_of(config):
                self._use_key(user, key_id)

    def _users_of(self, config: str) -> list[str]:
        """Services whose configuration refers to `config`."""
        if not hasattr(self, "_referrers"):
            self._referrers: dict[str, list[str]] = defaultdict(list)
            for address, refs in self.c.configuration.refs.items():
                for target in dict.fromkeys(t for _p, t in refs):
                    self._referrers[target].append(address)
        return [
            e.id
            for address in self._referrers.get(config, ())
            for e in self.elements.get(address, ())
            if e.kind.kind in _SERVICES
        ]

    def _use_key(self, element_id: str, key_id: str) -> None:
        document = self._element_doc(element_id)
        if document.get("kind") in _SERVICES:
            uses = document.setdefault("uses_keys", [])
            if key_id not in uses:
                uses.append(key_id)

    def environment_secrets(self) -> None:
        for config, names in sorted(self.c.secrets.items()):
            for element in self.elements.get(config, ()):
                if element.kind.kind not in _SERVICES:
                    continue
                for name in sorted(names):
                    key_id = _make_id(element.id, "env", name)
                    self.keys[key_id] = {
                        "id": key_id,
                        "type": "password" if re.search(r"pass|pwd", name, re.I) else "api-secret",
                        "name": f"{name} of {element.id}"[:MAX_NAME],
                        "custody": "env-var",
                        "description": (
                            f"Environment variable {name} of {element.resources[0].address} looks "
                            "like a secret; its value is not kept."
                        )[:1000],
                    }
                    self.sources[key_id] = tuple(r.address for r in element.resources)
                    self._use_key(element.id, key_id)

    def _key_store(self, element_id: str, name: str) -> str:
        if not self._element_doc(element_id):
            self.document_elements.append(
                {"id": element_id, "kind": "key-store", "name": name, "technology": name}
            )
            self.placement[element_id] = MANAGED
        return element_id

    # boundaries

    def networks(self) -> None:
        """VPCs, and their subnets split by whether a route leads to an internet gateway."""
        public_tables = set()
        for resource in self.c.resources:
            if resource.type == "aws_route_table" and self.c.targets_of_type(
                resource.config, ("aws_internet_gateway",), "route"
            ):
                public_tables.add(resource.config)
            if resource.type == "aws_route_table" and any(
                isinstance(route, Mapping) and str(route.get("gateway_id") or "").startswith("igw-")
                for route in resource.all("route")
            ):
                public_tables.add(resource.config)
            if resource.type == "aws_route" and self.c.targets_of_type(
                resource.config, ("aws_internet_gateway",), "gateway_id"
            ):
                public_tables.update(self.c.targets(resource.config, "route_table_id"))
        public_subnets = set()
        for resource in self.c.resources:
            if resource.type == "aws_route_table_association" and (
                set(self.c.targets(resource.config, "route_table_id")) & public_tables
            ):
                public_subnets.update(self.c.targets(resource.config, "subnet_id"))
        self.subnet_tier: dict[str, str] = {}
        for config, resources in sorted(self.c.by_config.items()):
            resource = resources[0]
            if resource.type == "aws_vpc":
                self._vpc_boundary(config)
            elif resource.type == "aws_subnet":
                vpcs = self.c.targets_of_type(config, ("aws_vpc",), "vpc_id")
                vpc = self._vpc_boundary(vpcs[0]) if vpcs else self._vpc_boundary(None)
                public = config in public_subnets
                tier_id = f"{vpc}-{'public' if public else 'private'}"
                if tier_id not in self.boundaries:
                    vpc_name = self.boundaries[vpc]["name"]
                    self.boundaries[tier_id] = {
                        "id": tier_id,
                        "kind": "dmz" if public else "internal",
                        "name": f"{vpc_name}: {'public' if public else 'private'} subnets",
                        "parent": vpc,
                        "description": (
                            "Subnets routed to an internet gateway."
                            if public
                            else "Subnets with no route to an internet gateway in the plan."
                        ),
                    }
                self.subnet_tier[config] = tier_id

    def _vpc_boundary(self, config: str | None) -> str:
        if config is None:
            boundary_id, name, address = "vpc", "VPC", ""
        else:
            resource = self.c.by_config[config][0]
            boundary_id = _make_id("vpc", _module_words(resource.module), resource.name)
            name = str(resource.tags.get("Name") or f"VPC {resource.name}")
            address = resource.address
        if boundary_id not in self.boundaries:
            self.boundaries[boundary_id] = {
                "id": boundary_id,
                "kind": "internal",
                "name": name[:MAX_NAME],
                "parent": MANAGED,
                **({"description": f"Terraform: {address}."} if address else {}),
            }
        return boundary_id

    def place_elements(self) -> None:
        placed_via: dict[str, list[str]] = defaultdict(list)  # element config -> placing configs
        for resource in self.c.resources:
            attribute = PLACEMENT_VIA.get(resource.type)
            if attribute:
                for target in self.c.targets(resource, attribute):
                    placed_via[target].append(resource.config)
        for config, elements in self.elements.items():
            sources = [config, *placed_via.get(config, ())]
            subnets: set[str] = set()
            vpcs: set[str] = set()
            for source in sources:
                for target in self.c.targets(source):
                    kind = self.c.types.get(target)
                    if kind == "aws_subnet":
                        subnets.add(target)
                    elif kind in SUBNET_GROUPS:
                        subnets.update(self.c.targets_of_type(target, ("aws_subnet",)))
                    elif kind == "aws_vpc":
                        vpcs.add(target)
                    elif kind == "aws_security_group":
                        vpcs.update(self.c.targets_of_type(target, ("aws_vpc",), "vpc_id"))
            tiers = {self.subnet_tier[s] for s in subnets if s in getattr(self, "subnet_tier", {})}
            if len(tiers) == 1:
                boundary = tiers.pop()
            elif tiers:
                boundary = self.boundaries[sorted(tiers)[0]]["parent"]
            elif vpcs:
                boundary = self._vpc_boundary(sorted(vpcs)[0])
            else:
                boundary = MANAGED
            for element in elements:
                self.placement[element.id] = boundary

    # flows

    def add_flow(
        self,
        source: str,
        target: str,
        why: str,
        protocol: str | None = None,
        tls: dict[str, Any] | None = None,
        auth: str | None = None,
    ) -> None:
        if source == target:
            return
        pair = (source, target)
        self.flow_sources[pair].append(why)
        flow = self.flows.get(pair)
        target_kind = self._kind_of(target)
        if flow is None:
            flow = {"id": _make_id(source, "to", target), "from": source, "to": target}
            purpose = {"log-sink": "logging", "backup": "backup"}.get(target_kind or "")
            if purpose:
                flow["purpose"] = purpose
            self.flows[pair] = flow
        if protocol and "protocol" not in flow:
            flow["protocol"] = protocol
            if tls:
                flow["tls"] = dict(tls)
        if auth and "auth" not in flow:
            flow["auth"] = auth

    def _ingress(self, config: str) -> tuple[str | None, dict[str, Any] | None, str | None]:
        elements = self.elements.get(config) or []
        if not elements:
            return None, None, None
        facts, kind = elements[0].facts, elements[0].kind
        return facts.ingress or kind.ingress, facts.tls, kind.api_auth

    def _connect(self, sources: Iterable[str], targets: Iterable[str], why: str) -> None:
        targets = list(targets)
        for source in sources:
            for target_config in targets:
                protocol, tls, auth = self._ingress(target_config)
                for s in self._element_ids([source]):
                    for t in self._element_ids([target_config]):
                        self.add_flow(s, t, why, protocol, tls, auth)

    def reference_flows(self) -> None:
        for config, elements in sorted(self.elements.items()):
            kind = elements[0].kind
            for path, target in self.c.configuration.refs.get(config, ()):
                if target not in self.elements or path.split(".", 1)[0] in ROLE_USERS:
                    continue
                if self.elements[target][0].kind.kind == "backup" or kind.kind == "backup":
                    continue
                why = f"{config} refers to {target} ({path})"
                egress = elements[0].facts.egress.get(path.split(".", 1)[0])
                if kind.inbound_references:
                    self._connect([target], [config], why)
                elif egress:
                    for source in self._element_ids([config]):
                        for end in self._element_ids([target]):
                            self.add_flow(source, end, why, egress[0], egress[1])
                else:
                    self._connect([config], [target], why)

    def connector_flows(self) -> None:
        for resource in self.c.resources:
            connector = CONNECTORS.get(resource.type)
            if connector is None:
                continue
            sources = self.c.targets(resource, connector.source)
            for attribute in connector.targets:
                targets = self.c.targets(resource, attribute)
                self._connect(
                    sources, targets, f"{resource.config} ({connector.source} -> {attribute})"
                )

    def iam_flows(self) -> None:
        """A role's policies name resources; whoever assumes the role reaches them."""
        grants: dict[str, dict[str, str]] = defaultdict(dict)  # role -> target -> policy
        policies: dict[str, set[str]] = defaultdict(set)  # aws_iam_policy -> what it names
        for resource in self.c.resources:
            if resource.type == "aws_iam_policy":
                policies[resource.config].update(self.c.targets(resource, "policy"))
        for resource in self.c.resources:
            roles: list[str] = []
            named: dict[str, str] = {}
            if resource.type == "aws_iam_role_policy":
                roles = self.c.targets(resource, "role")
                named = dict.fromkeys(self.c.targets(resource, "policy"), resource.config)
            elif resource.type in ("aws_iam_role_policy_attachment", "aws_iam_policy_attachment"):
                roles = self.c.targets(resource, "role") + self.c.targets(resource, "roles")
                for policy in self.c.targets(resource, "policy_arn"):
                    named.update(dict.fromkeys(policies.get(policy, ()), policy))
            elif resource.type == "aws_iam_role":
                roles = [resource.config]
                named = dict.fromkeys(self.c.targets(resource, "inline_policy"), resource.config)
                for policy in self.c.targets(resource, "managed_policy_arns"):
                    named.update(dict.fromkeys(policies.get(policy, ()), policy))
            for role in roles:
                for target, policy in named.items():
                    if target in self.elements:
                        grants[role].setdefault(target, policy)
        profiles = {
            r.config: self.c.targets(r, "role")
            for r in self.c.resources
            if r.type == "aws_iam_instance_profile"
        }
        for config in sorted(self.elements):
            roles = []
            for attribute in ROLE_USERS:
                for target in self.c.targets(config, attribute):
                    roles += profiles.get(target, [target])
            for role in roles:
                for target, policy in sorted(grants.get(role, {}).items()):
                    # Services are called, not reached through a role; functions are invoked.
                    if self.elements[target][0].kind.kind in {"service", "gateway"}:
                        continue
                    self._connect(
                        [config], [target], f"IAM policy {policy} (role {role}) naming {target}"
                    )

    def listener_flows(self) -> None:
        targets: dict[str, list[str]] = defaultdict(list)  # target group -> element configs
        for resource in self.c.resources:
            if resource.type in (
                "aws_lb_target_group_attachment",
                "aws_alb_target_group_attachment",
            ):
                for group in self.c.targets(resource, "target_group_arn"):
                    targets[group] += self.c.targets(resource, "target_id")
            elif resource.type == "aws_ecs_service":
                for group in self.c.targets(resource, "load_balancer"):
                    if self.c.types.get(group) in ("aws_lb_target_group", "aws_alb_target_group"):
                        targets[group] += self.c.targets(resource, "task_definition")
        group_protocol = {}
        for resource in self.c.resources:
            if resource.type in ("aws_lb_target_group", "aws_alb_target_group"):
                protocol = resource.get("protocol")
                group_protocol[resource.config] = (
                    LISTENER_PROTOCOLS.get(protocol) if isinstance(protocol, str) else None
                )
        rules: dict[str, list[str]] = defaultdict(list)  # listener -> target groups of its rules
        for resource in self.c.resources:
            if resource.type in ("aws_lb_listener_rule", "aws_alb_listener_rule"):
                for listener in self.c.targets(resource, "listener_arn"):
                    rules[listener] += self.c.targets(resource, "action")
        for resource in self.c.resources:
            if resource.type not in ("aws_lb_listener", "aws_alb_listener"):
                continue
            balancers = self._element_ids(self.c.targets(resource, "load_balancer_arn"))
            protocol_name = resource.get("protocol")
            protocol = (
                LISTENER_PROTOCOLS.get(protocol_name) if isinstance(protocol_name, str) else None
            )
            tls = None
            policy = resource.get("ssl_policy")
            if (
                protocol in ("https", "tls")
                and isinstance(policy, str)
                and policy in ELB_SSL_POLICIES
            ):
                version, forward_secrecy = ELB_SSL_POLICIES[policy]
                tls = {"min_version": version, "forward_secrecy": forward_secrecy}
            actions = [a for a in resource.all("default_action") if isinstance(a, Mapping)]
            redirect_only = actions and all(a.get("type") == "redirect" for a in actions)
            port = resource.get("port")
            why = f"listener {resource.config} (port {port}, {protocol_name})"
            if redirect_only:
                self._note_on(balancers, f"port {port} redirects")
                continue
            for balancer in balancers:
                if self._element_doc(balancer).get("internet_facing"):
                    self._internet_flow(balancer, why, protocol, tls)
            for group in self.c.targets(resource, "default_action") + rules.get(
                resource.config, []
            ):
                for target in targets.get(group, ()):
                    for balancer in balancers:
                        for t in self._element_ids([target]):
                            self.add_flow(
                                balancer,
                                t,
                                f"target group {group} of {why}",
                                group_protocol.get(group),
                            )

    def classic_elb_flows(self) -> None:
        for resource in self.c.resources:
            if resource.type != "aws_elb":
                continue
            for balancer in self._element_ids([resource.config]):
                for listener in resource.all("listener"):
                    if not isinstance(listener, Mapping):
                        continue
                    front = LISTENER_PROTOCOLS.get(str(listener.get("lb_protocol", "")).upper())
                    back = LISTENER_PROTOCOLS.get(
                        str(listener.get("instance_protocol", "")).upper()
                    )
                    why = f"listener of {resource.config} (port {listener.get('lb_port')})"
                    if self._element_doc(balancer).get("internet_facing"):
                        self._internet_flow(balancer, why, front, None)
                    for target in self._element_ids(self.c.targets(resource, "instances")):
                        self.add_flow(balancer, target, why, back)

    def security_group_flows(self) -> None:
        members: dict[str, list[str]] = defaultdict(list)  # security group -> element configs
        for config in self.elements:
            for target in self.c.targets(config):
                if self.c.types.get(target) == "aws_security_group":
                    members[target].append(config)
        for resource in self.c.resources:
            if resource.type == "aws_security_group":
                pairs = [(s, resource.config) for s in self.c.targets(resource, "ingress")]
            elif resource.type == "aws_security_group_rule" and resource.get("type") == "ingress":
                pairs = [
                    (s, g)
                    for s in self.c.targets(resource, "source_security_group_id")
                    for g in self.c.targets(resource, "security_group_id")
                ]
            elif resource.type == "aws_vpc_security_group_ingress_rule":
                pairs = [
                    (s, g)
                    for s in self.c.targets(resource, "referenced_security_group_id")
                    for g in self.c.targets(resource, "security_group_id")
                ]
            else:
                continue
            for group in self._open_to_the_internet(resource):
                for member in members.get(group, ()):
                    for element_id in self._element_ids([member]):
                        document = self._element_doc(element_id)
                        exposed = document.get("internet_facing") or document.get("public_access")
                        if exposed and (INTERNET, element_id) not in self.flows:
                            why = f"security group rule {resource.config} allows 0.0.0.0/0"
                            self._internet_flow(element_id, why, None, None)
            for source_group, group in pairs:
                if self.c.types.get(source_group) != "aws_security_group":
                    continue
                for source in members.get(source_group, ()):
                    for target in members.get(group, ()):
                        self._connect(
                            [source],
                            [target],
                            f"security group rule {resource.config} allows {source_group}",
                        )

    def _open_to_the_internet(self, resource: Resource) -> list[str]:
        """The security groups this rule opens to any address."""
        anywhere = ("0.0.0.0/0", "::/0")
        if resource.type == "aws_security_group":
            rules = [i for i in resource.all("ingress") if isinstance(i, Mapping)]
            cidrs = [
                c
                for i in rules
                for c in (i.get("cidr_blocks") or []) + (i.get("ipv6_cidr_blocks") or [])
            ]
            return [resource.config] if any(c in anywhere for c in cidrs) else []
        if resource.type == "aws_security_group_rule" and resource.get("type") == "ingress":
            cidrs = (resource.get("cidr_blocks") or []) + (resource.get("ipv6_cidr_blocks") or [])
        elif resource.type == "aws_vpc_security_group_ingress_rule":
            cidrs = [resource.get("cidr_ipv4"), resource.get("cidr_ipv6")]
        else:
            return []
        if not any(c in anywhere for c in cidrs if isinstance(c, str)):
            return []
        return self.c.targets(resource, "security_group_id")

    def internet_entries(self) -> None:
        for config in sorted(self.elements):
            for element in self.elements[config]:
                facts = element.facts
                if facts.public_entry is None:
                    continue
                protocol = None if facts.public_entry == "unstated" else facts.public_entry
                auth = None
                if facts.entry_auth and "custom" not in facts.entry_auth:
                    weakest = ("none", "api-key", "jwt", "sigv4")
                    auth = next((a for a in weakest if a in facts.entry_auth), None)
                self._internet_flow(
                    element.id,
                    f"{config} is reachable from the internet",
                    protocol,
                    facts.tls,
                    auth,
                )

    def _internet_flow(
        self,
        target: str,
        why: str,
        protocol: str | None,
        tls: dict[str, Any] | None,
        auth: str | None = None,
    ) -> None:
        if INTERNET not in self.boundaries:
            self.boundaries[INTERNET] = {"id": INTERNET, "kind": "internet", "name": "Internet"}
            self.document_elements.append(
                {
                    "id": INTERNET,
                    "kind": "client",
                    "name": "Internet clients",
                    "description": "Anyone on the internet: callers of what the plan exposes.",
                }
            )
            self.placement[INTERNET] = INTERNET
        self.add_flow(INTERNET, target, why, protocol, tls, auth)

    def _element_doc(self, element_id: str) -> dict[str, Any]:
        if len(self._docs) != len(self.document_elements):
            self._docs = {d["id"]: d for d in self.document_elements}
        return self._docs.get(element_id, {})

    def _note_on(self, element_ids: Iterable[str], note: str) -> None:
        for element_id in element_ids:
            document = self._element_doc(element_id)
            if document:
                text = f"{document.get('description', '')} {_sentence(note)}"
                document["description"] = text[:1000]

    # the whole document

    def build(self) -> PlanImport:
        self.read_elements()
        self.networks()
        self.place_elements()
        self.element_documents()
        self.automated_backups()
        self.backup_selections()
        self.all_kms_keys()
        self.secrets()
        self.environment_secrets()
        self.internet_entries()
        self.listener_flows()
        self.classic_elb_flows()
        self.connector_flows()
        self.reference_flows()
        self.iam_flows()
        self.security_group_flows()
        return PlanImport(self._document(), self.sources, self._actions())

    def _actions(self) -> dict[str, str]:
        actions = {r.address: r.action for r in self.c.resources}
        for change in _seq(self.plan.get("resource_changes")):
            if isinstance(change, Mapping) and isinstance(change.get("address"), str):
                actions.setdefault(
                    change["address"], _action(_map(change.get("change")).get("actions"))
                )
        return actions

    def _document(self) -> dict[str, Any]:
        used_boundaries = set(self.placement.values())
        if used_boundaries - {INTERNET}:
            self.boundaries.setdefault(
                MANAGED,
                {
                    "id": MANAGED,
                    "kind": "internal",
                    "name": "AWS account",
                    "description": "Managed services outside any VPC, and the VPCs.",
                },
            )
        for element in self.document_elements:
            if element["id"] in self.placement:
                element["boundary"] = self.placement[element["id"]]
        self._environments()
        flows = []
        for pair, flow in self.flows.items():
            reasons = list(dict.fromkeys(self.flow_sources[pair]))
            shown = "; ".join(reasons[:MAX_SOURCES_LISTED])
            if len(reasons) > MAX_SOURCES_LISTED:
                shown += f"; and {len(reasons) - MAX_SOURCES_LISTED} more"
            flow["description"] = f"Inferred from {shown}."[:1000]
            flows.append(flow)
            self.sources[flow["id"]] = tuple(a for end in pair for a in self.sources.get(end, ()))
        boundaries = sorted(self.boundaries.values(), key=_boundary_order(self.boundaries))
        document: dict[str, Any] = {
            "format": FORMAT,
            "name": self.name[:MAX_NAME],
            "description": self._summary(),
        }
        sections = {
            "data": sorted(self.data.values(), key=lambda d: d["id"]),
            "boundaries": boundaries,
            "keys": sorted(self.keys.values(), key=lambda k: k["id"]),
            "elements": self.document_elements,
            "flows": sorted(flows, key=lambda f: f["id"]),
        }
        for section, items in sections.items():
            if items:
                document[section] = items
        _unique_flow_ids(document.get("flows", []))
        return document

    def _environments(self) -> None:
        """A boundary's env from its resources' Environment tags, when they all agree."""
        envs: dict[str, set[str]] = defaultdict(set)
        for elements in self.elements.values():
            for element in elements:
                boundary = self.placement.get(element.id)
                if boundary is None:
                    continue
                for resource in element.resources:
                    for tag, value in resource.tags.items():
                        if str(tag).lower() in ENV_TAGS:
                            env = ENV_VALUES.get(str(value).lower())
                            envs[boundary].add(env or "?")
        for boundary_id, values in envs.items():
            if len(values) == 1 and "?" not in values and boundary_id in self.boundaries:
                self.boundaries[boundary_id]["env"] = values.pop()

    def _summary(self) -> str:
        counts = Counter(r.action for r in self.c.resources if r.action not in ("", "no-op"))
        deleted = [
            c["address"]
            for c in _seq(self.plan.get("resource_changes"))
            if isinstance(c, Mapping) and _action(_map(c.get("change")).get("actions")) == "delete"
        ]
        version = self.plan.get("terraform_version")
        parts = [
            f"Imported from a Terraform plan (format_version {self.version}"
            + (f", Terraform {version}" if isinstance(version, str) else "")
            + f"): {len(self.c.resources)} resources."
        ]
        if counts or deleted:
            said = [f"{n} to {a}" for a, n in sorted(counts.items())]
            if deleted:
                said.append(f"{len(deleted)} to delete ({', '.join(deleted[:5])})")
            parts.append("The plan has " + ", ".join(said) + ".")
        if self.unmapped:
            common = ", ".join(f"{t} x{n}" for t, n in self.unmapped.most_common(8))
            more = len(self.unmapped) - 8
            parts.append(
                f"Not mapped to the model: {common}"
                + (f" and {more} more types" if more > 0 else "")
                + "."
            )
        parts.append(
            "Flows are inferred from references, listeners, IAM policies and security groups: "
            "confirm or remove them. No data class is stated unless a tag says so."
        )
        return " ".join(parts)[:2000]


_SERVICES = frozenset({"service", "gateway", "function"})
_BACKED_UP_KINDS = frozenset(
    {"database", "object-store", "file-store", "cache", "search-index", "warehouse", "broker"}
)
# Resource types read by the boundary, key, backup, flow and IAM steps, not unmapped.
_HANDLED_ELSEWHERE = frozenset(
    {
        "aws_vpc",
        "aws_subnet",
        "aws_route_table",
        "aws_route",
        "aws_route_table_association",
        "aws_internet_gateway",
        "aws_kms_key",
        "aws_kms_alias",
        "aws_secretsmanager_secret",
        "aws_secretsmanager_secret_rotation",
        "aws_backup_plan",
        "aws_backup_selection",
        "aws_iam_role",
        "aws_iam_policy",
        "aws_iam_role_policy",
        "aws_iam_role_policy_attachment",
        "aws_iam_policy_attachment",
        "aws_iam_instance_profile",
        "aws_lb_listener",
        "aws_alb_listener",
        "aws_lb_listener_rule",
        "aws_alb_listener_rule",
        "aws_lb_target_group",
        "aws_alb_target_group",
        "aws_lb_target_group_attachment",
        "aws_alb_target_group_attachment",
        "aws_ecs_service",
        "aws_security_group",
        "aws_security_group_rule",
        "aws_vpc_security_group_ingress_rule",
        *TLS_PARAMETER_GROUPS,
        "aws_api_gateway_domain_name",
        "aws_apigatewayv2_domain_name",
        *SUBNET_GROUPS,
    }
)


def _sentence(text: str) -> str:
    return f"{text[:1].upper()}{text[1:]}." if text else ""


def _display_name(resource: Resource, kind: ResourceKind) -> str:
    tag = resource.tags.get("Name")
    if isinstance(tag, str) and tag:
        return tag
    if kind.name_attribute:
        value = resource.get(kind.name_attribute)
        if isinstance(value, str) and value:
            return value
    return resource.name


def _boundary_order(boundaries: Mapping[str, Mapping[str, Any]]) -> Callable[[Mapping], tuple]:
    """Parents before children (the loader accepts any order; people read top-down)."""

    def depth(boundary: Mapping[str, Any]) -> int:
        steps, parent = 0, boundary.get("parent")
        while parent and steps < 50:
            steps += 1
            parent = boundaries.get(parent, {}).get("parent")
        return steps

    return lambda b: (depth(b), b["id"])


def _unique_flow_ids(flows: list[dict[str, Any]]) -> None:
    seen: Counter[str] = Counter()
    for flow in flows:
        seen[flow["id"]] += 1
        if seen[flow["id"]] > 1:
            flow["id"] = _make_id(flow["id"], str(seen[flow["id"]]))


def import_plan(
    plan: Mapping[str, Any] | str | bytes, *, name: str = "Terraform plan"
) -> PlanImport:
    """The document and the address of every item, from `terraform show -json` output."""
    if isinstance(plan, (str, bytes)):
        try:
            plan = json.loads(plan)
        except ValueError as error:
            raise ModelError([Problem("", f"not JSON: {error}")]) from None
    if not is_terraform_plan(plan):
        raise ModelError(
            [Problem("", "not `terraform show -json` output (format_version and planned_values)")]
        )
    try:
        return _Builder(plan, name).build()
    except ModelError:
        raise
    except (AttributeError, IndexError, KeyError, TypeError, ValueError) as error:
        # A structure no Terraform writes; say so instead of failing (values not echoed).
        raise ModelError(
            [
                Problem(
                    "",
                    "the plan does not have the structure `terraform show -json` writes "
                    f"({type(error).__name__} while reading it)",
                )
            ]
        ) from None


def to_document(plan: Mapping[str, Any], *, name: str = UNNAMED) -> dict[str, Any]:
    """The MODEL.md document of a plan; `load()` validates it like any other."""
    return import_plan(plan, name=name).document


def sarif_with_addresses(sarif: dict[str, Any], plan_import: PlanImport) -> dict[str, Any]:
    """Point each SARIF result at the Terraform resource addresses behind its subjects."""
    for run in sarif.get("runs", ()):
        for result in run.get("results", ()):
            for location in [*result.get("locations", ()), *result.get("relatedLocations", ())]:
                names = [n.get("name") for n in location.get("logicalLocations", ())]
                addresses = [a for n in names for a in plan_import.sources.get(n, ())]
                location["logicalLocations"] = [
                    *location.get("logicalLocations", ()),
                    *({"name": a, "fullyQualifiedName": a, "kind": "resource"} for a in addresses),
                ]
                location.get("physicalLocation", {}).pop("region", None)
            subjects = [
                n.get("name")
                for loc in result.get("locations", ())
                for n in loc.get("logicalLocations", ())
            ]
            introduced = any(plan_import.introduced(s) for s in subjects if s)
            result.setdefault("properties", {})["introducedByPlan"] = introduced
            if introduced:
                result["message"]["text"] = "This plan introduces it. " + result["message"]["text"]
    return sarif
