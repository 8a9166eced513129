"""Graphviz's own routes are clean, so the slow rerouting (neato -n2) is the exception.

dot with `newrank=true` ran hundreds of flows through elements on the boundary pages of a
300-element system, and rerouting them cost 11 s of a 40 s report; classic ranking
routes them all around the elements. The geometry tests check the drawn result; these
check that no flow needed the router.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import threatmodel
from examples.generate import generate_system
from reviews import layout
from reviews.layout import compute_layout, graphviz_available, scene_of
from reviews.report import diagram
from reviews.report.diagram import PART_DOT_LIMIT, diagram_pages

pytestmark = pytest.mark.skipif(not graphviz_available(), reason="Graphviz is not installed")

SEED = Path(__file__).resolve().parents[2] / "examples" / "saas-docs.yaml"


def _programs_run(monkeypatch) -> list[str]:
    programs: list[str] = []
    run = layout.run_graphviz

    def recording(program, source, *extra):
        programs.append(program)
        return run(program, source, *extra)

    monkeypatch.setattr(layout, "run_graphviz", recording)
    return programs


def test_dot_routes_every_flow_of_the_seed_example_around_the_elements():
    scene = scene_of(threatmodel.load(SEED))
    assert diagram._crossing_flows(compute_layout(scene), scene) == set()


def test_the_pages_of_a_large_system_need_no_rerouting(monkeypatch):
    system = threatmodel.load(generate_system(150))
    programs = _programs_run(monkeypatch)
    pages = diagram_pages(system)
    assert len(pages) > 3
    assert "neato" not in programs
    assert "osage" not in programs


def test_a_boundary_page_larger_than_the_editors_dot_limit_is_still_laid_out_by_dot():
    system = threatmodel.load(generate_system(300))
    scenes = [diagram._part_scene(system, focus) for _, focus in diagram._parts(system)]
    large = max(scenes, key=lambda scene: len(scene.nodes))
    assert layout.DOT_LIMIT < len(large.nodes) <= PART_DOT_LIMIT
    result = compute_layout(large, dot_limit=PART_DOT_LIMIT)
    assert result.engine == "dot"
    assert diagram._crossing_flows(result, large) == set()
