"""What a system can be exported as, declared once for the CLI and the web downloads.

Each export renders text from a loaded system, its analysis and the decisions recorded on
its findings (fingerprint -> {state, justification, reason, owner, due, expires}, the
entries of a `ciphermap-decisions/1` file).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from . import __version__
from .analysis import Analysis
from .document import to_document
from .model import System

# Each render imports its format's module when it runs: the CLI's `check` reads this
# list for its help text and should not pay for every exporter.

__all__ = ["EXPORTS", "Export", "find_export"]

Decided = Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True)
class Export:
    id: str  # `python -m threatmodel export <id> FILE`; the web URL's name
    name: str
    suffix: str  # appended to the system's slug for the download's file name
    content_type: str
    render: Callable[[System, Analysis, Decided, str], str]  # (system, analysis, decided, uri)


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n"


def _otm(system: System, analysis: Analysis, decided: Decided, _uri: str) -> str:
    from .formats.otm import to_otm

    return _json(to_otm(to_document(system), analysis.to_dict()["findings"], decided))


def _findings_csv(system: System, analysis: Analysis, decided: Decided, _uri: str) -> str:
    from .formats.tables import findings_csv

    return findings_csv(analysis.to_dict()["findings"], decided)


def _findings_json(system: System, analysis: Analysis, decided: Decided, _uri: str) -> str:
    document = analysis.to_dict()
    if decided:
        for finding in document["findings"]:
            finding["decision"] = dict(decided.get(finding["fingerprint"], {"state": "open"}))
    return _json(document)


def _sarif(system: System, analysis: Analysis, _decided: Decided, uri: str) -> str:
    from .formats.sarif import to_sarif

    return _json(to_sarif(analysis, system, uri, __version__))


def _inventory_json(system: System, _analysis: Analysis, _decided: Decided, _uri: str) -> str:
    from .inventory import crypto_inventory

    return _json(crypto_inventory(system).to_dict())


def _inventory_csv(system: System, _analysis: Analysis, _decided: Decided, _uri: str) -> str:
    from .formats.tables import table_csv
    from .inventory import CSV_COLUMNS, crypto_inventory

    return table_csv(CSV_COLUMNS, crypto_inventory(system).csv_rows())


EXPORTS: tuple[Export, ...] = (
    Export("otm", "Open Threat Model (OTM 0.2)", ".otm.json", "application/json", _otm),
    Export("findings-csv", "Findings (CSV)", "-findings.csv", "text/csv", _findings_csv),
    Export(
        "findings-json", "Findings (JSON)", "-findings.json", "application/json", _findings_json
    ),
    Export("sarif", "Findings (SARIF 2.1.0)", ".sarif", "application/sarif+json", _sarif),
    Export(
        "crypto-inventory-csv",
        "Crypto inventory (CSV)",
        "-crypto-inventory.csv",
        "text/csv",
        _inventory_csv,
    ),
    Export(
        "crypto-inventory-json",
        "Crypto inventory (JSON)",
        "-crypto-inventory.json",
        "application/json",
        _inventory_json,
    ),
)


def find_export(export_id: str) -> Export | None:
    return next((e for e in EXPORTS if e.id == export_id), None)
