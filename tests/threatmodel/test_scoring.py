"""Severity steps, their printed arithmetic, and finding weights (RULES.md "Severity")."""

from __future__ import annotations

import pytest

from threatmodel.scoring import Steps, priority, rank, weight

# -- the arithmetic ---------------------------------------------------------------------


def test_a_base_without_steps_prints_just_the_base():
    steps = Steps("high")

    assert steps.severity == "high"
    assert steps.text == "high"


def test_a_base_chosen_by_case_prints_its_basis():
    assert Steps("medium", basis="no forward secrecy").text == "medium (no forward secrecy)"


def test_steps_add_up_and_print_in_order():
    steps = Steps("medium").step(+1, "PAN data").step(+1, "internet")

    assert steps.severity == "critical"
    assert steps.text == "medium, +1 PAN data, +1 internet -> critical"


def test_the_basis_prints_before_the_steps():
    steps = Steps("medium", basis="expiring").step(-1, "inside one boundary")

    assert steps.text == "medium (expiring), -1 inside one boundary -> low"


def test_a_zero_step_is_not_recorded():
    steps = Steps("high").step(0, "nothing")

    assert steps.steps == []
    assert steps.text == "high"


def test_steps_that_cancel_out_still_print():
    steps = Steps("high").step(+1, "PAN data").step(-1, "inside one boundary")

    assert steps.severity == "high"
    assert steps.text == "high, +1 PAN data, -1 inside one boundary -> high"


def test_it_clamps_at_critical():
    steps = Steps("critical").step(+1, "PAN data").step(+1, "internet")

    assert steps.severity == "critical"
    assert steps.text == "critical, +1 PAN data, +1 internet -> critical"


def test_it_clamps_once_at_the_end_not_after_each_step():
    steps = Steps("critical").step(+1, "PAN data").step(-1, "inside one boundary")

    assert steps.severity == "critical"
    assert Steps("high").step(+2, "a").step(-1, "b").severity == "critical"
    assert Steps("high").step(+3, "a").step(-1, "b").severity == "critical"


def test_it_clamps_at_info():
    steps = Steps("low").step(-1, "only public data").step(-1, "inside one boundary")

    assert steps.severity == "info"
    assert steps.text == "low, -1 only public data, -1 inside one boundary -> info"


def test_clamping_at_info_is_not_called_a_floor():
    assert Steps("info").step(-1, "only public data").text == ("info, -1 only public data -> info")


# -- floors -----------------------------------------------------------------------------


def test_a_floor_stops_a_step_down_and_says_so():
    steps = Steps("high", floor="high").step(-1, "only internal data")

    assert steps.severity == "high"
    assert steps.text == "high, -1 only internal data -> high (floor high)"


def test_a_result_exactly_at_the_floor_needs_no_note():
    steps = Steps("critical", floor="high").step(-1, "only internal data")

    assert steps.severity == "high"
    assert steps.text == "critical, -1 only internal data -> high"


def test_a_result_one_below_the_floor_is_raised_to_it():
    steps = Steps("critical", floor="high").step(-1, "a").step(-1, "b")

    assert steps.severity == "high"
    assert steps.text == "critical, -1 a, -1 b -> high (floor high)"


def test_a_base_below_the_floor_is_raised_to_it():
    steps = Steps("low", floor="medium")

    assert steps.severity == "medium"
    assert steps.text == "low -> medium (floor medium)"


# -- the standard steps -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("s", "tags", "text"),
    [
        (4, ("pan",), "high, +1 PAN data -> critical"),
        (4, ("phi", "secret"), "high, +1 PHI/secret data -> critical"),
        (4, ("phi", "phi"), "high, +1 PHI data -> critical"),
        (4, (), "high, +1 regulated data -> critical"),
        (3, ("pii",), "high"),
        (2, (), "high"),
        (1, (), "high, -1 only internal data -> medium"),
        (0, (), "high, -1 only public data -> medium"),
    ],
)
def test_sensitivity_steps_up_at_s4_and_down_at_s1_or_less(s, tags, text):
    assert Steps("high").sensitivity(s, tags).text == text


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (4, "medium, +1 internet -> high"),
        (3, "medium, +1 third party -> high"),
        (2, "medium"),
        (1, "medium, -1 inside one boundary -> low"),
    ],
)
def test_exposure_steps_up_at_x3_and_down_at_x1(x, text):
    assert Steps("medium").exposure(x).text == text


def test_blast_radius_steps_up_at_the_threshold():
    assert Steps("medium").blast(5, 5).text == "medium, +1 blast radius 5 >= 5 -> high"


def test_blast_radius_below_the_threshold_takes_no_step():
    assert Steps("medium").blast(4, 5).text == "medium"


# -- weight and priority ----------------------------------------------------------------


def test_rank_orders_info_to_critical():
    assert [rank(s) for s in ("info", "low", "medium", "high", "critical")] == [0, 1, 2, 3, 4]


@pytest.mark.parametrize(
    ("severity", "points"), [("critical", 10), ("high", 5), ("medium", 2), ("low", 1), ("info", 0)]
)
def test_a_finding_of_blast_radius_one_weighs_its_points(severity, points):
    assert weight(severity, 1) == points


def test_blast_radius_multiplies_by_one_plus_its_log2():
    assert weight("high", 2) == 10
    assert weight("critical", 4) == 30
    assert weight("medium", 3) == pytest.approx(2 * (1 + 1.5849625))


def test_a_blast_radius_below_one_counts_as_one():
    assert weight("high", 0) == 5


def test_priority_divides_the_weight_by_the_effort():
    assert priority("critical", 4, 3) == 10
    assert priority("high", 1, 2) == 2.5
