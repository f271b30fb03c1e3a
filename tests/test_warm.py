"""Readying a serving process: jieba loaded, what is loaded frozen out of the collector,
and the collector run less often."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from credit import text
from credit.warm import OLDER_COLLECTION_AFTER, YOUNG_COLLECTION_AFTER, ready_serving_process


@pytest.fixture
def collector_restored() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


@pytest.mark.usefixtures("collector_restored")
def test_ready_serving_process_loads_jieba_freezes_and_relaxes_the_collector() -> None:
    gc.unfreeze()
    ready_serving_process()
    assert text._tokenizer is not None
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == (
        YOUNG_COLLECTION_AFTER,
        OLDER_COLLECTION_AFTER,
        OLDER_COLLECTION_AFTER,
    )
