"""The PDF report of the seed example, read back as text, outline and pixels."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re

import pytest
from pypdf import PdfReader

import threatmodel
from reviews.report.render import canonical_json, render_report_pdf
from tests.reviews.report_fixtures import (
    ink_per_page,
    load_and_analyze,
    normalized,
    outline_titles,
    pdf_pages_text,
    seed_source,
)

SECTION_TITLES = [
    "Executive summary",
    "Architecture diagram",
    "Remediation plan",
    "Findings",
    "Compliance matrix",
    "Appendix A: inventory",
    "Appendix B: rules checked",
]


@pytest.fixture(scope="module")
def seed():
    system, analysis = load_and_analyze(seed_source())
    pdf = render_report_pdf(
        system_name=system.name,
        revision=7,
        model=system,
        analysis=analysis,
        authors=["Ada Auditor", "Bo Builder"],
        date=dt.date(2026, 11, 28),
    )
    pages = pdf_pages_text(pdf)
    return {"system": system, "analysis": analysis, "pdf": pdf, "pages": pages}


def _from(pages: list[str], marker: str) -> str:
    """The text from the first page containing `marker` to the end."""
    for index, text in enumerate(pages):
        if marker in text:
            return " ".join(pages[index:])
    raise AssertionError(f"{marker!r} not found")


def _in_order(text: str, needles: list[str]) -> None:
    position = -1
    for needle in needles:
        found = text.find(needle, position + 1)
        assert found > position, f"{needle!r} missing or out of order"
        position = found


def test_it_is_a_pdf_with_several_pages(seed):
    assert seed["pdf"].startswith(b"%PDF-")
    assert len(seed["pages"]) >= 6


def test_the_cover_names_system_revision_date_authors_and_model_hash(seed):
    cover = seed["pages"][0]
    expected_hash = hashlib.sha256(canonical_json(seed["system"]).encode()).hexdigest()
    assert seed["system"].name in cover
    assert "Revision 7" in cover
    assert "28 November 2026" in cover
    assert "Ada Auditor, Bo Builder" in cover
    assert expected_hash in cover


def test_findings_are_listed_in_priority_order(seed):
    findings = seed["analysis"].findings
    assert len(findings) >= 3
    text = _from(seed["pages"], "Every finding in priority order")
    needles = [normalized(f"F{n}. {f.title}") for n, f in enumerate(findings, start=1)]
    _in_order(text, needles)


def test_each_finding_shows_its_severity_steps_evidence_and_references(seed):
    text = _from(seed["pages"], "Every finding in priority order")
    first = seed["analysis"].findings[0]
    for part in (first.steps, first.evidence[:60], first.references[0], first.fingerprint):
        assert normalized(part) in text


def test_the_plan_lists_every_fix_in_priority_order_with_what_it_closes(seed):
    plan = seed["analysis"].plan
    text = _from(seed["pages"], "Fixes in priority order")
    _in_order(text, [normalized(item.title) for item in plan[:10]])
    closes = len(plan[0].findings)
    assert re.search(rf"{re.escape(normalized(plan[0].title))} {closes}: F\d+", text)


def test_the_compliance_matrix_covers_four_frameworks_with_hipaa_addressable_wording(seed):
    text = _from(seed["pages"], "Each control below is referenced")
    _in_order(text, ["SOC 2", "CC6.7", "GDPR", "Art. 32(1)(a)", "HIPAA", "PCI DSS", "4.2.1"])
    assert "§ 164.312(e)(2)(ii)" in text
    if any("phi" in data.tags for data in seed["system"].data):
        assert "Addressable: not implemented, and no documented equivalent in the model" in text
    else:  # HIPAA covers PHI only: rows are shown, no gap is claimed
        assert "Out of scope: the model holds no phi data" in text
        assert "Addressable: not implemented" not in text


def test_the_executive_summary_counts_findings_by_severity(seed):
    text = _from(seed["pages"], "Executive summary")
    total = len(seed["analysis"].findings)
    assert f"{total} findings across" in text
    assert "Encryption coverage" in text
    assert "Top risks" in text


def test_the_appendix_lists_the_inventory_and_the_rules_with_the_engine_version(seed):
    text = _from(seed["pages"], "Names as drawn")
    system = seed["system"]
    for element in system.elements[:5]:
        assert element.id in text
    # A long ID may wrap after one of its hyphens.
    rules_text = _from(seed["pages"], "The catalog of Ciphermap engine").replace("- ", "-")
    assert f"Ciphermap engine {threatmodel.__version__}" in rules_text
    for rule in threatmodel.RULES:
        rule_id = rule["id"] if isinstance(rule, dict) else rule.id
        assert rule_id in rules_text


def test_every_section_has_a_bookmark(seed):
    titles = outline_titles(seed["pdf"])
    for title in SECTION_TITLES:
        assert title in titles
    assert any(re.match(r"F1\. ", t.split(" ", 1)[-1]) or "F1. " in t for t in titles)


def test_pages_are_numbered_page_n_of_m(seed):
    total = len(seed["pages"])
    for number, text in enumerate(seed["pages"], start=1):
        assert f"Page {number} of {total}" in text


def test_the_table_of_contents_gives_the_page_each_section_starts_on(seed):
    contents = seed["pages"][1]
    assert "Contents" in contents
    for title in SECTION_TITLES:
        match = re.search(re.escape(title) + r"[ .]*?(\d+)\b", contents)
        assert match, title
        page = int(match.group(1))
        assert seed["pages"][page - 1].find(title) >= 0, (title, page)


def test_the_diagram_page_is_landscape(seed):
    reader = PdfReader(io.BytesIO(seed["pdf"]))
    index = next(i for i, t in enumerate(seed["pages"]) if "Drawn with" in t)
    box = reader.pages[index].mediabox
    assert box.width > box.height
    assert reader.pages[0].mediabox.width < reader.pages[0].mediabox.height


def test_no_page_is_blank(seed):
    ink = ink_per_page(seed["pdf"])
    assert len(ink) == len(seed["pages"])
    assert min(ink) > 20, ink
    diagram = next(i for i, t in enumerate(seed["pages"]) if "Drawn with" in t)
    assert ink[diagram] > 2 * min(ink)


def test_the_blank_page_check_sees_a_blank_page():
    from weasyprint import HTML

    pdf = HTML(
        string="<p>Some text on the first page.</p><p style='break-before: page'></p>"
    ).write_pdf()
    first, second = ink_per_page(pdf)
    assert first > 20
    assert second == 0
