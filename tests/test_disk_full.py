"""A full disk: `ipcredit index` and `ipcredit reindex` fail cleanly, with nothing half-applied.

The fault is real: the CLI runs in a subprocess whose file-size limit (RLIMIT_FSIZE) is
set, with SIGXFSZ ignored, so a write past the limit fails with EFBIG as the kernel
reports it, wherever it happens (SQLite's WAL, a tantivy segment). ENOSPC comes from
`/dev/full`, and SQLite's own "disk full" from `max_page_count`. The states are compared
the way `test_crash` does: the store's tables, plus every document of the engine and the
data version it records.
"""

from __future__ import annotations

import errno
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import tantivy

from credit.search import tantivy_layout as layout
from indexer.disk import write_failure
from indexer.generate import write_feed
from tests.conftest import cli_env

BASE_LIMIT = 1_000_000  # bytes a file may grow to: above every file of the base state


def run(
    data_dir: Path, *args: str | Path, limit: int | None = None
) -> subprocess.CompletedProcess[str]:
    """`ipcredit ARGS` in a subprocess; with `limit`, no file it writes may grow past it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)

    def limited() -> None:  # in the child, before exec
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit or soft, hard))

    return subprocess.run(
        [sys.executable, "-m", "indexer.cli", *map(str, args)],
        env=cli_env(data_dir, PYTHONDONTWRITEBYTECODE="1"),
        preexec_fn=limited if limit else None,
        capture_output=True,
        text=True,
        timeout=300,
    )


def store_state(data_dir: Path) -> dict[str, Any]:
    with sqlite3.connect(data_dir / "store.sqlite3") as db:
        return {
            "records": db.execute("SELECT * FROM records ORDER BY record_id").fetchall(),
            "cases": db.execute("SELECT * FROM cases ORDER BY case_id").fetchall(),
            "data_version": db.execute(
                "SELECT value FROM meta WHERE key='data_version'"
            ).fetchall(),
            "batches": db.execute("SELECT data_version, changed FROM batches").fetchall(),
        }


def runs(data_dir: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(data_dir / "store.sqlite3") as db:
        return db.execute(
            "SELECT status, lines_done, applied, unchanged, withdrawn, rejected FROM ingest_runs"
            " ORDER BY run_id"
        ).fetchall()


def engine_state(data_dir: Path) -> dict[str, Any]:
    """Every document of the tantivy engine (id and stored body) and its data version."""
    directory = layout.current_dir(data_dir)
    assert directory is not None
    state: dict[str, Any] = {"data_version": layout.read_state(directory)}
    for part in ("records", "cases"):
        searcher = tantivy.Index.open(str(directory / part)).searcher()
        hits = searcher.search(tantivy.Query.all_query(), max(searcher.num_docs, 1)).hits
        documents = [searcher.doc(address).to_dict() for _, address in hits]
        state[part] = sorted((d["id"][0], d["body"][0]) for d in documents)
    return state


def state(data_dir: Path) -> dict[str, Any]:
    return {"store": store_state(data_dir), "engine": engine_state(data_dir)}


def leftovers(data_dir: Path) -> list[str]:
    """Files a failed run must not leave: partial files, index directories not in use."""
    current = layout.current_dir(data_dir)
    stale = [d.name for d in data_dir.glob("index-*") if d != current]
    return stale + [p.name for p in data_dir.rglob("*.partial")]


def largest_file(data_dir: Path) -> int:
    return max(p.stat().st_size for p in data_dir.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def feeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A small base feed, and a feed whose one batch needs more than the limit."""
    root = tmp_path_factory.mktemp("disk-full-feeds")
    base, big = root / "base.jsonl", root / "big.jsonl"
    write_feed(base, records=300, cases=5, seed=1)
    write_feed(big, records=4_000, cases=10, seed=2)
    return {"base": base, "big": big}


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory, feeds: dict[str, Path]) -> Path:
    """A data directory holding the base feed (store and engine)."""
    data_dir = tmp_path_factory.mktemp("disk-full") / "base"
    assert run(data_dir, "index", feeds["base"]).returncode == 0
    assert largest_file(data_dir) < BASE_LIMIT
    return data_dir


def copy(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, symlinks=True)
    return target


def test_store_full_leaves_store_and_engine_as_before(
    base: Path, feeds: dict[str, Path], tmp_path: Path
) -> None:
    reference = copy(base, tmp_path / "reference")
    assert run(reference, "index", feeds["big"]).returncode == 0
    assert largest_file(reference) > BASE_LIMIT  # the run cannot fit under the limit
    data_dir = copy(base, tmp_path / "full")
    before = state(data_dir)

    failed = run(data_dir, "index", feeds["big"], limit=BASE_LIMIT)
    assert failed.returncode == 1, failed.stderr
    message = failed.stderr
    assert "磁盘空间不足：写入存储（store.sqlite3）时失败" in message
    assert "文件超过允许的大小上限" in message
    assert "本次运行没有改变任何数据：存储和搜索索引都与运行前相同" in message
    assert "请释放磁盘空间后重新运行同一命令" in message
    assert "Traceback" not in message
    assert state(data_dir) == before
    assert runs(data_dir) == [*runs(base), ("running", 0, 0, 0, 0, 0)]  # the attempt, logged
    assert leftovers(data_dir) == []

    again = run(data_dir, "index", feeds["big"])
    assert again.returncode == 0, again.stderr
    assert state(data_dir) == state(reference)
    assert runs(data_dir) == runs(reference)


def test_engine_full_leaves_store_and_engine_as_before(
    base: Path, feeds: dict[str, Path], tmp_path: Path
) -> None:
    """The store holds a batch the engine lacks (`--defer-engine`); the catch-up that the
    next run starts with cannot write its segment."""
    one = tmp_path / "one.jsonl"
    one.write_text(feeds["big"].read_text(encoding="utf-8").splitlines()[0] + "\n")
    reference = copy(base, tmp_path / "reference")
    assert run(reference, "index", feeds["big"]).returncode == 0
    assert run(reference, "index", one).returncode == 0
    data_dir = copy(base, tmp_path / "full")
    assert run(data_dir, "index", "--defer-engine", feeds["big"]).returncode == 0
    before, runs_before = state(data_dir), runs(data_dir)
    limit = 200_000
    assert largest_file(data_dir / "index") < limit < largest_file(reference / "index")

    failed = run(data_dir, "index", one, limit=limit)
    assert failed.returncode == 1, failed.stderr
    assert "搜索索引落后于存储 1 个数据版本，正在补齐" in failed.stderr
    assert "磁盘空间不足：更新搜索索引时失败" in failed.stderr
    assert "本次运行没有改变任何数据" in failed.stderr and "Traceback" not in failed.stderr
    assert state(data_dir) == before
    assert runs(data_dir) == runs_before
    assert leftovers(data_dir) == []

    again = run(data_dir, "index", one)
    assert again.returncode == 0, again.stderr
    assert state(data_dir) == state(reference)


def test_reindex_full_keeps_the_serving_engine(
    base: Path, feeds: dict[str, Path], tmp_path: Path
) -> None:
    data_dir = copy(base, tmp_path / "full")
    assert run(data_dir, "index", feeds["big"]).returncode == 0
    before, serving = state(data_dir), layout.current_dir(data_dir)
    limit = 200_000
    assert largest_file(data_dir / "index") > limit

    failed = run(data_dir, "reindex", limit=limit)
    assert failed.returncode == 1, failed.stderr
    assert "磁盘空间不足：重建搜索索引时失败" in failed.stderr
    assert "正在服务的搜索索引和存储都与运行前相同" in failed.stderr
    assert "请释放磁盘空间后重新运行 ipcredit reindex" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert state(data_dir) == before
    assert layout.current_dir(data_dir) == serving
    assert leftovers(data_dir) == []

    again = run(data_dir, "reindex")
    assert again.returncode == 0, again.stderr
    assert layout.current_dir(data_dir) != serving
    assert state(data_dir) == before  # the same documents, rebuilt


def test_rejects_report_on_a_full_device(base: Path, tmp_path: Path) -> None:
    """ENOSPC itself: the reject report is written to a device that is always full."""
    data_dir = copy(base, tmp_path / "full")
    feed = tmp_path / "bad.jsonl"
    feed.write_text('{"record_id": "X-1"}\n', encoding="utf-8")
    partial = tmp_path / "bad.jsonl.rejects.jsonl.partial"
    partial.symlink_to("/dev/full")

    failed = run(data_dir, "index", feed)
    assert failed.returncode == 1, failed.stderr
    assert "磁盘空间不足：写入拒绝报告（bad.jsonl.rejects.jsonl）时失败" in failed.stderr
    assert "只有拒绝报告没有写出" in failed.stderr
    assert "磁盘已满" in failed.stderr and "Traceback" not in failed.stderr
    assert not partial.exists() and not partial.is_symlink()
    assert not (tmp_path / "bad.jsonl.rejects.jsonl").exists()

    again = run(data_dir, "index", feed)
    assert again.returncode == 3, again.stderr
    assert "record_id" in (tmp_path / "bad.jsonl.rejects.jsonl").read_text(encoding="utf-8")


def test_screening_report_on_a_full_disk(base: Path, tmp_path: Path) -> None:
    data_dir = copy(base, tmp_path / "full")
    source = tmp_path / "list.csv"
    rows = [f"深圳市第{n}号测试科技有限公司,展位{n}" for n in range(300)]
    source.write_text("\n".join(["企业名称,展位", *rows]), encoding="utf-8")
    report = tmp_path / "report.csv"

    failed = run(data_dir, "screen", source, "--out", report, limit=8_192)
    assert failed.returncode == 1, failed.stderr
    assert "磁盘空间不足：写入筛查报告时失败" in failed.stderr
    assert "没有留下不完整的报告文件" in failed.stderr and "Traceback" not in failed.stderr
    assert not report.exists() and not list(tmp_path.glob(".*partial"))

    again = run(data_dir, "screen", source, "--out", report)
    assert again.returncode == 0, again.stderr
    assert run(data_dir, "verify-report", report).returncode == 0


def test_what_counts_as_a_full_disk(tmp_path: Path) -> None:
    with pytest.raises(OSError) as full_device, open("/dev/full", "wb") as device:
        device.write(b"x")
        device.flush()
    found = write_failure(full_device.value, tmp_path)
    assert found is not None and found.no_space and "磁盘已满" in found.cause

    db = sqlite3.connect(tmp_path / "small.sqlite3")
    db.execute("CREATE TABLE t (x TEXT)")
    db.execute("PRAGMA max_page_count = 3")
    with pytest.raises(sqlite3.OperationalError) as sqlite_full:
        db.executemany("INSERT INTO t VALUES (?)", [("x" * 1000,)] * 100)
    db.close()
    found = write_failure(sqlite_full.value, tmp_path)
    assert found is not None and found.no_space and "磁盘已满" in found.cause

    quota = write_failure(OSError(errno.EDQUOT, "Disk quota exceeded"), tmp_path)
    assert quota is not None and quota.no_space and "配额" in quota.cause
    wrapped = RuntimeError("while committing")
    wrapped.__cause__ = ValueError("Internal error: 'File too large (os error 27)'")
    too_big = write_failure(wrapped, tmp_path)
    assert too_big is not None and "大小上限" in too_big.cause
    assert write_failure(ValueError("bad date"), tmp_path) is None
    assert write_failure(OSError(errno.EACCES, "Permission denied"), tmp_path) is None


def test_a_first_load_on_a_full_disk_changes_nothing_and_runs_again(
    feeds: dict[str, Path], tmp_path: Path
) -> None:
    """The first load into an empty data directory: its one batch cannot be stored, so the
    store stays empty and the engine being built alongside is dropped."""
    reference = tmp_path / "reference"
    assert run(reference, "index", feeds["big"]).returncode == 0
    data_dir = tmp_path / "full"

    failed = run(data_dir, "index", feeds["big"], limit=BASE_LIMIT)
    assert failed.returncode == 1, failed.stderr
    message = failed.stderr
    assert "磁盘空间不足：写入存储（store.sqlite3）时失败" in message
    assert (
        "首次导入没有完成：本次运行没有改变任何数据：存储仍为空，新建的搜索索引已删除。" in message
    )
    assert "请释放磁盘空间后重新运行同一命令" in message and "Traceback" not in message
    assert store_state(data_dir)["records"] == []
    assert leftovers(data_dir) == [] and layout.current_dir(data_dir) is None

    again = run(data_dir, "index", feeds["big"])
    assert again.returncode == 0, again.stderr
    assert state(data_dir) == state(reference)
