"""Benchmark `ingest`: `ipcredit index` of a generated feed, then again of the same file.

Targets (from the issue): 1,000,000 generated records ingested in at most 60 s
on the 2-core machine, re-ingesting the same file in at most 30 s with nothing
applied (all unchanged), and a peak memory of at most 500 MB (the feed is
streamed, never loaded whole). Generation is timed apart and is informational.
Both index runs are child processes with their own data directory in a
temporary directory, so the peak RSS is that of `ipcredit index` alone.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.harness import BenchError, ChildRun, Figure, Target, measured, run_child

NAME = "ingest"
DEFAULT_RECORDS = 1_000_000

INGEST_SECONDS = Target("<=", 60)
REINGEST_SECONDS = Target("<=", 30)
PEAK_MB = Target("<=", 500)

_SUMMARY = re.compile(r"\(applied (\d+), unchanged (\d+), withdrawn (\d+), rejected (\d+)\)")
_OK_STATUSES = (0, 3)  # CONTRACT: 0 all applied, 3 finished with rejected lines
_MB = 1_000_000


@dataclass(frozen=True)
class Summary:
    """The counts `ipcredit index` printed for the feed."""

    applied: int
    unchanged: int
    withdrawn: int
    rejected: int


def parse_summary(stdout: str) -> Summary:
    """The counts from the summary line of `ipcredit index`."""
    found = _SUMMARY.findall(stdout)
    if len(found) != 1:
        raise BenchError(f"expected one summary line from ipcredit index, got:\n{stdout}")
    applied, unchanged, withdrawn, rejected = (int(n) for n in found[0])
    return Summary(applied, unchanged, withdrawn, rejected)


def _count_lines(path: Path) -> int:
    """Lines of a file, read in chunks (the feed is never held whole)."""
    lines = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            lines += chunk.count(b"\n")
    return lines


def _store_bytes(data_dir: Path) -> int:
    """The store of record on disk: the database with its WAL and shared memory."""
    return sum(p.stat().st_size for p in data_dir.glob("store.sqlite3*") if p.is_file())


def _checked(step: str, run: ChildRun, ok: tuple[int, ...]) -> ChildRun:
    if run.returncode not in ok:
        raise BenchError(
            f"{step} exited with status {run.returncode}\n{run.stdout}\n{run.stderr[-4000:]}"
        )
    return run


CLI = [sys.executable, "-m", "indexer.cli"]


def child_env(data_dir: Path) -> dict[str, str]:
    """The environment of a benchmarked `ipcredit` child: its data directory, no rate limit."""
    return {**os.environ, "IPCREDIT_DATA_DIR": str(data_dir), "IPCREDIT_RATE_LIMIT": "0"}


def generate_feed(
    feed: Path,
    records: int,
    seed: int,
    env: dict[str, str],
    fig: Callable[..., None],
    cases: int = 0,
) -> int:
    """Write the synthetic feed with `ipcredit generate` (`cases` typical cases too, when
    asked); report its time and size; return lines."""
    command = [*CLI, "generate", "--records", str(records), "--seed", str(seed), "--out", str(feed)]
    if cases:
        command += ["--cases", str(cases)]
    generated = _checked("ipcredit generate", run_child(command, env, feed.parent), (0,))
    feed_lines = _count_lines(feed)
    fig("generate_seconds", generated.seconds, "s")
    fig("feed_lines", feed_lines, "lines")
    fig("feed_size_mb", feed.stat().st_size / _MB, "MB")
    return feed_lines


def bulk_build(feed: Path, env: dict[str, str], work: Path, fig: Callable[..., None]) -> None:
    """Store by `ipcredit index --defer-engine`, engine by `ipcredit reindex` (the bulk path);
    reports both as build_seconds."""
    stored = run_child([*CLI, "index", "--defer-engine", str(feed)], env, work)
    _checked("ipcredit index --defer-engine", stored, _OK_STATUSES)
    built = _checked("ipcredit reindex", run_child([*CLI, "reindex"], env, work), (0,))
    fig("build_seconds", stored.seconds + built.seconds, "s")


def _dir_bytes(path: Path) -> int:
    """Everything under `path` on disk."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def run(records: int = DEFAULT_RECORDS, seed: int = 0) -> tuple[list[Figure], list[str]]:
    """Generate, ingest, re-ingest; return the figures and notes for RESULTS.md."""
    return measured(NAME, records, seed, _measure)


def _memory_figures(fig: Callable[..., None], step: str, child: ChildRun) -> None:
    """Peak memory of a step's process tree (the target), its largest process, its heap."""
    fig(f"{step}_peak_memory_mb", child.peak_memory_bytes / _MB, "MB", PEAK_MB)
    fig(f"{step}_peak_rss_largest_process_mb", child.peak_rss_bytes / _MB, "MB")
    fig(f"{step}_peak_anonymous_memory_mb", child.peak_tree.anonymous / _MB, "MB")


def _measure(records: int, seed: int, fig: Callable[..., None]) -> list[str]:
    """The three steps in a temporary directory; each figure is passed to `fig` when known."""
    with tempfile.TemporaryDirectory(prefix="ipcredit-bench-") as tmp:
        work = Path(tmp)
        data_dir = work / "data"
        feed = work / "feed.jsonl"
        env = child_env(data_dir)
        feed_lines = generate_feed(feed, records, seed, env, fig)

        first = _checked(
            "ipcredit index",
            run_child([*CLI, "index", "--defer-engine", str(feed)], env, work),
            _OK_STATUSES,
        )
        fig("ingest_seconds", first.seconds, "s", INGEST_SECONDS)
        fig("ingest_records_per_second", round(records / first.seconds), "records/s")
        fig("ingest_lines_per_second", round(feed_lines / first.seconds), "lines/s")
        _memory_figures(fig, "ingest", first)
        first_counts = parse_summary(first.stdout)
        fig("ingest_applied", first_counts.applied, "lines")
        fig("ingest_withdrawn", first_counts.withdrawn, "lines")
        fig("ingest_rejected", first_counts.rejected, "lines")
        fig("store_size_mb", _store_bytes(data_dir) / _MB, "MB")

        second = _checked(
            "ipcredit index (again)",
            run_child([*CLI, "index", "--defer-engine", str(feed)], env, work),
            _OK_STATUSES,
        )
        fig("reingest_seconds", second.seconds, "s", REINGEST_SECONDS)
        fig("reingest_lines_per_second", round(feed_lines / second.seconds), "lines/s")
        _memory_figures(fig, "reingest", second)
        second_counts = parse_summary(second.stdout)
        fig("reingest_applied", second_counts.applied, "lines", Target("==", 0))
        fig("reingest_unchanged", second_counts.unchanged, "lines")

    return [
        f"feed generated with `ipcredit generate --records {records} --seed {seed}`"
        " into a temporary directory (removed afterwards); both index runs are"
        " `ipcredit index --defer-engine FEED` child processes with a fresh data"
        " directory there: this measures the store of record alone (the engine"
        " build is `python -m bench engine`)",
        f"exit status: first run {first.returncode}, second run {second.returncode};"
        f" second run: applied {second_counts.applied}, unchanged {second_counts.unchanged},"
        f" withdrawn {second_counts.withdrawn}, rejected {second_counts.rejected}",
        "peak memory: the larger of the whole process tree's summed PSS (the index"
        " process and its worker pool, sampled every 0.1 s or as often as 2% of a core"
        " allows; shared pages counted"
        " once) and the largest single process's `ru_maxrss` (from wait4, also given"
        " alone); `*_anonymous_memory_mb` is the tree's peak of memory not backed by"
        " files (without mmap'd index or database pages); MB = 10^6 bytes",
    ]
