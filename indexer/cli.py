"""The `ipcredit` command (CONTRACT "CLI")."""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import sqlite3
import sys
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TextIO

from credit import clock, consistency
from credit.config import Settings
from credit.os_reasons import os_reason
from credit.search.engine import EngineWriter, SearchEngine
from credit.search.engines import open_reader, open_writer
from credit.search.errors import SearchError
from indexer import purged
from indexer.disk import WriteFailure, write_failure
from indexer.documents import DocumentBuilder
from indexer.feeds import UnreadableFeed, estimate_lines, open_binary
from indexer.follow import EngineFollower
from indexer.ingest import Checker, IngestResult, ingest_feed, rejects_path
from indexer.progress import LineProgress
from indexer.store import Store

if TYPE_CHECKING:
    from indexer.rebuild import Fill

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_REJECTS = 3


class Failed(Exception):
    """A run that stopped with nothing half-applied; the message says why."""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = _parser().parse_args(argv)
    settings = Settings.from_env()
    try:
        status: int = args.run(args, settings)
    except Failed as error:
        print(f"失败 (failed): {error}", file=sys.stderr)
        return EXIT_FAILED
    except SearchError as error:
        print(error.message, file=sys.stderr)
        return EXIT_USAGE if error.code != "ENGINE_UNAVAILABLE" else EXIT_FAILED
    except BrokenPipeError:  # `ipcredit search … | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    return status


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("日期格式应为 YYYY-MM-DD") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ipcredit", description="知识产权领域信用信息公示与查询 (ipcredit)"
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    index = commands.add_parser("index", help="校验并导入数据文件 (validate and apply feeds)")
    index.add_argument("feeds", nargs="+", type=Path, metavar="FEED")
    index.add_argument(
        "--defer-engine",
        action="store_true",
        help="只写入存储，搜索索引在下次 index 或 reindex 时补齐 (bulk loads: store only)",
    )
    index.set_defaults(run=run_index)

    for name, help_text in (("search", "检索公示信息 (search)"), ("show", "查看一条记录 (show)")):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("query" if name == "search" else "record_id")
        command.add_argument("--as-of", type=_day, help="按该日期的公示状态查询 (YYYY-MM-DD)")
        command.add_argument("--json", action="store_true", help="输出 JSON")
        if name == "search":
            command.add_argument("--size", type=int, default=20)
        command.set_defaults(run=run_search if name == "search" else run_show)

    reindex = commands.add_parser("reindex", help="从存储重建搜索索引 (rebuild the engine)")
    reindex.set_defaults(run=run_reindex)
    purge = commands.add_parser("purge", help="移除不会再公示的记录 (purge the engine)")
    purge.set_defaults(run=run_purge)

    generate = commands.add_parser("generate", help="生成虚构的合成数据 (write a synthetic feed)")
    generate.add_argument("--records", type=int, required=True)
    generate.add_argument("--cases", type=int, default=0)
    generate.add_argument("--seed", type=int, default=0)
    generate.add_argument("--out", type=Path, required=True)
    generate.set_defaults(run=run_generate)

    serve = commands.add_parser("serve", help="启动门户网站与 API (serve the portal and API)")
    _serving_options(serve)
    serve.set_defaults(run=run_serve)

    demo = commands.add_parser(
        "demo", help="生成并导入演示数据，然后启动门户 (build and serve the demo)"
    )
    _serving_options(demo)
    demo.add_argument(
        "--no-serve", action="store_true", help="只生成并导入，不启动服务 (build only)"
    )
    demo.set_defaults(run=run_demo)
    _screening_commands(commands)
    return parser


def _screening_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    screen = commands.add_parser(
        "screen", help="核查展商名单，输出签名报告 (screen a CSV/XLSX list of exhibitors)"
    )
    screen.add_argument("file", type=Path, metavar="FILE", help="CSV、XLSX 或每行一个名称的 .txt")
    screen.add_argument(
        "--out",
        type=Path,
        metavar="REPORT",
        help="报告文件（.xlsx 为 Excel，其他为 CSV）；不指定时 CSV 写到标准输出",
    )
    screen.add_argument("--name-column", help="名称列（表头文字、列号或列字母）")
    screen.add_argument("--uscc-column", help="统一社会信用代码列（表头文字、列号或列字母）")
    screen.add_argument("--as-of", type=_day, help="按该日期的公示状态核查 (YYYY-MM-DD)")
    screen.set_defaults(run=run_screen)
    verify = commands.add_parser(
        "verify-report", help="核验筛查报告是否真实、未被修改 (verify a screening report)"
    )
    verify.add_argument("report", type=Path, metavar="REPORT")
    verify.add_argument(
        "--key", type=Path, metavar="PUBLIC_KEY", help="公布的公钥 PEM 文件；默认用本数据目录的密钥"
    )
    verify.set_defaults(run=run_verify_report)


def _serving_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--host", default="127.0.0.1", help="监听地址 (default 127.0.0.1)")
    command.add_argument("--port", type=int, default=8000, help="端口 (default 8000)")
    command.add_argument(
        "--workers", type=int, default=1, help="工作进程数 (uvicorn workers, default 1)"
    )


@contextmanager
def _index_lock(data_dir: Path) -> Iterator[None]:
    """One writer (index, reindex, purge) at a time per data directory. The holder writes its
    process id in the lock file: `ipcredit serve` and `/healthz` read it to tell an engine
    trailing a running indexer from one left behind."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / consistency.LOCK_FILE).open("a+", encoding="ascii") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Failed("另一个导入或重建任务正在运行 (another writer holds the lock)") from None
        _note_holder(handle, f"{os.getpid()}\n")
        try:
            yield
        finally:
            _note_holder(handle, "")


def _note_holder(handle: TextIO, text: str) -> None:
    with suppress(OSError):  # a full disk must not stop the run over a note
        handle.seek(0)
        handle.truncate()
        handle.write(text)
        handle.flush()


STORE_STEP = "写入存储（store.sqlite3）"
ENGINE_STEP = "更新搜索索引"
REBUILD_STEP = "重建搜索索引"


class WriteFailed(Exception):
    """A write that failed (for lack of space, or on the disk), and the step it was in."""

    def __init__(self, step: str, failure: WriteFailure) -> None:
        super().__init__(f"{step}: {failure.cause}")
        self.step = step
        self.failure = failure

    def headline(self) -> str:
        kind = "磁盘空间不足" if self.failure.no_space else "磁盘写入失败"
        return f"{kind}：{self.step}时失败，原因：{self.failure.cause}。"

    def advice(self, command: str) -> str:
        free = "释放磁盘空间" if self.failure.no_space else "检查磁盘"
        return f"请{free}后重新运行{' ' if command.isascii() else ''}{command}"


@contextmanager
def _step(name: str, data_dir: Path) -> Iterator[None]:
    """Turn a write that failed while doing `name` into `WriteFailed`; other errors pass."""
    try:
        yield
    except (Failed, WriteFailed):
        raise
    except Exception as error:
        failure = write_failure(error, data_dir)
        if failure is None:
            raise
        raise WriteFailed(name, failure) from error


@dataclass(frozen=True)
class _Versions:
    store: int
    engine: int


def run_index(args: argparse.Namespace, settings: Settings) -> int:
    """`ipcredit index FEED...`: apply each feed in order, keeping the engine in step.

    A write that fails (a full disk) stops the run with exit status 1 and a message saying
    which step failed and what the store and the engine hold: committed batches are whole,
    the failed one left nothing, and running the same command again resumes.
    """
    with _index_lock(settings.data_dir):
        try:
            with _step(STORE_STEP, settings.data_dir):
                store = Store(settings.store_path)
        except WriteFailed as failed:
            raise Failed(
                f"{failed.headline()}没有写入任何数据。{failed.advice('同一命令')}"
                " (disk full: nothing was written; free space and run it again)。"
            ) from None
        try:
            return _index_feeds(args, settings, store)
        finally:
            store.close()


def _index_feeds(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    if not args.defer_engine and not store.data_version:
        return _first_load(args, settings, store)
    data_dir = settings.data_dir
    with DocumentBuilder(bodies_masked=store.bodies_masked) as builder:
        if not args.defer_engine:
            _repair_engine(store, settings, builder)
        writer = open_writer(settings)
        failing = False
        try:
            follower = EngineFollower(store, writer, builder)
            before = _Versions(store.data_version, writer.synced_version())
            try:
                behind = before.store - before.engine
                if behind > 0 and not args.defer_engine:
                    print(
                        f"搜索索引落后于存储 {behind} 个数据版本，正在补齐"
                        " (the engine is behind the store; catching up)",
                        file=sys.stderr,
                    )
                    with _step(ENGINE_STEP, data_dir):
                        follower.catch_up()
                after_batch = None if args.defer_engine else _in_step(follower, data_dir)
                status = _index_each(store, args.feeds, after_batch, builder.check_later, data_dir)
                with _step(ENGINE_STEP, data_dir):
                    follower.finish()
            except WriteFailed as failed:
                failing = True
                with suppress(Exception):  # what the store committed reaches the engine, if it can
                    follower.finish()
                raise Failed(_index_failure(failed, store, writer, before)) from None
            except BaseException:
                follower.finish()
                raise
        finally:
            if failing:  # its threads report the failed write again: known already
                with suppress(Exception):
                    writer.close()
            else:
                writer.close()
    if args.defer_engine:
        print(
            "搜索索引尚未更新：请运行 ipcredit reindex"
            " (the engine was not updated; run ipcredit reindex)"
        )
    return status


def _first_load(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    """Feeds into an empty store: a new engine is built alongside, as `ipcredit reindex`
    builds one — one commit at the end and one segment, where a commit per batch made the
    engine merge its segments again and again — and switched to when the feeds are in.
    The workers segment batch N while this process stores batch N+1. A run that stops
    meanwhile leaves the store at a batch boundary and no new engine: the next run
    rebuilds the engine from the store, then goes on. An engine that holds data already
    is refused, not replaced: the store may have been lost."""
    _refuse_an_engine_ahead_of_an_empty_store(settings)
    unopenable = _unopenable(args.feeds)
    if len(unopenable) == len(args.feeds):  # nothing to load: no engine is built for it
        for feed, problem in unopenable:
            print(f"{feed}: {problem}", file=sys.stderr)
        return EXIT_USAGE
    print(
        "首次导入：写入存储的同时建立新的搜索索引，全部导入后一次启用，此前无法检索"
        " (first load: a new engine built alongside, switched to at the end)",
        file=sys.stderr,
    )
    status = EXIT_OK
    with DocumentBuilder(bodies_masked=store.bodies_masked) as builder:

        def fill(writer: EngineWriter) -> int:
            nonlocal status
            follower = EngineFollower(store, writer, builder, commit_each_batch=False)
            after_batch = _in_step(follower, settings.data_dir)
            status = _index_each(
                store, args.feeds, after_batch, builder.check_later, settings.data_dir
            )
            with _step(ENGINE_STEP, settings.data_dir):
                follower.finish()
                print("正在提交搜索索引 (committing the engine)", file=sys.stderr)
                writer.apply(
                    records=[],
                    removed_records=[],
                    cases=[],
                    removed_cases=[],
                    version=store.data_version,
                )
            return store.count_records()

        try:
            written = _rebuild(store, settings, builder, fill=fill)
        except WriteFailed as failed:
            message = _first_load_failure(failed.headline(), failed.step, store)
            raise Failed(f"{message}{failed.advice('同一命令')}{_FIRST_LOAD_AGAIN}") from None
        except SearchError as error:
            message = _first_load_failure(f"搜索引擎出错：{error.message}。", ENGINE_STEP, store)
            raise Failed(f"{message}请排除故障后重新运行同一命令{_FIRST_LOAD_AGAIN}") from None
        except Failed as failed:  # the store refused a batch, not for lack of space
            raise Failed(f"{failed}首次导入没有完成，{_DROPPED}{_FIRST_LOAD_AGAIN}") from None
    print(f"搜索索引已建成：{written} 条记录，数据版本 {store.data_version}。", file=sys.stderr)
    return status


_DROPPED = "新建的搜索索引已删除，网站在重新运行完成前无法检索这些数据"
_FIRST_LOAD_AGAIN = (
    "：会先从存储建立搜索索引，再从中断处继续，结果与一次不中断的运行相同"
    " (the first load stopped; the store keeps its committed batches, the new engine was"
    " dropped; run the same command again)。"
)


def _unopenable(feeds: Sequence[Path]) -> list[tuple[Path, UnreadableFeed]]:
    """The feeds that cannot even be opened, each with why."""
    problems = []
    for feed in feeds:
        try:
            open_binary(feed).close()
        except UnreadableFeed as error:
            problems.append((feed, error))
    return problems


def _refuse_an_engine_ahead_of_an_empty_store(settings: Settings) -> None:
    """An engine with data beside an empty store: the store was deleted, or the data
    directory is new and the engine (an Elasticsearch prefix) another's. A first load
    would replace it; refused, as `ipcredit index` refuses an engine ahead of the store."""
    version, _ = consistency.engine_version(settings)
    if version:
        raise Failed(
            f"搜索索引比存储新：索引为数据版本 {version}，存储为空，存储可能被删除或替换，"
            "也可能是另一个数据目录的索引；本次没有导入任何数据。确要以存储为准时，请先运行"
            " ipcredit reindex（按空存储重建搜索索引），再导入"
            " (the engine holds data but the store is empty; nothing was imported)。"
        )


def _first_load_failure(headline: str, step: str, store: Store) -> str:
    """What a first load that stopped left: the store at a batch boundary (or whole, with
    only a rejects report missing), and no new engine."""
    try:
        version: int | None = store.data_version
    except Exception:  # the disk may refuse even reading; the promise below still holds
        version = None
    stored = f"（数据版本 {version}）" if version else ""
    if version == 0:
        state = "本次运行没有改变任何数据：存储仍为空，新建的搜索索引已删除。"
    elif step.startswith("写入拒绝报告"):
        state = f"各行已全部处理并写入存储，只有拒绝报告没有写出；{_DROPPED}。"
    elif step in (ENGINE_STEP, REBUILD_STEP):  # after a batch was stored, or all of them
        state = f"已读入的批次均已完整写入存储{stored}；{_DROPPED}。"
    else:
        state = f"出错前的批次已完整写入存储{stored}，出错的批次没有写入任何内容；{_DROPPED}。"
    return f"{headline}首次导入没有完成：{state}"


def _rebuild(
    store: Store, settings: Settings, builder: DocumentBuilder, *, fill: Fill | None = None
) -> int:
    """`ipcredit reindex`'s rebuild, with its progress (or as `fill` writes the engine);
    return how many records."""
    from indexer.rebuild import reindex

    with _step(REBUILD_STEP, settings.data_dir):
        if fill is not None:
            written = reindex(store, settings, builder, fill=fill)
        else:
            with LineProgress("重建索引", store.count_records()) as bar:
                written = reindex(store, settings, builder, bar.advance_to)
    builder.stop_workers()  # forked during the rebuild, they hold the new index's lock
    purged.clear(settings.data_dir)  # the engine holds every record again
    return written


def _in_step(follower: EngineFollower, data_dir: Path) -> Callable[[], None]:
    def after_batch() -> None:
        with _step(ENGINE_STEP, data_dir):
            follower.after_batch()

    return after_batch


def _repair_engine(store: Store, settings: Settings, builder: DocumentBuilder) -> None:
    """Before a run: rebuild a missing engine from the store; refuse one ahead of the store.
    (An engine behind the store is caught up by the run itself.)"""
    version = store.data_version
    if not version:
        return
    state = consistency.inspect(settings, store=version)
    if state.problem == "engine_ahead":
        raise Failed(state.message or "")
    if state.problem != "engine_missing":
        return
    print(
        f"{state.finding}正在从存储重建搜索索引（同 ipcredit reindex）"
        " (the engine is missing; rebuilding it from the store)",
        file=sys.stderr,
    )
    try:
        written = _rebuild(store, settings, builder)
    except WriteFailed as failed:
        raise Failed(
            f"{failed.headline()}搜索索引仍然缺失，存储未改变，本次没有导入任何数据。"
            f"{failed.advice('同一命令')} (disk full while rebuilding the missing engine)。"
        ) from None
    print(f"搜索索引已重建：{written} 条记录，数据版本 {version}。", file=sys.stderr)


def _index_failure(
    failed: WriteFailed, store: Store, writer: EngineWriter, before: _Versions
) -> str:
    """What a failed write left: the store at a batch boundary, the engine with it or behind."""
    try:
        now = _Versions(store.data_version, writer.synced_version())
    except Exception:  # the disk may refuse even reading; the promise below still holds
        now = None
    behind = (
        f"搜索索引（数据版本 {now.engine}）落后于存储（{now.store}），"
        "下次运行 ipcredit index 会先补齐。"
        if now is not None and now.engine != now.store
        else ""
    )
    if failed.step.startswith("写入拒绝报告"):
        state = (
            "该文件的各行已全部处理并提交，只有拒绝报告没有写出（没有留下写了一半的文件）；"
            f"重新运行同一命令会再次生成拒绝报告。{behind}"
        )
    elif now == before:
        state = "本次运行没有改变任何数据：存储和搜索索引都与运行前相同。"
    elif now is None:
        state = "已提交的批次完整保留，出错的批次没有写入任何内容。"
    else:
        state = ""
        if now.store != before.store:
            state = (
                f"出错前已完整提交的批次保留（存储数据版本 {before.store} → {now.store}），"
                "出错的批次没有写入任何内容；"
            )
        state += behind or "搜索索引与存储一致。"
    return (
        f"{failed.headline()}{state}{failed.advice('同一命令')}：会从中断处继续，"
        "结果与一次不中断的运行相同 (a write failed; nothing was half-applied;"
        " run the same command again to resume)。"
    )


def _index_each(
    store: Store,
    feeds: Sequence[Path],
    after_batch: Callable[[], object] | None,
    check: Checker,
    data_dir: Path,
) -> int:
    """Apply each feed in order; the worst of their exit statuses."""
    status = EXIT_OK
    for feed in feeds:
        status = _worse(status, _index_one(store, feed, after_batch, check, data_dir))
    return status


def _index_one(
    store: Store,
    feed: Path,
    after_batch: Callable[[], object] | None,
    check: Checker,
    data_dir: Path,
) -> int:
    try:
        with LineProgress(feed.name, estimate_lines(feed)) as progress:
            result = ingest_feed(
                store,
                feed,
                on_line=progress.advance_to,
                after_batch=after_batch,
                check=check,
            )
    except UnreadableFeed as error:
        print(f"{feed}: {error}", file=sys.stderr)
        return EXIT_USAGE
    except (Failed, WriteFailed):
        raise
    except (sqlite3.Error, OSError, ValueError) as error:
        failure = write_failure(error, data_dir)
        if failure is not None:
            rejects = rejects_path(feed)
            writing_rejects = isinstance(error, OSError) and rejects.name in str(error.filename)
            step = f"写入拒绝报告（{rejects.name}）" if writing_rejects else STORE_STEP
            raise WriteFailed(step, failure) from error
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


def run_search(args: argparse.Namespace, settings: Settings) -> int:
    """`ipcredit search QUERY [--as-of DATE] [--json]`."""
    from indexer.lookup import print_search

    day = purged.check_day(settings.data_dir, args.as_of or clock.today())
    return _with_reader(
        settings, lambda engine: print_search(engine, args.query, day, args.json, args.size)
    )


def run_show(args: argparse.Namespace, settings: Settings) -> int:
    """`ipcredit show RECORD_ID [--as-of DATE] [--json]`."""
    from indexer.lookup import print_record

    day = purged.check_day(settings.data_dir, args.as_of or clock.today())
    return _with_reader(
        settings, lambda engine: print_record(engine, args.record_id, day, args.json)
    )


def _with_reader(settings: Settings, read: Callable[[SearchEngine], Awaitable[int]]) -> int:
    """Open the configured engine, run one read on it, close it; returns the exit status."""

    async def run() -> int:
        engine = open_reader(settings)
        try:
            return await read(engine)
        finally:
            await engine.close()

    return asyncio.run(run())


def run_reindex(args: argparse.Namespace, settings: Settings) -> int:
    """`ipcredit reindex`: rebuild the engine from the store of record."""
    with _index_lock(settings.data_dir):
        store = Store(settings.store_path)
        try:
            _mask_store(store, settings.data_dir)
            with DocumentBuilder(bodies_masked=store.bodies_masked) as builder:
                written = _rebuild(store, settings, builder)
            version = store.data_version
        except WriteFailed as failed:
            raise Failed(
                f"{failed.headline()}重建没有生效：未完成的新索引已删除，正在服务的搜索索引"
                f"和存储都与运行前相同。{failed.advice('ipcredit reindex')}"
                " (disk full: the rebuild was dropped, the serving engine is unchanged)。"
            ) from None
        finally:
            store.close()
    print(f"索引已重建：{written} 条记录，数据版本 {version} (engine rebuilt from the store)")
    return EXIT_OK


def _mask_store(store: Store, data_dir: Path) -> None:
    """The store's one-time masking (`Store.mask_personal_numbers`), before a rebuild."""
    try:
        with _step(STORE_STEP, data_dir):
            masked = store.mask_personal_numbers()
    except WriteFailed as failed:
        raise Failed(
            f"{failed.headline()}存储中旧版本未遮盖的个人号码没有全部遮盖（重写存储文件需要"
            f"与存储同样大的空闲空间），索引没有重建，正在服务的搜索索引与运行前相同。"
            f"{failed.advice('ipcredit reindex')}"
            " (disk full: masking unfinished, nothing rebuilt)。"
        ) from None
    if masked:
        print(
            f"存储中 {masked} 条记录或拒收行里旧版本未遮盖的个人号码已遮盖"
            f" (personal numbers masked in {masked} stored rows)"
        )


def run_purge(args: argparse.Namespace, settings: Settings) -> int:
    """`ipcredit purge`: drop from the engine what will never be published again."""
    with _index_lock(settings.data_dir):
        writer = open_writer(settings)
        try:
            with _step("从搜索索引移除记录", settings.data_dir):
                today = clock.today()
                purged.mark(settings.data_dir, today)  # first: a purge cut short still counts
                removed = writer.purge(day=today)
        except WriteFailed as failed:
            with suppress(Exception):  # its threads report the failed write again
                writer.close()
            raise Failed(
                f"{failed.headline()}没有移除任何记录，搜索索引与运行前相同。"
                f"{failed.advice('ipcredit purge')} (disk full: nothing was purged)。"
            ) from None
        writer.close()
    print(f"已从搜索索引移除 {removed} 条不再公示的记录（存储中保留以备审计）。")
    return EXIT_OK


def run_generate(args: argparse.Namespace, settings: Settings) -> int:
    """`ipcredit generate`: write a fictional, deterministic feed."""
    from indexer.generate import write_feed

    if args.records < 0 or args.cases < 0:
        print("--records 和 --cases 不能为负数 (must not be negative)", file=sys.stderr)
        return EXIT_USAGE
    lines = write_feed(args.out, records=args.records, cases=args.cases, seed=args.seed)
    print(f"{args.out}: 已写入 {lines} 行 (lines written)")
    return EXIT_OK


def run_demo(args: argparse.Namespace, settings: Settings) -> int:
    """`ipcredit demo`: generate the fictional demo data set and index it."""
    from indexer.demo import build_demo

    feed = build_demo(settings.data_dir)
    status = main(["index", str(feed)])
    if status not in (EXIT_OK, EXIT_REJECTS):
        return status
    print()
    print("演示数据已导入（全部为虚构数据）。")
    print(f"数据目录：{settings.data_dir}（由 IPCREDIT_DATA_DIR 设置）")
    if args.no_serve:
        print("启动门户：ipcredit serve；在命令行检索：ipcredit search 有限公司")
        return EXIT_OK
    return run_serve(args, settings)


def run_serve(args: argparse.Namespace, settings: Settings) -> int:
    """`ipcredit serve`: the portal and the API under uvicorn."""
    import uvicorn

    _warn_if_out_of_step(settings)
    print(f"门户地址 (portal)：http://{args.host}:{args.port}/  （Ctrl+C 停止）", flush=True)
    uvicorn.run(
        "portal.app:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        access_log=False,
        log_level="warning",
    )
    return EXIT_OK


def _warn_if_out_of_step(settings: Settings) -> None:
    """At start: say on stderr when the engine is missing, or out of step with the store."""
    try:
        state = consistency.inspect(settings)
    except SearchError as error:  # the cluster cannot be asked now; the portal retries
        print(f"警告 (warning)：{error.message}", file=sys.stderr, flush=True)
        return
    if state.message:
        print(f"警告 (warning)：{state.message}", file=sys.stderr, flush=True)
    elif state.engine_version is None:
        print(
            f"警告 (warning)：{state.missing}，尚无可检索的数据。请先运行 ipcredit index 导入数据"
            " (no search engine yet; run ipcredit index)。",
            file=sys.stderr,
            flush=True,
        )


def run_screen(args: argparse.Namespace, settings: Settings) -> int:
    """`ipcredit screen FILE [--out REPORT]`: every row, streamed, into a signed report."""
    from credit.screening.batch import report_format, screen_file
    from credit.screening.inputs import InputProblem
    from credit.screening.matching import VERDICT_LABELS
    from credit.screening.signing import load_or_create_key

    day = purged.check_day(settings.data_dir, args.as_of or clock.today())
    key = load_or_create_key(settings.data_dir)
    kind = report_format(args.out)
    temporary = None if args.out is None else args.out.with_name(f".{args.out.name}.partial")

    async def run(engine: SearchEngine) -> int:
        with LineProgress("核查", None) as progress:
            if temporary is None:
                return await _screen_to(engine, sys.stdout.buffer, progress.advance_to)
            if kind == "xlsx":
                return await _screen_to(engine, temporary, progress.advance_to)
            with temporary.open("wb") as out:
                return await _screen_to(engine, out, progress.advance_to)

    async def _screen_to(
        engine: SearchEngine, out: BinaryIO | Path, on_row: Callable[[int], None]
    ) -> int:
        info, counts = await screen_file(
            engine,
            args.file,
            out,
            key=key,
            day=day,
            report=kind,
            name_column=args.name_column,
            uscc_column=args.uscc_column,
            on_row=on_row,
            on_note=lambda note: print(note, file=sys.stderr),
        )
        shown = "，".join(f"{VERDICT_LABELS[v]} {n}" for v, n in counts.items())
        print(
            f"已核查 {sum(counts.values())} 行：{shown}。报告编号 {info.report_id}，"
            f"公示日期 {info.as_of}，数据版本 {info.data_version}。",
            file=sys.stderr,
        )
        return EXIT_OK

    try:
        status = _with_reader(settings, run)
    except BaseException as error:
        if temporary is not None:
            temporary.unlink(missing_ok=True)  # nothing half-written is left behind
        failure = write_failure(error, settings.data_dir) if isinstance(error, OSError) else None
        if failure is not None:
            problem = "磁盘空间不足" if failure.no_space else "磁盘写入失败"
            print(
                f"{problem}：写入筛查报告时失败，原因：{failure.cause}。没有留下不完整的报告文件；"
                "请释放磁盘空间后重新运行 (a write failed; no partial report was left)。",
                file=sys.stderr,
            )
            return EXIT_FAILED
        if not isinstance(error, InputProblem):
            raise
        print(f"{args.file}: {error.message}", file=sys.stderr)
        return EXIT_USAGE
    if temporary is not None and args.out is not None:
        temporary.replace(args.out)
        print(f"报告已写入 (report written): {args.out}", file=sys.stderr)
    return status


def run_verify_report(args: argparse.Namespace, settings: Settings) -> int:
    """`ipcredit verify-report REPORT [--key PUBLIC_KEY]`: genuine and unmodified?"""
    from credit.screening.signing import PUBLIC_KEY_FILE, load_public_key, verify_report

    key_path = args.key or settings.data_dir / PUBLIC_KEY_FILE
    try:
        public_key = load_public_key(key_path.read_bytes())
        data = args.report.read_bytes()
    except OSError as error:
        print(f"无法读取 {error.filename}：{os_reason(error)}", file=sys.stderr)
        return EXIT_USAGE
    except ValueError:
        print(f"{key_path} 不是 Ed25519 公钥 (not an Ed25519 public key)", file=sys.stderr)
        return EXIT_USAGE
    verification = verify_report(data, public_key)
    print(verification.message)
    return EXIT_OK if verification.genuine else EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
