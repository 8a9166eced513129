"""gunicorn settings for Ciphermap (read by `gunicorn config.wsgi` from this directory).

Several synchronous workers, so one slow request (a large import or save) never makes
everyone else wait; a timeout, so a stuck request is killed and its worker replaced
instead of holding a slot forever. Each knob can be set from the environment.
"""

from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# The classic 2 x cores + 1: requests wait on the database about half the time.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))  # seconds a request may take
graceful_timeout = 20
keepalive = 5
# A worker is replaced after this many requests (with jitter, so not all at once):
# memory a large request took is given back to the system.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 1000))
max_requests_jitter = 100
# Small request bodies only (the model upload cap is enforced again by Django).
limit_request_line = 8190
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
