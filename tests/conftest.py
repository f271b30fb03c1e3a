"""Shared fixtures: the sample feeds, a data directory, and the CLI as a subprocess."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from credit import collector

FIXTURES = Path(__file__).parent / "fixtures"
PROJECT_ROOT = Path(__file__).parent.parent

RunCli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def samples(tmp_path: Path) -> Path:
    """A writable copy of the sample feeds (records.jsonl, cases.jsonl)."""
    target = tmp_path / "samples"
    target.mkdir()
    for source in (FIXTURES / "samples").iterdir():
        (target / source.name).write_bytes(source.read_bytes())
    return target


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "var"


def cli_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a CLI subprocess using `data_dir`."""
    env = {**os.environ, "IPCREDIT_DATA_DIR": str(data_dir), "PYTHONPATH": str(PROJECT_ROOT)}
    env.update(extra)
    return env


@pytest.fixture
def run_cli(data_dir: Path) -> RunCli:
    """Run `ipcredit ARGS...` in a subprocess with the test's data directory."""

    def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "indexer.cli", *map(str, args)],
            env=cli_env(data_dir),
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=300,
        )

    return run


RELAXED = (
    collector.YOUNG_COLLECTION_AFTER,
    collector.OLDER_COLLECTION_AFTER,
    collector.OLDER_COLLECTION_AFTER,
)
"""The collector's thresholds while relaxed (`credit.collector`)."""


@pytest.fixture
def usual() -> Iterator[tuple[int, int, int]]:
    """CPython's usual collector pace for the test, whatever an earlier test left."""
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    try:
        yield gc.get_threshold()
    finally:
        gc.set_threshold(*before)
