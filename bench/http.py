"""Benchmark `http`: the portal's search page and GraphQL `searchRecords` under load.

Targets (issue 4), on 1,000,000 generated records on the 2-core machine, with wrk on
loopback at 50 connections for 30 s and a mix of queries: the search page p50 ≤ 40 ms,
p99 ≤ 150 ms, ≥ 200 requests/s, zero errors; the same for `searchRecords` over GraphQL.
The raw engine time of the same queries (one at a time, in a serving-like child) is
recorded beside them, so the cost of HTTP, GraphQL and rendering shows.

Steps, each a child process on one temporary data directory: `ipcredit generate`,
`ipcredit index --defer-engine`, `ipcredit reindex`, then `ipcredit serve` under wrk.
wrk comes from Debian (`apt-get install wrk`).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urlencode

import orjson

from bench.engine import percentile, published_usccs, rare_queries, sample_feed
from bench.harness import (
    BenchError,
    Figure,
    Target,
    free_port,
    measured,
    run_child,
    wait_until_up,
)
from bench.ingest import CLI, _checked, bulk_build, child_env, generate_feed

NAME = "http"
DEFAULT_RECORDS = 1_000_000
CONNECTIONS = 50
SECONDS = 30
WORKERS = 4  # two per core, as the README advises: connections stay with one worker
PACE_MS = 180  # per connection: 50 connections offer about 250 requests/s

P50_MS = Target("<=", 40)
P99_MS = Target("<=", 150)
RATE = Target(">=", 200)
ERRORS = Target("<=", 0)

COMMON_WORDS = ["有限公司", "深圳", "科技", "商标", "专利", "代理", "北京", "贸易"]
KINDS = ["serious_list", "dishonest_act", "good_credit"]
GRAPHQL = (
    "query($q: String!) { searchRecords(query: $q, first: 20) { totalCount"
    " edges { cursor highlights { subjectName reason } node { id kind subjectName uscc"
    " authority decidedOn publishUntil } } pageInfo { hasNextPage endCursor } } }"
)


def run(records: int = DEFAULT_RECORDS, seed: int = 0) -> tuple[list[Figure], list[str]]:
    """Build, serve, load; return the figures and notes for RESULTS.md."""
    if not shutil.which("wrk"):
        raise BenchError("wrk is needed: apt-get install wrk")
    return measured(NAME, records, seed, _measure)


def query_mix(rare: Sequence[str], usccs: Sequence[str]) -> list[dict[str, str]]:
    """The search-page parameters of the mix: rare names, common words, filters, codes."""
    mix: list[dict[str, str]] = []
    for index, fragment in enumerate(rare):
        mix.append({"q": fragment})
        word = COMMON_WORDS[index % len(COMMON_WORDS)]
        if index % 4 == 0:
            mix.append({"q": word})
        if index % 4 == 1:
            mix.append({"q": word, "kind": KINDS[index % 3]})
        if index % 4 == 2:
            mix.append({"kind": KINDS[index % 3], "sort": "newest"})
        if index % 4 == 3 and index // 4 < len(usccs):
            mix.append({"q": usccs[index // 4]})
    return mix


def _paced(script: str, delay_ms: int | None) -> str:
    """Each connection waits `delay_ms` between its requests (an offered load), or not."""
    return script if delay_ms is None else script + f"delay = function() return {delay_ms} end\n"


def _lua_paths(paths: Sequence[str]) -> str:
    quoted = ",\n".join(orjson.dumps(path).decode() for path in paths)
    return (
        f"local paths = {{\n{quoted}\n}}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i % #paths + 1\n"
        "  return wrk.format('GET', paths[i])\n"
        "end\n"
    )


def _lua_graphql(texts: Sequence[str]) -> str:
    bodies = [orjson.dumps({"query": GRAPHQL, "variables": {"q": text}}).decode() for text in texts]
    quoted = ",\n".join(orjson.dumps(body).decode() for body in bodies)
    return (
        f"local bodies = {{\n{quoted}\n}}\n"
        "local i = 0\n"
        "wrk.method = 'POST'\n"
        "wrk.headers['Content-Type'] = 'application/json'\n"
        "request = function()\n"
        "  i = i % #bodies + 1\n"
        "  return wrk.format('POST', '/graphql', nil, bodies[i])\n"
        "end\n"
        # wrk counts only transport errors; a GraphQL error is a 200 with "errors".
        "response = function(status, headers, body)\n"
        "  if string.find(body, '\"errors\"', 1, true) then\n"
        "    wrk.thread:set('graphql_errors', (wrk.thread:get('graphql_errors') or 0) + 1)\n"
        "  end\n"
        "end\n"
    )


def parse_wrk(output: str) -> dict[str, float]:
    """Requests/s, latency percentiles (ms) and error counts from `wrk --latency`."""

    def ms(label: str) -> float:
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        if not match:
            raise BenchError(f"no {label}% latency in wrk's output:\n{output}")
        value, unit = float(match[1]), match[2]
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    requests = re.search(r"(\d+) requests in", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if not rate or not requests:
        raise BenchError(f"unreadable wrk output:\n{output}")
    errors = int(non_2xx[1]) if non_2xx else 0
    if socket_errors:
        errors += sum(int(socket_errors[n]) for n in range(1, 5))
    return {
        "p50": ms("50"),
        "p90": ms("90"),
        "p99": ms("99"),
        "rate": float(rate[1]),
        "requests": float(requests[1]),
        "errors": float(errors),
    }


def _wrk(script: Path, base: str, work: Path) -> dict[str, float]:
    command = [
        "wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--timeout", "10s",
        "--latency", "-s", str(script), base,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, cwd=work, check=False)
    if done.returncode != 0:
        raise BenchError(f"wrk failed ({done.returncode}): {done.stderr.strip()}")
    return parse_wrk(done.stdout)


def _measure(records: int, seed: int, fig: Callable[..., None]) -> list[str]:
    from credit import clock

    with tempfile.TemporaryDirectory(prefix="ipcredit-bench-") as tmp:
        work = Path(tmp)
        data_dir = work / "data"
        feed = work / "feed.jsonl"
        env = child_env(data_dir)
        feed_lines = generate_feed(feed, records, seed, env, fig)
        bulk_build(feed, env, work, fig)

        day = clock.today()
        sample = sample_feed(feed, feed_lines)
        _, fragments = rare_queries(sample, day)
        usccs = published_usccs(sample, day)
        mix = query_mix(fragments[:100], usccs[:100])
        texts = [params["q"] for params in mix if "q" in params]
        if len(mix) < 100:
            raise BenchError(f"the feed gave only {len(mix)} queries for the mix")

        engine_ms = _engine_times(work, env, mix)
        fig("engine_p50_ms", percentile(engine_ms, 50), "ms")
        fig("engine_p99_ms", percentile(engine_ms, 99), "ms")

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        serve = [*CLI, "serve", "--port", str(port), "--workers", str(WORKERS)]
        server = subprocess.Popen(
            serve, env=env, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            wait_until_up(f"{base}/healthz", server)
            paths = [f"/search?{urlencode(params)}" for params in mix]
            for path in paths[:20]:  # warm up: every worker opens its engine
                urllib.request.urlopen(base + path, timeout=30).read()
            results: dict[str, dict[str, float]] = {}
            scripts = {"search_page": _lua_paths(paths), "graphql": _lua_graphql(texts)}
            for label, script in scripts.items():
                for mode, delay in (("", PACE_MS), ("saturated_", None)):
                    script_file = work / f"{mode}{label}.lua"
                    script_file.write_text(_paced(script, delay), encoding="utf-8")
                    results[mode + label] = _wrk(script_file, base, work)
            graphql_errors = _graphql_errors(base, texts[:50])
        finally:
            server.terminate()
            server.wait(timeout=30)

        for label, result in results.items():
            targeted = not label.startswith("saturated_")
            fig(f"{label}_p50_ms", result["p50"], "ms", P50_MS if targeted else None)
            fig(f"{label}_p90_ms", result["p90"], "ms")
            fig(f"{label}_p99_ms", result["p99"], "ms", P99_MS if targeted else None)
            rate_target = RATE if targeted else None
            fig(f"{label}_requests_per_second", result["rate"], "requests/s", rate_target)
            fig(f"{label}_errors", result["errors"], "responses", ERRORS)
            fig(f"{label}_requests", result["requests"], "requests")
        fig("graphql_error_answers_in_sample", graphql_errors, "answers", ERRORS)
    return [
        f"feed: `ipcredit generate --records {records} --seed {seed}`; store by"
        " `ipcredit index --defer-engine`, engine by `ipcredit reindex`, in a temporary"
        " directory (removed afterwards); build_seconds is both",
        f"server: `ipcredit serve --workers {WORKERS}` (uvicorn), IPCREDIT_RATE_LIMIT=0;"
        f" load: `wrk -t2 -c{CONNECTIONS} -d{SECONDS}s --latency` on loopback, the client on"
        " the same two cores as the server. The targeted runs offer a steady load: each"
        f" connection waits {PACE_MS} ms between requests (wrk's `delay()`), about 250"
        " requests/s in all, so the latencies are service times. The `saturated_*` runs send"
        " as fast as answers come (closed loop): their latency is mostly queueing"
        " (50 connections / throughput) and they show the ceiling",
        f"mix: {len(mix)} search-page URLs cycled: rare organisation-name fragments, common"
        " words (有限公司, 深圳 …), a word with a kind filter, browsing a kind newest first,"
        " and USCCs (answered by a 303 to the entity page, as the portal does); GraphQL:"
        f" `searchRecords(query, first: 20)` with highlights for the {len(texts)} texts of"
        " the mix (POST /graphql). Each worker keeps the facets of searches finding many"
        " records (estimated ≥ 2,000) per data version in a 128-entry LRU, so the common"
        " words' facets are counted once per worker in a run (their hits every time); the"
        " GraphQL searches ask no facets",
        "errors: non-2xx/3xx answers plus socket errors, as wrk counts them;"
        " graphql_error_answers_in_sample: answers with an `errors` member among 50 of"
        " the GraphQL queries sent once after the run",
        "engine_*: the same search-page queries through `BlockingEngine(TantivyEngine)` in"
        " one child, one at a time after a warm-up (the engine's own time, no HTTP)",
    ]


def _graphql_errors(base: str, texts: Sequence[str]) -> int:
    errors = 0
    for text in texts:
        body = orjson.dumps({"query": GRAPHQL, "variables": {"q": text}})
        request = urllib.request.Request(
            f"{base}/graphql", body, {"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            errors += "errors" in orjson.loads(answer.read())
    return errors


def _engine_times(work: Path, env: dict[str, str], mix: list[dict[str, str]]) -> list[float]:
    queries = work / "mix.json"
    queries.write_bytes(orjson.dumps(mix))
    probe = run_child([sys.executable, "-m", "bench.http", str(queries)], env, work)
    _checked("the engine probe", probe, (0,))
    times: list[float] = orjson.loads(probe.stdout)
    return times


def probe(queries_path: Path) -> list[float]:
    """Time each search of the mix on the engine alone (ms), after one warm-up pass."""
    from starlette.datastructures import QueryParams

    from credit import clock
    from credit.config import Settings
    from credit.search.blocking import BlockingEngine
    from credit.search.query import uscc_in_query
    from credit.search.tantivy_engine import TantivyEngine
    from portal.search_params import SearchParams

    mix: list[dict[str, str]] = orjson.loads(queries_path.read_bytes())
    asked = [SearchParams.parse(QueryParams(params)) for params in mix]
    day = clock.today()
    times: list[float] = []
    with BlockingEngine(TantivyEngine(Settings.from_env().data_dir)) as engine:

        def one(params: SearchParams) -> None:
            code = uscc_in_query(params.q)
            if code:
                engine.get_entity(code, day=day)
            else:
                engine.search_records(params.to_query(), day=day)

        for params in asked:  # warm-up pass, not timed
            one(params)
        for params in asked * 2:
            started = time.perf_counter()
            one(params)
            times.append((time.perf_counter() - started) * 1000)
    return times


if __name__ == "__main__":
    print(orjson.dumps(probe(Path(sys.argv[1]))).decode())
