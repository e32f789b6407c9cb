"""When briefgen spreads work over processes, and how it starts them.

A forked worker starts with a copy of its parent's memory (imported modules, an assembled site,
compiled templates) at no cost, which makes it the cheapest worker there is; but forking is safe
only while the parent runs a single thread (another thread's locks would stay locked in the
child). The preview server runs threads, so it gets workers started from a clean process.
"""

from __future__ import annotations

import contextlib
import copyreg
import functools
import os
import pickle
import signal
import tempfile
import threading
from collections.abc import Callable
from multiprocessing import get_all_start_methods, get_context
from multiprocessing.context import BaseContext
from typing import IO, Any, Generic, NoReturn, TypeVar

from briefgen.fingerprint import field_values


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


def pickled_as_fields(*classes: type) -> None:
    """Have each of `classes` (dataclasses, whose instances go from one process to another)
    pickled as its class and the tuple of its fields, made again through its constructor.

    A dataclass with slots is otherwise pickled through its `__getstate__`, which calls
    `dataclasses.fields` for every instance: handing back the outcomes of 7,500 pages cost a
    worker 53 ms, against 13 ms so. Digests (`fingerprint.Digester`) pickle with their own
    reductions, and are not affected.
    """
    for cls in classes:
        copyreg.pickle(cls, functools.partial(_by_fields, cls, field_values(cls)))


def _by_fields(
    cls: type, fields: Callable[[Any], tuple[object, ...]], value: object
) -> tuple[type, tuple[object, ...]]:
    return cls, fields(value)


R = TypeVar("R")

#: How many items each process takes at a time when two share a list.
CHUNK = 8


def in_two_processes(
    make: Callable[[int], R], count: int, meanwhile: Callable[[], None]
) -> list[R]:
    """`make(i)` for every i below `count`, in order, shared with one forked worker.

    The worker starts with this process's memory (for the renderer: the site, the theme, the
    compiled templates) and starts on the items while this process does `meanwhile`; then both
    take the remaining items a few at a time, so that neither waits for the other. The
    worker's results come back pickled: `make` should hand large results on itself (to a
    file, say) and return only what the caller needs. Call it only where `can_fork()`.

    When the worker cannot start, or dies (the system refused a process, or ended one short of
    memory), this process makes what it did not hand back.
    """
    made: dict[int, R] = {}
    queue: IO[bytes] | None = None
    theirs: Forked[list[tuple[int, R]]] | None = None
    try:
        queue = _chunk_queue(count)
        take = functools.partial(_next_chunk, queue.fileno(), count)
        theirs = Forked(functools.partial(_share, make, take))
    except OSError:  # no temporary file or no process to be had
        pass
    try:
        meanwhile()
        if queue is not None:
            made.update(_share(make, take))
        if theirs is not None:
            with contextlib.suppress(ForkedFailed):
                made.update(theirs.result())
    finally:
        if theirs is not None:
            theirs.close()
        if queue is not None:
            queue.close()
    return [made[index] if index in made else make(index) for index in range(count)]


def _chunk_queue(count: int) -> IO[bytes]:
    """The work of `in_two_processes`: an unnamed temporary file holding the first index of
    each chunk of `CHUNK` items, in order, a 4-byte record each, read from its start.

    Both processes read it through the same open file, whose position the system moves for
    each read, one at a time: each record goes to one process, and no lock is needed. (A lock
    in shared memory would stay taken, and the other process wait forever, were the worker
    killed while it held it, short of memory say.)
    """
    queue = tempfile.TemporaryFile()  # noqa: SIM115 (closed by the caller)
    try:
        queue.write(b"".join(start.to_bytes(4, "little") for start in range(0, count, CHUNK)))
        queue.flush()
        os.lseek(queue.fileno(), 0, os.SEEK_SET)
    except OSError:
        queue.close()
        raise
    return queue


def _next_chunk(queue: int, total: int) -> range:
    """The indices of the next few items no process has taken yet (empty when none is left)."""
    record = os.read(queue, 4)
    if len(record) < 4:
        return range(0)
    start = int.from_bytes(record, "little")
    return range(start, min(start + CHUNK, total))


def _share(make: Callable[[int], R], take: Callable[[], range]) -> list[tuple[int, R]]:
    return [(index, make(index)) for chunk in iter(take, range(0)) for index in chunk]


class ForkedFailed(Exception):
    """A `Forked` task raised, or its process ended before handing its result."""


class Forked(Generic[R]):
    """`task()` run in a forked process, started now, while this process goes on; `result()`
    waits for what it returned.

    One more task on the other core, at the cost of a fork: the child starts with this
    process's memory (an assembled site, say), and only its result comes back, pickled into an
    unnamed temporary file, so that the child ends as soon as it is done, its memory with it
    (through a pipe, it would wait to be read). Start one only where `can_fork()`: it runs no
    thread, so a later fork is as safe. `close` ends the process if its result is not wanted.
    """

    def __init__(self, task: Callable[[], R]) -> None:
        """Raises OSError when no temporary file or no process can be had."""
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by result or close)
        try:
            pid = os.fork()
        except OSError:
            self._file.close()
            raise
        if pid == 0:
            _hand_back(task, self._file)
        self._pid: int | None = pid

    def result(self) -> R:
        """What `task` returned; `ForkedFailed` when it raised or its process died."""
        if self._pid is None:
            raise ForkedFailed("closed")
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        with self._file:
            if status != 0:
                raise ForkedFailed(f"exit status {status}")
            self._file.seek(0)  # the child wrote through the same open file
            result: R = pickle.load(self._file)  # written by our own child, just now
        return result

    def close(self) -> None:
        """End the process, unless its result was taken."""
        if self._pid is not None:
            with contextlib.suppress(OSError):
                os.kill(self._pid, signal.SIGKILL)
                os.waitpid(self._pid, 0)
            self._pid = None
        self._file.close()


def _hand_back(task: Callable[[], Any], file: IO[bytes]) -> NoReturn:
    """Runs in a `Forked` child: the task's result, pickled, to `file`; then exit, running
    nothing of the parent's (exit handlers, buffers, `finally` blocks of its callers)."""
    status = 1
    try:
        pickle.dump(task(), file, protocol=5)
        file.flush()
        status = 0
    finally:
        os._exit(status)
