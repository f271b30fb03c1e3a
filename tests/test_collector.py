"""The collector relaxed while batches are under way, and restored after the last one."""

from __future__ import annotations

import gc
from contextlib import ExitStack

import pytest

from credit import collector
from tests.conftest import RELAXED


def test_relaxed_while_a_batch_is_under_way(usual: tuple[int, int, int]) -> None:
    with collector.relaxed():
        assert gc.get_threshold() == RELAXED
    assert gc.get_threshold() == usual


def test_overlapping_batches_restore_the_usual_pace_after_the_last(
    usual: tuple[int, int, int],
) -> None:
    with ExitStack() as second:
        with collector.relaxed():
            second.enter_context(collector.relaxed())
        assert gc.get_threshold() == RELAXED  # the second is still under way
    assert gc.get_threshold() == usual


def test_the_young_generations_are_collected_when_the_last_batch_ends(
    usual: tuple[int, int, int],
) -> None:
    with collector.relaxed():
        kept = [[index] for index in range(2_000)]  # more allocations than the usual pace allows
        assert gc.get_count()[0] > usual[0]
    assert gc.get_count()[0] < usual[0] and gc.get_count()[1] == 0
    assert len(kept) == 2_000


def test_restored_when_a_batch_fails(usual: tuple[int, int, int]) -> None:
    with pytest.raises(RuntimeError), collector.relaxed():
        raise RuntimeError("a chunk failed")
    assert gc.get_threshold() == usual
