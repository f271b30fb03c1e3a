"""The store of record (SQLite, WAL): current versions, ingest log, data version.

Records and cases are kept by their source id with the `updated_at` of the
version held. A withdrawal keeps a tombstone (no body) so an older version that
arrives later is still recognised as older. Every batch that changes something
is one transaction that also advances the data version and the ingest run's
progress: a killed process leaves the store at a batch boundary.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import orjson

from credit.fields import timestamp_micros
from credit.models import CreditRecord, TypicalCase, Withdrawal
from credit.personal import body_may_hold_personal_numbers, mask_stored_body, redact_digits
from indexer import bodies

SCHEMA_VERSION = 1
MASKING_VERSION = "5"
"""The masking of personal numbers (`credit.personal`) the stored texts have had: 2 —
numbers written in groups and 15-digit ID numbers, which older versions kept whole; 3 —
mobile numbers after a country code, and source URLs; 4 — numbers a URL spells in escapes
or with `+` between groups (in any text), and an ID number whose check character is a
group of its own. Change it with the masking."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    record_id TEXT PRIMARY KEY,
    updated_at INTEGER NOT NULL,
    withdrawn INTEGER NOT NULL,
    kind TEXT,
    uscc TEXT,
    publish_from TEXT,
    publish_until TEXT,
    delisted_on TEXT,
    body TEXT,
    data_version INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS records_by_version ON records (data_version);
CREATE TABLE IF NOT EXISTS cases (
    case_id TEXT PRIMARY KEY,
    updated_at INTEGER NOT NULL,
    withdrawn INTEGER NOT NULL,
    published_on TEXT,
    body TEXT,
    data_version INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS cases_by_version ON cases (data_version);
CREATE TABLE IF NOT EXISTS batches (
    data_version INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL,
    committed_at TEXT NOT NULL,
    changed INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS ingest_runs (
    run_id INTEGER PRIMARY KEY,
    feed TEXT NOT NULL,
    feed_digest TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,
    lines_done INTEGER NOT NULL DEFAULT 0,
    applied INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0,
    withdrawn INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    blank INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS ingest_rejects (
    run_id INTEGER NOT NULL,
    line_no INTEGER NOT NULL,
    field TEXT NOT NULL,
    message TEXT NOT NULL,
    line TEXT NOT NULL,
    PRIMARY KEY (run_id, line_no)
) WITHOUT ROWID;
"""

Row = tuple[object, ...]
BODY = 8  # the body's place in a `records` row (`record_row`)

PUBLISHED_ON = (
    "withdrawn = 0 AND publish_from <= :day"
    " AND (publish_until IS NULL OR :day <= publish_until)"
    " AND (delisted_on IS NULL OR :day < delisted_on)"
)


@dataclass
class Counts:
    """What happened to the lines of a feed (or of one batch)."""

    applied: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    rejected: int = 0
    blank: int = 0

    def add(self, other: Counts) -> None:
        self.applied += other.applied
        self.unchanged += other.unchanged
        self.withdrawn += other.withdrawn
        self.rejected += other.rejected
        self.blank += other.blank

    @property
    def changed(self) -> int:
        return self.applied + self.withdrawn


@dataclass(frozen=True)
class Reject:
    """A line that was not applied: where, which field, why, and the (redacted) line."""

    line_no: int
    field: str
    message: str
    line: str


@dataclass(frozen=True)
class IngestRun:
    """One `ipcredit index` pass over one feed file."""

    run_id: int
    feed: str
    feed_digest: str
    status: str
    lines_done: int
    counts: Counts


@dataclass(frozen=True)
class Version:
    """A stored version: its timestamp and whether it is a withdrawal."""

    updated_at: int
    withdrawn: bool


def _utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


# The changes since a version, through the version index. Without INDEXED BY, SQLite
# walks the whole table in id order to spare the sort: a full scan per batch, which
# makes a long load quadratic.
RECORD_CHANGES = (
    "SELECT record_id, body FROM records INDEXED BY records_by_version"
    " WHERE data_version > ? ORDER BY record_id"
)
CASE_CHANGES = (
    "SELECT case_id, body FROM cases INDEXED BY cases_by_version"
    " WHERE data_version > ? ORDER BY case_id"
)


class Store:
    """The SQLite store of record under a data directory."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA busy_timeout=10000")
        self.db.execute("PRAGMA cache_size=-65536")
        self.db.executescript(_SCHEMA + bodies.SCHEMA)
        existing = self.db.execute("SELECT 1 FROM meta WHERE key = 'schema_version'").fetchone()
        self.db.execute(
            "INSERT OR IGNORE INTO meta VALUES ('schema_version', ?), ('data_version', '0')",
            (str(SCHEMA_VERSION),),
        )
        if existing is None:  # nothing stored yet: what comes is masked as it is validated
            self.db.execute(
                "INSERT OR IGNORE INTO meta VALUES ('masking', ?), ('masked_at', '0')",
                (MASKING_VERSION,),
            )
        self._bodies = bodies.BodyCodec(self.db)

    def close(self) -> None:
        self.db.close()

    # -- reading -------------------------------------------------------------------------

    @property
    def bodies_masked(self) -> bool:
        """Whether every stored text has had this version's masking (`MASKING_VERSION`): the
        store was created by it, or `mask_personal_numbers` has run, and every batch since
        was written by it. Each batch moves `masked_at` along with the data version; a
        batch written by another version does not, and the mark lapses."""
        marks = dict(
            self.db.execute(
                "SELECT key, value FROM meta WHERE key IN ('masking', 'masked_at', 'data_version')"
            ).fetchall()
        )
        return marks.get("masking") == MASKING_VERSION and marks.get("masked_at") == marks.get(
            "data_version"
        )

    @property
    def data_version(self) -> int:
        """Advances with every batch that changed something."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
        return int(row[0])

    def record_versions(self, record_ids: Sequence[str]) -> dict[str, Version]:
        """Stored versions of these records (tombstones included)."""
        return self._versions("records", "record_id", record_ids)

    def case_versions(self, case_ids: Sequence[str]) -> dict[str, Version]:
        """Stored versions of these cases (tombstones included)."""
        return self._versions("cases", "case_id", case_ids)

    def _versions(self, table: str, key: str, ids: Sequence[str]) -> dict[str, Version]:
        found: dict[str, Version] = {}
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT {key}, updated_at, withdrawn FROM {table} WHERE {key} IN ({marks})"
            for ident, updated_at, withdrawn in self.db.execute(query, chunk):
                found[ident] = Version(updated_at, bool(withdrawn))
        return found

    def record_body(self, record_id: str) -> dict[str, object] | None:
        """The stored record (None when unknown or withdrawn), whatever its window."""
        row = self.db.execute(
            "SELECT body FROM records WHERE record_id = ? AND withdrawn = 0", (record_id,)
        ).fetchone()
        return orjson.loads(self._bodies.unpack(row[0])) if row else None

    def is_published(self, record_id: str, day: date) -> bool:
        """The publication rule evaluated by the store for one record on one day."""
        row = self.db.execute(
            f"SELECT 1 FROM records WHERE record_id = :id AND {PUBLISHED_ON}",
            {"id": record_id, "day": day.isoformat()},
        ).fetchone()
        return row is not None

    def published_record_ids(self, day: date) -> list[str]:
        """Ids of every record published on `day`, sorted."""
        rows = self.db.execute(
            f"SELECT record_id FROM records WHERE {PUBLISHED_ON} ORDER BY record_id",
            {"day": day.isoformat()},
        )
        return [row[0] for row in rows]

    def iter_record_bodies(self) -> Iterator[dict[str, object]]:
        """Every current (not withdrawn) record, in id order."""
        for body in self.iter_record_json():
            yield orjson.loads(body)

    def iter_record_json(self) -> Iterator[str]:
        """Every current record's JSON body, in id order."""
        unpack = self._bodies.unpack
        for (body,) in self.db.execute(
            "SELECT body FROM records WHERE withdrawn = 0 ORDER BY record_id"
        ):
            yield unpack(body)

    def iter_case_json(self) -> Iterator[str]:
        """Every current case's JSON body, in id order."""
        for (body,) in self.db.execute(
            "SELECT body FROM cases WHERE withdrawn = 0 ORDER BY case_id"
        ):
            yield body

    def iter_case_bodies(self) -> Iterator[dict[str, object]]:
        """Every current (not withdrawn) case, in id order."""
        for (body,) in self.db.execute(
            "SELECT body FROM cases WHERE withdrawn = 0 ORDER BY case_id"
        ):
            yield orjson.loads(body)

    def record_changes_since(self, version: int) -> Iterator[tuple[str, str | None]]:
        """(record_id, body JSON or None when withdrawn) of records changed after `version`."""
        unpack = self._bodies.unpack
        for record_id, body in self.db.execute(RECORD_CHANGES, (version,)):
            yield record_id, None if body is None else unpack(body)

    def case_changes_since(self, version: int) -> Iterator[tuple[str, str | None]]:
        """(case_id, body JSON or None when withdrawn) of cases changed after `version`."""
        yield from self.db.execute(CASE_CHANGES, (version,))

    def count_records(self) -> int:
        """Current records (withdrawn ones excluded)."""
        row = self.db.execute("SELECT count(*) FROM records WHERE withdrawn = 0").fetchone()
        return int(row[0])

    # -- ingest runs ---------------------------------------------------------------------

    def resumable_run(self, feed_digest: str) -> IngestRun | None:
        """An unfinished run over a file with this content, if one was interrupted."""
        row = self.db.execute(
            "SELECT run_id, feed, feed_digest, status, lines_done, applied, unchanged,"
            " withdrawn, rejected, blank FROM ingest_runs"
            " WHERE feed_digest = ? AND status = 'running' ORDER BY run_id DESC LIMIT 1",
            (feed_digest,),
        ).fetchone()
        return _run_from_row(row) if row else None

    def start_run(self, feed: str, feed_digest: str) -> IngestRun:
        """Record the start of a pass; unfinished passes over other contents are abandoned."""
        with self._transaction():
            self.db.execute(
                "UPDATE ingest_runs SET status = 'abandoned' WHERE status = 'running' AND feed = ?",
                (feed,),
            )
            cursor = self.db.execute(
                "INSERT INTO ingest_runs (feed, feed_digest, started_at, status)"
                " VALUES (?, ?, ?, 'running')",
                (feed, feed_digest, _utc_now()),
            )
        assert cursor.lastrowid is not None
        return IngestRun(cursor.lastrowid, feed, feed_digest, "running", 0, Counts())

    def finish_run(self, run_id: int) -> None:
        with self._transaction():
            self.db.execute(
                "UPDATE ingest_runs SET status = 'finished', finished_at = ? WHERE run_id = ?",
                (_utc_now(), run_id),
            )

    def run_rejects(self, run_id: int) -> list[Reject]:
        rows = self.db.execute(
            "SELECT line_no, field, message, line FROM ingest_rejects"
            " WHERE run_id = ? ORDER BY line_no",
            (run_id,),
        )
        return [Reject(*row) for row in rows]

    def runs(self) -> list[IngestRun]:
        """The ingest log, oldest first."""
        rows = self.db.execute(
            "SELECT run_id, feed, feed_digest, status, lines_done, applied, unchanged,"
            " withdrawn, rejected, blank FROM ingest_runs ORDER BY run_id"
        )
        return [_run_from_row(row) for row in rows]

    # -- applying a batch ----------------------------------------------------------------

    def commit_batch(
        self,
        run_id: int,
        lines_done: int,
        records: Sequence[Row],
        cases: Sequence[Row],
        rejects: Sequence[Reject],
        counts: Counts,
    ) -> None:
        """Write the surviving versions of one batch (rows from `record_row` and
        `case_row`), its rejects and the run's progress. A body dictionary trained for
        the batch goes with it if it rolls back."""
        with self._transaction(on_rollback=self._bodies.reset):
            version = self.data_version
            if counts.changed:
                version += 1
                self.db.execute(
                    "UPDATE meta SET value = ? WHERE key = 'data_version'", (str(version),)
                )
                self.db.execute(  # validated by this version: the mark holds, if it held
                    "UPDATE meta SET value = ? WHERE key = 'masked_at' AND value = ?",
                    (str(version), str(version - 1)),
                )
                self.db.execute(
                    "INSERT INTO batches VALUES (?, ?, ?, ?)",
                    (version, run_id, _utc_now(), counts.changed),
                )
            self.db.executemany(
                "INSERT INTO records VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT (record_id) DO UPDATE"
                " SET updated_at = excluded.updated_at, withdrawn = excluded.withdrawn,"
                " kind = excluded.kind, uscc = excluded.uscc,"
                " publish_from = excluded.publish_from, publish_until = excluded.publish_until,"
                " delisted_on = excluded.delisted_on, body = excluded.body,"
                " data_version = excluded.data_version",
                [
                    (*row[:BODY], body, version)
                    for row, body in zip(
                        records, self._bodies.pack([row[BODY] for row in records]), strict=True
                    )
                ],
            )
            self.db.executemany(
                "INSERT INTO cases VALUES (?,?,?,?,?,?) ON CONFLICT (case_id) DO UPDATE"
                " SET updated_at = excluded.updated_at, withdrawn = excluded.withdrawn,"
                " published_on = excluded.published_on, body = excluded.body,"
                " data_version = excluded.data_version",
                [(*row, version) for row in cases],
            )
            self.db.executemany(
                "INSERT OR REPLACE INTO ingest_rejects VALUES (?, ?, ?, ?, ?)",
                [(run_id, r.line_no, r.field, r.message, r.line) for r in rejects],
            )
            self.db.execute(
                "UPDATE ingest_runs SET lines_done = ?, applied = applied + ?,"
                " unchanged = unchanged + ?, withdrawn = withdrawn + ?,"
                " rejected = rejected + ?, blank = blank + ? WHERE run_id = ?",
                (
                    lines_done,
                    counts.applied,
                    counts.unchanged,
                    counts.withdrawn,
                    counts.rejected,
                    counts.blank,
                    run_id,
                ),
            )

    def mask_personal_numbers(self) -> int:
        """Mask what an older ipcredit stored whole (bodies, rejected lines), once per
        `MASKING_VERSION` and again after another version wrote a batch, then rewrite the
        file (VACUUM: older versions left stale copies of bodies in free pages) and
        checkpoint it. Returns the rows changed. The bodies keep their versions: the
        engine gets them from its rebuild. Needs free space for a copy of the store while
        it runs."""
        if self.bodies_masked:
            return 0
        with self._transaction():
            version = self.data_version  # a batch after this transaction lapses the mark
            changed = self._mask_bodies("records", "record_id", packed=True)
            changed += self._mask_bodies("cases", "case_id", packed=False)
            rejects = self.db.execute("SELECT run_id, line_no, line FROM ingest_rejects")
            fixed = [
                (new, run, no) for run, no, line in rejects if (new := redact_digits(line)) != line
            ]
            self.db.executemany(
                "UPDATE ingest_rejects SET line = ? WHERE run_id = ? AND line_no = ?", fixed
            )
            changed += len(fixed)
        self.db.execute("VACUUM")  # marked done only once the file holds no stale copy
        self.db.execute(
            "INSERT OR REPLACE INTO meta VALUES ('masking', ?), ('masked_at', ?)",
            (MASKING_VERSION, str(version)),
        )
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return changed

    def _mask_bodies(self, table: str, key: str, *, packed: bool) -> int:
        rows = self.db.execute(f"SELECT {key}, body FROM {table} WHERE body IS NOT NULL")
        fixed: list[tuple[object, str]] = []
        for ident, stored in rows:  # written after the last is read
            text = self._bodies.unpack(stored) if packed else str(stored)
            if not body_may_hold_personal_numbers(text):
                continue
            body = orjson.loads(text)
            masked = mask_stored_body(body)
            if masked != body:
                new = orjson.dumps(masked).decode()
                fixed.append((self._bodies.pack([new])[0] if packed else new, ident))
        self.db.executemany(f"UPDATE {table} SET body = ? WHERE {key} = ?", fixed)
        return len(fixed)

    def _transaction(self, on_rollback: Callable[[], object] | None = None) -> _Transaction:
        return _Transaction(self.db, on_rollback)


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any exception (then `on_rollback`)."""

    def __init__(
        self, db: sqlite3.Connection, on_rollback: Callable[[], object] | None = None
    ) -> None:
        self.db = db
        self.on_rollback = on_rollback

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if error is None:
            self.db.execute("COMMIT")
        else:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            if self.on_rollback is not None:
                self.on_rollback()


def _run_from_row(row: tuple[Any, ...]) -> IngestRun:
    run_id, feed, feed_digest, status, lines_done, *counts = row
    return IngestRun(run_id, feed, feed_digest, status, lines_done, Counts(*counts))


def _body(item: CreditRecord | TypicalCase) -> str:
    return item.model_dump_json(exclude_none=True)


def record_row(item: CreditRecord | Withdrawal) -> Row:
    """The `records` columns of a version, but its data version."""
    updated = timestamp_micros(item.updated_at)
    if isinstance(item, Withdrawal):
        return (item.record_id, updated, 1, None, None, None, None, None, None)
    return (
        item.record_id,
        updated,
        0,
        item.kind,
        item.uscc,
        _iso(item.publish_from),
        _iso(item.publish_until),
        _iso(item.delisted_on),
        _body(item),
    )


def case_row(item: TypicalCase | Withdrawal) -> Row:
    """The `cases` columns of a version, but its data version."""
    updated = timestamp_micros(item.updated_at)
    if isinstance(item, Withdrawal):
        return (item.case_id, updated, 1, None, None)
    return (item.case_id, updated, 0, _iso(item.published_on), _body(item))
