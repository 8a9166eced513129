"""Backups: copies of a store that are unencrypted, weaker, share its key or its fate.

docs/RULES.md "Backups" describes these rules.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..graph import SystemGraph
from ..model import Element
from ..scoring import Steps
from .base import Hit, rule
from .rest import STRENGTHEN_AT_REST, encryption_text, held_text


def backups_with_source(graph: SystemGraph) -> Iterator[tuple[Element, Element]]:
    """Every backup with the store it copies, in model order."""
    for backup in graph.system.elements:
        if backup.kind == "backup" and backup.backup_of in graph.elements:
            yield backup, graph.elements[backup.backup_of]


def backup_steps(graph: SystemGraph, backup: Element, base: str, basis: str = "") -> Steps:
    """Base, then the sensitivity step on what the backup holds (its source's data)."""
    sensitivity, held, _ = graph.rest_sensitivity(backup.id)
    steps = Steps(base, basis=basis)
    return steps.sensitivity(sensitivity, graph.regulated_tags(held))


def custody_text(graph: SystemGraph, key_id: str) -> str:
    custody = graph.keys[key_id].custody if key_id in graph.keys else None
    return f"key {graph.label(key_id)} in {custody or 'an unstated custody (ranks weakest)'}"


@rule(
    "unprotected-backup",
    title="Unencrypted backup",
    base="high",
    effort=1,
    fix=STRENGTHEN_AT_REST,
    remediation=(
        "Encrypt the backup at least as strongly as its source, with a key of its own held "
        "in a KMS or HSM. Backups are the copy attackers look for first: they hold "
        "everything, are rarely watched and are often readable by a broad backup role."
    ),
    references=(
        "CWE-311",
        "SOC 2 A1.2 with CC6.1",
        "HIPAA 164.308(a)(7)(ii)(A), 164.312(a)(2)(iv) (addressable)",
        "PCI DSS 3.5.1",
    ),
)
def unprotected_backups(graph: SystemGraph) -> Iterator[Hit]:
    """A plaintext backup hands over everything its source protects."""
    for backup in graph.system.elements:
        if backup.kind != "backup" or backup.strength > 0:
            continue
        if graph.element_sensitivity(backup.id) < 1:
            continue
        source = graph.elements.get(backup.backup_of or "")
        of = f"the backup of {source.label}, " if source else ""
        yield Hit(
            subject=(backup.id,),
            steps=backup_steps(graph, backup, "high"),
            evidence=(
                f"{backup.label}, {of}holds {held_text(graph, backup.id)} with "
                f"{encryption_text(backup)}."
            ),
            target=backup.id,
        )


@rule(
    "backup-weaker-than-source",
    title="Backup protected less than its source",
    base="medium",
    effort=2,
    fix=STRENGTHEN_AT_REST,
    remediation=(
        "Give the backup the same encryption strength as its source and keep its key in "
        "custody at least as strong (KMS or HSM): an attacker takes the weakest copy."
    ),
    references=("CWE-326", "SOC 2 A1.2", "PCI DSS 3.5.1"),
)
def backups_weaker_than_source(graph: SystemGraph) -> Iterator[Hit]:
    """An encrypted backup that is easier to read than the store it copies."""
    for backup, source in backups_with_source(graph):
        if backup.strength == 0:
            continue  # unprotected-backup
        problems = []
        if backup.strength < source.strength:
            problems.append(
                f"{backup.label} has {encryption_text(backup)} while its source "
                f"{source.label} has {encryption_text(source)}"
            )
        if (
            backup.key
            and source.key
            and graph.custody_rank(graph.keys[backup.key].custody)
            > graph.custody_rank(graph.keys[source.key].custody)
        ):
            problems.append(
                f"{backup.label} is encrypted with {custody_text(graph, backup.key)}, "
                f"weaker custody than {source.label}'s {custody_text(graph, source.key)}"
            )
        if not problems:
            continue
        yield Hit(
            subject=(backup.id,),
            steps=backup_steps(graph, backup, "medium"),
            evidence="; ".join(problems) + ".",
            target=backup.id,
            path=(source.id, backup.id),
        )


@rule(
    "backup-shares-key",
    title="Backup encrypted with its source's key",
    base="medium",
    effort=2,
    fix="Give {target} a key of its own",
    remediation=(
        "Encrypt the backup with a separate key, ideally in a separate account or key "
        "store: then one stolen key does not read both copies, and losing or destroying "
        "the source's key does not make the backup unreadable."
    ),
    references=("CWE-653", "NIST SP 800-57 Pt 1 5.2", "SOC 2 A1.2"),
)
def backups_sharing_key(graph: SystemGraph) -> Iterator[Hit]:
    """A backup under its source's key is lost, or read, together with the source."""
    for backup, source in backups_with_source(graph):
        if not backup.key or backup.key != source.key:
            continue
        yield Hit(
            subject=(backup.id,),
            steps=backup_steps(graph, backup, "medium"),
            evidence=(
                f"{backup.label} and its source {source.label} are both encrypted with "
                f"key {graph.label(backup.key)}: one stolen key reads both, and a lost or "
                "destroyed key loses both."
            ),
            target=backup.id,
            path=(source.id, backup.id),
        )


@rule(
    "backup-not-isolated",
    title="Backup not isolated from its source",
    base="medium",
    effort=2,
    fix="Isolate {target} from its source",
    remediation=(
        "Keep the backup outside the source's trust boundary (another account, project or "
        "site), make it immutable (object lock, WORM), or both: whoever can delete or "
        "encrypt the source must not be able to do the same to its backup."
    ),
    references=("SOC 2 A1.2", "GDPR 32(1)(c)"),
)
def backups_not_isolated(graph: SystemGraph) -> Iterator[Hit]:
    """A backup next to its source falls to the same ransomware or the same mistake."""
    for backup, source in backups_with_source(graph):
        if backup.immutable or backup.offsite:
            continue
        # An unstated boundary is a gap for model-incomplete, not a finding here.
        if not backup.boundary or backup.boundary != source.boundary:
            continue
        unstated = [f for f in ("immutable", "offsite") if getattr(backup, f) is None]
        assumed = f" ({' and '.join(unstated)} unstated, assumed not)" if unstated else ""
        yield Hit(
            subject=(backup.id,),
            steps=backup_steps(graph, backup, "medium"),
            evidence=(
                f"{backup.label} sits in {graph.label(backup.boundary)}, the same boundary "
                f"as its source {source.label}, and is neither immutable nor offsite"
                f"{assumed}: whoever can delete or encrypt the source can do the same to "
                "the backup."
            ),
            target=backup.id,
            path=(source.id, backup.id),
        )
