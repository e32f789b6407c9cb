"""Work in forked processes: results come back, failures say so, nothing is left running."""

from __future__ import annotations

import os
import time

import pytest

from briefgen.workers import Forked, ForkedFailed, can_fork, in_two_processes

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


def test_two_processes_give_every_result_in_order() -> None:
    done: list[str] = []
    made = in_two_processes(
        lambda index: (index, os.getpid()), 100, lambda: done.append("meanwhile")
    )
    assert [index for index, _ in made] == list(range(100))
    assert done == ["meanwhile"]
    assert len({pid for _, pid in made}) <= 2
