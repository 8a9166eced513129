"""The files attached to the PDF: the findings table is the findings export's, and the
inventory lists every element, flow and key whatever the model leaves unstated."""

from __future__ import annotations

import csv
import io

import threatmodel
from reviews.report.attachments import findings_csv, inventory_csv
from threatmodel.formats import tables

from .report_fixtures import SMALL_DOCUMENT


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_attached_findings_are_the_findings_export_numbered_as_in_the_report():
    model = threatmodel.load(SMALL_DOCUMENT)
    analysis = threatmodel.analyze(model)
    text = findings_csv(analysis)
    assert text == tables.findings_csv(analysis.to_dict()["findings"])
    rows = _rows(text)
    assert list(rows[0]) == list(tables.FINDING_COLUMNS)
    assert [r["number"] for r in rows] == [str(n) for n in range(1, len(rows) + 1)]
    assert [r["fingerprint"] for r in rows] == [f.fingerprint for f in analysis.findings]
    assert [r["plan_item"] for r in rows] == [f.plan_item or "" for f in analysis.findings]


def test_a_flow_that_does_not_say_what_data_it_carries_is_listed_in_the_inventory():
    model = threatmodel.load(
        {
            "name": "Unstated",
            "elements": [{"id": "a", "kind": "service"}, {"id": "b", "kind": "service"}],
            "flows": [{"id": "a-to-b", "from": "a", "to": "b", "protocol": "https"}],
        }
    )
    flows = [r for r in _rows(inventory_csv(model)) if r["section"] == "flow"]
    assert [(r["id"], r["detail"]) for r in flows] == [("a-to-b", "")]
