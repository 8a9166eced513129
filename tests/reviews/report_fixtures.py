"""Shared helpers for the report tests: model documents, rendering, PDF text and pixels."""

from __future__ import annotations

import copy
import io
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

import threatmodel

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "saas-docs.yaml"
CLEAN = ROOT / "examples" / "clinic-well-kept.yaml"

# What an attacker would type into every free-text field of a model.
PAYLOADS = (
    '<img src="file:///etc/passwd">',
    '<link rel=stylesheet href="http://169.254.169.254/">',
    "<style>body{background:url(http://169.254.169.254/)}</style>",
    '<svg onload="alert(1)"><image href="file:///etc/shadow"/></svg>',
    "<b>bold</b> &amp; <script>alert(2)</script>",
)
HOSTILE = " ".join(PAYLOADS)

SMALL_DOCUMENT: dict[str, Any] = {
    "format": "ciphermap/1",
    "name": "Web shop",
    "description": "Card payments for the shop.",
    "policy": {"today": "2026-11-28"},
    "data": [
        {"id": "card", "name": "Cardholder data", "classification": "restricted", "tags": ["pan"]},
        {"id": "profile", "name": "Profiles", "classification": "confidential", "tags": ["pii"]},
    ],
    "boundaries": [
        {"id": "internet", "name": "Internet", "kind": "internet"},
        {"id": "vpc", "name": "Production VPC", "kind": "internal", "env": "prod"},
    ],
    "keys": [
        {"id": "db-key", "name": "Database key", "type": "dek", "custody": "env-var"},
    ],
    "elements": [
        {"id": "browser", "kind": "client", "name": "Customer browser", "boundary": "internet"},
        {
            "id": "api",
            "kind": "service",
            "name": "Orders API",
            "technology": "Django",
            "boundary": "vpc",
            "internet_facing": True,
        },
        {
            "id": "orders-db",
            "kind": "database",
            "name": "Orders database",
            "technology": "PostgreSQL",
            "boundary": "vpc",
            "stores": ["card", "profile"],
            "encryption": "tde-cmk",
            "key": "db-key",
        },
        {
            "id": "orders-backup",
            "kind": "backup",
            "name": "Nightly backup",
            "backup_of": "orders-db",
            "boundary": "vpc",
            "encryption": "none",
        },
    ],
    "flows": [
        {
            "id": "checkout",
            "name": "Checkout",
            "from": "browser",
            "to": "api",
            "protocol": "https",
            "data": ["card"],
            "auth": "session",
        },
        {"id": "save", "from": "api", "to": "orders-db", "protocol": "postgres", "data": ["card"]},
    ],
}


def hostile_document() -> dict[str, Any]:
    """SMALL_DOCUMENT with the payloads in every free-text field: all of them in every
    description, one per name and technology (names are limited to 200 characters)."""
    doc = copy.deepcopy(SMALL_DOCUMENT)
    doc["name"] = f"Shop {PAYLOADS[0]} {PAYLOADS[4]}"
    doc["description"] = HOSTILE
    count = 0
    for section in ("data", "boundaries", "keys", "elements", "flows"):
        for item in doc[section]:
            item["name"] = f"{item['id']} {PAYLOADS[count % len(PAYLOADS)]}"
            item["description"] = HOSTILE
            count += 1
    for element in doc["elements"]:
        element["technology"] = PAYLOADS[count % len(PAYLOADS)]
        count += 1
    return doc


def seed_source() -> Path | dict[str, Any]:
    return SEED if SEED.exists() else SMALL_DOCUMENT


def normalized(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def pdf_pages_text(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return [normalized(page.extract_text() or "") for page in reader.pages]


def outline_titles(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    titles: list[str] = []

    def walk(items) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    return titles


def ink_per_page(pdf: bytes, dpi: int = 20) -> list[int]:
    """Dark pixels in the body of each page (running headers and footers left out), from
    `pdftoppm -gray` PGM output: 0 means a page with nothing on it but its page number.

    Needs Debian's poppler-utils; CI installs it and must not skip."""
    if shutil.which("pdftoppm") is None and not os.environ.get("CI"):
        pytest.skip("pdftoppm is not installed (apt-get install poppler-utils)")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "report.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-gray", "-r", str(dpi), str(source), str(Path(tmp) / "page")],
            check=True,
            capture_output=True,
        )
        counts = []
        margin = round(17 / 25.4 * dpi)  # the 20 mm page margins hold header and footer
        for page in sorted(Path(tmp).glob("page-*.pgm")):
            width, height, pixels = _pgm(page.read_bytes())
            body = pixels[margin * width : (height - margin) * width]
            counts.append(sum(1 for byte in body if byte < 200))
        return counts


def _pgm(data: bytes) -> tuple[int, int, bytes]:
    """Width, height and pixel bytes of a binary PGM (P5) image with maxval < 256."""
    fields: list[bytes] = []
    position = 0
    while len(fields) < 4:
        match = re.compile(rb"\s*(#[^\n]*\n\s*)*(\S+)").match(data, position)
        assert match is not None
        fields.append(match.group(2))
        position = match.end()
    assert fields[0] == b"P5", fields[0]
    width, height = int(fields[1]), int(fields[2])
    return width, height, data[position + 1 : position + 1 + width * height]


def load_and_analyze(source):
    system = threatmodel.load(source)
    return system, threatmodel.analyze(system)
