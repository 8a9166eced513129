"""The diagram's declared colours read well in both schemes (WCAG AA), and the PDF keeps
the light ones."""

from __future__ import annotations

from reviews import diagram_style
from reviews.diagram_style import BOUNDARIES, CANVAS, DARK, REST, TRANSIT, editor_style


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def merged(light: dict, dark: dict) -> dict:
    out = dict(light)
    for key, value in dark.items():
        out[key] = merged(light.get(key, {}), value) if isinstance(value, dict) else value
    return out


SCHEMES = {
    "light": {"canvas": CANVAS, "boundaries": BOUNDARIES, "transit": TRANSIT, "rest": REST},
    "dark": merged(
        {"canvas": CANVAS, "boundaries": BOUNDARIES, "transit": TRANSIT, "rest": REST}, DARK
    ),
}


def test_text_on_the_canvas_meets_wcag_aa_in_both_schemes():
    for name, scheme in SCHEMES.items():
        canvas = scheme["canvas"]
        fills = [canvas["node_fill"], canvas["background"], *canvas["groups"].values()]
        for fill in fills:
            assert contrast(canvas["ink"], fill) >= 4.5, (name, fill)
        for kind, frame in scheme["boundaries"].items():
            assert contrast(frame["text"], frame["fill"]) >= 4.5, (name, kind)


def test_every_flow_label_in_its_colour_meets_wcag_aa_on_the_label_and_canvas_in_both_schemes():
    # In-process flows too: their grey is text on the diagram like any other flow's.
    for name, scheme in SCHEMES.items():
        canvas = scheme["canvas"]
        for state, style in scheme["transit"].items():
            for behind in (canvas["label_background"], canvas["background"]):
                assert contrast(style["color"], behind) >= 4.5, (name, state, behind)


def test_lines_and_outlines_stand_out_from_what_they_are_drawn_on_in_the_dark():
    dark = SCHEMES["dark"]
    for state, style in dark["rest"].items():
        for fill in dark["canvas"]["groups"].values():
            assert contrast(style["color"], fill) >= 3, state
    for kind, frame in dark["boundaries"].items():
        assert contrast(frame["stroke"], dark["canvas"]["background"]) >= 3, kind


def test_the_dark_scheme_goes_to_the_editor_and_the_pdf_keeps_the_light_colours():
    style = editor_style()
    assert style["dark"] == DARK
    assert style["transit"]["encrypted"]["color"] == "#2e7d32"
    assert diagram_style.boundary_style("internet")["fill"] == "#fdf0f0"
