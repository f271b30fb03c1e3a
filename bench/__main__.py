"""`python -m bench NAME [--records N] [--no-record]`.

`python -m bench soak [--minutes M] [--connections C]` sets the soak's length and load.

Exit status: 0 every target met; 4 finished but some target missed (the figures
are still printed and recorded); 1 the benchmark failed; 2 bad usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from functools import partial

from bench import engine, es, http, ingest, screen, screen_labels, soak, stats
from bench.harness import (
    BenchError,
    Figure,
    append_results,
    emit,
    load_average,
    machine,
    results_section,
)

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
    soak.NAME: (soak.run, soak.DEFAULT_RECORDS),
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
        "--minutes",
        type=float,
        default=None,
        help=f"soak: minutes of load (default {soak.DEFAULT_MINUTES:g})",
    )
    parser.add_argument(
        "--connections",
        type=int,
        default=None,
        help=f"soak: concurrent connections (default {soak.DEFAULT_CONNECTIONS})",
    )
    parser.add_argument(
        "--no-record", action="store_true", help="print the figures, do not append RESULTS.md"
    )
    return parser


def command_line(
    name: str,
    records: int,
    rows: int | None = None,
    minutes: float | None = None,
    connections: int | None = None,
) -> str:
    """The exact command that reproduces this run, as recorded in RESULTS.md."""
    rows_option = f" --rows {rows}" if rows is not None else ""
    minutes_option = f" --minutes {minutes:g}" if minutes is not None else ""
    connections_option = f" --connections {connections}" if connections is not None else ""
    return (
        f"python -m bench {name} --records {records}{rows_option}{minutes_option}"
        f"{connections_option}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run one benchmark, print its figures, record them unless told not to."""
    parser = _parser()
    args = parser.parse_args(argv)
    runner, default_records = BENCHMARKS[args.name]
    records: int = default_records if args.records is None else args.records
    minutes: float | None = None
    connections: int | None = None
    if args.name == soak.NAME:
        minutes = soak.DEFAULT_MINUTES if args.minutes is None else args.minutes
        connections = soak.DEFAULT_CONNECTIONS if args.connections is None else args.connections
        if minutes <= 0 or connections <= 0:
            parser.error("--minutes and --connections must be positive")
        runner = partial(soak.run, minutes=minutes, connections=connections)
    elif args.minutes is not None or args.connections is not None:
        parser.error("--minutes and --connections are options of the soak benchmark")
    described = machine()
    load_before = load_average()
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
        f"load average (1 min) before / after: {load_before} / {load_average()}"
        " (other work on the machine lengthens the times)",
    ]
    if not args.no_record:
        command = command_line(args.name, records, args.rows, minutes, connections)
        append_results(results_section(command, figures, described, notes))
    missed = [f.figure for f in figures if f.met is False]
    if missed:
        print(f"bench {args.name}: target missed: {', '.join(missed)}", file=sys.stderr)
        return EXIT_MISSED
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
