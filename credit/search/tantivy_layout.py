"""Where the tantivy indices live, and how a rebuilt one replaces the old atomically.

`DATA_DIR/index` is a symlink to `DATA_DIR/index-<stamp>/`, which holds
`records/`, `cases/` and `state.json` (the data version committed). A rebuild
writes a new `index-<stamp>/` and swaps the symlink with one rename.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import orjson
import tantivy

from credit.search import tantivy_windows as windows
from credit.search.documents import AREA_FIELD, CORE_FIELD
from credit.search.errors import EngineUnavailable

LINK = "index"
STATE = "state.json"
WHITESPACE = "ws"
# Fields of the engine documents this index leaves out: the window is `last_day` and
# `window_spans` here (Elasticsearch keeps the original dates).
RECORD_LEFT_OUT = frozenset({"until_day", "delisted_day"})
ANY_TEXT = "any_text"
"""Every token a query token can match in a record, in one field: the segmented name,
former names, reason and authority, the bigrams of the name and the former names, and
every dictionary word inside them (`text.dictionary_words`). One posting list per token
decides whether a record matches it; the per-field fields only score
(`tantivy_queries._token_matches`)."""
ANY_TEXT_SOURCES = (
    "name_text",
    "former_text",
    "reason_text",
    "authority_text",
    "name_ngram",
    "former_ngram",
)


def whitespace_analyzer() -> tantivy.TextAnalyzer:
    """Splits pre-segmented text on whitespace and lower-cases it."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace())
        .filter(tantivy.Filter.lowercase())
        .build()
    )


def _text(builder: tantivy.SchemaBuilder, *names: str) -> None:
    """Segmented text matched token by token: frequencies, no positions."""
    for name in names:
        builder.add_text_field(name, tokenizer_name=WHITESPACE, index_option="freq")


def _phrased(builder: tantivy.SchemaBuilder, *names: str) -> None:
    """Token sequences matched as phrases (bigrams, pinyin): positions kept."""
    for name in names:
        builder.add_text_field(name, tokenizer_name=WHITESPACE)


def _exact(builder: tantivy.SchemaBuilder, *names: str, fast: bool = True) -> None:
    """Whole values matched exactly; `fast` (a column) where they are counted or sorted."""
    for name in names:
        builder.add_text_field(name, tokenizer_name="raw", fast=fast)


def _days(builder: tantivy.SchemaBuilder, *names: str) -> None:
    for name in names:
        builder.add_integer_field(name, indexed=True, fast=True)


def record_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", tokenizer_name="raw", fast=True, stored=True)
    # counted (facets, statistics): columns as well
    counted = ("kind", "category", "severity", "subject_type", "province", "prefecture")
    _exact(builder, *counted, "year", "month")
    # only matched: no column (a name per record is a large dictionary)
    _exact(
        builder,
        "uscc",
        "region_code",
        "authority",
        "name_exact",
        "former_exact",
        "decision_exact",
        fast=False,
    )
    for name in (CORE_FIELD, AREA_FIELD):  # matched only: no positions, no frequencies
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic")
    _text(builder, "name_text", "former_text", "reason_text", "authority_text", ANY_TEXT)
    _phrased(builder, "name_ngram", "former_ngram", "name_pinyin", "name_initials")
    for name in ("decided_day", "from_day", "last_day"):  # ranges and sorting read the columns
        builder.add_integer_field(name, fast=True)
    builder.add_integer_field(windows.FIELD, indexed=True)  # the window as terms (tantivy_windows)
    builder.add_bytes_field("body", stored=True)
    return builder.build()


def case_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", tokenizer_name="raw", fast=True, stored=True)
    _exact(builder, "case_type", "region_code", "province", "year", "publishers", "tags")
    _exact(builder, "related_ids")
    _text(builder, "title_text", "body_text", "basis_text", "tags_text")
    _phrased(builder, "title_ngram")
    _days(builder, "published_day")
    builder.add_bytes_field("body", stored=True)
    return builder.build()


def open_index(directory: Path, schema: tantivy.Schema) -> tantivy.Index:
    """Open (or create) one index with the whitespace analyzer registered."""
    directory.mkdir(parents=True, exist_ok=True)
    try:
        index = tantivy.Index(schema, path=str(directory))
    except ValueError as error:
        if "schema does not match" not in str(error):
            raise
        raise EngineUnavailable(
            "搜索索引是旧版本的格式，与当前程序不符：请运行 ipcredit reindex 从数据库重建索引。"
        ) from error
    index.register_tokenizer(WHITESPACE, whitespace_analyzer())
    return index


def current_dir(data_dir: Path) -> Path | None:
    """The directory the `index` link points at, or None when there is no index."""
    link = data_dir / LINK
    if not link.is_symlink() and not link.is_dir():
        return None
    target = link.resolve()
    return target if target.is_dir() else None


def new_dir(data_dir: Path) -> Path:
    """A fresh, empty `index-<stamp>` directory."""
    data_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d%H%M%S")
    for attempt in range(1000):
        candidate = data_dir / f"index-{stamp}-{attempt}"
        try:
            candidate.mkdir()
        except FileExistsError:
            continue
        return candidate
    raise RuntimeError("no free index directory name")


def switch_to(data_dir: Path, directory: Path) -> Path | None:
    """Point `index` at `directory` in one rename; return the directory it pointed at before."""
    previous = current_dir(data_dir)
    temporary = data_dir / f".{LINK}.{os.getpid()}"
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(directory.name)
    temporary.replace(data_dir / LINK)
    return previous


def remove_dir(directory: Path) -> None:
    shutil.rmtree(directory, ignore_errors=True)


def read_state(directory: Path) -> int:
    """The data version committed in this index directory (0 when none)."""
    try:
        return int(orjson.loads((directory / STATE).read_bytes())["data_version"])
    except (FileNotFoundError, KeyError, ValueError, orjson.JSONDecodeError):
        return 0


def write_state(directory: Path, data_version: int) -> None:
    """Record the committed data version atomically."""
    partial = directory / (STATE + ".partial")
    partial.write_bytes(orjson.dumps({"data_version": data_version}))
    partial.replace(directory / STATE)
