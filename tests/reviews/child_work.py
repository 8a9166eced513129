"""Work for the report child in tests: module-level functions, so the forkserver's child
can import them by name (it shares nothing else with the test process), and no Django
models, which the child never sets up."""

from __future__ import annotations

import os
import signal
import time


def report_progress(pages: int, progress):
    progress("Analysing the model")
    progress(f"Writing {pages} pages")
    return b"%PDF-", os.getpid()


def sleep(seconds: float, progress) -> None:
    time.sleep(seconds)


def address_space_mb(progress) -> int:
    """The child's own address space: the budget's baseline (a forkserver child is much
    smaller than the test process that asks for it)."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmSize:"))
    return int(line.split()[1]) // 1024


def allocate(megabytes: int, progress) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


def kill_itself(progress) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def fail(message: str, progress) -> None:
    raise ValueError(message)
