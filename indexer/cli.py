"""The `ipcredit` command (CONTRACT "CLI")."""

from __future__ import annotations

import argparse
import fcntl
import sqlite3
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from credit.config import Settings
from indexer.feeds import UnreadableFeed, estimate_lines
from indexer.ingest import IngestResult, ingest_feed
from indexer.progress import LineProgress
from indexer.store import Store

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_REJECTS = 3


class Failed(Exception):
    """A run that stopped with nothing half-applied; the message says why."""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    try:
        status: int = args.run(args, settings)
    except Failed as error:
        print(f"失败 (failed): {error}", file=sys.stderr)
        return EXIT_FAILED
    return status


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ipcredit", description="知识产权领域信用信息公示与查询 (ipcredit)"
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    index = commands.add_parser("index", help="校验并导入数据文件 (validate and apply feeds)")
    index.add_argument("feeds", nargs="+", type=Path, metavar="FEED")
    index.set_defaults(run=run_index)

    generate = commands.add_parser("generate", help="生成虚构的合成数据 (write a synthetic feed)")
    generate.add_argument("--records", type=int, required=True)
    generate.add_argument("--cases", type=int, default=0)
    generate.add_argument("--seed", type=int, default=0)
    generate.add_argument("--out", type=Path, required=True)
    generate.set_defaults(run=run_generate)
    return parser


@contextmanager
def _index_lock(data_dir: Path) -> Iterator[None]:
    """One `ipcredit index` at a time per data directory."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / "index.lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Failed("另一个导入任务正在运行 (another index run holds the lock)") from None
        yield


def run_index(args: argparse.Namespace, settings: Settings) -> int:
    """`ipcredit index FEED...`: apply each feed in order and report."""
    status = EXIT_OK
    with _index_lock(settings.data_dir):
        store = Store(settings.store_path)
        try:
            for feed in args.feeds:
                status = _worse(status, _index_one(store, feed))
        finally:
            store.close()
    return status


def _index_one(store: Store, feed: Path) -> int:
    try:
        with LineProgress(feed.name, estimate_lines(feed)) as progress:
            result = ingest_feed(store, feed, on_line=progress.advance_to)
    except UnreadableFeed as error:
        print(f"{feed}: {error}", file=sys.stderr)
        return EXIT_USAGE
    except (sqlite3.Error, OSError) as error:
        raise Failed(
            f"{feed}: {error}；已提交的批次保留，重新运行同一命令即可从中断处继续"
            " (committed batches are kept; run the same command again to resume)"
        ) from None
    _print_summary(result)
    return EXIT_REJECTS if result.counts.rejected else EXIT_OK


def _print_summary(result: IngestResult) -> None:
    counts = result.counts
    if result.resumed_after_line:
        print(f"{result.feed}: 从第 {result.resumed_after_line + 1} 行继续 (resumed)")
    print(
        f"{result.feed}: 应用 {counts.applied}，未变 {counts.unchanged}，"
        f"撤回 {counts.withdrawn}，拒绝 {counts.rejected}"
        f" (applied {counts.applied}, unchanged {counts.unchanged},"
        f" withdrawn {counts.withdrawn}, rejected {counts.rejected})"
    )
    if counts.blank:
        print(f"{result.feed}: 跳过空行 {counts.blank} (blank lines skipped)")
    if result.rejects_file:
        shown = "、".join(str(r.line_no) for r in result.rejects[:20])
        more = " 等" if len(result.rejects) > 20 else ""
        print(
            f"{result.feed}: 被拒绝的行 (rejected lines): 第 {shown}{more} 行，"
            f"详见 {result.rejects_file}"
        )
        for reject in result.rejects[:5]:
            print(f"  第 {reject.line_no} 行 {reject.message}", file=sys.stderr)
    print(f"数据版本 (data version): {result.data_version}")


def _worse(current: int, new: int) -> int:
    order = [EXIT_OK, EXIT_REJECTS, EXIT_USAGE, EXIT_FAILED]
    return max(current, new, key=order.index)


def run_generate(args: argparse.Namespace, settings: Settings) -> int:
    """`ipcredit generate`: write a fictional, deterministic feed."""
    from indexer.generate import write_feed

    if args.records < 0 or args.cases < 0:
        print("--records 和 --cases 不能为负数 (must not be negative)", file=sys.stderr)
        return EXIT_USAGE
    lines = write_feed(args.out, records=args.records, cases=args.cases, seed=args.seed)
    print(f"{args.out}: 已写入 {lines} 行 (lines written)")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
