"""Map findings to SOC 2, GDPR, HIPAA and PCI DSS controls.

The table is derived from the rules' own references (RULES.md), so a control appears in
the matrix exactly when some rule of the catalog checks for it; a clean system still
shows every control the engine looked at. The titles below are short reminders of what
each control is about, for a reader without the standard at hand.

HIPAA encryption specifications are "addressable": a finding against one is worded "not
implemented, and no documented equivalent in the model", never as a violation.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from threatmodel.model import SEVERITIES

FRAMEWORKS = ("SOC 2", "GDPR", "HIPAA", "PCI DSS")
# The regulated tag that makes a framework apply to the data in a model, when one does.
FRAMEWORK_TAGS = {"HIPAA": "phi", "PCI DSS": "pan", "GDPR": "pii"}

TITLES = {
    "SOC 2": {
        "CC6.1": "Logical access security over protected information assets",
        "CC6.6": "Protection against threats from outside the system boundaries",
        "CC6.7": "Restricted transmission and movement of information",
        "CC7.1": "Detection of configuration changes and vulnerabilities",
        "CC7.2": "Monitoring of system components for anomalies",
        "CC7.4": "Response to identified security incidents",
        "CC9.2": "Risk management of vendors and business partners",
        "A1.2": "Data backup processes and recovery infrastructure",
    },
    "GDPR": {
        "32(1)(a)": "Pseudonymisation and encryption of personal data",
        "32(1)(b)": "Confidentiality and integrity of processing systems",
        "32(1)(c)": "Timely restoration of availability and access",
    },
    "HIPAA": {
        "164.308(a)(7)(ii)(A)": "Data backup plan",
        "164.308(b)(1)": "Business associate contracts",
        "164.312(a)(2)(iv)": "Encryption and decryption of ePHI",
        "164.312(b)": "Audit controls",
        "164.312(c)(1)": "Integrity of ePHI",
        "164.312(d)": "Person or entity authentication",
        "164.312(e)(1)": "Transmission security",
        "164.312(e)(2)(ii)": "Encryption of ePHI in transit",
        "164.314(a)": "Business associate contracts or other arrangements",
    },
    "PCI DSS": {
        "1.4.1": "Network controls between trusted and untrusted networks",
        "1.4.4": "Stores of cardholder data not directly reachable from untrusted networks",
        "3.5.1": "PAN rendered unreadable wherever it is stored",
        "3.5.1.2": "Disk-level encryption alone not used for PAN",
        "3.6.1": "Keys protected against disclosure and misuse",
        "3.6.1.2": "Secret and private keys stored in secure forms",
        "3.7.4": "Key changes at the end of the cryptoperiod",
        "3.7.5": "Retirement or replacement of weakened or compromised keys",
        "4.2.1": "Strong cryptography for PAN in transit",
        "4.2.1.1": "Inventory of trusted keys and certificates",
        "8.3.1": "All access to system components authenticated",
        "8.3.2": "Authentication factors unreadable in transit and at rest",
        "8.6.2": "No hard-coded passwords for system accounts",
        "8.6.3": "System account credentials protected against misuse",
        "10.3.2": "Audit logs protected from modification",
        "10.3.3": "Audit logs promptly backed up to a secure central store",
        "12.8.2": "Written agreements with third-party service providers",
    },
}
# HIPAA implementation specifications that are addressable (45 CFR 164.306(d)); the
# standards and the other specifications in the table are required.
HIPAA_ADDRESSABLE = frozenset({"164.312(a)(2)(iv)", "164.312(e)(2)(ii)", "164.312(c)(2)"})

ADDRESSABLE_GAP = "Addressable: not implemented, and no documented equivalent in the model"
REQUIRED_GAP = "Required: not met in the model"
GAP = "Gap: see findings"
NO_FINDING = "No finding in the model"


@dataclass(frozen=True)
class Control:
    framework: str
    control: str

    @property
    def title(self) -> str:
        return TITLES.get(self.framework, {}).get(self.control, "")

    @property
    def label(self) -> str:
        if self.framework == "GDPR":
            return f"Art. {self.control}"
        if self.framework == "HIPAA":
            return f"§ {self.control}"
        return self.control

    @property
    def addressable(self) -> bool:
        return self.framework == "HIPAA" and self.control in HIPAA_ADDRESSABLE

    def sort_key(self) -> tuple:
        numbers = [int(n) if n.isdigit() else n for n in re.findall(r"\d+|[A-Za-z]+", self.control)]
        return (FRAMEWORKS.index(self.framework), [str(n).zfill(6) for n in numbers])


@dataclass
class ControlRow:
    control: Control
    rules: list[str] = field(default_factory=list)
    findings: list[int] = field(default_factory=list)  # 1-based numbers in the report
    severities: Counter = field(default_factory=Counter)
    worst: str = ""
    in_scope: bool = True  # False: the framework's regulated data is absent from the model

    @property
    def status(self) -> str:
        if not self.findings:
            return NO_FINDING
        if not self.in_scope:
            tag = FRAMEWORK_TAGS[self.control.framework]
            return f"Out of scope: the model holds no {tag} data"
        if self.control.framework == "HIPAA":
            return ADDRESSABLE_GAP if self.control.addressable else REQUIRED_GAP
        return GAP

    @property
    def severity_summary(self) -> str:
        return ", ".join(
            f"{self.severities[s]} {s}" for s in reversed(SEVERITIES) if self.severities[s]
        )


def parse_reference(reference: str) -> list[Control]:
    """The framework controls one reference names; [] for CWE, ASVS, NIST and the like.

    "HIPAA 164.312(e)(1), (e)(2)(ii) (addressable)" -> 164.312(e)(1) and 164.312(e)(2)(ii);
    "SOC 2 A1.2 with CC6.1" -> A1.2 and CC6.1; "PCI DSS 4.2.1, 4.2.1.1" -> both.
    """
    for framework in FRAMEWORKS:
        if reference.startswith(framework + " "):
            rest = reference[len(framework) + 1 :]
            break
    else:
        return []
    rest = re.sub(r"\s*\((addressable|required)\)\s*$", "", rest, flags=re.IGNORECASE)
    controls: list[Control] = []
    section = ""
    for part in re.split(r",\s*|\s+with\s+|\s+and\s+", rest):
        part = part.strip()
        if not part:
            continue
        if part.startswith("(") and section:
            part = section + part  # "(e)(2)(ii)" continues "164.312(e)(1)"
        section = re.split(r"[()]", part, maxsplit=1)[0]
        controls.append(Control(framework, part))
    return controls


def catalog_controls(rules: Iterable) -> dict[Control, list[str]]:
    """Every framework control the rule catalog references, with the rules that do."""
    table: dict[Control, list[str]] = {}
    for rule in rules:
        rule_id, references = _rule_fields(rule)
        for reference in references:
            for control in parse_reference(reference):
                table.setdefault(control, [])
                if rule_id not in table[control]:
                    table[control].append(rule_id)
    return table


def _rule_fields(rule) -> tuple[str, tuple[str, ...]]:
    if isinstance(rule, dict):
        return rule["id"], tuple(rule.get("references", ()))
    return rule.id, tuple(rule.references)


def compliance_matrix(
    findings: Iterable, rules: Iterable, out_of_scope: Iterable[str] = ()
) -> dict[str, list[ControlRow]]:
    """Per framework, one row per control: the findings against it, numbered as in the
    report (the position in `findings`, from 1). Frameworks in `out_of_scope` keep their
    findings for reference but claim no gap (HIPAA without PHI, PCI DSS without PAN)."""
    out_of_scope = set(out_of_scope)
    rows = {
        control: ControlRow(control, rules=list(rule_ids))
        for control, rule_ids in catalog_controls(rules).items()
    }
    for number, finding in enumerate(findings, start=1):
        for reference in finding.references:
            for control in parse_reference(reference):
                row = rows.setdefault(control, ControlRow(control, rules=[finding.rule]))
                if number not in row.findings:
                    row.findings.append(number)
                    row.severities[finding.severity] += 1
    for row in rows.values():
        present = [s for s in SEVERITIES if row.severities[s]]
        row.worst = present[-1] if present else ""
        row.in_scope = row.control.framework not in out_of_scope
    matrix: dict[str, list[ControlRow]] = {framework: [] for framework in FRAMEWORKS}
    for control in sorted(rows, key=Control.sort_key):
        matrix[control.framework].append(rows[control])
    return matrix


def framework_notes(system) -> dict[str, str]:
    """Why a framework may not apply: the model holds no data with its tag."""
    tags = {tag for data in system.data for tag in data.tags}
    notes = {}
    for framework, tag in FRAMEWORK_TAGS.items():
        if tag not in tags:
            notes[framework] = (
                f"The model holds no data tagged {tag}, so {framework} does not apply to it "
                "as drawn; the rows show what the findings would touch if it did."
            )
    return notes
