"""What a serving process reads through: its settings, the engine, and the day it serves."""

from __future__ import annotations

import time
from datetime import date

from credit import clock
from credit.config import Settings
from credit.cores import usable_cores
from credit.screening.helper import ScreeningHelper
from credit.search.engine import SearchEngine
from credit.search.engines import open_reader
from credit.search.errors import EngineUnavailable
from credit.search.time_limit import DEFAULT_SECONDS, time_limited

DEMO_MARKER = "DEMO"
REOPEN_SECONDS = 1.0
VERSION_CACHE_SECONDS = 1.0


class Service:
    """Shared by the portal and the API; one per process.

    The engine is opened on first use. When it cannot be opened (no index yet, cluster
    unreachable) every read raises `EngineUnavailable`, and the next read after
    `REOPEN_SECONDS` tries again, so the process recovers by itself.

    On a machine of two cores or more, long screening lists are split with a helper
    process (`credit.screening.helper`) that opens the same engine from the same
    settings; not when the engine is given (a test's), nor in the helper itself.
    """

    def __init__(
        self,
        settings: Settings,
        engine: SearchEngine | None = None,
        *,
        time_limit: float = DEFAULT_SECONDS,
        screening_helper: bool = True,
    ) -> None:
        self.settings = settings
        self.time_limit = time_limit
        self._engine = engine
        self._failed_at = 0.0
        self._failure: EngineUnavailable | None = None
        self._version: tuple[float, int | None] = (0.0, None)
        splits = screening_helper and engine is None and usable_cores() > 1
        self.screening_helper = ScreeningHelper(settings, time_limit) if splits else None

    async def engine(self) -> SearchEngine:
        """The engine with a time limit on every read, or EngineUnavailable (a Chinese message)."""
        return time_limited(await self._opened(), self.time_limit)

    async def _opened(self) -> SearchEngine:
        if self._engine is not None:
            return self._engine
        if self._failure and time.monotonic() - self._failed_at < REOPEN_SECONDS:
            raise self._failure
        try:
            self._engine = open_reader(self.settings)
        except EngineUnavailable as failure:
            self._failure, self._failed_at = failure, time.monotonic()
            raise
        self._failure = None
        return self._engine

    async def recent_data_version(self) -> int | None:
        """The data version served, at most a second old (for logs); None while unavailable."""
        checked, version = self._version
        if time.monotonic() - checked >= VERSION_CACHE_SECONDS:
            try:
                version = await (await self.engine()).data_version()
            except EngineUnavailable:
                version = None
            self._version = (time.monotonic(), version)
        return version

    def today(self) -> date:
        """The day served: today in Asia/Shanghai (settable in tests through `credit.clock`)."""
        return clock.today()

    @property
    def is_demo(self) -> bool:
        """Serving the fictional demo data set (`ipcredit demo` marks its data directory)."""
        return (self.settings.data_dir / DEMO_MARKER).exists()

    async def close(self) -> None:
        if self.screening_helper is not None:
            self.screening_helper.close()
        if self._engine is not None:
            await self._engine.close()
            self._engine = None
