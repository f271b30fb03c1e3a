"""Applying feeds: every line applied or rejected with its line and reason, nothing crashes."""

from __future__ import annotations

import gzip
import os
from pathlib import Path
from typing import Any

import orjson
import pytest

from indexer import ingest
from indexer.checking import Checked
from indexer.feeds import UnreadableFeed
from indexer.ingest import check_now, ingest_feed, rejects_path
from indexer.later import Later
from indexer.store import Store
from tests.test_models import BROKEN, CASE, INDIVIDUAL, RECORD


def store_in(tmp_path: Path) -> Store:
    return Store(tmp_path / "var" / "store.sqlite3")


def test_bad_lines_are_rejected_and_the_rest_applied(tmp_path: Path) -> None:
    lines: list[bytes] = [orjson.dumps(line) for _, line, _ in BROKEN]
    lines += [
        b"{broken json",
        b"[1, 2, 3]",
        b'"just a string"',
        b'{"record_id": "T-9", "reason": "\xff\xfe"}',
        orjson.dumps({**RECORD, "record_id": "T-2", "reason": "x" * 1_000_000}),
        orjson.dumps({**RECORD, "record_id": "T-3", "subject_name": "某\x00公司"}),
        b'{"a": ' * 200 + b"1" + b"}" * 200,
        b"",
        orjson.dumps({**CASE, "case_id": "CASE-OK"}),
        orjson.dumps({**INDIVIDUAL, "record_id": "T-4"}),
        orjson.dumps(RECORD),
    ]
    feed = tmp_path / "bad.jsonl"
    feed.write_bytes(b"\n".join(lines) + b"\n")
    store = store_in(tmp_path)
    result = ingest_feed(store, feed)

    counts = result.counts
    assert counts.applied == 3
    assert counts.blank == 1
    assert counts.applied + counts.rejected + counts.blank == len(lines)
    rejected_lines = [reject.line_no for reject in result.rejects]
    assert rejected_lines == list(range(1, len(lines) - 3))
    assert all(reject.message for reject in result.rejects)
    written = [orjson.loads(row) for row in rejects_path(feed).read_bytes().splitlines()]
    assert [row["line"] for row in written] == rejected_lines
    assert all(len(row["text"]) <= 2_001 for row in written)
    assert store.record_body("T-0001") is not None and store.record_body("T-4") is not None
    store.close()


def test_a_line_not_newer_than_the_stored_version_is_unchanged_unchecked(
    tmp_path: Path,
) -> None:
    feed = tmp_path / "feed.jsonl"
    older_and_broken = {**RECORD, "updated_at": "2025-01-01T00:00:00Z", "kind": "bogus"}
    newer_and_broken = {**RECORD, "updated_at": "2026-01-01T00:00:00Z", "kind": "bogus"}
    rows = [RECORD, older_and_broken, RECORD, newer_and_broken]
    feed.write_bytes(b"\n".join(orjson.dumps(row) for row in rows))
    store = store_in(tmp_path)
    counts = ingest_feed(store, feed).counts
    assert (counts.applied, counts.unchanged, counts.rejected) == (1, 2, 1)
    store.close()


def test_a_batch_is_checked_while_the_one_before_is_written_and_decided_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest, "BATCH_LINES", 2)
    newer = {**RECORD, "updated_at": "2026-01-01T00:00:00Z", "reason": "更新"}
    newest_broken = {**RECORD, "updated_at": "2026-06-01T00:00:00Z", "kind": "bogus"}
    other = {**RECORD, "record_id": "T-OTHER"}
    rows = [RECORD, other, newer, RECORD, newer, newest_broken, other]
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(b"\n".join(orjson.dumps(row) for row in rows))
    store = store_in(tmp_path)
    events: list[str] = []

    def check(lines: list[Any]) -> Later[Checked]:
        events.append(f"check {len(lines)}")
        return check_now(lines)

    result = ingest_feed(
        store, feed, check=check, after_batch=lambda: events.append(f"wrote {store.data_version}")
    )
    # batch 2 is checked before batch 1 is written. Batch 3 started before batch 2 wrote
    # `newer`, so its copy of `newer` was checked, then found unchanged; batch 4's `other`
    # was stored before it started: not checked at all.
    assert events == [
        "check 2", "check 2", "wrote 1", "check 2", "wrote 2", "wrote 2", "check 0", "wrote 2"
    ]  # fmt: skip
    counts = result.counts
    assert (counts.applied, counts.unchanged, counts.rejected) == (3, 3, 1)
    body = store.record_body(RECORD["record_id"])
    assert body is not None and body["reason"] == "更新"
    assert store.runs()[-1].lines_done == len(rows)
    store.close()


def test_a_file_that_breaks_off_keeps_every_whole_batch_read_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest, "BATCH_LINES", 20)
    lines = [
        orjson.dumps({**RECORD, "record_id": f"T-{n}", "reason": os.urandom(40).hex()})
        for n in range(400)
    ]
    whole = gzip.compress(b"\n".join(lines) + b"\n")
    feed = tmp_path / "feed.jsonl.gz"
    feed.write_bytes(whole[: len(whole) // 2])  # a download cut short
    with gzip.open(feed, "rb") as handle:
        readable = []
        with pytest.raises(EOFError):
            while line := handle.readline():
                readable.append(line)
    whole_lines = sum(1 for line in readable if line.endswith(b"\n"))
    assert whole_lines > 100
    store = store_in(tmp_path)
    with pytest.raises(UnreadableFeed):
        ingest_feed(store, feed)
    # the batches read before the break are written, as they were before reading ahead
    assert store.runs()[-1].lines_done == whole_lines // 20 * 20
    assert store.data_version == whole_lines // 20
    store.close()


def test_empty_file_applies_nothing(tmp_path: Path) -> None:
    feed = tmp_path / "empty.jsonl"
    feed.write_bytes(b"")
    store = store_in(tmp_path)
    result = ingest_feed(store, feed)
    assert result.counts.applied == result.counts.rejected == 0
    assert store.data_version == 0
    store.close()


def test_csv_with_a_missing_column_rejects_each_row(tmp_path: Path) -> None:
    columns = [c for c in RECORD if c != "authority"]
    feed = tmp_path / "feed.csv"
    rows = [",".join(columns)] + [
        ",".join(str({**RECORD, "record_id": f"C-{n}"}[c]) for c in columns) for n in range(3)
    ]
    feed.write_text("\n".join(rows) + "\n", encoding="utf-8")
    store = store_in(tmp_path)
    result = ingest_feed(store, feed)
    assert [(r.line_no, r.field) for r in result.rejects] == [
        (2, "authority"),
        (3, "authority"),
        (4, "authority"),
    ]
    store.close()


def test_versions_withdrawal_and_return(tmp_path: Path) -> None:
    def line(updated_at: str, **change: object) -> bytes:
        return orjson.dumps({**RECORD, "updated_at": updated_at, **change})

    withdraw = {"op": "withdraw", "record_id": RECORD["record_id"]}
    feeds = [
        [line("2025-03-10T09:00:00+08:00")],
        [line("2025-03-10T08:00:00+08:00", reason="旧版本")],
        [orjson.dumps({**withdraw, "updated_at": "2025-03-11T00:00:00+08:00"})],
        [line("2025-03-10T12:00:00+08:00", reason="撤回之前的版本")],
        [line("2025-03-12T00:00:00+08:00", reason="新版本")],
    ]
    store = store_in(tmp_path)
    seen = []
    for number, lines in enumerate(feeds):
        feed = tmp_path / f"feed{number}.jsonl"
        feed.write_bytes(b"\n".join(lines))
        counts = ingest_feed(store, feed).counts
        seen.append((counts.applied, counts.unchanged, counts.withdrawn))
        body = store.record_body(RECORD["record_id"])
        seen.append(body["reason"] if body else None)  # type: ignore[arg-type]
    assert seen == [
        (1, 0, 0),
        RECORD["reason"],
        (0, 1, 0),
        RECORD["reason"],
        (0, 0, 1),
        None,
        (0, 1, 0),
        None,
        (1, 0, 0),
        "新版本",
    ]
    assert store.data_version == 3
    store.close()
