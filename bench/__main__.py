"""`python -m bench NAME [--records N] [--no-record]`.

Exit status: 0 every target met; 4 finished but some target missed (the figures
are still printed and recorded); 1 the benchmark failed; 2 bad usage.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from bench import engine, es, http, ingest, screen, screen_labels, stats
from bench.harness import BenchError, Figure, append_results, emit, machine, results_section

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_MISSED = 4

Runner = Callable[[int], tuple[list[Figure], list[str]]]

BENCHMARKS: dict[str, tuple[Runner, int]] = {
    ingest.NAME: (ingest.run, ingest.DEFAULT_RECORDS),
    engine.NAME: (engine.run, engine.DEFAULT_RECORDS),
    http.NAME: (http.run, http.DEFAULT_RECORDS),
    es.NAME: (es.run, es.DEFAULT_RECORDS),
    stats.NAME: (stats.run, stats.DEFAULT_RECORDS),
    screen.NAME: (screen.run, screen.DEFAULT_RECORDS),
    screen_labels.NAME: (screen_labels.run, screen_labels.DEFAULT_RECORDS),
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("name", choices=sorted(BENCHMARKS), help="which benchmark")
    parser.add_argument(
        "--rows", type=int, default=None, help="screen: rows per upload (default 10,000)"
    )
    parser.add_argument(
        "--records", type=int, default=None, help="records to generate (default: the target's)"
    )
    parser.add_argument(
        "--no-record", action="store_true", help="print the figures, do not append RESULTS.md"
    )
    return parser


def _load() -> str:
    """The 1-minute load average, or `?` where the OS does not tell."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "?"


def command_line(name: str, records: int, rows: int | None = None) -> str:
    """The exact command that reproduces this run, as recorded in RESULTS.md."""
    rows_option = f" --rows {rows}" if rows is not None else ""
    return f"python -m bench {name} --records {records}{rows_option}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run one benchmark, print its figures, record them unless told not to."""
    args = _parser().parse_args(argv)
    runner, default_records = BENCHMARKS[args.name]
    records: int = default_records if args.records is None else args.records
    described = machine()
    load_before = _load()
    if args.rows is not None:
        screen.ROWS = args.rows
    try:
        figures, notes = runner(records)
    except BenchError as error:
        for figure in error.partial:
            emit(figure)
        print(f"bench {args.name} failed (nothing recorded): {error}", file=sys.stderr)
        return EXIT_FAILED
    for figure in figures:
        emit(figure)
    notes = [
        *notes,
        f"load average (1 min) before / after: {load_before} / {_load()}"
        " (other work on the machine lengthens the times)",
    ]
    if not args.no_record:
        command = command_line(args.name, records, args.rows)
        append_results(results_section(command, figures, described, notes))
    missed = [f.figure for f in figures if f.met is False]
    if missed:
        print(f"bench {args.name}: target missed: {', '.join(missed)}", file=sys.stderr)
        return EXIT_MISSED
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
