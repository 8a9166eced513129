"""The system description format, declared once.

Every section, field and allowed value of a Ciphermap document is written down here, with
what a person needs to fill it in: a label, one line of help, the default, the element
kinds a field applies to and the longest text it may hold. Everything else is derived
from this module: the loader's field tables and kind checks (`load.py`), the constants
the rules read (`model.py`), the web app's item forms, the editor's vocabulary and the
format's help page. Adding a field is one entry here plus its tests.

This module is plain data: it imports nothing from the engine, so anything may import it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

FORMAT = "ciphermap/1"

# --------------------------------------------------------------------------- IDs and text

ID_PATTERN = r"[a-z0-9][a-z0-9_-]*"
ID_RULE = re.compile(ID_PATTERN + r"\Z")
MAX_ID_LENGTH = 64
ID_HELP = "Lower-case letters, digits, - and _; unique in its section."

# Longest text per kind of field. The database columns and the forms use the same numbers.
MAX_NAME_LENGTH = 200  # names and technologies: one line on the canvas and in tables
MAX_DESCRIPTION_LENGTH = 2000  # an item's description: a paragraph in the report
MAX_SYSTEM_DESCRIPTION_LENGTH = 5000
MAX_REASON_LENGTH = 500  # why an item is out of scope

# Characters that reorder how text is displayed (U+202A-U+202E, U+2066-U+2069): in a name
# they make "gpj.exe" read "exe.jpg". Refused in IDs and names; NUL is refused in all text
# (PostgreSQL cannot store it).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def forbidden_character(text: str, *, bidi: bool) -> str | None:
    """The first character a text field may not hold, as 'U+202E', or None."""
    if "\x00" not in text and (not bidi or text.isascii()):
        return None  # the common case, without a loop over the characters
    for char in text:
        if char == "\x00" or (bidi and char in BIDI_CONTROLS):
            return f"U+{ord(char):04X}"
    return None


# --------------------------------------------------------------------------- vocabularies


@dataclass(frozen=True, slots=True)
class Choice:
    """One allowed value of a field: what it is written as, and what it means."""

    value: str
    help: str = ""
    label: str = ""  # a short name for palettes and legends, where the value is not one

    @property
    def title(self) -> str:
        return self.label or self.value


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The allowed values of a field, in the order people should read them."""

    noun: str  # in messages: "unknown protocol 'x'"
    choices: tuple[Choice, ...]

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(choice.value for choice in self.choices)

    def help(self, value: str) -> str:
        return next((c.help for c in self.choices if c.value == value), "")


def _vocabulary(noun: str, *choices: tuple[str, ...] | str) -> Vocabulary:
    return Vocabulary(
        noun,
        tuple(Choice(c) if isinstance(c, str) else Choice(*c) for c in choices),
    )


CLASSIFICATION = _vocabulary(
    "classification",
    ("public", "Published on purpose; anyone may read it."),
    ("internal", "Staff only; little harm if it leaks."),
    ("confidential", "Harm to people or the business if it leaks (customer records, contracts)."),
    ("restricted", "Serious harm or a regulator's fine if it leaks (health, card, credentials)."),
)
# Sensitivity S of a classification; restricted with a regulated tag counts 4 (model.py).
CLASSIFICATION_LEVEL = {"public": 0, "internal": 1, "confidential": 2, "restricted": 3}
DATA_TAG = _vocabulary(
    "tag",
    ("pii", "Personal data (GDPR)."),
    ("phi", "Protected health information (HIPAA)."),
    ("pan", "Payment card numbers (PCI DSS)."),
    ("credentials", "Passwords, tokens, session cookies."),
    ("secret", "Key material and other secrets."),
)
REGULATED_TAGS = frozenset({"phi", "pan", "credentials", "secret"})

BOUNDARY_KIND = _vocabulary(
    "boundary kind",
    ("internet", "The public internet: anyone can be on it.", "Internet"),
    ("third-party", "A network or account run by another company.", "Third party zone"),
    ("dmz", "A perimeter network between the internet and the inside.", "DMZ"),
    ("internal", "A private network, account or cluster of the organisation.", "Internal network"),
)
ENV = _vocabulary(
    "env",
    ("prod", "Production: real data and real users."),
    ("non-prod", "Development, test or staging."),
)
MESH_MODE = _vocabulary(
    "mesh mode",
    ("strict", "A service mesh enforces mTLS between the services inside."),
    ("permissive", "A service mesh offers mTLS but still accepts plaintext."),
    ("none", "No service mesh."),
)

KEY_TYPE = _vocabulary(
    "key type",
    ("kek", "Key-encryption key: wraps other keys (envelope encryption)."),
    ("dek", "Data-encryption key: encrypts data directly."),
    ("signing", "Signs tokens, messages or code."),
    ("tls", "A TLS certificate's private key."),
    ("api-secret", "An API key or shared secret."),
    ("password", "A password or passphrase (backup tools derive keys from one)."),
)
# Strongest first: the index is the custody rank used by the backup and key rules.
CUSTODY = _vocabulary(
    "custody",
    ("hsm", "A hardware security module; the key never leaves it."),
    ("kms", "A cloud key management service; the key never leaves it."),
    ("vault", "A secrets engine such as HashiCorp Vault."),
    ("secrets-manager", "A cloud secrets manager; applications fetch the key at run time."),
    ("app-memory", "Generated and kept in the application's memory."),
    ("env-var", "An environment variable of the application."),
    ("config-file", "A configuration file on disk."),
    ("container-image", "Baked into a container image."),
    ("source-code", "Written in the source code."),
)

# Element kinds by role: the rules treat each role alike.
CLIENT_KINDS = ("client", "user")
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
ELEMENT_KIND = _vocabulary(
    "element kind",
    ("client", "A browser, mobile app or partner system calling in.", "Client"),
    ("user", "A person: an administrator or operator.", "User"),
    ("service", "A microservice, web app, worker or job.", "Service"),
    ("gateway", "An API gateway, load balancer, reverse proxy or ingress.", "Gateway"),
    ("function", "A serverless function.", "Function"),
    ("database", "A relational, document or key-value database.", "Database"),
    ("object-store", "An S3-like bucket.", "Object store"),
    ("file-store", "A file system, NFS share or volume.", "File store"),
    ("cache", "Redis, Memcached.", "Cache"),
    ("search-index", "Elasticsearch, OpenSearch.", "Search index"),
    ("warehouse", "An analytics warehouse or data lake.", "Warehouse"),
    ("broker", "Kafka, SQS, RabbitMQ, NATS, Pub/Sub.", "Broker"),
    ("log-sink", "Log aggregation, SIEM, APM or error tracker.", "Log sink"),
    ("backup", "A backup, snapshot or disaster-recovery replica.", "Backup"),
    ("key-store", "A KMS, HSM, Vault, Key Vault or secrets manager.", "Key store"),
    ("external", "A third-party API or SaaS.", "Third party"),
)
# Facts whose absence the rules report as "assumed" (data and stores unstated: assumed
# confidential; a flag unstated: assumed false) default to None, so an explicit `[]` or
# `false` survives a round trip and is read as stated.
# Kinds that may keep data at rest (`stores`, `encryption`, `key`): every store, and the
# services that keep data on a local disk or in an embedded database.
AT_REST_KINDS = SERVICE_KINDS + STORE_KINDS

ENCRYPTION = _vocabulary(
    "encryption",
    ("none", "Plaintext at rest."),
    ("platform", "The platform encrypts with its own key; transparent to every reader."),
    ("disk", "Disk or volume encryption; transparent once the system is running."),
    ("sse-s3", "Server-side encryption with the provider's key; transparent to every reader."),
    ("tde", "Transparent database encryption with the provider's key."),
    ("sse-kms", "Server-side encryption with a customer-managed KMS key."),
    ("tde-cmk", "Transparent database encryption with a customer-managed key."),
    ("sse-c", "Server-side encryption with a key the customer sends with each request."),
    ("field", "The application encrypts sensitive fields before storing them."),
    ("client-side", "The application encrypts whole records before they reach the store."),
    ("envelope", "The application encrypts each item with a data key wrapped by a KMS key."),
)
# Weakest to strongest: 0 plaintext, 1 provider key, 2 customer key (still transparent to
# a reader of the store), 3 the application encrypts, 4 envelope encryption.
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
# A `key` is stated only with an encryption that uses the customer's own key.
KEYED_STRENGTH = 2
# Keys that can encrypt data at rest: a passphrase counts (backup tools derive keys from one).
STORE_KEY_TYPES = ("dek", "kek", "password")

BROKER_AUTH = _vocabulary(
    "broker auth",
    ("none", "Anyone who reaches the broker may publish and consume."),
    ("default-credentials", "A shared default user and password."),
    ("sasl-plain", "User and password sent as they are."),
    ("sasl-scram", "User and password, challenge-response."),
    ("mtls", "Client certificates."),
    ("iam", "The cloud provider's identities."),
)
AGREEMENT = _vocabulary(
    "agreement",
    ("baa", "HIPAA business associate agreement."),
    ("dpa", "GDPR data processing agreement."),
    ("pci-tpsp", "PCI DSS third-party service provider agreement."),
)


@dataclass(frozen=True, slots=True)
class Protocol:
    """A protocol a flow may name: whether it encrypts in transit, and whether by TLS
    (a flow on a TLS protocol has a `tls:` block describing it)."""

    value: str
    encrypted: bool
    help: str
    tls: bool = True


def _encrypted(value: str, help: str, *, tls: bool = True) -> Protocol:
    return Protocol(value, True, help, tls)


def _plaintext(value: str, help: str) -> Protocol:
    return Protocol(value, False, help, False)


# The names of Threagile, OTM, pytm and MS TMT models, with an explicit encrypted or
# plaintext variant wherever the plain name is ambiguous (`h2` is HTTP/2 over TLS, `h2c`
# the cleartext upgrade, as in ALPN). Encrypted first, then plaintext; within each, the
# original list first, so messages and forms read the common names first.
PROTOCOLS_DECLARED: tuple[Protocol, ...] = (
    _encrypted("https", "HTTP over TLS."),
    _encrypted("tls", "Any protocol inside TLS."),
    _encrypted("grpcs", "gRPC over TLS."),
    _encrypted("wss", "WebSocket over TLS."),
    _encrypted("postgres-tls", "PostgreSQL with TLS (sslmode require or stricter)."),
    _encrypted("mysql-tls", "MySQL with TLS."),
    _encrypted("mongodb-tls", "MongoDB with TLS."),
    _encrypted("redis-tls", "Redis with TLS."),
    _encrypted("kafka-tls", "Kafka over TLS."),
    _encrypted("kafka-sasl-ssl", "Kafka with SASL authentication over TLS."),
    _encrypted("amqps", "AMQP (RabbitMQ) over TLS."),
    _encrypted("mqtts", "MQTT over TLS."),
    _encrypted("smtps", "SMTP over TLS (implicit TLS, port 465)."),
    _encrypted("ldaps", "LDAP over TLS (port 636)."),
    _encrypted("sftp", "File transfer over SSH.", tls=False),
    _encrypted("ssh", "Secure Shell.", tls=False),
    _encrypted("syslog-tls", "Syslog over TLS (RFC 5425)."),
    _encrypted("ipsec", "An IPsec tunnel.", tls=False),
    _encrypted("wireguard", "A WireGuard tunnel.", tls=False),
    _encrypted("in-process", "A call inside one process; nothing crosses a network.", tls=False),
    _encrypted("h2", "HTTP/2 over TLS."),
    _encrypted("http3", "HTTP/3, over QUIC (always encrypted, TLS 1.3)."),
    _encrypted("quic", "QUIC transport (always encrypted, TLS 1.3)."),
    _encrypted("dtls", "Datagram TLS over UDP."),
    _encrypted("ftps", "FTP over TLS."),
    _encrypted("scp", "File copy over SSH.", tls=False),
    _encrypted("ssh-tunnel", "Any protocol forwarded through an SSH tunnel.", tls=False),
    _encrypted("smb3", "SMB 3 with encryption required.", tls=False),
    _encrypted("nfs-krb5p", "NFS with Kerberos privacy (sec=krb5p).", tls=False),
    _encrypted("jdbc-tls", "JDBC with TLS to the database."),
    _encrypted("odbc-tls", "ODBC with TLS to the database."),
    _encrypted("mssql-tls", "Microsoft SQL Server (TDS) with encryption required."),
    _encrypted("oracle-tls", "Oracle Net over TLS (TCPS)."),
    _encrypted("cassandra-tls", "Cassandra native protocol with TLS."),
    _encrypted("memcached-tls", "Memcached with TLS."),
    _encrypted("nats-tls", "NATS with TLS."),
    _encrypted("mqtt-wss", "MQTT over WebSocket over TLS."),
    _encrypted("stomps", "STOMP over TLS."),
    _encrypted("xmpp-tls", "XMPP with TLS required."),
    _encrypted("ldap-starttls", "LDAP upgraded to TLS with StartTLS, required."),
    _encrypted("smtp-starttls", "SMTP upgraded to TLS with STARTTLS, required."),
    _encrypted("imaps", "IMAP over TLS."),
    _encrypted("pop3s", "POP3 over TLS."),
    _encrypted("rdp", "Remote Desktop with TLS (the default security layer)."),
    _encrypted("snmpv3", "SNMP version 3 with privacy (authPriv).", tls=False),
    _encrypted("dot", "DNS over TLS."),
    _encrypted("doh", "DNS over HTTPS."),
    _encrypted("iiop-tls", "CORBA IIOP over TLS."),
    _encrypted("jrmp-tls", "Java RMI over TLS."),
    _plaintext("http", "HTTP without TLS."),
    _plaintext("tcp", "A raw TCP connection."),
    _plaintext("udp", "Raw UDP datagrams."),
    _plaintext("grpc", "gRPC without TLS."),
    _plaintext("ws", "WebSocket without TLS."),
    _plaintext("postgres", "PostgreSQL without TLS."),
    _plaintext("mysql", "MySQL without TLS."),
    _plaintext("mongodb", "MongoDB without TLS."),
    _plaintext("redis", "Redis without TLS."),
    _plaintext("memcached", "Memcached without TLS."),
    _plaintext("kafka", "Kafka without TLS."),
    _plaintext("kafka-sasl-plaintext", "Kafka with SASL authentication, without TLS."),
    _plaintext("amqp", "AMQP (RabbitMQ) without TLS."),
    _plaintext("mqtt", "MQTT without TLS."),
    _plaintext("smtp", "SMTP without TLS, or with optional STARTTLS."),
    _plaintext("ldap", "LDAP without TLS."),
    _plaintext("ftp", "File Transfer Protocol, without TLS."),
    _plaintext("nfs", "NFS without Kerberos privacy."),
    _plaintext("syslog", "Syslog over UDP or TCP, without TLS."),
    _plaintext("jdbc", "JDBC without TLS."),
    _plaintext("h2c", "HTTP/2 without TLS (cleartext)."),
    _plaintext("odbc", "ODBC without TLS."),
    _plaintext("mssql", "Microsoft SQL Server (TDS) without required encryption."),
    _plaintext("oracle", "Oracle Net without TLS or native encryption."),
    _plaintext("cassandra", "Cassandra native protocol without TLS."),
    _plaintext("nats", "NATS without TLS."),
    _plaintext("mqtt-ws", "MQTT over WebSocket without TLS."),
    _plaintext("stomp", "STOMP without TLS."),
    _plaintext("xmpp", "XMPP without required TLS."),
    _plaintext("imap", "IMAP without TLS."),
    _plaintext("pop3", "POP3 without TLS."),
    _plaintext("smb", "SMB without encryption (SMB 1 and 2, or 3 without it)."),
    _plaintext("telnet", "Telnet: remote shell in plaintext."),
    _plaintext("vnc", "VNC remote desktop without a tunnel."),
    _plaintext("snmp", "SNMP version 1 or 2c (community strings in plaintext)."),
    _plaintext("dns", "DNS over UDP or TCP (port 53)."),
    _plaintext("iiop", "CORBA IIOP without TLS."),
    _plaintext("jrmp", "Java RMI without TLS."),
)
PROTOCOL = Vocabulary("protocol", tuple(Choice(p.value, p.help) for p in PROTOCOLS_DECLARED))
ENCRYPTED_PROTOCOLS = tuple(p.value for p in PROTOCOLS_DECLARED if p.encrypted)
PLAINTEXT_PROTOCOLS = tuple(p.value for p in PROTOCOLS_DECLARED if not p.encrypted)
# Encrypted protocols whose encryption is not TLS: a `tls:` block says nothing about them.
NON_TLS_PROTOCOLS = frozenset(p.value for p in PROTOCOLS_DECLARED if p.encrypted and not p.tls)

FLOW_PURPOSE = _vocabulary(
    "purpose",
    ("data", "Application data."),
    ("logging", "Logs, metrics and traces."),
    ("backup", "Copies made for recovery."),
    ("replication", "Copies kept in step with the source."),
    ("admin", "Administration and operations."),
)
FLOW_AUTH = _vocabulary(
    "flow auth",
    ("none", "No authentication of the caller."),
    ("session", "A session cookie after login."),
    ("basic", "User and password on every request."),
    ("api-key", "A static API key."),
    ("jwt", "A signed bearer token."),
    ("oauth2", "An OAuth 2 access token."),
    ("mtls", "A client certificate."),
    ("sigv4", "Requests signed with the caller's secret (AWS SigV4)."),
    ("hmac", "Requests signed with a shared secret."),
    ("sasl-scram", "User and password, challenge-response."),
    ("iam", "The cloud provider's identities."),
)
TLS_VERSION = _vocabulary(
    "TLS version",
    ("1.0", "Deprecated (RFC 8996)."),
    ("1.1", "Deprecated (RFC 8996)."),
    ("1.2", "Acceptable with strong cipher suites."),
    ("1.3", "Current; forward secrecy always."),
)
CERTIFICATE_KIND = _vocabulary(
    "certificate kind",
    ("public-ca", "Issued by a public certificate authority."),
    ("private-ca", "Issued by the organisation's own certificate authority."),
    ("self-signed", "Signed by its own key; nobody vouches for it."),
)

# --------------------------------------------------------------------------- fields


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a section item (or of a nested mapping such as `tls`).

    `type` is one of: id, text, flag, count, number, date, choice, choices, ref, refs,
    mapping. `kinds` limits an element field to some element kinds (None: every kind).
    `group` names the part of a form the field is shown in.
    """

    name: str
    type: str
    label: str
    help: str = ""
    required: bool = False
    default: Any = None
    vocabulary: Vocabulary | None = None  # choice, choices
    section: str = ""  # ref, refs: the section the IDs are from
    minimum: int | None = None  # count
    max_length: int | None = None  # text
    label_text: bool = False  # text shown as a label: bidirectional controls refused
    kinds: tuple[str, ...] | None = None
    group: str = ""
    fields: tuple[Field, ...] = ()  # mapping
    attribute: str = ""  # the dataclass attribute, where it differs from `name`
    # ref, refs: the kinds (elements) or types (keys) of the items it may point to
    targets: tuple[str, ...] | None = None
    in_forms: bool = True  # False: kept by the editor, not typed in (an element's position)

    @property
    def choices(self) -> tuple[str, ...]:
        return self.vocabulary.values if self.vocabulary else ()

    def applies_to(self, kind: str) -> bool:
        return self.kinds is None or kind in self.kinds


def _id() -> Field:
    return Field("id", "id", "ID", ID_HELP, required=True, max_length=MAX_ID_LENGTH)


def _name(help: str = "Shown on the diagram and in the report; the ID when empty.") -> Field:
    return Field(
        "name", "text", "Name", help, default="", max_length=MAX_NAME_LENGTH, label_text=True
    )


def _description() -> Field:
    return Field(
        "description",
        "text",
        "Description",
        "Free text for the report.",
        default="",
        max_length=MAX_DESCRIPTION_LENGTH,
    )


def _out_of_scope(noun: str) -> tuple[Field, Field]:
    return (
        Field(
            "out_of_scope",
            "flag",
            "Out of scope",
            f"This {noun} is outside the review: no findings on it; the report lists it.",
            default=False,
            group="Scope",
        ),
        Field(
            "out_of_scope_reason",
            "text",
            "Why out of scope",
            "Who covers it instead, or why it does not matter here.",
            default="",
            max_length=MAX_REASON_LENGTH,
            group="Scope",
        ),
    )


POSITION_FIELDS = (
    Field("x", "number", "x", required=True),
    Field("y", "number", "y", required=True),
)

SIZE_FIELDS = (
    Field("width", "count", "width", required=True, minimum=1),
    Field("height", "count", "height", required=True, minimum=1),
)


def _position(noun: str) -> Field:
    return Field(
        "position",
        "mapping",
        "Position",
        f"Where the editor draws the {noun} (its centre); never read by the rules.",
        fields=POSITION_FIELDS,
        in_forms=False,
    )


POLICY_FIELDS = (
    Field("today", "date", "As of", "The date results are computed for; empty means today."),
    Field(
        "key_rotation_days",
        "count",
        "Key rotation (days)",
        "The longest a key may go without rotation.",
        default=90,
        minimum=1,
    ),
    Field(
        "token_ttl_minutes",
        "count",
        "Token lifetime (minutes)",
        "The longest a bearer token may live.",
        default=60,
        minimum=1,
    ),
    Field(
        "cert_warning_days",
        "count",
        "Certificate warning (days)",
        "Warn this long before a certificate that does not renew itself expires.",
        default=30,
        minimum=0,
    ),
    Field(
        "blast_radius",
        "count",
        "Blast radius",
        "A key or element protecting this many stores or more is a hotspot.",
        default=5,
        minimum=1,
    ),
    Field(
        "acceptance_max_days",
        "count",
        "Longest risk acceptance (days)",
        "A risk a review accepts must be looked at again within this many days.",
        default=365,
        minimum=1,
    ),
)

DATA_FIELDS = (
    _id(),
    _name(),
    Field(
        "classification",
        "choice",
        "Classification",
        "How much harm a leak does.",
        default="internal",
        vocabulary=CLASSIFICATION,
    ),
    Field("tags", "choices", "Tags", "Regulated kinds of data.", default=(), vocabulary=DATA_TAG),
    _description(),
)

BOUNDARY_FIELDS = (
    _id(),
    Field(
        "kind",
        "choice",
        "Kind",
        "Who can be inside.",
        default="internal",
        vocabulary=BOUNDARY_KIND,
    ),
    _name(),
    Field(
        "parent",
        "ref",
        "Inside boundary",
        "The boundary this one sits in.",
        section="boundaries",
    ),
    Field(
        "env",
        "choice",
        "Environment",
        "Inherited from the parent boundary when not stated.",
        vocabulary=ENV,
    ),
    Field(
        "mesh",
        "choice",
        "Service mesh",
        "mTLS enforced by a service mesh; inherited from the parent when not stated.",
        vocabulary=MESH_MODE,
    ),
    _description(),
    _position("frame"),
    Field(
        "size",
        "mapping",
        "Size",
        "The frame's width and height as the editor draws it (at least around its "
        "members); never read by the rules.",
        fields=SIZE_FIELDS,
        in_forms=False,
    ),
)

KEY_FIELDS = (
    _id(),
    Field("type", "choice", "Type", "What the key is for.", required=True, vocabulary=KEY_TYPE),
    _name(),
    Field("custody", "choice", "Custody", "Where the key material lives.", vocabulary=CUSTODY),
    Field(
        "held_by",
        "ref",
        "Held by (key store)",
        "The key store that keeps the key.",
        section="elements",
        targets=("key-store",),
    ),
    Field(
        "rotation_days",
        "count",
        "Rotation period (days)",
        "Automatic rotation; empty means never rotated.",
        minimum=1,
        group="Lifecycle",
    ),
    Field("last_rotated", "date", "Last rotated", group="Lifecycle"),
    Field(
        "wraps",
        "refs",
        "Wraps (envelope encryption)",
        "The keys this key encrypts.",
        default=(),
        section="keys",
    ),
    Field(
        "compromised_on",
        "date",
        "Compromised on",
        "Known or suspected exposure.",
        group="Lifecycle",
    ),
    _description(),
)

ELEMENT_FIELDS = (
    _id(),
    Field(
        "kind",
        "choice",
        "Kind",
        "What the element is; decides which fields apply.",
        required=True,
        vocabulary=ELEMENT_KIND,
    ),
    _name(),
    Field("boundary", "ref", "Boundary", "The innermost trust boundary.", section="boundaries"),
    Field(
        "technology",
        "text",
        "Technology",
        "Product or stack, shown in the report (postgresql, kafka, ...).",
        default="",
        max_length=MAX_NAME_LENGTH,
        label_text=True,
    ),
    _description(),
    Field(
        "internet_facing",
        "flag",
        "Internet facing",
        "Reachable from the internet, whether or not a flow shows it.",
        default=False,
        kinds=SERVICE_KINDS,
        group="Service",
    ),
    Field(
        "rate_limited",
        "flag",
        "Rate limited",
        "Requests per caller are limited.",
        default=None,
        kinds=SERVICE_KINDS,
        group="Service",
    ),
    Field(
        "logs_payloads",
        "flag",
        "Logs request/response bodies",
        "Writes the data it receives into its logs.",
        default=False,
        kinds=SERVICE_KINDS,
        group="Service",
    ),
    Field(
        "terminates_tls",
        "flag",
        "Terminates TLS",
        "Decrypts TLS and forwards the requests.",
        default=False,
        kinds=("gateway",),
        group="Service",
    ),
    Field(
        "uses_keys",
        "refs",
        "Keys held in memory",
        "Key material this element holds itself (not keys it asks a key store to use).",
        default=(),
        section="keys",
        kinds=SERVICE_KINDS,
        group="Service",
    ),
    Field(
        "stores",
        "refs",
        "Data stored",
        "Data classes kept at rest here (data that only passes through does not count).",
        default=None,
        section="data",
        kinds=AT_REST_KINDS,
        group="Data at rest",
    ),
    Field(
        "encryption",
        "choice",
        "Encryption at rest",
        "How the data at rest is encrypted; not stated counts as none and is reported.",
        vocabulary=ENCRYPTION,
        kinds=AT_REST_KINDS,
        group="Data at rest",
    ),
    Field(
        "key",
        "ref",
        "Encryption key",
        "The customer's key; only with sse-kms, tde-cmk, sse-c, field, client-side or envelope.",
        section="keys",
        targets=STORE_KEY_TYPES,
        kinds=AT_REST_KINDS,
        group="Data at rest",
    ),
    Field(
        "public_access",
        "flag",
        "Public access",
        "Anyone on the internet can read it (a public bucket, an open port).",
        default=False,
        kinds=STORE_KINDS,
        group="Data at rest",
    ),
    Field(
        "auth",
        "choice",
        "Authentication",
        "How publishers and consumers prove who they are.",
        vocabulary=BROKER_AUTH,
        kinds=("broker",),
        group="Broker",
    ),
    Field(
        "acls",
        "flag",
        "ACLs",
        "Topics or queues are limited to their producers and consumers.",
        default=None,
        kinds=("broker",),
        group="Broker",
    ),
    Field(
        "retention_days",
        "count",
        "Retention (days)",
        "How long messages are kept.",
        minimum=0,
        kinds=("broker",),
        group="Broker",
    ),
    Field(
        "immutable",
        "flag",
        "Immutable",
        "Entries cannot be changed or deleted (WORM, object lock).",
        default=None,
        kinds=("log-sink", "backup"),
        group="Logs and backups",
    ),
    Field(
        "redaction",
        "flag",
        "Redaction",
        "Sensitive fields are masked before they are stored.",
        default=None,
        kinds=("log-sink",),
        group="Logs and backups",
    ),
    Field(
        "backup_of",
        "ref",
        "Backup of",
        "The store this backup copies; it holds what its source holds.",
        section="elements",
        targets=STORE_KINDS,
        kinds=("backup",),
        group="Logs and backups",
    ),
    Field(
        "offsite",
        "flag",
        "Offsite",
        "Kept in another account, region or site than its source.",
        default=None,
        kinds=("backup",),
        group="Logs and backups",
    ),
    Field(
        "agreements",
        "choices",
        "Agreements",
        "The agreements signed with this third party.",
        default=(),
        vocabulary=AGREEMENT,
        kinds=("external",),
        group="Third party",
    ),
    Field(
        "vendor_assessed",
        "flag",
        "Vendor assessed",
        "The vendor's security has been reviewed.",
        default=False,
        kinds=("external",),
        group="Third party",
    ),
    *_out_of_scope("element"),
    _position("element"),
)

TLS_FIELDS = (
    Field(
        "min_version",
        "choice",
        "Minimum TLS version",
        "The oldest version the server accepts.",
        vocabulary=TLS_VERSION,
    ),
    Field(
        "forward_secrecy",
        "flag",
        "Forward secrecy",
        "Only (EC)DHE or TLS 1.3 suites; not stated when empty.",
    ),
    Field(
        "weak_ciphers",
        "flag",
        "Weak ciphers enabled",
        "NULL, EXPORT, RC4, 3DES or MD5 suites are accepted.",
        default=False,
    ),
    Field("mutual", "flag", "Mutual TLS", "The client presents a certificate.", default=False),
    Field(
        "verify_peer",
        "flag",
        "Client verifies peer",
        "The client checks the certificate chain and host name.",
        default=True,
    ),
    Field("certificate", "choice", "Certificate", "Who issued it.", vocabulary=CERTIFICATE_KIND),
    Field("cert_expires", "date", "Certificate expires"),
    Field(
        "auto_renew", "flag", "Auto-renewed", "Renewed before expiry by automation.", default=None
    ),
)

FLOW_FIELDS = (
    _id(),
    Field(
        "from",
        "ref",
        "From",
        "The element that opens the connection or sends.",
        required=True,
        section="elements",
        attribute="source",
    ),
    Field(
        "to",
        "ref",
        "To",
        "The element that receives.",
        required=True,
        section="elements",
        attribute="target",
    ),
    _name(),
    Field(
        "protocol",
        "choice",
        "Protocol",
        "Not stated counts as plaintext and is reported.",
        vocabulary=PROTOCOL,
    ),
    Field(
        "protocol_as_written",
        "text",
        "Protocol as written",
        "The protocol as the source tool wrote it, when it was not mapped or was read "
        "from a label; the findings quote it.",
        default="",
        max_length=MAX_NAME_LENGTH,
        label_text=True,
    ),
    Field(
        "data",
        "refs",
        "Data carried",
        "The data classes on this flow.",
        default=None,
        section="data",
    ),
    Field(
        "purpose",
        "choice",
        "Purpose",
        "Why the flow exists.",
        default="data",
        vocabulary=FLOW_PURPOSE,
    ),
    _description(),
    Field(
        "auth",
        "choice",
        "Authentication",
        "How the sender proves who it is.",
        vocabulary=FLOW_AUTH,
        group="Authentication",
    ),
    Field(
        "token_ttl_minutes",
        "count",
        "Token TTL (min)",
        "Lifetime of the bearer token, for jwt and oauth2.",
        minimum=1,
        group="Authentication",
    ),
    Field(
        "signed",
        "flag",
        "Requests are signed",
        "Each request or message is signed (SigV4-style, HMAC, JWS).",
        default=None,
        group="Authentication",
    ),
    Field(
        "message_encryption",
        "flag",
        "Payload encrypted end to end",
        "The payload is encrypted above the transport.",
        default=False,
        group="Authentication",
    ),
    Field(
        "critical",
        "flag",
        "Critical operation",
        "A financial transaction, a permission or key change, an audit event.",
        default=False,
        group="Authentication",
    ),
    Field(
        "tls",
        "mapping",
        "TLS details known",
        "What is known of the transport encryption.",
        fields=TLS_FIELDS,
        group="TLS",
    ),
    *_out_of_scope("flow"),
)


@dataclass(frozen=True, slots=True)
class Section:
    """A list of items in the document: `elements`, `flows`, ..."""

    name: str
    noun: str  # one item: "data class"
    title: str  # the list: "Data classes"
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


# In document order (the order `to_document` writes them).
SECTIONS: tuple[Section, ...] = (
    Section("data", "data class", "Data classes", DATA_FIELDS),
    Section("boundaries", "boundary", "Trust boundaries", BOUNDARY_FIELDS),
    Section("keys", "key", "Keys", KEY_FIELDS),
    Section("elements", "element", "Elements", ELEMENT_FIELDS),
    Section("flows", "flow", "Flows", FLOW_FIELDS),
)
SECTION_NAMES = tuple(section.name for section in SECTIONS)
# The order pages list the sections in: the diagram's items first.
READING_ORDER = ("elements", "flows", "boundaries", "data", "keys")
SECTION_NOUNS = {section.name: section.noun for section in SECTIONS}
SECTION = {section.name: section for section in SECTIONS}
# Fields the editor keeps for the drawing (where an item is, how big a frame is): layout
# only, never read by the rules; history counts a change to them as a move, a re-import
# keeps the architect's.
LAYOUT_FIELDS = frozenset(
    field.name for section in SECTIONS for field in section.fields if not field.in_forms
)

TOP_FIELDS = (
    Field("format", "text", "Format", f"Always '{FORMAT}'.", default=FORMAT),
    Field(
        "name",
        "text",
        "Name",
        "The system's name.",
        required=True,
        max_length=MAX_NAME_LENGTH,
        label_text=True,
    ),
    Field(
        "description",
        "text",
        "Description",
        "What the system does.",
        default="",
        max_length=MAX_SYSTEM_DESCRIPTION_LENGTH,
    ),
    Field("policy", "mapping", "Policy", "Thresholds the rules use.", fields=POLICY_FIELDS),
)


def element_fields_for(kind: str) -> tuple[Field, ...]:
    """The element fields a given kind may have, in form order."""
    return tuple(f for f in ELEMENT_FIELDS if f.applies_to(kind))


def vocabulary() -> dict[str, Any]:
    """The format's vocabulary as JSON, for the browser (the editor reads it from one
    `json_script` on the page instead of keeping copies)."""
    return {
        "id": {"pattern": ID_PATTERN, "max_length": MAX_ID_LENGTH},
        "sections": {s.name: {"noun": s.noun, "title": s.title} for s in SECTIONS},
        "reading_order": list(READING_ORDER),
        "element_kinds": [
            {"value": c.value, "label": c.title, "help": c.help} for c in ELEMENT_KIND.choices
        ],
        "client_kinds": list(CLIENT_KINDS),
        "service_kinds": list(SERVICE_KINDS),
        "store_kinds": list(STORE_KINDS),
        "at_rest_kinds": list(AT_REST_KINDS),
        "boundary_kinds": [
            {"value": c.value, "label": c.title, "help": c.help} for c in BOUNDARY_KIND.choices
        ],
        "boundary_kind_default": SECTION["boundaries"].field("kind").default,
        "protocols": [
            {"value": p.value, "encrypted": p.encrypted, "help": p.help} for p in PROTOCOLS_DECLARED
        ],
        "encrypted_protocols": list(ENCRYPTED_PROTOCOLS),
        "encryption": [
            {"value": c.value, "strength": ENCRYPTION_STRENGTH[c.value], "help": c.help}
            for c in ENCRYPTION.choices
        ],
        "encryption_strength": dict(ENCRYPTION_STRENGTH),
        "element_fields": {f.name: list(f.kinds) for f in ELEMENT_FIELDS if f.kinds is not None},
    }
