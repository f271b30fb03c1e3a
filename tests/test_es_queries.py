"""The Elasticsearch query builders, mappings and cursors: pure functions, compared as dicts."""

from __future__ import annotations

import base64
from datetime import date

import orjson
import pytest

from credit.screening.keys import KeyGroup
from credit.search import es_cursors as cursors
from credit.search import es_highlight as marks
from credit.search import es_mappings as layout
from credit.search import es_queries as q
from credit.search.documents import AREA_FIELD, CORE_FIELD, case_document, record_document
from credit.search.errors import BadCursor, EngineUnavailable, PagingTooDeep
from credit.search.plan import plan_text
from credit.search.query import CaseFilter, RecordFilter, encode_cursor

DAY = date(2025, 7, 1)
PUBLISHED_ON_DAY = [
    {"range": {"publish_from": {"lte": "2025-07-01"}}},
    {
        "bool": {
            "should": [
                {"bool": {"must_not": [{"exists": {"field": "publish_until"}}]}},
                {"range": {"publish_until": {"gte": "2025-07-01"}}},
            ],
            "minimum_should_match": 1,
        }
    },
    {
        "bool": {
            "should": [
                {"bool": {"must_not": [{"exists": {"field": "delisted_on"}}]}},
                {"range": {"delisted_on": {"gt": "2025-07-01"}}},
            ],
            "minimum_should_match": 1,
        }
    },
]


def test_window_is_three_filter_clauses_with_open_ends_missing() -> None:
    assert q.published_on(DAY) == PUBLISHED_ON_DAY
    assert q.never_published_from(DAY) == {"range": {"last_day": {"lt": "2025-07-01"}}}


def test_browse_is_the_window_alone_in_filter_context() -> None:
    assert q.record_search(plan_text(""), RecordFilter(), DAY) == {
        "bool": {"filter": PUBLISHED_ON_DAY}
    }


def test_filters() -> None:
    flt = RecordFilter(
        kinds=("serious_list",),
        categories=("other", "patent_award"),
        severities=("minor",),
        subject_types=("agency",),
        region="4403",
        authority="国家知识产权局",
        decided_from=date(2023, 1, 1),
        decided_until=date(2025, 6, 30),
        published_since=date(2025, 6, 1),
    )
    assert q.record_filter(flt) == [
        {"terms": {"kind": ["serious_list"]}},
        {"terms": {"category": ["other", "patent_award"]}},
        {"terms": {"severity": ["minor"]}},
        {"terms": {"subject_type": ["agency"]}},
        {"term": {"prefecture": "440300"}},
        {"term": {"authority": "国家知识产权局"}},
        {"range": {"publish_from": {"gte": "2025-06-01"}}},
        {"range": {"decided_on": {"gte": "2023-01-01", "lte": "2025-06-30"}}},
    ]
    assert q.record_filter(RecordFilter(region="44")) == [{"term": {"province": "440000"}}]
    assert q.record_filter(RecordFilter(region="510104")) == [{"term": {"region_code": "510104"}}]
    assert q.record_filter(RecordFilter(decided_until=DAY)) == [
        {"range": {"decided_on": {"lte": "2025-07-01"}}}
    ]
    search = q.record_search(plan_text(""), RecordFilter(kinds=("good_credit",)), DAY)
    assert search == {"bool": {"filter": [*PUBLISHED_ON_DAY, {"terms": {"kind": ["good_credit"]}}]}}


def test_text_is_scored_beside_the_filters() -> None:
    uscc = "91440300MA5F0A1B2N"
    assert q.record_search(plan_text(uscc), RecordFilter(), DAY) == {
        "bool": {"filter": PUBLISHED_ON_DAY, "must": [{"term": {"uscc": uscc}}]}
    }
    query = q.record_search(plan_text("创明"), RecordFilter(), DAY)
    assert query["bool"]["filter"] == PUBLISHED_ON_DAY
    (text,) = query["bool"]["must"]
    should = text["bool"]["should"]
    assert text["bool"]["minimum_should_match"] == 1
    assert should[:3] == [
        {"term": {"name_exact": {"value": "创明", "boost": 1000.0}}},
        {"term": {"former_exact": {"value": "创明", "boost": 1000.0}}},
        {"term": {"decision_exact": {"value": "创明", "boost": 1000.0}}},
    ]
    every_token = should[3]["bool"]["must"]
    assert every_token[0]["bool"]["should"][0] == {
        "term": {"name_text": {"value": "创明", "boost": 5.0}}
    }


def test_name_substring_is_a_bigram_phrase() -> None:
    plan = plan_text("华创新材料")
    query = q.text_query(plan)
    assert {"match_phrase": {"name_ngram": {"query": "华创 创新 新材 材料", "boost": 20.0}}} in (
        query["bool"]["should"]
    )


def test_pinyin_and_initials() -> None:
    should = q.text_query(plan_text("shenzhen"))["bool"]["should"]
    assert {"match_phrase": {"name_pinyin": {"query": "shen zhen", "boost": 5.0}}} in should
    should = q.text_query(plan_text("szcm"))["bool"]["should"]
    assert {"match_phrase": {"name_initials": {"query": "s z c m", "boost": 5.0}}} in should


def test_lookups_and_similar_names() -> None:
    assert q.published_where(DAY, "id", ["A", "B"]) == {
        "bool": {"filter": [*PUBLISHED_ON_DAY, {"terms": {"id": ["A", "B"]}}]}
    }
    assert q.exact_candidates(DAY, ["U1"], ["n1"]) == {
        "bool": {
            "filter": [
                *PUBLISHED_ON_DAY,
                {
                    "bool": {
                        "should": [
                            {"terms": {"uscc": ["U1"]}},
                            {"terms": {"name_exact": ["n1"]}},
                            {"terms": {"former_exact": ["n1"]}},
                        ],
                        "minimum_should_match": 1,
                    }
                },
            ]
        }
    }
    roomy = KeyGroup(("-", "44", "4403"), ("创明科技", "~chuangmingkeji"))
    one = (
        {"terms": {AREA_FIELD: ["-", "44", "4403"]}},
        {"terms": {CORE_FIELD: ["创明科技", "~chuangmingkeji"]}},
    )
    assert q.similar_names([roomy], DAY) == {
        "bool": {"filter": [*PUBLISHED_ON_DAY, {"bool": {"filter": list(one)}}]}
    }
    tight = KeyGroup(("44", "4403"), ("=创明",))
    two = {"terms": {AREA_FIELD: ["44", "4403"]}}, {"terms": {CORE_FIELD: ["=创明"]}}
    either = [{"bool": {"filter": list(one)}}, {"bool": {"filter": list(two)}}]
    assert q.similar_names([roomy, tight], DAY) == {
        "bool": {
            "filter": [
                *PUBLISHED_ON_DAY,
                {"bool": {"should": either, "minimum_should_match": 1}},
            ]
        }
    }


def test_cases() -> None:
    flt = CaseFilter(case_types=("illegal_agency",), region="44", year=2024, tag="展会")
    assert q.case_search(plan_text(""), flt, DAY) == {
        "bool": {
            "filter": [
                {"range": {"published_on": {"lte": "2025-07-01"}}},
                {"terms": {"case_type": ["illegal_agency"]}},
                {"term": {"province": "440000"}},
                {"term": {"year": "2024"}},
                {"terms": {"tags": ["展会"]}},
            ]
        }
    }
    assert q.case_by_id("C-1", DAY) == {
        "bool": {
            "filter": [
                {"term": {"id": "C-1"}},
                {"range": {"published_on": {"lte": "2025-07-01"}}},
            ]
        }
    }


def test_sort_facets_highlight() -> None:
    assert q.sort_by(None) == [{"_score": {"order": "desc"}}, {"id": {"order": "asc"}}]
    assert q.sort_by("decided_on") == [
        {"decided_on": {"order": "desc"}},
        {"id": {"order": "asc"}},
    ]
    assert q.facets({"kind": "kind", "province": "province"}) == {
        "kind": {"terms": {"field": "kind", "size": 100}},
        "province": {"terms": {"field": "province", "size": 100}},
    }
    assert q.highlight({"name_text": False, "reason_text": True}) == {
        "pre_tags": ["\x02"],
        "post_tags": ["\x03"],
        "fields": {
            "name_text": {"number_of_fragments": 0},
            "reason_text": {"fragment_size": 200, "number_of_fragments": 5},
        },
    }


# --- cursors -------------------------------------------------------------------------------


def test_cursor_round_trip_carries_search_after() -> None:
    position = cursors.decode(None, "relevance")
    assert position == cursors.Position(0) and cursors.page_request(position) == {}
    following = cursors.following(position, 20, 20, 55, [3.5, "R-0007"], "relevance")
    assert following is not None
    after = cursors.decode(following, "relevance")
    assert after == cursors.Position(20, [3.5, "R-0007"])
    assert cursors.page_request(after) == {"search_after": [3.5, "R-0007"]}


def test_cursor_without_search_after_is_an_offset() -> None:
    position = cursors.decode(encode_cursor(40), "newest")
    assert position == cursors.Position(40)
    assert cursors.page_request(position) == {"from": 40}


def test_last_page_and_depth_limit_have_no_next_cursor() -> None:
    start = cursors.Position(0)
    assert cursors.following(start, 7, 20, 7, ["2025-01-01", "A"], "newest") is None
    assert cursors.following(start, 20, 20, 20, ["2025-01-01", "A"], "newest") is None
    deep = cursors.Position(9_980, ["x"])
    assert cursors.following(deep, 20, 20, 50_000, ["2025-01-01", "A"], "newest") is None
    with pytest.raises(PagingTooDeep):
        cursors.decode(cursors.encode(10_000, ["2025-01-01", "A"], "newest"), "newest")
    last = cursors.decode(cursors.encode(9_995, ["2025-01-01", "A"], "newest"), "newest")
    assert last.offset == 9_995


def _raw(payload: object) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(payload)).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        cursors.encode(20, [1.0, "A"], "relevance"),  # made for the other order
        _raw({"o": 20, "a": [], "s": "newest"}),
        _raw({"o": 20, "a": "A", "s": "newest"}),
        _raw({"o": 20, "a": [{"x": 1}], "s": "newest"}),
        _raw({"o": 20, "a": [True], "s": "newest"}),
        "not a cursor!",
    ],
)
def test_bad_cursors(cursor: str) -> None:
    with pytest.raises(BadCursor):
        cursors.decode(cursor, "newest")


# --- highlights ----------------------------------------------------------------------------


def test_marked_runs_become_terms() -> None:
    assert marks.marked_terms("深圳 市 \x02创明\x03 \x02科技\x03 有限公司") == ["创明科技"]
    assert marks.marked_terms("\x02alert\x03 \x02script\x03 蓝鲸") == ["alert", "script"]
    assert marks.marked_terms("深圳 \x02市 创明\x03") == ["市创明"]
    assert marks.marked_terms("深圳 圳市 \x02市创 创明\x03 明科", bigrams=True) == ["市创明"]
    assert marks.marked_terms("\x02市创\x03 \x02创明\x03 明科 | \x02科技\x03", bigrams=True) == [
        "市创明",
        "科技",
    ]


def test_terms_are_marked_on_the_original_value() -> None:
    highlights = {
        "name_text": ["东莞 市 \x02长安\x03 精工"],
        "reason_text": ["\x02长安\x03 镇 \x02x\x03"],
    }
    terms = marks.terms_of(highlights, "長安")
    assert terms == ("长安",)
    body = {"subject_name": "東莞市（長安）精工<b>", "reason": "短", "former_names": ["長安厂"]}
    assert marks.shown(body, terms, marks.RECORD_SHOWN) == {
        "subject_name": "東莞市（<mark>長安</mark>）精工&lt;b&gt;",
        "former_names": "<mark>長安</mark>厂",
    }
    assert marks.terms_of({"name_text": ["\x02市\x03"]}, "市") == ("市",)


# --- mappings and sources ------------------------------------------------------------------

RECORD = {
    "record_id": "R-1",
    "kind": "dishonest_act",
    "category": "false_materials",
    "severity": "minor",
    "subject_type": "enterprise",
    "subject_name": "深圳市创明科技有限公司",
    "uscc": "91440300MA5F0A1B2N",
    "region_code": "440300",
    "reason": "提交虚假材料。",
    "authority": "深圳市市场监督管理局",
    "decision_no": "深知处字〔2025〕1号",
    "decided_on": "2025-03-10",
    "publish_from": "2025-03-10",
    "publish_until": "2026-03-09",
    "updated_at": "2025-03-10T09:00:00+08:00",
}


def test_record_source_has_dates_and_leaves_open_ends_out() -> None:
    source = layout.record_source(record_document(RECORD))
    assert source["publish_from"] == "2025-03-10"
    assert source["publish_until"] == source["last_day"] == "2026-03-09"
    assert source["decided_on"] == "2025-03-10"
    assert "delisted_on" not in source and "former_exact" not in source
    assert source["body"] == RECORD
    mapped = set(layout.record_mappings()["properties"])
    assert set(source) <= mapped
    open_ended = {**RECORD, "kind": "good_credit", "publish_until": None}
    source = layout.record_source(record_document(open_ended))
    assert "publish_until" not in source and "last_day" not in source
    delisted_first = {**RECORD, "delisted_on": "2025-03-01"}
    assert layout.record_source(record_document(delisted_first))["last_day"] == layout.NEVER_DATE


def test_case_source_matches_its_mapping() -> None:
    case = {
        "case_id": "C-1",
        "title": "某展会专利侵权案",
        "publishers": ["国家知识产权局"],
        "published_on": "2025-04-26",
        "case_type": "fair_infringement",
        "facts": "事实",
        "handling": "处理",
        "tags": ["展会"],
    }
    source = layout.case_source(case_document(case))
    assert source["published_on"] == "2025-04-26" and source["body"] == case
    assert set(source) <= set(layout.case_mappings()["properties"])


def test_mappings_are_strict_and_segmented_by_whitespace() -> None:
    mappings = layout.record_mappings(7)
    assert mappings["dynamic"] == "strict" and mappings["_meta"] == {"data_version": 7}
    assert mappings["properties"]["name_text"] == {
        "type": "text",
        "analyzer": "segmented",
        "index_options": "freqs",
    }
    assert mappings["properties"]["name_ngram"] == {"type": "text", "analyzer": "segmented"}
    assert mappings["properties"]["authority"] == {"type": "keyword"}
    assert mappings["properties"]["publish_until"] == {"type": "date", "format": "strict_date"}
    assert layout.index_settings()["analysis"] == {
        "analyzer": {
            "segmented": {"type": "custom", "tokenizer": "whitespace", "filter": ["lowercase"]}
        }
    }
    loading = layout.index_settings(loading=True)
    assert loading["number_of_replicas"] == 0 and loading["refresh_interval"] == "-1"


@pytest.mark.parametrize("prefix", ["", "IPCredit", "-x", "a b", "a*", "a/b"])
def test_bad_prefixes_are_refused(prefix: str) -> None:
    with pytest.raises(EngineUnavailable):
        layout.check_prefix(prefix)


def test_versioned_names() -> None:
    assert layout.check_prefix("ipcredit") == "ipcredit"
    assert layout.versioned(layout.records_alias("ipcredit"), 3) == "ipcredit-records-000003"
    assert layout.version_of("ipcredit-records", "ipcredit-records-000003") == 3
    assert layout.version_of("ipcredit-records", "ipcredit-cases-000003") is None
    assert layout.version_of("ipcredit-records", "ipcredit-records-x") is None


def test_an_index_of_an_older_format_is_refused_with_what_to_run() -> None:
    current = {"ipcredit-records-3": {"mappings": layout.record_mappings(5)}}
    layout.check_record_fields(current)
    assert layout.data_version_of(current) == 5
    older = layout.record_mappings(5)
    del older["properties"][CORE_FIELD]
    with pytest.raises(EngineUnavailable, match=rf"{CORE_FIELD}.*ipcredit reindex"):
        layout.check_record_fields({"ipcredit-records-2": {"mappings": older}})
