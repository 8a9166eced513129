"""Browser tests: real Chromium (Debian's /usr/bin/chromium) through Playwright, against
pytest-django's live server.

Without Chromium the tests skip, except in CI (env CI set), where they fail: CI must
run them. Every page is watched for CSP violations, console errors and uncaught
exceptions; a test that produced any fails at teardown.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.servers.basehttp import WSGIServer
from django.test import Client

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Debian's Chromium by default; the CHROMIUM variable names another binary.
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HERE = Path(__file__).resolve().parent

# Reported by the page through an exposed function, so reloads do not lose them.
WATCH_SCRIPT = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__e2eReport("csp", `${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
    + ` at ${e.sourceFile}:${e.lineNumber}`);
});
"""


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


class SerialWSGIServer(WSGIServer):
    """Django's development WSGI server without threads: the live server thread itself
    answers, with the test's database connections (LiveServerThread sets them up)."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.answering = threading.Lock()

    def process_request(self, request, client_address):
        with self.answering:
            super().process_request(request, client_address)

    def wait_until_idle(self) -> None:
        """Returns once no request is being answered. A request the browser sent just
        before its context closed is still answered on the shared connection; flushing
        the database under it fails with "database table is locked"."""
        with self.answering:
            pass


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, answering one request at a time.

    With SQLite in memory the server threads share the test's one connection, and the
    editor's save, the panels' refreshes and a form save in parallel then fail with
    "database table is locked". One request at a time is how a browser test should see
    the app anyway: deterministic.
    """
    from pytest_django.live_server_helper import LiveServer

    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(addr, start=False)
    server.thread.server_class = SerialWSGIServer
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI must run the browser tests, not skip them")
        pytest.skip(f"{CHROMIUM} is not installed")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1440, "height": 900}}


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.e2e_failed = report.failed
    return report


class PageProblems:
    """CSP violations, console errors and page errors seen in one browser context."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.expected_statuses: set[int] = set()

    def expect_status(self, status: int) -> None:
        """A test that provokes an HTTP error: Chromium logs it, and that is no problem."""
        self.expected_statuses.add(status)

    def watch(self, context) -> None:
        context.expose_function(
            "__e2eReport", lambda kind, text: self.items.append(f"{kind}: {text}")
        )
        context.add_init_script(WATCH_SCRIPT)
        context.on("page", self._watch_page)
        for page in context.pages:
            self._watch_page(page)

    def _watch_page(self, page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.items.append(f"pageerror: {error}"))

    def _console(self, message) -> None:
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        if url.endswith("/favicon.ico"):
            return
        status = re.search(r"status of (\d{3})", message.text)
        if status and int(status.group(1)) in self.expected_statuses:
            return
        self.items.append(f"console: {message.text} ({url})")


@pytest.fixture
def problems():
    found = PageProblems()
    yield found
    assert found.items == [], "the browser reported problems:\n" + "\n".join(found.items)


def log_in(context, user, live_server) -> None:
    """Gives the browser context a session for `user` (no login form round trip)."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )


@pytest.fixture
def open_context(request, browser, live_server, problems):
    """open_context(user) -> a new logged-in, watched browser context. When the test
    fails, every page it left open is saved as a screenshot (path in the output)."""
    contexts = []

    def open_(user):
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        problems.watch(context)
        log_in(context, user, live_server)
        contexts.append(context)
        return context

    yield open_
    if getattr(request.node, "e2e_failed", False):
        folder = Path(tempfile.gettempdir()) / "ciphermap-e2e-failures"
        folder.mkdir(exist_ok=True)
        for n, page in enumerate(p for c in contexts for p in c.pages):
            path = folder / f"{request.node.name}-{n}.png"
            page.screenshot(path=str(path))
            print(f"screenshot of the failed test: {path}")
    for context in contexts:
        context.close()
    live_server.thread.httpd.wait_until_idle()


def open_editor(context, live_server, system):
    """A page on the system with the editor ready."""
    page = context.new_page()
    page.goto(f"{live_server.url}/systems/{system.pk}/")
    page.wait_for_selector("#editor.editor-ready")
    return page
