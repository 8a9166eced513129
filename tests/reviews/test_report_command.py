"""`manage.py report SYSTEM [--revision N] -o out.pdf`."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from reviews.services import save_document
from tests.conftest import make_system, make_user, make_workspace, sample_document
from tests.reviews.report_fixtures import outline_titles, pdf_pages_text


@pytest.fixture
def two_versions(workspace, owner, editor):
    system = make_system(workspace, author=owner, name="Web shop")
    renamed = sample_document(name="Web shop, second draft")
    return save_document(system, renamed, base_version=1, author=editor)


def test_it_writes_the_current_revision_by_id(two_versions, tmp_path):
    out = tmp_path / "report.pdf"
    call_command("report", str(two_versions.pk), "-o", str(out))
    cover = pdf_pages_text(out.read_bytes())[0]
    assert "Web shop, second draft" in cover
    assert "Revision 2" in cover
    assert "owner, editor" in cover
    assert "Findings" in outline_titles(out.read_bytes())


def test_it_writes_an_older_revision_by_name(two_versions, tmp_path):
    out = tmp_path / "v1.pdf"
    call_command("report", "web shop, second draft", "--revision", "1", "-o", str(out))
    cover = pdf_pages_text(out.read_bytes())[0]
    assert "Revision 1" in cover
    assert "second draft" not in cover
    assert "Authors owner " in cover


def test_it_refuses_an_unknown_system(db, tmp_path):
    with pytest.raises(CommandError, match="No system with id or name 'nothing'"):
        call_command("report", "nothing", "-o", str(tmp_path / "x.pdf"))


def test_it_refuses_a_version_the_system_does_not_have(two_versions, tmp_path):
    with pytest.raises(CommandError, match="versions 1 to 2, not 5"):
        call_command("report", str(two_versions.pk), "--revision", "5", "-o", str(tmp_path / "x"))


def test_it_asks_for_an_id_when_a_name_is_ambiguous(db, tmp_path):
    alice = make_user("alice")
    for name in ("Team A", "Team B"):
        make_system(make_workspace(name, owner=alice), author=alice, name="Shared name")
    with pytest.raises(CommandError, match="2 systems are named 'Shared name'; use an id"):
        call_command("report", "Shared name", "-o", str(tmp_path / "x.pdf"))
