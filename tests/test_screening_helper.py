"""Long lists split with the helper process: the same results, on every engine, and
screened here whenever the helper cannot answer."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from credit.config import Settings
from credit.screening.helper import ScreeningHelper, screen_list, wait_until_started
from credit.screening.matching import CHUNK_ROWS, Entry, RowResult, screen_rows
from credit.search.blocking import BlockingEngine
from credit.search.errors import EngineUnavailable
from credit.search.time_limit import DEFAULT_SECONDS
from tests.engines import ENGINES, build_engine
from tests.test_screening_matching import DAY, DISHONEST, LINES, LONG_CORE, SERIOUS

ROWS = [
    ("广州市恒远贸易有限公司", ""),  # serious, by name
    ("", SERIOUS["uscc"]),  # serious, by code
    ("广州市恒远商贸有限公司", ""),  # serious, by former name
    ("深圳市测试科技有限公司", DISHONEST["uscc"]),  # dishonest
    ("东莞市精工模具制造有限责任公司", ""),  # similar: review
    ("杭州市华美电子有限公司", ""),  # good credit only
    ("北京市从未公示过有限公司", ""),  # clear
    ("", "91440101MA59XKQK0Q"),  # invalid check character
    ("", ""),  # empty row
]
LIST = [Entry(str(n), *ROWS[n % len(ROWS)]) for n in range(CHUNK_ROWS * 2 + 500)]
LONG_LIST = [Entry(str(n), *ROWS[n % len(ROWS)]) for n in range(30_000)]
"""Its helper's half (about 700 KB) is larger than a pipe takes at once (about 200 KB on Linux):
sending it blocks until it is read."""
assert LONG_CORE in LINES


@pytest.fixture(scope="module", params=ENGINES)
def engine_and_settings(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[BlockingEngine, Settings]]:
    tmp: Path = tmp_path_factory.mktemp(f"helper-{request.param}")
    blocking = build_engine(request.param, LINES, tmp)
    settings = getattr(blocking.engine, "settings", None) or Settings.from_env(
        {"IPCREDIT_DATA_DIR": str(tmp / "data-tantivy")}
    )
    try:
        yield blocking, settings
    finally:
        blocking.close()


def screened_here(engine: BlockingEngine, entries: list[Entry]) -> list[RowResult]:
    """`entries` screened in this process only."""
    return engine.run(screen_rows(engine.engine, entries, day=DAY))


def screened_split(
    engine: BlockingEngine, entries: list[Entry], helper: ScreeningHelper
) -> list[RowResult]:
    """`entries` screened as the portal does, with `helper` when it can take them."""
    return engine.run(screen_list(engine.engine, entries, day=DAY, helper=helper))


@contextmanager
def running(settings: Settings, **options: float) -> Iterator[ScreeningHelper]:
    """A helper started and ready, stopped at the end."""
    helper = ScreeningHelper(settings, DEFAULT_SECONDS, **options)  # type: ignore[arg-type]
    try:
        yield wait_until_started(helper)
    finally:
        helper.close()


def test_a_list_split_with_the_helper_gets_the_results_of_one_process(
    engine_and_settings: tuple[BlockingEngine, Settings],
) -> None:
    engine, settings = engine_and_settings
    alone = screened_here(engine, LIST)
    with running(settings) as helper:
        split = screened_split(engine, LIST, helper)
        assert helper.parts_answered == 1
    assert split == alone
    verdicts = {result.verdict for result in split[CHUNK_ROWS:]}  # the helper's part
    assert verdicts == {"SERIOUS", "DISHONEST", "REVIEW", "CLEAR", "INVALID"}


def test_a_short_list_and_a_helper_not_started_yet_are_screened_here(
    engine_and_settings: tuple[BlockingEngine, Settings],
) -> None:
    engine, settings = engine_and_settings
    helper = ScreeningHelper(settings, DEFAULT_SECONDS, split_rows=len(LIST))
    try:
        short = LIST[:-1]
        screened_split(engine, short, helper)
        assert helper.parts_answered == 0
        screened_split(engine, LIST, helper)  # starts it
        assert helper.parts_answered == 0
        screened_split(engine, LIST, wait_until_started(helper))
        assert helper.parts_answered == 1
    finally:
        helper.close()


def test_a_helper_that_died_is_started_again_while_the_list_is_screened_here(
    engine_and_settings: tuple[BlockingEngine, Settings],
) -> None:
    engine, settings = engine_and_settings
    alone = screened_here(engine, LIST)
    with running(settings) as helper:
        died = helper.pid
        assert died is not None
        os.kill(died, signal.SIGKILL)
        os.waitpid(died, 0)
        assert screened_split(engine, LIST, helper) == alone
        assert helper.parts_answered == 0
        assert wait_until_started(helper).pid != died
        assert screened_split(engine, LIST, helper) == alone
        assert helper.parts_answered == 1


def test_a_helper_a_list_holds_is_not_started_again_under_it(
    engine_and_settings: tuple[BlockingEngine, Settings],
) -> None:
    """Another list meanwhile is screened here and leaves the helper alone: the list that
    holds it stops it when its exchange fails (a new one started under it was killed)."""
    _, settings = engine_and_settings
    with running(settings) as helper:
        assert helper.reserve()
        died = helper.pid
        assert died is not None
        os.kill(died, signal.SIGKILL)
        os.waitid(os.P_PID, died, os.WEXITED | os.WNOWAIT)  # ended, left for it to reap
        assert not helper.reserve() and not helper.available()
        assert helper.pid == died  # not replaced while held
        helper.release()
        assert wait_until_started(helper).pid != died


def test_a_helper_that_does_not_answer_in_time_is_stopped_and_its_part_screened_here(
    engine_and_settings: tuple[BlockingEngine, Settings],
) -> None:
    engine, settings = engine_and_settings
    alone = screened_here(engine, LONG_LIST)
    with running(settings, answer_seconds=0.5) as helper:
        stuck = helper.pid
        assert stuck is not None
        os.kill(stuck, signal.SIGSTOP)  # alive, and reads nothing: sending blocks
        started = time.monotonic()
        screened = screened_split(engine, LONG_LIST, helper)
        assert screened == alone
        assert time.monotonic() - started < 30
        assert helper.parts_answered == 0
        assert helper.pid is None  # stopped (killed), not left behind
        with pytest.raises(ProcessLookupError):
            os.kill(stuck, 0)


def test_two_lists_at_once_share_nothing(
    engine_and_settings: tuple[BlockingEngine, Settings],
) -> None:
    """The helper is taken by one list; the other is screened here alone."""
    engine, settings = engine_and_settings
    alone = screened_here(engine, LIST)
    other = [Entry(entry.ref, *ROWS[(int(entry.ref) + 3) % len(ROWS)]) for entry in LIST]
    other_alone = screened_here(engine, other)

    async def both(helper: ScreeningHelper) -> list[list[RowResult]]:
        return list(
            await asyncio.gather(
                screen_list(engine.engine, LIST, day=DAY, helper=helper),
                screen_list(engine.engine, other, day=DAY, helper=helper),
            )
        )

    with running(settings) as helper:
        assert engine.run(both(helper)) == [alone, other_alone]
        assert helper.parts_answered == 1
        assert helper.available()  # released


def test_an_engine_error_in_the_helper_reaches_the_caller(
    engine_and_settings: tuple[BlockingEngine, Settings], tmp_path: Path
) -> None:
    engine, _ = engine_and_settings
    nowhere = Settings.from_env({"IPCREDIT_DATA_DIR": str(tmp_path / "no-index")})
    with running(nowhere) as helper:
        with pytest.raises(EngineUnavailable):
            screened_split(engine, LIST, helper)
        assert helper.available()  # an engine error is an answer: the helper goes on


def test_an_idle_helper_ends(engine_and_settings: tuple[BlockingEngine, Settings]) -> None:
    _, settings = engine_and_settings
    with running(settings, idle_seconds=0.5) as helper:
        pid = helper.pid
        time.sleep(2.0)
        assert not helper.available()  # ended: started again
        assert wait_until_started(helper).pid != pid
