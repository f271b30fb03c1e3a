"""The time limit on engine reads: a slow read is cut off with a clear message."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from credit.search.errors import EngineUnavailable, QueryTimeout
from credit.search.time_limit import time_limited


class SlowEngine:
    """An engine whose reads hang: a fault the real engines cannot be made to show."""

    async def get_record(self, record_id: str, *, day: date) -> None:
        await asyncio.sleep(60)

    async def data_version(self) -> int:
        return 7

    def synchronous_helper(self) -> str:
        return "untouched"


async def test_slow_read_is_cut_off_with_a_message() -> None:
    engine = time_limited(SlowEngine(), seconds=0.05)  # type: ignore[arg-type]
    with pytest.raises(QueryTimeout) as raised:
        await engine.get_record("X", day=date(2025, 7, 1))
    assert isinstance(raised.value, EngineUnavailable)
    assert raised.value.code == "ENGINE_UNAVAILABLE"
    assert "查询超过 0.05 秒" in raised.value.message


async def test_fast_reads_and_plain_methods_pass_through() -> None:
    engine = time_limited(SlowEngine(), seconds=0.05)  # type: ignore[arg-type]
    assert await engine.data_version() == 7
    assert engine.synchronous_helper() == "untouched"  # type: ignore[attr-defined]
