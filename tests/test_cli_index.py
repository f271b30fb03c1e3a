"""`ipcredit index` on the sample feeds: the outcome table of the samples README, line by line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import orjson
import tantivy

from credit.search import tantivy_layout as layout
from indexer import cli
from indexer.ingest import ingest_feed
from indexer.store import Store
from tests.conftest import RunCli
from tests.test_crash import build_feed
from tests.test_disk_full import engine_state

AS_OF = date(2025, 7, 1)
PUBLISHED = {"CNIPA-2025-0001", "CNIPA-2025-0002", "CNIPA-GC-2024-0009", "CNIPA-2025-0101"}
PUBLISHED |= {"CNIPA-2025-0120"}
NOT_PUBLISHED = {"CNIPA-2023-0107", "CNIPA-2024-0033", "CNIPA-2025-0090"}
GONE = {"CNIPA-2025-0130", "CNIPA-2025-0140", "CNIPA-2025-0150", "CNIPA-2025-0160"}


def test_sample_outcome_table(samples: Path, data_dir: Path, run_cli: RunCli) -> None:
    result = run_cli("index", samples / "records.jsonl")
    assert result.returncode == 3, result.stderr
    assert "applied 9, unchanged 1, withdrawn 1, rejected 3" in result.stdout

    rejects = [orjson.loads(line) for line in (samples / "records.jsonl.rejects.jsonl").open("rb")]
    assert [(r["line"], r["field"]) for r in rejects] == [
        (12, "uscc"),
        (13, "publish_until"),
        (14, ""),
    ]
    assert "校验位错误" in rejects[0]["message"]
    assert "JSON" in rejects[2]["message"]
    assert rejects[1]["text"].startswith('{"record_id": "CNIPA-2025-0150"')

    store = Store(data_dir / "store.sqlite3")
    assert set(store.published_record_ids(AS_OF)) == PUBLISHED
    for record_id in NOT_PUBLISHED:
        assert store.record_body(record_id) is not None
        assert not store.is_published(record_id, AS_OF)
    for record_id in GONE:
        assert store.record_body(record_id) is None
    assert store.is_published("CNIPA-2025-0090", date(2025, 8, 1))
    assert store.is_published("CNIPA-2025-0090", date(2025, 10, 31))
    assert not store.is_published("CNIPA-2025-0090", date(2025, 11, 1))

    newer = store.record_body("CNIPA-2025-0002")
    assert newer is not None and newer["subject_name"] == "广州市恒远贸易有限公司"
    assert newer["former_names"] == ["广州市恒远商贸有限公司"]
    individual = store.record_body("CNIPA-2025-0101")
    assert individual is not None
    assert individual["id_number_masked"] == "110105********1239"
    assert "110105********1239" in str(individual["reason"])
    assert "138****8000" in str(individual["reason"])
    dongguan = store.record_body("CNIPA-2025-0120")
    assert dongguan is not None and dongguan["region_code"] == "441900"
    store.close()


def test_indexing_the_same_file_again_changes_nothing(
    samples: Path, data_dir: Path, run_cli: RunCli
) -> None:
    run_cli("index", samples / "records.jsonl")
    store = Store(data_dir / "store.sqlite3")
    before = (store.data_version, list(store.iter_record_bodies()))
    store.close()

    again = run_cli("index", samples / "records.jsonl")
    assert again.returncode == 3
    assert "applied 0, unchanged 11, withdrawn 0, rejected 3" in again.stdout
    store = Store(data_dir / "store.sqlite3")
    assert (store.data_version, list(store.iter_record_bodies())) == before
    store.close()


def test_cases_are_kept(samples: Path, data_dir: Path, run_cli: RunCli) -> None:
    result = run_cli("index", samples / "records.jsonl", samples / "cases.jsonl")
    assert result.returncode == 3
    assert "applied 2, unchanged 0, withdrawn 0, rejected 0" in result.stdout
    assert not (samples / "cases.jsonl.rejects.jsonl").exists()
    store = Store(data_dir / "store.sqlite3")
    cases = list(store.iter_case_bodies())
    assert [c["case_id"] for c in cases] == ["CASE-2025-01", "CASE-2025-02"]
    store.close()


def test_exit_status_zero_when_all_applied(samples: Path, run_cli: RunCli) -> None:
    result = run_cli("index", samples / "cases.jsonl")
    assert result.returncode == 0, result.stderr


def test_unreadable_input_exits_2(tmp_path: Path, data_dir: Path, run_cli: RunCli) -> None:
    missing = run_cli("index", tmp_path / "nope.jsonl", tmp_path)  # a file, and a directory
    assert missing.returncode == 2
    assert missing.stderr.count("无法打开") == 2
    assert "首次导入" not in missing.stderr  # nothing to load: no engine built for nothing
    assert layout.current_dir(data_dir) is None and not list(data_dir.glob("index-*"))
    assert run_cli("index").returncode == 2


def test_a_rerun_after_fixing_rejected_lines_applies_them(
    samples: Path, data_dir: Path, run_cli: RunCli
) -> None:
    run_cli("index", samples / "records.jsonl")
    fixed = samples / "fix.jsonl"
    line = orjson.loads((samples / "records.jsonl").read_bytes().splitlines()[12])
    line["publish_until"] = "2026-02-28"
    fixed.write_bytes(orjson.dumps(line) + b"\n")
    assert run_cli("index", fixed).returncode == 0
    assert not (samples / "fix.jsonl.rejects.jsonl").exists()
    store = Store(data_dir / "store.sqlite3")
    assert store.is_published("CNIPA-2025-0150", AS_OF)
    store.close()


def test_a_first_load_stores_the_feeds_then_builds_the_engine_in_one_pass(
    samples: Path, data_dir: Path, run_cli: RunCli
) -> None:
    first = run_cli("index", samples / "cases.jsonl", samples / "records.jsonl")
    assert first.returncode == 3, first.stderr
    assert "首次导入：写入存储的同时建立新的搜索索引" in first.stderr
    assert "搜索索引已建成：" in first.stderr and "数据版本 2" in first.stderr
    index = layout.current_dir(data_dir)
    assert index is not None and layout.read_state(index) == 2  # labelled with the store's
    records = tantivy.Index.open(str(index / "records")).searcher()
    assert records.num_docs == 8
    found = run_cli("show", "CNIPA-2025-0001", "--as-of", AS_OF.isoformat(), "--json")
    assert found.returncode == 0, found.stderr

    # the store is no longer empty: the next feed is applied batch by batch, in step
    later = run_cli("index", samples / "cases.jsonl")
    assert later.returncode == 0, later.stderr
    assert "首次导入" not in later.stderr


def test_a_first_load_over_several_batches_holds_each_record_once_as_stored(
    tmp_path: Path, data_dir: Path, run_cli: RunCli
) -> None:
    """Records updated and withdrawn in a later batch than the one that added them: the
    engine built alongside holds exactly the store's records, each in its last version."""
    feed = tmp_path / "feed.jsonl"
    build_feed(feed)  # 24,000 lines: two batches, later lines update and withdraw earlier ones
    assert run_cli("index", feed).returncode == 3
    store = Store(data_dir / "store.sqlite3")
    stored = sorted((str(body["record_id"]), body) for body in store.iter_record_bodies())
    store.close()
    engine = engine_state(data_dir)["records"]
    assert [ident for ident, _ in engine] == [ident for ident, _ in stored]
    index = layout.current_dir(data_dir)
    assert index is not None  # two batches, one commit: one segment (a commit each made two)
    assert tantivy.Index.open(str(index / "records")).searcher().num_segments == 1
    assert [orjson.loads(body) for _, body in engine] == [body for _, body in stored]
    assert any(str(body["reason"]).startswith("更正") for _, body in stored)  # updated ones


def test_a_first_load_stopped_in_the_engine_step_says_its_batches_are_stored(
    samples: Path, tmp_path: Path
) -> None:
    """The engine step runs after a batch is stored: the message must not say that batch
    was left out."""
    store = Store(tmp_path / "store.sqlite3")
    ingest_feed(store, samples / "records.jsonl")
    message = cli._first_load_failure("磁盘空间不足。", cli.ENGINE_STEP, store)
    store.close()
    assert "已读入的批次均已完整写入存储（数据版本 1）" in message
    assert "新建的搜索索引已删除" in message and "出错的批次没有写入" not in message
