"""The purge mark: days before the last purge are refused until a rebuild clears it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from credit.search.errors import BadUserInput
from indexer import purged


def test_days_before_the_last_purge_are_refused_until_cleared(tmp_path: Path) -> None:
    day = date(2026, 12, 5)
    assert purged.purged_on(tmp_path) is None
    assert purged.check_day(tmp_path, date(2020, 1, 1)) == date(2020, 1, 1)
    purged.mark(tmp_path, day)
    assert purged.purged_on(tmp_path) == day
    assert purged.check_day(tmp_path, day) == day
    with pytest.raises(BadUserInput, match="2026-12-05 移除不再公示的记录"):
        purged.check_day(tmp_path, date(2026, 12, 4))
    purged.clear(tmp_path)
    assert purged.check_day(tmp_path, date(2026, 12, 4)) == date(2026, 12, 4)
    assert not list(tmp_path.iterdir())
