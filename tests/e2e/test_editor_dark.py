"""Dark screens, in real Chromium with `prefers-color-scheme: dark` emulated: the app's
pages and the editor, canvas included, draw in the declared dark colours with readable
text, and follow the screen back to light."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from reviews.diagram_style import CANVAS, DARK, TRANSIT

CONTRAST = """([a, b]) => {
  const rgb = (s) => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = (c) => {
    const [r, g, b] = c
      .map((v) => v / 255)
      .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [x, y] = [lum(rgb(a)), lum(rgb(b))].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}"""


def rgb(colour: str) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r},{g},{b})"


def computed(page, selector: str, prop: str) -> str:
    return page.evaluate(
        "([s, p]) => getComputedStyle(document.querySelector(s))[p]", [selector, prop]
    )


def cy_style(page, canvas_id: str, prop: str) -> str:
    return page.evaluate(
        "([id, p]) => window.ciphermapEditor.cy.getElementById(id).style(p).replace(/ /g, '')",
        [canvas_id, prop],
    )


def open_dark(context, live_server, system):
    page = context.new_page()
    page.emulate_media(color_scheme="dark")
    page.goto(f"{live_server.url}/systems/{system.pk}/")
    page.wait_for_selector("#editor.editor-ready")
    return page


@pytest.mark.django_db(transaction=True)
def test_the_system_page_and_its_canvas_are_dark_with_readable_text(
    open_context, live_server, owner, system
):
    page = open_dark(open_context(owner), live_server, system)

    # The page: dark panels, light text, at WCAG AA contrast or better.
    controls = (".palette-item", ".editor-toolbar button", "#editor-find-input", ".editor-find")
    for selector in (".page-head h1", "#findings h2", *controls):
        ink = computed(page, selector, "color")
        ground = page.evaluate(
            """(s) => {
              let node = document.querySelector(s);
              while (node) {
                const bg = getComputedStyle(node).backgroundColor;
                if (bg && !bg.startsWith('rgba(0, 0, 0, 0)')) return bg;
                node = node.parentElement;
              }
              return 'rgb(255, 255, 255)';
            }""",
            selector,
        )
        assert page.evaluate(CONTRAST, [ink, ground]) >= 4.5, selector
        assert page.evaluate(CONTRAST, [ground, "rgb(0, 0, 0)"]) < 3, f"{selector} not dark"

    # The canvas: the declaration's dark colours, not the PDF's light ones.
    assert computed(page, "#editor-canvas", "backgroundColor").replace(" ", "") == rgb(
        DARK["canvas"]["background"]
    )
    assert cy_style(page, "e:api", "background-color") == rgb(DARK["canvas"]["groups"]["service"])
    assert cy_style(page, "e:api", "color") == rgb(DARK["canvas"]["ink"])
    assert cy_style(page, "f:checkout", "line-color") == rgb(DARK["transit"]["encrypted"]["color"])
    assert cy_style(page, "b:vpc", "background-color") == rgb(
        DARK["boundaries"]["internal"]["fill"]
    )

    # Back to a light screen: the diagram follows without a reload.
    page.emulate_media(color_scheme="light")
    page.wait_for_function(
        "c => window.ciphermapEditor.cy.getElementById('f:checkout').style('line-color')"
        ".replace(/ /g, '') === c",
        arg=rgb(TRANSIT["encrypted"]["color"]),
    )
    assert cy_style(page, "e:api", "background-color") == rgb(CANVAS["groups"]["service"])
    expect(page.locator(".palette-item").first).to_have_css("color", "rgb(27, 31, 35)")


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_is_dark_too(open_context, live_server, owner, system):
    page = open_context(owner).new_page()
    page.emulate_media(color_scheme="dark")
    page.goto(f"{live_server.url}/")
    body = computed(page, "body", "backgroundColor")
    text = computed(page, "body", "color")
    assert page.evaluate(CONTRAST, [body, "rgb(0, 0, 0)"]) < 1.5
    assert page.evaluate(CONTRAST, [text, body]) >= 7
