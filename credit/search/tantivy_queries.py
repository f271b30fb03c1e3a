"""Pure functions that build tantivy queries from a plan, a filter and a day."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

import tantivy
from tantivy import Occur, Query

from credit import text
from credit.screening.keys import KeyGroup
from credit.search import tantivy_layout as layout
from credit.search import tantivy_windows as windows
from credit.search.documents import AREA_FIELD, CORE_FIELD, day_number
from credit.search.plan import EXACT_FIELDS, TextPlan
from credit.search.query import CaseFilter, RecordFilter

NAME_BOOST = 5.0
EXACT_BOOST = 1000.0
TEXT_FIELDS = {
    "name_text": NAME_BOOST,
    "former_text": 3.0,
    "reason_text": 1.0,
    "authority_text": 1.0,
}
INT = tantivy.FieldType.Integer
RULE_SCORE = 2.0  # what the publication rule adds to every hit's score
COMMON_SHARE = 20


def published_on(schema: tantivy.Schema, day: date, *, as_terms: bool = False) -> Query:
    """The publication rule: `publish_from ≤ day ≤ last_day`.

    `last_day` is the last day the window can publish (`publish_until`, or the day
    before `delisted_on`, whichever is earlier; a far day when open-ended; 0 when
    the window is empty), computed once per document by `record_document`: two
    range clauses instead of three. Range clauses read a column value per record
    they pass: cheap beside a few records, most of the time of a search that
    matches many. `as_terms` asks for the rule as the window's terms instead
    (`tantivy_windows`): the same records and the same score (2), through postings
    that are cheap to skip in either case.
    """
    terms = windows.day_terms(day) if as_terms else None
    if terms is not None:
        spans = [(Occur.Should, Query.term_query(schema, windows.FIELD, term)) for term in terms]
        return Query.const_score_query(Query.boolean_query(spans), RULE_SCORE)
    number = day_number(day)
    ranges = Query.boolean_query(
        [
            (Occur.Must, Query.range_query(schema, "from_day", INT, None, number)),
            (Occur.Must, Query.range_query(schema, "last_day", INT, number, None)),
        ]
    )
    # A range clause scores 0 or 1 depending on the segment (whether it holds only
    # matching values): constant, so the rule never reorders hits.
    return Query.const_score_query(ranges, RULE_SCORE)


def _any_of(schema: tantivy.Schema, field: str, values: Sequence[str]) -> Query:
    return Query.term_set_query(schema, field, list(values))


def record_filter(schema: tantivy.Schema, flt: RecordFilter) -> list[Query]:
    """One clause per set filter."""
    clauses = [
        _any_of(schema, field, values)
        for field, values in (
            ("kind", flt.kinds),
            ("category", flt.categories),
            ("severity", flt.severities),
            ("subject_type", flt.subject_types),
        )
        if values
    ]
    if flt.region:
        clauses.append(_region(schema, flt.region))
    if flt.authority:
        clauses.append(Query.term_query(schema, "authority", flt.authority))
    if flt.published_since:
        clauses.append(
            Query.range_query(schema, "from_day", INT, day_number(flt.published_since), None)
        )
    if flt.decided_from or flt.decided_until:
        low = day_number(flt.decided_from) if flt.decided_from else None
        high = day_number(flt.decided_until) if flt.decided_until else None
        clauses.append(Query.range_query(schema, "decided_day", INT, low, high))
    return clauses


def _region(schema: tantivy.Schema, region: str) -> Query:
    code = region.ljust(6, "0")
    if code.endswith("0000"):
        return Query.term_query(schema, "province", code)
    if code.endswith("00"):
        return Query.term_query(schema, "prefecture", code)
    return Query.term_query(schema, "region_code", code)


def _phrase(schema: tantivy.Schema, field: str, words: Sequence[str]) -> Query:
    if len(words) == 1:
        return Query.term_query(schema, field, words[0])
    return Query.phrase_query(schema, field, list(words))


def _substring(schema: tantivy.Schema, field: str, bigrams: Sequence[str]) -> Query:
    """A substring over a bigram field: every other bigram (and the last) covers every
    character, so the phrase needs about half the terms."""
    if len(bigrams) <= 2:
        return _phrase(schema, field, bigrams)
    positions = [*range(0, len(bigrams) - 1, 2), len(bigrams) - 1]
    words: list[str | tuple[int, str]] = [(p, bigrams[p]) for p in dict.fromkeys(positions)]
    return Query.phrase_query(schema, field, words)


def _token_matches(
    schema: tantivy.Schema, token: str, joined: Sequence[str] = (), *, common: bool = False
) -> Query:
    """A token found in any searched field, or inside the name as a substring.

    A one-character token also matches where it is joined to a neighbouring token
    (`joined`, see `TextPlan.joined_tokens`) inside the name. Whether a record matches
    is decided by `any_text`, one posting list that holds the token wherever it is —
    and a name's bigrams and dictionary words, so a substring of a name that is one of
    them is found there too; other substrings (words jieba guessed) by phrases over the
    name's bigrams. The per-field clauses only add to the score of the records found —
    but not for a `common` token: scoring reads a clause's postings around every record
    found, which for a word in many records costs more than the whole match, and adds
    little (such a word tells records apart by its `any_text` score already).
    """
    matching = [
        (Occur.Should, Query.term_query(schema, layout.ANY_TEXT, token)),
        (Occur.Should, Query.term_query(schema, "decision_exact", token)),
    ]
    scoring = (
        []
        if common
        else [
            (Occur.Should, Query.boost_query(Query.term_query(schema, field, token), boost))
            for field, boost in TEXT_FIELDS.items()
        ]
    )
    substrings = (token, *joined) if len(token) >= 2 and not text.kept_whole(token) else joined
    for substring in substrings:
        bigrams = text.name_bigrams(substring)
        if len(bigrams) == 1 or text.in_dictionary(substring):  # in `any_text` already
            word = bigrams[0] if len(bigrams) == 1 else substring
            if word != token:
                matching.append((Occur.Should, Query.term_query(schema, layout.ANY_TEXT, word)))
            continue
        for field, boost in (("name_ngram", NAME_BOOST * 4), ("former_ngram", NAME_BOOST * 2)):
            phrase = Query.boost_query(_substring(schema, field, bigrams), boost)
            matching.append((Occur.Should, phrase))
    return Query.boolean_query([(Occur.Must, Query.boolean_query(matching)), *scoring])


def text_query(
    schema: tantivy.Schema, plan: TextPlan, common: Collection[str] = frozenset()
) -> Query:
    """What the words of a query match, best first: exact name, name substring, all tokens.

    `common` are the tokens many records hold (`common_tokens`)."""
    if plan.uscc:
        return Query.term_query(schema, "uscc", plan.uscc)
    alternatives: list[tuple[Occur, Query]] = []
    if plan.name_exact:
        for field in EXACT_FIELDS:
            exact = Query.term_query(schema, field, plan.name_exact)
            alternatives.append((Occur.Should, Query.boost_query(exact, EXACT_BOOST)))
    one_token_is_the_name = len(plan.tokens) == 1 and (
        tuple(text.name_bigrams(plan.tokens[0])) == plan.name_bigrams
    )
    if plan.name_bigrams and not one_token_is_the_name:  # else the token's clauses hold it
        substring = _substring(schema, "name_ngram", plan.name_bigrams)
        alternatives.append((Occur.Should, Query.boost_query(substring, NAME_BOOST * 4)))
        former = _substring(schema, "former_ngram", plan.name_bigrams)
        alternatives.append((Occur.Should, Query.boost_query(former, NAME_BOOST * 2)))
    if plan.tokens:
        joined = plan.joined_tokens
        every_token = [
            (
                Occur.Must,
                _token_matches(schema, token, joined.get(token, ()), common=token in common),
            )
            for token in plan.tokens
        ]
        alternatives.append((Occur.Should, Query.boolean_query(every_token)))
    for field, typed, variants in (
        ("name_pinyin", plan.pinyin, plan.pinyin_variants),
        ("name_initials", plan.initials, plan.initials_variants),
    ):
        if typed:
            phrase = _phrase(schema, field, typed)
            alternatives.append((Occur.Should, Query.boost_query(phrase, NAME_BOOST)))
        for variant in variants:  # a region's level word left out (深圳[市]创明)
            phrase = _phrase(schema, field, variant)
            alternatives.append((Occur.Should, Query.boost_query(phrase, NAME_BOOST * 0.8)))
    return Query.boolean_query(alternatives) if alternatives else Query.empty_query()


def record_search(
    schema: tantivy.Schema,
    plan: TextPlan,
    flt: RecordFilter,
    day: date,
    common: Collection[str] = frozenset(),
    *,
    many: bool = True,
) -> Query:
    """A whole record search: text (if any), filters, and the publication rule.

    `many` says the search probably finds many records: the rule goes as the window's
    terms, cheap beside many hits; a search finding a few hundred or less (a name) is
    faster with the two range conditions (measured: 1.1 against 1.7 ms for 161 hits)."""
    rule = published_on(schema, day, as_terms=many)
    clauses: list[tuple[Occur, Query]] = [(Occur.Must, rule)]
    clauses += [(Occur.Must, clause) for clause in record_filter(schema, flt)]
    if not plan.empty:
        clauses.append((Occur.Must, text_query(schema, plan, common)))
    return Query.boolean_query(clauses)


def common_tokens(searcher: tantivy.Searcher, plan: TextPlan) -> frozenset[str]:
    """The query's tokens held by more than one record in `COMMON_SHARE`."""
    limit = searcher.num_docs / COMMON_SHARE
    return frozenset(t for t in plan.tokens if searcher.doc_freq(layout.ANY_TEXT, t) > limit)


def published_where(schema: tantivy.Schema, day: date, field: str, values: Sequence[str]) -> Query:
    """Records published on `day` whose `field` is one of `values`."""
    return Query.boolean_query(
        [
            (Occur.Must, published_on(schema, day)),
            (Occur.Must, _any_of(schema, field, values)),
        ]
    )


def exact_candidates(
    schema: tantivy.Schema,
    day: date,
    usccs: Sequence[str],
    names: Sequence[str],
    kinds: Sequence[str] | None = None,
    besides: Collection[str] = (),
) -> Query:
    """Records published on `day` with one of these USCCs, or one of these normalized names
    as their name or a former name (a batch of screened rows at once); only records of
    `kinds` when given, and none whose id is `besides`."""
    # each value a term query, not one term set: a term set walks the field's dictionary
    # (1,000 rows of `bench screen`: 5.0 against 7.3 ms a batch)
    either = [_either(schema, "uscc", usccs)] if usccs else []
    if names:
        either += [_either(schema, field, names) for field in ("name_exact", "former_exact")]
    if not either:
        return Query.empty_query()
    clauses = [(Occur.Must, published_on(schema, day)), (Occur.Must, _union(either))]
    if kinds is not None:
        clauses.append((Occur.Must, _any_of(schema, "kind", kinds)))
    if besides:
        clauses.append((Occur.MustNot, _any_of(schema, "id", list(besides))))
    return Query.boolean_query(clauses)


def similar_names(
    schema: tantivy.Schema, group_lists: Sequence[Sequence[KeyGroup]], day: date
) -> list[Query]:
    """Per row's key groups (`credit.screening.keys`, at least one: a name without a core
    asks none and is not looked up), the records published on `day` sharing an area and a
    core of one group, those sharing more cores first (the areas add nothing to the
    score). The rule is built once for the batch, as the window's terms: a few hits each,
    where the range conditions cost more (4,127 searches: 0.45 against 0.57 s on one
    thread, 1,000,000 records)."""
    rule = published_on(schema, day, as_terms=True)
    areas: dict[tuple[str, ...], Query] = {}  # a batch asks few distinct areas: built once

    def in_areas(asked: tuple[str, ...]) -> Query:
        if asked not in areas:
            areas[asked] = Query.const_score_query(_either(schema, AREA_FIELD, asked), 0.0)
        return areas[asked]

    built: list[Query] = []
    for groups in group_lists:
        shared = [
            in_areas(group.areas).and_must_match(_either(schema, CORE_FIELD, group.cores))
            for group in groups
        ]
        built.append(rule.and_must_match(_union(shared)))
    return built


def _either(schema: tantivy.Schema, field: str, values: Sequence[str]) -> Query:
    """Records holding one of `values` in `field`, scored by how many (and how rare)."""
    return _union([Query.term_query(schema, field, value) for value in values])


def _union(queries: Sequence[Query]) -> Query:
    """Records any of `queries` (at least one) finds, their scores added."""
    # `or_should_match` builds the same boolean query as `boolean_query` with Should
    # clauses, without a tuple per query (0.15 against 0.18 s for 6,000 rows)
    first, *others = queries
    return first.or_should_match(*others) if others else first


def case_search(schema: tantivy.Schema, plan: TextPlan, flt: CaseFilter, day: date) -> Query:
    """Cases published by `day`, filtered, matching every token of the text."""
    clauses: list[tuple[Occur, Query]] = [
        (Occur.Must, Query.range_query(schema, "published_day", INT, None, day_number(day)))
    ]
    if flt.case_types:
        clauses.append((Occur.Must, _any_of(schema, "case_type", flt.case_types)))
    if flt.region:
        clauses.append((Occur.Must, Query.term_query(schema, "province", flt.region.ljust(6, "0"))))
    if flt.year:
        clauses.append((Occur.Must, Query.term_query(schema, "year", str(flt.year))))
    if flt.publisher:
        clauses.append((Occur.Must, _any_of(schema, "publishers", text.spellings(flt.publisher))))
    if flt.tag:
        clauses.append((Occur.Must, _any_of(schema, "tags", text.spellings(flt.tag))))
    for token in plan.tokens:
        fields = {"title_text": 3.0, "body_text": 1.0, "basis_text": 1.0, "tags_text": 2.0}
        should = [
            (Occur.Should, Query.boost_query(Query.term_query(schema, field, token), boost))
            for field, boost in fields.items()
        ]
        if len(token) >= 2:
            should.append(
                (Occur.Should, _substring(schema, "title_ngram", text.name_bigrams(token)))
            )
        clauses.append((Occur.Must, Query.boolean_query(should)))
    return Query.boolean_query(clauses)
