"""The day of the last `ipcredit purge`, kept in the data directory.

A purge removes from the engine the records that will never be published again on or
after that day; an answer for an earlier day could miss one of them, so such days are
refused until `ipcredit reindex` (which loads every record again) clears the mark.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from credit.search.errors import BadUserInput

FILE = "purged-on"


def mark(data_dir: Path, day: date) -> None:
    """Record that the engine was purged as of `day` (atomically)."""
    partial = data_dir / f".{FILE}.partial"
    partial.write_text(day.isoformat() + "\n", encoding="utf-8")
    os.replace(partial, data_dir / FILE)


def clear(data_dir: Path) -> None:
    """The engine holds every record again (after a rebuild)."""
    (data_dir / FILE).unlink(missing_ok=True)


def purged_on(data_dir: Path) -> date | None:
    """The day of the last purge since the last rebuild, if any."""
    try:
        return date.fromisoformat((data_dir / FILE).read_text(encoding="utf-8").strip())
    except (FileNotFoundError, ValueError):
        return None


def check_day(data_dir: Path, day: date) -> date:
    """`day`, unless the engine was purged after it: its answers could then miss records
    that were published that day."""
    purged = purged_on(data_dir)
    if purged is not None and day < purged:
        raise BadUserInput(
            f"搜索索引已于 {purged} 移除不再公示的记录，无法可靠回答 {day} 的公示状态："
            f"请查询 {purged} 或之后的日期，或先运行 ipcredit reindex 重建索引。"
        )
    return day
