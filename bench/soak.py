"""Benchmark `soak`: minutes of mixed traffic against `ipcredit serve` on loopback.

Targets (issue 8), on 1,000,000 generated records on the 2-core machine: 5 minutes of mixed
traffic at 50 connections — search pages, entity and record pages, GraphQL `searchRecords`,
`entity` and `screen`, screening uploads to `/screen`, the Atom feeds — with zero 5xx answers
and no other error, a p99 latency within the portal issue's 150 ms (issue 4: overall, and for
the search page and `searchRecords` on their own), and the server's memory growing by less
than 10 % from the end of the warm-up to the end of the run.

Steps, each a child process on one temporary data directory: `ipcredit generate` (with some
typical cases, for the cases feed), `ipcredit index --defer-engine`, `ipcredit reindex`, then
`ipcredit serve` under wrk (Debian's `wrk`). wrk runs one thread per connection with the Lua
script below: it cycles through a prepared file of raw requests (the mix, interleaved by
weight) and times and checks every answer itself, so every figure is also known per kind of
request, which wrk's own statistics cannot say. The server's memory is sampled every second.
"""

from __future__ import annotations

import http.client
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx
import orjson

from bench import http as http_bench
from bench import screen as screen_bench
from bench.engine import (
    percentile,
    published_record_ids,
    published_usccs,
    rare_queries,
    sample_feed,
)
from bench.harness import (
    BenchError,
    ChildRun,
    Figure,
    Memory,
    Target,
    TreeMemorySampler,
    free_port,
    load_average,
    measured,
    run_child,
    wait_until_up,
)
from bench.ingest import _MB, CLI, bulk_build, child_env, generate_feed

NAME = "soak"
DEFAULT_RECORDS = 1_000_000
DEFAULT_MINUTES = 5.0
DEFAULT_CONNECTIONS = 50
CASES = 200
WORKERS = http_bench.WORKERS  # served as the http bench serves, so the figures compare
PACE_MS = http_bench.PACE_MS  # the mean wait of a connection between answer and request
TIMEOUT_SECONDS = 10
WARM_UP_FRACTION = 0.2  # memory is compared from the end of the first fifth of the run
MEMORY_INTERVAL = 1.0
SCREEN_ROWS = 20
SCREEN_LISTS = 8

P99_MS = http_bench.P99_MS
NO_ERRORS = Target("<=", 0)
GROWTH_PERCENT = Target("<", 10)

# How many of every 200 requests are of each kind. Screening is rare but heavy: each
# request screens 20 names. The search page and `searchRecords` carry issue 4's own target.
WEIGHTS: dict[str, int] = {
    "search_page": 84,
    "entity_page": 28,
    "record_page": 28,
    "graphql_search": 24,
    "graphql_entity": 16,
    "feed": 18,
    "screen_upload": 1,
    "graphql_screen": 1,
}
TARGETED_KINDS = ("search_page", "graphql_search")

FEEDS = (
    "/feeds/records.atom",
    "/feeds/records.atom?kind=serious_list",
    "/feeds/records.atom?kind=dishonest_act",
    "/feeds/records.atom?kind=good_credit",
    "/feeds/cases.atom",
)
ENTITY_QUERY = (
    "query($uscc: String!) { entity(uscc: $uscc) { uscc name formerNames regionName"
    " seriousListed records { id kind category categoryLabel severity subjectName authority"
    " decisionNo decidedOn publishFrom publishUntil } } }"
)
GRAPHQL_ERRORS = b'"errors"'
SCREEN_REPORT = "下载 CSV 报告".encode()
FEED_END = b"</feed>"

# The answer's check, as written in the request file.
CHECK_NONE, CHECK_EXPECT, CHECK_REFUSE = 0, 1, 2


# --- the mix ---------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """One request of the mix, and what its answer's body must (not) contain."""

    kind: str
    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    expect: bytes = b""
    refuse: bytes = b""

    def __post_init__(self) -> None:
        if self.expect and self.refuse:
            raise ValueError("a request checks its answer for one thing only")

    @property
    def check(self) -> tuple[int, bytes]:
        """The check of the answer's body as the Lua script reads it: (mode, marker)."""
        if self.expect:
            return CHECK_EXPECT, self.expect
        if self.refuse:
            return CHECK_REFUSE, self.refuse
        return CHECK_NONE, b""

    def raw(self, host: str) -> bytes:
        """The request as sent on the wire (HTTP/1.1, kept alive)."""
        lines = [f"{self.method} {self.path} HTTP/1.1", f"Host: {host}"]
        lines += [f"{name}: {value}" for name, value in self.headers]
        if self.body or self.method != "GET":
            lines.append(f"Content-Length: {len(self.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + self.body

    def answer_ok(self, status: int, body: bytes) -> bool:
        """Whether an answer is a success: 2xx or 3xx, and its body passes the check."""
        if not 200 <= status < 400:
            return False
        mode, marker = self.check
        if mode == CHECK_EXPECT:
            return marker in body
        if mode == CHECK_REFUSE:
            return marker not in body
        return True


@dataclass(frozen=True)
class Material:
    """What the mix is made of, taken from the generated feed."""

    searches: list[dict[str, str]]  # search-page parameters, as the http bench mixes them
    usccs: list[str]  # with something published today
    record_ids: list[str]  # published today
    screen_lists: list[list[list[str]]]  # lists of (name, code) rows


def _get(kind: str, path: str, expect: bytes = b"") -> Prepared:
    return Prepared(kind, "GET", path, expect=expect)


def _graphql(kind: str, query: str, variables: Mapping[str, object]) -> Prepared:
    body = orjson.dumps({"query": query, "variables": variables})
    headers = (("Content-Type", "application/json"),)
    return Prepared(kind, "POST", "/graphql", headers, body, refuse=GRAPHQL_ERRORS)


def _upload(rows: list[list[str]]) -> Prepared:
    """POST /screen with the rows as an uploaded CSV file (the form's `file` field)."""
    files = {"file": ("exhibitors.csv", screen_bench.exhibitor_csv(rows), "text/csv")}
    form = httpx.Request("POST", "http://soak/screen", files=files)
    headers = (("Content-Type", form.headers["Content-Type"]),)
    return Prepared("screen_upload", "POST", "/screen", headers, form.read(), expect=SCREEN_REPORT)


def build_mix(material: Material) -> dict[str, list[Prepared]]:
    """Every request of the mix, by kind (the kinds of WEIGHTS, in that order)."""
    texts = [params["q"] for params in material.searches if "q" in params]
    lists = material.screen_lists
    mix = {
        "search_page": [_get("search_page", f"/search?{urlencode(p)}") for p in material.searches],
        "entity_page": [_get("entity_page", f"/entity/{quote(u)}") for u in material.usccs],
        "record_page": [_get("record_page", f"/record/{quote(i)}") for i in material.record_ids],
        "graphql_search": [_graphql("graphql_search", http_bench.GRAPHQL, {"q": t}) for t in texts],
        "graphql_entity": [
            _graphql("graphql_entity", ENTITY_QUERY, {"uscc": u}) for u in material.usccs
        ],
        "feed": [_get("feed", path, expect=FEED_END) for path in FEEDS],
        "screen_upload": [_upload(rows) for rows in lists],
        "graphql_screen": [
            _graphql("graphql_screen", screen_bench.SCREEN_QUERY, {"entries": entries})
            for entries in map(screen_bench.screen_entries, lists)
        ],
    }
    empty = [kind for kind, requests in mix.items() if not requests]
    if empty:
        raise BenchError(f"the feed gave no request for: {', '.join(empty)}")
    return mix


def interleave(weights: Mapping[str, int]) -> list[str]:
    """One cycle of kinds, each as often as its weight, spread evenly (smooth weighted
    round-robin, as nginx balances): `{"a": 2, "b": 1}` → `a b a`."""
    if not weights or any(weight <= 0 for weight in weights.values()):
        raise ValueError("weights must be positive")
    total = sum(weights.values())
    current = dict.fromkeys(weights, 0)
    order: list[str] = []
    for _ in range(total):
        for kind, weight in weights.items():
            current[kind] += weight
        chosen = max(current, key=current.__getitem__)
        current[chosen] -= total
        order.append(chosen)
    return order


def schedule(weights: Mapping[str, int], mix: Mapping[str, Sequence[Prepared]]) -> list[Prepared]:
    """The requests in the order they are sent: cycles of `interleave(weights)`, each kind
    taking its requests in turn, and as many cycles as it takes for every request of every
    kind to be sent once (so the proportions of the kinds are exactly the weights)."""
    missing = [kind for kind in weights if not mix.get(kind)]
    if missing:
        raise ValueError(f"no requests for {', '.join(missing)}")
    cycles = max(math.ceil(len(mix[kind]) / weight) for kind, weight in weights.items())
    order = interleave(weights)
    taken = dict.fromkeys(weights, 0)
    sent: list[Prepared] = []
    for _ in range(cycles):
        for kind in order:
            requests = mix[kind]
            sent.append(requests[taken[kind] % len(requests)])
            taken[kind] += 1
    return sent


def encode_requests(sent: Sequence[Prepared], kinds: Sequence[str], host: str) -> bytes:
    """The request file the Lua script reads: per request a line
    `KIND CHECK MARKER_BYTES REQUEST_BYTES`, then the marker and the raw request, verbatim
    (no quoting: bodies and markers may hold any byte)."""
    out = bytearray()
    for request in sent:
        mode, marker = request.check
        raw = request.raw(host)
        out += f"{kinds.index(request.kind)} {mode} {len(marker)} {len(raw)}\n".encode("ascii")
        out += marker + raw
    return bytes(out)


# --- the load generator ----------------------------------------------------

LUA = """\
-- ipcredit soak (bench/soak.py): one connection per wrk thread, requests cycled from the
-- prepared file (args[1]), each connection starting at its own offset (args[2] connections);
-- every answer is timed and checked here and printed by done().
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } soak_timespec;
int clock_gettime(int clock, soak_timespec *now);
]]
local clock = ffi.new("soak_timespec")
local function now_us()
  ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC, the clock of Python's time.monotonic()
  return tonumber(clock.tv_sec) * 1000000 + math.floor(tonumber(clock.tv_nsec) / 1000)
end

local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
  thread:set("id", #threads)
end

local kinds, checks, markers, requests = {}, {}, {}, {}
local position, current, sent_at, count = 0, 0, 0, 0
samples = {}

function init(args)
  local file = assert(io.open(args[1], "rb"))
  while true do
    local line = file:read("*l")
    if not line then break end
    local kind, check, marker_bytes, request_bytes = line:match("^(%d+) (%d+) (%d+) (%d+)$")
    if not kind then error("bad line in the request file: " .. line) end
    local n = #requests + 1
    kinds[n] = tonumber(kind)
    checks[n] = tonumber(check)
    markers[n] = tonumber(marker_bytes) > 0 and file:read(tonumber(marker_bytes)) or ""
    requests[n] = file:read(tonumber(request_bytes))
  end
  file:close()
  position = math.floor((id - 1) * #requests / tonumber(args[2]))
  math.randomseed(id)
end

function request()
  position = position % #requests + 1
  current = position
  sent_at = now_us()
  return requests[current]
end

function response(status, headers, body)
  local finished = now_us()
  local ok = 1
  local check = checks[current]
  if check == 1 and not string.find(body, markers[current], 1, true) then ok = 0 end
  if check == 2 and string.find(body, markers[current], 1, true) then ok = 0 end
  samples[count + 1] = kinds[current]
  samples[count + 2] = status
  samples[count + 3] = finished - sent_at
  samples[count + 4] = finished
  samples[count + 5] = ok
  count = count + 5
end

function done(summary, latency, requested)
  local e = summary.errors
  io.write(string.format("soak-summary %.0f %.0f %.0f %.0f %.0f %.0f %.0f\\n", summary.duration,
    summary.requests, e.connect, e.read, e.write, e.timeout, e.status))
  for _, thread in ipairs(threads) do
    local s = thread:get("samples")
    for i = 1, #s, 5 do
      io.write(string.format("soak %.0f %.0f %.0f %.0f %.0f\\n", s[i], s[i + 1], s[i + 2],
        s[i + 3], s[i + 4]))
    end
  end
end
"""


def lua_script(pace_ms: int | None) -> str:
    """The wrk script; with `pace_ms`, each connection waits between PACE/2 and 3·PACE/2 ms
    (uniformly, so the connections do not march in step) before each request."""
    if pace_ms is None:
        return LUA
    low, high = pace_ms // 2, pace_ms * 3 // 2
    return LUA + f"\nfunction delay()\n  return math.random({low}, {high})\nend\n"


@dataclass(frozen=True)
class Sample:
    """One answer: its kind (index into the kinds), status, latency and when it completed
    (µs of CLOCK_MONOTONIC), and whether its body passed the check."""

    kind: int
    status: int
    latency_us: int
    finished_us: int
    passed: bool


@dataclass(frozen=True)
class LoadRun:
    """What wrk reported: its own counts, and every answer the script saw."""

    seconds: float
    completed: int  # answers, as wrk counts them
    socket_errors: dict[str, int]  # connect, read, write, timeout
    status_errors: int  # answers with a status above 399, as wrk counts them
    samples: list[Sample]


def parse_output(stdout: str) -> LoadRun:
    """The lines the script's done() printed (wrk's own report around them is ignored)."""
    summary: list[int] | None = None
    samples: list[Sample] = []
    for line in stdout.splitlines():
        if line.startswith("soak "):
            kind, status, latency, finished, passed = (int(n) for n in line.split()[1:])
            samples.append(Sample(kind, status, latency, finished, passed == 1))
        elif line.startswith("soak-summary "):
            summary = [int(n) for n in line.split()[1:]]
    if summary is None or len(summary) != 7:
        raise BenchError(f"no summary from the soak script in wrk's output:\n{stdout[-2000:]}")
    duration, completed, connect, read, write, timeout, status = summary
    errors = {"connect": connect, "read": read, "write": write, "timeout": timeout}
    return LoadRun(duration / 1e6, completed, errors, status, samples)


# --- the arithmetic --------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """The answers of one kind (or of all): how many, how fast, how many went wrong."""

    requests: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    server_errors: int  # 5xx
    other_errors: int  # any other status outside 2xx and 3xx
    failed_checks: int  # a 2xx/3xx answer whose body was not what was asked for

    @property
    def errors(self) -> int:
        return self.server_errors + self.other_errors + self.failed_checks


def outcome(samples: Sequence[Sample]) -> Outcome:
    """Counts and latency percentiles (ms, inclusive method) of some answers."""
    latencies = [s.latency_us / 1000 for s in samples]

    def pct(percent: int) -> float:
        return percentile(latencies, percent) if latencies else 0.0

    return Outcome(
        requests=len(samples),
        p50_ms=pct(50),
        p90_ms=pct(90),
        p99_ms=pct(99),
        max_ms=max(latencies, default=0.0),
        server_errors=sum(s.status >= 500 for s in samples),
        other_errors=sum(not 200 <= s.status < 400 and s.status < 500 for s in samples),
        failed_checks=sum(200 <= s.status < 400 and not s.passed for s in samples),
    )


def windows(samples: Sequence[Sample], parts: int) -> list[list[Sample]]:
    """The answers in `parts` equal spans of time, from the first completion to the last."""
    if not samples:
        return [[] for _ in range(parts)]
    start = min(s.finished_us for s in samples)
    span = max(s.finished_us for s in samples) - start + 1
    split: list[list[Sample]] = [[] for _ in range(parts)]
    for s in samples:
        split[(s.finished_us - start) * parts // span].append(s)
    return split


@dataclass(frozen=True)
class Growth:
    """Memory from the end of the warm-up: the first sample, the last, and the largest."""

    first: float
    last: float
    peak: float

    @property
    def percent(self) -> float:
        """Growth of the last sample over the first, in percent."""
        return (self.last - self.first) / self.first * 100

    @property
    def peak_percent(self) -> float:
        """Growth of the largest sample over the first, in percent."""
        return (self.peak - self.first) / self.first * 100


def growth(samples: Sequence[tuple[float, float]], since: float) -> Growth:
    """Growth of (time, value) samples taken at or after `since`."""
    kept = [value for at, value in samples if at >= since]
    if not kept:
        raise BenchError("no memory sample after the warm-up: the run was too short")
    if kept[0] <= 0:
        raise BenchError("the server's memory could not be read")
    return Growth(kept[0], kept[-1], max(kept))


def timeline(
    samples: Sequence[tuple[float, float]], start: float, seconds: float, parts: int
) -> list[float | None]:
    """The last (time, value) sample at or before the end of each of `parts` equal spans of
    `seconds` from `start`; None for a span that ends before the first sample."""
    ends = [start + seconds * (n + 1) / parts for n in range(parts)]
    return [
        max(((at, v) for at, v in samples if at <= end), default=(0.0, None))[1] for end in ends
    ]


# --- the run ---------------------------------------------------------------


def run(
    records: int = DEFAULT_RECORDS,
    seed: int = 0,
    minutes: float = DEFAULT_MINUTES,
    connections: int = DEFAULT_CONNECTIONS,
) -> tuple[list[Figure], list[str]]:
    """Build, serve, soak; return the figures and notes for RESULTS.md."""
    if not shutil.which("wrk"):
        raise BenchError("wrk is needed: apt-get install wrk")
    if minutes <= 0 or connections <= 0:
        raise BenchError("--minutes and --connections must be positive")
    seconds = max(1, round(minutes * 60))
    return measured(
        NAME, records, seed, partial(_measure, seconds=seconds, connections=connections)
    )


def _material(feed: Path, feed_lines: int) -> Material:
    from credit import clock

    day = clock.today()
    sample = sample_feed(feed, feed_lines)
    if not sample.names or not sample.usccs:
        raise BenchError("the feed gave no organisations to screen")
    _, fragments = rare_queries(sample, day)
    usccs = published_usccs(sample, day)
    return Material(
        searches=http_bench.query_mix(fragments[:100], usccs[:100]),
        usccs=usccs[:100],
        record_ids=published_record_ids(sample, day)[:200],
        screen_lists=[
            screen_bench.exhibitor_rows(sample.names, sample.usccs, SCREEN_ROWS, seed=n)
            for n in range(SCREEN_LISTS)
        ],
    )


def _warm_up(port: int, mix: Mapping[str, Sequence[Prepared]], each: int = 3) -> None:
    """Send the first requests of every kind once: every worker opens its engine, and a kind
    the server refuses stops the benchmark now rather than after minutes of errors."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        for kind, requests in mix.items():
            for request in requests[:each]:
                connection.request(
                    request.method, request.path, request.body, dict(request.headers)
                )
                answer = connection.getresponse()
                body = answer.read()
                if not request.answer_ok(answer.status, body):
                    raise BenchError(
                        f"{kind}: {request.method} {request.path} answered {answer.status}"
                        f" (the mix is wrong or the server is): {body[:300]!r}"
                    )
    finally:
        connection.close()


@dataclass(frozen=True)
class Soaked:
    """How the load went: wrk's run, the server's memory meanwhile, the machine's load."""

    load: ChildRun
    memory: list[tuple[float, Memory]]  # (time.monotonic(), memory of the server's tree)
    started: float  # time.monotonic() when wrk was started
    load_before: str
    load_after: str
    server_stderr: list[str]


def _soak(
    work: Path,
    env: dict[str, str],
    port: int,
    mix: Mapping[str, Sequence[Prepared]],
    wrk: list[str],
) -> Soaked:
    """Serve the data directory, warm up, run wrk while sampling the server's memory."""
    serve = [*CLI, "serve", "--port", str(port), "--workers", str(WORKERS)]
    server_log = work / "server.stderr"
    with server_log.open("wb") as log:
        server = subprocess.Popen(serve, env=env, cwd=work, stdout=subprocess.DEVNULL, stderr=log)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", server)
        _warm_up(port, mix)
        sampler = TreeMemorySampler(server.pid, MEMORY_INTERVAL, keep=True)
        sampler.start()
        load_before = load_average()
        started = time.monotonic()
        loaded = run_child(wrk, os.environ, work)
        sampler.stop()
        load_after = load_average()
        died = server.poll()
    finally:
        server.terminate()
        server.wait(timeout=30)
    if loaded.returncode != 0:
        raise BenchError(f"wrk failed ({loaded.returncode}): {loaded.stderr.strip()}")
    if died is not None:
        raise BenchError(f"ipcredit serve exited with status {died} during the soak")
    stderr_lines = server_log.read_text(encoding="utf-8", errors="replace").splitlines()
    if stderr_lines:  # on the console only: it may name paths of this machine
        print("ipcredit serve wrote to its standard error (last lines):", file=sys.stderr)
        print("\n".join(stderr_lines[-30:]), file=sys.stderr)
    return Soaked(loaded, sampler.samples, started, load_before, load_after, stderr_lines)


def _measure(
    records: int, seed: int, fig: Callable[..., None], seconds: int, connections: int
) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="ipcredit-bench-") as tmp:
        work = Path(tmp)
        env = child_env(work / "data")
        feed = work / "feed.jsonl"
        feed_lines = generate_feed(feed, records, seed, env, fig, cases=CASES)
        bulk_build(feed, env, work, fig)

        kinds = list(WEIGHTS)
        mix = build_mix(_material(feed, feed_lines))
        sent = schedule(WEIGHTS, mix)
        port = free_port()
        requests_file = work / "requests.bin"
        requests_file.write_bytes(encode_requests(sent, kinds, f"127.0.0.1:{port}"))
        script = work / "soak.lua"
        script.write_text(lua_script(PACE_MS), encoding="utf-8")
        wrk = [
            "wrk", f"-t{connections}", f"-c{connections}", f"-d{seconds}s",
            "--timeout", f"{TIMEOUT_SECONDS}s", "-s", str(script), f"http://127.0.0.1:{port}",
            "--", str(requests_file), str(connections),
        ]  # fmt: skip
        soaked = _soak(work, env, port, mix, wrk)

    result = parse_output(soaked.load.stdout)
    every = outcome(result.samples)
    by_kind = {
        kind: outcome([s for s in result.samples if s.kind == index])
        for index, kind in enumerate(kinds)
    }
    fifths = [outcome(part) for part in windows(result.samples, 5)]
    since = soaked.started + seconds * WARM_UP_FRACTION
    total = growth([(at, m.total) for at, m in soaked.memory], since)
    anonymous = growth([(at, m.anonymous) for at, m in soaked.memory], since)
    tenths = timeline([(at, m.total / _MB) for at, m in soaked.memory], soaked.started, seconds, 10)

    fig("duration_seconds", result.seconds, "s")
    fig("requests", every.requests, "requests")
    fig("requests_per_second", every.requests / result.seconds, "requests/s")
    fig("p50_ms", every.p50_ms, "ms")
    fig("p90_ms", every.p90_ms, "ms")
    fig("p99_ms", every.p99_ms, "ms", P99_MS)
    fig("max_ms", every.max_ms, "ms")
    fig("errors_5xx", every.server_errors, "responses", NO_ERRORS)
    fig("errors_other_status", every.other_errors, "responses", NO_ERRORS)
    fig("errors_failed_checks", every.failed_checks, "responses", NO_ERRORS)
    fig("errors_socket", sum(result.socket_errors.values()), "errors", NO_ERRORS)
    for kind, got in by_kind.items():
        fig(f"{kind}_requests", got.requests, "requests")
        fig(f"{kind}_p50_ms", got.p50_ms, "ms")
        fig(f"{kind}_p99_ms", got.p99_ms, "ms", P99_MS if kind in TARGETED_KINDS else None)
    fig("p99_ms_first_fifth", fifths[0].p99_ms, "ms")
    fig("p99_ms_last_fifth", fifths[-1].p99_ms, "ms")
    fig("server_memory_first_mb", total.first / _MB, "MB")
    fig("server_memory_last_mb", total.last / _MB, "MB")
    fig("server_memory_max_mb", total.peak / _MB, "MB")
    fig("server_memory_growth_percent", total.percent, "%", GROWTH_PERCENT)
    fig("server_memory_peak_growth_percent", total.peak_percent, "%", GROWTH_PERCENT)
    fig("server_anonymous_memory_first_mb", anonymous.first / _MB, "MB")
    fig("server_anonymous_memory_growth_percent", anonymous.percent, "%")
    fig("wrk_cpu_percent_of_one_core", soaked.load.cpu_seconds / result.seconds * 100, "%")
    return [
        *_notes(records, seed, seconds, connections, len(sent), mix),
        *_error_notes(result, by_kind, every, soaked.server_stderr),
        "server memory (MB, as server_memory_*) at the end of each tenth of the run: "
        + ", ".join("—" if mb is None else f"{mb:.0f}" for mb in tenths),
        f"load average (1 min) just before / after the load: {soaked.load_before} /"
        f" {soaked.load_after}",
    ]


def _notes(
    records: int,
    seed: int,
    seconds: int,
    connections: int,
    cycle: int,
    mix: Mapping[str, Sequence[Prepared]],
) -> list[str]:
    total = sum(WEIGHTS.values())
    shares = ", ".join(f"{kind} {weight}" for kind, weight in WEIGHTS.items())
    sizes = ", ".join(f"{kind} {len(requests)}" for kind, requests in mix.items())
    low, high = PACE_MS // 2, PACE_MS * 3 // 2
    return [
        f"feed: `ipcredit generate --records {records} --cases {CASES} --seed {seed}`; store"
        " by `ipcredit index --defer-engine`, engine by `ipcredit reindex`, in a temporary"
        " directory (removed afterwards); build_seconds is both",
        f"server: `ipcredit serve --workers {WORKERS}` (uvicorn, as the http bench serves),"
        f" IPCREDIT_RATE_LIMIT=0; load: `wrk -t{connections} -c{connections} -d{seconds}s"
        f" --timeout {TIMEOUT_SECONDS}s` on loopback with a Lua script, one connection per"
        " wrk thread, the client on the same cores as the server. Each connection waits"
        f" {low}–{high} ms (uniform, mean {PACE_MS} ms as the http bench's paced runs) between"
        " an answer and its next request: a steady offered load, so latencies are service"
        " times plus the queueing this load causes",
        f"mix, per {total} requests: {shares}; distinct requests: {sizes}. search_page: the"
        " http bench's URLs (rare organisation-name fragments, common words, a word with a"
        " kind filter, a kind newest first, USCCs answered by a 303 to the entity page);"
        " entity_page and graphql_entity (`entity(uscc)` with its records): USCCs with"
        " records published today; record_page: records published today; graphql_search:"
        " `searchRecords(query, first: 20)` with highlights; feed: records.atom with and"
        " without a kind filter, cases.atom; screen_upload: POST /screen of a"
        f" {SCREEN_ROWS}-row CSV (names and codes from the feed, variants, invented names, as"
        f" the screen bench makes them); graphql_screen: `screen` with {SCREEN_ROWS} entries."
        f" The kinds are interleaved evenly in a cycle of {cycle} requests that every"
        " connection walks from its own offset",
        "latency: timed by the script from handing each request to wrk to its complete"
        " answer (CLOCK_MONOTONIC); every answer of the run is counted, warm-up included;"
        " percentiles exact over all answers (inclusive method). Before the load, the first"
        " 3 requests of each kind are sent once and must succeed",
        "errors: errors_5xx are 5xx answers; errors_other_status any other status outside"
        " 2xx/3xx; errors_failed_checks 2xx/3xx answers with the wrong body (GraphQL answers"
        " with `errors`, a /screen answer without its report links, a feed without"
        " `</feed>`); errors_socket: connect, read, write errors and timeouts as wrk counts"
        " them",
        "memory: PSS summed over the server's process tree (the uvicorn supervisor and its"
        f" workers; RSS with shared pages divided among them), sampled every"
        f" {MEMORY_INTERVAL:g} s during the load; the first sample after the warm-up (the"
        f" first {WARM_UP_FRACTION:.0%} of the run) against the last and the largest;"
        " anonymous memory (heap, without the mmap'd index pages) is given apart; MB = 10^6"
        " bytes",
        "p99_ms_first_fifth / last_fifth: p99 of the answers completed in the first and the"
        " last fifth of the run; wrk_cpu_percent_of_one_core: wrk's user and system CPU time"
        " over the run",
    ]


def _error_notes(
    result: LoadRun, by_kind: Mapping[str, Outcome], every: Outcome, stderr_lines: list[str]
) -> list[str]:
    notes: list[str] = []
    wrong = [
        f"{kind} {got.server_errors}/{got.other_errors}/{got.failed_checks}"
        for kind, got in by_kind.items()
        if got.errors
    ]
    if wrong:
        statuses = Counter(s.status for s in result.samples if not 200 <= s.status < 400)
        listed = ", ".join(f"{status} ×{n}" for status, n in sorted(statuses.items()))
        notes.append(
            f"errors by kind (5xx/other status/failed checks): {', '.join(wrong)};"
            f" statuses outside 2xx/3xx: {listed or 'none'}"
        )
    wrk_status_errors = sum(s.status > 399 for s in result.samples)
    if result.status_errors != wrk_status_errors:
        notes.append(
            f"wrk counted {result.status_errors} answers with a status above 399, the script"
            f" {wrk_status_errors}"
        )
    if result.completed != every.requests:
        notes.append(
            f"wrk counted {result.completed} answers, the script {every.requests}"
            " (the figures are the script's)"
        )
    if stderr_lines:
        notes.append(f"the server wrote {len(stderr_lines)} lines to its standard error")
    return notes
