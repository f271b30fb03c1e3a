"""Record bodies in the store: compressed with a trained dictionary, read back unchanged."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import orjson
import pytest

from credit.models import CreditRecord
from credit.validation import parse_item
from indexer import bodies
from indexer.generate import write_feed
from indexer.ingest import ingest_feed
from indexer.store import Counts, Store, record_row

RECORDS = bodies.TRAINING_RECORDS + 500


def _stored_types(store: Store) -> dict[str, int]:
    rows = store.db.execute(
        "SELECT typeof(body), count(*) FROM records WHERE body IS NOT NULL GROUP BY 1"
    )
    return dict(rows.fetchall())


def _loaded(path: Path, feed: Path) -> Store:
    store = Store(path)
    result = ingest_feed(store, feed)
    assert not result.rejects
    return store


@pytest.fixture(scope="module")
def feed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("feed") / "feed.jsonl"
    write_feed(path, RECORDS, seed=3)
    return path


def test_a_large_batch_is_compressed_and_reads_back_as_plain_json(
    tmp_path: Path, feed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compressed = _loaded(tmp_path / "compressed.sqlite3", feed)
    monkeypatch.setattr(bodies, "TRAINING_RECORDS", 10**9)
    plain = _loaded(tmp_path / "plain.sqlite3", feed)

    assert set(_stored_types(compressed)) == {"blob"}
    assert set(_stored_types(plain)) == {"text"}
    size = "SELECT sum(length(body)) FROM records"
    assert compressed.db.execute(size).fetchone()[0] < plain.db.execute(size).fetchone()[0] / 3

    assert list(compressed.record_changes_since(0)) == list(plain.record_changes_since(0))
    assert list(compressed.iter_record_json()) == list(plain.iter_record_json())
    some_id = next(iter(compressed.record_changes_since(0)))[0]
    assert compressed.record_body(some_id) == plain.record_body(some_id)
    assert compressed.record_body(some_id) is not None


def test_a_small_store_keeps_text(tmp_path: Path) -> None:
    feed = tmp_path / "small.jsonl"
    write_feed(feed, 50, seed=1)
    store = _loaded(tmp_path / "store.sqlite3", feed)
    assert set(_stored_types(store)) == {"text"}
    assert store.db.execute("SELECT count(*) FROM body_dictionaries").fetchone()[0] == 0


def test_a_reader_opened_before_the_dictionary_existed_reads_the_new_bodies(
    tmp_path: Path, feed: Path
) -> None:
    path = tmp_path / "store.sqlite3"
    reader = Store(path)
    writer = _loaded(path, feed)
    assert set(_stored_types(writer)) == {"blob"}
    assert list(reader.record_changes_since(0)) == list(writer.record_changes_since(0))


def test_a_dictionary_trained_by_a_failed_batch_is_forgotten(tmp_path: Path, feed: Path) -> None:
    lines = [orjson.loads(line) for line in feed.read_bytes().splitlines()]
    items = [parse_item(line) for line in lines if "op" not in line]
    rows = [record_row(item) for item in items if isinstance(item, CreditRecord)]
    store = Store(tmp_path / "store.sqlite3")
    run = store.start_run("feed", "digest")
    broken_case = ("C-1", None, 0, None, None)  # updated_at is NOT NULL: the batch fails
    with pytest.raises(sqlite3.IntegrityError):
        store.commit_batch(run.run_id, 1, rows, [broken_case], [], Counts(applied=len(rows)))
    assert store.db.execute("SELECT count(*) FROM body_dictionaries").fetchone()[0] == 0

    store.commit_batch(run.run_id, 1, rows[:10], [], [], Counts(applied=10))
    assert set(_stored_types(store)) == {"text"}  # no dictionary: kept as text
    store.commit_batch(run.run_id, 2, rows, [], [], Counts(applied=len(rows)))
    assert set(_stored_types(store)) == {"blob"}
    assert {ident for ident, _ in store.record_changes_since(0)} == {row[0] for row in rows}
    assert all(orjson.loads(body or "null") for _, body in store.record_changes_since(0))
