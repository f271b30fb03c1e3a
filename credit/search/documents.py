"""Engine documents: the fields every engine indexes, computed once from a stored body.

Text is segmented here (jieba), so engines only split on whitespace: the same
tokens go to tantivy and to Elasticsearch. Days are integers `YYYYMMDD`; an
open end is `OPEN_END`, so the publication rule is three range conditions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date
from functools import lru_cache
from typing import Any

import orjson

from credit import regions, text
from credit.publication import Window, last_published_day
from credit.screening.keys import IndexKeys, index_keys
from credit.search.query import FacetValue

OPEN_END = 9999_12_31
NEVER = 0
NAME_SEPARATOR = "|"
CORE_FIELD = "screen_core_v5"
AREA_FIELD = "screen_area_v5"
"""The fields of the similar-name keys (`credit.screening.keys`: cores and areas), named
with the version of their scheme: an index written with older keys lacks them, and is
refused until `ipcredit reindex` writes the keys anew."""
SIMILAR_KINDS = frozenset({"serious_list", "dishonest_act"})
"""Records screening looks for similar names of: a good-credit record never makes a verdict."""


def _segmented(value: str) -> str:
    """A text's index tokens (`text.segment_for_index`), joined by spaces."""
    return " ".join(text.segment_for_index(value))


_short_tokens = lru_cache(maxsize=65_536)(_segmented)
"""Names and authorities segmented, cached: a register repeats them in many records."""
_reason_tokens = text.cached_when_short(maxsize=16_384)(_segmented)
"""Reasons segmented, cached when short: registers give the same reasons in many records
(a fifth of them differ, at 1,000,000 generated records). A worker's share of those finds
68% of its reasons in 16,384 entries (about 8 MB), 77% in 131,072."""


def _names_as(tokens: Callable[[str], list[str]], names: list[str]) -> str:
    """The names' tokens (the name's, then each former name's), `NAME_SEPARATOR` between
    two names: a phrase never runs from one name into the next."""
    return f" {NAME_SEPARATOR} ".join(" ".join(tokens(name)) for name in names)


def day_number(day: date) -> int:
    """`date(2025, 3, 10)` → `20250310`."""
    return day.year * 10_000 + day.month * 100 + day.day


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def facet_values(body: dict[str, Any]) -> dict[str, str]:
    """The values a record is counted under in each facet (`FACET_NAMES`); "" is none.

    The same values the engine documents carry: counting the bodies of a few hits
    gives the facets an engine would."""
    region_code = body.get("region_code") or ""
    return {
        "kind": body["kind"],
        "category": body["category"],
        "province": regions.province_code(region_code) if region_code else "",
        "year": body["decided_on"][:4],
    }


def count_facets(
    bodies: Iterable[dict[str, Any]], names: Iterable[str]
) -> dict[str, list[FacetValue]]:
    """Facets of exactly these records, commonest value first (as an engine orders them)."""
    values = [facet_values(body) for body in bodies]
    counted: dict[str, list[FacetValue]] = {}
    for name in names:
        counts = Counter(value[name] for value in values if value[name])
        ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        counted[name] = [FacetValue(value, count) for value, count in ordered]
    return counted


def record_document(body: dict[str, Any]) -> dict[str, Any]:
    """The engine fields of one stored record."""
    name = str(body["subject_name"])
    former = [str(n) for n in body.get("former_names", [])]
    window = Window(
        date.fromisoformat(body["publish_from"]),
        _day(body.get("publish_until")),
        _day(body.get("delisted_on")),
    )
    last = last_published_day(window)
    decided = date.fromisoformat(body["decided_on"])
    region_code = body.get("region_code") or ""
    keys = (
        index_keys([name, *former], region_code)
        if body["kind"] in SIMILAR_KINDS
        else IndexKeys([], [])
    )
    return {
        "id": body["record_id"],
        **facet_values(body),
        "severity": body.get("severity", ""),
        "subject_type": body["subject_type"],
        "uscc": body.get("uscc", ""),
        "region_code": region_code,
        "prefecture": regions.prefecture_code(region_code) if region_code else "",
        "authority": body["authority"],
        "name_exact": text.normalize_name(name),
        "former_exact": [text.normalize_name(n) for n in former],
        "decision_exact": text.normalize_name(body.get("decision_no", "")),
        "name_text": _short_tokens(name),
        "former_text": _short_tokens(" ".join(former)),
        "name_ngram": " ".join(text.name_bigrams(name)),
        "former_ngram": f" {NAME_SEPARATOR} ".join(" ".join(text.name_bigrams(n)) for n in former),
        CORE_FIELD: keys.cores,
        AREA_FIELD: keys.areas,
        "name_pinyin": _names_as(text.pinyin_syllables, [name, *former]),
        "name_initials": _names_as(text.pinyin_initials, [name, *former]),
        "reason_text": _reason_tokens(str(body["reason"])),
        "authority_text": _short_tokens(str(body["authority"])),
        "decided_day": day_number(decided),
        "month": f"{decided.year}-{decided.month:02d}",
        "from_day": day_number(window.publish_from),
        "until_day": day_number(window.publish_until) if window.publish_until else OPEN_END,
        "delisted_day": day_number(window.delisted_on) if window.delisted_on else OPEN_END,
        "last_day": NEVER
        if last and last < window.publish_from
        else (day_number(last) if last else OPEN_END),
        "body": orjson.dumps(body).decode(),
    }


def case_document(body: dict[str, Any]) -> dict[str, Any]:
    """The engine fields of one stored typical case."""
    published = date.fromisoformat(body["published_on"])
    region_code = body.get("region_code") or ""
    sections = [body.get(key, "") for key in ("summary", "facts", "handling", "significance")]
    return {
        "id": body["case_id"],
        "case_type": body["case_type"],
        "region_code": region_code,
        "province": regions.province_code(region_code) if region_code else "",
        "year": str(published.year),
        "publishers": list(body.get("publishers", [])),
        "tags": list(body.get("tags", [])),
        "related_ids": list(body.get("related_record_ids", [])),
        "title_text": " ".join(text.segment_for_index(body["title"])),
        "title_ngram": " ".join(text.name_bigrams(body["title"])),
        "body_text": " ".join(text.segment_for_index("\n".join(s for s in sections if s))),
        "basis_text": " ".join(text.segment_for_index(body.get("legal_basis", ""))),
        "tags_text": " ".join(text.segment_for_index(" ".join(body.get("tags", [])))),
        "published_day": day_number(published),
        "body": orjson.dumps(body).decode(),
    }
