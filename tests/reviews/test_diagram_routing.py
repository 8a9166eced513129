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
from reviews.report.diagram import diagram_pages

pytestmark = pytest.mark.skipif(not graphviz_available(), reason="Graphviz is not installed")

SEED = Path(__file__).resolve().parents[2] / "examples" / "saas-docs.yaml"


def _graphviz_runs(monkeypatch) -> list[tuple[str, str]]:
    """(program, DOT source) of every Graphviz run from here on, as they happen."""
    runs: list[tuple[str, str]] = []
    run = layout.run_graphviz

    def recording(program, source, *extra):
        runs.append((program, source))
        return run(program, source, *extra)

    monkeypatch.setattr(layout, "run_graphviz", recording)
    return runs


def test_dot_routes_every_flow_of_the_seed_example_around_the_elements():
    scene = scene_of(threatmodel.load(SEED))
    assert diagram._crossing_flows(compute_layout(scene), scene) == set()


def test_the_pages_of_a_large_system_need_no_rerouting(monkeypatch):
    system = threatmodel.load(generate_system(150))
    runs = _graphviz_runs(monkeypatch)
    pages = diagram_pages(system)
    programs = [program for program, _ in runs]
    assert len(pages) > 3
    assert "neato" not in programs
    assert "osage" not in programs


def test_the_boundary_pages_of_a_300_element_system_print_at_a_readable_scale():
    # Its boundaries' members talk to about 60 elements elsewhere: drawn one by one, dot
    # stacked them into a column seven times taller than wide (0.09-0.17 of the page
    # size); with the stubs in dot's last rank, 0.27 for the internet's 24 clients (all
    # 45 of their flows go to 6 stubs, spread the page's width apart) and 0.36-0.60 for
    # the others; a page below 0.4 now also tries the last rank chained and loose: 0.54
    # for the internet, 0.36-0.60 for the others.
    system = threatmodel.load(generate_system(300))
    scales = {}
    for title, focus in diagram._parts(system):
        drawing = diagram._part_drawing(system, title, focus)
        assert drawing.layout.engine == "dot"
        assert diagram._crossing_flows(drawing.layout, drawing.scene) == set()
        scales[title] = layout._page_scale(drawing.layout)
    assert scales["internet"] >= 0.5
    assert min(scales.values()) >= 0.35
    assert sorted(scales.values())[len(scales) // 2] >= 0.45


def test_a_poor_page_tries_its_last_rank_three_ways_and_keeps_the_largest(monkeypatch):
    system = threatmodel.load(generate_system(300))
    title, focus = next(p for p in diagram._parts(system) if p[0] == "internet")
    run = layout.run_graphviz
    runs = _graphviz_runs(monkeypatch)
    drawing = diagram._part_drawing(system, title, focus)
    sources = [source for _, source in runs]
    assert len(sources) == 4  # sink both ways, then chain and loose left to right
    assert sum("constraint=false" in s for s in sources) == 1
    assert sum("style=invis, weight=10" in s for s in sources) == 1
    scene = drawing.scene
    best = max(layout._page_scale(layout._read(run("dot", s), scene, "dot", True)) for s in sources)
    assert layout._page_scale(drawing.layout) == pytest.approx(best)


def test_a_readable_page_runs_dot_only_twice(monkeypatch):
    system = threatmodel.load(generate_system(300))
    title, focus = next(p for p in diagram._parts(system) if p[0] == "vendors")
    runs = _graphviz_runs(monkeypatch)
    diagram._part_drawing(system, title, focus)
    assert [program for program, _ in runs] == ["dot", "dot"]


def test_a_boundary_page_counts_the_flows_to_each_other_boundary():
    system = threatmodel.load(generate_system(300))
    title, focus = diagram._parts(system)[0]
    drawing = diagram._part_drawing(system, title, focus)
    touching = {f.id for f in system.flows if f.source in focus or f.target in focus}
    drawn = {flow_id for flow_id, _, _ in drawing.scene.edges if flow_id in touching}
    counted = {f.id for flows in drawing.pair_flows.values() for f in flows}
    assert drawn | counted == touching and not drawn & counted
    assert set(drawing.scene.nodes) - focus == set(drawing.group_nodes)
    assert all(node.startswith("group:") for node in drawing.group_nodes)
