"""The editor draws every element kind the format declares, and its scripts keep no copy
of the format's vocabulary: kinds and sections come from the page's json_script."""

from __future__ import annotations

import re
from pathlib import Path

from reviews import diagram_style
from threatmodel import schema

EDITOR_SCRIPTS = Path(__file__).resolve().parents[2] / "static" / "reviews"
# Pictures, not vocabulary: the icon of each kind, with a fallback for a kind it lacks.
PICTURES = {"editor-icons.js"}


def test_every_declared_element_kind_is_drawn_and_nothing_else():
    kinds = {choice.value for choice in schema.ELEMENT_KIND.choices}
    assert set(diagram_style.KINDS_DRAWN) == kinds
    for kind, drawing in diagram_style.KINDS_DRAWN.items():
        assert drawing["group"] in diagram_style.CANVAS["groups"], kind
        assert drawing["group"] in diagram_style.DARK["canvas"]["groups"], kind
        assert drawing["shape"], kind


def test_the_editor_gets_the_drawings_with_the_diagram_style():
    style = diagram_style.editor_style()
    assert style["kinds"] == diagram_style.KINDS_DRAWN
    assert style["canvas"]["groups"] == diagram_style.CANVAS["groups"]


def test_the_vocabulary_carries_what_the_editor_would_otherwise_copy():
    vocabulary = schema.vocabulary()
    assert vocabulary["boundary_kind_default"] == "internal"
    assert vocabulary["sections"]["elements"]["noun"] == "element"
    assert vocabulary["service_kinds"][0] == "service"


def test_the_editor_scripts_name_no_kind_and_no_section_map():
    values = [c.value for c in schema.ELEMENT_KIND.choices + schema.BOUNDARY_KIND.choices]
    alternatives = "|".join(map(re.escape, values))
    quoted = re.compile(r"""["'`](""" + alternatives + r""")["'`]""")
    as_key = re.compile(r"""^\s*["']?(""" + alternatives + r""")["']?\s*:""", re.M)
    section_map = re.compile(r"""element\s*:\s*["']elements["']""")
    found = []
    for script in sorted(EDITOR_SCRIPTS.glob("*.js")):
        if script.name in PICTURES:
            continue
        # `typeof x === "function"` is JavaScript, not the element kind.
        text = re.sub(r'typeof [\w.]+ [!=]== "function"', "", script.read_text())
        for pattern in (quoted, as_key, section_map):
            found += [f"{script.name}: {m.group(0).strip()}" for m in pattern.finditer(text)]
    assert found == []
