"""`manage.py report_worker`: django-tasks-db's db_worker that outlives a database restart.

db_worker exits on the first database error, idle or busy, and reports then wait forever.
This worker logs the error, drops its connections, waits (1 s, doubling up to 30 s) and
goes back to the queue. A render cut off by the restart is marked failed by its own
handler once the database is back (reviews/tasks.py), or by its lease running out.
Run it under a supervisor all the same (docs: systemd unit and Procfile in deploy/).
"""

from __future__ import annotations

import logging
import time

from django.db import DatabaseError, InterfaceError, connections
from django_tasks_db.management.commands import db_worker

logger = logging.getLogger("reviews.worker")
MAX_BACKOFF = 30.0


class ResilientWorker(db_worker.Worker):
    def run(self) -> None:
        backoff = 1.0
        while self.running:
            started = time.monotonic()
            try:
                super().run()
                return  # --batch or --max-tasks finished, or a graceful stop
            except (DatabaseError, InterfaceError) as error:
                if time.monotonic() - started > MAX_BACKOFF:
                    backoff = 1.0  # it ran a while: this is a new outage
                logger.warning(
                    "database unavailable (%s: %s); retrying in %.0f s",
                    type(error).__name__,
                    str(error).strip().splitlines()[0] if str(error).strip() else "",
                    backoff,
                )
                connections.close_all()
                time.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)


class Command(db_worker.Command):
    help = "Run the report worker: the database task queue, reconnecting after outages"

    def handle(self, *, verbosity: int, **options) -> None:
        self.configure_logging(verbosity)
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        worker = ResilientWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        worker.configure_signals()
        worker.run()
