"""The system description format of docs/MODEL.md as plain dataclasses.

`load.py` builds these from YAML or JSON; everything else reads them. Field names follow
the document, with `from` spelled `source` (a Python keyword) and `to` spelled `target`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from threatmodel import schema
from threatmodel.schema import (
    AT_REST_KINDS,
    ENCRYPTED_PROTOCOLS,
    ENCRYPTION_STRENGTH,
    FORMAT,
    NON_TLS_PROTOCOLS,
    PLAINTEXT_PROTOCOLS,
    REGULATED_TAGS,
    SERVICE_KINDS,
    STORE_KINDS,
)

# The vocabularies the rules read, as plain values; schema.py declares them with help.
CLASSIFICATIONS = schema.CLASSIFICATION_LEVEL
DATA_TAGS = schema.DATA_TAG.values
BOUNDARY_KINDS = schema.BOUNDARY_KIND.values
ENVS = schema.ENV.values
MESH_MODES = schema.MESH_MODE.values
KEY_TYPES = schema.KEY_TYPE.values
# Strongest first: the index is the custody rank used by backup and key rules.
CUSTODY_RANK = schema.CUSTODY.values
ELEMENT_KINDS = schema.ELEMENT_KIND.values
BROKER_AUTH = schema.BROKER_AUTH.values
AGREEMENTS = schema.AGREEMENT.values
PROTOCOLS = ENCRYPTED_PROTOCOLS + PLAINTEXT_PROTOCOLS
FLOW_PURPOSES = schema.FLOW_PURPOSE.values
FLOW_AUTH = schema.FLOW_AUTH.values
TLS_VERSIONS = schema.TLS_VERSION.values
CERTIFICATE_KINDS = schema.CERTIFICATE_KIND.values

__all__ = [
    "AGREEMENTS",
    "AT_REST_KINDS",
    "BOUNDARY_KINDS",
    "BROKER_AUTH",
    "CERTIFICATE_KINDS",
    "CLASSIFICATIONS",
    "CUSTODY_RANK",
    "DATA_TAGS",
    "ELEMENT_KINDS",
    "ENCRYPTED_PROTOCOLS",
    "ENCRYPTION_STRENGTH",
    "ENVS",
    "FLOW_AUTH",
    "FLOW_PURPOSES",
    "FORMAT",
    "KEY_TYPES",
    "MESH_MODES",
    "NON_TLS_PROTOCOLS",
    "PLAINTEXT_PROTOCOLS",
    "PROTOCOLS",
    "REGULATED_TAGS",
    "SERVICE_KINDS",
    "SEVERITIES",
    "STORE_KINDS",
    "TLS_VERSIONS",
    "Boundary",
    "DataClass",
    "Element",
    "Flow",
    "Key",
    "Policy",
    "Position",
    "Size",
    "System",
    "Tls",
]

SEVERITIES = ("info", "low", "medium", "high", "critical")  # weakest first

# The same vocabularies as sets, for the membership tests rules make per flow and element.
_ENCRYPTED = frozenset(ENCRYPTED_PROTOCOLS)
_STORES = frozenset(STORE_KINDS)
_SERVICES = frozenset(SERVICE_KINDS)


@dataclass(frozen=True, slots=True)
class Policy:
    today: date | None = None
    key_rotation_days: int = 90
    token_ttl_minutes: int = 60
    cert_warning_days: int = 30
    blast_radius: int = 5
    acceptance_max_days: int = 365  # review decisions only; no rule reads it


@dataclass(frozen=True, slots=True)
class DataClass:
    id: str
    name: str = ""
    classification: str = "internal"
    tags: tuple[str, ...] = ()
    description: str = ""

    @property
    def sensitivity(self) -> int:
        """S of docs/MODEL.md: restricted with a regulated tag counts 4."""
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
    position: Position | None = None  # layout only: the frame's centre in the editor
    size: Size | None = None  # layout only: the frame's width and height


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
class Size:
    width: int
    height: int


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
    rate_limited: bool | None = None  # None: not stated (assumed not)
    logs_payloads: bool = False
    terminates_tls: bool = False
    uses_keys: tuple[str, ...] = ()
    # store-like kinds, and services that keep data (AT_REST_KINDS)
    stores: tuple[str, ...] | None = None  # None: not stated; () stated as none
    encryption: str | None = None  # None: not stated, treated as "none" and reported
    key: str | None = None
    public_access: bool = False
    # broker
    auth: str | None = None
    acls: bool | None = None
    retention_days: int | None = None
    # log sink and backup
    immutable: bool | None = None
    redaction: bool | None = None
    backup_of: str | None = None
    offsite: bool | None = None
    # external
    agreements: tuple[str, ...] = ()
    vendor_assessed: bool = False
    # no findings on an item outside the review; the report lists it
    out_of_scope: bool = False
    out_of_scope_reason: str = ""
    # editor layout; never read by rules
    position: Position | None = None

    @property
    def label(self) -> str:
        return self.name or self.id

    @property
    def is_store(self) -> bool:
        return self.kind in _STORES

    @property
    def is_service(self) -> bool:
        return self.kind in _SERVICES

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
    auto_renew: bool | None = None


@dataclass(frozen=True, slots=True)
class Flow:
    id: str
    source: str
    target: str
    protocol: str | None = None  # None: not stated, treated as plaintext and reported
    # An importer's source text: unmapped (protocol None) or read from a label (protocol set)
    protocol_as_written: str = ""
    data: tuple[str, ...] | None = None  # None: not stated; () stated as none
    purpose: str = "data"
    tls: Tls | None = None
    auth: str | None = None
    token_ttl_minutes: int | None = None
    signed: bool | None = None
    message_encryption: bool = False
    critical: bool = False
    out_of_scope: bool = False
    out_of_scope_reason: str = ""
    name: str = ""
    description: str = ""

    @property
    def label(self) -> str:
        return self.name or self.id

    @property
    def encrypted(self) -> bool:
        return self.protocol in _ENCRYPTED


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
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)
