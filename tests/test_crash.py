"""Crash safety: `ipcredit index` killed with SIGKILL mid-run, then run again."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import orjson

from tests.conftest import cli_env
from tests.test_models import RECORD

LINES = 24_000


def build_feed(path: Path) -> None:
    """New records, updates, withdrawals and bad lines, interleaved."""
    with path.open("wb") as out:
        for n in range(LINES):
            if n % 50 == 49:
                line: dict[str, Any] = {
                    "op": "withdraw",
                    "record_id": f"R-{n - 40}",
                    "updated_at": "2025-04-01T00:00:00+08:00",
                }
            elif n % 30 == 29:
                line = {**RECORD, "record_id": f"R-{n - 20}", "reason": f"更正 {n}"}
                line["updated_at"] = "2025-03-20T00:00:00+08:00"
            elif n % 7 == 6:
                line = {**RECORD, "record_id": f"R-{n}", "uscc": "91440300MA5F0A1B2M"}
            else:
                line = {**RECORD, "record_id": f"R-{n}", "reason": f"第 {n} 条"}
            out.write(orjson.dumps(line) + b"\n")


def index(feed: Path, data_dir: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "indexer.cli", "index", str(feed)],
        env=cli_env(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def lines_done(data_dir: Path) -> int:
    path = data_dir / "store.sqlite3"
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as db:
            row = db.execute("SELECT max(lines_done) FROM ingest_runs").fetchone()
    except sqlite3.OperationalError:
        return 0
    return int(row[0] or 0)


def kill_after(feed: Path, data_dir: Path, threshold: int) -> None:
    process = index(feed, data_dir)
    deadline = time.monotonic() + 120
    while lines_done(data_dir) < threshold:
        assert process.poll() is None, "finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait()


def snapshot(data_dir: Path) -> dict[str, Any]:
    with sqlite3.connect(data_dir / "store.sqlite3") as db:
        return {
            "records": db.execute("SELECT * FROM records ORDER BY record_id").fetchall(),
            "data_version": db.execute(
                "SELECT value FROM meta WHERE key='data_version'"
            ).fetchall(),
            "runs": db.execute(
                "SELECT status, lines_done, applied, unchanged, withdrawn, rejected"
                " FROM ingest_runs"
            ).fetchall(),
        }


def test_killed_runs_resume_to_the_same_state(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    build_feed(feed)

    reference = index(feed, tmp_path / "reference")
    out, _ = reference.communicate(timeout=300)
    assert reference.returncode == 3
    reference_rejects = (tmp_path / "feed.jsonl.rejects.jsonl").read_bytes()

    crashed = tmp_path / "crashed"
    kill_after(feed, crashed, 5_000)
    kill_after(feed, crashed, 15_000)
    assert 0 < lines_done(crashed) < LINES
    resumed = index(feed, crashed)
    resumed_out, _ = resumed.communicate(timeout=300)
    assert resumed.returncode == 3
    assert "继续 (resumed)" in resumed_out

    assert snapshot(crashed) == snapshot(tmp_path / "reference")
    summary = [line for line in out.splitlines() if "applied" in line]
    assert summary == [line for line in resumed_out.splitlines() if "applied" in line]
    assert (tmp_path / "feed.jsonl.rejects.jsonl").read_bytes() == reference_rejects
