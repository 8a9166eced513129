"""The only door WeasyPrint has to the outside world: the app's own static files.

A report is built from user text. Everything user-supplied is escaped, so no user text
should ever become a URL; this fetcher is the second line of defence. It serves files
under the static roots (STATICFILES_DIRS, STATIC_ROOT) addressed through a private,
unresolvable origin, and refuses everything else: file://, http(s):// to anywhere real,
data:, path traversal, and files outside the roots.
"""

from __future__ import annotations

import ssl
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from weasyprint.urls import URLFetcher, URLFetcherResponse

GENERATED_PREFIX = "/generated/"
# `.invalid` is reserved (RFC 2606): this origin can never resolve to a real host.
STATIC_ORIGIN = "https://ciphermap-static.invalid"
SERVED_TYPES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
}


class RefusedURL(ValueError):
    """A URL the report renderer must not fetch."""


def static_base_url() -> str:
    """The base URL for report HTML: `{% static %}` paths resolve under it."""
    return STATIC_ORIGIN + "/"


def static_roots() -> list[Path]:
    roots = [Path(p) for p in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    return [root.resolve() for root in roots]


def static_prefix() -> str:
    return "/" + settings.STATIC_URL.strip("/") + "/"


def resolve_static(url: str) -> Path:
    """The file a static URL names, or RefusedURL with the reason."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != STATIC_ORIGIN:
        raise RefusedURL(f"the report fetches only its own static files, not {url[:80]!r}")
    if parts.query or parts.username or parts.password or parts.port:
        raise RefusedURL(f"unexpected URL parts in {url[:80]!r}")
    path = unquote(parts.path)
    prefix = static_prefix()
    if not path.startswith(prefix):
        raise RefusedURL(f"not under {prefix}: {url[:80]!r}")
    relative = PurePosixPath(path[len(prefix) :])
    if relative.is_absolute() or ".." in relative.parts or "\\" in path or "\x00" in path:
        raise RefusedURL(f"unsafe path in {url[:80]!r}")
    if relative.suffix.lower() not in SERVED_TYPES:
        raise RefusedURL(f"file type not served to reports: {url[:80]!r}")
    for root in static_roots():
        candidate = (root / relative).resolve()
        # resolve() follows symlinks: the real file must still sit inside the root.
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    raise RefusedURL(f"no such static file: {url[:80]!r}")


def generated_url(name: str) -> str:
    """The URL of an image the renderer made itself (the diagram), served from memory."""
    return f"{STATIC_ORIGIN}{GENERATED_PREFIX}{name}"


class StaticOnlyFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves static files and nothing else.

    `generated` holds images the renderer built for this report (name -> SVG bytes), such
    as the diagram: an SVG image is parsed by ElementTree, much faster than inline SVG,
    which goes through the HTML parser and the CSS cascade element by element.
    """

    def __init__(self, generated: dict[str, bytes] | None = None) -> None:
        # Refusals are logged by WeasyPrint as warnings; the report still renders.
        # `fetch` never opens a connection, so the HTTPS handler gets a bare SSL context:
        # the default one loads the system's CA bundle, 50 ms per fetcher.
        super().__init__(
            allowed_protocols=("https",),
            allow_redirects=False,
            ssl_context=ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT),
        )
        self.generated = dict(generated or {})

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        for name, body in self.generated.items():
            if url == generated_url(name):
                return URLFetcherResponse(url, body=body, headers={"Content-Type": "image/svg+xml"})
        path = resolve_static(url)
        return URLFetcherResponse(
            url,
            body=path.read_bytes(),
            headers={"Content-Type": SERVED_TYPES[path.suffix.lower()]},
        )
