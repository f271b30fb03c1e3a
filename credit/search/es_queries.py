"""Pure functions that build Elasticsearch query DSL (dicts) from a plan, a filter and a day.

They mirror `tantivy_queries` clause for clause, so both engines find the same
records. The publication rule and the filters go in `bool.filter` (no scoring,
cached by the cluster); only the text is scored.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

from credit import text
from credit.screening.keys import KeyGroup
from credit.search.documents import AREA_FIELD, CORE_FIELD
from credit.search.plan import EXACT_FIELDS, TextPlan
from credit.search.query import CaseFilter, RecordFilter

Clause = dict[str, Any]

NAME_BOOST = 5.0
EXACT_BOOST = 1000.0
TEXT_FIELDS = {
    "name_text": NAME_BOOST,
    "former_text": 3.0,
    "reason_text": 1.0,
    "authority_text": 1.0,
}
CASE_TEXT_FIELDS = {"title_text": 3.0, "body_text": 1.0, "basis_text": 1.0, "tags_text": 2.0}
MATCH_NONE: Clause = {"match_none": {}}


def _bool(**parts: Any) -> Clause:
    return {"bool": parts}


def _any(*should: Clause) -> Clause:
    """At least one of the clauses."""
    return _bool(should=list(should), minimum_should_match=1)


def _missing(field: str) -> Clause:
    return _bool(must_not=[{"exists": {"field": field}}])


def _range(field: str, **bounds: Any) -> Clause:
    return {"range": {field: bounds}}


def _term(field: str, value: str, boost: float | None = None) -> Clause:
    if boost is None:
        return {"term": {field: value}}
    return {"term": {field: {"value": value, "boost": boost}}}


def _terms(field: str, values: Sequence[str]) -> Clause:
    return {"terms": {field: list(values)}}


def published_on(day: date) -> list[Clause]:
    """The publication rule as filter clauses: `publish_from ≤ day`, `publish_until` missing
    or `day ≤ publish_until`, `delisted_on` missing or `day < delisted_on`."""
    iso = day.isoformat()
    return [
        _range("publish_from", lte=iso),
        _any(_missing("publish_until"), _range("publish_until", gte=iso)),
        _any(_missing("delisted_on"), _range("delisted_on", gt=iso)),
    ]


def never_published_from(day: date) -> Clause:
    """Records no day from `day` on publishes (`ipcredit purge`); open-ended ones never."""
    return _range("last_day", lt=day.isoformat())


def _region(region: str) -> Clause:
    code = region.ljust(6, "0")
    if code.endswith("0000"):
        return _term("province", code)
    if code.endswith("00"):
        return _term("prefecture", code)
    return _term("region_code", code)


def record_filter(flt: RecordFilter) -> list[Clause]:
    """One clause per set filter."""
    clauses = [
        _terms(field, values)
        for field, values in (
            ("kind", flt.kinds),
            ("category", flt.categories),
            ("severity", flt.severities),
            ("subject_type", flt.subject_types),
        )
        if values
    ]
    if flt.region:
        clauses.append(_region(flt.region))
    if flt.authority:
        clauses.append(_term("authority", flt.authority))
    if flt.published_since:
        clauses.append(_range("publish_from", gte=flt.published_since.isoformat()))
    if flt.decided_from or flt.decided_until:
        bounds = {}
        if flt.decided_from:
            bounds["gte"] = flt.decided_from.isoformat()
        if flt.decided_until:
            bounds["lte"] = flt.decided_until.isoformat()
        clauses.append(_range("decided_on", **bounds))
    return clauses


def _phrase(field: str, words: Sequence[str], boost: float | None = None) -> Clause:
    """The words in this order, adjacent (one word: a term)."""
    if len(words) == 1:
        return _term(field, words[0], boost)
    query: dict[str, Any] = {"query": " ".join(words)}
    if boost is not None:
        query["boost"] = boost
    return {"match_phrase": {field: query}}


def _token_matches(token: str, joined: Sequence[str] = ()) -> Clause:
    """A token found in any searched field, or inside a name as a substring
    (see `tantivy_queries._token_matches`)."""
    should = [_term(field, token, boost) for field, boost in TEXT_FIELDS.items()]
    should.append(_term("decision_exact", token))
    substrings = (token, *joined) if len(token) >= 2 and not text.kept_whole(token) else joined
    for substring in substrings:
        bigrams = text.name_bigrams(substring)
        should.append(_phrase("name_ngram", bigrams, NAME_BOOST * 4))
        should.append(_phrase("former_ngram", bigrams, NAME_BOOST * 2))
    return _any(*should)


def text_query(plan: TextPlan) -> Clause:
    """What the words of a query match, best first: exact name, name substring, all tokens."""
    if plan.uscc:
        return _term("uscc", plan.uscc)
    alternatives: list[Clause] = []
    if plan.name_exact:
        for field in EXACT_FIELDS:
            alternatives.append(_term(field, plan.name_exact, EXACT_BOOST))
    one_token_is_the_name = len(plan.tokens) == 1 and (
        tuple(text.name_bigrams(plan.tokens[0])) == plan.name_bigrams
    )
    if plan.name_bigrams and not one_token_is_the_name:
        alternatives.append(_phrase("name_ngram", plan.name_bigrams, NAME_BOOST * 4))
        alternatives.append(_phrase("former_ngram", plan.name_bigrams, NAME_BOOST * 2))
    if plan.tokens:
        joined = plan.joined_tokens
        every = [_token_matches(token, joined.get(token, ())) for token in plan.tokens]
        alternatives.append(_bool(must=every))
    for field, typed, variants in (
        ("name_pinyin", plan.pinyin, plan.pinyin_variants),
        ("name_initials", plan.initials, plan.initials_variants),
    ):
        if typed:
            alternatives.append(_phrase(field, typed, NAME_BOOST))
        for variant in variants:
            alternatives.append(_phrase(field, variant, NAME_BOOST * 0.8))
    return _any(*alternatives) if alternatives else MATCH_NONE


def record_search(plan: TextPlan, flt: RecordFilter, day: date) -> Clause:
    """A whole record search: the publication rule and filters, and the text (if any)."""
    query = _bool(filter=[*published_on(day), *record_filter(flt)])
    if not plan.empty:
        query["bool"]["must"] = [text_query(plan)]
    return query


def published_where(day: date, field: str, values: Sequence[str]) -> Clause:
    """Records published on `day` whose `field` is one of `values`."""
    return _bool(filter=[*published_on(day), _terms(field, values)])


def exact_candidates(
    day: date,
    usccs: Sequence[str],
    names: Sequence[str],
    kinds: Sequence[str] | None = None,
    besides: Collection[str] = (),
) -> Clause:
    """Records published on `day` with one of these USCCs, or one of these normalized names
    as their name or a former name (a batch of screened rows at once); only records of
    `kinds` when given, and none whose id is `besides`."""
    either = [_terms("uscc", usccs)] if usccs else []
    if names:
        either += [_terms("name_exact", names), _terms("former_exact", names)]
    only = [_terms("kind", kinds)] if kinds is not None else []
    query = _bool(filter=[*published_on(day), _any(*either), *only])
    if besides:
        query["bool"]["must_not"] = [_terms("id", list(besides))]
    return query


def similar_names(groups: Sequence[KeyGroup], day: date) -> Clause:
    """Published records sharing an area and a core of one of the row's key groups
    (`credit.screening.keys`; at least one: a name without a core is not looked up).

    Filters only: the engine ranks the records it gets by how many cores they share
    (`candidates.rank_by_shared_keys`), not the cluster.
    """
    either = [
        _bool(filter=[_terms(AREA_FIELD, list(g.areas)), _terms(CORE_FIELD, list(g.cores))])
        for g in groups
    ]
    return _bool(filter=[*published_on(day), either[0] if len(either) == 1 else _any(*either)])


def case_search(plan: TextPlan, flt: CaseFilter, day: date) -> Clause:
    """Cases published by `day`, filtered, matching every token of the text."""
    filters: list[Clause] = [_range("published_on", lte=day.isoformat())]
    if flt.case_types:
        filters.append(_terms("case_type", flt.case_types))
    if flt.region:
        filters.append(_term("province", flt.region.ljust(6, "0")))
    if flt.year:
        filters.append(_term("year", str(flt.year)))
    if flt.publisher:
        filters.append(_terms("publishers", text.spellings(flt.publisher)))
    if flt.tag:
        filters.append(_terms("tags", text.spellings(flt.tag)))
    must = []
    for token in plan.tokens:
        should = [_term(field, token, boost) for field, boost in CASE_TEXT_FIELDS.items()]
        if len(token) >= 2:
            should.append(_phrase("title_ngram", text.name_bigrams(token)))
        must.append(_any(*should))
    query = _bool(filter=filters)
    if must:
        query["bool"]["must"] = must
    return query


def case_by_id(case_id: str, day: date) -> Clause:
    return _bool(filter=[_term("id", case_id), _range("published_on", lte=day.isoformat())])


# --- sort, facets, highlights --------------------------------------------------------------

TIEBREAKER = "id"


def sort_by(newest_field: str | None) -> list[Clause]:
    """Relevance (or newest first by a day field), then the unique id: a total order for
    `search_after`."""
    first = {newest_field: {"order": "desc"}} if newest_field else {"_score": {"order": "desc"}}
    return [first, {TIEBREAKER: {"order": "asc"}}]


def facets(fields: dict[str, str], size: int = 100) -> dict[str, Clause]:
    """A terms aggregation per facet (name → field)."""
    return {name: {"terms": {"field": field, "size": size}} for name, field in fields.items()}


MARK_OPEN = "\x02"
MARK_CLOSE = "\x03"


def highlight(fields: dict[str, bool]) -> Clause:
    """Highlights of the segmented fields (field → long text, cut into fragments), marked
    with control characters that cannot occur in the text; turned into `<mark>` on the
    original values by `es_highlight`."""
    spec: dict[str, Clause] = {}
    for field, long_text in fields.items():
        spec[field] = (
            {"fragment_size": 200, "number_of_fragments": 5}
            if long_text
            else {"number_of_fragments": 0}
        )
    return {"pre_tags": [MARK_OPEN], "post_tags": [MARK_CLOSE], "fields": spec}
