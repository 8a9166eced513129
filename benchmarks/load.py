"""Load and fault benchmark: the production stack on loopback, about a minute of load, one
PostgreSQL restart and one killed worker in the middle. Prints figures, asserts nothing.

    .venv/bin/python benchmarks/load.py [--seconds 60] [--editors 20] [--viewers 50]

What it starts, all private to this run and removed at the end:
- a throwaway PostgreSQL cluster (initdb into a temporary directory, port 5440, run as
  the `postgres` user when started as root): never the machine's shared server;
- gunicorn with gunicorn.conf.py (several workers) on 127.0.0.1;
- `manage.py report_worker`, restarted by this script when it dies, as systemd's
  Restart=always would.

The load, closed-loop (each virtual user waits for its answer, then thinks): editors
each save their own 40-element system through the editor's JSON API (a moved element),
viewers read the 300-element system's page, and one user asks for a report every few
seconds. At 40% of the run PostgreSQL restarts; at 60% the worker is killed (SIGKILL).

Then it prints p50/p99 per request type, the errors (5xx and connection failures, with
how many fell within a second of the restart), and what was lost: acknowledged saves
missing from the database, reports never finished, and whether the worker came back.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_PORT = 5440
WEB_PORT = 8196


def free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


# -- the private PostgreSQL -------------------------------------------------------------


class PrivatePostgres:
    def __init__(self, root: Path) -> None:
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
        if not bins:
            sys.exit("PostgreSQL server binaries not found under /usr/lib/postgresql")
        self.bin = bins[-1]
        self.data = root / "pgdata"
        self.socket_dir = root / "pgsock"
        self.log = root / "postgres.log"
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([*self.as_user, *args], check=check, capture_output=True)

    def init(self) -> None:
        for path in (self.data.parent, self.socket_dir):
            path.mkdir(exist_ok=True)
        if self.as_user:
            entry = pwd.getpwnam("postgres")
            for path in (self.data.parent, self.socket_dir):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust")

    def ctl(self, action: str) -> None:
        options = f"-p {PG_PORT} -k {self.socket_dir} -c listen_addresses=127.0.0.1"
        options += " -c max_connections=200 -c fsync=off"
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-m",
            "fast",
            "-w",
            action,
        )

    def createdb(self, name: str) -> None:
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(PG_PORT), name)

    def stop(self) -> None:
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop", check=False
        )


# -- the load ---------------------------------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: list[tuple[float, str, str]] = []  # (when, kind, what)
        self.conflicts = 0

    def ok(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.times[kind].append(seconds)

    def error(self, kind: str, what: str) -> None:
        with self.lock:
            self.errors.append((time.monotonic(), kind, what))


class Client:
    """One virtual user: a session cookie, a CSRF token, one keep-alive connection."""

    def __init__(self, session_key: str) -> None:
        self.csrf = secrets.token_hex(16)
        self.cookie = f"sessionid={session_key}; csrftoken={self.csrf}"
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: bytes | None = None, json_body=False):
        headers = {"Cookie": self.cookie, "X-CSRFToken": self.csrf, "Host": "127.0.0.1"}
        if json_body:
            headers["Content-Type"] = "application/json"
        elif body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", WEB_PORT, timeout=60)
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                return response.status, response.read()
            except (ConnectionError, http.client.HTTPException, OSError):
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def timed(recorder: Recorder, kind: str, call):
    started = time.monotonic()
    try:
        status, body = call()
    except OSError as error:
        recorder.error(kind, f"connection: {type(error).__name__}")
        return None, None
    if status >= 500:
        recorder.error(kind, f"HTTP {status}")
        return status, body
    recorder.ok(kind, time.monotonic() - started)
    return status, body


def editor_loop(client, system_pk, recorder, stop, acknowledged, think):
    moves = 0
    while not stop.is_set():
        status, body = timed(
            recorder,
            "editor GET document.json",
            lambda: client.request("GET", f"/systems/{system_pk}/document.json"),
        )
        if status == 200:
            data = json.loads(body)
            document = data["document"]
            moves += 1
            document["elements"][0]["position"] = {"x": moves * 10, "y": 40}
            payload = json.dumps({"base_version": data["version"], "document": document})
            status, body = timed(
                recorder,
                "editor save (POST document.json)",
                lambda p=payload: client.request(
                    "POST", f"/systems/{system_pk}/document.json", p.encode(), json_body=True
                ),
            )
            if status == 200:
                saved = json.loads(body)
                acknowledged[system_pk] = (saved["version"], moves * 10)
            elif status == 409:
                with recorder.lock:
                    recorder.conflicts += 1
        stop.wait(think)


def viewer_loop(client, system_pk, recorder, stop, think):
    while not stop.is_set():
        timed(
            recorder, "viewer system page", lambda: client.request("GET", f"/systems/{system_pk}/")
        )
        stop.wait(think)


def reporter_loop(client, system_pk, recorder, stop, think, asked):
    while not stop.is_set():
        status, _ = timed(
            recorder,
            "report start (POST)",
            lambda: client.request("POST", f"/systems/{system_pk}/reports/", b"version="),
        )
        if status in (200, 302):
            asked.append(time.monotonic())
        stop.wait(think)


# -- the run ----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--editors", type=int, default=20)
    parser.add_argument("--viewers", type=int, default=50)
    parser.add_argument("--web-workers", type=int, default=4)
    args = parser.parse_args()
    for port in (PG_PORT, WEB_PORT):
        if not free(port):
            sys.exit(f"port {port} is in use; this benchmark needs it free")

    root = Path(tempfile.mkdtemp(prefix="ciphermap-load-"))
    pg = PrivatePostgres(root)
    processes: dict[str, subprocess.Popen] = {}
    env = {
        **os.environ,
        "CIPHERMAP_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PG_PORT}/ciphermap_load",
        "MEDIA_ROOT": str(root / "media"),
        "GUNICORN_BIND": f"127.0.0.1:{WEB_PORT}",
        "WEB_CONCURRENCY": str(args.web_workers),
        "GUNICORN_ACCESS_LOG": str(root / "access.log"),
        "LOG_LEVEL": "WARNING",
    }
    python = str(ROOT / ".venv" / "bin" / "python")
    if not Path(python).exists():
        python = sys.executable
    logs = {name: open(root / f"{name}.log", "w") for name in ("web", "worker")}  # noqa: SIM115

    def start_worker() -> None:
        processes["worker"] = subprocess.Popen(
            [python, "manage.py", "report_worker", "--no-startup-delay", "--interval", "0.5"],
            cwd=ROOT,
            env=env,
            stdout=logs["worker"],
            stderr=subprocess.STDOUT,
        )

    try:
        print(f"private PostgreSQL on 127.0.0.1:{PG_PORT} in {root}", flush=True)
        pg.init()
        pg.ctl("start")
        pg.createdb("ciphermap_load")
        subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        # Production serves hashed static names from STATIC_ROOT (git-ignored staticfiles/).
        subprocess.run(
            [python, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        setup = subprocess.run(
            [python, __file__, "--setup", str(args.editors), str(args.viewers)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        fixture = json.loads(setup.stdout.strip().splitlines()[-1])
        processes["web"] = subprocess.Popen(
            [str(Path(python).parent / "gunicorn"), "config.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=logs["web"],
            stderr=subprocess.STDOUT,
        )
        start_worker()
        warm_up(fixture, args.web_workers)
        print(
            f"gunicorn with {args.web_workers} workers on 127.0.0.1:{WEB_PORT}, one "
            f"report_worker; {args.editors} editors, {args.viewers} viewers, one reporter; "
            f"{args.seconds} s",
            flush=True,
        )
        run_load(args, fixture, pg, processes, start_worker, env, python)
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
        pg.stop()
        for log in logs.values():
            log.close()
        if os.environ.get("KEEP_LOAD_DIR"):
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


def warm_up(fixture, web_workers: int) -> None:
    """Wait for gunicorn, then load each page once per worker (templates, imports)."""
    probe = Client(fixture["reporter"])
    for _ in range(300):
        try:
            if probe.request("GET", "/healthz")[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    paths = [
        f"/systems/{fixture['big']}/",
        f"/systems/{fixture['editor_systems'][0]}/document.json",
    ]
    threads = [
        threading.Thread(target=Client(fixture["reporter"]).request, args=("GET", path))
        for path in paths
        for _ in range(web_workers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)


def run_load(args, fixture, pg, processes, start_worker, env, python) -> None:
    recorder = Recorder()
    stop = threading.Event()
    acknowledged: dict[int, tuple[int, int]] = {}
    asked: list[float] = []
    threads = []
    for session, system_pk in zip(
        fixture["editor_sessions"], fixture["editor_systems"], strict=True
    ):
        threads.append(
            threading.Thread(
                target=editor_loop,
                args=(Client(session), system_pk, recorder, stop, acknowledged, 2.0),
            )
        )
    for session in fixture["viewer_sessions"]:
        threads.append(
            threading.Thread(
                target=viewer_loop, args=(Client(session), fixture["big"], recorder, stop, 3.0)
            )
        )
    threads.append(
        threading.Thread(
            target=reporter_loop,
            args=(
                Client(fixture["reporter"]),
                fixture["report_system"],
                recorder,
                stop,
                6.0,
                asked,
            ),
        )
    )
    started = time.monotonic()
    for thread in threads:
        thread.start()
        time.sleep(0.02)

    restart_at = started + args.seconds * 0.4
    kill_at = started + args.seconds * 0.6
    events: dict[str, float] = {}
    worker_restarts = 0
    while time.monotonic() - started < args.seconds:
        now = time.monotonic()
        if "restart" not in events and now >= restart_at:
            events["restart"] = now
            pg.ctl("restart")
            events["restarted"] = time.monotonic()
            print(
                f"  {now - started:5.1f} s: PostgreSQL restarted "
                f"({events['restarted'] - now:.1f} s down)",
                flush=True,
            )
        if "kill" not in events and now >= kill_at:
            events["kill"] = now
            processes["worker"].kill()
            print(f"  {now - started:5.1f} s: report worker killed (SIGKILL)", flush=True)
        if processes["worker"].poll() is not None:
            # What systemd's Restart=always does, after its RestartSec=2.
            time.sleep(2)
            start_worker()
            worker_restarts += 1
        time.sleep(0.2)
    stop.set()
    for thread in threads:
        thread.join(90)
    elapsed = time.monotonic() - started

    load = " ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"\n{elapsed:.0f} s of load (load average {load} on {os.cpu_count()} CPUs); "
        "latency per request type (successful requests):"
    )
    print(f"  {'request':38} {'count':>6} {'p50 ms':>8} {'p99 ms':>8}")
    for kind, values in sorted(recorder.times.items()):
        values.sort()
        p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
        print(
            f"  {kind:38} {len(values):6d} {statistics.median(values) * 1000:8.0f} "
            f"{p99 * 1000:8.0f}"
        )
    near = [e for e in recorder.errors if events["restart"] - 1 <= e[0] <= events["restarted"] + 1]
    print(
        f"errors: {len(recorder.errors)} (5xx or connection), {len(near)} of them within a "
        f"second of the PostgreSQL restart; {recorder.conflicts} stale-version refusals (409)"
    )
    by_kind: dict[str, int] = defaultdict(int)
    for _, kind, what in recorder.errors:
        by_kind[f"{kind}: {what}"] += 1
    for what, count in sorted(by_kind.items()):
        print(f"  {count:4d} x {what}")

    # Wait for the reports asked for to finish: a lost one is failed by its lease (30 s).
    verdict = subprocess.run(
        [python, __file__, "--verify", json.dumps({str(k): v for k, v in acknowledged.items()})],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    print(verdict.stdout.strip() or verdict.stderr.strip()[-2000:])
    alive = processes["worker"].poll() is None
    print(
        f"report worker: survived the PostgreSQL restart without exiting "
        f"{'yes' if worker_restarts <= 1 else 'no'}; restarted by the supervisor "
        f"{worker_restarts} time(s) after the kill; running at the end: {'yes' if alive else 'no'}"
    )


# -- helpers run inside the stack's environment ------------------------------------------


def _django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _session_for(user) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def setup(editors: int, viewers: int) -> None:
    _django()
    from django.contrib.auth import get_user_model

    from examples.generate import generate_system
    from reviews.models import Membership, Workspace
    from reviews.services import create_system

    users = get_user_model().objects
    workspace = Workspace.objects.create(name="Load")
    owner = users.create_user("owner")
    Membership.objects.create(workspace=workspace, user=owner, role=Membership.OWNER)
    big = create_system(workspace, generate_system(300), owner)
    report_system = create_system(workspace, generate_system(40), owner)
    fixture = {"big": big.pk, "report_system": report_system.pk, "reporter": _session_for(owner)}
    fixture["editor_sessions"], fixture["editor_systems"], fixture["viewer_sessions"] = [], [], []
    for i in range(editors):
        user = users.create_user(f"editor{i}")
        Membership.objects.create(workspace=workspace, user=user, role=Membership.EDITOR)
        document = generate_system(40)
        document["name"] = f"Editor {i}'s system"
        fixture["editor_systems"].append(create_system(workspace, document, user).pk)
        fixture["editor_sessions"].append(_session_for(user))
    for i in range(viewers):
        user = users.create_user(f"viewer{i}")
        Membership.objects.create(workspace=workspace, user=user, role=Membership.VIEWER)
        fixture["viewer_sessions"].append(_session_for(user))
    print(json.dumps(fixture))


def verify(acknowledged: dict[str, list[int]]) -> None:
    _django()
    from django_tasks_db.models import DBTaskResult

    from reviews.models import Report, System
    from reviews.tasks import fail_lost_reports, render_report

    lost_saves = 0
    for pk, (version, x) in acknowledged.items():
        system = System.objects.get(pk=int(pk))
        position = system.document["elements"][0].get("position", {})
        if system.version < version or (system.version == version and position.get("x") != x):
            lost_saves += 1
    deadline = time.monotonic() + 75
    while time.monotonic() < deadline:
        fail_lost_reports()
        if not Report.objects.filter(status__in=[Report.QUEUED, Report.RUNNING]).exists():
            break
        time.sleep(2)
    counts = {s: Report.objects.filter(status=s).count() for s, _ in Report.STATUSES}
    reasons = sorted({r.error[:90] for r in Report.objects.filter(status=Report.FAILED)})
    print(
        f"lost: {lost_saves} of {len(acknowledged)} editors' last acknowledged saves missing; "
        f"reports: {counts['done']} done, {counts['failed']} failed, "
        f"{counts['queued'] + counts['running']} never finished"
    )
    for reason in reasons:
        print(f"  failed report: {reason}")
    tasks = DBTaskResult.objects.filter(task_path=render_report.module_path)
    print(
        f"render task rows: {tasks.filter(status='SUCCESSFUL').count()} successful, "
        f"{tasks.filter(status='FAILED').count()} failed, "
        f"{tasks.filter(status='RUNNING').count()} left running (orphans)"
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--setup":
        setup(int(sys.argv[2]), int(sys.argv[3]))
    elif len(sys.argv) > 1 and sys.argv[1] == "--verify":
        verify(json.loads(sys.argv[2]))
    else:
        main()
