"""Elasticsearch index layout: names, settings, strict mappings, and documents as sources.

Text arrives pre-segmented (`credit.search.documents`), so the only analyzer is
whitespace + lowercase: ipcredit's own segmentation decides the tokens and the
cluster needs no plugin. Exact values (ids, codes, the authority, normalized
names, decision numbers) are `keyword` fields for filters, facets and sorting.
Days are `date` fields; an open end (no `publish_until`, no `delisted_on`) is a
missing value, which the publication filter treats as "never ends".
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import orjson

from credit.search.documents import AREA_FIELD, CORE_FIELD, NEVER, OPEN_END
from credit.search.errors import EngineUnavailable

ANALYZER = "segmented"
# The last day of a window that publishes no day at all (delisted before it began).
NEVER_DATE = "1900-01-01"
DEFAULT_SHARDS = 1

Source = dict[str, Any]


_PREFIX = re.compile(r"[a-z0-9][a-z0-9_.-]{0,99}")


def check_prefix(prefix: str) -> str:
    """The index prefix, refused unless it makes valid index names."""
    if not _PREFIX.fullmatch(prefix):
        raise EngineUnavailable(
            f"IPCREDIT_ES_INDEX_PREFIX={prefix!r} 无效：只能使用小写字母、数字和 - _ .，"
            "且以字母或数字开头。"
        )
    return prefix


def records_alias(prefix: str) -> str:
    return f"{prefix}-records"


def cases_alias(prefix: str) -> str:
    return f"{prefix}-cases"


def versioned(alias: str, version: int) -> str:
    """`ipcredit-records` → `ipcredit-records-000003`."""
    return f"{alias}-{version:06d}"


def version_of(alias: str, index: str) -> int | None:
    """The version in a versioned index name of this alias, or None for another name."""
    head, _, tail = index.rpartition("-")
    return int(tail) if head == alias and tail.isdigit() else None


def index_settings(*, loading: bool = False) -> dict[str, Any]:
    """Settings of a new index; while `loading`, no replicas and no refresh."""
    settings: dict[str, Any] = {
        "number_of_shards": DEFAULT_SHARDS,
        "analysis": {
            "analyzer": {
                ANALYZER: {"type": "custom", "tokenizer": "whitespace", "filter": ["lowercase"]}
            }
        },
    }
    if loading:
        settings.update({"number_of_replicas": 0, "refresh_interval": "-1"})
    return settings


def _keyword() -> dict[str, Any]:
    return {"type": "keyword"}


def _text(positions: bool = False) -> dict[str, Any]:
    """Segmented text; positions only where phrases are asked (bigrams, pinyin)."""
    field: dict[str, Any] = {"type": "text", "analyzer": ANALYZER}
    if not positions:
        field["index_options"] = "freqs"
    return field


def _day() -> dict[str, Any]:
    return {"type": "date", "format": "strict_date"}


_BODY = {"type": "object", "enabled": False}  # kept in _source, not indexed


def record_mappings(data_version: int = 0) -> dict[str, Any]:
    keywords = (
        "id",
        "kind",
        "category",
        "severity",
        "subject_type",
        "uscc",
        "region_code",
        "province",
        "prefecture",
        "authority",
        "name_exact",
        "former_exact",
        "decision_exact",
        "year",
        "month",
        CORE_FIELD,
        AREA_FIELD,
    )
    properties: dict[str, Any] = {name: _keyword() for name in keywords}
    properties |= {
        name: _text() for name in ("name_text", "former_text", "reason_text", "authority_text")
    }
    properties |= {
        name: _text(positions=True)
        for name in ("name_ngram", "former_ngram", "name_pinyin", "name_initials")
    }
    properties |= {
        name: _day() for name in ("decided_on", "publish_from", "publish_until", "delisted_on")
    }
    properties["last_day"] = _day()
    properties["body"] = _BODY
    return {"dynamic": "strict", "_meta": {"data_version": data_version}, "properties": properties}


def case_mappings() -> dict[str, Any]:
    keywords = (
        "id",
        "case_type",
        "region_code",
        "province",
        "year",
        "publishers",
        "tags",
        "related_ids",
    )
    properties: dict[str, Any] = {name: _keyword() for name in keywords}
    properties |= {name: _text() for name in ("title_text", "body_text", "basis_text", "tags_text")}
    properties["title_ngram"] = _text(positions=True)
    properties["published_on"] = _day()
    properties["body"] = _BODY
    return {"dynamic": "strict", "properties": properties}


def _mappings_of(get_mapping: Any) -> dict[str, Any]:
    per_index: dict[str, Any] = dict(get_mapping)
    entries: list[dict[str, Any]] = list(per_index.values())
    mappings: dict[str, Any] = entries[0].get("mappings", {}) if entries else {}
    return mappings


def data_version_of(get_mapping: Any) -> int:
    """The data version in a `get_mapping` answer for one index (0 when none)."""
    return int(_mappings_of(get_mapping).get("_meta", {}).get("data_version", 0))


def check_record_fields(get_mapping: Any) -> None:
    """Refuse a records index built by an older ipcredit (a field this one needs is missing)."""
    present = _mappings_of(get_mapping).get("properties", {})
    missing = sorted(set(record_mappings()["properties"]) - set(present))
    if missing:
        raise EngineUnavailable(
            "Elasticsearch 中的记录索引是旧版本的格式（缺少字段 "
            f"{', '.join(missing)}）：请运行 ipcredit reindex 从存储重建索引。"
        )


def _iso(number: int) -> str:
    """`20250310` → `"2025-03-10"`."""
    return date(number // 10_000, number // 100 % 100, number % 100).isoformat()


def _present(source: Source) -> Source:
    """Empty values left out: a missing field is what Elasticsearch filters on."""
    return {key: value for key, value in source.items() if value not in ("", [], None)}


_RECORD_DAYS = {
    "decided_day": "decided_on",
    "from_day": "publish_from",
    "until_day": "publish_until",
    "delisted_day": "delisted_on",
}


def record_source(document: dict[str, Any]) -> Source:
    """The `_source` of one engine document (`record_document`)."""
    source = {
        key: value
        for key, value in document.items()
        if key not in _RECORD_DAYS and key not in ("last_day", "body")
    }
    for number_key, date_key in _RECORD_DAYS.items():
        number = int(document[number_key])
        source[date_key] = None if number == OPEN_END else _iso(number)
    last = int(document["last_day"])
    source["last_day"] = None if last == OPEN_END else NEVER_DATE if last == NEVER else _iso(last)
    source["body"] = orjson.loads(document["body"])
    return _present(source)


def case_source(document: dict[str, Any]) -> Source:
    """The `_source` of one engine document (`case_document`)."""
    source = {key: value for key, value in document.items() if key not in ("published_day", "body")}
    source["published_on"] = _iso(int(document["published_day"]))
    source["body"] = orjson.loads(document["body"])
    return _present(source)
