"""Text that reads as stored: app-level names and comments refuse the invisible
controls that reorder how text is displayed (so "gpj‮.exe" cannot pass for "exe.jpg").

The format's own fields are checked by the engine with the same list."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from threatmodel.schema import BIDI_CONTROLS


def no_bidi_controls(value: str) -> None:
    for char in value:
        if char in BIDI_CONTROLS:
            raise ValidationError(
                f"Contains the invisible control U+{ord(char):04X}, which reorders how text "
                "is displayed; remove it.",
                code="bidi_control",
            )


def visible_controls(value: str) -> str:
    """The text with each such control written out (`⟨U+202E⟩`): for free text the
    format allows them in (descriptions, shown through the `visible_controls` template
    filter in pages and the PDF), and for logs of input that was not validated, such as
    a username typed at a failed sign-in."""
    if not any(char in BIDI_CONTROLS for char in value):
        return value
    return "".join(f"\u27e8U+{ord(c):04X}\u27e9" if c in BIDI_CONTROLS else c for c in value)
