"""Keys: who holds them, where they live, whether they are wrapped, rotated and secret.

docs/RULES.md "Keys" describes these rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ..graph import SystemGraph
from ..model import Key
from ..scoring import Steps
from .base import Hit, rule

# Rules that share a fix share its plan item on the key (docs/RULES.md "Remediation plan").
ROTATE = "Rotate key {target}"
MOVE_TO_KMS = "Move key {target} into a KMS or HSM"

APP_CONFIG_CUSTODY = frozenset({"env-var", "config-file", "source-code", "container-image"})
KEY_SERVICE_CUSTODY = frozenset({"hsm", "kms", "vault"})
NON_EXTRACTABLE_CUSTODY = frozenset({"hsm", "kms"})
LISTED = 5  # a root key may protect thousands of stores; evidence names the first few


def key_steps(graph: SystemGraph, key: Key, steps: Steps) -> Steps:
    """The sensitivity and blast-radius steps every key rule takes, after its own.

    S is the key's: the most sensitive store it protects (3 when it protects none). The
    +1 names the regulated tags of the data classes at that level.
    """
    steps.sensitivity(graph.key_sensitivity(key.id), graph.key_tags(key.id))
    return steps.blast(graph.blast_radius(key.id), graph.policy.blast_radius)


def key_hit(graph: SystemGraph, key: Key, steps: Steps, evidence: list[str]) -> Hit:
    count = graph.blast_radius(key.id)
    if count:
        first = graph.first_protected(key.id, LISTED)
        shown = ", ".join(graph.label(s) for s in first)
        more = f" and {count - len(first)} more" if count > len(first) else ""
        evidence.append(f"It protects {count} store{'s' if count != 1 else ''}: {shown}{more}.")
    return Hit(
        subject=(key.id,),
        steps=key_steps(graph, key, steps),
        evidence=" ".join(evidence),
        target=key.id,
        blast_radius=graph.blast_radius(key.id),
    )


def labels(graph: SystemGraph, ids: list[str]) -> str:
    """The labels of the first few items, "and N more" for the rest."""
    shown = ", ".join(graph.label(i) for i in ids[:LISTED])
    return f"{shown} and {len(ids) - LISTED} more" if len(ids) > LISTED else shown


def source_store(graph: SystemGraph, element_id: str) -> str:
    """A backup stands for its source: one key on both is backup-shares-key, not sharing."""
    seen: set[str] = set()
    element = graph.elements[element_id]
    while element.backup_of and element.id not in seen:
        seen.add(element.id)
        element = graph.elements[element.backup_of]
    return element.id


def spread(graph: SystemGraph, users: list[str]) -> tuple[str, str]:
    """("environments", "prod, non-prod") when the users of a key sit in different
    environments, ("boundaries", ...) in different boundaries, else ("", "")."""
    envs = sorted({env for env in map(graph.env, users) if env})
    if len(envs) > 1:
        return "environments", ", ".join(envs)
    boundaries = sorted({graph.elements[u].boundary or "" for u in users})
    if len(boundaries) > 1:
        return "boundaries", ", ".join(graph.label(b) if b else "none" for b in boundaries)
    return "", ""


@rule(
    "shared-key",
    title="Shared key",
    base="medium",
    effort=3,
    fix="Give each store and service its own key instead of {target}",
    remediation=(
        "Give every store and every service its own key (its own data key under a common "
        "KEK is envelope encryption, not sharing), and grant each service access to its "
        "own key only, so one leaked or revoked key affects one component."
    ),
    references=("CWE-653", "NIST SP 800-57 Pt 1 5.2", "PCI DSS 3.6.1", "ASVS 5.0 11.1.1"),
)
def shared_keys(graph: SystemGraph) -> Iterator[Hit]:
    """Shared key syndrome: one key encrypts several stores or sits in several services."""
    for key in graph.system.keys:
        stores = list(
            dict.fromkeys(source_store(graph, s) for s in graph.stores_encrypted_with(key.id))
        )
        holders = list(graph.services_holding(key.id))
        groups = [
            (g, noun) for g, noun in ((stores, "stores"), (holders, "services")) if len(g) > 1
        ]
        if not groups:
            continue
        uses = []
        if len(stores) > 1:
            uses.append(f"directly encrypts {len(stores)} stores ({labels(graph, stores)})")
        if len(holders) > 1:
            uses.append(f"is held by {len(holders)} services ({labels(graph, holders)})")
        evidence = [f"Key {graph.label(key.id)} {' and '.join(uses)}."]
        reasons, details = [], []
        if len(stores) > 1 and len({frozenset(graph.held_at_rest(s)) for s in stores}) > 1:
            reasons.append("data classes")
            details.append("the stores hold different data classes")
        for group, noun in groups:
            kind, where = spread(graph, group)
            if kind:
                reasons.append(kind)
                details.append(f"the {noun} sit in different {kind} ({where})")
        steps = Steps("medium")
        if reasons:
            steps.step(+1, "shared across " + " and ".join(dict.fromkeys(reasons)))
            evidence.append("Worse, " + "; ".join(details) + ".")
        evidence.append("One leaked key reads all of them; one revoked key breaks all of them.")
        yield key_hit(graph, key, steps, evidence)


@rule(
    "key-in-app-config",
    title="Key in application configuration",
    base="high",
    effort=2,
    fix=MOVE_TO_KMS,
    remediation=(
        "Take the key out of environment variables, configuration files, images and source "
        "code: keep it in a KMS or HSM (or at least a secrets manager) and let the "
        "application ask for operations or fetch it at run time. Treat the old key as "
        "exposed and rotate it: it lives on in history, images and process listings."
    ),
    references=(
        "CWE-321",
        "CWE-798",
        "CWE-526",
        "PCI DSS 3.6.1.2, 8.6.2",
        "SOC 2 CC6.1",
        "ASVS 4.0.3 2.10.4, 6.4.1",
    ),
)
def keys_in_app_config(graph: SystemGraph) -> Iterator[Hit]:
    """Key material in env vars, config files, images or code leaks with them."""
    for key in graph.system.keys:
        if key.custody not in APP_CONFIG_CUSTODY:
            continue
        if key.custody == "source-code":
            steps = Steps("critical", floor="high", basis="in source code")
        elif key.type == "kek":
            steps = Steps("critical", floor="high", basis="a key-encryption key")
        else:
            steps = Steps("high", floor="high")
        evidence = [
            f"Key {graph.label(key.id)} ({key.type}) is kept in {key.custody}: anyone who "
            "reads the repository, the image, the configuration or the process environment "
            "has the key."
        ]
        yield key_hit(graph, key, steps, evidence)


@rule(
    "master-key-outside-kms",
    title="Master key outside a KMS",
    base="high",
    effort=3,
    fix=MOVE_TO_KMS,
    remediation=(
        "Keys never touch application servers: keep key-encryption keys inside an HSM, "
        "KMS or Vault and have services call it to wrap and unwrap their data keys, "
        "instead of loading the master key into their own memory."
    ),
    references=("CWE-522", "PCI DSS 3.6.1, 3.6.1.2", "ASVS 4.0.3 6.4.2"),
)
def master_keys_outside_kms(graph: SystemGraph) -> Iterator[Hit]:
    """A key-encryption key outside a key service exposes every key it wraps."""
    for key in graph.system.keys:
        if key.type != "kek":
            continue
        # An unstated custody is left to model-incomplete (MODEL.md: no finding of its own).
        outside = key.custody is not None and key.custody not in KEY_SERVICE_CUSTODY
        holders = graph.services_holding(key.id)
        if not (outside or holders):
            continue
        evidence = []
        if outside:
            evidence.append(
                f"Key-encryption key {graph.label(key.id)} is kept in {key.custody}, "
                "not in an HSM, KMS or Vault."
            )
        if holders:
            evidence.append(
                f"{labels(graph, holders)} hold{'s' if len(holders) == 1 else ''} "
                f"key-encryption key {graph.label(key.id)} in memory (uses_keys)."
            )
        yield key_hit(graph, key, Steps("high"), evidence)


@rule(
    "unwrapped-data-key",
    title="Data key not wrapped",
    base="medium",
    effort=3,
    fix=MOVE_TO_KMS,
    remediation=(
        "Use envelope encryption: wrap the data key with a key-encryption key held in a "
        "KMS or HSM and store only the wrapped form next to the data, or keep the data key "
        "itself in the KMS or HSM."
    ),
    references=("CWE-312", "PCI DSS 3.6.1"),
)
def unwrapped_data_keys(graph: SystemGraph) -> Iterator[Hit]:
    """A data key stored in the clear outside a KMS is one copy away from the data."""
    for key in graph.system.keys:
        if key.type != "dek" or graph.wrapped_by(key.id):
            continue
        # An unstated custody is left to model-incomplete (MODEL.md: no finding of its own).
        if key.custody is None or key.custody in NON_EXTRACTABLE_CUSTODY:
            continue
        evidence = [
            f"Data key {graph.label(key.id)} is kept in {key.custody} and no key wraps it: "
            "no envelope encryption, so the key itself sits in plaintext."
        ]
        yield key_hit(graph, key, Steps("medium"), evidence)


def days_since(graph: SystemGraph, when: date) -> int:
    return (graph.today - when).days


@rule(
    "key-not-rotated",
    title="Key not rotated",
    base="medium",
    effort=1,
    fix=ROTATE,
    remediation=(
        "Turn on automatic rotation with a period within policy, rotate now if the last "
        "rotation is overdue, and re-wrap or re-encrypt what the old version protects."
    ),
    references=("CWE-324", "PCI DSS 3.7.4", "NIST SP 800-57 Pt 1 5.3"),
)
def keys_not_rotated(graph: SystemGraph) -> Iterator[Hit]:
    """A key that is never or rarely rotated protects ever more data for ever longer."""
    policy_days = graph.policy.key_rotation_days
    for key in graph.system.keys:
        problems = []
        if key.rotation_days is None:
            problems.append("has no rotation_days (never rotated automatically)")
        elif key.rotation_days > policy_days:
            problems.append(f"rotation {key.rotation_days} d > policy {policy_days} d")
        if key.last_rotated is not None:
            limit = min(key.rotation_days or policy_days, policy_days)
            age = days_since(graph, key.last_rotated)
            if age > limit:
                problems.append(
                    f"last rotated {key.last_rotated.isoformat()}, {age} d ago > {limit} d"
                )
        if not problems:
            continue
        evidence = [f"Key {graph.label(key.id)}: " + "; ".join(problems) + "."]
        yield key_hit(graph, key, Steps("medium"), evidence)


@rule(
    "compromised-key",
    title="Compromised key still in use",
    base="critical",
    effort=2,
    fix=ROTATE,
    remediation=(
        "Rotate the key now, re-encrypt or re-wrap what it protects, revoke the exposed "
        "version, and investigate what was read with it since the exposure."
    ),
    references=("CWE-324", "PCI DSS 3.7.5, 8.6.3", "SOC 2 CC7.4"),
)
def compromised_keys(graph: SystemGraph) -> Iterator[Hit]:
    """A key known or suspected to be exposed, and not rotated since, protects nothing."""
    for key in graph.system.keys:
        exposed = key.compromised_on
        if exposed is None:
            continue
        if key.last_rotated is not None and key.last_rotated > exposed:
            continue
        since = (
            f"last rotated {key.last_rotated.isoformat()}, not after"
            if key.last_rotated
            else "with no rotation recorded since"
        )
        evidence = [
            f"Key {graph.label(key.id)} was exposed on {exposed.isoformat()} "
            f"({days_since(graph, exposed)} d ago), {since}."
        ]
        yield key_hit(graph, key, Steps("critical", floor="high"), evidence)
