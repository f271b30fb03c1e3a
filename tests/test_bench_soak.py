"""The soak benchmark's own parts: the mix, the request file, the wrk script, the arithmetic."""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import orjson
import pytest
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.types import Message

from bench import __main__ as bench_main
from bench import soak
from bench.harness import BenchError
from bench.soak import (
    CHECK_EXPECT,
    CHECK_NONE,
    CHECK_REFUSE,
    Material,
    Prepared,
    Sample,
    build_mix,
    encode_requests,
    growth,
    interleave,
    lua_script,
    outcome,
    parse_output,
    schedule,
    timeline,
    windows,
)

# --- the mix ---------------------------------------------------------------


def test_interleave_spreads_each_kind_by_its_weight() -> None:
    assert interleave({"a": 2, "b": 1}) == ["a", "b", "a"]
    assert interleave({"a": 1, "b": 1, "c": 1}) == ["a", "b", "c"]
    order = interleave(soak.WEIGHTS)
    assert len(order) == sum(soak.WEIGHTS.values())
    assert Counter(order) == Counter(soak.WEIGHTS)
    # The two screening kinds are not sent back to back, and no kind bunches up: between
    # two requests of a kind there are never more than twice its fair share of others.
    assert abs(order.index("screen_upload") - order.index("graphql_screen")) > 1
    for kind, weight in soak.WEIGHTS.items():
        places = [i for i, chosen in enumerate(order) if chosen == kind]
        gaps = [b - a for a, b in zip(places, [*places[1:], places[0] + len(order)], strict=True)]
        assert max(gaps) <= 2 * len(order) / weight, kind


@pytest.mark.parametrize("weights", [{}, {"a": 1, "b": 0}, {"a": -1}])
def test_interleave_refuses_weights_that_are_not_positive(weights: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        interleave(weights)


def _requests(kind: str, count: int) -> list[Prepared]:
    return [Prepared(kind, "GET", f"/{kind}/{n}") for n in range(count)]


def test_schedule_sends_the_weights_exactly_and_every_request() -> None:
    weights = {"a": 5, "b": 2, "c": 1}
    mix = {"a": _requests("a", 7), "b": _requests("b", 3), "c": _requests("c", 4)}
    sent = schedule(weights, mix)
    cycles = 4  # c: 4 requests at 1 per cycle; a needs 2 cycles, b needs 2
    assert len(sent) == cycles * sum(weights.values())
    assert Counter(r.kind for r in sent) == {k: w * cycles for k, w in weights.items()}
    for kind, requests in mix.items():
        assert set(requests) == {r for r in sent if r.kind == kind}
    # Within a kind, requests are taken in turn.
    assert [r.path for r in sent if r.kind == "b"][:4] == ["/b/0", "/b/1", "/b/2", "/b/0"]
    with pytest.raises(ValueError, match="c"):
        schedule(weights, {"a": mix["a"], "b": mix["b"], "c": []})


def _material() -> Material:
    return Material(
        searches=[{"q": "深圳科技"}, {"kind": "good_credit", "sort": "newest"}, {"q": "有限公司"}],
        usccs=["91440300MA5F0A1B2N"],
        record_ids=["SD01AMR-2025-0000001"],
        screen_lists=[[["深圳市某某科技有限公司", ""], ["", "91440300MA5F0A1B2N"]]],
    )


def test_build_mix_makes_every_kind_with_its_check() -> None:
    mix = build_mix(_material())
    assert list(mix) == list(soak.WEIGHTS)
    searches = [urlsplit(r.path) for r in mix["search_page"]]
    assert [s.path for s in searches] == ["/search"] * 3
    assert parse_qs(searches[0].query) == {"q": ["深圳科技"]}
    assert parse_qs(searches[1].query) == {"kind": ["good_credit"], "sort": ["newest"]}
    assert mix["entity_page"][0].path == "/entity/91440300MA5F0A1B2N"
    assert mix["record_page"][0].path == "/record/SD01AMR-2025-0000001"
    for request in mix["search_page"] + mix["entity_page"] + mix["record_page"]:
        assert (request.method, request.body, request.check) == ("GET", b"", (CHECK_NONE, b""))
    assert {r.path for r in mix["feed"]} == set(soak.FEEDS)
    assert all(r.check == (CHECK_EXPECT, b"</feed>") for r in mix["feed"])

    # GraphQL: only the two texts of the search mix, one entity, the screening list.
    searched = [orjson.loads(r.body) for r in mix["graphql_search"]]
    assert [b["variables"] for b in searched] == [{"q": "深圳科技"}, {"q": "有限公司"}]
    assert "searchRecords(" in searched[0]["query"]
    entity = orjson.loads(mix["graphql_entity"][0].body)
    assert entity["variables"] == {"uscc": "91440300MA5F0A1B2N"}
    assert "entity(uscc: $uscc)" in entity["query"]
    screened = orjson.loads(mix["graphql_screen"][0].body)
    assert screened["variables"]["entries"] == [
        {"ref": "0", "name": "深圳市某某科技有限公司", "uscc": ""},
        {"ref": "1", "name": "", "uscc": "91440300MA5F0A1B2N"},
    ]
    for kind in ("graphql_search", "graphql_entity", "graphql_screen"):
        for request in mix[kind]:
            assert (request.method, request.path) == ("POST", "/graphql")
            assert ("Content-Type", "application/json") in request.headers
            assert request.check == (CHECK_REFUSE, b'"errors"')


async def test_the_screening_upload_is_the_form_the_portal_reads() -> None:
    upload = build_mix(_material())["screen_upload"][0]
    assert (upload.method, upload.path) == ("POST", "/screen")
    assert upload.check == (CHECK_EXPECT, "下载 CSV 报告".encode())
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": upload.body, "more_body": False}

    headers = [(k.lower().encode(), v.encode()) for k, v in upload.headers]
    scope = {"type": "http", "method": "POST", "path": "/screen", "headers": headers}
    form = await Request(scope, receive).form()
    file = form.get("file")
    assert isinstance(file, UploadFile)
    assert file.filename == "exhibitors.csv"
    text = (await file.read()).decode("utf-8")
    assert text.splitlines() == [
        "展商名称,统一社会信用代码",
        "深圳市某某科技有限公司,",
        ",91440300MA5F0A1B2N",
    ]


def test_build_mix_refuses_a_kind_without_requests() -> None:
    material = _material()
    empty = Material(material.searches, material.usccs, [], material.screen_lists)
    with pytest.raises(BenchError, match="record_page"):
        build_mix(empty)


# --- requests on the wire and in the request file --------------------------


def test_raw_requests() -> None:
    get = Prepared("k", "GET", "/search?q=%E6%B7%B1")
    assert get.raw("127.0.0.1:8000") == (
        b"GET /search?q=%E6%B7%B1 HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n\r\n"
    )
    body = "中文\r\n".encode()
    post = Prepared("k", "POST", "/graphql", (("Content-Type", "application/json"),), body)
    assert post.raw("h") == (
        b"POST /graphql HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
        b"Content-Length: 8\r\n\r\n" + body
    )
    with pytest.raises(UnicodeEncodeError):
        Prepared("k", "GET", "/search?q=深圳").raw("h")
    with pytest.raises(ValueError):
        Prepared("k", "GET", "/", expect=b"a", refuse=b"b")


@pytest.mark.parametrize(
    ("request_", "status", "body", "ok"),
    [
        (Prepared("k", "GET", "/"), 200, b"", True),
        (Prepared("k", "GET", "/"), 303, b"", True),
        (Prepared("k", "GET", "/"), 404, b"", False),
        (Prepared("k", "GET", "/"), 503, b"", False),
        (Prepared("k", "GET", "/", expect=b"</feed>"), 200, b"<feed></feed>", True),
        (Prepared("k", "GET", "/", expect=b"</feed>"), 200, b"<feed>", False),
        (Prepared("k", "GET", "/", refuse=b'"errors"'), 200, b'{"data": {}}', True),
        (Prepared("k", "GET", "/", refuse=b'"errors"'), 200, b'{"errors": []}', False),
    ],
)
def test_answer_ok(request_: Prepared, status: int, body: bytes, ok: bool) -> None:
    assert request_.answer_ok(status, body) is ok


def decode_requests(data: bytes) -> list[tuple[int, int, bytes, bytes]]:
    """The request file read as the Lua script reads it: a header line, then raw bytes."""
    entries: list[tuple[int, int, bytes, bytes]] = []
    at = 0
    while at < len(data):
        end = data.index(b"\n", at)
        kind, check, marker_bytes, request_bytes = (int(n) for n in data[at:end].split(b" "))
        at = end + 1
        marker = data[at : at + marker_bytes]
        at += marker_bytes
        entries.append((kind, check, marker, data[at : at + request_bytes]))
        at += request_bytes
    return entries


def test_request_file_round_trips_any_bytes() -> None:
    kinds = ["page", "api"]
    awkward = b"1 2 3 4\n\x00\xff\r\n" + "中文".encode()
    sent = [
        Prepared(
            "api", "POST", "/graphql", (("Content-Type", "text/plain"),), awkward, refuse=b"\n"
        ),
        Prepared("page", "GET", "/a", expect="报告".encode()),
        Prepared("page", "GET", "/b"),
    ]
    data = encode_requests(sent, kinds, "127.0.0.1:9")
    assert decode_requests(data) == [
        (1, CHECK_REFUSE, b"\n", sent[0].raw("127.0.0.1:9")),
        (0, CHECK_EXPECT, "报告".encode(), sent[1].raw("127.0.0.1:9")),
        (0, CHECK_NONE, b"", sent[2].raw("127.0.0.1:9")),
    ]
    assert sent[0].raw("127.0.0.1:9").endswith(awkward)


def test_lua_script_paces_only_when_asked() -> None:
    assert "function delay()" not in lua_script(None)
    paced = lua_script(180)
    assert paced.startswith(soak.LUA)
    assert "return math.random(90, 270)" in paced


# --- wrk's output and the arithmetic ---------------------------------------

WRK_OUTPUT = """\
Running 30s test @ http://127.0.0.1:8000
  2 threads and 2 connections
soak-summary 30012345 4 0 1 0 2 2
soak 0 200 1500 1000000 1
soak 0 303 2500 2000000 1
soak 1 503 10000 3000000 1
soak 1 200 4000 4000000 0
Requests/sec: 0.13
"""


def test_parse_output() -> None:
    run = parse_output(WRK_OUTPUT)
    assert run.seconds == pytest.approx(30.012345)
    assert run.completed == 4
    assert run.socket_errors == {"connect": 0, "read": 1, "write": 0, "timeout": 2}
    assert run.status_errors == 2
    assert run.samples == [
        Sample(0, 200, 1500, 1_000_000, True),
        Sample(0, 303, 2500, 2_000_000, True),
        Sample(1, 503, 10000, 3_000_000, True),
        Sample(1, 200, 4000, 4_000_000, False),
    ]
    with pytest.raises(BenchError, match="no summary"):
        parse_output("Running 30s test\nsoak 0 200 1 1 1\n")


def _sample(latency_ms: float, status: int = 200, passed: bool = True, at: int = 0) -> Sample:
    return Sample(0, status, round(latency_ms * 1000), at, passed)


def test_outcome_percentiles_are_exact_over_every_answer() -> None:
    got = outcome([_sample(ms) for ms in range(100, 0, -1)])  # 1..100 ms, shuffled order
    assert got.requests == 100
    assert got.p50_ms == pytest.approx(50.5)
    assert got.p90_ms == pytest.approx(90.1)
    assert got.p99_ms == pytest.approx(99.01)
    assert got.max_ms == 100
    assert got.errors == 0
    assert outcome([_sample(7)]).p99_ms == 7
    assert outcome([]) == soak.Outcome(0, 0.0, 0.0, 0.0, 0.0, 0, 0, 0)


def test_outcome_sorts_errors() -> None:
    got = outcome(
        [
            _sample(1, 200),
            _sample(1, 303),
            _sample(1, 500),
            _sample(1, 503),
            _sample(1, 404),
            _sample(1, 429),
            _sample(1, 101),
            _sample(1, 200, passed=False),
            _sample(1, 404, passed=False),  # a failed status, not also a failed check
        ]
    )
    assert (got.server_errors, got.other_errors, got.failed_checks) == (2, 4, 1)
    assert got.errors == 7


def test_windows_split_by_completion_time() -> None:
    samples = [_sample(1, at=at) for at in (100, 150, 199, 200, 250, 299)]
    first, second = windows(samples, 2)
    assert [s.finished_us for s in first] == [100, 150, 199]
    assert [s.finished_us for s in second] == [200, 250, 299]
    fifths = windows(samples, 5)
    assert sum(len(part) for part in fifths) == len(samples)
    assert fifths[0][0].finished_us == 100 and fifths[-1][-1].finished_us == 299
    assert windows([], 3) == [[], [], []]


def test_growth_from_the_end_of_the_warm_up() -> None:
    samples = [(0.0, 50.0), (1.0, 80.0), (2.0, 100.0), (2.5, 95.0), (3.0, 112.0), (4.0, 105.0)]
    got = growth(samples, since=2.0)
    assert (got.first, got.last, got.peak) == (100.0, 105.0, 112.0)
    assert got.percent == pytest.approx(5.0)
    assert got.peak_percent == pytest.approx(12.0)
    assert soak.GROWTH_PERCENT.met(got.percent)
    assert not soak.GROWTH_PERCENT.met(got.peak_percent)
    assert growth(samples, since=0.0).percent == pytest.approx(110.0)
    assert growth(samples, since=2.1).first == 95.0
    with pytest.raises(BenchError, match="warm-up"):
        growth(samples, since=5.0)
    with pytest.raises(BenchError):
        growth([(0.0, 0.0), (1.0, 10.0)], since=0.0)


def test_timeline_takes_the_last_sample_of_each_span() -> None:
    samples = [(10.5, 1.0), (11.0, 2.0), (12.9, 3.0), (13.0, 4.0), (15.5, 5.0)]
    assert timeline(samples, start=10.0, seconds=6.0, parts=3) == [2.0, 4.0, 5.0]
    assert timeline(samples, start=10.0, seconds=1.0, parts=4) == [None, 1.0, 1.0, 2.0]
    assert timeline([], start=0.0, seconds=1.0, parts=2) == [None, None]


# --- the command line ------------------------------------------------------


def test_command_line_records_the_soaks_options() -> None:
    assert (
        bench_main.command_line("soak", 1_000_000, minutes=5.0, connections=50)
        == "python -m bench soak --records 1000000 --minutes 5 --connections 50"
    )
    assert (
        bench_main.command_line("soak", 20000, minutes=0.5, connections=20)
        == "python -m bench soak --records 20000 --minutes 0.5 --connections 20"
    )
    assert bench_main.command_line("http", 10) == "python -m bench http --records 10"


@pytest.mark.parametrize(
    "argv",
    [
        ["http", "--minutes", "1"],
        ["screen", "--connections", "5"],
        ["soak", "--minutes", "0"],
        ["soak", "--connections", "-1"],
    ],
)
def test_soak_options_are_refused_elsewhere_and_must_be_positive(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        bench_main.main([*argv, "--no-record"])
    assert stopped.value.code == 2


# --- the script under a real wrk -------------------------------------------

BODY = b"line 1 2 3\n\x00\xff\r\n" + "中文".encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    bodies: list[bytes] = []  # noqa: RUF012 (appended from the server's threads)

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path == "/fail":
            self._answer(500, b"oops")
        else:
            self._answer(200, b"hello MARK")

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Handler.bodies.append(body)
        self._answer(200, b"fine" if body == BODY else b"ERR")


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    Handler.bodies = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.skipif(shutil.which("wrk") is None, reason="needs wrk (apt-get install wrk)")
def test_the_script_under_wrk_times_and_checks_every_answer(
    server: ThreadingHTTPServer, tmp_path: Path
) -> None:
    port = server.server_address[1]
    kinds = ["found", "posted", "failing", "missing"]
    mix = {
        "found": [Prepared("found", "GET", "/ok", expect=b"MARK")],
        "posted": [Prepared("posted", "POST", "/echo", body=BODY, refuse=b"ERR")],
        "failing": [Prepared("failing", "GET", "/fail")],
        "missing": [Prepared("missing", "GET", "/ok", expect=b"ABSENT")],
    }
    sent = schedule(dict.fromkeys(kinds, 1), mix)
    requests = tmp_path / "requests.bin"
    requests.write_bytes(encode_requests(sent, kinds, f"127.0.0.1:{port}"))
    script = tmp_path / "soak.lua"
    script.write_text(lua_script(10), encoding="utf-8")
    connections = 3
    started = time.monotonic()
    done = subprocess.run(
        ["wrk", f"-t{connections}", f"-c{connections}", "-d2s", "-s", str(script),
         f"http://127.0.0.1:{port}", "--", str(requests), str(connections)],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    finished = time.monotonic()
    run = parse_output(done.stdout)

    assert len(run.samples) == run.completed > 20
    assert sum(run.socket_errors.values()) == 0
    by_kind = {kind: [s for s in run.samples if s.kind == i] for i, kind in enumerate(kinds)}
    counts = [len(samples) for samples in by_kind.values()]
    assert max(counts) - min(counts) <= connections  # each connection takes the kinds in turn
    assert {(s.status, s.passed) for s in by_kind["found"]} == {(200, True)}
    assert {(s.status, s.passed) for s in by_kind["posted"]} == {(200, True)}
    assert {(s.status, s.passed) for s in by_kind["missing"]} == {(200, False)}
    assert {s.status for s in by_kind["failing"]} == {500}
    assert run.status_errors == len(by_kind["failing"])
    assert Handler.bodies and set(Handler.bodies) == {BODY}  # bodies arrive byte for byte
    # Latencies are plausible and completion times are on Python's monotonic clock.
    assert all(0 < s.latency_us < 2_000_000 for s in run.samples)
    assert all(started <= s.finished_us / 1e6 <= finished for s in run.samples)
    got = outcome(run.samples)
    assert (got.server_errors, got.failed_checks) == (len(by_kind["failing"]), counts[3])
