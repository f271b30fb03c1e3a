"""Configuration from `IPCREDIT_` environment variables (CONTRACT "Configuration")."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """What a process of ipcredit is configured with."""

    data_dir: Path
    engine: str
    es_urls: tuple[str, ...]
    es_index_prefix: str
    rate_limit: str

    @property
    def store_path(self) -> Path:
        """The SQLite store of record."""
        return self.data_dir / "store.sqlite3"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        urls = env.get("IPCREDIT_ES_URL", "")
        return cls(
            data_dir=Path(env.get("IPCREDIT_DATA_DIR", "./var")),
            engine=env.get("IPCREDIT_ENGINE", "tantivy"),
            es_urls=tuple(u.strip() for u in urls.split(",") if u.strip()),
            es_index_prefix=env.get("IPCREDIT_ES_INDEX_PREFIX", "ipcredit"),
            rate_limit=env.get("IPCREDIT_RATE_LIMIT", "120/minute"),
        )
