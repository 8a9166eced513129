"""render_report_pdf(): one revision of a system as the PDF an auditor reads.

The report is a list of sections, each a template with the data it needs. The default
list covers the issue's contents; callers add their own (a review's decisions, sign-off)
with `extra_sections`, placed after a named section, without touching this module.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

import threatmodel
from threatmodel.graph import SystemGraph
from threatmodel.model import System

from .attachments import analysis_json, findings_csv, inventory_csv
from .charts import coverage_donut, severity_bars
from .compliance import compliance_matrix, framework_notes
from .crypto import build_crypto_inventory
from .diagram import diagram_pages
from .fetcher import StaticOnlyFetcher, generated_url, static_base_url

Progress = Callable[[str], None]
SEVERITY_ORDER = ("critical", "high", "medium", "low", "info")
EFFORT_WORDS = {1: "configuration change", 2: "change to one component", 3: "architecture change"}
EFFORT_SHORT = {1: "config", 2: "component", 3: "architecture"}
TOP_RISKS = 5
DIAGRAM = "diagram.svg"
COVER_DIAGRAM_LIMIT = 60  # elements; a larger diagram is a texture at thumbnail size
FINDING_LIST_LIMIT = 12
NONE = "\u2013"  # an en dash for an empty cell
COMPACT_INVENTORY = 200  # elements + flows above which the inventory is listed, not tabled
WEAK_TLS = ("1.0", "1.1")  # below the 1.2 that weak-tls and PCI DSS 4.2.1 ask for
# Bounds that keep a report proportional to what a reader can use (issue: a 3,000-service
# chain made 1,911 pages). What is left out of the pages is in the attached files.
FINDINGS_IN_FULL = 100  # the worst findings printed in full; the rest grouped by rule
GROUP_EXAMPLES = 8  # subjects named per rule group
PLAN_ROWS = 150  # plan items tabled; the rest counted
INVENTORY_ROWS = 1500  # elements + flows + keys listed in the appendix
DIAGRAM_ELEMENTS = 1000  # above this a page-sized diagram is a grey texture
LIST_LIMIT = 12  # names in a finding's subject or path
EVIDENCE_CHARS = 1500
SUMMARY_EVIDENCE_CHARS = 160  # the executive summary fits one page
FINDINGS_CSV, ANALYSIS_JSON, INVENTORY_CSV = "findings.csv", "analysis.json", "inventory.csv"


@dataclass(frozen=True)
class Section:
    """One part of the report: a template under templates/report/ and its data.

    `build(report)` returns the template's `data`; a section whose build returns None is
    left out (the plan of a clean system, for instance). `after` places an extra section
    behind the section with that id.
    """

    id: str
    title: str
    template: str
    build: Callable[[ReportContext], Any] | None = None
    after: str | None = None
    page: str = ""  # a named @page, e.g. "landscape"


@dataclass
class ReportContext:
    """Everything the sections read, computed once."""

    system_name: str
    revision: int | None
    system: System
    analysis: Any
    authors: Sequence[str]
    date: dt.date
    model_hash: str
    engine_version: str
    rules: list[dict[str, Any]]
    graph: SystemGraph = field(repr=False)
    numbers: dict[str, int] = field(default_factory=dict)  # fingerprint -> F number
    generated: dict[str, bytes] = field(default_factory=dict)  # images made for this report
    # Files embedded in the PDF: name -> (content, description).
    attachments: dict[str, tuple[str, str]] = field(default_factory=dict)

    def label(self, item_id: str) -> str:
        return self.graph.label(item_id)

    @property
    def cover_diagram(self) -> str:
        """The diagram's URL for a thumbnail on the cover, for systems small enough to read."""
        if DIAGRAM in self.generated and len(self.system.elements) <= COVER_DIAGRAM_LIMIT:
            return generated_url(DIAGRAM)
        return ""

    @property
    def severity_counts(self) -> list[tuple[str, int]]:
        counts = self.analysis.metrics["severity_counts"]
        return [(severity, counts.get(severity, 0)) for severity in SEVERITY_ORDER]

    def describe(self, item_id: str) -> str:
        return self.graph.describe(item_id)


@dataclass
class RenderedSection:
    id: str
    title: str
    template: str
    data: Any
    page: str


# -- model helpers --------------------------------------------------------------------


def canonical_json(system: System) -> str:
    """The model as canonical JSON: sorted keys, no whitespace, UTF-8."""
    document = threatmodel.to_document(system)
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def model_hash(system: System) -> str:
    return hashlib.sha256(canonical_json(system).encode()).hexdigest()


def _rule_rows() -> list[dict[str, Any]]:
    rows = []
    for rule in threatmodel.RULES:
        meta = rule if isinstance(rule, dict) else rule.describe()
        rows.append(
            {
                "id": meta["id"],
                "title": meta["title"],
                "family": meta.get("family", ""),
                "base": meta.get("base", ""),
                "effort": meta.get("effort", ""),
                "references": list(meta.get("references", ())),
            }
        )
    return rows


# -- section data ---------------------------------------------------------------------


def _bounded(names: Sequence[str]) -> list[str]:
    """The first and last names of a long list, with the count of those in between."""
    names, limit = list(names), LIST_LIMIT
    if len(names) <= limit:
        return names
    head, tail = names[: limit - 4], names[-3:]
    return [*head, f"… {len(names) - len(head) - len(tail):,} more …", *tail]


def _finding_row(report: ReportContext, number: int, finding) -> dict[str, Any]:
    subject = [(report.describe(s), s) for s in finding.subject[:LIST_LIMIT]]
    if len(finding.subject) > LIST_LIMIT:
        more = len(finding.subject) - LIST_LIMIT
        subject.append((f"and {more:,} more (see {FINDINGS_CSV})", ""))
    evidence = finding.evidence
    if len(evidence) > EVIDENCE_CHARS:
        evidence = evidence[:EVIDENCE_CHARS].rsplit(" ", 1)[0] + f" … (in full in {FINDINGS_CSV})"
    return {
        "number": number,
        "anchor": f"finding-{finding.fingerprint}",
        "rule": finding.rule,
        "severity": finding.severity,
        "steps": finding.steps,
        "title": finding.title,
        "subject": subject,
        "path": _bounded([report.label(p) for p in finding.path]),
        "evidence": evidence,
        "remediation": finding.remediation,
        "references": list(finding.references),
        "effort": finding.effort,
        "effort_words": EFFORT_WORDS.get(finding.effort, ""),
        "fingerprint": finding.fingerprint,
        "plan_item": finding.plan_item,
    }


def _numbers_text(numbers: Iterable[int], limit: int = FINDING_LIST_LIMIT) -> str:
    numbers = list(numbers)
    shown = ", ".join(f"F{n}" for n in numbers[:limit])
    if len(numbers) > limit:
        shown += f" and {len(numbers) - limit} more"
    return shown


def _short(text: str, limit: int = SUMMARY_EVIDENCE_CHARS) -> str:
    """A sentence or two for the executive summary, which must fit its page."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def build_summary(report: ReportContext) -> dict[str, Any]:
    metrics = report.analysis.metrics
    counts = {s: metrics["severity_counts"].get(s, 0) for s in SEVERITY_ORDER}

    def coverage(table: list[dict[str, int]], minimum: int = 0) -> tuple[int, int]:
        rows = table[minimum:]
        return sum(r["protected"] for r in rows), sum(r["total"] for r in rows)

    transit = coverage(metrics["transit"]["by_sensitivity"])
    transit_sensitive = coverage(metrics["transit"]["by_sensitivity"], 2)
    rest = coverage(metrics["rest"]["by_sensitivity"])
    rest_sensitive = coverage(metrics["rest"]["by_sensitivity"], 2)
    plan = list(report.analysis.plan)
    top_fixes = [
        {
            "title": item.title,
            "closes": len(item.findings),
            "effort": item.effort,
            "worst": item.worst,
        }
        for item in plan[:TOP_RISKS]
    ]
    top_risks = [
        {"number": i, "severity": f.severity, "title": f.title, "evidence": _short(f.evidence)}
        for i, f in enumerate(report.analysis.findings[:TOP_RISKS], start=1)
        if f.severity in ("critical", "high", "medium")
    ]
    return {
        "counts": counts,
        "total": len(report.analysis.findings),
        "bars": mark_safe(severity_bars(counts)),  # noqa: S308 - built by ElementTree
        "donuts": [
            {"label": label, "svg": mark_safe(coverage_donut(label, *value))}  # noqa: S308
            for label, value in (
                ("Flows encrypted in transit", transit),
                ("Sensitive flows encrypted", transit_sensitive),
                ("Stores encrypted at rest", rest),
                ("Sensitive stores encrypted", rest_sensitive),
            )
        ],
        "top_risks": top_risks,
        "top_fixes": top_fixes,
        "plan_items": len(plan),
        "keys": metrics["keys"],
        "certificates": metrics["certificates"],
        "next_expiry": _next_expiry_text(metrics["certificates"]),
        "elements": len(report.system.elements),
        "flows": len(report.system.flows),
        "data_classes": len(report.system.data),
        "key_count": len(report.system.keys),
        "rule_count": len(report.rules),
        "today": metrics.get("today", ""),
    }


def _next_expiry_text(certificates: dict[str, Any]) -> str:
    """ "next expiry 2027-03-01 (in 90 days)", or when the earliest has passed, how long ago."""
    date, days = certificates.get("next_expiry"), certificates.get("days_to_next_expiry")
    if not date or days is None:
        return ""
    if days < 0:
        return f"the earliest expired on {date}, {-days} day{pluralize(-days)} ago"
    if days == 0:
        return f"the next expires today ({date})"
    return f"next expiry {date} (in {days} day{pluralize(days)})"


def build_diagram(report: ReportContext) -> dict[str, Any]:
    """The diagram's pages go in as images served from memory by the fetcher (see
    fetcher.py): one, or for a large system an overview and one per boundary."""
    if len(report.system.elements) > DIAGRAM_ELEMENTS:
        return {"too_large": True, "elements": len(report.system.elements)}
    pages = []
    for number, page in enumerate(diagram_pages(report.system, report.analysis), start=1):
        name = DIAGRAM if number == 1 else f"diagram-{number}.svg"
        report.generated[name] = page.svg.encode()
        pages.append({"title": page.title, "src": generated_url(name), "note": page.note})
    return {
        "pages": pages,
        "src": pages[0]["src"],
        "layout": pages[0]["note"],
        "empty": not report.system.elements,
        "elements": len(report.system.elements),
        "large": len(report.system.elements) > COVER_DIAGRAM_LIMIT,
    }


def build_plan(report: ReportContext) -> dict[str, Any] | None:
    if not report.analysis.plan:
        return None
    items = []
    plan = report.analysis.plan
    for rank, item in enumerate(plan[:PLAN_ROWS], start=1):
        numbers = [report.numbers[fp] for fp in item.findings if fp in report.numbers]
        items.append(
            {
                "rank": rank,
                "title": item.title,
                "target": report.describe(item.target),
                "closes": len(item.findings),
                "findings": _numbers_text(sorted(numbers)),
                "first_anchor": f"finding-{item.findings[0]}" if item.findings else "",
                "rules": list(item.rules),
                "effort": item.effort,
                "effort_words": EFFORT_WORDS.get(item.effort, ""),
                "effort_short": EFFORT_SHORT.get(item.effort, ""),
                "worst": item.worst,
                "score": round(item.score, 1),
            }
        )
    rest = plan[PLAN_ROWS:]
    return {
        "items": items,
        "more": len(rest),
        "more_closes": sum(len(item.findings) for item in rest),
        "attachment": ANALYSIS_JSON,
    }


def build_findings(report: ReportContext) -> dict[str, Any] | None:
    if not report.analysis.findings:
        return None
    findings = report.analysis.findings
    rows = [
        _finding_row(report, number, finding)
        for number, finding in enumerate(findings[:FINDINGS_IN_FULL], start=1)
    ]
    return {
        "findings": rows,
        "groups": _rule_groups(report, findings[FINDINGS_IN_FULL:], FINDINGS_IN_FULL + 1),
        "in_full": len(rows),
        "first_grouped": len(rows) + 1,
        "rest": len(findings) - len(rows),
        "total": len(findings),
        "attachment": FINDINGS_CSV,
    }


def _rule_groups(report: ReportContext, findings: Sequence, first_number: int) -> list[dict]:
    """The findings past the printed ones, one entry per rule, worst rule first."""
    titles = {rule["id"]: rule["title"] for rule in report.rules}
    groups: dict[str, dict[str, Any]] = {}
    for number, finding in enumerate(findings, start=first_number):
        group = groups.setdefault(
            finding.rule,
            {
                "rule": finding.rule,
                "title": titles.get(finding.rule, finding.rule),
                "worst": finding.severity,
                "severities": dict.fromkeys(SEVERITY_ORDER, 0),
                "numbers": [],
                "examples": [],
                "remediation": finding.remediation,
            },
        )
        group["severities"][finding.severity] += 1
        group["numbers"].append(number)
        if len(group["examples"]) < GROUP_EXAMPLES:
            group["examples"].append(f"F{number} {report.describe(finding.subject[0])}")
        if SEVERITY_ORDER.index(finding.severity) < SEVERITY_ORDER.index(group["worst"]):
            group["worst"] = finding.severity
    result = []
    for group in groups.values():
        numbers = group.pop("numbers")
        group["count"] = len(numbers)
        group["more"] = len(numbers) - len(group["examples"])
        group["severities"] = ", ".join(
            f"{count:,} {severity}" for severity, count in group["severities"].items() if count
        )
        result.append(group)
    return sorted(result, key=lambda g: (SEVERITY_ORDER.index(g["worst"]), -g["count"]))


def build_compliance(report: ReportContext) -> dict[str, Any]:
    notes = framework_notes(report.system)
    matrix = compliance_matrix(report.analysis.findings, report.rules, out_of_scope=notes)
    frameworks = []
    for name, rows in matrix.items():
        frameworks.append(
            {
                "name": name,
                "anchor": "compliance-" + name.lower().replace(" ", "-"),
                "note": notes.get(name, ""),
                "rows": [
                    {
                        "label": row.control.label,
                        "title": row.control.title,
                        "findings": _numbers_text(row.findings),
                        "count": len(row.findings),
                        "severities": row.severity_summary,
                        "worst": row.worst if row.in_scope else "",
                        "status": row.status,
                        "rules": row.rules,
                    }
                    for row in rows
                ],
            }
        )
    return {"frameworks": frameworks}


def _named(item) -> str:
    """ "Name [id]", or the bare ID when the item has no name of its own."""
    return f"{item.name} [{item.id}]" if item.name and item.name != item.id else item.id


def build_inventory(report: ReportContext) -> dict[str, Any]:
    """Plain strings per cell: fewer boxes per row keeps large inventories fast to lay out."""
    system = report.system
    graph = report.graph
    rows = len(system.elements) + len(system.flows) + len(system.keys)
    if rows > INVENTORY_ROWS:
        return _inventory_summary(report)
    boundary_names = {b.id: b.name or b.id for b in system.boundaries}
    elements = []
    for e in system.elements:
        at_rest = NONE
        if e.is_store:
            at_rest = e.encryption or "not stated"
            if e.key:
                at_rest += f", key {report.label(e.key)}"
            held = graph.held_at_rest(e.id)
            if held:
                at_rest += "; holds " + ", ".join(report.label(d) for d in held)
        elements.append(
            {
                "label": _named(e),
                "kind": e.kind + (f" · {e.technology}" if e.technology else ""),
                "boundary": boundary_names.get(e.boundary or "", "none"),
                "at_rest": at_rest,
                "is_store": e.is_store,
                "notes": e.description,
            }
        )
    flows = []
    for f in system.flows:
        protocol = f.protocol or "not stated"
        css = "enc" if f.encrypted else "plain"
        if f.tls and f.tls.min_version:
            protocol += f", TLS {f.tls.min_version}+"
        if f.encrypted and f.tls and (f.tls.min_version in WEAK_TLS or f.tls.weak_ciphers):
            # Encrypted, but not in a way an auditor accepts: not the colour of a good hop.
            protocol += ", weak ciphers" if f.tls.weak_ciphers else " (weak)"
            css = "weak"
        flows.append(
            {
                "label": _named(f),
                "ends": f"{report.label(f.source)} → {report.label(f.target)}",
                "protocol": protocol,
                "css": css,
                "data": ", ".join(report.label(d) for d in f.data or ()) or NONE,
                "auth": f.auth or NONE,
                "notes": f.description,
            }
        )
    keys = []
    for k in system.keys:
        rotation = f"every {k.rotation_days} d" if k.rotation_days else "never"
        if k.last_rotated:
            rotation += f", last {k.last_rotated.isoformat()}"
        if k.compromised_on:
            rotation += f"; compromised {k.compromised_on.isoformat()}"
        custody = k.custody or "not stated"
        if k.held_by:
            custody += f", in {report.label(k.held_by)}"
        keys.append(
            {
                "label": _named(k),
                "type": k.type,
                "custody": custody,
                "rotation": rotation,
                "css": "plain" if k.compromised_on else "",
                "wraps": ", ".join(report.label(w) for w in k.wraps) or NONE,
                "blast_radius": graph.blast_radius(k.id),
                "notes": k.description,
            }
        )
    return {
        # Tables cost about 1 ms per cell to lay out; large inventories use one line each.
        "compact": len(elements) + len(flows) > COMPACT_INVENTORY,
        "elements": elements,
        "element_notes": any(e.description for e in system.elements),
        "flows": flows,
        "flow_notes": any(f.description for f in system.flows),
        "data_notes": any(d.description for d in system.data),
        "key_notes": any(k.description for k in system.keys),
        "boundary_notes": any(b.description for b in system.boundaries),
        "data": [
            {
                "label": _named(d),
                "classification": d.classification,
                "tags": ", ".join(d.tags) or NONE,
                "sensitivity": d.sensitivity,
                "notes": d.description,
            }
            for d in system.data
        ],
        "keys": keys,
        "boundaries": [
            {
                "label": _named(b),
                "kind": b.kind,
                "parent": boundary_names.get(b.parent, b.parent) if b.parent else NONE,
                "env": b.env or NONE,
                "mesh": b.mesh or NONE,
                "notes": b.description,
            }
            for b in system.boundaries
        ],
    }


def _inventory_summary(report: ReportContext) -> dict[str, Any]:
    """Counts by kind instead of thousands of lines; every row is in the attached CSV."""
    system = report.system

    def by(values: Iterable[str]) -> str:
        counts: dict[str, int] = {}
        for value in values:
            counts[value] = counts.get(value, 0) + 1
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return ", ".join(f"{count:,} {value}" for value, count in ranked)

    return {
        "summary": True,
        "attachment": INVENTORY_CSV,
        "counts": [
            ("Elements", len(system.elements), by(e.kind for e in system.elements)),
            ("Flows", len(system.flows), by(f.protocol or "not stated" for f in system.flows)),
            ("Keys", len(system.keys), by(k.type for k in system.keys)),
            ("Data classes", len(system.data), by(d.classification for d in system.data)),
            ("Trust boundaries", len(system.boundaries), by(b.kind for b in system.boundaries)),
        ],
    }


def build_rules(report: ReportContext) -> dict[str, Any]:
    return {"rules": report.rules, "version": report.engine_version}


DEFAULT_SECTIONS: tuple[Section, ...] = (
    Section("summary", "Executive summary", "report/sections/summary.html", build_summary),
    Section(
        "diagram",
        "Architecture diagram",
        "report/sections/diagram.html",
        build_diagram,
        page="landscape",
    ),
    Section("plan", "Remediation plan", "report/sections/plan.html", build_plan),
    Section("findings", "Findings", "report/sections/findings.html", build_findings),
    Section("compliance", "Compliance matrix", "report/sections/compliance.html", build_compliance),
    Section(
        "crypto",
        "Cryptographic inventory",
        "report/sections/crypto_inventory.html",
        build_crypto_inventory,
    ),
    Section(
        "inventory", "Appendix A: inventory", "report/sections/inventory.html", build_inventory
    ),
    Section("rules", "Appendix B: rules checked", "report/sections/rules.html", build_rules),
)


def arrange_sections(extra: Sequence[Section] = ()) -> list[Section]:
    """The default sections with `extra` placed after their `after` section (or last)."""
    sections = list(DEFAULT_SECTIONS)
    for section in extra:
        ids = [s.id for s in sections]
        position = ids.index(section.after) + 1 if section.after in ids else len(sections)
        sections.insert(position, section)
    return sections


# -- rendering ------------------------------------------------------------------------


def build_report(
    *,
    system_name: str,
    revision: int | None,
    model: System | dict[str, Any] | str | bytes,
    analysis=None,
    authors: Sequence[str] = (),
    date: dt.date | None = None,
) -> ReportContext:
    system = model if isinstance(model, System) else threatmodel.load(model)
    if analysis is None:
        analysis = threatmodel.analyze(system)
    report = ReportContext(
        system_name=system_name or system.name,
        revision=revision,
        system=system,
        analysis=analysis,
        authors=[a for a in authors if a],
        date=date or dt.date.today(),
        model_hash=model_hash(system),
        engine_version=threatmodel.__version__,
        rules=_rule_rows(),
        graph=SystemGraph(system, system.policy),
    )
    report.numbers = {f.fingerprint: i for i, f in enumerate(analysis.findings, start=1)}
    report.attachments = {
        FINDINGS_CSV: (findings_csv(analysis), "Every finding of this report, one per row"),
        ANALYSIS_JSON: (
            analysis_json(analysis, report.model_hash),
            "The engine's complete analysis: findings, remediation plan and metrics",
        ),
        INVENTORY_CSV: (inventory_csv(system), "Every element, flow and key of the model"),
    }
    return report


def render_report_html(report: ReportContext, extra_sections: Sequence[Section] = ()) -> str:
    sections = []
    for section in arrange_sections(extra_sections):
        data = section.build(report) if section.build else None
        if section.build and data is None:
            continue
        sections.append(
            RenderedSection(section.id, section.title, section.template, data, section.page)
        )
    return render_to_string("report/report.html", {"report": report, "sections": sections})


@dataclass(frozen=True)
class PreparedReport:
    """A report ready for WeasyPrint: plain data, so it can travel to a child process."""

    html: str
    generated: dict[str, bytes]  # images made for this report (the diagram's pages)
    attachments: dict[str, tuple[str, str]]  # file name -> (content, description)


def prepare_report(
    *,
    system_name: str,
    revision: int | None,
    model: System | dict[str, Any] | str | bytes,
    analysis=None,
    authors: Sequence[str] = (),
    date: dt.date | None = None,
    extra_sections: Sequence[Section] = (),
    progress: Progress | None = None,
) -> PreparedReport:
    """Analysis, diagram and HTML: the bounded part of a render (every section caps what
    it lists); the layout of that HTML is what grows with the model."""
    note = progress or (lambda _message: None)
    note("Analysing the model")
    report = build_report(
        system_name=system_name,
        revision=revision,
        model=model,
        analysis=analysis,
        authors=authors,
        date=date,
    )
    note("Drawing the diagram and tables")
    html = render_report_html(report, extra_sections)
    return PreparedReport(html, dict(report.generated), dict(report.attachments))


def write_report_pdf(
    prepared: PreparedReport,
    progress: Progress | None = None,
    url_fetcher: StaticOnlyFetcher | None = None,
) -> bytes:
    """The PDF of a prepared report: WeasyPrint's layout and output."""
    # Imported late: WeasyPrint loads Pango, slow for the commands that never render.
    from weasyprint import HTML, Attachment

    note = progress or (lambda _message: None)
    note("Laying out the pages")
    fetcher = url_fetcher or StaticOnlyFetcher()
    fetcher.generated.update(prepared.generated)
    document = HTML(string=prepared.html, base_url=static_base_url(), url_fetcher=fetcher).render()
    note(f"Writing {len(document.pages)} pages")
    attachments = [
        # The fetcher is passed so that WeasyPrint does not build a default one (with an
        # SSL context, 50 ms) per attachment.
        Attachment(string=content, name=name, description=description, url_fetcher=fetcher)
        for name, (content, description) in prepared.attachments.items()
    ]
    # pdf_tags: a tagged PDF (headings, tables, reading order) for screen readers.
    return document.write_pdf(attachments=attachments, pdf_tags=True)


def render_report_pdf(
    *,
    system_name: str,
    revision: int | None,
    model: System | dict[str, Any] | str | bytes,
    analysis=None,
    authors: Sequence[str] = (),
    date: dt.date | None = None,
    extra_sections: Sequence[Section] = (),
    progress: Progress | None = None,
    url_fetcher: StaticOnlyFetcher | None = None,
) -> bytes:
    """The PDF report of one revision of a system."""
    prepared = prepare_report(
        system_name=system_name,
        revision=revision,
        model=model,
        analysis=analysis,
        authors=authors,
        date=date,
        extra_sections=extra_sections,
        progress=progress,
    )
    return write_report_pdf(prepared, progress, url_fetcher)
