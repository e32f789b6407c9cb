"""How the benchmark measures a process: wall time, CPU time and peak memory of one child.

`os.wait4` gives the resource usage of exactly the child that was waited for (and of its own
reaped children), so builds that run side by side in other processes do not leak into the
figures, unlike `RUSAGE_CHILDREN` deltas. Its `ru_maxrss` is the peak of the *largest single*
process, though, while a build that spreads work over a process pool holds the *sum* of its
processes; so the tree's memory is also sampled, and the peak is the larger of the two. The tree
is summed by proportional set size (PSS): a forked worker shares its parent's pages until it
writes to them, and summing resident sizes would count those shared pages once per process.

Reading a process's PSS makes the kernel walk its page tables: 14 ms for a process of 860 MiB.
Sampled every 50 ms, a build's tree of three such processes lost a quarter of a core to the
sampler (and 16% of its wall time on two cores), while a small single process lost nothing
measurable. So the sampler backs off: it waits between samples at least `MEMORY_SAMPLE_INTERVAL`,
and long enough that its own CPU time stays under `SAMPLER_SHARE` of one core.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

TAIL_LINES, TAIL_CHARS = 3, 600
MEMORY_SAMPLE_INTERVAL = 0.05
SAMPLER_SHARE = 0.02
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")

#: (tool, scenario): what one timed build is; briefgen has the four scenarios, peers `clean`.
BuildKey = tuple[str, str]
SCENARIOS = {
    "clean": "clean build, empty cache",
    "warm": "rebuild, warm cache, no change",
    "warm-edit": "rebuild, warm cache, one briefing changed",
    "warm-text": "rebuild, warm cache, one article's text changed",
}


@dataclass(frozen=True, slots=True)
class Sample:
    """One run of one command; `error` is empty when it succeeded."""

    wall: float
    cpu: float
    peak_rss_mib: float
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


@dataclass(frozen=True, slots=True)
class Latency:
    """Edit → updated page through one tool's preview server, started on a clean project
    (`startup` to its first page); and `restart`, its start after a build and one edit, to the
    edited page."""

    tool: str
    startup: float | None = None
    samples: tuple[float, ...] = ()
    error: str = ""
    restart: float | None = None
    restart_error: str = ""


@dataclass(frozen=True, slots=True)
class ExtractionSpeed:
    """`briefgen.extract.extract` over every article, `len(walls)` times, in this process."""

    articles: int
    words: int
    walls: tuple[float, ...] = ()
    cpus: tuple[float, ...] = ()
    error: str = ""


@dataclass(frozen=True, slots=True)
class SizeResult:
    """Everything measured on the corpus of `n` articles."""

    n: int
    corpus: Path
    manifest: Mapping[str, object]
    rounds: tuple[Mapping[BuildKey, Sample], ...]
    pages: Mapping[str, int]
    latency: tuple[Latency, ...] = ()
    extraction: ExtractionSpeed | None = None

    @property
    def failed(self) -> bool:
        return (
            any(not s.ok for r in self.rounds for s in r.values())
            or any(lat.error or lat.restart_error for lat in self.latency)
            or bool(self.extraction and self.extraction.error)
        )


def run_measured(argv: Sequence[str], cwd: Path, timeout: float) -> Sample:
    """Run `argv` in `cwd` to completion (killed after `timeout` s) and measure it.

    Output goes to a temporary file, whose tail becomes the error of a failed run; a program
    that cannot be started is a failed run too, never an exception.
    """
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        try:
            child = subprocess.Popen(
                list(argv),
                cwd=cwd,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError as failure:
            return Sample(0.0, 0.0, 0.0, error=f"cannot start {argv[0]}: {failure}")
        watchdog = threading.Timer(timeout, kill_group, (child.pid, signal.SIGKILL))
        watchdog.start()
        try:
            with TreeMemory(child.pid) as tree:
                _, status, usage = os.wait4(child.pid, 0)
        finally:
            watchdog.cancel()
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        error = _failure(child.returncode, wall, timeout, log)
    return Sample(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        peak_rss_mib=max(usage.ru_maxrss * 1024, tree.peak_bytes) / 2**20,
        error=error,
    )


class TreeMemory:
    """Samples, in a thread, the memory of a process and all its descendants together (see
    `tree_memory_bytes`); `peak_bytes` is the highest sum seen."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.peak_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        interval = MEMORY_SAMPLE_INTERVAL
        while not self._stop.wait(interval):
            started = time.thread_time()
            self.peak_bytes = max(self.peak_bytes, tree_memory_bytes(self.root))
            spent = time.thread_time() - started
            interval = max(MEMORY_SAMPLE_INTERVAL, spent / SAMPLER_SHARE)


def tree_memory_bytes(root: int) -> int:
    """Bytes of `root` and its descendants now (via /proc/<pid>/task/*/children): each
    process's proportional set size, its resident size where the kernel gives no PSS."""
    total, pending, seen = 0, [root], set()
    while pending:
        pid = pending.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            total += process_memory_bytes(pid)
            for children in Path(f"/proc/{pid}/task").glob("*/children"):
                pending += [int(child) for child in children.read_text().split()]
        except (OSError, ValueError, IndexError):
            continue  # it ended while we looked
    return total


def process_memory_bytes(pid: int) -> int:
    """The process's proportional set size (shared pages divided among their sharers)."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_BYTES
    pss = next(line for line in rollup.splitlines() if line.startswith("Pss:"))
    return int(pss.split()[1]) * 1024


def _failure(returncode: int, wall: float, timeout: float, log: IO[bytes]) -> str:
    """Why a run failed, with the last lines it printed (where a traceback says what broke)."""
    if returncode == 0:
        return ""
    log.seek(0)
    lines = log.read().decode(errors="replace").strip().splitlines()
    tail = " ⏎ ".join(line.strip() for line in lines[-TAIL_LINES:])[-TAIL_CHARS:]
    why = f"killed after {timeout:.0f} s" if wall >= timeout else f"exit status {returncode}"
    return f"{why}: {tail}" if tail else why


def kill_group(pid: int, sig: signal.Signals) -> None:
    """Signal the process group led by `pid` (our children lead their own), if still there."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)


def stop_process(process: subprocess.Popen[bytes], grace: float = 5.0) -> None:
    """Stop a server as a user would (Ctrl-C), then insist: SIGTERM, then SIGKILL."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        kill_group(process.pid, sig)
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue
