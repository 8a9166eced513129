"""User text never becomes markup, and WeasyPrint fetches nothing but static files."""

from __future__ import annotations

import socket
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import threatmodel
from reviews.report.diagram import render_diagram_svg
from reviews.report.fetcher import STATIC_ORIGIN, RefusedURL, StaticOnlyFetcher, resolve_static
from reviews.report.render import build_report, render_report_html, render_report_pdf
from tests.reviews.report_fixtures import PAYLOADS, hostile_document, pdf_pages_text

SVG = "{http://www.w3.org/2000/svg}"
DRAWING_TAGS = {"svg", "title", "g", "rect", "path", "polygon", "ellipse", "circle", "line", "text"}


class RecordingFetcher(StaticOnlyFetcher):
    """The report's own fetcher, recording every URL WeasyPrint asks for."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []
        self.served: list[str] = []

    def fetch(self, url, headers=None):
        self.asked.append(url)
        response = super().fetch(url, headers)
        self.served.append(url)
        return response


@pytest.fixture(scope="module")
def hostile():
    system = threatmodel.load(hostile_document())
    analysis = threatmodel.analyze(system)
    return system, analysis


@pytest.fixture(scope="module")
def hostile_pdf(hostile):
    system, analysis = hostile
    fetcher = RecordingFetcher()
    with pytest.MonkeyPatch.context() as patch:
        # Belt and braces: any network or urllib access during rendering fails the test.
        def no_network(*args, **kwargs):
            raise AssertionError(f"network access during rendering: {args!r}")

        patch.setattr(socket.socket, "connect", no_network)
        patch.setattr(urllib.request.OpenerDirector, "open", no_network)
        pdf = render_report_pdf(
            system_name=system.name,
            revision=1,
            model=system,
            analysis=analysis,
            authors=['<img src="file:///etc/passwd">'],
            url_fetcher=fetcher,
        )
    return pdf, fetcher


def test_the_hostile_model_loads_and_has_findings(hostile):
    system, analysis = hostile
    assert PAYLOADS[0] in system.name
    assert analysis.findings


def test_only_the_reports_own_static_files_are_fetched(hostile_pdf):
    _, fetcher = hostile_pdf
    assert fetcher.asked, "the stylesheet at least is fetched through the fetcher"
    assert fetcher.asked == fetcher.served
    assert sorted(set(fetcher.asked)) == [
        f"{STATIC_ORIGIN}/generated/diagram.svg",  # the diagram this render drew
        f"{STATIC_ORIGIN}/static/report/mark.svg",
        f"{STATIC_ORIGIN}/static/report/report.css",
    ]


def test_markup_in_every_text_field_shows_as_literal_text(hostile_pdf):
    pdf, _ = hostile_pdf
    text = " ".join(pdf_pages_text(pdf))
    for payload in PAYLOADS:
        # Each payload sits in the name, description, technology of many items.
        assert text.count(payload) >= 5, payload
    assert 'Shop <img src="file:///etc/passwd">' in text
    assert "bold</b>" in text


def test_the_report_html_escapes_user_text(hostile):
    system, analysis = hostile
    html = render_report_html(
        build_report(system_name=system.name, revision=1, model=system, analysis=analysis)
    )
    assert '<img src="file://' not in html
    assert "<link rel=stylesheet" not in html
    assert "<script>" not in html
    assert "<style>" not in html
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in html


def test_the_diagram_svg_holds_user_text_only_in_text_nodes(hostile):
    system, analysis = hostile
    svg = render_diagram_svg(system, analysis)
    root = ET.fromstring(svg)  # noqa: S314 - our own output, parsed to inspect it
    tags = {node.tag.removeprefix(SVG) for node in root.iter()}
    assert tags <= DRAWING_TAGS, tags - DRAWING_TAGS
    for node in root.iter():
        for name, value in node.attrib.items():
            assert "href" not in name
            assert "url(" not in value and "<" not in value, (name, value)
    texts = " ".join(node.text or "" for node in root.iter())
    assert "<img src=" in texts  # truncated labels still show the markup as characters


def test_control_characters_in_names_do_not_break_the_svg():
    doc = hostile_document()
    # NUL is refused by the loader (tests/threatmodel/test_schema.py); the rest is drawn.
    doc["elements"][0]["name"] = "bad\x1b[31m\x7f name"
    svg = render_diagram_svg(threatmodel.load(doc))
    parsed = ET.fromstring(svg)  # noqa: S314 - our own output
    assert "bad[31m name" in ET.tostring(parsed, encoding="unicode")


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://169.254.169.254/",
        "https://example.com/static/report/report.css",
        "data:text/css,body{background:red}",
        "ftp://example.com/x.css",
        f"{STATIC_ORIGIN}/static/../../../etc/passwd",
        f"{STATIC_ORIGIN}/static/%2e%2e/%2e%2e/config/settings.py",
        f"{STATIC_ORIGIN}/static/report/..%2f..%2fconfig/settings.py",
        f"{STATIC_ORIGIN}/etc/passwd",
        f"{STATIC_ORIGIN}/static/report/report.css?x=1",
        f"{STATIC_ORIGIN}:8080/static/report/report.css",
        "https://user:pw@ciphermap-static.invalid/static/report/report.css",
        f"{STATIC_ORIGIN}/static/report/missing.css",
        f"{STATIC_ORIGIN}/static/reviews/editor-icons.js",
        f"{STATIC_ORIGIN}/generated/diagram.svg",  # nothing generated for this fetcher
        f"{STATIC_ORIGIN}/generated/../static/report/report.css",
    ],
)
def test_the_fetcher_refuses_anything_but_a_static_file(url):
    with pytest.raises(RefusedURL):
        resolve_static(url)
    with pytest.raises(RefusedURL):
        StaticOnlyFetcher().fetch(url)


def test_the_fetcher_serves_the_report_stylesheet():
    response = StaticOnlyFetcher().fetch(f"{STATIC_ORIGIN}/static/report/report.css")
    assert response.content_type == "text/css"
    assert b"@page" in response.read()


def test_the_fetcher_does_not_follow_a_symlink_out_of_the_static_root(settings, tmp_path):
    root = tmp_path / "static"
    (root / "report").mkdir(parents=True)
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    (root / "report" / "leak.css").symlink_to(secret)
    (root / "report" / "fine.css").write_text("p { color: blue }")
    settings.STATICFILES_DIRS = [root]
    settings.STATIC_ROOT = None
    assert (
        resolve_static(f"{STATIC_ORIGIN}/static/report/fine.css")
        == (root / "report" / "fine.css").resolve()
    )
    with pytest.raises(RefusedURL):
        resolve_static(f"{STATIC_ORIGIN}/static/report/leak.css")


def test_the_fetcher_serves_collected_files_from_static_root(settings, tmp_path):
    collected = tmp_path / "staticfiles"
    (collected / "report").mkdir(parents=True)
    (collected / "report" / "report.css").write_text("@page { size: A4 }")
    settings.STATICFILES_DIRS = []
    settings.STATIC_ROOT = collected
    path = resolve_static(f"{STATIC_ORIGIN}/static/report/report.css")
    assert path == Path(collected / "report" / "report.css").resolve()
