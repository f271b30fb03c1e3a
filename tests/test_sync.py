"""`indexer.sync.sync`: the engine follows the store — additions, updates, withdrawals, replays."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest

from credit.search import tantivy_layout as layout
from credit.search.blocking import BlockingEngine
from credit.search.query import CaseQuery, SearchQuery
from credit.search.tantivy_engine import TantivyEngine, TantivyWriter
from indexer import sync as sync_module
from indexer.documents import DocumentBuilder
from indexer.ingest import ingest_feed
from indexer.store import Store
from indexer.sync import sync
from tests.engines import reload_now
from tests.test_models import CASE, GOOD, RECORD

DAY = date(2025, 7, 1)
HANGZHOU = "91330100MA2H8Q5R3F"


class Rig:
    """A store, the engine writer of the same data directory, and a feed counter."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.store = Store(data_dir / "store.sqlite3")
        self.writer = TantivyWriter.for_data_dir(data_dir)
        self.builder = DocumentBuilder(processes=1)
        self.feeds = 0

    def ingest(self, *lines: dict[str, Any]) -> None:
        """Apply lines to the store only (the engine is not told)."""
        self.feeds += 1
        feed = self.data_dir / f"feed-{self.feeds}.jsonl"
        feed.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))
        result = ingest_feed(self.store, feed)
        assert not result.rejects, result.rejects

    def sync(self) -> int:
        return sync(self.store, self.writer, self.builder)

    def close(self) -> None:
        self.writer.close()
        self.builder.close()
        self.store.close()


@pytest.fixture
def rig(data_dir: Path) -> Iterator[Rig]:
    opened = Rig(data_dir)
    yield opened
    opened.close()


def record(record_id: str, name: str, **changes: Any) -> dict[str, Any]:
    return {**RECORD, "record_id": record_id, "subject_name": name, **changes}


def ids(engine: BlockingEngine, text: str, day: date = DAY) -> list[str]:
    page = engine.search_records(SearchQuery(text=text, size=100), day=day)
    assert page.total == len(page.hits)
    return sorted(hit.id for hit in page.hits)


def test_sync_adds_everything_the_store_has_and_labels_the_version(rig: Rig) -> None:
    rig.ingest(
        record("S-1", "深圳市甲乙科技有限公司"),
        record("S-2", "广州市丙丁贸易有限公司", uscc="91440100MA9W3K7L17"),
        {**GOOD, "record_id": "S-3", "subject_name": "杭州市戊己网络有限公司", "uscc": HANGZHOU},
        CASE,
    )
    assert rig.writer.synced_version() == 0
    assert rig.sync() == 4
    engine = BlockingEngine(TantivyEngine(rig.data_dir))
    assert engine.data_version() == rig.store.data_version == rig.writer.synced_version() == 1
    assert ids(engine, "有限公司") == ["S-1", "S-2", "S-3"]
    body = engine.get_record("S-2", day=DAY)
    assert body is not None and body["subject_name"] == "广州市丙丁贸易有限公司"
    assert engine.get_case("CASE-1", day=DAY) is not None


def test_an_update_replaces_the_old_version(rig: Rig) -> None:
    rig.ingest(record("U-1", "深圳市旧名称科技有限公司", reason="提交非正常专利申请若干件。"))
    rig.sync()
    engine = BlockingEngine(TantivyEngine(rig.data_dir))
    assert ids(engine, "旧名称") == ["U-1"]

    rig.ingest(
        record(
            "U-1",
            "深圳市新名称科技有限公司",
            reason="恶意抢注商标一百件。",
            updated_at="2025-04-01T09:00:00+08:00",
        )
    )
    assert rig.sync() == 1
    fresh = BlockingEngine(TantivyEngine(rig.data_dir))
    for reader in (engine, fresh):
        reload_now(reader)  # do not wait for the reload interval
        assert ids(reader, "新名称") == ["U-1"]
        assert ids(reader, "抢注商标") == ["U-1"]
        assert ids(reader, "旧名称") == []
        assert ids(reader, "若干件") == []
        assert ids(reader, "有限公司") == ["U-1"]  # one document, not two
        body = reader.get_record("U-1", day=DAY)
        assert body is not None and body["reason"] == "恶意抢注商标一百件。"
        assert reader.data_version() == rig.store.data_version


def test_a_window_change_is_applied(rig: Rig) -> None:
    rig.ingest(record("W-1", "深圳市窗口科技有限公司"))
    rig.sync()
    rig.ingest(
        record(
            "W-1",
            "深圳市窗口科技有限公司",
            delisted_on="2025-07-01",
            delist_reason="repaired",
            updated_at="2025-07-01T09:00:00+08:00",
        )
    )
    rig.sync()
    engine = BlockingEngine(TantivyEngine(rig.data_dir))
    assert engine.get_record("W-1", day=date(2025, 6, 30)) is not None
    assert engine.get_record("W-1", day=DAY) is None
    assert ids(engine, "窗口") == []
    assert ids(engine, "窗口", day=date(2025, 6, 30)) == ["W-1"]


def test_a_withdrawal_removes_the_record_and_the_case(rig: Rig) -> None:
    rig.ingest(
        record("X-1", "深圳市撤回科技有限公司"), record("X-2", "深圳市保留科技有限公司"), CASE
    )
    rig.sync()
    engine = BlockingEngine(TantivyEngine(rig.data_dir))
    assert ids(engine, "有限公司") == ["X-1", "X-2"]

    rig.ingest(
        {"op": "withdraw", "record_id": "X-1", "updated_at": "2025-05-01T00:00:00+08:00"},
        {"op": "withdraw", "case_id": "CASE-1", "updated_at": "2025-05-01T00:00:00+08:00"},
    )
    assert rig.sync() == 2
    reload_now(engine)
    for day in (date(2025, 3, 10), DAY, date(2026, 3, 9)):
        assert engine.get_record("X-1", day=day) is None
    assert ids(engine, "有限公司") == ["X-2"]
    assert ids(engine, "撤回") == []
    assert engine.get_case("CASE-1", day=DAY) is None
    assert engine.search_cases(CaseQuery(), day=DAY).total == 0
    assert rig.store.record_body("X-1") is None


def test_sync_is_idempotent(rig: Rig) -> None:
    rig.ingest(record("I-1", "深圳市幂等科技有限公司"), record("I-2", "深圳市重放科技有限公司"))
    rig.ingest(record("I-1", "深圳市幂等科技有限公司", updated_at="2025-04-01T09:00:00+08:00"))
    assert rig.sync() == 2
    state = rig.writer.directory / layout.STATE
    before = (state.read_bytes(), state.stat().st_mtime_ns)
    assert rig.sync() == 0
    assert (state.read_bytes(), state.stat().st_mtime_ns) == before

    engine = BlockingEngine(TantivyEngine(rig.data_dir))
    assert engine.data_version() == rig.store.data_version == 2
    answers = (ids(engine, "有限公司"), ids(engine, "幂等"), engine.get_record("I-1", day=DAY))

    # A crash after an engine commit but before its label: the next sync applies again.
    layout.write_state(rig.writer.directory, 0)
    assert rig.sync() == 2
    again = BlockingEngine(TantivyEngine(rig.data_dir))
    assert again.data_version() == rig.store.data_version
    assert (ids(again, "有限公司"), ids(again, "幂等"), again.get_record("I-1", day=DAY)) == answers
    assert answers[0] == ["I-1", "I-2"]


def test_a_long_catch_up_commits_in_chunks_and_labels_the_end(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync_module, "CHUNK", 2)
    names = ["甲", "乙", "丙", "丁", "戊"]
    rig.ingest(*(record(f"C-{i}", f"深圳市{n}方科技有限公司") for i, n in enumerate(names)))
    rig.ingest(
        {"op": "withdraw", "record_id": "C-0", "updated_at": "2025-05-01T00:00:00+08:00"},
        {**CASE, "case_id": "CASE-9"},
    )
    labels: list[int] = []
    apply = rig.writer.apply

    def spy(**kwargs: Any) -> None:
        labels.append(kwargs["version"])
        apply(**kwargs)

    monkeypatch.setattr(rig.writer, "apply", spy)
    assert rig.sync() == 6
    assert labels == [0, 0, 0, 2]  # records in chunks of 2, 2 and 1, then the case
    engine = BlockingEngine(TantivyEngine(rig.data_dir))
    assert ids(engine, "有限公司") == ["C-1", "C-2", "C-3", "C-4"]
    assert engine.get_case("CASE-9", day=DAY) is not None
    assert engine.data_version() == 2
