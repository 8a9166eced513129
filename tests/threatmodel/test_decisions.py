"""`check --decisions`: review decisions from a ciphermap-decisions/1 file in the CLI."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from threatmodel import analyze, load
from threatmodel.__main__ import main
from threatmodel.decisions import DecisionsError, load_decisions

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "saas-docs.yaml"  # policy.today: 2026-11-28
SARIF_SCHEMA = Path(__file__).parent / "sarif" / "sarif-2.1.0-rtm.5.json"


@pytest.fixture(scope="module")
def seed_findings():
    return analyze(load(SEED)).findings


def decision(finding, state: str, **fields) -> dict:
    entry = {
        "fingerprint": finding.fingerprint,
        "rule": finding.rule,
        "subject": list(finding.subject),
        "state": state,
        "justification": None,
        "reason": None,
        "owner": None,
        "due": None,
        "expires": None,
        "approved_by": None,
        "decided_at": "2026-11-20T10:00:00+00:00",
        "review": 3,
    }
    if state == "accept":
        entry.update(justification="Behind the VPN until Q2", expires="2027-03-31")
        entry.update(approved_by="carol")
    if state == "false-positive":
        entry.update(reason="The cache holds public pages only")
    if state == "mitigate":
        entry.update(owner="bob", due="2027-01-15")
    entry.update(fields)
    return entry


def write(tmp_path, decisions: list[dict], **top) -> Path:
    document = {
        "format": "ciphermap-decisions/1",
        "system": "Paperfold document signing",
        "decisions": decisions,
    }
    document.update(top)
    path = tmp_path / "decisions.json"
    path.write_text(json.dumps(document, indent=2))
    return path


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


def severe(findings):
    return [f for f in findings if f.severity in ("critical", "high")]


def decide_every_severe_finding(findings) -> list[dict]:
    """Accept the first half of the critical and high findings, the rest false positives."""
    chosen = severe(findings)
    half = len(chosen) // 2
    return [decision(f, "accept") for f in chosen[:half]] + [
        decision(f, "false-positive") for f in chosen[half:]
    ]


# --------------------------------------------------------------------------- suppression


def test_without_decisions_the_seed_fails_on_high(capsys):
    assert run(capsys, str(SEED))[0] == 1


def test_accepted_and_false_positive_findings_no_longer_count(tmp_path, capsys, seed_findings):
    path = write(tmp_path, decide_every_severe_finding(seed_findings))
    code, out, _ = run(capsys, str(SEED), "--decisions", str(path))
    assert code == 0
    decided = out[out.index("Decided") :]
    assert "accepted by carol until 2027-03-31: Behind the VPN until Q2" in decided
    assert "false positive: The cache holds public pages only" in decided


def test_one_undecided_high_finding_still_fails(tmp_path, capsys, seed_findings):
    path = write(tmp_path, decide_every_severe_finding(seed_findings)[1:])
    assert run(capsys, str(SEED), "--decisions", str(path))[0] == 1


def test_a_mitigation_still_counts_and_is_shown_on_the_finding(tmp_path, capsys, seed_findings):
    first = seed_findings[0]
    path = write(tmp_path, [decision(first, "mitigate")])
    code, out, _ = run(capsys, str(SEED), "--decisions", str(path))
    assert code == 1
    assert "Decided" not in out
    assert "decision: mitigate: bob, due 2027-01-15" in out


def test_decided_findings_leave_the_main_list(tmp_path, capsys, seed_findings):
    first = seed_findings[0]
    path = write(tmp_path, [decision(first, "false-positive")])
    _, out, _ = run(capsys, str(SEED), "--decisions", str(path))
    main_list, decided = out.split("Decided (not counted toward --fail-on)")
    assert first.title not in main_list
    assert first.title in decided


def test_json_gives_each_finding_its_decision(tmp_path, capsys, seed_findings):
    first, second = seed_findings[:2]
    path = write(tmp_path, [decision(first, "accept")])
    _, out, _ = run(capsys, str(SEED), "--format", "json", "--decisions", str(path))
    findings = {f["fingerprint"]: f for f in json.loads(out)["findings"]}
    ruling = findings[first.fingerprint]["decision"]
    assert ruling["state"] == "accept" and ruling["status"] == "accept"
    assert ruling["counts"] is False
    assert ruling["justification"] == "Behind the VPN until Q2"
    assert findings[second.fingerprint]["decision"] is None


def test_json_without_decisions_is_unchanged(capsys):
    _, out, _ = run(capsys, str(SEED), "--format", "json")
    assert "decision" not in json.loads(out)["findings"][0]


# --------------------------------------------------------------------------- expiry


def test_an_expired_acceptance_counts_again_and_says_so(tmp_path, capsys, seed_findings):
    decisions = decide_every_severe_finding(seed_findings)
    decisions[0]["expires"] = "2026-11-27"  # the day before the seed's policy.today
    path = write(tmp_path, decisions)
    code, out, _ = run(capsys, str(SEED), "--decisions", str(path))
    assert code == 1
    main_list = out[: out.index("Decided")]
    assert "decision: acceptance expired on 2026-11-27: counts again" in main_list


def test_an_acceptance_holds_through_its_last_day(tmp_path, capsys, seed_findings):
    decisions = decide_every_severe_finding(seed_findings)
    decisions[0]["expires"] = "2026-11-28"
    path = write(tmp_path, decisions)
    assert run(capsys, str(SEED), "--decisions", str(path))[0] == 0


def test_today_decides_whether_an_acceptance_has_expired(tmp_path, capsys):
    system = load(SEED)
    later = analyze(system, dataclasses.replace(system.policy, today=date(2027, 3, 31)))
    path = write(tmp_path, decide_every_severe_finding(later.findings))
    assert run(capsys, str(SEED), "--decisions", str(path), "--today", "2027-03-31")[0] == 0
    code, out, _ = run(capsys, str(SEED), "--decisions", str(path), "--today", "2027-04-01")
    assert code == 1
    assert "acceptance expired on 2027-03-31" in out


def test_an_exported_expired_state_counts_again(tmp_path, capsys, seed_findings):
    first = seed_findings[0]
    path = write(tmp_path, [decision(first, "expired", expires="2026-10-01")])
    _, out, _ = run(capsys, str(SEED), "--format", "json", "--decisions", str(path))
    entry = next(f for f in json.loads(out)["findings"] if f["fingerprint"] == first.fingerprint)
    assert entry["decision"]["status"] == "expired"
    assert entry["decision"]["counts"] is True


# --------------------------------------------------------------------------- stale


def test_a_decision_matching_no_finding_is_stale_not_an_error(tmp_path, capsys, seed_findings):
    gone = decision(seed_findings[0], "false-positive", fingerprint="0000000000000000")
    decisions = [*decide_every_severe_finding(seed_findings), gone]
    path = write(tmp_path, decisions)
    code, out, _ = run(capsys, str(SEED), "--decisions", str(path))
    assert code == 0
    stale = out[out.index("Stale decisions") :]
    assert "0000000000000000" in stale
    assert seed_findings[0].rule in stale


def test_stale_decisions_are_listed_in_json_and_on_stderr(tmp_path, capsys, seed_findings):
    gone = decision(seed_findings[0], "accept", fingerprint="ffffffffffffffff")
    path = write(tmp_path, [gone])
    code, out, err = run(capsys, str(SEED), "--format", "json", "--decisions", str(path))
    assert code == 1
    assert [d["fingerprint"] for d in json.loads(out)["stale_decisions"]] == ["ffffffffffffffff"]
    assert "stale decision" in err and "ffffffffffffffff" in err


# --------------------------------------------------------------------------- SARIF


def test_sarif_puts_decided_findings_in_suppressions_and_validates(tmp_path, capsys, seed_findings):
    decisions = decide_every_severe_finding(seed_findings)
    decisions[0]["expires"] = "2026-01-01"
    gone = decision(seed_findings[0], "false-positive", fingerprint="0123456789abcdef")
    path = write(tmp_path, [*decisions, gone])
    _, out, _ = run(capsys, str(SEED), "--format", "sarif", "--decisions", str(path))
    sarif = json.loads(out)
    jsonschema.validate(sarif, json.loads(SARIF_SCHEMA.read_text()))
    run_ = sarif["runs"][0]
    results = {r["partialFingerprints"]["ciphermap/v1"]: r for r in run_["results"]}
    accepted = results[decisions[1]["fingerprint"]]
    assert accepted["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "accepted by carol until 2027-03-31: Behind the VPN until Q2",
        }
    ]
    false_positive = results[decisions[-1]["fingerprint"]]
    assert false_positive["suppressions"][0]["justification"] == (
        "false positive: The cache holds public pages only"
    )
    assert results[decisions[0]["fingerprint"]]["suppressions"] == []  # expired
    undecided = next(f for f in seed_findings if f.severity in ("medium", "low", "info"))
    assert "suppressions" not in results[undecided.fingerprint]
    notes = run_["invocations"][0]["toolExecutionNotifications"]
    assert ["0123456789abcdef" in n["message"]["text"] for n in notes] == [True]


# --------------------------------------------------------------------------- bad files


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"expires": "tomorrow"},
            "decisions[0].expires: expected a date (YYYY-MM-DD), got 'tomorrow'",
        ),
        # The model's date rule: a real day, written YYYY-MM-DD.
        ({"expires": "2026-02-30"}, "decisions[0].expires: '2026-02-30' is not a valid date"),
        ({"due": "20260601"}, "decisions[0].due: expected a date (YYYY-MM-DD), got '20260601'"),
        ({"state": "accepted"}, "decisions[0].state: unknown state 'accepted'"),
        ({"justification": None}, "decisions[0].justification: required when the state is"),
        ({"approved_by": ""}, "decisions[0].approved_by: required when the state is 'accept'"),
        ({"fingerprint": None}, "decisions[0].fingerprint: required"),
        ({"subject": [1, 2]}, "decisions[0].subject: expected a list of IDs"),
        ({"decided_at": "last week"}, "decisions[0].decided_at: not a date and time"),
        ({"colour": "red"}, "decisions[0].colour: unknown field"),
    ],
)
def test_a_bad_decision_says_where_and_why(tmp_path, seed_findings, change, expected):
    entry = decision(seed_findings[0], "accept")
    entry.update(change)
    path = write(tmp_path, [entry])
    with pytest.raises(DecisionsError) as error:
        load_decisions(path)
    assert expected in str(error.value)


def test_every_problem_is_listed_with_its_line(tmp_path, seed_findings):
    decisions = [decision(f, "accept") for f in seed_findings[:3]]
    decisions[2]["expires"] = "tomorrow"
    decisions[1]["state"] = "maybe"
    path = write(tmp_path, decisions)
    with pytest.raises(DecisionsError) as error:
        load_decisions(path)
    problems = [str(p) for p in error.value.problems]
    assert len(problems) == 2
    assert problems[0].startswith("decisions[1].state: unknown state 'maybe'")
    assert problems[1].startswith(
        "decisions[2].expires: expected a date (YYYY-MM-DD), got 'tomorrow'"
    )
    lines = path.read_text().splitlines()
    assert '"tomorrow"' in lines[error.value.problems[1].line - 1]


def test_the_same_finding_decided_twice_is_refused(tmp_path, seed_findings):
    first = seed_findings[0]
    path = write(tmp_path, [decision(first, "accept"), decision(first, "false-positive")])
    with pytest.raises(DecisionsError, match=r"decisions\[1\].fingerprint: .* decided twice"):
        load_decisions(path)


def test_duplicate_keys_are_refused_with_their_location(tmp_path):
    path = tmp_path / "decisions.json"
    path.write_text(
        '{"format": "ciphermap-decisions/1", "system": "A", "system": "B", "decisions": []}'
    )
    with pytest.raises(DecisionsError, match="duplicate key 'system'"):
        load_decisions(path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"format": "ciphermap/1", "system": "A", "decisions": []}', "format: expected"),
        ('{"format": "ciphermap-decisions/1", "system": "A"}', "decisions: expected a list"),
        ('{"format": "ciphermap-decisions/1", "decisions": []}', "system: expected"),
        ("[1, 2]", "expected a mapping"),
        ('{"format": "ciphermap-decisions/1", "decisions": [}', "syntax error"),
    ],
)
def test_a_bad_file_is_refused(tmp_path, text, expected):
    path = tmp_path / "decisions.json"
    path.write_text(text)
    with pytest.raises(DecisionsError, match=expected):
        load_decisions(path)


def test_a_bad_decisions_file_exits_2_with_where_and_why(tmp_path, capsys, seed_findings):
    path = write(tmp_path, [decision(seed_findings[0], "accept", expires="tomorrow")])
    code, out, err = run(capsys, str(SEED), "--decisions", str(path))
    assert code == 2
    assert out == ""
    assert "invalid decisions file" in err
    assert "decisions[0].expires: expected a date (YYYY-MM-DD), got 'tomorrow'" in err


def test_a_missing_decisions_file_exits_2(tmp_path, capsys):
    code, _, err = run(capsys, str(SEED), "--decisions", str(tmp_path / "none.json"))
    assert code == 2
    assert "none.json" in err


def test_an_empty_list_of_decisions_is_valid(tmp_path, capsys):
    path = write(tmp_path, [])
    assert load_decisions(path).decisions == ()
    assert run(capsys, str(SEED), "--decisions", str(path))[0] == 1


def test_decisions_of_another_system_are_pointed_out(tmp_path, capsys, seed_findings):
    path = write(tmp_path, [decision(seed_findings[0], "accept")], system="Clinic")
    code, _, err = run(capsys, str(SEED), "--decisions", str(path))
    assert code == 1
    assert "these decisions are for 'Clinic', the model is 'Paperfold document signing'" in err


def test_decisions_of_the_same_system_print_nothing_on_stderr(tmp_path, capsys, seed_findings):
    path = write(tmp_path, [decision(seed_findings[0], "accept")])
    assert run(capsys, str(SEED), "--decisions", str(path))[2] == ""
