"""The PDF's layout as an auditor reads it: columns wide enough for their words, long text
kept inside the page, large reports kept proportional, and the complete lists attached."""

from __future__ import annotations

import copy
import csv
import io
import re

import pytest
from django.template.loader import render_to_string
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

import threatmodel
from reviews.report import render
from reviews.report.fetcher import StaticOnlyFetcher, static_base_url

from .report_fixtures import SMALL_DOCUMENT, pdf_pages_text, seed_source

# Where a line may break inside a word without the word being cut: after a hyphen or a
# slash, and between ")(" as in "164.308(a)(7)(ii)(A)".
UNIT = re.compile(r"\(?[^\s\-/(]+[\-/]*|[\-/(]+")


def _units(text: str) -> set[str]:
    return set(UNIT.findall(text.lower()))  # lower: headers and tags print upper-case


def _described(document: dict) -> dict:
    """The document with a long description on every item and an old TLS version."""
    doc = copy.deepcopy(document)
    prose = (
        "Replicates nightly to the disaster-recovery region through the transit gateway; "
        "operators reach it only through the bastion with hardware-backed credentials. "
    ) * 4
    for section in ("data", "boundaries", "keys", "elements", "flows"):
        for item in doc.get(section, []):
            item["description"] = prose
    doc["flows"][0]["tls"] = {"min_version": "1.0"}
    return doc


def _layout(report: render.ReportContext, section_ids: set[str] | None = None):
    """The laid-out pages of the report (all sections, or only those named)."""
    sections = []
    for section in render.arrange_sections():
        if section_ids is not None and section.id not in section_ids:
            continue
        data = section.build(report) if section.build else None
        if section.build and data is None:
            continue
        sections.append(
            render.RenderedSection(section.id, section.title, section.template, data, "")
        )
    html = render_to_string("report/report.html", {"report": report, "sections": sections})
    fetcher = StaticOnlyFetcher(report.generated)
    return HTML(string=html, base_url=static_base_url(), url_fetcher=fetcher).render()


def _cells(document):
    for page in document.pages:
        for box in page._page_box.descendants():
            if isinstance(box, boxes.TableCellBox):
                yield box


def _cut_words(document) -> list[tuple[str, str]]:
    """(fragment, cell text) for every word a table cell had to cut to fit its column."""
    cut = []
    for cell in _cells(document):
        source = _units(" ".join(cell.element.itertext()))
        for line in cell.descendants():
            if not isinstance(line, boxes.LineBox):
                continue
            text = "".join(t.text for t in line.descendants() if isinstance(t, boxes.TextBox))
            cut += [(unit, text) for unit in UNIT.findall(text.lower()) if unit not in source]
    return cut


def _overflowing(document) -> list[str]:
    """The text of every line that runs out of its table cell (it prints over the next)."""
    spilled = []
    for cell in _cells(document):
        right = cell.content_box_x() + cell.width + 0.5
        for line in cell.descendants():
            if isinstance(line, boxes.TextBox) and line.position_x + line.width > right:
                spilled.append(line.text)
    return spilled


@pytest.mark.parametrize("source", ["seed", "described"])
def test_no_text_runs_out_of_its_table_cell(source):
    # "Blast radius" printed past its 16 mm column while numbers did not wrap.
    document = seed_source() if source == "seed" else _described(SMALL_DOCUMENT)
    report = render.build_report(system_name="Layout", revision=1, model=document)
    assert _overflowing(_layout(report)) == []


@pytest.mark.parametrize("source", ["seed", "described"])
def test_no_table_column_is_narrower_than_its_longest_word(source):
    document = seed_source() if source == "seed" else _described(SMALL_DOCUMENT)
    report = render.build_report(system_name="Layout", revision=1, model=document)
    assert _cut_words(_layout(report)) == []


def test_the_column_check_sees_a_word_cut_by_a_narrow_column():
    document = HTML(
        string="<table style='table-layout: fixed; width: 60px'><tr>"
        "<td style='overflow-wrap: anywhere'>certificate</td></tr></table>"
    ).render()
    assert _cut_words(document)


def test_descriptions_print_under_their_row_not_in_a_narrow_column():
    report = render.build_report(system_name="Layout", revision=1, model=_described(SMALL_DOCUMENT))
    document = _layout(report, {"inventory"})
    notes = [c for c in _cells(document) if "Replicates nightly" in " ".join(c.element.itertext())]
    assert notes
    page_width = document.pages[0].width
    assert all(cell.width > page_width / 2 for cell in notes)


def test_a_word_longer_than_any_column_breaks_inside_the_page():
    doc = copy.deepcopy(SMALL_DOCUMENT)
    doc["elements"][1]["name"] = "x" * 200
    doc["elements"][1]["description"] = "y" * 2000
    report = render.build_report(system_name="Layout", revision=1, model=doc)
    document = _layout(report, {"summary", "findings", "inventory"})
    for page in document.pages:
        right = page.width - page._page_box.margin_right
        for box in page._page_box.descendants():
            if isinstance(box, boxes.TextBox):
                assert box.position_x + box.width <= right + 1, box.text[:40]


def test_the_keys_table_has_a_cell_under_every_header():
    report = render.build_report(system_name="Keys", revision=1, model=SMALL_DOCUMENT)
    html = render_to_string(
        "report/sections/inventory.html", {"data": render.build_inventory(report)}
    )
    keys_table = html.split('id="inventory-keys"')[1].split("</table>")[0]
    headers = len(re.findall(r"<th[ >]", keys_table.split("</thead>")[0]))
    first_row = keys_table.split("<tbody>")[1].split("</tr>")[0]
    assert headers == first_row.count("<td") == 6
    assert "Blast radius" not in keys_table and "Protects" in keys_table


def test_tls_below_1_2_is_not_coloured_as_a_good_hop():
    doc = copy.deepcopy(SMALL_DOCUMENT)
    doc["flows"][0]["tls"] = {"min_version": "1.0"}
    report = render.build_report(system_name="TLS", revision=1, model=doc)
    checkout = render.build_inventory(report)["flows"][0]
    assert checkout["css"] == "weak"
    assert checkout["protocol"] == "https, TLS 1.0+ (weak)"


def test_tls_1_2_is_coloured_as_encrypted():
    doc = copy.deepcopy(SMALL_DOCUMENT)
    doc["flows"][0]["tls"] = {"min_version": "1.2"}
    report = render.build_report(system_name="TLS", revision=1, model=doc)
    assert render.build_inventory(report)["flows"][0]["css"] == "enc"


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (-58, "the earliest expired on 2026-10-01, 58 days ago"),
        (0, "the next expires today (2026-10-01)"),
        (1, "next expiry 2026-10-01 (in 1 day)"),
    ],
)
def test_certificate_expiry_reads_as_past_or_future(days, text):
    certificates = {"next_expiry": "2026-10-01", "days_to_next_expiry": days}
    assert render._next_expiry_text(certificates) == text


def chain(n: int) -> dict:
    """A client and n services in a line, every hop in plaintext carrying card data."""
    return {
        "format": "ciphermap/1",
        "name": "Chain",
        "policy": {"today": "2026-11-28"},
        "data": [{"id": "card", "classification": "restricted", "tags": ["pan"]}],
        "boundaries": [{"id": "net", "kind": "internet"}, {"id": "vpc", "kind": "internal"}],
        "elements": [{"id": "client", "kind": "client", "boundary": "net"}]
        + [{"id": f"s{i}", "kind": "service", "boundary": "vpc"} for i in range(n)],
        "flows": [
            {"id": "f-in", "from": "client", "to": "s0", "protocol": "http", "data": ["card"]}
        ]
        + [
            {"id": f"f{i}", "from": f"s{i}", "to": f"s{i + 1}", "protocol": "http"}
            | {"data": ["card"]}
            for i in range(n - 1)
        ],
    }


@pytest.fixture(scope="module")
def bounded_pdf():
    """A 40-service chain rendered with small bounds, standing in for thousands."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render, "FINDINGS_IN_FULL", 5)
        patch.setattr(render, "PLAN_ROWS", 6)
        patch.setattr(render, "INVENTORY_ROWS", 30)
        patch.setattr(render, "DIAGRAM_ELEMENTS", 20)
        patch.setattr(render, "LIST_LIMIT", 8)
        system = threatmodel.load(chain(40))
        analysis = threatmodel.analyze(system)
        pdf = render.render_report_pdf(
            system_name="Chain", revision=3, model=system, analysis=analysis
        )
    return analysis, pdf


UNENCRYPTED_HOP_TITLE = next(
    rule["title"] for rule in render._rule_rows() if rule["id"] == "unencrypted-hop"
)


def test_past_the_threshold_findings_are_grouped_by_rule(bounded_pdf):
    analysis, pdf = bounded_pdf
    text = " ".join(pdf_pages_text(pdf))
    assert f"The 5 most important of {len(analysis.findings)} findings" in text
    assert "F5." in text and "F6." not in text
    assert "Further findings by rule" in text
    hops = sum(1 for f in analysis.findings[5:] if f.rule == "unencrypted-hop")
    assert f"{UNENCRYPTED_HOP_TITLE}: {hops} findings" in text


def test_a_long_path_prints_its_ends_and_counts_the_middle(bounded_pdf):
    analysis, pdf = bounded_pdf
    text = " ".join(pdf_pages_text(pdf))
    gap = next(f for f in analysis.findings if f.rule == "e2e-gap")
    assert len(gap.path) > 8
    assert f"… {len(gap.path) - 7} more …" in text


def test_the_plan_counts_the_fixes_it_does_not_table(bounded_pdf):
    analysis, pdf = bounded_pdf
    text = " ".join(pdf_pages_text(pdf))
    rest = analysis.plan[6:]
    closes = sum(len(item.findings) for item in rest)
    assert f"{len(rest)} further fixes, closing {closes} findings" in text


def test_a_large_inventory_is_counted_and_attached(bounded_pdf):
    _, pdf = bounded_pdf
    text = " ".join(pdf_pages_text(pdf))
    assert "too large to list here line by line" in text
    assert "too large to draw legibly" in text
    rows = list(csv.DictReader(io.StringIO(_attachment(pdf, "inventory.csv"))))
    assert len([r for r in rows if r["section"] == "element"]) == 41
    assert len([r for r in rows if r["section"] == "flow"]) == 40


def test_every_finding_is_attached_as_csv_and_json(bounded_pdf):
    analysis, pdf = bounded_pdf
    rows = list(csv.DictReader(io.StringIO(_attachment(pdf, "findings.csv"))))
    assert [r["fingerprint"] for r in rows] == [f.fingerprint for f in analysis.findings]
    assert '"model_sha256"' in _attachment(pdf, "analysis.json")


def test_attached_csv_cells_are_not_spreadsheet_formulas():
    doc = copy.deepcopy(SMALL_DOCUMENT)
    doc["elements"][1]["description"] = '=HYPERLINK("http://evil")'
    text = render.inventory_csv(threatmodel.load(doc))
    assert "'=HYPERLINK" in text


def test_the_pdf_is_tagged(bounded_pdf):
    _, pdf = bounded_pdf
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in root


def test_the_executive_summary_of_a_large_system_fits_one_page():
    report = render.build_report(system_name="Chain", revision=1, model=chain(300))
    document = _layout(report, {"summary"})
    assert len(document.pages) == 3  # cover, contents, summary


def _attachment(pdf: bytes, name: str) -> str:
    return PdfReader(io.BytesIO(pdf)).attachments[name][0].decode()
