"""The document builder: its worker pool, and the collector's pace while it is open."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from credit import collector
from indexer.documents import POOL_THRESHOLD, DocumentBuilder

RELAXED = (
    collector.YOUNG_COLLECTION_AFTER,
    collector.OLDER_COLLECTION_AFTER,
    collector.OLDER_COLLECTION_AFTER,
)


@pytest.fixture
def usual() -> Iterator[tuple[int, int, int]]:
    """CPython's usual pace for the test, whatever an earlier test left."""
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    try:
        yield gc.get_threshold()
    finally:
        gc.set_threshold(*before)


def test_an_open_builder_relaxes_the_collector_here_and_in_its_workers(
    usual: tuple[int, int, int],
) -> None:
    with DocumentBuilder(processes=2) as builder:
        assert gc.get_threshold() == RELAXED
        pool = builder._pool_for([""] * POOL_THRESHOLD)
        assert pool is not None
        assert pool.apply(gc.get_threshold) == RELAXED
    assert gc.get_threshold() == usual


def test_the_pace_comes_back_when_the_build_fails(usual: tuple[int, int, int]) -> None:
    with pytest.raises(RuntimeError), DocumentBuilder(processes=1):
        raise RuntimeError("a batch failed")
    assert gc.get_threshold() == usual


def test_a_builder_never_opened_leaves_the_pace_alone(usual: tuple[int, int, int]) -> None:
    builder = DocumentBuilder(processes=1)
    assert builder.check([{"op": "withdraw"}])  # a problem list: built in-process
    builder.close()
    assert gc.get_threshold() == usual
