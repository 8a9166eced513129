"""The system page's tables of the model (elements, flows, boundaries, data, keys), a page
at a time: a 20,000-element model printed whole made a 45 MB page. The system page shows
each section's first page; "Show more" fetches the next one with htmx, and its href is the
same page on its own (`views.inventory_section`), which works without JavaScript."""

from __future__ import annotations

from django.urls import reverse

from threatmodel import schema

PAGE_SIZE = 50  # rows per section and page

# The columns after ID and Name, by section (the rows are in _inventory_rows.html).
COLUMNS = {
    "elements": ("Kind", "Boundary", "At rest"),
    "flows": ("From → to", "Protocol", "Data"),
    "boundaries": ("Kind", "Inside"),
    "data": ("Classification", "Tags"),
    "keys": ("Type", "Custody", "Rotation"),
}


def table_page(system_pk: int, document: dict, section: str, page: int = 1) -> dict:
    """One page of a section's rows, with what the table and its "Show more" need."""
    items = document.get(section) or []
    pages = max(1, -(-len(items) // PAGE_SIZE))
    page = min(page, pages)
    url = reverse("inventory_section", args=[system_pk, section])
    shown = items[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return {
        "section": section,
        "title": schema.SECTION[section].title,
        "noun": schema.SECTION_NOUNS[section],
        "columns": COLUMNS[section],
        "width": 2 + len(COLUMNS[section]),
        "items": shown,
        "total": len(items),
        "page": page,
        "pages": pages,
        "first": (page - 1) * PAGE_SIZE + 1,
        "last": (page - 1) * PAGE_SIZE + len(shown),
        "remaining": len(items) - (page - 1) * PAGE_SIZE - len(shown),
        "next_url": f"{url}?page={page + 1}" if page < pages else None,
        "previous_url": f"{url}?page={page - 1}" if page > 1 else None,
    }


def tables(system_pk: int, document: dict) -> list[dict]:
    """The first page of every section, in the format's reading order."""
    return [table_page(system_pk, document, section) for section in schema.READING_ORDER]
