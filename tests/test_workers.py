"""Work in forked processes: results come back, failures say so, nothing is left running."""

from __future__ import annotations

import copyreg
import dataclasses
import itertools
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefgen.workers import Forked, ForkedFailed, can_fork, in_two_processes, pickled_as_fields

pytestmark = pytest.mark.skipif(not can_fork(), reason="forks only with one thread")


def test_a_forked_task_hands_back_its_result() -> None:
    parent = os.getpid()
    task = Forked(lambda: (os.getpid() != parent, list(range(100_000))))
    assert task.result() == (True, list(range(100_000))), "made in another process, whole"


def test_a_forked_task_that_raises_fails_in_the_parent() -> None:
    task = Forked(lambda: 1 / 0)
    with pytest.raises(ForkedFailed):
        task.result()


def test_a_forked_task_closed_unasked_is_ended() -> None:
    task = Forked(lambda: time.sleep(60))
    started = time.monotonic()
    task.close()
    assert time.monotonic() - started < 5
    with pytest.raises(ForkedFailed):
        task.result()


def _steps(done: list[str], count: int = 1) -> Iterator[None]:
    """What this process does meanwhile, `count` steps noted in `done`."""
    for _ in range(count):
        done.append("meanwhile")
        yield


def test_two_processes_give_every_result_in_order() -> None:
    done: list[str] = []
    made = in_two_processes(lambda index: (index, os.getpid()), 100, _steps(done, 3))
    assert [index for index, _ in made] == list(range(100))
    assert done == ["meanwhile"] * 3
    assert len({pid for _, pid in made}) <= 2


def _made_where(index: int) -> tuple[int, float, float]:
    """The process that made an item, and when (a few milliseconds each)."""
    started = time.monotonic()
    time.sleep(0.002)
    return os.getpid(), started, time.monotonic()


def test_helpers_take_turns_on_the_shared_items_alone() -> None:
    parent = os.getpid()
    shared = list(range(0, 300, 2))
    made = in_two_processes(_made_where, 300, shared=shared, per_helper=24)
    assert all(made[index][0] == parent for index in range(1, 300, 2)), "items not shared"
    by_helper: dict[int, list[tuple[float, float]]] = {}
    for pid, started, ended in made:
        if pid != parent:
            by_helper.setdefault(pid, []).append((started, ended))
    assert len(by_helper) >= 2, "a helper for each part of the shared items"
    assert all(len(times) <= 24 for times in by_helper.values())
    spans = sorted((min(times)[0], max(times)[1]) for times in by_helper.values())
    assert all(end <= next_start for (_, end), (next_start, _) in itertools.pairwise(spans)), (
        "one helper at a time"
    )


def test_helpers_start_once_the_process_before_them_ended() -> None:
    parent = os.getpid()
    before = Forked(lambda: (time.sleep(0.3), time.monotonic())[1])
    made = in_two_processes(_made_where, 600, after=before)  # 1.2 s here alone
    ended = before.result()
    helped = [started for pid, started, _ in made if pid != parent]
    assert helped, "a helper took some items"
    assert min(helped) >= ended


def test_what_a_dying_worker_leaves_is_made_here(tmp_path: Path) -> None:
    parent = os.getpid()
    died = tmp_path / "died"

    def make(index: int) -> int:
        if os.getpid() == parent:
            time.sleep(0.002)  # so that the worker takes its share
        elif index >= 20:
            died.touch()
            os._exit(1)  # the worker ends, as a process the system killed would
        return index * index

    done: list[str] = []
    made = in_two_processes(make, 200, _steps(done))
    assert died.exists(), "the worker died"
    assert made == [index * index for index in range(200)]
    assert done == ["meanwhile"], "once, whatever became of the worker"


def test_after_a_helper_died_no_other_starts() -> None:
    parent = os.getpid()

    def make(index: int) -> int:
        if os.getpid() == parent:
            time.sleep(0.002)
            return parent
        if index >= 100:
            os._exit(1)  # short of memory, say: the next could die the same way
        return os.getpid()

    made = in_two_processes(make, 200, per_helper=10)
    assert set(made[:96]) - {parent}, "helpers made some of the first items"
    # The one that died took the chunk of 8 holding item 100 (and no later one).
    assert set(made[104:]) == {parent}, "no helper after the one that died"


@pytest.mark.parametrize("refused", ["Forked", "tempfile.TemporaryFile"])
def test_without_a_worker_everything_is_made_here(
    monkeypatch: pytest.MonkeyPatch, refused: str
) -> None:
    def refusing(*args: object) -> None:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(f"briefgen.workers.{refused}", refusing)
    done: list[str] = []
    made = in_two_processes(lambda index: index + 1, 50, _steps(done))
    assert made == list(range(1, 51))
    assert done == ["meanwhile"]


@dataclasses.dataclass(frozen=True, slots=True)
class Record:
    name: str
    count: int = 0
    notes: tuple[str, ...] = ()


def test_values_pickled_as_their_fields_come_back_equal() -> None:
    pickled_as_fields(Record)
    record = Record("page", 3, ("kept",))
    assert copyreg.dispatch_table[Record](record) == (Record, ("page", 3, ("kept",)))
    made = Forked(lambda: [record, Record("other")])
    assert made.result() == [record, Record("other")], "equal values, from another process"


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc")
def test_a_failure_meanwhile_leaves_no_worker_running() -> None:
    def fail() -> Iterator[None]:
        yield
        raise RuntimeError("a theme error")

    with pytest.raises(RuntimeError):
        in_two_processes(lambda index: time.sleep(0.01), 1000, fail(), per_helper=100)
    children = [
        pid
        for task in Path("/proc/self/task").iterdir()
        for pid in (task / "children").read_text().split()
    ]
    assert children == [], "the worker was ended with the failure"
