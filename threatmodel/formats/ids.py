"""IDs for imported items: valid slugs, unique within their section, made in linear time.

Other tools name things freely ("Web App", "Process", the same name twenty thousand
times); the format wants short unique slugs. `Ids.make` slugs the name and numbers
repeats ("process", "process-2", ...), remembering the next number per name so that
thousands of repeats cost the same as thousands of different names.
"""

from __future__ import annotations

import re
from collections import defaultdict

SLUG_LENGTH = 40
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, fallback: str) -> str:
    """ "Web App" -> "web-app"; text with no letters or digits gets `fallback`."""
    base = _NOT_SLUG.sub("-", text.lower()).strip("-")[:SLUG_LENGTH].strip("-")
    return base or fallback


class Ids:
    """The IDs taken so far, per section."""

    def __init__(self) -> None:
        self._used: dict[str, set[str]] = defaultdict(set)
        self._next: dict[tuple[str, str], int] = defaultdict(lambda: 2)

    def make(self, section: str, text: str, fallback: str) -> str:
        """A valid, unused ID for `text` within `section`, now taken."""
        return self.claim(section, slugify(text, fallback))

    def claim(self, section: str, base: str) -> str:
        """`base` itself if it is free, else `base-N` with the first free N."""
        used = self._used[section]
        candidate = base
        while candidate in used:
            number = self._next[section, base]
            self._next[section, base] = number + 1
            candidate = f"{base}-{number}"
        used.add(candidate)
        return candidate
