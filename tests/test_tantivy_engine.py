"""The embedded engine around the store: freshness, reindex, catch-up and purge.

Every test runs a real tantivy index in the test's data directory; the CLI runs
as a subprocess, as the operator runs it, while readers live in this process
the way a portal node's do.
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any, cast

import orjson
import pytest
import tantivy

from credit import clock
from credit.search import tantivy_engine
from credit.search import tantivy_layout as layout
from credit.search.blocking import BlockingEngine
from credit.search.errors import EngineUnavailable
from credit.search.query import CaseQuery, RecordFilter, SearchQuery
from credit.search.tantivy_engine import TantivyEngine, TantivyWriter
from indexer import rebuild
from indexer.documents import DocumentBuilder
from indexer.ingest import ingest_feed
from indexer.rebuild import reindex_tantivy, stale_dirs
from indexer.store import Store
from indexer.sync import sync
from tests.conftest import RunCli
from tests.engines import reload_now
from tests.test_models import GOOD, RECORD

AS_OF = date(2025, 7, 1)
DAYS = (date(2024, 1, 1), date(2025, 5, 1), AS_OF, date(2025, 9, 1), date(2027, 1, 1))
QUERIES = ("", "创明", "有限公司", "北京华创", "shenzhen", "91440300MA5F0A1B2N", "非正常专利申请")
SAMPLE_IDS = (
    "CNIPA-2025-0001",
    "CNIPA-2025-0002",
    "CNIPA-2023-0107",
    "CNIPA-2024-0033",
    "CNIPA-GC-2024-0009",
    "CNIPA-2025-0090",
    "CNIPA-2025-0101",
    "CNIPA-2025-0120",
    "CNIPA-2025-0130",
)
FRESHNESS_SECONDS = 1.0


# -- helpers -----------------------------------------------------------------------------


def write_feed(path: Path, *lines: dict[str, Any]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))
    return path


def record(record_id: str, name: str, **changes: Any) -> dict[str, Any]:
    return {**RECORD, "record_id": record_id, "subject_name": name, **changes}


def delisted(record_id: str, name: str) -> dict[str, Any]:
    """A newer version of `record(record_id, name)`, delisted by credit repair on AS_OF."""
    return record(
        record_id,
        name,
        delisted_on=AS_OF.isoformat(),
        delist_reason="repaired",
        updated_at="2025-06-30T18:00:00+08:00",
    )


def answers(engine: BlockingEngine) -> dict[str, Any]:
    """Everything a reader answers about the samples, on several days (scores left out)."""
    seen: dict[str, Any] = {}
    for day in DAYS:
        for text in QUERIES:
            page = engine.search_records(SearchQuery(text=text, size=100), day=day)
            # Equal scores (or equal decision days) may come in either order.
            hits = sorted(page.hits, key=lambda hit: (-round(hit.score, 3), hit.id))
            seen[f"search {text!r} {day}"] = (
                page.total,
                [(hit.id, hit.body, hit.highlights) for hit in hits],
                {name: sorted((v.value, v.count) for v in vs) for name, vs in page.facets.items()},
            )
        for record_id in SAMPLE_IDS:
            seen[f"record {record_id} {day}"] = engine.get_record(record_id, day=day)
        entity = engine.get_entity("91110108MA01XY2W4T", day=day)
        seen[f"entity {day}"] = entity and sorted(r["record_id"] for r in entity.records)
        cases = engine.search_cases(CaseQuery(size=100), day=day)
        seen[f"cases {day}"] = (cases.total, [hit.body for hit in cases.hits])
        counts = engine.count_records(day=day, by=["kind", "month"], filter=RecordFilter())
        seen[f"counts {day}"] = {
            k: sorted((v.value, v.count) for v in vs) for k, vs in counts.items()
        }
    return seen


def wait_until(condition: Callable[[], bool], since: float, limit: float = 5.0) -> float:
    """Poll `condition` until true; the seconds from `since` (a `time.monotonic()`) until then.

    Gives up after `limit` seconds and returns infinity.
    """
    while True:
        if condition():
            return time.monotonic() - since
        if time.monotonic() - since > limit:
            return float("inf")
        time.sleep(0.01)


def index_dirs(data_dir: Path) -> list[Path]:
    return sorted(p for p in data_dir.glob("index-*"))


@pytest.fixture
def indexed(samples: Path, data_dir: Path, run_cli: RunCli) -> Path:
    """The data directory with the sample records and cases indexed by the CLI."""
    result = run_cli("index", samples / "records.jsonl", samples / "cases.jsonl")
    assert result.returncode == 3, result.stderr  # three bad lines in the samples
    assert layout.current_dir(data_dir) is not None
    return data_dir


def store_version(data_dir: Path) -> int:
    store = Store(data_dir / "store.sqlite3")
    try:
        return store.data_version
    finally:
        store.close()


# -- freshness ---------------------------------------------------------------------------


def test_a_running_reader_sees_a_new_record_and_a_delisting_within_one_second(
    indexed: Path, tmp_path: Path, run_cli: RunCli
) -> None:
    engine = BlockingEngine(TantivyEngine(indexed))
    assert engine.get_record("FRESH-1", day=AS_OF) is None
    assert engine.search_records(SearchQuery(text="新鲜"), day=AS_OF).total == 0
    name = "深圳市新鲜测试科技有限公司"

    added = write_feed(tmp_path / "add.jsonl", record("FRESH-1", name))
    result = run_cli("index", added)
    returned = time.monotonic()
    assert result.returncode == 0, result.stderr
    appeared = wait_until(lambda: engine.get_record("FRESH-1", day=AS_OF) is not None, returned)
    assert appeared <= FRESHNESS_SECONDS, f"new record served after {appeared:.3f} s"
    assert [h.id for h in engine.search_records(SearchQuery(text="新鲜"), day=AS_OF).hits] == [
        "FRESH-1"
    ]

    delisting = delisted("FRESH-1", name)
    result = run_cli("index", write_feed(tmp_path / "delist.jsonl", delisting))
    returned = time.monotonic()
    assert result.returncode == 0, result.stderr
    gone = wait_until(lambda: engine.get_record("FRESH-1", day=AS_OF) is None, returned)
    assert gone <= FRESHNESS_SECONDS, f"delisted record still served after {gone:.3f} s"
    assert engine.search_records(SearchQuery(text="新鲜"), day=AS_OF).total == 0
    assert engine.get_record("FRESH-1", day=AS_OF - timedelta(days=1)) is not None
    assert engine.data_version() == store_version(indexed)


def test_cached_facets_of_a_popular_search_leave_with_a_delisting(
    indexed: Path, tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tantivy_engine, "FACETS_BESIDE_HITS", 0)  # every search is "popular"
    engine = BlockingEngine(TantivyEngine(indexed))
    name = "深圳市新鲜测试科技有限公司"
    run_cli("index", write_feed(tmp_path / "add.jsonl", record("FRESH-2", name)))
    reload_now(engine)

    def kinds() -> dict[str, int]:
        page = engine.search_records(SearchQuery(text="有限公司"), day=AS_OF)
        return {v.value: v.count for v in page.facets["kind"]}

    before = kinds()
    assert kinds() == before  # asked again: the same counts (kept)
    delisting = delisted("FRESH-2", name)
    result = run_cli("index", write_feed(tmp_path / "delist.jsonl", delisting))
    assert result.returncode == 0, result.stderr
    reload_now(engine)
    after = kinds()
    assert after[RECORD["kind"]] == before[RECORD["kind"]] - 1
    fresh = BlockingEngine(TantivyEngine(indexed))  # nothing kept: counted from the index
    assert {
        v.value: v.count
        for v in fresh.search_records(SearchQuery(text="有限公司"), day=AS_OF).facets["kind"]
    } == after


# -- reindex -----------------------------------------------------------------------------


def test_reindex_switches_to_a_new_directory_with_identical_answers(
    indexed: Path, tmp_path: Path, run_cli: RunCli
) -> None:
    old_dir = layout.current_dir(indexed)
    assert old_dir is not None
    before = answers(BlockingEngine(TantivyEngine(indexed)))
    cli_before = run_cli("search", "有限公司", "--as-of", AS_OF.isoformat(), "--json")
    reader = BlockingEngine(TantivyEngine(indexed))  # opened before the rebuild, like a portal node
    assert answers(reader) == before
    killed = indexed / "index-20000101000000-0"  # what a rebuild killed with SIGKILL leaves
    (killed / "records").mkdir(parents=True)
    (killed / "records" / "meta.json").write_text("{}")

    result = run_cli("reindex")
    reindexed = time.monotonic()
    assert result.returncode == 0, result.stderr
    new_dir = layout.current_dir(indexed)
    assert new_dir is not None and new_dir != old_dir
    # The reader opened before reopens on the new directory by itself.
    reopened = wait_until(
        lambda: (
            reader.data_version() > 0 and cast(TantivyEngine, reader.engine)._directory == new_dir
        ),
        reindexed,
    )
    assert reopened <= FRESHNESS_SECONDS
    assert (indexed / layout.LINK).is_symlink()
    assert not old_dir.exists() and not killed.exists()
    assert index_dirs(indexed) == [new_dir]
    assert not list(indexed.glob(f".{layout.LINK}.*"))
    assert layout.read_state(new_dir) == store_version(indexed)

    assert answers(BlockingEngine(TantivyEngine(indexed))) == before
    cli_after = run_cli("search", "有限公司", "--as-of", AS_OF.isoformat(), "--json")
    assert cli_after.returncode == 0
    assert orjson.loads(cli_after.stdout) == orjson.loads(cli_before.stdout)

    # The reader opened before answers alike, then follows commits to the new directory.
    assert answers(reader) == before
    added = write_feed(tmp_path / "after.jsonl", record("AFTER-1", "深圳市重建后科技有限公司"))
    assert run_cli("index", added).returncode == 0
    returned = time.monotonic()
    assert layout.current_dir(indexed) == new_dir
    found = wait_until(lambda: reader.get_record("AFTER-1", day=AS_OF) is not None, returned)
    assert found <= FRESHNESS_SECONDS


class FailingStore(Store):
    """The store of record, failing while a rebuild reads it."""

    def __init__(self, path: Path, *, records_before_failure: int | None, fail_cases: bool) -> None:
        super().__init__(path)
        self.records_before_failure = records_before_failure
        self.fail_cases = fail_cases

    def iter_record_json(self) -> Iterator[str]:
        for count, body in enumerate(super().iter_record_json()):
            if count == self.records_before_failure:
                raise sqlite3.OperationalError("disk I/O error (simulated)")
            yield body

    def iter_case_json(self) -> Iterator[str]:
        if self.fail_cases:
            raise sqlite3.OperationalError("disk I/O error (simulated)")
        yield from super().iter_case_json()


def test_reindex_commits_once(indexed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Batch by batch without a commit: one segment here, not one per batch."""
    monkeypatch.setattr(rebuild, "CHUNK", 2)
    before = answers(BlockingEngine(TantivyEngine(indexed)))
    store = Store(indexed / "store.sqlite3")
    with DocumentBuilder(processes=1) as builder:
        assert reindex_tantivy(store, indexed, builder) == store.count_records() > 2
    store.close()
    rebuilt = TantivyEngine(indexed)
    assert rebuilt.records.searcher().num_segments == 1
    assert answers(BlockingEngine(rebuilt)) == before


def test_reindex_with_a_relative_data_dir_keeps_the_new_index(
    indexed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default data directory, `./var`, is relative: the new index is not "stale"."""
    before = answers(BlockingEngine(TantivyEngine(indexed)))
    monkeypatch.chdir(indexed.parent)
    relative = Path(indexed.name)
    store = Store(relative / "store.sqlite3")
    with DocumentBuilder(processes=1) as builder:
        assert reindex_tantivy(store, relative, builder) == store.count_records()
    store.close()
    current = layout.current_dir(relative)
    assert current is not None
    assert index_dirs(indexed) == [current]
    assert stale_dirs(relative) == []
    assert answers(BlockingEngine(TantivyEngine(relative))) == before


@pytest.mark.parametrize(
    ("records_before_failure", "fail_cases"),
    [(0, False), (5, False), (None, True)],
    ids=["at-once", "after-two-commits", "at-the-cases"],
)
def test_a_failed_reindex_leaves_the_old_index_serving(
    indexed: Path,
    monkeypatch: pytest.MonkeyPatch,
    records_before_failure: int | None,
    fail_cases: bool,
) -> None:
    old_dir = layout.current_dir(indexed)
    assert old_dir is not None
    reader = BlockingEngine(TantivyEngine(indexed))
    before = answers(reader)
    monkeypatch.setattr(rebuild, "CHUNK", 2)  # writes into the new directory before the failure

    store = FailingStore(
        indexed / "store.sqlite3",
        records_before_failure=records_before_failure,
        fail_cases=fail_cases,
    )
    with DocumentBuilder(processes=1) as builder, pytest.raises(sqlite3.OperationalError):
        reindex_tantivy(store, indexed, builder)
    store.close()

    assert layout.current_dir(indexed) == old_dir
    assert index_dirs(indexed) == [old_dir]
    assert stale_dirs(indexed) == []
    assert not list(indexed.glob(f".{layout.LINK}.*"))
    reload_now(reader)
    assert answers(reader) == before
    assert answers(BlockingEngine(TantivyEngine(indexed))) == before

    # The next rebuild succeeds and answers alike.
    good = Store(indexed / "store.sqlite3")
    with DocumentBuilder(processes=1) as builder:
        assert reindex_tantivy(good, indexed, builder) == good.count_records()
    good.close()
    assert index_dirs(indexed) == [layout.current_dir(indexed)]
    assert answers(BlockingEngine(TantivyEngine(indexed))) == before


# -- the engine behind the store ---------------------------------------------------------


def test_a_lost_index_is_rebuilt_by_the_next_index_run(
    indexed: Path, samples: Path, run_cli: RunCli
) -> None:
    before = answers(BlockingEngine(TantivyEngine(indexed)))
    current = layout.current_dir(indexed)
    assert current is not None
    shutil.rmtree(current)
    (indexed / layout.LINK).unlink()
    with pytest.raises(EngineUnavailable):
        BlockingEngine(TantivyEngine(indexed))
    lost = run_cli("search", "创明", "--as-of", AS_OF.isoformat())
    assert lost.returncode == 1 and "ipcredit index" in lost.stderr

    result = run_cli("index", samples / "records.jsonl")
    assert result.returncode == 3, result.stderr
    assert "搜索索引缺失" in result.stderr and "正在从存储重建" in result.stderr
    assert "applied 0, unchanged 11" in result.stdout
    engine = BlockingEngine(TantivyEngine(indexed))
    assert engine.data_version() == store_version(indexed)
    assert answers(engine) == before
    found = run_cli("search", "创明", "--as-of", AS_OF.isoformat())
    assert found.returncode == 0 and "CNIPA-2025-0001" in found.stdout


def test_an_index_of_an_older_format_asks_for_a_reindex(
    indexed: Path, samples: Path, run_cli: RunCli
) -> None:
    before = answers(BlockingEngine(TantivyEngine(indexed)))
    older = layout.new_dir(indexed)
    for part in ("records", "cases"):
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", tokenizer_name="raw", stored=True)  # an older schema
        layout.open_index(older / part, builder.build())
    layout.write_state(older, store_version(indexed))
    layout.switch_to(indexed, older)
    with pytest.raises(EngineUnavailable, match="ipcredit reindex"):
        TantivyEngine(indexed)
    refused = run_cli("search", "创明", "--as-of", AS_OF.isoformat())
    assert refused.returncode == 1 and "旧版本的格式" in refused.stderr

    assert run_cli("reindex").returncode == 0
    assert answers(BlockingEngine(TantivyEngine(indexed))) == before


def test_changes_committed_to_the_store_without_sync_are_caught_up(
    indexed: Path, tmp_path: Path, run_cli: RunCli
) -> None:
    """A kill between the store's commit and the engine's: the next run catches up."""
    changes = write_feed(
        tmp_path / "changes.jsonl",
        record("LATE-1", "深圳市迟到科技有限公司"),
        {
            "record_id": "CNIPA-2025-0001",
            "kind": "serious_list",
            "category": "illegal_agency",
            "severity": "serious",
            "subject_type": "agency",
            "subject_name": "深圳市创明知识产权代理有限公司",
            "uscc": "91440300MA5F0A1B2N",
            "reason": "代理非正常专利申请6875件，情节严重，依法列入严重违法失信名单。",
            "authority": "国家知识产权局",
            "decision_no": "国知处字〔2025〕8号",
            "decided_on": "2025-03-10",
            "publish_until": "2028-03-09",
            "delisted_on": "2025-06-01",
            "delist_reason": "removed_early",
            "updated_at": "2025-06-01T09:00:00+08:00",
        },
        {"op": "withdraw", "record_id": "CNIPA-2025-0002", "updated_at": "2025-06-02T09:00:00Z"},
    )
    store = Store(indexed / "store.sqlite3")
    result = ingest_feed(store, changes)  # no after_batch: the process "dies" before syncing
    assert (result.counts.applied, result.counts.withdrawn) == (2, 1)
    store.close()

    engine = BlockingEngine(TantivyEngine(indexed))
    assert engine.data_version() < store_version(indexed)
    assert engine.get_record("CNIPA-2025-0001", day=AS_OF) is not None
    assert engine.get_record("LATE-1", day=AS_OF) is None

    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    caught_up = run_cli("index", empty)
    returned = time.monotonic()
    assert caught_up.returncode == 0, caught_up.stderr
    assert "正在补齐" in caught_up.stderr
    found = wait_until(lambda: engine.get_record("LATE-1", day=AS_OF) is not None, returned)
    assert found <= FRESHNESS_SECONDS
    assert engine.get_record("CNIPA-2025-0001", day=AS_OF) is None
    assert engine.get_record("CNIPA-2025-0001", day=date(2025, 5, 31)) is not None
    for day in DAYS:
        assert engine.get_record("CNIPA-2025-0002", day=day) is None
    assert engine.search_records(SearchQuery(text="恒远"), day=AS_OF).total == 0
    assert engine.data_version() == store_version(indexed)

    again = run_cli("index", empty)
    assert again.returncode == 0 and "正在补齐" not in again.stderr


# -- purge -------------------------------------------------------------------------------

SHENZHEN_AGENCY = "91440300MA5F0A1B2N"


def window(record_id: str, **dates: str | None) -> dict[str, Any]:
    """A record named after its id with the given window dates."""
    base = {**RECORD, "record_id": record_id, "subject_name": f"深圳市{record_id}科技有限公司"}
    if dates.get("delisted_on"):
        base["delist_reason"] = "repaired"
    return {**base, **dates}


def test_purge_removes_what_is_never_published_again(data_dir: Path) -> None:
    day = AS_OF
    lines = {
        # removed: no day from `day` on publishes them
        "P-EXPIRED": window("P-EXPIRED", publish_until="2025-06-30"),
        "P-DELISTED": window("P-DELISTED", delisted_on="2025-07-01"),
        # kept: published on `day` or later
        "P-LAST-DAY": window("P-LAST-DAY", publish_until="2025-07-01"),
        "P-DELISTED-TOMORROW": window("P-DELISTED-TOMORROW", delisted_on="2025-07-02"),
        "P-CURRENT": window("P-CURRENT"),
        "P-FUTURE": window(
            "P-FUTURE",
            decided_on="2025-06-20",
            publish_from="2025-09-01",
            publish_until="2026-08-31",
        ),
        "P-GOOD": {
            **GOOD,
            "record_id": "P-GOOD",
            "subject_name": "深圳市长期守信科技有限公司",
            "decided_on": "2019-01-01",
        },
    }
    removed = {"P-EXPIRED", "P-DELISTED"}
    # A day each record is (or was) published, to ask the engine about it.
    published_on = {
        "P-EXPIRED": date(2025, 6, 30),
        "P-DELISTED": date(2025, 6, 30),
        "P-LAST-DAY": day,
        "P-DELISTED-TOMORROW": day,
        "P-CURRENT": day,
        "P-FUTURE": date(2025, 9, 1),
        "P-GOOD": date(2030, 1, 1),
    }
    feed = write_feed(data_dir.parent / "purge.jsonl", *lines.values(), CASE_LINE)
    store = Store(data_dir / "store.sqlite3")
    assert not ingest_feed(store, feed).rejects
    writer = TantivyWriter.for_data_dir(data_dir)
    with DocumentBuilder(processes=1) as builder:
        sync(store, writer, builder)
    reader = BlockingEngine(TantivyEngine(data_dir))
    for record_id, on in published_on.items():
        assert reader.get_record(record_id, day=on) is not None, record_id

    assert writer.purge(day=day) == len(removed)
    returned = time.monotonic()
    assert writer.purge(day=day) == 0
    writer.close()

    def purged_everywhere() -> bool:
        return all(reader.get_record(r, day=published_on[r]) is None for r in removed)

    assert wait_until(purged_everywhere, returned) <= FRESHNESS_SECONDS
    for engine in (reader, BlockingEngine(TantivyEngine(data_dir))):
        for record_id, on in published_on.items():
            found = engine.get_record(record_id, day=on)
            assert (found is None) == (record_id in removed), record_id
        assert engine.get_case("CASE-1", day=day) is not None
        assert engine.data_version() == store.data_version
    for record_id in lines:
        assert store.record_body(record_id) is not None, record_id
    store.close()


def _versions(data_dir: Path, *names: str) -> list[tuple[str, str]]:
    """Writer entries of successive versions of one record, named `names` in turn."""
    store = Store(data_dir / "versions.sqlite3")
    entries = []
    with DocumentBuilder(processes=1) as builder:
        for hour, name in enumerate(names, start=10):
            line = record("R-1", name, updated_at=f"2025-06-30T{hour}:00:00+08:00")
            feed = write_feed(data_dir.parent / f"v{hour}.jsonl", line)
            assert not ingest_feed(store, feed).rejects
            body = dict(store.record_changes_since(0))["R-1"]
            assert body is not None
            entries += builder.records([body], tantivy_engine.record_entry)
    store.close()
    return entries


def test_a_writer_replaces_what_it_added_to_an_empty_index_and_what_was_there(
    data_dir: Path,
) -> None:
    """A writer that opened an empty index leaves out the deletes of ids it never added
    (`AddedIds`); what it added itself, and whatever an index held before, is replaced."""
    first, second, third = _versions(data_dir, "甲一公司", "乙二公司", "丙三公司")
    writer = TantivyWriter.for_data_dir(data_dir)
    writer.stage(records=[first], removed_records=["R-NEVER"], cases=[], removed_cases=[])
    writer.stage(records=[second], removed_records=[], cases=[], removed_cases=[])
    writer.apply(records=[], removed_records=[], cases=[], removed_cases=[], version=1)
    writer.close()

    def names_held() -> list[str]:
        engine = BlockingEngine(TantivyEngine(data_dir))
        hits = engine.search_records(SearchQuery(text="公司", facets=False), day=AS_OF).hits
        return [hit.body["subject_name"] for hit in hits]

    assert names_held() == ["乙二公司"]
    again = TantivyWriter.for_data_dir(data_dir)  # opens an index that holds R-1
    again.apply(records=[third], removed_records=[], cases=[], removed_cases=[], version=2)
    again.close()
    assert names_held() == ["丙三公司"]


CASE_LINE: dict[str, Any] = {
    "kind": "case",
    "case_id": "CASE-1",
    "title": "某公司恶意注册商标案",
    "publishers": ["国家知识产权局"],
    "published_on": "2019-04-26",
    "case_type": "malicious_trademark_registration",
    "facts": "案情。",
    "handling": "处理结果。",
    "related_record_ids": ["P-EXPIRED"],
    "updated_at": "2025-04-26T09:00:00+08:00",
}


def test_ipcredit_purge_uses_today(data_dir: Path, tmp_path: Path, run_cli: RunCli) -> None:
    today = clock.today()

    def iso(offset: int) -> str:
        return (today + timedelta(days=offset)).isoformat()

    stamp = f"{iso(-1)}T09:00:00+08:00"
    lines = [
        window("Q-EXPIRED", decided_on=iso(-400), publish_until=iso(-30), updated_at=stamp),
        window(
            "Q-DELISTED",
            decided_on=iso(-100),
            publish_until=iso(200),
            delisted_on=iso(-5),
            updated_at=stamp,
        ),
        window("Q-CURRENT", decided_on=iso(-100), publish_until=iso(200), updated_at=stamp),
        window(
            "Q-FUTURE",
            decided_on=iso(-10),
            publish_from=iso(30),
            publish_until=iso(300),
            updated_at=stamp,
        ),
        {
            **GOOD,
            "record_id": "Q-GOOD",
            "subject_name": "深圳市长期守信科技有限公司",
            "decided_on": iso(-1000),
            "updated_at": stamp,
        },
    ]
    indexed = run_cli("index", write_feed(tmp_path / "today.jsonl", *lines))
    assert indexed.returncode == 0, indexed.stdout + indexed.stderr
    probe = {
        "Q-EXPIRED": today - timedelta(days=31),
        "Q-DELISTED": today - timedelta(days=10),
        "Q-CURRENT": today,
        "Q-FUTURE": today + timedelta(days=30),
        "Q-GOOD": today,
    }
    engine = BlockingEngine(TantivyEngine(data_dir))
    for record_id, on in probe.items():
        assert engine.get_record(record_id, day=on) is not None, record_id

    purged = run_cli("purge")
    assert purged.returncode == 0, purged.stderr
    assert "移除 2 条" in purged.stdout
    fresh = BlockingEngine(TantivyEngine(data_dir))
    for record_id, on in probe.items():
        gone = record_id in {"Q-EXPIRED", "Q-DELISTED"}
        assert (fresh.get_record(record_id, day=on) is None) == gone, record_id
    store = Store(data_dir / "store.sqlite3")
    assert all(store.record_body(r) is not None for r in probe)
    store.close()
    assert run_cli("purge").stdout.count("移除 0 条") == 1

    before = (today - timedelta(days=31)).isoformat()  # the expired record's last days
    refused = run_cli("show", "Q-EXPIRED", "--as-of", before)
    assert refused.returncode == 2 and "移除不再公示的记录" in refused.stderr
    assert run_cli("show", "Q-CURRENT", "--as-of", today.isoformat()).returncode == 0
    assert run_cli("reindex").returncode == 0  # every record again: past days answer again
    assert run_cli("show", "Q-EXPIRED", "--as-of", before).returncode == 0


def test_a_rebuild_takes_at_most_a_third_of_the_memory_available(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mib = 1024 * 1024
    for available, budget in ((24_000, 2_000), (3_000, 1_000), (300, 128)):
        monkeypatch.setattr(tantivy_engine, "_available_memory", lambda a=available: a * mib)
        assert TantivyWriter.rebuild_heap_bytes() == budget * mib
