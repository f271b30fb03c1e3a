"""The store of record against the publication rule, for random versions and days."""

from __future__ import annotations

import hashlib
import sqlite3
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credit.personal import mask_stored_body
from credit.publication import Window, is_published
from indexer.ingest import ingest_feed
from indexer.store import CASE_CHANGES, MASKING_VERSION, RECORD_CHANGES, Store
from tests.test_models import GOOD, RECORD

BASE_DAY = date(2025, 1, 1)
BASE_TIME = datetime.fromisoformat("2025-01-01T00:00:00+08:00")
IDS = ["R-1", "R-2", "R-3"]


@st.composite
def versions(draw: st.DrawFn) -> dict[str, Any]:
    """A record version or a withdrawal of one of a few ids."""
    record_id = draw(st.sampled_from(IDS))
    updated_at = (BASE_TIME + timedelta(hours=draw(st.integers(0, 20)))).isoformat()
    if draw(st.integers(0, 4)) == 0:
        return {"op": "withdraw", "record_id": record_id, "updated_at": updated_at}
    start = BASE_DAY + timedelta(days=draw(st.integers(0, 20)))
    line = dict(RECORD) if draw(st.booleans()) else dict(GOOD)
    line |= {"record_id": record_id, "updated_at": updated_at, "decided_on": start.isoformat()}
    if line["kind"] == "dishonest_act" or draw(st.booleans()):
        line["publish_until"] = (start + timedelta(days=draw(st.integers(0, 15)))).isoformat()
    if draw(st.booleans()):
        line["delisted_on"] = (start + timedelta(days=draw(st.integers(-3, 15)))).isoformat()
        line["delist_reason"] = "repaired"
    return {key: value for key, value in line.items() if value is not None}


def expected_windows(lines: list[dict[str, Any]]) -> dict[str, Window | None]:
    """Replay the versions: a line applies only when strictly newer than what is held."""
    held: dict[str, tuple[datetime, Window | None]] = {}
    for line in lines:
        updated = datetime.fromisoformat(line["updated_at"])
        current = held.get(line["record_id"])
        if current is not None and updated <= current[0]:
            continue
        window = None
        if "op" not in line:
            window = Window(
                date.fromisoformat(line["decided_on"]),
                date.fromisoformat(line["publish_until"]) if "publish_until" in line else None,
                date.fromisoformat(line["delisted_on"]) if "delisted_on" in line else None,
            )
        held[line["record_id"]] = (updated, window)
    return {record_id: window for record_id, (_, window) in held.items()}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=st.lists(versions(), min_size=1, max_size=12),
    split=st.integers(0, 12),
    days=st.lists(st.integers(-2, 40), min_size=1, max_size=8),
)
def test_store_answers_like_the_rule(
    lines: list[dict[str, Any]], split: int, days: list[int]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "store.sqlite3")
        for number, part in enumerate((lines[:split], lines[split:])):
            feed = Path(tmp) / f"feed{number}.jsonl"
            feed.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in part))
            assert ingest_feed(store, feed).counts.rejected == 0
        windows = expected_windows(lines)
        for offset in days:
            day = BASE_DAY + timedelta(days=offset)
            for record_id in IDS:
                window = windows.get(record_id)
                expected = window is not None and is_published(window, day)
                assert store.is_published(record_id, day) is expected
            published = {r for r, w in windows.items() if w is not None and is_published(w, day)}
            assert set(store.published_record_ids(day)) == published
        store.close()


def test_changes_since_a_version_are_found_through_the_version_index(tmp_path: Path) -> None:
    """Each batch of a long load reads only its own changes, never the whole table."""
    store = Store(tmp_path / "store.sqlite3")
    try:
        for sql in (RECORD_CHANGES, CASE_CHANGES):
            plan = " ".join(row[-1] for row in store.db.execute(f"EXPLAIN QUERY PLAN {sql}", (1,)))
            assert "SEARCH" in plan and "_by_version (data_version>?)" in plan, plan
            assert "SCAN" not in plan, plan
    finally:
        store.close()


def test_changes_since_a_version_in_id_order(tmp_path: Path) -> None:
    store = Store(tmp_path / "store.sqlite3")
    try:
        feed = tmp_path / "feed.jsonl"
        for rounds, ids in enumerate((["R-3", "R-1"], ["R-2", "R-1"])):
            updated = (BASE_TIME + timedelta(hours=rounds)).isoformat()
            lines = [dict(GOOD) | {"record_id": i, "updated_at": updated} for i in ids]
            feed.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))
            ingest_feed(store, feed)
        first = store.data_version - 1
        assert [rid for rid, _ in store.record_changes_since(0)] == ["R-1", "R-2", "R-3"]
        assert [rid for rid, _ in store.record_changes_since(first)] == ["R-1", "R-2"]
    finally:
        store.close()


def test_masking_an_older_store_leaves_no_stale_copy_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    fresh = Store(path)
    assert fresh.bodies_masked  # created by this version: what comes is masked as validated
    fresh.db.execute("DELETE FROM meta WHERE key = 'masking'")  # as older versions left it
    assert not fresh.bodies_masked
    older = sqlite3.connect(path)
    older.execute("PRAGMA secure_delete = OFF")  # SQLite's default: freed text stays put
    for n in range(50):
        body = {"record_id": f"R{n}", "reason": "身份证 110105 19900307 1239 " + "说明" * 150}
        older.execute(
            "INSERT INTO records VALUES (?, 1, 0, 'dishonest_act', NULL, NULL, NULL, NULL, ?, 1)",
            (f"R{n}", orjson.dumps(body).decode()),
        )
    older.commit()
    older.close()
    store = Store(path)
    assert store.mask_personal_numbers() == 50
    assert store.bodies_masked
    assert store.mask_personal_numbers() == 0  # once
    store.close()
    files = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert b"19900307" not in files and b"110105********1239" in files


def test_the_masked_mark_holds_through_this_versions_batches_and_lapses_after_anothers(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "store.sqlite3")
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(orjson.dumps(RECORD) + b"\n")
    ingest_feed(store, feed)
    assert store.data_version == 1 and store.bodies_masked
    # an older ipcredit writes a batch: the data version moves, the mark does not
    store.db.execute("UPDATE meta SET value = '2' WHERE key = 'data_version'")
    assert not store.bodies_masked
    feed.write_bytes(orjson.dumps({**RECORD, "updated_at": "2025-03-11T09:00:00+08:00"}) + b"\n")
    ingest_feed(store, feed)
    assert store.data_version == 3 and not store.bodies_masked  # it stays lapsed
    assert store.mask_personal_numbers() == 0  # nothing to change, but checked again
    assert store.bodies_masked
    store.close()


MASKING_VECTORS = [
    "身份证 110105199003071239，手机 13800138000",
    "１１０１０５１９９００３０７１２３９",
    "110105 19900307 1239；138-0013-8000",
    "一代身份证 110105900307123",
    "电话 +86 138 0013 8000，００８６１３８００１３８０００",
    "https://example.org/a?tel=8613800138000",
    "注册号 110105900307123，订单 12345678901",
    "110105199003061380 0138000",  # once masked, the ID's last digits read as a mobile
    "11010519491231002 X",  # the check character as a group of its own
    "身份证 110105199003071238，又作 11010519900307123 或 1101-0519-9003-0712-3 9",  # mistyped
    "代码 N14408119590607598，11010519900307123b，电话 13800019901 2150001",
]
MASKING_URLS = [
    "https://example.org/a?tel=138%200013%208000&id=110105+19900307+1239",
    "https://example.org/a?id=%31%31%30%31%30%35%31%39%39%30%30%33%30%37%31%32%33%39",
    "https://example.org/a?tel=138%25200013%25208000",  # encoded twice
    "https://example.org/a?tel=138%25C2%25A00013%25C2%25A08000",  # a no-break space, twice
]
MASKED_AS = {"5": "ba20359e6898"}
"""What `mask_stored_body` makes of `MASKING_VECTORS` and `MASKING_URLS`, per
`MASKING_VERSION`."""


def test_a_change_to_the_masking_comes_with_a_new_masking_version() -> None:
    """Stores marked with a version are trusted to be masked as it masks: when the masking
    changes, `MASKING_VERSION` must change too (then a reindex masks older stores again)."""
    bodies = [{"reason": vector} for vector in MASKING_VECTORS]
    bodies += [{"source_url": url} for url in MASKING_URLS]
    masked = "\n".join(str(mask_stored_body(body)) for body in bodies)
    digest = hashlib.sha256(masked.encode()).hexdigest()[:12]
    assert MASKED_AS.get(MASKING_VERSION) == digest, (
        f"the masking gives {digest}: raise MASKING_VERSION and record it in MASKED_AS"
    )
