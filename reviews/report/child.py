"""Run one report render in a child process under a wall-clock and a memory budget.

A report is built from user input, and layout cost grows with it: one report must never
take the worker down, stall every other workspace's reports, or keep its memory after it
is done. The child limits its own address space and CPU time, and sends progress and the
result back over a pipe. The parent waits, renews the report's lease while it waits, and
kills the child at the deadline. When the child exits, the operating system takes back
all its memory.

Children come from a forkserver, not from fork(): the worker has threads (the database
driver's, the task runner's), and a child forked from a multithreaded process can
deadlock on a lock another thread held at the fork (Python 3.12+ warns about it). The
forkserver is a fresh single-threaded process that has imported WeasyPrint once, so a
child starts in milliseconds. It shares nothing with the worker: the work is named by a
module-level function and picklable arguments (a prepared report: HTML, images and
attachments), and the child reads no database: it takes the few settings it needs (where
the static files are) from the worker as they are at the call.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import resource
import signal
import time
from collections.abc import Callable
from typing import Any

Progress = Callable[[str], None]
# Imported once by the forkserver (before any settings exist), so children start warm.
PRELOAD = ["weasyprint"]
# Settings the child takes from the worker, as the worker has them at the call.
INHERITED_SETTINGS = ("STATIC_URL", "STATICFILES_DIRS", "STATIC_ROOT")


class BudgetExceeded(RuntimeError):
    """The render went over its time or memory budget, or its process died."""


def _context() -> multiprocessing.context.ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    assert isinstance(context, multiprocessing.context.ForkServerContext)
    context.set_forkserver_preload(PRELOAD)
    return context


def _inherited_settings() -> dict[str, Any]:
    from django.conf import settings

    return {name: getattr(settings, name) for name in INHERITED_SETTINGS}


def _take_settings(inherited: dict[str, Any]) -> None:
    from django.conf import settings

    for name, value in inherited.items():
        setattr(settings, name, value)


def _child(conn, work, args, inherited, seconds: int, memory_mb: int) -> None:
    # The limits apply to this process only; the worker keeps its own.
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds + 5, seconds + 10))
    try:
        _take_settings(inherited)
        result = work(*args, progress=lambda message: conn.send(("progress", message)))
    except MemoryError:
        conn.send(("memory", None))
    except BaseException as error:  # everything the parent must report, not re-raise here
        conn.send(("error", f"{type(error).__name__}: {error}"))
    else:
        conn.send(("done", result))
    finally:
        conn.close()


def run_bounded(
    work: Callable[..., Any],
    *args: Any,
    seconds: int,
    memory_mb: int,
    progress: Progress | None = None,
    alive: Callable[[], None] | None = None,
    poll: float = 1.0,
) -> Any:
    """`work(*args, progress=...)` in a child process; its return value, or BudgetExceeded.

    `work` is a module-level function and `args` are picklable (they travel to the
    child). `progress` receives the child's messages; `alive` is called about every
    `poll` seconds while the child runs (the caller renews its lease there). An exception
    in `work` comes back as RuntimeError with the child's "Type: message".
    """
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child, args=(sender, work, args, _inherited_settings(), seconds, memory_mb)
    )
    process.start()
    sender.close()
    deadline = time.monotonic() + seconds
    try:
        while True:
            if time.monotonic() > deadline:
                raise BudgetExceeded(f"the report took longer than its {seconds} s budget")
            if receiver.poll(poll):
                try:
                    kind, value = receiver.recv()
                except EOFError:
                    raise BudgetExceeded(_death(process, memory_mb)) from None
                if kind == "progress":
                    if progress:
                        progress(value)
                elif kind == "done":
                    return value
                elif kind == "memory":
                    raise BudgetExceeded(f"the report needed more than its {memory_mb} MiB")
                else:
                    raise RuntimeError(value)
            elif not process.is_alive() and not receiver.poll(0):
                raise BudgetExceeded(_death(process, memory_mb))
            if alive:
                alive()
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(5)


def _death(process, memory_mb: int) -> str:
    process.join(5)
    code = process.exitcode
    if code is not None and code < 0:
        name = signal.Signals(-code).name
        if -code == signal.SIGXCPU:
            return "the report used up its CPU time budget"
        if -code == signal.SIGKILL:
            return f"the report's process was killed (out of memory? budget {memory_mb} MiB)"
        return f"the report's process died ({name})"
    return f"the report's process exited unexpectedly (code {code})"
