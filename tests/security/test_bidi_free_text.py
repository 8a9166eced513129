"""Text that reads as stored: every name and ID of the format refuses the controls that
reorder displayed text, at the field; descriptions and reasons keep them, and every page
and the PDF write them out (`⟨U+202E⟩`) through one template filter."""

from __future__ import annotations

import copy

import pytest
from django.template import Context, Template

import threatmodel
from reviews.report.render import render_report_pdf
from tests.conftest import client_for, make_system, sample_document
from tests.reviews.report_fixtures import SMALL_DOCUMENT, pdf_pages_text

OVERRIDE = "\u202e"
SHOWN = "\u27e8U+202E\u27e9"

# (section, index, field) of every name-like field of SMALL_DOCUMENT.
LABEL_FIELDS = [
    (None, None, "name"),
    ("data", 0, "name"),
    ("boundaries", 0, "name"),
    ("elements", 0, "name"),
    ("elements", 0, "technology"),
    ("flows", 0, "name"),
]


def _with(document: dict, section: str | None, index: int | None, field: str, value) -> dict:
    changed = copy.deepcopy(document)
    target = changed if section is None else changed[section][index]
    target[field] = value
    return changed


@pytest.mark.parametrize(("section", "index", "field"), LABEL_FIELDS)
def test_every_name_refuses_an_override_at_its_field(section, index, field):
    document = _with(SMALL_DOCUMENT, section, index, field, f"gpj{OVERRIDE}.exe")
    with pytest.raises(threatmodel.ModelError) as raised:
        threatmodel.load(document)
    [problem] = raised.value.problems
    where = field if section is None else f"{section}[{index}].{field}"
    assert problem.location == where
    assert "U+202E" in problem.message


@pytest.mark.parametrize("section", ["data", "boundaries", "elements", "flows"])
def test_every_id_refuses_an_override_at_its_field(section):
    document = _with(SMALL_DOCUMENT, section, 0, "id", f"a{OVERRIDE}b")
    with pytest.raises(threatmodel.ModelError) as raised:
        threatmodel.load(document)
    locations = {p.location for p in raised.value.problems}
    assert f"{section}[0].id" in locations
    assert any("U+202E" in p.message for p in raised.value.problems)


def test_a_description_keeps_the_control_as_stored():
    document = _with(SMALL_DOCUMENT, "elements", 0, "description", f"see {OVERRIDE}fdp.exe")
    system = threatmodel.load(document)
    assert system.elements[0].description == f"see {OVERRIDE}fdp.exe"


def test_the_filter_writes_each_control_out_and_still_escapes():
    template = Template("{% load text %}{{ value|visible_controls }}")
    shown = template.render(Context({"value": f"<b>{OVERRIDE}\u2066x\u2069</b>"}))
    assert shown == "&lt;b&gt;\u27e8U+202E\u27e9\u27e8U+2066\u27e9x\u27e8U+2069\u27e9&lt;/b&gt;"


def test_the_system_page_shows_the_control_in_a_description(owner, workspace):
    document = sample_document()
    document["description"] = f"Invoices as {OVERRIDE}fdp.exe"
    system = make_system(workspace, document, owner)
    page = client_for(owner).get(f"/systems/{system.pk}/").content.decode()
    assert f"Invoices as {SHOWN}fdp.exe" in page
    assert OVERRIDE not in page


def test_the_pdf_shows_the_control_in_descriptions_and_the_cover():
    document = copy.deepcopy(SMALL_DOCUMENT)
    document["description"] = f"Cover {OVERRIDE}fdp.exe"
    document["elements"][0]["description"] = f"Element {OVERRIDE}gpj.exe"
    document["flows"][0]["description"] = f"Flow {OVERRIDE}txt.exe"
    pdf = render_report_pdf(system_name="Web shop", revision=1, model=document)
    text = "\n".join(pdf_pages_text(pdf))
    assert f"Cover {SHOWN}fdp.exe" in text
    assert f"Element {SHOWN}gpj.exe" in text
    assert f"Flow {SHOWN}txt.exe" in text
    assert OVERRIDE not in text
