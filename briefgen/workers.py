"""When briefgen spreads work over processes, and how it starts them.

A forked worker starts with a copy of its parent's memory (imported modules, an assembled site,
compiled templates) at no cost, which makes it the cheapest worker there is; but forking is safe
only while the parent runs a single thread (another thread's locks would stay locked in the
child). The preview server runs threads, so it gets workers started from a clean process.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_all_start_methods, get_context
from multiprocessing.context import BaseContext
from multiprocessing.sharedctypes import Synchronized
from typing import Any, TypeVar


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


R = TypeVar("R")
F = TypeVar("F")

#: How many items each process takes at a time when two share a list.
CHUNK = 8


def in_two_processes(
    make: Callable[[int], R],
    count: int,
    meanwhile: Callable[[], None],
    first: Callable[[], F],
) -> tuple[list[R], F]:
    """`make(i)` for every i below `count`, in order, shared with one forked worker, and what
    the worker's `first` gave.

    The worker starts with this process's memory (for the renderer: the site, the theme, the
    compiled templates) and does `first`, then the items, while this process does `meanwhile`;
    then both take the remaining items a few at a time, so that neither waits for the other.
    The worker's results come back pickled: `make` and `first` should hand large results on
    themselves (to a file, say) and return only what the caller needs. Call it only where
    `can_fork()`.
    """
    context = get_context("fork")
    take = functools.partial(_next_chunk, context.Value("i", 0), count)
    global _FORKED_SHARE  # how the forked worker finds its work
    _FORKED_SHARE = functools.partial(_first_and_share, first, make, take)
    try:
        with ProcessPoolExecutor(1, mp_context=context) as pool:
            theirs = pool.submit(_forked_share)
            meanwhile()
            made = dict(_share(make, take))
            first_made, their_share = theirs.result()
            made.update(their_share)
    finally:
        _FORKED_SHARE = None
    return [made[index] for index in range(count)], first_made


_FORKED_SHARE: Callable[[], tuple[Any, list[tuple[int, Any]]]] | None = None


def _forked_share() -> tuple[Any, list[tuple[int, Any]]]:
    """Runs in the forked worker: `first`, then its share of the items."""
    assert _FORKED_SHARE is not None
    return _FORKED_SHARE()


def _first_and_share(
    first: Callable[[], F], make: Callable[[int], R], take: Callable[[], range]
) -> tuple[F, list[tuple[int, R]]]:
    return first(), _share(make, take)


def _next_chunk(taken: Synchronized[int], total: int) -> range:
    """The indices of the next few items no process has taken yet (empty when none is left)."""
    with taken.get_lock():
        start = taken.value
        taken.value = min(start + CHUNK, total)
    return range(start, min(start + CHUNK, total))


def _share(make: Callable[[int], R], take: Callable[[], range]) -> list[tuple[int, R]]:
    return [(index, make(index)) for chunk in iter(take, range(0)) for index in chunk]
