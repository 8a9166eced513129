"""A static page with the editor and no server behind it, for quick looks at the canvas.

    .venv/bin/python tests/e2e/harness.py [document.json|yaml] [out.png]

Renders templates/reviews/_editor.html with a document (the built-in sample unless one
is given), serves it with the real static files and a strict CSP, takes a screenshot in
headless Chromium and prints any CSP violation or console error. Saves stay in the page.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'"
)

SAMPLE = {
    "format": "ciphermap/1",
    "name": "Checkout platform",
    "data": [
        {"id": "card", "classification": "restricted", "tags": ["pan"]},
        {"id": "pii", "classification": "confidential", "tags": ["pii"]},
    ],
    "boundaries": [
        {"id": "internet", "kind": "internet"},
        {"id": "aws-prod", "kind": "internal"},
        {"id": "prod-vpc", "kind": "internal", "parent": "aws-prod"},
        {"id": "backup-account", "kind": "internal"},
        {"id": "partner", "kind": "third-party"},
    ],
    "keys": [
        {
            "id": "orders-kek",
            "type": "kek",
            "custody": "kms",
            "held_by": "kms",
            "wraps": ["orders-dek"],
        },
        {"id": "orders-dek", "type": "dek", "custody": "kms"},
        {"id": "jwt-signing", "type": "signing", "custody": "env-var"},
    ],
    "elements": [
        {"id": "browser", "kind": "client", "name": "Customer browser", "boundary": "internet"},
        {"id": "admin", "kind": "user", "boundary": "internet"},
        {"id": "api", "kind": "gateway", "boundary": "prod-vpc", "uses_keys": ["jwt-signing"]},
        {"id": "orders", "kind": "service", "boundary": "prod-vpc"},
        {"id": "resize", "kind": "function", "boundary": "prod-vpc"},
        {
            "id": "orders-db",
            "kind": "database",
            "boundary": "prod-vpc",
            "stores": ["card"],
            "encryption": "tde-cmk",
            "key": "orders-dek",
        },
        {"id": "images", "kind": "object-store", "boundary": "aws-prod", "encryption": "sse-s3"},
        {"id": "shared", "kind": "file-store", "boundary": "prod-vpc"},
        {
            "id": "sessions",
            "kind": "cache",
            "boundary": "prod-vpc",
            "encryption": "none",
            "stores": ["pii"],
        },
        {"id": "search", "kind": "search-index", "boundary": "prod-vpc", "encryption": "disk"},
        {
            "id": "lake",
            "kind": "warehouse",
            "boundary": "aws-prod",
            "encryption": "sse-kms",
            "key": "orders-kek",
        },
        {"id": "events", "kind": "broker", "boundary": "prod-vpc", "encryption": "none"},
        {"id": "logs", "kind": "log-sink", "boundary": "prod-vpc", "encryption": "platform"},
        {
            "id": "orders-db-backup",
            "kind": "backup",
            "backup_of": "orders-db",
            "boundary": "backup-account",
            "encryption": "none",
        },
        {"id": "kms", "kind": "key-store", "boundary": "aws-prod"},
        {"id": "psp", "kind": "external", "name": "Payment provider", "boundary": "partner"},
    ],
    "flows": [
        {"id": "checkout", "from": "browser", "to": "api", "protocol": "https", "data": ["card"]},
        {"id": "admin-login", "from": "admin", "to": "api", "protocol": "https"},
        {"id": "api-orders", "from": "api", "to": "orders", "protocol": "http", "data": ["card"]},
        {
            "id": "orders-db-write",
            "from": "orders",
            "to": "orders-db",
            "protocol": "postgres-tls",
            "data": ["card"],
        },
        {"id": "orders-events", "from": "orders", "to": "events", "protocol": "kafka"},
        {"id": "orders-logs", "from": "orders", "to": "logs", "protocol": "syslog-tls"},
        {"id": "orders-psp", "from": "orders", "to": "psp", "protocol": "https", "data": ["card"]},
        {"id": "orders-sessions", "from": "orders", "to": "sessions"},
        {
            "id": "backup-copy",
            "from": "orders-db",
            "to": "orders-db-backup",
            "protocol": "tls",
            "purpose": "backup",
        },
        {"id": "events-lake", "from": "events", "to": "lake", "protocol": "https"},
        {"id": "orders-search", "from": "orders", "to": "search", "protocol": "https"},
        {"id": "orders-kms", "from": "orders", "to": "kms", "protocol": "https"},
        {"id": "resize-images", "from": "resize", "to": "images", "protocol": "https"},
        {"id": "orders-shared", "from": "orders", "to": "shared", "protocol": "nfs"},
        {"id": "api-resize", "from": "api", "to": "resize", "protocol": "https"},
    ],
}

SAMPLE_ANALYSIS = {
    "findings": [
        {
            "rule": "unencrypted-hop",
            "severity": "critical",
            "title": "Plain HTTP carries card",
            "subject": ["api-orders"],
            "path": ["api", "orders"],
            "flows": ["api-orders"],
        },
        {
            "rule": "e2e-gap",
            "severity": "high",
            "title": "TLS ends at the gateway",
            "subject": ["card", "api-orders"],
            "path": ["browser", "api", "orders"],
            "flows": ["checkout", "api-orders"],
        },
        {
            "rule": "unencrypted-store",
            "severity": "high",
            "title": "Sessions in plaintext",
            "subject": ["sessions"],
            "path": [],
            "flows": [],
        },
    ]
}


def editor_page(document: dict, analysis: dict | None = None, can_edit: bool = True) -> str:
    import django
    from django.template.loader import render_to_string
    from django.utils.html import json_script

    django.setup()
    from reviews.views import EDITOR_VOCABULARY

    data = {
        "document": document,
        "version": 1,
        "analysis": analysis or {"findings": []},
        "urls": {},
        "can_edit": can_edit,
        "vocabulary": EDITOR_VOCABULARY,
    }
    body = render_to_string("reviews/_editor.html", {"editor_data": data})
    findings = "".join(
        f'<li><button type="button" data-rule="{f["rule"]}" data-subject="{" ".join(f["subject"])}"'
        f' data-flows="{" ".join(f["flows"])}" data-path="{" ".join(f["path"])}">'
        f"{f['severity']}: {f['title']}</button></li>"
        for f in data["analysis"]["findings"]
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        "<title>Editor harness</title></head><body>"
        f"{body}<div id='properties'></div><ul id='findings'>{findings}</ul>"
        f"{json_script(data, 'editor-data')}</body></html>"
    )


def serve(page: str) -> tuple[http.server.ThreadingHTTPServer, str]:
    directory = Path(tempfile.mkdtemp(prefix="editor-harness-"))
    (directory / "index.html").write_text(page)
    (directory / "static").symlink_to(ROOT / "static")
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/index.html"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def main() -> None:
    from playwright.sync_api import sync_playwright

    document, analysis = SAMPLE, SAMPLE_ANALYSIS
    if len(sys.argv) > 1 and sys.argv[1].endswith((".json", ".yaml", ".yml")):
        import yaml

        import threatmodel

        text = Path(sys.argv[1]).read_text()
        document = json.loads(json.dumps(yaml.safe_load(text), default=str))
        analysis = threatmodel.analyze(threatmodel.load(text)).to_dict()
    out = sys.argv[-1] if sys.argv[-1].endswith(".png") else "/tmp/editor-harness.png"
    server, url = serve(editor_page(document, analysis))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        problems: list[str] = []
        page.on("console", lambda m: m.type in ("error", "warning") and problems.append(m.text))
        page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
        page.add_init_script(
            "window.__csp = [];"
            "document.addEventListener('securitypolicyviolation',"
            " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
        )
        page.goto(url)
        page.wait_for_function("() => window.ciphermapEditor !== undefined", timeout=10000)
        page.wait_for_timeout(300)
        page.screenshot(path=out, full_page=True)
        if os.environ.get("HARNESS_ZOOM"):
            page.evaluate(
                f"ciphermapEditor.cy.zoom({os.environ['HARNESS_ZOOM']});ciphermapEditor.cy.center()"
            )
            page.wait_for_timeout(200)
            page.locator("#editor-canvas").screenshot(path=out.replace(".png", "-zoom.png"))
        print("screenshot:", out)
        print("csp violations:", page.evaluate("window.__csp"))
        print("console problems:", problems)
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
