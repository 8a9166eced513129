"""The complete lists a large report only summarises, as files embedded in the PDF.

A report of thousands of findings prints the worst in full and groups the rest by rule;
the auditor still gets every finding, plan item and inventory row, as CSV (spreadsheets)
and JSON (scripts), attached to the PDF itself so the evidence travels as one file. The
findings table is the findings export's (`threatmodel.formats.tables`), numbered as the
report numbers them.
"""

from __future__ import annotations

import json

from threatmodel.analysis import Analysis
from threatmodel.formats import tables
from threatmodel.model import System


def findings_csv(analysis: Analysis) -> str:
    return tables.findings_csv(analysis.to_dict()["findings"])


def analysis_json(analysis: Analysis, model_hash: str) -> str:
    """Every finding and plan item, as the engine reports them, with the model's hash."""
    document = {"model_sha256": model_hash, **analysis.to_dict()}
    return json.dumps(document, indent=1, ensure_ascii=False, sort_keys=True, default=str)


def inventory_csv(system: System) -> str:
    rows = [
        {
            "section": "element",
            "id": e.id,
            "name": e.name,
            "kind": e.kind,
            "boundary": e.boundary or "",
            "detail": e.encryption or "" if e.is_store else "",
            "description": e.description,
        }
        for e in system.elements
    ]
    rows += [
        {
            "section": "flow",
            "id": f.id,
            "name": f.name,
            "kind": f.protocol or "",
            "boundary": f"{f.source} > {f.target}",
            "detail": " ".join(f.data or ()),  # data unstated: nothing to list
            "description": f.description,
        }
        for f in system.flows
    ]
    rows += [
        {
            "section": "key",
            "id": k.id,
            "name": k.name,
            "kind": k.type,
            "boundary": k.held_by or "",
            "detail": k.custody or "",
            "description": k.description,
        }
        for k in system.keys
    ]
    header = ("section", "id", "name", "kind", "boundary", "detail", "description")
    return tables.table_csv(header, rows)
