"""The engine never imports Django: the CLI and CI pipelines run it without the web app."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "threatmodel"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_engine_module_imports_django():
    sources = sorted(ENGINE.rglob("*.py"))
    assert len(sources) > 5
    offenders = {
        str(path.relative_to(ENGINE)): sorted(
            name for name in imported_modules(path) if name.split(".")[0] == "django"
        )
        for path in sources
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_importing_the_engine_loads_no_django():
    code = (
        "import sys, threatmodel, threatmodel.formats, threatmodel.document; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ENGINE.parent,
    )
    assert result.stdout.strip() == "[]"
