"""Writes that failed for lack of space: telling them from other failures, in Chinese.

A full disk (ENOSPC), a spent quota (EDQUOT) and the per-file size limit (EFBIG) reach
the indexer in three forms: an `OSError` (files it writes itself), a `sqlite3.Error`
(the store: SQLite reports ENOSPC as SQLITE_FULL, the other two only as an I/O error on
write, so that one is checked against the file-size limit and the free space), and the
message of a tantivy error (`… (os error 28)`, or only "an index writer was killed" when
an indexing thread died on the write; then the free space and the size limit tell).
"""

from __future__ import annotations

import errno
import os
import re
import resource
import sqlite3
from dataclasses import dataclass
from pathlib import Path

SQLITE_FULL = 13
SQLITE_IOERR = 10
NEARLY_FULL_BYTES = 1024 * 1024
CAUSES = {
    errno.ENOSPC: "磁盘已满（No space left on device）",
    errno.EDQUOT: "超出磁盘配额（Disk quota exceeded）",
    errno.EFBIG: "文件超过允许的大小上限（File too large）",
}
_OS_ERROR = re.compile(r"os error (\d+)")
_STORE_FILES = ("store.sqlite3", "store.sqlite3-wal", "store.sqlite3-journal")
_TANTIVY_IO = re.compile(r"io::Error|IoError|index writer was killed|Worker thread failed")


@dataclass(frozen=True)
class WriteFailure:
    """Why a write failed: `no_space` when for lack of space, and the cause in Chinese."""

    no_space: bool
    cause: str


def write_failure(error: BaseException, data_dir: Path) -> WriteFailure | None:
    """What `error` (or an error that caused it) says about a failed write; None when it is
    not a failed write."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        found = _one(current, data_dir)
        if found is not None:
            return found
        current = current.__cause__ or current.__context__
    return None


def _one(error: BaseException, data_dir: Path) -> WriteFailure | None:
    if isinstance(error, OSError) and error.errno in CAUSES:
        return WriteFailure(True, CAUSES[error.errno])
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", 0) & 0xFF
        if code == SQLITE_FULL:
            return WriteFailure(True, CAUSES[errno.ENOSPC])
        if code == SQLITE_IOERR:
            return _probed(data_dir)
        return None
    if isinstance(error, ValueError):  # tantivy
        text = str(error)
        match = _OS_ERROR.search(text)
        if match and int(match.group(1)) in CAUSES:  # "… 'File too large (os error 27)'"
            return WriteFailure(True, CAUSES[int(match.group(1))])
        if match or _TANTIVY_IO.search(text):  # an indexing thread died on an I/O error
            return _probed(data_dir, None)
    return None


def _probed(data_dir: Path, files: tuple[str, ...] | None = _STORE_FILES) -> WriteFailure:
    """A write failed without saying why: was the disk (nearly) full, or a file at the size
    limit? (`files`: which files of the data directory were written; None: unknown ones, as
    when a tantivy thread died, so a size limit in force is taken to be the cause.)"""
    limit, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    if limit != resource.RLIM_INFINITY:
        sizes = [_size(data_dir / name) for name in files or ()]
        if files is None or max(sizes) + 64 * 1024 >= limit:
            return WriteFailure(True, CAUSES[errno.EFBIG])
    try:
        stats = os.statvfs(data_dir)
    except OSError:
        stats = None
    if stats is not None and stats.f_bavail * stats.f_frsize < NEARLY_FULL_BYTES:
        return WriteFailure(True, CAUSES[errno.ENOSPC])
    return WriteFailure(False, "磁盘写入错误，可能是超出磁盘配额或磁盘故障（disk I/O error）")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
