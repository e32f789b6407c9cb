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
from collections.abc import Callable, Iterable, Sequence
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
    make: Callable[[int], R],
    count: int,
    meanwhile: Iterable[object] = (),
    *,
    shared: Sequence[int] | None = None,
    after: Forked[Any] | None = None,
    per_helper: int | None = None,
) -> list[R]:
    """`make(i)` for every i below `count`, in order, with a forked helper process on the
    other core: one at a time, each taking at most `per_helper` items (all, by default) of
    those `shared` (all, by default), the next started as soon as the last is done, and the
    first once the `after` process (if any) ended.

    A helper starts with this process's memory (for the renderer: the site, the theme, the
    compiled templates), and starts on the shared items while this process goes through
    `meanwhile` (a step at a time: between steps, it sees to the helpers); this process then
    makes the items not shared, then takes the shared items left, a few at a time, as the
    helpers do, so that neither waits for the other. Every page of memory either process
    writes to while both live is copied, and reading an object writes its reference count: a
    helper that lived through all the items would end up with its own copy of most of what
    they read. Helpers that each take a part, one at a time, copy a part each, freed as each
    ends.

    A helper's results come back pickled: `make` should hand large results on itself (to a
    file, say) and return only what the caller needs. Call it only where `can_fork()`. When
    no helper can start, or one dies (the system refused a process, or ended one short of
    memory), this process makes what they did not hand back, and starts no other.
    """
    shared = range(count) if shared is None else shared
    helpers = _Helpers(make, shared, after, per_helper or len(shared))
    try:
        for _ in meanwhile:
            helpers.see_to()
        made: dict[int, R] = {}
        for index in sorted(set(range(count)).difference(shared)):
            made[index] = make(index)
            helpers.see_to()
        made.update(helpers.rest())
        made.update(helpers.finish())
    finally:
        helpers.close()
    return [made[index] if index in made else make(index) for index in range(count)]


class _Helpers(Generic[R]):
    """The helper processes of `in_two_processes`, one at a time, and the queue of shared
    items they take from."""

    def __init__(
        self,
        make: Callable[[int], R],
        shared: Sequence[int],
        after: Forked[Any] | None,
        per_helper: int,
    ) -> None:
        self._make = make
        self._after = after
        self._share = functools.partial(_share, make, limit=per_helper)
        self._helper: Forked[list[tuple[int, R]]] | None = None
        self._made: dict[int, R] = {}
        self._queue: IO[bytes] | None = None
        self._may_fork = True  # until a helper could not start, or died
        self._take: Callable[[], Sequence[int]] = lambda: ()  # no queue: nothing to share
        try:
            self._queue = _chunk_queue(len(shared))
        except OSError:  # no temporary file to be had: everything is made here
            self._may_fork = False
        else:
            self._take = functools.partial(_next_chunk, self._queue.fileno(), shared)
        self.see_to()

    def see_to(self) -> None:
        """Take what a helper that ended made, and start the next if items are left (once
        the `after` process ended)."""
        if self._helper is not None:
            if not self._helper.ended():
                return
            self._hand_back()
        if self._after is not None:
            if not self._after.ended():
                return
            self._after = None
        if self._may_fork and self._queue is not None and _items_left(self._queue):
            try:
                self._helper = Forked(functools.partial(self._share, self._take))
            except OSError:  # no process to be had
                self._may_fork = False

    def rest(self) -> dict[int, R]:
        """The shared items no helper took, made here a few at a time."""
        made: dict[int, R] = {}
        while chunk := self._take():
            made.update((index, self._make(index)) for index in chunk)
            self.see_to()
        return made

    def finish(self) -> dict[int, R]:
        """What the helpers made, once the last is done."""
        if self._helper is not None:
            self._hand_back()
        return self._made

    def close(self) -> None:
        """End a helper still running (when this process failed), and drop the queue."""
        if self._helper is not None:
            self._helper.close()
        if self._queue is not None:
            self._queue.close()

    def _hand_back(self) -> None:
        assert self._helper is not None
        try:
            self._made.update(self._helper.result())
        except ForkedFailed:
            self._may_fork = False
        self._helper = None


def _chunk_queue(count: int) -> IO[bytes]:
    """The shared items of `in_two_processes`: an unnamed temporary file holding where each
    chunk of `CHUNK` items starts in their list, in order, a 4-byte record each, read from its
    start.

    Every process reads it through the same open file, whose position the system moves for
    each read, one at a time: each record goes to one process, and no lock is needed. (A lock
    in shared memory would stay taken, and the other process wait forever, were a helper
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


def _items_left(queue: IO[bytes]) -> bool:
    """Whether any process is yet to take a chunk of the queue."""
    fd = queue.fileno()
    return os.lseek(fd, 0, os.SEEK_CUR) < os.fstat(fd).st_size


def _next_chunk(queue: int, shared: Sequence[int]) -> Sequence[int]:
    """The next few of the `shared` items no process has taken yet (none when none is left)."""
    record = os.read(queue, 4)
    if len(record) < 4:
        return ()
    start = int.from_bytes(record, "little")
    return shared[start : start + CHUNK]


def _share(
    make: Callable[[int], R], take: Callable[[], Sequence[int]], limit: int
) -> list[tuple[int, R]]:
    """A helper's work: chunks of the queue, until it is empty or `limit` items are made."""
    made: list[tuple[int, R]] = []
    while len(made) < limit and (chunk := take()):
        made.extend((index, make(index)) for index in chunk)
    return made


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
        self._status: int | None = None  # once `ended` saw it end

    def ended(self) -> bool:
        """Whether the process ended (without waiting for it)."""
        if self._status is None and self._pid is not None:
            pid, status = os.waitpid(self._pid, os.WNOHANG)
            if pid != 0:
                self._status = status
        return self._status is not None

    def result(self) -> R:
        """What `task` returned; `ForkedFailed` when it raised or its process died."""
        if self._pid is None:
            raise ForkedFailed("closed")
        status = self._status if self._status is not None else os.waitpid(self._pid, 0)[1]
        self._pid = None
        with self._file:
            if status != 0:
                raise ForkedFailed(f"exit status {status}")
            self._file.seek(0)  # the child wrote through the same open file
            result: R = pickle.load(self._file)  # written by our own child, just now
        return result

    def close(self) -> None:
        """End the process, unless its result was taken."""
        if self._pid is not None and self._status is None:
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
