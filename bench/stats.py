"""Benchmark `stats`: `/stats` rendered by the real app over a generated data set.

Target (from the issue): on 1,000,000 records, `/stats` rendered in at most 300 ms
warm (the median of repeated requests after a warm-up, in one serving process).

The feed is generated and indexed (`ipcredit index FEED`) by child processes in a
temporary directory; the requests run in `python -m bench.stats`, a serving child
that builds the app with `portal.app.create_app` as `ipcredit serve` does and sends
`GET /stats` through an httpx ASGI client (the whole app: middleware, engine calls,
SVG and template rendering; no sockets, no HTTP cache).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import orjson

from bench.harness import Figure, Target, measured, run_child
from bench.ingest import _MB, _OK_STATUSES, CLI, _checked, child_env, generate_feed

NAME = "stats"
DEFAULT_RECORDS = 1_000_000

WARM_P50_MS = Target("<=", 300)
EXPORT_SECONDS = Target("<=", 2)
EXPORT_ROWS = Target(">=", 10_000)
EXPORT_PATH = "/search/export.csv?sort=newest"
EXPORT_SAMPLES = 3

WARM_UP = 5
SAMPLES = 30
CSV_SAMPLES = 10


async def _probe() -> dict[str, Any]:
    import httpx

    from credit.config import Settings
    from credit.service import Service
    from credit.stats import compute_stats
    from portal.app import create_app

    service = Service(Settings.from_env())
    app = create_app(service)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

        async def get(path: str) -> tuple[float, httpx.Response]:
            started = time.perf_counter()
            response = await client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"GET {path}: status {response.status_code}")
            return elapsed, response

        first_ms, first = await get("/stats")
        for _ in range(WARM_UP):
            await get("/stats")
        page_ms = [(await get("/stats"))[0] for _ in range(SAMPLES)]
        csv_ms = [(await get("/stats/months.csv"))[0] for _ in range(CSV_SAMPLES)]
        exports = [await get(EXPORT_PATH) for _ in range(EXPORT_SAMPLES)]
        export_rows = exports[0][1].text.count("\r\n") - 1  # less the header row
        engine = await service.engine()
        day = service.today()
        compute_ms: list[float] = []
        for _ in range(SAMPLES):
            started = time.perf_counter()
            stats = await compute_stats(engine, day=day)
            compute_ms.append((time.perf_counter() - started) * 1000)
    await service.close()
    return {
        "day": day.isoformat(),
        "first_ms": first_ms,
        "page_ms": page_ms,
        "csv_ms": csv_ms,
        "export_ms": [elapsed for elapsed, _ in exports],
        "export_rows": export_rows,
        "compute_ms": compute_ms,
        "page_bytes": len(first.content),
        "published": stats.total,
    }


def probe() -> dict[str, Any]:
    """Open the app on IPCREDIT_DATA_DIR, warm up, time `/stats` (ms)."""
    return asyncio.run(_probe())


def percentile(samples: Sequence[float], percent: int) -> float:
    """The `percent`-th percentile (inclusive method)."""
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[percent - 1]


def run(records: int = DEFAULT_RECORDS, seed: int = 0) -> tuple[list[Figure], list[str]]:
    """Generate, index, serve `/stats`; return the figures and notes for RESULTS.md."""
    return measured(NAME, records, seed, _measure)


def _measure(records: int, seed: int, fig: Callable[..., None]) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="ipcredit-bench-") as tmp:
        work = Path(tmp)
        data_dir = work / "data"
        feed = work / "feed.jsonl"
        env = {**child_env(data_dir), "IPCREDIT_ENGINE": "tantivy"}
        generate_feed(feed, records, seed, env, fig)
        build = _checked(
            "ipcredit index", run_child([*CLI, "index", str(feed)], env, work), _OK_STATUSES
        )
        fig("build_seconds", build.seconds, "s")
        serving = _checked(
            "the serving probe", run_child([sys.executable, "-m", "bench.stats"], env, work), (0,)
        )
        result = orjson.loads(serving.stdout)
        page: list[float] = result["page_ms"]
        fig("published_records", result["published"], "records")
        fig("stats_first_ms", result["first_ms"], "ms")
        fig("stats_warm_p50_ms", percentile(page, 50), "ms", WARM_P50_MS)
        fig("stats_warm_p95_ms", percentile(page, 95), "ms")
        fig("stats_warm_max_ms", max(page), "ms")
        fig("compute_stats_p50_ms", percentile(result["compute_ms"], 50), "ms")
        fig("stats_csv_p50_ms", percentile(result["csv_ms"], 50), "ms")
        fig("stats_page_kb", result["page_bytes"] / 1000, "kB")
        export_seconds = statistics.median(result["export_ms"]) / 1000
        fig("export_10k_csv_seconds", export_seconds, "s", EXPORT_SECONDS)
        fig("export_rows", result["export_rows"], "rows", EXPORT_ROWS)
        fig("serving_rss_mb", serving.peak_rss_bytes / _MB, "MB")
    return [
        f"feed: `ipcredit generate --records {records} --seed {seed}`, indexed with"
        " `ipcredit index FEED` (store and tantivy engine) into a fresh data directory in a"
        " temporary directory (removed afterwards); MB = 10^6 bytes",
        f"requests, as of {result['day']}, in one child `python -m bench.stats` that builds"
        " the app with `portal.app.create_app` (as `ipcredit serve` does) and sends"
        " `GET /stats` through an httpx ASGI client: stats_first_ms is the first request"
        f" (engine opened, caches cold), then {WARM_UP} warm-up requests, then {SAMPLES}"
        " timed ones (stats_warm_*: whole request, twelve engine counts, SVG and template);"
        f" compute_stats_p50_ms: `credit.stats.compute_stats` alone x {SAMPLES};"
        f" stats_csv_p50_ms: `GET /stats/months.csv` x {CSV_SAMPLES}",
        f"export_10k_csv_seconds: `GET {EXPORT_PATH}` (every published record, newest first,"
        " cut at 10,000 rows) read to the end through the same client, median of"
        f" {EXPORT_SAMPLES}; export_rows: data rows in the file",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m bench.stats`: the serving probe; prints its JSON result."""
    args = sys.argv[1:] if argv is None else list(argv)
    if args:
        print("usage: python -m bench.stats", file=sys.stderr)
        return 2
    sys.stdout.write(orjson.dumps(probe()).decode() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
