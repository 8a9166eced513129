"""Fuzzing every way in: the loader, the import pages and the editor's save.

Whatever the text, the answer is a model or a located refusal; a request is never a 500,
and a refused one writes nothing."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviews.models import Revision, System
from tests.conftest import client_for, sample_document
from threatmodel import ModelError, load
from threatmodel.load import parse_text

HOSTILE_CHARACTERS = "\x00\u202a\u202e\u2066\u2069\ufeff\u200b\x1b\u0301<>&\"'\\"
JSON_ESCAPES = ["\\ud800", "\\udfff", "\\u0000", "\\u202e", "\\ud83d\\ude00", "\\\\", '\\"']

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(alphabet=st.sampled_from(HOSTILE_CHARACTERS) | st.characters(), max_size=30),
    st.text(max_size=30),
    st.integers(4000, 6000).map(lambda n: int("9" * 100) if n < 4300 else n),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = [
    ("name",),
    ("description",),
    ("policy", "blast_radius"),
    ("policy", "today"),
    ("elements", 1, "name"),
    ("elements", 1, "kind"),
    ("elements", 2, "stores"),
    ("flows", 0, "protocol"),
    ("flows", 0, "tls"),
    ("keys", 0, "rotation_days"),
    ("unknown-field",),
]


@st.composite
def documents_with_a_hostile_value(draw) -> dict:
    document = sample_document()
    path = draw(st.sampled_from(FIELDS))
    target = document
    for step in path[:-1]:
        target = target.setdefault(step, {}) if isinstance(step, str) else target[step]
    target[path[-1]] = draw(values)
    return document


@st.composite
def hostile_texts(draw) -> str:
    """JSON or YAML text a hostile client might send: valid documents with a value
    swapped, JSON escapes, digits, nesting and duplicate keys spliced in, or noise."""
    base = json.dumps(draw(documents_with_a_hostile_value()), default=str)
    kind = draw(st.sampled_from(["json", "escape", "digits", "deep", "duplicate", "yaml", "noise"]))
    if kind == "escape":
        base = base.replace('"Web shop"', f'"Web{draw(st.sampled_from(JSON_ESCAPES))}shop"', 1)
    elif kind == "digits":
        base = base.replace('"2026-11-28"', "9" * draw(st.integers(4000, 6000)), 1)
    elif kind == "deep":
        depth = draw(st.integers(20, 5000))
        base = base.replace('"Web shop"', "[" * depth + "]" * depth, 1)
    elif kind == "duplicate":
        base = base.replace('"name": "Web shop"', '"name": "Web shop", "name": "Other"', 1)
    elif kind == "yaml":
        base = draw(
            st.sampled_from(
                [
                    "format: ciphermap/1\nname: &a [*a]\n",
                    "format: ciphermap/1\nname: !!python/object:os.system x\n",
                    "format: ciphermap/1\nname: x\nname: y\n",
                    "format: ciphermap/1\nname: x\n---\nname: y\n",
                    "a: &a [1,2]\nb: &b [*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b,*b,*b]\n",
                    "format: ciphermap/1\nname: {" + "{" * 200 + "\n",
                ]
            )
        )
    elif kind == "noise":
        base = draw(st.text(max_size=200))
    return base


FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(text=hostile_texts())
def test_the_loader_loads_or_refuses_any_text(text):
    try:
        load(text)
    except ModelError as error:
        assert error.problems and all(str(p) for p in error.problems)


@FUZZ
@given(document=documents_with_a_hostile_value())
def test_the_loader_loads_or_refuses_any_dict(document):
    try:
        load(document)
    except ModelError as error:
        assert error.problems


@FUZZ
@given(text=hostile_texts())
def test_what_the_parser_objects_to_the_loader_refuses(text):
    """No problem of the parser (duplicate key, refused value) is lost on the way."""
    try:
        objected = bool(parse_text(text).problems)
    except ModelError:
        objected = True
    if objected:
        try:
            load(text)
        except ModelError:
            return
        raise AssertionError("loaded a document the parser objected to")


def _state(system: System) -> tuple:
    fresh = System.objects.get(pk=system.pk)
    return (System.objects.count(), fresh.version, Revision.objects.count())


@FUZZ
@given(text=hostile_texts())
def test_saving_from_the_editor_never_fails_with_a_500(text, editor, system):
    system.refresh_from_db()
    before = _state(system)
    body = f'{{"base_version": {system.version}, "document": {text}}}'
    response = client_for(editor).post(
        f"/systems/{system.pk}/document.json", body, content_type="application/json"
    )
    assert response.status_code in (200, 400, 409, 413)
    if response.status_code != 200:
        assert _state(system) == before
        assert response.json()["errors"]


@FUZZ
@given(text=hostile_texts())
def test_importing_never_fails_with_a_500(text, editor, system):
    before = _state(system)
    response = client_for(editor).post(
        "/systems/import/", {"workspace": system.workspace.pk, "text": text}
    )
    assert response.status_code in (200, 302, 400)
    if response.status_code != 302:
        assert _state(system) == before


@FUZZ
@given(text=hostile_texts())
def test_importing_a_version_never_fails_with_a_500(text, editor, system):
    system.refresh_from_db()
    before = _state(system)
    response = client_for(editor).post(
        f"/systems/{system.pk}/reimport/", {"base_version": system.version, "text": text}
    )
    assert response.status_code in (200, 400, 409)
    assert _state(system) == before  # the preview saves nothing
