"""The parser refuses what no later step could hold, with where and why, never a crash."""

from __future__ import annotations

from threatmodel import ModelError, load
from threatmodel.load import parse_text

BASE = '{"format": "ciphermap/1", "name": "Shop", %s}'


def problems(source) -> list[str]:
    """What the parser (text) or the loader (a dict) says is wrong."""
    try:
        if isinstance(source, dict):
            load(source)
            return []
        parsed = parse_text(source)
    except ModelError as error:
        return [str(problem) for problem in error.problems]
    return [str(problem) for problem in parsed.problems]


def test_a_duplicate_json_key_is_refused_at_its_place():
    text = BASE % '"policy": {"blast_radius": 3, "blast_radius": 9}'
    assert problems(text) == ["policy.blast_radius: duplicate key 'blast_radius' (line 1)"]


def test_a_5000_digit_integer_is_refused_not_dropped():
    text = BASE % f'"policy": {{"blast_radius": {"9" * 5000}}}'
    assert problems(text) == [
        "policy.blast_radius: a number of 5,000 digits (at most 4,300) (line 1)"
    ]


def test_a_5000_digit_integer_in_yaml_is_refused_too():
    text = "format: ciphermap/1\nname: Shop\npolicy:\n  blast_radius: " + "7" * 5000 + "\n"
    assert problems(text) == [
        "policy.blast_radius: a number of 5,000 digits (at most 4,300) (line 4)"
    ]


def test_json_nested_10000_deep_is_refused():
    text = BASE % ('"description": ' + "[" * 10_000 + "]" * 10_000)
    assert problems(text) == ["the document is nested deeper than 32 levels"]


def test_json_nested_past_the_limit_but_within_python_is_refused():
    text = BASE % ('"description": ' + "[" * 200 + "]" * 200)
    [problem] = problems(text)
    assert "nested deeper than 32 levels" in problem


def test_a_lone_surrogate_escape_is_refused_at_its_field():
    text = BASE % '"description": "a\\ud800b"'
    assert problems(text) == [
        "description: contains U+D800, half of a surrogate pair, which is not text"
    ]


def test_a_lone_surrogate_in_a_key_is_refused():
    text = BASE % '"elements": [{"id": "api", "kind": "service", "n\\udfffame": "x"}]'
    [problem] = problems(text)
    assert problem.startswith("elements[0]: a key contains U+DFFF")


def test_a_lone_surrogate_in_a_dict_is_refused():
    document = {"format": "ciphermap/1", "name": "Shop\udc80"}
    assert problems(document) == [
        "name: contains U+DC80, half of a surrogate pair, which is not text"
    ]


def test_a_lone_surrogate_deep_in_a_dict_or_its_keys_is_refused_where_it_is():
    element = {"id": "api", "kind": "service", "tags": ["ok", "b\ud800d"]}
    document = {"format": "ciphermap/1", "name": "Shop", "elements": [element]}
    assert problems(document) == [
        "elements[0].tags[1]: contains U+D800, half of a surrogate pair, which is not text"
    ]
    element.pop("tags")
    element["n\udfffame"] = "x"
    [problem] = problems(document)
    assert problem.startswith("elements[0]: a key contains U+DFFF")


def test_a_dict_nested_past_the_limit_is_refused():
    deep: list = []
    for _ in range(40):
        deep = [deep]
    [problem] = problems({"format": "ciphermap/1", "name": "Shop", "description": deep})
    assert "nested deeper than 32 levels" in problem


def test_a_proper_surrogate_pair_is_text():
    system = load(BASE % '"description": "\\ud83d\\ude00"')
    assert system.description == "\N{GRINNING FACE}"
