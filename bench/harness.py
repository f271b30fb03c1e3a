"""Shared parts of the benchmarks: figures, targets, the machine, child processes, a served
portal, RESULTS.md.

Nothing written here names this machine's host or its filesystem paths: the
machine is described by its CPU model, core count, memory, OS and Python.
"""

from __future__ import annotations

import operator
import os
import platform
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

import orjson

from credit.cores import usable_cores

RESULTS_PATH = Path(__file__).with_name("RESULTS.md")

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    "<": operator.lt,
    ">=": operator.ge,
    ">": operator.gt,
    "==": operator.eq,
}


class BenchError(Exception):
    """A benchmark that could not finish; the message says why.

    `partial` holds the figures measured before it stopped (printed, never recorded).
    """

    def __init__(self, message: str, partial: Sequence[Figure] = ()) -> None:
        super().__init__(message)
        self.partial = list(partial)


@dataclass(frozen=True)
class Target:
    """A bound a figure must meet, e.g. `<= 60`."""

    op: str
    bound: float

    def __post_init__(self) -> None:
        if self.op not in _COMPARE:
            raise ValueError(f"unknown comparison {self.op!r}")

    def met(self, value: float) -> bool:
        """Whether `value` meets this target."""
        return _COMPARE[self.op](value, self.bound)

    def __str__(self) -> str:
        return f"{self.op} {_number(self.bound)}"


@dataclass(frozen=True)
class Figure:
    """One measured figure of one benchmark run; informational when it has no target."""

    bench: str
    figure: str
    value: float
    unit: str
    records: int
    target: Target | None = None

    @property
    def met(self) -> bool | None:
        """True or False against the target; None for an informational figure."""
        return None if self.target is None else self.target.met(self.value)

    def as_dict(self) -> dict[str, object]:
        """The figure as one JSON object (the line printed on stdout)."""
        return {
            "bench": self.bench,
            "figure": self.figure,
            "value": self.value,
            "unit": self.unit,
            "target": None if self.target is None else str(self.target),
            "records": self.records,
        }


Measure = Callable[[int, int, Callable[..., None]], list[str]]


def measured(
    bench: str, records: int, seed: int, measure: Measure
) -> tuple[list[Figure], list[str]]:
    """Run `measure(records, seed, fig)`, collecting each figure it reports.

    A failure keeps the figures measured before it (`BenchError.figures`).
    """
    if records <= 0:
        raise BenchError("--records must be positive")
    figures: list[Figure] = []

    def fig(name: str, value: float, unit: str, target: Target | None = None) -> None:
        figures.append(Figure(bench, name, round(value, 3), unit, records, target))

    try:
        notes = measure(records, seed, fig)
    except BenchError as error:
        raise BenchError(str(error), figures) from None
    return figures, notes


def emit(figure: Figure, stream: TextIO | None = None) -> None:
    """Print `figure` as one JSON line."""
    out = stream or sys.stdout
    out.write(orjson.dumps(figure.as_dict()).decode() + "\n")
    out.flush()


def _number(value: float) -> str:
    """A value without a useless `.0`."""
    if float(value).is_integer():
        return str(int(value))
    return str(round(value, 3))


# --- the machine -----------------------------------------------------------


def _read_text(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _cpu_model() -> str:
    for line in _read_text("/proc/cpuinfo").splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("model name", "Model", "cpu model") and value.strip():
            return value.strip()
    return platform.processor() or platform.machine() or "unknown"


def _memory_gib() -> str:
    for line in _read_text("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            kib = int(line.split()[1])
            return f"{kib / 1024**2:.1f} GiB"
    return "unknown"


def _os_name() -> str:
    pretty = ""
    for line in _read_text("/etc/os-release").splitlines():
        if line.startswith("PRETTY_NAME="):
            pretty = line.partition("=")[2].strip().strip('"')
    kernel = f"{platform.system()} {platform.release()}".strip()
    return f"{pretty} ({kernel})" if pretty else kernel


def machine() -> dict[str, str]:
    """What the figures were measured on: no hostname, no paths."""
    return {
        "cpu": _cpu_model(),
        "cores": f"{usable_cores()} usable of {os.cpu_count() or 0}",
        "memory": _memory_gib(),
        "os": _os_name(),
        "arch": platform.machine(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "sqlite": sqlite3.sqlite_version,
    }


# --- child processes -------------------------------------------------------

_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Memory:
    """Memory of a process (or a sum over processes), in bytes.

    `total` is PSS (RSS where PSS is not available): pages shared with forked
    workers are divided among them, so a tree's sum counts each page once.
    `anonymous` is the part not backed by files (heap, stacks, shared memory):
    what stays when the kernel drops mapped file pages such as an mmap'd index.
    """

    total: int = 0
    anonymous: int = 0

    def __add__(self, other: Memory) -> Memory:
        return Memory(self.total + other.total, self.anonymous + other.anonymous)


def _process_memory(pid: int) -> Memory:
    """Memory of one process from /proc (zero when it is gone)."""
    fields: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text(encoding="ascii").splitlines():
            key, _, rest = line.partition(":")
            if key in ("Pss", "Pss_Anon", "Pss_Shmem"):
                fields[key] = int(rest.split()[0]) * 1024
    except OSError:
        pass
    if "Pss" in fields:
        anonymous = fields.get("Pss_Anon", fields["Pss"]) + fields.get("Pss_Shmem", 0)
        return Memory(fields["Pss"], anonymous)
    try:
        statm = Path(f"/proc/{pid}/statm").read_text(encoding="ascii").split()
    except OSError:
        return Memory()
    resident, shared = int(statm[1]) * _PAGE_SIZE, int(statm[2]) * _PAGE_SIZE
    return Memory(resident, resident - shared)


def _children(pid: int) -> list[int]:
    """Direct children of `pid`, from every thread's `children` list in /proc."""
    found: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            found.extend(int(c) for c in (task / "children").read_text(encoding="ascii").split())
        except OSError:
            continue
    return found


def tree_memory(pid: int) -> Memory:
    """Summed memory of `pid` and all its descendants (worker pools included)."""
    total, pending, seen = Memory(), [pid], set[int]()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        total += _process_memory(current)
        pending.extend(_children(current))
    return total


class TreeMemorySampler(threading.Thread):
    """Samples the summed memory of a process tree until stopped; keeps the peaks.

    With `keep`, every sample is also kept in `samples` as (`time.monotonic()`, memory),
    so that a long run's memory can be followed over time.
    """

    INTERVAL = 0.1
    COST_SHARE = 0.02
    """The share of one core the sampling may take: reading `smaps_rollup` walks a process's
    page tables, 28 ms of CPU for a 1.1 GB build tree, so a sample every 0.1 s took a quarter
    of a core from what it measured (a tenth of this 2-core machine). After each sample it
    waits at least its own cost divided by this share."""

    def __init__(self, pid: int, interval: float = INTERVAL, keep: bool = False) -> None:
        super().__init__(name="tree-memory-sampler", daemon=True)
        self.pid = pid
        self.interval = interval
        self.keep = keep
        self.peak = Memory()
        self.samples: list[tuple[float, Memory]] = []
        self._halt = threading.Event()

    def run(self) -> None:
        """Sample every `interval` seconds (or less often, see `COST_SHARE`) until `stop`."""
        while not self._halt.is_set():
            started = time.thread_time()
            now = tree_memory(self.pid)
            cost = time.thread_time() - started
            if self.keep:
                self.samples.append((time.monotonic(), now))
            self.peak = Memory(
                max(self.peak.total, now.total), max(self.peak.anonymous, now.anonymous)
            )
            self._halt.wait(max(self.interval, cost / self.COST_SHARE))

    def stop(self) -> Memory:
        """Stop sampling; the peaks (each on its own)."""
        self._halt.set()
        self.join()
        return self.peak


@dataclass(frozen=True)
class ChildRun:
    """How one child process went.

    `peak_rss_bytes` is the largest single process of the tree (`ru_maxrss`
    from wait4, exact); `peak_tree` is the peak of the whole tree's summed
    memory (see `Memory`), sampled every 0.1 s or, for a large tree, as often as
    `TreeMemorySampler.COST_SHARE` allows, so it also counts workers.
    `cpu_seconds` is the user and system CPU time of the child and the children it
    waited for (from wait4).
    """

    returncode: int
    seconds: float
    peak_rss_bytes: int
    peak_tree: Memory
    stdout: str
    stderr: str
    cpu_seconds: float = 0.0

    @property
    def peak_memory_bytes(self) -> int:
        """The peak memory to hold against a target: the larger of the two."""
        return max(self.peak_rss_bytes, self.peak_tree.total)


def run_child(argv: Sequence[str], env: Mapping[str, str], workdir: Path) -> ChildRun:
    """Run `argv` to completion; wall time it and measure its peak memory.

    Output goes to files in `workdir` (not pipes) so that a chatty child never
    blocks and the parent never holds its output in memory while it runs.
    """
    out_path = workdir / "child.stdout"
    err_path = workdir / "child.stderr"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        started = time.perf_counter()
        child = subprocess.Popen(
            list(argv), stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=dict(env)
        )
        sampler = TreeMemorySampler(child.pid)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        tree_peak = sampler.stop()
    child.returncode = os.waitstatus_to_exitcode(status)
    stdout = out_path.read_text(encoding="utf-8", errors="replace")
    stderr = err_path.read_text(encoding="utf-8", errors="replace")
    out_path.unlink()
    err_path.unlink()
    # Linux reports ru_maxrss in KiB (macOS in bytes).
    scale = 1 if sys.platform == "darwin" else 1024
    return ChildRun(
        returncode=child.returncode,
        seconds=seconds,
        peak_rss_bytes=usage.ru_maxrss * scale,
        peak_tree=tree_peak,
        stdout=stdout,
        stderr=stderr,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
    )


# --- a served portal -------------------------------------------------------


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on (now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_up(url: str, server: subprocess.Popen[bytes], limit: float = 120) -> None:
    """Poll `url` until it answers 200; fail when `server` exits or `limit` seconds pass."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"ipcredit serve exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise BenchError(f"the server did not answer {url} within {limit:g} s")


def load_average() -> str:
    """The 1-minute load average, or `?` where the OS does not tell."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "?"


# --- RESULTS.md ------------------------------------------------------------

RESULTS_HEADER = """\
# Benchmark results

Figures appended by `python -m bench NAME [--records N]` (the harness in
`bench/`), newest last. Each section gives the date (UTC), the exact command,
the machine it ran on, and one row per figure: its value, unit, the target (if
any) and whether the target was met. Figures without a target are
informational. Sections are never edited after the fact: a missed target stays
recorded as missed; a new run adds a new section. `--no-record` prints the
figures (one JSON object per line on stdout) without appending them here.
"""


def _met_cell(met: bool | None) -> str:
    if met is None:
        return "—"
    return "yes" if met else "**no**"


def results_section(
    command: str,
    figures: Sequence[Figure],
    described: Mapping[str, str],
    notes: Sequence[str] = (),
    when: datetime | None = None,
) -> str:
    """One dated markdown section for RESULTS.md."""
    stamp = (when or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    bench = figures[0].bench if figures else "?"
    lines = [
        f"## {stamp} — {bench}",
        "",
        f"Command: `{command}`",
        "",
        "Machine: " + "; ".join(f"{key} {value}" for key, value in described.items()),
        "",
        "| figure | value | unit | target | met? |",
        "|---|---:|---|---|---|",
    ]
    for fig in figures:
        target = "—" if fig.target is None else str(fig.target)
        lines.append(
            f"| {fig.figure} | {_number(fig.value)} | {fig.unit} | {target} |"
            f" {_met_cell(fig.met)} |"
        )
    if notes:
        lines.append("")
        lines.extend(f"- {note}" for note in notes)
    return "\n".join(lines) + "\n"


def append_results(section: str, path: Path = RESULTS_PATH) -> None:
    """Append `section` to RESULTS.md, creating it with its header when missing."""
    if not path.exists() or not path.read_text(encoding="utf-8").strip():
        path.write_text(RESULTS_HEADER, encoding="utf-8")
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n" + section)
