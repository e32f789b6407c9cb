"""When briefgen spreads work over processes, and how it starts them.

A forked worker starts with a copy of its parent's memory (imported modules, an assembled site,
compiled templates) at no cost, which makes it the cheapest worker there is; but forking is safe
only while the parent runs a single thread (another thread's locks would stay locked in the
child). The preview server runs threads, so it gets workers started from a clean process.
"""

from __future__ import annotations

import os
import threading
from multiprocessing import get_all_start_methods, get_context
from multiprocessing.context import BaseContext


def cores() -> int:
    """The processors this process may run on."""
    return len(os.sched_getaffinity(0))


def can_fork() -> bool:
    """Whether a forked worker is safe here: one thread, and a system that forks."""
    return threading.active_count() == 1 and "fork" in get_all_start_methods()


def worker_context() -> BaseContext:
    """Forked workers where that is safe, else workers from a fork server (a clean process
    that imports briefgen once and forks the workers from there)."""
    return get_context("fork" if can_fork() else "forkserver")
