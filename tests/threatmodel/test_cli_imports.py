"""The CLI imports what a command uses: a CI gate's `check --format json` starts without
the importers, exporters, decisions and other writers (docs/MODEL.md "Scale")."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "saas-docs.yaml"

NOT_FOR_A_JSON_CHECK = (
    "threatmodel.decisions",
    "threatmodel.formats.otm",
    "threatmodel.formats.sarif",
    "threatmodel.formats.terraform",
    "threatmodel.formats.text",
    "threatmodel.formats.threagile",
    "threatmodel.formats.threatdragon",
    "threatmodel.inventory",
)


def modules_after(*args: str) -> set[str]:
    """The engine's modules a fresh interpreter holds after running the CLI with args."""
    script = (
        "import contextlib, io, json, sys\n"
        "from threatmodel.__main__ import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main({list(args)!r})\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('threatmodel'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(json.loads(result.stdout.splitlines()[-1]))


def test_a_json_check_of_a_ciphermap_file_imports_no_importer_exporter_or_other_writer():
    loaded = modules_after("check", str(SEED), "--format", "json", "--fail-on", "none")
    assert "threatmodel.analysis" in loaded
    assert loaded.isdisjoint(NOT_FOR_A_JSON_CHECK)


def test_a_sarif_check_imports_the_sarif_writer_it_needs():
    loaded = modules_after("check", str(SEED), "--format", "sarif", "--fail-on", "none")
    assert "threatmodel.formats.sarif" in loaded
    assert "threatmodel.formats.terraform" not in loaded
