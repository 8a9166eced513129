"""The clean-system report, the compliance mapping and extra sections."""

from __future__ import annotations

import copy

import pytest

import threatmodel
from reviews.report.compliance import (
    ADDRESSABLE_GAP,
    NO_FINDING,
    REQUIRED_GAP,
    Control,
    compliance_matrix,
    framework_notes,
    parse_reference,
)
from reviews.report.render import (
    DEFAULT_SECTIONS,
    Section,
    arrange_sections,
    build_report,
    render_report_html,
    render_report_pdf,
)
from tests.reviews.report_fixtures import (
    CLEAN,
    SMALL_DOCUMENT,
    ink_per_page,
    outline_titles,
    pdf_pages_text,
)


@pytest.fixture(scope="module")
def clean():
    source = CLEAN if CLEAN.exists() else None
    if source is None:
        pytest.skip("examples/clinic-well-kept.yaml is not there")
    system = threatmodel.load(source)
    analysis = threatmodel.analyze(system)
    assert analysis.findings == (), "the clean example is expected to have no findings"
    pdf = render_report_pdf(system_name=system.name, revision=2, model=system, analysis=analysis)
    return system, pdf, pdf_pages_text(pdf)


def test_a_clean_system_gets_a_short_report(clean):
    _, pdf, pages = clean
    assert len(pages) <= 12  # 11, plus the cryptographic inventory (PCI DSS 3.6.1.1)
    assert min(ink_per_page(pdf)) > 20


def test_a_clean_report_says_what_was_checked(clean):
    system, _, pages = clean
    text = " ".join(pages)
    assert "No findings." in text
    assert f"checked against all {len(threatmodel.RULES)} rules" in text
    assert f"{len(system.elements)} elements" in text
    assert "0 in 0 remediation items" in pages[0]


def test_a_clean_report_has_no_empty_plan_or_findings_sections(clean):
    _, pdf, pages = clean
    titles = outline_titles(pdf)
    assert "Remediation plan" not in titles
    assert "Findings" not in titles
    assert "Compliance matrix" in titles
    assert NO_FINDING in " ".join(pages)


@pytest.mark.parametrize(
    ("reference", "controls"),
    [
        ("CWE-319", []),
        ("ASVS 4.0.3 9.1.1, 9.2.2", []),
        ("SOC 2 CC6.7", [("SOC 2", "CC6.7")]),
        ("SOC 2 A1.2 with CC6.1", [("SOC 2", "A1.2"), ("SOC 2", "CC6.1")]),
        ("GDPR 32(1)(a)", [("GDPR", "32(1)(a)")]),
        (
            "HIPAA 164.312(e)(1), (e)(2)(ii) (addressable)",
            [("HIPAA", "164.312(e)(1)"), ("HIPAA", "164.312(e)(2)(ii)")],
        ),
        (
            "HIPAA 164.308(a)(7)(ii)(A), 164.312(a)(2)(iv)",
            [("HIPAA", "164.308(a)(7)(ii)(A)"), ("HIPAA", "164.312(a)(2)(iv)")],
        ),
        ("PCI DSS 4.2.1, 4.2.1.1", [("PCI DSS", "4.2.1"), ("PCI DSS", "4.2.1.1")]),
    ],
)
def test_references_are_split_into_framework_controls(reference, controls):
    assert parse_reference(reference) == [Control(f, c) for f, c in controls]


def test_every_framework_control_in_the_catalog_has_a_title():
    controls = {
        control
        for rule in threatmodel.RULES
        for reference in rule["references"]
        for control in parse_reference(reference)
    }
    assert {c.framework for c in controls} == {"SOC 2", "GDPR", "HIPAA", "PCI DSS"}
    assert [c for c in controls if not c.title] == []


def test_hipaa_encryption_gaps_are_worded_as_addressable_not_as_violations():
    system = threatmodel.load(SMALL_DOCUMENT)
    analysis = threatmodel.analyze(system)
    matrix = compliance_matrix(analysis.findings, threatmodel.RULES)
    hipaa = {row.control.control: row for row in matrix["HIPAA"]}
    in_transit = hipaa["164.312(e)(2)(ii)"]
    assert in_transit.findings, "the plaintext postgres hop is a finding"
    assert in_transit.status == ADDRESSABLE_GAP
    assert hipaa["164.312(e)(1)"].status == REQUIRED_GAP
    assert all("violat" not in row.status.lower() for row in matrix["HIPAA"])


def test_a_control_lists_the_numbers_of_its_findings():
    system = threatmodel.load(SMALL_DOCUMENT)
    analysis = threatmodel.analyze(system)
    matrix = compliance_matrix(analysis.findings, threatmodel.RULES)
    rows = {row.control.control: row for row in matrix["PCI DSS"]}
    numbers = [
        n
        for n, f in enumerate(analysis.findings, start=1)
        if any(Control("PCI DSS", "4.2.1") in parse_reference(r) for r in f.references)
    ]
    assert numbers
    assert rows["4.2.1"].findings == numbers


def test_extra_sections_go_after_the_section_they_name():
    decisions = Section("decisions", "Review decisions", "report/sections/rules.html", None, "plan")
    ids = [s.id for s in arrange_sections([decisions])]
    assert ids.index("decisions") == ids.index("plan") + 1
    assert len(ids) == len(DEFAULT_SECTIONS) + 1


def test_an_extra_section_renders_with_its_data_and_a_toc_entry():
    system = threatmodel.load(SMALL_DOCUMENT)
    report = build_report(system_name="Shop", revision=1, model=system)
    extra = Section(
        "rules-again",
        "Review decisions",
        "report/sections/rules.html",
        lambda r: {"rules": r.rules[:1], "version": "test-version"},
        after="findings",
    )
    html = render_report_html(report, [extra])
    assert '<a href="#rules-again">Review decisions</a>' in html
    assert "engine test-version" in html
    assert (
        html.index('id="findings"') < html.index('id="rules-again"') < html.index('id="compliance"')
    )


def test_an_empty_model_says_there_is_nothing_to_check():
    html = render_report_html(
        build_report(
            system_name="Empty",
            revision=1,
            model={"format": "ciphermap/1", "name": "Empty"},
        )
    )
    assert "The model has no elements yet: there is nothing for the rules to check." in html
    assert "What a clean result means" not in html
    assert "The model has no elements yet." in html  # the diagram section


def test_a_framework_without_its_regulated_data_claims_no_gap():
    system = threatmodel.load(SMALL_DOCUMENT)  # card (pan) and profile (pii), no phi
    analysis = threatmodel.analyze(system)
    notes = framework_notes(system)
    assert set(notes) == {"HIPAA"}
    matrix = compliance_matrix(analysis.findings, threatmodel.RULES, out_of_scope=notes)
    hipaa = {row.control.control: row for row in matrix["HIPAA"]}
    assert hipaa["164.312(e)(2)(ii)"].findings
    assert hipaa["164.312(e)(2)(ii)"].status == "Out of scope: the model holds no phi data"
    pci = {row.control.control: row for row in matrix["PCI DSS"]}
    assert pci["4.2.1"].status == "Gap: see findings"


def test_the_report_words_hipaa_encryption_gaps_of_phi_as_addressable():
    doc = copy.deepcopy(SMALL_DOCUMENT)
    doc["data"].append({"id": "health", "classification": "restricted", "tags": ["phi"]})
    doc["flows"][1]["data"] = ["card", "health"]
    html = render_report_html(build_report(system_name="Clinic", revision=1, model=doc))
    assert "Addressable: not implemented, and no documented equivalent in the model" in html
    assert "Out of scope" not in html.split('id="compliance-hipaa"')[1].split("</table>")[0]
