"""The findings page, its panel fragment, history pages and the dashboard."""

from __future__ import annotations

import json

from django.utils.html import escape

from reviews import services
from tests.conftest import client_for, make_system

HTMX = {"HX-Request": "true"}


def _severities(system):
    return [f["severity"] for f in system.analysis["findings"]]


def test_the_findings_page_explains_each_finding(system, viewer):
    html = client_for(viewer).get(f"/systems/{system.pk}/findings/").content.decode()
    finding = system.analysis["findings"][0]
    assert f'id="f-{finding["fingerprint"]}"' in html
    for part in ("Evidence", "Remediation", "References", "Remediation plan", "Metrics"):
        assert part in html
    assert escape(finding["steps"]) in html


def test_findings_filter_by_severity(system, viewer):
    severity = _severities(system)[0]
    response = client_for(viewer).get(f"/systems/{system.pk}/findings/?severity={severity}")
    shown = response.context["view"].findings
    assert shown and all(f["severity"] == severity for f in shown)


def test_findings_filter_by_rule_and_element(system, viewer):
    rule = system.analysis["findings"][0]["rule"]
    client = client_for(viewer)
    shown = client.get(f"/systems/{system.pk}/findings/?rule={rule}").context["view"].findings
    assert {f["rule"] for f in shown} == {rule}
    shown = client.get(f"/systems/{system.pk}/findings/?element=orders-db").context["view"].findings
    assert shown
    assert all("orders-db" in (*f["subject"], *f["path"], f["target"]) for f in shown)


def test_findings_sort_by_rule(system, viewer):
    shown = (
        client_for(viewer).get(f"/systems/{system.pk}/findings/?sort=rule").context["view"].findings
    )
    assert [f["rule"] for f in shown] == sorted(f["rule"] for f in shown)


def test_unknown_filter_values_are_ignored(system, viewer):
    response = client_for(viewer).get(f"/systems/{system.pk}/findings/?severity=bogus&sort=evil")
    assert response.status_code == 200
    assert len(response.context["view"].findings) == len(system.analysis["findings"])


def test_htmx_gets_the_findings_panel_partial(system, viewer):
    response = client_for(viewer).get(f"/systems/{system.pk}/findings/", headers=HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="findings"')
    assert "<html" not in html


def test_the_system_page_embeds_the_editor_settings_and_the_editor_fetches_the_document(
    system, editor
):
    client = client_for(editor)
    response = client.get(f"/systems/{system.pk}/")
    html = response.content.decode()
    start = html.index('<script id="editor-data" type="application/json">') + len(
        '<script id="editor-data" type="application/json">'
    )
    data = json.loads(html[start : html.index("</script>", start)])
    assert data["version"] == 1
    assert "document" not in data and "analysis" not in data
    assert data["can_edit"] is True
    assert data["urls"]["document"] == f"/systems/{system.pk}/document.json"
    fetched = client.get(data["urls"]["document"]).json()
    assert fetched["document"] == system.document
    assert fetched["analysis"]["findings"]
    assert "reviews/_editor.html" in [t.name for t in response.templates]
    assert 'id="properties"' in html


def test_viewers_get_can_edit_false(system, viewer):
    response = client_for(viewer).get(f"/systems/{system.pk}/")
    assert '"can_edit": false' in response.content.decode()


def test_history_lists_revisions_and_the_diff_shows_findings_fixed(system, owner):
    document = dict(system.document)
    document["elements"] = [dict(e) for e in document["elements"]]
    document["elements"][2]["encryption"] = "field"
    system = services.save_document(system, document, base_version=1, author=owner)
    client = client_for(owner)
    history = client.get(f"/systems/{system.pk}/history/").content.decode()
    assert "changed element orders-db (encryption)" in history
    diff = client.get(f"/systems/{system.pk}/diff/?from=1&to=2")
    assert diff.status_code == 200
    fixed = {f["fingerprint"] for f in diff.context["fixed_findings"]}
    assert fixed, "encrypting the store fixes at least one finding"
    assert not fixed & {f["fingerprint"] for f in system.analysis["findings"]}


def test_revision_page_shows_the_old_document(system, owner):
    system = services.save_document(
        system, {**system.document, "name": "Renamed"}, base_version=1, author=owner
    )
    html = client_for(owner).get(f"/systems/{system.pk}/revisions/1/").content.decode()
    assert "Web shop" in html
    assert "Restore this version" in html


def test_restoring_through_the_history_page(system, owner):
    system = services.save_document(
        system, {**system.document, "name": "Renamed"}, base_version=1, author=owner
    )
    response = client_for(owner).post(
        f"/systems/{system.pk}/revisions/1/restore/", {"base_version": 2}
    )
    assert response.status_code == 302
    system.refresh_from_db()
    assert (system.version, system.name) == (3, "Web shop")


def test_a_restore_from_a_stale_page_is_refused(system, owner):
    system = services.save_document(
        system, {**system.document, "name": "Renamed"}, base_version=1, author=owner
    )
    client_for(owner).post(f"/systems/{system.pk}/revisions/1/restore/", {"base_version": 1})
    system.refresh_from_db()
    assert (system.version, system.name) == (2, "Renamed")


def test_the_dashboard_shows_counts_and_changes(system, owner):
    make_system(system.workspace, name="Second system", author=owner)
    document = dict(system.document)
    document["elements"] = [dict(e) for e in document["elements"]]
    document["elements"][2]["encryption"] = "field"
    services.save_document(system, document, base_version=1, author=owner)
    response = client_for(owner).get("/")
    rows = {row["system"].name: row for row in response.context["rows"]}
    assert set(rows) == {"Web shop", "Second system"}
    assert rows["Web shop"]["changes"], "fixing a store changes the counts"
    assert len(rows["Web shop"]["trend"]) == 2
    assert b"<svg" in response.content
