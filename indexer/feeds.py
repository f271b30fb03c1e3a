"""Reading feed files into numbered lines: JSON Lines or CSV, plain or gzip.

Readers only split and decode; they never validate. Each `FeedLine` carries its
line number, the text to show in a reject report, and either the decoded object
or the reason it could not be decoded. CSV files may be UTF-8 (with or without
a BOM) or GB18030, as Chinese spreadsheets export them.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson

from credit.os_reasons import os_reason

MAX_LINE_BYTES = 2 * 1024 * 1024
LIST_FIELDS = frozenset({"former_names", "measures", "publishers", "tags", "related_record_ids"})
_LIST_SEPARATORS = str.maketrans({"；": ";"})
_GZIP_MAGIC = b"\x1f\x8b"
_SNIFF_BYTES = 256 * 1024


class UnreadableFeed(Exception):
    """The file as a whole cannot be read (missing, wrong format, not gzip…)."""


@dataclass(frozen=True)
class FeedLine:
    """One line (JSONL) or row (CSV) of a feed, decoded or with the reason it is not."""

    line_no: int
    text: str
    data: Any = None
    error: str | None = None
    blank: bool = False


def digest(path: Path) -> str:
    """SHA-256 of the file's bytes: identifies a feed's content across runs."""
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError as error:
        raise UnreadableFeed(f"无法打开文件：{os_reason(error)} (cannot open file)") from None


def open_binary(path: Path) -> IO[bytes]:
    """The file's bytes, gunzipped when it is gzip."""
    try:
        raw = path.open("rb")
    except OSError as error:
        raise UnreadableFeed(f"无法打开文件：{os_reason(error)} (cannot open file)") from None
    if raw.read(2) == _GZIP_MAGIC:
        raw.seek(0)
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    raw.seek(0)
    return raw


def feed_format(path: Path) -> str:
    """`jsonl` or `csv`, from the name, else from the first non-blank byte."""
    name = path.name.lower().removesuffix(".gz")
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if name.endswith(".csv"):
        return "csv"
    with open_binary(path) as handle:
        try:
            head = handle.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
        except (OSError, EOFError, gzip.BadGzipFile) as error:
            raise UnreadableFeed(f"文件无法读取 (cannot read file): {error}") from None
    return "jsonl" if head[:1] in (b"{", b"[") else "csv"


def read_feed(path: Path, skip: int = 0) -> Iterator[FeedLine]:
    """Every line of the feed after line number `skip` (for CSV: rows starting after it)."""
    lines = read_jsonl(path) if feed_format(path) == "jsonl" else read_csv(path)
    for line in lines:
        if line.line_no > skip:
            yield line


def _physical_lines(handle: IO[bytes]) -> Iterator[tuple[bytes, bool]]:
    """Lines without their terminator, and whether each was cut at MAX_LINE_BYTES."""
    try:
        while True:
            line = handle.readline(MAX_LINE_BYTES + 1)
            if not line:
                return
            if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
                while (rest := handle.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                    pass
                yield line[:200], True
                continue
            yield line.rstrip(b"\r\n"), False
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        raise UnreadableFeed(f"文件读取中断 (file could not be read to the end): {error}") from None


def _preview(raw: bytes) -> str:
    return raw[:2000].decode("utf-8", errors="replace")


def read_jsonl(path: Path) -> Iterator[FeedLine]:
    """JSON Lines in UTF-8; a BOM on the first line is tolerated."""
    with open_binary(path) as handle:
        for line_no, (raw, cut) in enumerate(_physical_lines(handle), start=1):
            if line_no == 1:
                raw = raw.removeprefix(codecs.BOM_UTF8)
            if cut:
                message = f"行超过 {MAX_LINE_BYTES // 1024 // 1024} MiB (line too long)"
                yield FeedLine(line_no, _preview(raw), error=message)
            elif not raw.strip():
                yield FeedLine(line_no, "", blank=True)
            else:
                yield _decode_json(line_no, raw)


def _decode_json(line_no: int, raw: bytes) -> FeedLine:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return FeedLine(line_no, _preview(raw), error="不是有效的 UTF-8 编码 (not valid UTF-8)")
    try:
        return FeedLine(line_no, text, data=orjson.loads(text))  # from str: faster than bytes
    except orjson.JSONDecodeError as error:
        return FeedLine(line_no, text, error=f"不是有效的 JSON (invalid JSON): {error}")


def sniff_encoding(path: Path) -> str:
    """`utf-8-sig`, `utf-8` or `gb18030`, judged on the first lines with non-ASCII bytes."""
    with open_binary(path) as handle:
        head = handle.read(_SNIFF_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    utf8_ok = utf8_bad = 0
    for line in head.splitlines()[:-1] or head.splitlines():
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_ok += 1
        except UnicodeDecodeError:
            utf8_bad += 1
    return "gb18030" if utf8_bad > utf8_ok else "utf-8"


def read_csv(path: Path) -> Iterator[FeedLine]:
    """CSV with the CONTRACT's column names in a header row; list cells split on `;`/`；`."""
    encoding = sniff_encoding(path)
    csv.field_size_limit(MAX_LINE_BYTES)
    with open_binary(path) as binary:
        text = io.TextIOWrapper(binary, encoding=encoding, errors="surrogateescape", newline="")
        reader = csv.reader(text)
        try:
            header = [cell.strip() for cell in next(reader)]
        except StopIteration:
            return
        except csv.Error as error:
            raise UnreadableFeed(f"CSV 表头无法读取 (unreadable CSV header): {error}") from None
        yield from _csv_rows(reader, header)


def _csv_rows(reader: Any, header: list[str]) -> Iterator[FeedLine]:
    line_no = reader.line_num
    while True:
        start = line_no + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            line_no = reader.line_num
            yield FeedLine(start, "", error=f"CSV 格式错误 (malformed CSV): {error}")
            continue
        line_no = reader.line_num
        yield _csv_row(start, header, cells)


def _csv_row(line_no: int, header: list[str], cells: list[str]) -> FeedLine:
    shown = ",".join(cells)[:2000]
    if any(_has_surrogates(cell) for cell in cells):
        shown = shown.encode("utf-8", "replace").decode("utf-8")
        return FeedLine(line_no, shown, error="含有无法解码的字节 (contains undecodable bytes)")
    if not any(cell.strip() for cell in cells):
        return FeedLine(line_no, "", blank=True)
    if len(cells) != len(header):
        message = f"有 {len(cells)} 列，表头有 {len(header)} 列 (row and header differ in columns)"
        return FeedLine(line_no, shown, error=message)
    row: dict[str, object] = {}
    for name, cell in zip(header, cells, strict=True):
        value = cell.strip()
        if not value:
            continue
        if name in LIST_FIELDS:
            parts = value.translate(_LIST_SEPARATORS).split(";")
            row[name] = [part.strip() for part in parts if part.strip()]
        else:
            row[name] = value
    return FeedLine(line_no, shown, data=row)


def _has_surrogates(cell: str) -> bool:
    try:
        cell.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def estimate_lines(path: Path) -> int | None:
    """About how many lines a plain feed has (from its first MiB); None for gzip."""
    try:
        with path.open("rb") as handle:
            head = handle.read(1024 * 1024)
            size = handle.seek(0, io.SEEK_END)
    except OSError:
        return None
    if head[:2] == _GZIP_MAGIC:
        return None
    lines = head.count(b"\n")
    if len(head) == size or not lines:
        return max(lines, 1)
    return round(size / (len(head) / lines))
