"""Benchmark `es`: the Elasticsearch engine beside the embedded one, on one generated feed.

No Elasticsearch distribution can be installed on the benchmark machine, so the
cluster is the noida-db test server (an Elasticsearch-8-compatible stand-in,
from the `test` extra): its figures say how ipcredit's Elasticsearch code paths
behave, not how a real cluster performs. Every figure of the stand-in is
labelled `es_standin_*`; the `tantivy_*` figures come from the same run, feed
and query mix.

Steps (each a child process): `ipcredit index FEED` builds the store and the
tantivy engine; `ipcredit reindex` with `IPCREDIT_ENGINE=elasticsearch` loads
the stand-in from the store (bulk, new generation, alias swap); then one
serving probe per engine (`python -m bench.es QUERIES.json`) times the query
mix of `bench.engine`: a common query, rare name fragments, USCC entities.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import orjson

from bench.engine import (
    COMMON_SAMPLES,
    COMMON_TEXT,
    RARE_NAMES,
    RARE_ROUNDS,
    USCC_ROUNDS,
    USCCS,
    WARM_UP,
    percentile,
    published_usccs,
    rare_queries,
    sample_feed,
)
from bench.harness import BenchError, Figure, measured, run_child
from bench.ingest import _MB, _OK_STATUSES, CLI, _checked, child_env, generate_feed

NAME = "es"
DEFAULT_RECORDS = 1_000_000
PREFIX = "ipcredit-bench"
LABELS = {"tantivy": "tantivy", "elasticsearch": "es_standin"}


def probe(queries_path: Path) -> dict[str, Any]:
    """Open the configured engine as a serving process does, warm it up, time each query."""
    from credit import clock
    from credit.config import Settings
    from credit.search.blocking import BlockingEngine
    from credit.search.engines import open_reader
    from credit.search.query import SearchQuery

    queries = orjson.loads(queries_path.read_bytes())
    day = clock.today()
    engine = BlockingEngine(open_reader(Settings.from_env()))

    def search(text: str) -> int:
        return engine.search_records(SearchQuery(text=text, size=20), day=day).total

    def entity(uscc: str) -> int:
        found = engine.get_entity(uscc, day=day)
        return 0 if found is None else len(found.records)

    for index in range(WARM_UP):
        search(COMMON_TEXT)
        for text in queries["rare_warm"][index : index + 1]:
            search(text)
        for uscc in queries["uscc_warm"][index : index + 1]:
            entity(uscc)
    times: dict[str, list[float]] = {"common": [], "rare": [], "uscc": []}
    totals: dict[str, list[int]] = {"common": [], "rare": [], "uscc": []}

    def measure(key: str, items: Sequence[str], rounds: int, call: Callable[[str], int]) -> None:
        for _ in range(rounds):
            for item in items:
                started = time.perf_counter()
                totals[key].append(call(item))
                times[key].append((time.perf_counter() - started) * 1000)

    measure("common", [COMMON_TEXT], COMMON_SAMPLES, search)
    measure("rare", queries["rare"], RARE_ROUNDS, search)
    measure("uscc", queries["usccs"], USCC_ROUNDS, entity)
    engine.close()
    return {"day": day.isoformat(), "times": times, "totals": totals}


def run(records: int = DEFAULT_RECORDS, seed: int = 0) -> tuple[list[Figure], list[str]]:
    """Generate, build both engines, query both; return the figures and notes."""
    return measured(NAME, records, seed, _measure)


def _queries(feed: Path, lines: int, work: Path) -> Path:
    from credit import clock

    day = clock.today()
    sample = sample_feed(feed, lines)
    names, fragments = rare_queries(sample, day)
    usccs = published_usccs(sample, day)
    rare = min(RARE_NAMES, len(fragments) - WARM_UP)
    entities = min(USCCS, len(usccs) - WARM_UP)
    if rare < 1 or entities < 1:
        raise BenchError(f"the feed gave {len(names)} rare names and {len(usccs)} USCCs")
    path = work / "queries.json"
    path.write_bytes(
        orjson.dumps(
            {
                "rare": fragments[:rare],
                "rare_warm": fragments[rare : rare + WARM_UP],
                "usccs": usccs[:entities],
                "uscc_warm": usccs[entities : entities + WARM_UP],
            }
        )
    )
    return path


def _measure(records: int, seed: int, fig: Callable[..., None]) -> list[str]:
    from tests.es_server import EsServer

    with tempfile.TemporaryDirectory(prefix="ipcredit-bench-es-") as tmp:
        work = Path(tmp)
        data_dir = work / "data"
        feed = work / "feed.jsonl"
        tantivy = {**child_env(data_dir), "IPCREDIT_ENGINE": "tantivy"}
        lines = generate_feed(feed, records, seed, tantivy, fig)
        build = _checked(
            "ipcredit index", run_child([*CLI, "index", str(feed)], tantivy, work), _OK_STATUSES
        )
        fig("tantivy_build_seconds", build.seconds, "s")
        server = EsServer(work / "es").start()
        try:
            standin = {
                **tantivy,
                "IPCREDIT_ENGINE": "elasticsearch",
                "IPCREDIT_ES_URL": server.url,
                "IPCREDIT_ES_INDEX_PREFIX": PREFIX,
            }
            load = _checked("ipcredit reindex", run_child([*CLI, "reindex"], standin, work), (0,))
            fig("es_standin_reindex_seconds", load.seconds, "s")
            fig("es_standin_reindex_records_per_second", records / load.seconds, "records/s")
            fig("es_standin_reindex_peak_memory_mb", load.peak_memory_bytes / _MB, "MB")
            queries = _queries(feed, lines, work)
            day = ""
            for env in (tantivy, standin):
                label = LABELS[env["IPCREDIT_ENGINE"]]
                probed = _checked(
                    f"the {label} probe",
                    run_child([sys.executable, "-m", "bench.es", str(queries)], env, work),
                    (0,),
                )
                result = orjson.loads(probed.stdout)
                day = result["day"]
                _figures(fig, label, result, probed.peak_rss_bytes)
        finally:
            server.remove()
    return _notes(records, seed, day)


def _figures(fig: Callable[..., None], label: str, result: dict[str, Any], rss: int) -> None:
    times: dict[str, list[float]] = result["times"]
    totals: dict[str, list[int]] = result["totals"]
    for key in ("common", "rare", "uscc"):
        fig(f"{label}_{key}_p50_ms", percentile(times[key], 50), "ms")
        fig(f"{label}_{key}_p99_ms", percentile(times[key], 99), "ms")
        fig(f"{label}_{key}_mean_total", statistics.fmean(totals[key]), "records")
    fig(f"{label}_probe_rss_mb", rss / _MB, "MB")


def _notes(records: int, seed: int, day: str) -> list[str]:
    return [
        "STAND-IN SERVER: the es_standin_* figures were measured against the noida-db test"
        " server (Elasticsearch-8-compatible, single process, on the same machine), not a real"
        " Elasticsearch cluster; they are not a prediction of cluster performance",
        "the machine's 2 cores were shared with other work during the run (see the load"
        " average below); every figure of both engines is lengthened by it",
        f"feed: `ipcredit generate --records {records} --seed {seed}`; tantivy_build_seconds:"
        " `ipcredit index FEED` (store and tantivy); es_standin_reindex_seconds: `ipcredit"
        " reindex` with IPCREDIT_ENGINE=elasticsearch from that store (bulk load, refresh off,"
        " alias swap); es_standin_reindex_peak_memory_mb: the ipcredit process tree only",
        f"queries as of {day}, one probe child per engine (`python -m bench.es QUERIES.json`,"
        f" `open_reader` as a serving process), {WARM_UP} warm-up rounds; common:"
        f" `{COMMON_TEXT}` x {COMMON_SAMPLES}; rare: up to {RARE_NAMES} name fragments x"
        f" {RARE_ROUNDS}; uscc: `get_entity` of up to {USCCS} USCCs x {USCC_ROUNDS};"
        " all size 20 with the publication rule and facets as served",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m bench.es QUERIES.json`: the serving probe; prints its JSON result."""
    args = sys.argv[1:] if argv is None else list(argv)
    if len(args) != 1:
        print("usage: python -m bench.es QUERIES.json", file=sys.stderr)
        return 2
    sys.stdout.write(orjson.dumps(probe(Path(args[0]))).decode() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
