"""Chinese recall: what a citizen types finds the record, and never an unpublished one.

`fixtures/recall/records.jsonl` holds fictional records: those with ids `RC-…` and
`GC-…` are published on `DAY`, those with `NP-…` are not (expired, scheduled,
delisted), and many of those share words, names or subjects with published ones.
`fixtures/recall/queries.jsonl` pairs each query with a record it must find in
the first 10 hits (partial names, substrings, former names, traditional and
full-width input, pinyin and initials, decision numbers, reason words, USCCs, and
words of a name that jieba cuts across).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest

from credit import text
from credit.publication import Window, is_published
from credit.search.blocking import BlockingEngine
from credit.search.query import SearchQuery
from tests.engines import ENGINES, build_engine

FIXTURES = Path(__file__).parent / "fixtures" / "recall"
DAY = date(2025, 7, 1)
TOP = 10


def _load(name: str) -> list[dict[str, Any]]:
    lines = (FIXTURES / name).read_text(encoding="utf-8").splitlines()
    return [orjson.loads(line) for line in lines if line.strip()]


RECORDS = _load("records.jsonl")
QUERIES = _load("queries.jsonl")
BY_ID = {str(r["record_id"]): r for r in RECORDS}


def _published(record: dict[str, Any]) -> bool:
    def day(key: str) -> date | None:
        value = record.get(key)
        return date.fromisoformat(value) if value else None

    start = day("publish_from") or date.fromisoformat(record["decided_on"])
    return is_published(Window(start, day("publish_until"), day("delisted_on")), DAY)


PUBLISHED = {rid for rid, r in BY_ID.items() if _published(r)}
UNPUBLISHED = set(BY_ID) - PUBLISHED


@pytest.fixture(scope="module", params=ENGINES)
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BlockingEngine]:
    name: str = request.param
    built = build_engine(name, RECORDS, tmp_path_factory.mktemp(f"recall-{name}"))
    yield built
    built.close()


def test_fixture_is_what_it_claims() -> None:
    """The ids say which records are published; the query types are all covered."""
    assert {rid for rid in BY_ID if not rid.startswith("NP-")} == PUBLISHED
    assert len(PUBLISHED) >= 130 and len(UNPUBLISHED) >= 45
    assert len({q["query"] for q in QUERIES}) >= 100
    assert {q["expected"] for q in QUERIES} <= PUBLISHED
    kinds = {q["type"] for q in QUERIES}
    assert kinds == {
        "partial_name",
        "middle_bigram",
        "former_name",
        "traditional",
        "traditional_name",
        "full_width",
        "pinyin",
        "initials",
        "decision_no",
        "reason_words",
        "uscc",
        "word_across_cut",
    }
    for q in QUERIES:
        if q["type"] == "word_across_cut":  # a word of the name jieba does not cut out of it
            subject = BY_ID[q["expected"]]["subject_name"]
            first = text.segment_for_query(q["query"])[0]
            assert first in subject and first not in text.segment_for_index(subject), q
        if q["type"] == "middle_bigram":
            name = text.normalize_name(BY_ID[q["expected"]]["subject_name"])
            assert len(q["query"]) == 2 and q["query"] in name[1:-1], q
        if q["type"] == "traditional":  # typed in traditional characters
            assert text.normalize(q["query"]) != q["query"], q
        if q["type"] == "traditional_name":  # recorded in traditional characters
            name = BY_ID[q["expected"]]["subject_name"]
            assert text.normalize(name) != name.lower(), q
        if q["type"] == "full_width":
            assert any(ord(char) > 0xFF00 for char in q["query"]) or "(" in q["query"], q


def test_recall_at_10(engine: BlockingEngine) -> None:
    misses: list[str] = []
    answers: dict[str, list[str]] = {}
    for q in QUERIES:
        if q["query"] not in answers:
            page = engine.search_records(SearchQuery(text=q["query"], size=TOP), day=DAY)
            answers[q["query"]] = [hit.id for hit in page.hits]
        found = answers[q["query"]]
        if q["expected"] not in found:
            name = BY_ID[q["expected"]]["subject_name"]
            misses.append(
                f"[{q['type']}] {q['query']!r} → expected {q['expected']} ({name}), got {found[:5]}"
            )
    recall = 1 - len(misses) / len(QUERIES)
    assert not misses, f"recall@{TOP} = {recall:.1%}; misses:\n" + "\n".join(misses)


def test_no_unpublished_record_in_any_answer(engine: BlockingEngine) -> None:
    leaks: dict[str, list[str]] = defaultdict(list)
    asked = [q["query"] for q in QUERIES]
    for rid in sorted(UNPUBLISHED):  # and everything that names the unpublished records
        record = BY_ID[rid]
        asked += [record["subject_name"], *record.get("former_names", [])]
        asked += [record.get("decision_no") or "", record.get("uscc") or ""]
        asked += text.segment_for_query(record["reason"])
    for query in dict.fromkeys(asked):
        page = engine.search_records(SearchQuery(text=query, size=100), day=DAY)
        for hit in page.hits:
            if hit.id not in PUBLISHED:
                leaks[query].append(hit.id)
        candidates = engine.candidates_for(uscc=None, name=query, day=DAY)
        leaks[query] += [
            c.record["record_id"] for c in candidates if c.record["record_id"] in UNPUBLISHED
        ]
    for rid in sorted(UNPUBLISHED):
        if engine.get_record(rid, day=DAY) is not None:
            leaks["get_record"].append(rid)
        code = BY_ID[rid].get("uscc")
        if code:
            entity = engine.get_entity(code, day=DAY)
            records = entity.records if entity else []
            leaks[f"entity {code}"] += [
                r["record_id"] for r in records if r["record_id"] not in PUBLISHED
            ]
            candidates = engine.candidates_for(uscc=code, name=None, day=DAY)
            leaks[f"candidates {code}"] += [
                c.record["record_id"] for c in candidates if c.record["record_id"] not in PUBLISHED
            ]
    assert engine.published_record_ids(sorted(BY_ID), day=DAY) == PUBLISHED
    leaked = {query: found for query, found in leaks.items() if found}
    assert not leaked, f"unpublished records served: {leaked}"


def test_every_published_record_is_served(engine: BlockingEngine) -> None:
    """The other half of the rule: nothing published is missing (ids, names, totals)."""
    page = engine.search_records(SearchQuery(size=100), day=DAY)
    assert page.total == len(PUBLISHED)
    missing = [rid for rid in sorted(PUBLISHED) if engine.get_record(rid, day=DAY) is None]
    assert not missing
    unpublished_only = {
        str(r["uscc"]) for rid, r in BY_ID.items() if rid in UNPUBLISHED and r.get("uscc")
    } - {str(BY_ID[rid].get("uscc")) for rid in PUBLISHED}
    assert len(unpublished_only) >= 15
    for code in sorted(unpublished_only):
        assert engine.get_entity(code, day=DAY) is None, code
        assert engine.search_records(SearchQuery(text=code), day=DAY).total == 0, code
