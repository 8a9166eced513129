"""The system page stays the same size however large the model: the editor fetches the
document, and the model's tables and the findings come a page at a time."""

from __future__ import annotations

import json

import pytest

from examples.generate import generate_system
from reviews import model_tables
from tests.conftest import client_for, make_system

HTMX = {"HX-Request": "true"}


@pytest.fixture
def large(workspace, owner):
    return make_system(workspace, generate_system(2000), author=owner)


@pytest.fixture
def paged(workspace, owner):
    """Three pages of elements (120), and more of flows."""
    return make_system(workspace, generate_system(120), author=owner)


def _page(user, system) -> bytes:
    response = client_for(user).get(f"/systems/{system.pk}/")
    assert response.status_code == 200
    return response.content


def test_a_model_ten_times_larger_adds_only_a_few_kilobytes_to_the_system_page(
    workspace, owner, large
):
    small = make_system(workspace, generate_system(200), author=owner)
    model_bytes = len(json.dumps(large.document))
    small_page, large_page = _page(owner, small), _page(owner, large)
    assert model_bytes > 1_000_000
    assert len(large_page) - len(small_page) < 8 * 1024, (len(small_page), len(large_page))
    assert len(large_page) < 160 * 1024


def test_the_system_page_holds_no_copy_of_the_document(owner, large):
    html = _page(owner, large).decode()
    last = large.document["elements"][-1]
    assert f">{last['id']}<" not in html
    assert json.dumps(last["name"])[1:-1] not in html
    start = html.index('<script id="editor-data" type="application/json">')
    data = json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])
    assert set(data) == {"version", "urls", "can_edit", "vocabulary", "diagram", "unplaced"}


def test_each_table_shows_its_first_page_and_a_real_link_to_the_next(owner, paged):
    html = _page(owner, paged).decode()
    url = f"/systems/{paged.pk}/elements/?page=2"
    assert f'href="{url}" hx-get="{url}"' in html
    elements = paged.document["elements"]
    assert f"<code>{elements[model_tables.PAGE_SIZE - 1]['id']}</code>" in html
    assert f"<code>{elements[model_tables.PAGE_SIZE]['id']}</code>" not in html
    assert "50 of 120 shown" in html


def test_show_more_answers_htmx_with_the_next_rows_and_the_next_link(owner, paged):
    response = client_for(owner).get(f"/systems/{paged.pk}/elements/?page=2", headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<tr>")
    assert "<html" not in html
    elements = paged.document["elements"]
    size = model_tables.PAGE_SIZE
    assert html.count("<code>") == size
    assert f"<code>{elements[size]['id']}</code>" in html
    assert f"<code>{elements[2 * size - 1]['id']}</code>" in html
    assert f"/systems/{paged.pk}/elements/?page=3" in html
    assert "100 of 120 shown" in html
    assert response["Cache-Control"] == "private, no-store"


def test_the_last_page_has_no_show_more(owner, paged):
    pages = -(-len(paged.document["flows"]) // model_tables.PAGE_SIZE)
    response = client_for(owner).get(f"/systems/{paged.pk}/flows/?page={pages}", headers=HTMX)
    html = response.content.decode()
    assert f"<code>{paged.document['flows'][-1]['id']}</code>" in html
    assert "more-row" not in html


def test_without_javascript_the_link_opens_a_page_of_the_table_with_a_pager(viewer, paged):
    response = client_for(viewer).get(f"/systems/{paged.pk}/elements/?page=2")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert "Page 2 of 3" in html
    assert f'href="/systems/{paged.pk}/elements/?page=1"' in html
    assert f'href="/systems/{paged.pk}/elements/?page=3"' in html
    assert "more-row" not in html
    assert response["Cache-Control"] == "private, no-store"


def test_a_page_past_the_end_or_not_a_number_shows_a_real_page(owner, system):
    client = client_for(owner)
    for page in ("99", "x", "-3"):
        response = client.get(f"/systems/{system.pk}/elements/?page={page}", headers=HTMX)
        assert response.status_code == 200
        assert "<code>" in response.content.decode()


def test_an_outsider_gets_no_page_of_the_tables(outsider, system):
    client = client_for(outsider)
    assert client.get(f"/systems/{system.pk}/elements/?page=1", headers=HTMX).status_code == 404
    assert client.get(f"/systems/{system.pk}/elements/").status_code == 404


def test_the_document_the_editor_fetches_is_compact_and_never_cached(owner, system):
    response = client_for(owner).get(f"/systems/{system.pk}/document.json")
    assert response["Cache-Control"] == "private, no-store"
    compact = json.dumps(response.json(), separators=(",", ":")).encode()
    assert response.content == compact


def test_the_findings_panel_shows_a_page_and_a_real_link_to_the_next(owner, paged):
    client = client_for(owner)
    html = client.get(f"/systems/{paged.pk}/").content.decode()
    url = f"/systems/{paged.pk}/findings/?page=2"
    assert f'href="{url}" hx-get="{url}"' in html
    assert html.count('class="finding-row"') == 50
    more = client.get(url, headers=HTMX)
    assert more.status_code == 200
    assert more["Cache-Control"] == "private, no-store"
    assert more.content.decode().count('class="finding-row"') == min(
        50, len(paged.analysis["findings"]) - 50
    )
    assert client.get(url).status_code == 200  # the findings page, without htmx


def test_an_outsider_gets_no_page_of_the_findings_panel(outsider, paged):
    response = client_for(outsider).get(f"/systems/{paged.pk}/findings/?page=2", headers=HTMX)
    assert response.status_code == 404


def test_the_page_asks_for_the_document_the_layout_and_every_editor_module_early(owner, paged):
    """Preloaded while the page loads, not once editor.js and its imports have run."""
    from pathlib import Path

    html = _page(owner, paged).decode()
    pk = paged.pk
    assert f'<link rel="preload" href="/systems/{pk}/document.json" as="fetch" crossorigin>' in html
    assert f'<link rel="preload" href="/systems/{pk}/layout.json" as="fetch" crossorigin>' in html
    static = Path(__file__).resolve().parents[2] / "static" / "reviews"
    modules = sorted(p.name for p in static.glob("editor-*.js"))
    assert modules
    for module in modules:
        assert f'rel="modulepreload" href="/static/reviews/{module}"' in html, module
