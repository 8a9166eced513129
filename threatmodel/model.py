"""The system description format of MODEL.md as plain dataclasses.

`load.py` builds these from YAML or JSON; everything else reads them. Field names follow
the document, with `from` spelled `source` (a Python keyword) and `to` spelled `target`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

FORMAT = "ciphermap/1"

CLASSIFICATIONS = {"public": 0, "internal": 1, "confidential": 2, "restricted": 3}
DATA_TAGS = ("pii", "phi", "pan", "credentials", "secret")
REGULATED_TAGS = frozenset({"phi", "pan", "credentials", "secret"})

BOUNDARY_KINDS = ("internet", "third-party", "dmz", "internal")
ENVS = ("prod", "non-prod")
MESH_MODES = ("strict", "permissive", "none")

KEY_TYPES = ("kek", "dek", "signing", "tls", "api-secret", "password")
# Strongest first: the index is the custody rank used by backup and key rules.
CUSTODY_RANK = (
    "hsm",
    "kms",
    "vault",
    "secrets-manager",
    "app-memory",
    "env-var",
    "config-file",
    "container-image",
    "source-code",
)

SERVICE_KINDS = ("service", "gateway", "function")
STORE_KINDS = (
    "database",
    "object-store",
    "file-store",
    "cache",
    "search-index",
    "warehouse",
    "broker",
    "log-sink",
    "backup",
)
ELEMENT_KINDS = ("client", "user", *SERVICE_KINDS, *STORE_KINDS, "key-store", "external")

ENCRYPTION_STRENGTH = {
    "none": 0,
    "platform": 1,
    "disk": 1,
    "sse-s3": 1,
    "tde": 1,
    "sse-kms": 2,
    "tde-cmk": 2,
    "sse-c": 2,
    "field": 3,
    "client-side": 3,
    "envelope": 4,
}
BROKER_AUTH = ("none", "default-credentials", "sasl-plain", "sasl-scram", "mtls", "iam")
AGREEMENTS = ("baa", "dpa", "pci-tpsp")

ENCRYPTED_PROTOCOLS = (
    "https",
    "tls",
    "grpcs",
    "wss",
    "postgres-tls",
    "mysql-tls",
    "mongodb-tls",
    "redis-tls",
    "kafka-tls",
    "kafka-sasl-ssl",
    "amqps",
    "mqtts",
    "smtps",
    "ldaps",
    "sftp",
    "ssh",
    "syslog-tls",
    "ipsec",
    "wireguard",
    "in-process",
)
PLAINTEXT_PROTOCOLS = (
    "http",
    "tcp",
    "udp",
    "grpc",
    "ws",
    "postgres",
    "mysql",
    "mongodb",
    "redis",
    "memcached",
    "kafka",
    "kafka-sasl-plaintext",
    "amqp",
    "mqtt",
    "smtp",
    "ldap",
    "ftp",
    "nfs",
    "syslog",
    "jdbc",
)
PROTOCOLS = ENCRYPTED_PROTOCOLS + PLAINTEXT_PROTOCOLS
FLOW_PURPOSES = ("data", "logging", "backup", "replication", "admin")
FLOW_AUTH = (
    "none",
    "session",
    "basic",
    "api-key",
    "jwt",
    "oauth2",
    "mtls",
    "sigv4",
    "hmac",
    "sasl-scram",
    "iam",
)
TLS_VERSIONS = ("1.0", "1.1", "1.2", "1.3")
CERTIFICATE_KINDS = ("public-ca", "private-ca", "self-signed")

SEVERITIES = ("info", "low", "medium", "high", "critical")  # weakest first


@dataclass(frozen=True, slots=True)
class Policy:
    today: date | None = None
    key_rotation_days: int = 90
    token_ttl_minutes: int = 60
    cert_warning_days: int = 30
    blast_radius: int = 5


@dataclass(frozen=True, slots=True)
class DataClass:
    id: str
    name: str = ""
    classification: str = "internal"
    tags: tuple[str, ...] = ()
    description: str = ""

    @property
    def sensitivity(self) -> int:
        """S of MODEL.md: restricted with a regulated tag counts 4."""
        base = CLASSIFICATIONS[self.classification]
        if base == 3 and REGULATED_TAGS.intersection(self.tags):
            return 4
        return base


@dataclass(frozen=True, slots=True)
class Boundary:
    id: str
    kind: str = "internal"
    name: str = ""
    parent: str | None = None
    env: str | None = None
    mesh: str | None = None
    description: str = ""


@dataclass(frozen=True, slots=True)
class Key:
    id: str
    type: str
    name: str = ""
    custody: str | None = None
    held_by: str | None = None
    rotation_days: int | None = None
    last_rotated: date | None = None
    wraps: tuple[str, ...] = ()
    compromised_on: date | None = None
    description: str = ""


@dataclass(frozen=True, slots=True)
class Position:
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class Element:
    id: str
    kind: str
    name: str = ""
    boundary: str | None = None
    technology: str = ""
    description: str = ""
    # services, gateways, functions
    internet_facing: bool = False
    rate_limited: bool = False
    logs_payloads: bool = False
    terminates_tls: bool = False
    uses_keys: tuple[str, ...] = ()
    # store-like kinds
    stores: tuple[str, ...] = ()
    encryption: str | None = None  # None: not stated, treated as "none" and reported
    key: str | None = None
    public_access: bool = False
    # broker
    auth: str | None = None
    acls: bool = False
    retention_days: int | None = None
    # log sink and backup
    immutable: bool = False
    redaction: bool = False
    backup_of: str | None = None
    offsite: bool = False
    # external
    agreements: tuple[str, ...] = ()
    vendor_assessed: bool = False
    # editor layout; never read by rules
    position: Position | None = None

    @property
    def label(self) -> str:
        return self.name or self.id

    @property
    def is_store(self) -> bool:
        return self.kind in STORE_KINDS

    @property
    def is_service(self) -> bool:
        return self.kind in SERVICE_KINDS

    @property
    def strength(self) -> int:
        """At-rest strength 0..4; an unstated encryption counts as none."""
        return ENCRYPTION_STRENGTH[self.encryption or "none"]


@dataclass(frozen=True, slots=True)
class Tls:
    min_version: str | None = None
    forward_secrecy: bool | None = None  # None: not stated
    weak_ciphers: bool = False
    mutual: bool = False
    verify_peer: bool = True
    certificate: str | None = None
    cert_expires: date | None = None
    auto_renew: bool = False


@dataclass(frozen=True, slots=True)
class Flow:
    id: str
    source: str
    target: str
    protocol: str | None = None  # None: not stated, treated as plaintext and reported
    data: tuple[str, ...] = ()
    purpose: str = "data"
    tls: Tls | None = None
    auth: str | None = None
    token_ttl_minutes: int | None = None
    signed: bool = False
    message_encryption: bool = False
    critical: bool = False
    name: str = ""
    description: str = ""

    @property
    def label(self) -> str:
        return self.name or self.id

    @property
    def encrypted(self) -> bool:
        return self.protocol in ENCRYPTED_PROTOCOLS


@dataclass(frozen=True, slots=True)
class System:
    name: str
    description: str = ""
    policy: Policy = field(default_factory=Policy)
    data: tuple[DataClass, ...] = ()
    boundaries: tuple[Boundary, ...] = ()
    keys: tuple[Key, ...] = ()
    elements: tuple[Element, ...] = ()
    flows: tuple[Flow, ...] = ()
    # Where each item was written, for SARIF and error messages: "flows[3]" -> line.
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
