"""Readying a serving process: jieba loaded, and what is loaded frozen out of the collector."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from credit import text
from credit.warm import ready_serving_process


@pytest.fixture
def unfrozen_after() -> Iterator[None]:
    yield
    gc.unfreeze()


@pytest.mark.usefixtures("unfrozen_after")
def test_ready_serving_process_loads_jieba_and_freezes_what_is_loaded() -> None:
    gc.unfreeze()
    ready_serving_process()
    assert text._tokenizer is not None
    assert gc.get_freeze_count() > 0
