"""The format's help page, rendered from its one declaration (threatmodel/schema.py)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from threatmodel import schema

from .requests import AuthenticatedHttpRequest

TYPES = {
    "id": "ID",
    "text": "text",
    "flag": "true / false",
    "count": "whole number",
    "number": "number",
    "date": "date (YYYY-MM-DD)",
    "choice": "one of",
    "choices": "list of",
    "ref": "ID of a",
    "refs": "list of IDs of",
    "mapping": "mapping",
}
# The project's own prose on the format and the rules, shown as they are written.
DOCS = {"MODEL.md": "docs/MODEL.md", "RULES.md": "docs/RULES.md"}


def _field_row(field: schema.Field, prefix: str = "") -> dict:
    kind = TYPES[field.type]
    if field.type in ("ref", "refs"):
        kind = f"{kind} {schema.SECTION_NOUNS[field.section]}"
    if field.default not in (None, "", ()):
        default = str(field.default).lower() if isinstance(field.default, bool) else field.default
    elif field.default is False:
        default = "false"
    else:
        default = ""
    return {
        "name": prefix + field.name,
        "label": field.label,
        "type": kind,
        "required": field.required,
        "default": default,
        "kinds": field.kinds,
        "targets": field.targets,
        "max_length": field.max_length,
        "help": field.help,
        "choices": field.vocabulary.choices if field.vocabulary else (),
    }


def _rows(fields: Iterable[schema.Field], prefix: str = "") -> list[dict]:
    rows = []
    for field in fields:
        rows.append(_field_row(field, prefix))
        if field.type == "mapping":
            rows.extend(_rows(field.fields, prefix=f"{prefix}{field.name}."))
    return rows


@require_GET
def format_help(request: AuthenticatedHttpRequest) -> HttpResponse:
    sections = [
        {"name": s.name, "noun": s.noun, "title": s.title, "rows": _rows(s.fields)}
        for s in schema.SECTIONS
    ]
    docs = [name for name, path in DOCS.items() if (settings.BASE_DIR / path).exists()]
    context = {
        "format": schema.FORMAT,
        "id_pattern": schema.ID_PATTERN,
        "max_id_length": schema.MAX_ID_LENGTH,
        "top_rows": _rows(schema.TOP_FIELDS),
        "sections": sections,
        "element_kinds": schema.ELEMENT_KIND.choices,
        "store_kinds": schema.STORE_KINDS,
        "at_rest_kinds": schema.AT_REST_KINDS,
        "encryption": [
            (choice, schema.ENCRYPTION_STRENGTH[choice.value])
            for choice in schema.ENCRYPTION.choices
        ],
        "encrypted_protocols": [p for p in schema.PROTOCOLS_DECLARED if p.encrypted],
        "plaintext_protocols": [p for p in schema.PROTOCOLS_DECLARED if not p.encrypted],
        "limits": {
            "name": schema.MAX_NAME_LENGTH,
            "description": schema.MAX_DESCRIPTION_LENGTH,
            "system_description": schema.MAX_SYSTEM_DESCRIPTION_LENGTH,
        },
        "docs": docs,
    }
    return render(request, "reviews/format_help.html", context)


@require_GET
def format_doc(request: AuthenticatedHttpRequest, name: str) -> HttpResponse:
    """docs/MODEL.md or docs/RULES.md as plain text (nothing else is served)."""
    path = DOCS.get(name)
    if path is None or not (settings.BASE_DIR / path).exists():
        raise Http404("No such document.")
    text = (settings.BASE_DIR / path).read_text(encoding="utf-8")
    return HttpResponse(text, content_type="text/plain; charset=utf-8")
