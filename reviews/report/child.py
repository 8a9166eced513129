"""Run one report render in a child process under a wall-clock and a memory budget.

A report is built from user input, and layout cost grows with it: one report must never
take the worker down, stall every other workspace's reports, or keep its memory after it
is done. The child is forked (so WeasyPrint, already imported, costs nothing to start),
limits its own address space and CPU time, and sends progress and the result back over a
pipe. The parent waits, renews the report's lease while it waits, and kills the child at
the deadline. When the child exits, the operating system takes back all its memory.
"""

from __future__ import annotations

import multiprocessing
import resource
import signal
import time
from collections.abc import Callable
from typing import Any

from django.db import connections

Progress = Callable[[str], None]


class BudgetExceeded(RuntimeError):
    """The render went over its time or memory budget, or its process died."""


def _child(conn, work: Callable[[Progress], Any], seconds: int, memory_mb: int) -> None:
    # The limits apply to this process only; the worker that forked it keeps its own.
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds + 5, seconds + 10))
    try:
        result = work(lambda message: conn.send(("progress", message)))
    except MemoryError:
        conn.send(("memory", None))
    except BaseException as error:  # everything the parent must report, not re-raise here
        conn.send(("error", f"{type(error).__name__}: {error}"))
    else:
        conn.send(("done", result))
    finally:
        connections.close_all()  # this process's own connections, opened after the fork
        conn.close()


def run_bounded(
    work: Callable[[Progress], Any],
    *,
    seconds: int,
    memory_mb: int,
    progress: Progress | None = None,
    alive: Callable[[], None] | None = None,
    poll: float = 1.0,
) -> Any:
    """`work(progress)` in a child process; its return value, or BudgetExceeded.

    `progress` receives the child's messages; `alive` is called about every `poll`
    seconds while the child runs (the caller renews its lease there). An exception in
    `work` comes back as RuntimeError with the child's "Type: message".
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    # A forked child must not share the parent's database sockets: close them here and
    # both sides open their own on next use.
    connections.close_all()
    process = context.Process(target=_child, args=(sender, work, seconds, memory_mb))
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
