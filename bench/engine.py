"""Benchmark `engine`: the embedded tantivy engine, built, queried and updated.

Targets (from the issue), for 1,000,000 generated records on the 2-core machine:
the full build (`ipcredit index FEED` on a fresh data directory: store and
engine, segmentation included) in at most 150 s; as of today, a common query
(`有限公司`, relevance, window filter, four facets) at most 25 ms p50 and 60 ms
p99, a rare name query at most 5 ms p99, a USCC lookup (`get_entity`) at most
2 ms p99, all in one serving process of at most 400 MB RSS; 10,000 changed
records applied with `ipcredit index FEED2` in at most 5 s; a data directory
(store and index) of at most 1,500 MB.

Every step is a child process (`run_child`) on one data directory in a
temporary directory. The queries run in `python -m bench.engine QUERIES.json`
(the `probe` below), which opens the engine as a serving process would.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import orjson

from bench.harness import BenchError, Figure, Target, measured, run_child
from bench.ingest import (
    _MB,
    _OK_STATUSES,
    CLI,
    _checked,
    _dir_bytes,
    _store_bytes,
    child_env,
    generate_feed,
    parse_summary,
)
from indexer.ingest import BATCH_LINES

NAME = "engine"
DEFAULT_RECORDS = 1_000_000

BUILD_SECONDS = Target("<=", 150)
COMMON_P50_MS = Target("<=", 25)
COMMON_P99_MS = Target("<=", 60)
RARE_P99_MS = Target("<=", 5)
USCC_P99_MS = Target("<=", 2)
SERVING_RSS_MB = Target("<=", 400)
INCREMENTAL_SECONDS = Target("<=", 5)
DATA_DIR_MB = Target("<=", 1500)

COMMON_TEXT = "有限公司"
CHANGED_RECORDS = 10_000
RARE_NAMES = 50
USCCS = 200
WARM_UP = 20
COMMON_SAMPLES = 300
RARE_ROUNDS = 5  # 50 names x 5 = 250 samples
USCC_ROUNDS = 2  # 200 USCCs x 2 = 400 samples
SUBJECT_CANDIDATES = 4_000
CHANGED_SUFFIX = "（经复核再次更正）。"

Record = dict[str, Any]


# --- reading the feed ------------------------------------------------------


def _lines(feed: Path) -> Iterator[tuple[int, bytes]]:
    with feed.open("rb") as handle:
        yield from enumerate(handle)


def _is_record(line: Record) -> bool:
    return "record_id" in line and "op" not in line


@dataclass
class FeedSample:
    """What the benchmark takes from the generated feed (bounded, never the whole feed)."""

    change_ids: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    usccs: list[str] = field(default_factory=list)
    latest: dict[str, Record | None] = field(default_factory=dict)  # None: withdrawn
    name_ids: dict[str, set[str]] = field(default_factory=dict)
    uscc_ids: dict[str, set[str]] = field(default_factory=dict)


def sample_feed(feed: Path, lines: int) -> FeedSample:
    """Two passes: pick records and subjects spread over the feed, then follow them.

    The first pass takes every k-th record line (for the changed records) and
    every j-th organization (for names and USCCs); the second finds the latest
    version of each record they touch and how many records carry each name.
    """
    sample = FeedSample()
    change_stride = max(1, lines // (CHANGED_RECORDS * 5 // 4))
    subject_stride = max(1, lines // SUBJECT_CANDIDATES)
    seen_names: set[str] = set()
    seen_usccs: set[str] = set()
    for number, raw in _lines(feed):
        if number % change_stride and number % subject_stride:
            continue
        line = orjson.loads(raw)
        if not _is_record(line):
            continue
        if number % change_stride == 0:
            sample.change_ids.append(line["record_id"])
        uscc = line.get("uscc")
        if number % subject_stride == 0 and line.get("subject_type") != "individual" and uscc:
            if line["subject_name"] not in seen_names:
                seen_names.add(line["subject_name"])
                sample.names.append(line["subject_name"])
            if uscc not in seen_usccs:
                seen_usccs.add(uscc)
                sample.usccs.append(uscc)
    sample.name_ids = {name: set() for name in sample.names}
    sample.uscc_ids = {uscc: set() for uscc in sample.usccs}
    sample.latest = dict.fromkeys(sample.change_ids)
    for _, raw in _lines(feed):
        line = orjson.loads(raw)
        ident = line.get("record_id")
        if ident is None:
            continue
        if not _is_record(line):
            if ident in sample.latest:
                sample.latest[ident] = None
            continue
        watched = ident in sample.latest
        for name in (line["subject_name"], *line.get("former_names", ())):
            if name in sample.name_ids:
                sample.name_ids[name].add(ident)
                watched = True
        if line.get("uscc") in sample.uscc_ids:
            sample.uscc_ids[line["uscc"]].add(ident)
            watched = True
        if watched:
            sample.latest[ident] = line
    return sample


def _published(record: Record | None, day: date) -> bool:
    from credit.publication import Window, is_published

    if record is None:
        return False
    start = record.get("publish_from") or record["decided_on"]
    window = Window(
        date.fromisoformat(start),
        date.fromisoformat(record["publish_until"]) if record.get("publish_until") else None,
        date.fromisoformat(record["delisted_on"]) if record.get("delisted_on") else None,
    )
    return is_published(window, day)


def rare_queries(sample: FeedSample, day: date) -> tuple[list[str], list[str]]:
    """Names carried by one record only, published today, and a 2-3 token fragment of each.

    The fragment is the name's first three query tokens (region, 字号, trade,
    e.g. `丹东市荣华科技` of `丹东市荣华科技有限公司`), kept when the query
    analyser reads 2 or 3 tokens in it; each fragment is used once.
    """
    from credit import text
    from credit.search.plan import plan_text

    names: list[str] = []
    fragments: list[str] = []
    for name in sample.names:
        ids = sample.name_ids[name]
        if len(ids) != 1 or not _published(sample.latest.get(next(iter(ids))), day):
            continue
        fragment = "".join(text.segment_for_query(name)[:3])
        if fragment in fragments or not 2 <= len(plan_text(fragment).tokens) <= 3:
            continue
        names.append(name)
        fragments.append(fragment)
    return names, fragments


def published_usccs(sample: FeedSample, day: date) -> list[str]:
    """USCCs of the sample with at least one record published today."""
    return [
        uscc
        for uscc in sample.usccs
        if any(_published(sample.latest.get(ident), day) for ident in sample.uscc_ids[uscc])
    ]


def published_record_ids(sample: FeedSample, day: date) -> list[str]:
    """Ids of the sampled records whose latest version is published today, in feed order."""
    return [ident for ident, record in sample.latest.items() if _published(record, day)]


def changed_lines(sample: FeedSample, count: int = CHANGED_RECORDS) -> list[Record]:
    """The latest version of `count` sampled records with a new reason, one day newer."""
    from credit.fields import parse_timestamp

    changed: list[Record] = []
    for ident in dict.fromkeys(sample.change_ids):
        record = sample.latest.get(ident)
        if record is None:
            continue
        newer = dict(record)
        newer["reason"] = str(record["reason"]).rstrip("。") + CHANGED_SUFFIX
        stamp = parse_timestamp(record["updated_at"]) + timedelta(days=1)
        newer["updated_at"] = stamp.isoformat()
        changed.append(newer)
        if len(changed) == count:
            break
    return changed


# --- the serving probe (child process) -------------------------------------


def _timed(samples: list[float], call: Callable[[], object]) -> object:
    started = time.perf_counter()
    result = call()
    samples.append((time.perf_counter() - started) * 1000)
    return result


def _status_kib(key: str) -> int:
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def probe(queries_path: Path) -> dict[str, Any]:
    """Open the engine from IPCREDIT_DATA_DIR, ready the process as a server does, warm the
    engine up, time every query (ms)."""
    from credit import clock
    from credit.config import Settings
    from credit.search.blocking import BlockingEngine
    from credit.search.query import SearchQuery
    from credit.search.tantivy_engine import TantivyEngine
    from credit.warm import ready_serving_process

    queries = orjson.loads(queries_path.read_bytes())
    day = clock.today()
    opened: list[float] = []
    engine = _timed(opened, lambda: BlockingEngine(TantivyEngine(Settings.from_env().data_dir)))
    assert isinstance(engine, BlockingEngine)
    ready_serving_process()  # as `ipcredit serve` readies each worker

    def search(text: str, size: int = 20) -> int:
        return engine.search_records(SearchQuery(text=text, size=size), day=day).total

    def entity(uscc: str) -> int:
        found = engine.get_entity(uscc, day=day)
        return 0 if found is None else len(found.records)

    warm: list[float] = []
    for index in range(WARM_UP):
        _timed(warm, lambda: search(COMMON_TEXT))
        for text in queries["rare_warm"][index : index + 1]:
            _timed(warm, partial(search, text))
        for uscc in queries["uscc_warm"][index : index + 1]:
            _timed(warm, partial(entity, uscc))

    times: dict[str, list[float]] = {
        key: [] for key in ("common", "rare", "rare_full", "uscc_entity", "uscc_search")
    }
    totals: dict[str, list[int]] = {key: [] for key in times}

    def measure(key: str, items: Sequence[str], rounds: int, call: Callable[[str], int]) -> None:
        for _ in range(rounds):
            for item in items:
                found = _timed(times[key], partial(call, item))
                assert isinstance(found, int)
                totals[key].append(found)

    measure("common", [COMMON_TEXT], COMMON_SAMPLES, search)
    measure("rare", queries["rare"], RARE_ROUNDS, search)
    measure("rare_full", queries["rare_full"], RARE_ROUNDS, search)
    measure("uscc_entity", queries["usccs"], USCC_ROUNDS, entity)
    measure("uscc_search", queries["usccs"], 1, search)
    return {
        "day": day.isoformat(),
        "open_ms": opened[0],
        "times": times,
        "totals": totals,
        "rss_kib": _status_kib("VmRSS"),
        "rss_anon_kib": _status_kib("RssAnon"),
        "hwm_kib": _status_kib("VmHWM"),
    }


# --- the benchmark ---------------------------------------------------------


def percentile(samples: Sequence[float], percent: int) -> float:
    """The `percent`-th percentile (inclusive method; the value itself for one sample)."""
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[percent - 1]


def run(records: int = DEFAULT_RECORDS, seed: int = 0) -> tuple[list[Figure], list[str]]:
    """Generate, build, query, update, reindex; return the figures and notes for RESULTS.md."""
    return measured(NAME, records, seed, _measure)


def _index_bytes(data_dir: Path) -> int:
    """The current tantivy index directory (what the `index` link points at)."""
    from credit.search import tantivy_layout as layout

    current = layout.current_dir(data_dir)
    return 0 if current is None else _dir_bytes(current)


def _write_lines(path: Path, lines: Sequence[Record]) -> None:
    with path.open("wb") as handle:
        for line in lines:
            handle.write(orjson.dumps(line) + b"\n")


def _measure(records: int, seed: int, fig: Callable[..., None]) -> list[str]:
    """All steps in a temporary directory; each figure is passed to `fig` when known."""
    from credit import clock

    with tempfile.TemporaryDirectory(prefix="ipcredit-bench-") as tmp:
        work = Path(tmp)
        data_dir = work / "data"
        feed = work / "feed.jsonl"
        env = {**child_env(data_dir), "IPCREDIT_ENGINE": "tantivy"}
        feed_lines = generate_feed(feed, records, seed, env, fig)

        # 1. the full build: store and engine in one `ipcredit index` child
        build = _checked(
            "ipcredit index", run_child([*CLI, "index", str(feed)], env, work), _OK_STATUSES
        )
        built = parse_summary(build.stdout)
        fig("build_seconds", build.seconds, "s", BUILD_SECONDS)
        fig("build_records_per_second", round(records / build.seconds), "records/s")
        fig("build_peak_memory_mb", build.peak_memory_bytes / _MB, "MB")
        fig("build_applied", built.applied, "lines")
        fig("build_rejected", built.rejected, "lines")

        # 4. sizes right after the build
        fig("data_dir_mb", _dir_bytes(data_dir) / _MB, "MB", DATA_DIR_MB)
        fig("index_mb", _index_bytes(data_dir) / _MB, "MB")
        fig("store_mb", _store_bytes(data_dir) / _MB, "MB")

        # the queries: chosen from the feed here, timed in one serving child
        day = clock.today()
        sample = sample_feed(feed, feed_lines)
        names, fragments = rare_queries(sample, day)
        usccs = published_usccs(sample, day)
        if len(names) < RARE_NAMES + WARM_UP or len(usccs) < USCCS + WARM_UP:
            raise BenchError(
                f"the feed gave {len(names)} rare names and {len(usccs)} published USCCs;"
                f" {RARE_NAMES + WARM_UP} and {USCCS + WARM_UP} are needed"
            )
        queries_path = work / "queries.json"
        queries_path.write_bytes(
            orjson.dumps(
                {
                    "rare": fragments[:RARE_NAMES],
                    "rare_full": names[:RARE_NAMES],
                    "rare_warm": fragments[RARE_NAMES : RARE_NAMES + WARM_UP],
                    "usccs": usccs[:USCCS],
                    "uscc_warm": usccs[USCCS : USCCS + WARM_UP],
                }
            )
        )
        serving = _checked(
            "the serving probe",
            run_child([sys.executable, "-m", "bench.engine", str(queries_path)], env, work),
            (0,),
        )
        result = orjson.loads(serving.stdout)
        times: dict[str, list[float]] = result["times"]
        totals: dict[str, list[int]] = result["totals"]
        fig("engine_open_ms", result["open_ms"], "ms")
        fig("common_p50_ms", percentile(times["common"], 50), "ms", COMMON_P50_MS)
        fig("common_p99_ms", percentile(times["common"], 99), "ms", COMMON_P99_MS)
        fig("common_total", totals["common"][0], "records")
        fig("rare_p50_ms", percentile(times["rare"], 50), "ms")
        fig("rare_p99_ms", percentile(times["rare"], 99), "ms", RARE_P99_MS)
        fig("rare_mean_total", statistics.fmean(totals["rare"]), "records")
        fig("rare_fullname_p50_ms", percentile(times["rare_full"], 50), "ms")
        fig("rare_fullname_p99_ms", percentile(times["rare_full"], 99), "ms")
        fig("rare_fullname_mean_total", statistics.fmean(totals["rare_full"]), "records")
        fig("uscc_p50_ms", percentile(times["uscc_entity"], 50), "ms")
        fig("uscc_p99_ms", percentile(times["uscc_entity"], 99), "ms", USCC_P99_MS)
        fig("uscc_search_p50_ms", percentile(times["uscc_search"], 50), "ms")
        fig("uscc_search_p99_ms", percentile(times["uscc_search"], 99), "ms")
        fig("serving_rss_mb", serving.peak_rss_bytes / _MB, "MB", SERVING_RSS_MB)
        fig("serving_rss_anonymous_mb", result["rss_anon_kib"] * 1024 / _MB, "MB")

        # 3. 10,000 changed records applied to the built data directory
        changed = changed_lines(sample)
        feed2 = work / "feed2.jsonl"
        _write_lines(feed2, changed)
        incremental = _checked(
            "ipcredit index FEED2",
            run_child([*CLI, "index", str(feed2)], env, work),
            _OK_STATUSES,
        )
        applied = parse_summary(incremental.stdout)
        fig("incremental_10k_seconds", incremental.seconds, "s", INCREMENTAL_SECONDS)
        fig("incremental_records", len(changed), "records")
        fig("incremental_applied", applied.applied, "lines")
        fig("incremental_rejected", applied.rejected, "lines")
        fig("incremental_peak_memory_mb", incremental.peak_memory_bytes / _MB, "MB")

        # 1b. rebuilding the engine from the store of record
        reindex = _checked("ipcredit reindex", run_child([*CLI, "reindex"], env, work), (0,))
        fig("reindex_seconds", reindex.seconds, "s")
        fig("reindex_peak_memory_mb", reindex.peak_memory_bytes / _MB, "MB")
        fig("index_after_reindex_mb", _index_bytes(data_dir) / _MB, "MB")

    return _notes(records, seed, result["day"], build.returncode)


def _notes(records: int, seed: int, day: str, build_status: int) -> list[str]:
    return [
        f"feed: `ipcredit generate --records {records} --seed {seed}` into a temporary"
        " directory (removed afterwards); every step is a child process on one fresh data"
        " directory there (`IPCREDIT_DATA_DIR`); MB = 10^6 bytes",
        "build_seconds: wall time of `ipcredit index FEED` on the empty data directory"
        " (store of record and tantivy engine: the first load, a new engine built as the"
        f" {BATCH_LINES:,}-line batches are stored and committed once at the end, jieba"
        f" segmentation included; exit status {build_status});"
        " build_peak_memory_mb: the larger of the process tree's summed PSS (sampled every"
        " 0.1 s, or as often as 2% of a core allows, worker pool included) and the largest"
        " process's `ru_maxrss`",
        "data_dir_mb: every file under the data directory right after the build (store"
        " `store.sqlite3*` = store_mb, the current index directory = index_mb, lock files)",
        f"queries, as of {day} (`credit.clock.today()`), in one child `python -m bench.engine"
        " QUERIES.json` that opens `BlockingEngine(TantivyEngine(data_dir))` like a serving process"
        " (engine_open_ms), readies itself as each `ipcredit serve` worker does"
        " (`credit.warm.ready_serving_process`: jieba loaded, then `gc.freeze()`),"
        f" warms up with {WARM_UP} rounds of a common, a rare and a USCC"
        " query (not measured), then times each call with `time.perf_counter`;"
        " percentiles by `statistics.quantiles(n=100, method='inclusive')`",
        f"common_*: `search_records(SearchQuery(text='{COMMON_TEXT}', size=20), day=today)`"
        f" x {COMMON_SAMPLES} (relevance, publication window, four facets);"
        " common_total: hits it counts",
        f"rare_*: {RARE_NAMES} organisation names that exactly one record of the feed"
        " carries (published today), queried as their first three query tokens (region,"
        f" 字号, trade, e.g. `丹东市荣华科技`; 2-3 tokens), {RARE_ROUNDS} rounds ="
        f" {RARE_NAMES * RARE_ROUNDS} samples, size 20 with facets; rare_fullname_*: the"
        " same names in full (informational); *_mean_total: mean hits per query",
        f"uscc_*: `get_entity(uscc, day=today)` for {USCCS} distinct USCCs of the feed with"
        f" a record published today, {USCC_ROUNDS} rounds = {USCCS * USCC_ROUNDS} samples;"
        f" uscc_search_*: `search_records(SearchQuery(text=uscc))` once each (informational)",
        "serving_rss_mb: `ru_maxrss` (wait4) of the query child after all queries (mmap'd"
        " index pages it touched included); serving_rss_anonymous_mb: its RssAnon at the end",
        f"incremental_10k_seconds: wall time of `ipcredit index FEED2` on the built data"
        f" directory; FEED2 holds the latest version of {CHANGED_RECORDS:,} records spread"
        f" over the feed (withdrawn ones skipped) with `{CHANGED_SUFFIX}` appended to the"
        " reason and `updated_at` one day later",
        "reindex_seconds: wall time of `ipcredit reindex` afterwards on the same data"
        " directory (after the incremental feed); index_after_reindex_mb: the rebuilt index",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m bench.engine QUERIES.json`: the serving probe; prints its JSON result."""
    args = sys.argv[1:] if argv is None else list(argv)
    if len(args) != 1:
        print("usage: python -m bench.engine QUERIES.json", file=sys.stderr)
        return 2
    sys.stdout.write(orjson.dumps(probe(Path(args[0]))).decode() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
