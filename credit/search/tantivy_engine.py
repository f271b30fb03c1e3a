"""The embedded engine: tantivy indices in the data directory, no server."""

from __future__ import annotations

import base64
import contextlib
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any, TypeVar, cast

import orjson
import psutil
import tantivy
from tantivy import Occur, Query

from credit import text
from credit.cores import usable_cores
from credit.screening.keys import query_keys
from credit.search import candidates
from credit.search import tantivy_layout as layout
from credit.search import tantivy_queries as queries
from credit.search import tantivy_windows as windows
from credit.search.added_ids import AddedIds
from credit.search.candidates import Lookup
from credit.search.documents import NAME_SEPARATOR, count_facets, day_number
from credit.search.engine import Body, Document, RecordForm
from credit.search.errors import EngineUnavailable
from credit.search.highlight import highlight
from credit.search.plan import TextPlan, plan_text
from credit.search.query import (
    FACET_NAMES,
    Candidate,
    CaseQuery,
    Entity,
    FacetValue,
    Hit,
    RecordFilter,
    SearchPage,
    SearchQuery,
    check_size,
    decode_cursor,
    entity_of,
    next_cursor,
    page_size_at,
)
from credit.search.threads import in_thread

RELOAD_CHECK_SECONDS = 0.2
SEARCH_THREADS = usable_cores()
_SEARCH_POOL = ThreadPoolExecutor(max_workers=SEARCH_THREADS, thread_name_prefix="search")
"""Many small searches of one request (screening) run here: tantivy releases the GIL."""
ENTITY_LIMIT = 1_000
COUNTABLE = frozenset({*FACET_NAMES, "month", "severity", "subject_type", "prefecture"})
CASE_FACETS = ("case_type", "year", "province", "publishers")
_FACET_FIELDS = {"province": "province"}
# A search whose words each occur in this many records counts its facets in a second
# thread while it collects its hits (the two passes over the index take as long as
# each other); a search expected to find less runs one after the other, and a search
# whose hits all fit on the page counts just those (see `_page`).
FACETS_BESIDE_HITS = 2_000
_FACET_THREADS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="tantivy-facets")
FACET_CACHE_SIZE = 128
"""Facets of searches finding many records, kept per (text, filter, day, data version):
popular words are asked again and again, and counting them is most of their cost. A
commit changes the data version, so a delisted record leaves the counts with it."""
FacetKey = tuple[str, RecordFilter, date, int]


class FacetCache:
    """A small least-recently-used map from searches to their facets (thread-safe)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._kept: OrderedDict[FacetKey, dict[str, list[FacetValue]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: FacetKey) -> dict[str, list[FacetValue]] | None:
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
            return found

    def put(self, key: FacetKey, facets: dict[str, list[FacetValue]]) -> None:
        with self._lock:
            self._kept[key] = facets
            self._kept.move_to_end(key)
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)


class TantivyEngine:
    """Reads the current tantivy index; picks up new commits and rebuilt indices by itself."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.record_schema = layout.record_schema()
        self.case_schema = layout.case_schema()
        self._directory: Path | None = None
        self._checked = 0.0
        self._state_mtime = 0
        self._reload_lock = threading.Lock()
        self._facet_cache = FacetCache(FACET_CACHE_SIZE)
        self._open()

    # -- freshness -----------------------------------------------------------------------

    def _open(self) -> None:
        directory = layout.current_dir(self.data_dir)
        if directory is None:
            raise EngineUnavailable("搜索索引尚未建立，请先运行 ipcredit index 导入数据。")
        self.records = layout.open_index(directory / "records", self.record_schema)
        self.cases = layout.open_index(directory / "cases", self.case_schema)
        self._directory = directory
        self._version = layout.read_state(directory)
        self._state_mtime = _mtime(directory / layout.STATE)

    def _fresh(self) -> None:
        """Reload after a commit or reopen after a rebuild (checked every 0.2 s at most)."""
        now = time.monotonic()
        if now - self._checked < RELOAD_CHECK_SECONDS:
            return
        with self._reload_lock:
            if now - self._checked >= RELOAD_CHECK_SECONDS:
                self._checked = now
                self._reload()

    def _reload(self) -> None:
        directory = layout.current_dir(self.data_dir)
        if directory != self._directory:
            self._open()
            return
        assert directory is not None
        mtime = _mtime(directory / layout.STATE)
        if mtime != self._state_mtime:
            self.records.reload()
            self.cases.reload()
            self._version = layout.read_state(directory)
            self._state_mtime = mtime

    @in_thread
    def data_version(self) -> int:
        self._fresh()
        return self._version

    async def close(self) -> None:
        """Nothing to release: tantivy closes with the objects."""

    # -- records -------------------------------------------------------------------------

    @in_thread
    def search_records(self, query: SearchQuery, *, day: date) -> SearchPage:
        size = check_size(query.size)
        offset = decode_cursor(query.cursor)
        size = page_size_at(offset, size)
        plan = plan_text(query.text)
        self._fresh()
        version = self._version  # before the searcher: facets are never older than their key
        searcher = self.records.searcher()
        common = queries.common_tokens(searcher, plan)
        expected_many = _many_hits(searcher, plan)
        q = queries.record_search(
            self.record_schema, plan, query.filter, day, common, many=expected_many
        )
        newest = query.sort == "newest" or plan.empty
        many = query.facets and expected_many
        key = (query.text, query.filter, day, version)
        known = self._facet_cache.get(key) if many else None
        page = _page(
            searcher,
            self.record_schema,
            q,
            size,
            offset,
            "decided_day" if newest else None,
            lambda searcher, score, address: _record_hit(searcher, score, address, plan),
            {name: _FACET_FIELDS.get(name, name) for name in FACET_NAMES} if query.facets else {},
            day,
            beside=many and known is None,
            count_found=_count_records,
            known_facets=known,
        )
        if many and known is None:
            self._facet_cache.put(key, page.facets)
        return page

    @in_thread
    def get_record(self, record_id: str, *, day: date) -> Body | None:
        self._fresh()
        found = self._published(day, "id", [record_id], limit=1)
        return found[0] if found else None

    @in_thread
    def get_entity(self, uscc: str, *, day: date) -> Entity | None:
        self._fresh()
        records = self._published(day, "uscc", [uscc], limit=ENTITY_LIMIT, newest=True)
        return entity_of(uscc, records)

    @in_thread
    def find_candidates(
        self,
        lookups: Sequence[Lookup],
        *,
        day: date,
        kinds: Sequence[str] | None = None,
        besides: Collection[str] = (),
    ) -> list[list[Candidate]]:
        self._fresh()
        searcher = self.records.searcher()
        usccs, names = candidates.exact_keys(lookups)
        exact: list[Body] = []
        if usccs or names:
            q = queries.exact_candidates(self.record_schema, day, usccs, names, kinds, besides)
            exact = _every_hit(searcher, q, floor=10 * len(lookups))
        answers = candidates.assign_exact(lookups, exact)
        asked = candidates.similar_asked(lookups)
        if asked:
            candidates.add_similar(lookups, answers, self._similar(searcher, asked, day))
        return answers

    def _similar(
        self, searcher: tantivy.Searcher, asked: list[candidates.Similar], day: date
    ) -> dict[candidates.Similar, list[tuple[float, Body]]]:
        """Each similar-name search: the queries built here, then only the searches run on
        the search threads, where tantivy runs them in parallel."""
        group_lists = [query_keys(name) for name, _ in asked]
        keyed = [index for index, groups in enumerate(group_lists) if groups]  # others: nothing
        built = queries.similar_names(self.record_schema, [group_lists[i] for i in keyed], day)
        planned: list[tuple[Query, int] | None] = [None] * len(asked)
        for index, query in zip(keyed, built, strict=True):
            planned[index] = (query, asked[index][1])

        def search(part: list[tuple[Query, int] | None]) -> list[list[tuple[float, Address]]]:
            return [
                [] if item is None else searcher.search(*item, count=False).hits for item in part
            ]

        found = _split(search, planned)
        bodies = iter(_bodies(searcher, [address for hits in found for _, address in hits]))
        return {
            item: [(score, next(bodies)) for score, _ in hits]
            for item, hits in zip(asked, found, strict=True)
        }

    @in_thread
    def published_record_ids(self, record_ids: Sequence[str], *, day: date) -> set[str]:
        if not record_ids:
            return set()
        self._fresh()
        found = self._published(day, "id", list(record_ids), limit=len(record_ids))
        return {str(record["record_id"]) for record in found}

    @in_thread
    def count_records(
        self, *, day: date, by: Sequence[str], filter: RecordFilter | None = None
    ) -> dict[str, list[FacetValue]]:
        unknown = set(by) - COUNTABLE
        if unknown:
            raise ValueError(f"cannot count by {sorted(unknown)}")
        self._fresh()
        q = queries.record_search(self.record_schema, plan_text(""), filter or RecordFilter(), day)
        return _facets(self.records.searcher(), q, {name: name for name in by}, size=1000)

    def _published(
        self, day: date, field: str, values: list[str], *, limit: int, newest: bool = False
    ) -> list[Body]:
        q = queries.published_where(self.record_schema, day, field, values)
        searcher = self.records.searcher()
        if newest:
            result = searcher.search(
                q, limit, count=False, order_by_field="decided_day", order=tantivy.Order.Desc
            )
        else:
            result = searcher.search(q, limit, count=False)
        return [_body(searcher, address) for _, address in result.hits]

    # -- cases ---------------------------------------------------------------------------

    @in_thread
    def search_cases(self, query: CaseQuery, *, day: date) -> SearchPage:
        size = check_size(query.size)
        offset = decode_cursor(query.cursor)
        size = page_size_at(offset, size)
        plan = plan_text(query.text)
        self._fresh()
        q = queries.case_search(self.case_schema, plan, query.filter, day)
        return _page(
            self.cases.searcher(),
            self.case_schema,
            q,
            size,
            offset,
            "published_day" if plan.empty else None,
            lambda searcher, score, address: _case_hit(searcher, score, address, plan),
            {name: name for name in CASE_FACETS} if query.facets else {},
            day,
        )

    @in_thread
    def get_case(self, case_id: str, *, day: date) -> Body | None:
        self._fresh()
        q = Query.boolean_query(
            [
                (Occur.Must, Query.term_query(self.case_schema, "id", case_id)),
                (
                    Occur.Must,
                    Query.range_query(
                        self.case_schema,
                        "published_day",
                        tantivy.FieldType.Integer,
                        None,
                        day_number(day),
                    ),
                ),
            ]
        )
        searcher = self.cases.searcher()
        hits = searcher.search(q, 1, count=False).hits
        return _body(searcher, hits[0][1]) if hits else None


Address = tantivy.DocAddress
T = TypeVar("T")
R = TypeVar("R")
MakeHit = Callable[[tantivy.Searcher, float, tantivy.DocAddress], Hit]
CountFound = Callable[[list[Body]], dict[str, list[FacetValue]]]
FACETS_FROM_HITS = 250


def _count_records(bodies: list[Body]) -> dict[str, list[FacetValue]]:
    return count_facets(bodies, FACET_NAMES)


def _page(
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    q: Query,
    size: int,
    offset: int,
    newest_by: str | None,
    make_hit: MakeHit,
    facet_fields: dict[str, str],
    day: date,
    *,
    beside: bool = False,
    count_found: CountFound | None = None,
    known_facets: dict[str, list[FacetValue]] | None = None,
) -> SearchPage:
    """One page of hits (by relevance, or newest first by a day field) with its facets.

    With `beside`, the facets are counted in another thread meanwhile (unless every
    facet thread is busy when the hits are in: then here, as without `beside`). With
    `count_found`, a first page collects up to `FACETS_FROM_HITS` hits and, when that is
    all of them, counts the facets from their stored bodies: a few stored documents
    read instead of a second pass over the index. `known_facets` are used as they are.
    """
    pending = _FACET_THREADS.submit(_facets, searcher, q, facet_fields) if beside else None
    counter = count_found if facet_fields and not beside and offset == 0 else None
    collect = max(size, FACETS_FROM_HITS) if counter is not None else size
    if newest_by:
        result = searcher.search(
            q, collect, offset=offset, order_by_field=newest_by, order=tantivy.Order.Desc
        )
    else:
        result = searcher.search(q, collect, offset=offset)
    hits = [make_hit(searcher, score, address) for score, address in result.hits[:size]]
    total = _count(result)
    if not facet_fields:
        facets = {}
    elif known_facets is not None:
        facets = known_facets
    elif pending is not None and not pending.cancel():
        facets = pending.result()
    elif counter is not None and total <= len(result.hits):
        rest = [_body(searcher, address) for _, address in result.hits[size:]]
        facets = counter([*(hit.body for hit in hits), *rest])
    else:
        facets = _facets(searcher, q, facet_fields)
    return SearchPage(hits, total, facets, next_cursor(offset, size, total), day)


def _many_hits(searcher: tantivy.Searcher, plan: TextPlan) -> bool:
    """Whether a search probably finds FACETS_BESIDE_HITS records or more: a guess from how
    many records hold each word (in its commonest field), the words taken as independent."""
    if plan.empty:
        return True
    records = max(searcher.num_docs, 1)
    guesses = []
    if plan.tokens:
        share = 1.0
        for token in plan.tokens:
            share *= max(searcher.doc_freq(field, token) for field in queries.TEXT_FIELDS) / records
        guesses.append(share * records)
    for field, syllables in (("name_pinyin", plan.pinyin), ("name_initials", plan.initials)):
        if syllables:  # a phrase: its syllables go together
            guesses.append(min(searcher.doc_freq(field, syllable) for syllable in syllables))
    return max(guesses, default=0) >= FACETS_BESIDE_HITS


def _every_hit(searcher: tantivy.Searcher, q: Query, *, floor: int) -> list[Body]:
    """Every record the query finds (counted first when there are more than `floor`)."""
    result = searcher.search(q, max(floor, 1), count=True)
    if _count(result) > len(result.hits):
        result = searcher.search(q, _count(result), count=False)
    return _bodies(searcher, [address for _, address in result.hits])


def _split(work: Callable[[list[T]], list[R]], items: list[T]) -> list[R]:
    """`work` over `SEARCH_THREADS` runs of `items` on the search threads, the results in
    order: a task per thread, not per item. For searches: tantivy releases the GIL."""
    size = -(-len(items) // SEARCH_THREADS)
    runs = [items[start : start + size] for start in range(0, len(items), size or 1)]
    return [result for run in _SEARCH_POOL.map(work, runs) for result in run]


def _bodies(searcher: tantivy.Searcher, addresses: list[Address]) -> list[Body]:
    """The stored bodies of many documents (in the order asked), each read once and in
    index order: neighbours share a compressed block of the store."""
    located = [(address.segment_ord, address.doc) for address in addresses]
    distinct = dict(zip(located, addresses, strict=True))
    parsed = {where: _body(searcher, distinct[where]) for where in sorted(distinct)}
    return [parsed[where] for where in located]


def _count(result: tantivy.SearchResult) -> int:
    """The hit total (the type stubs of tantivy lack `count`)."""
    return int(getattr(result, "count", 0) or 0)


def _mtime(path: Path) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except FileNotFoundError:
        return 0


def _body(searcher: tantivy.Searcher, address: tantivy.DocAddress) -> Body:
    body: Body = orjson.loads(cast(bytes, searcher.doc(address).get_first("body")))
    return body


def _record_hit(
    searcher: tantivy.Searcher, score: float, address: tantivy.DocAddress, plan: TextPlan
) -> Hit:
    body = _body(searcher, address)
    return Hit(str(body["record_id"]), body, _highlights(body, plan, RECORD_HIGHLIGHTS), score)


def _case_hit(
    searcher: tantivy.Searcher, score: float, address: tantivy.DocAddress, plan: TextPlan
) -> Hit:
    body = _body(searcher, address)
    return Hit(str(body["case_id"]), body, _highlights(body, plan, CASE_HIGHLIGHTS), score)


RECORD_HIGHLIGHTS = {
    "subject_name": False,
    "reason": True,
    "authority": False,
    "decision_no": False,
}
CASE_HIGHLIGHTS = {"title": False, "summary": True, "facts": True}


def _highlights(body: Body, plan: TextPlan, fields: dict[str, bool]) -> dict[str, str]:
    terms = plan.highlight_terms
    if not terms:
        return {}
    marked: dict[str, str] = {}
    for field, snippet in fields.items():
        value = body.get(field)
        if isinstance(value, str) and (shown := highlight(value, terms, snippet=snippet)):
            marked[field] = shown
    for former in body.get("former_names", []):
        if shown := highlight(str(former), terms):
            marked.setdefault("former_names", shown)
    return marked


def _facets(
    searcher: tantivy.Searcher, q: Query, fields: dict[str, str], size: int = 100
) -> dict[str, list[FacetValue]]:
    spec = {name: {"terms": {"field": field, "size": size}} for name, field in fields.items()}
    result: dict[str, Any] = searcher.aggregate(q, spec)
    return {
        name: [
            FacetValue(str(bucket["key"]), int(bucket["doc_count"]))
            for bucket in result.get(name, {}).get("buckets", [])
            if bucket["key"] != ""
        ]
        for name in fields
    }


class TantivyWriter:
    """Writes one tantivy index directory; `apply` is one commit."""

    # One indexing thread: on two cores, a second one made twice the segments and merges
    # for no faster commits (the worker pool and this process use the cores meanwhile).
    HEAP_BYTES = 128 * 1024 * 1024
    REBUILD_HEAP_BYTES = 2_000 * 1024 * 1024
    """A rebuild's budget at most: 1,000,000 records in one segment (four with `HEAP_BYTES`),
    and a search costs per segment — screening's 4,000 similar-name searches 0.40 against
    0.75 s. Memory is taken as the records come (about 1.7 GB at 1,000,000), and never
    more than a third of what the machine has available (`rebuild_heap_bytes`)."""

    @classmethod
    def rebuild_heap_bytes(cls) -> int:
        """`REBUILD_HEAP_BYTES`, or a third of the memory available when that is less (a
        smaller machine gets more segments, not an out-of-memory kill); `HEAP_BYTES` at
        least."""
        return max(cls.HEAP_BYTES, min(cls.REBUILD_HEAP_BYTES, _available_memory() // 3))

    def __init__(self, directory: Path, heap_bytes: int = HEAP_BYTES) -> None:
        self.directory = directory
        self.records = layout.open_index(directory / "records", layout.record_schema())
        self.cases = layout.open_index(directory / "cases", layout.case_schema())
        self._record_writer = self.records.writer(heap_size=heap_bytes, num_threads=1)
        self._case_writer = self.cases.writer(heap_size=32 * 1024 * 1024, num_threads=1)
        self._added_records = AddedIds(empty=_is_empty(self.records))
        self._added_cases = AddedIds(empty=_is_empty(self.cases))

    @classmethod
    def for_data_dir(cls, data_dir: Path) -> TantivyWriter:
        """The writer of the current index, creating an empty one when there is none."""
        directory = layout.current_dir(data_dir)
        if directory is None:
            directory = layout.new_dir(data_dir)
            layout.write_state(directory, 0)
            writer = cls(directory)
            layout.switch_to(data_dir, directory)
            return writer
        return cls(directory)

    @property
    def record_form(self) -> RecordForm:
        return record_entry

    def synced_version(self) -> int:
        return layout.read_state(self.directory)

    def apply(
        self,
        *,
        records: Iterable[Entry],
        removed_records: Iterable[str],
        cases: Iterable[Document],
        removed_cases: Iterable[str],
        version: int,
    ) -> None:
        self.stage(
            records=records,
            removed_records=removed_records,
            cases=cases,
            removed_cases=removed_cases,
        )
        self._record_writer.commit()
        self._case_writer.commit()
        layout.write_state(self.directory, version)

    def stage(
        self,
        *,
        records: Iterable[Entry],
        removed_records: Iterable[str],
        cases: Iterable[Document],
        removed_cases: Iterable[str],
    ) -> None:
        """Replace and remove, uncommitted: the next `apply` commits them."""
        _replace(self._record_writer, self._added_records, records, removed_records)
        _replace(self._case_writer, self._added_cases, map(case_entry, cases), removed_cases)

    def add_new(self, records: Iterable[Entry]) -> None:
        """Added without a commit or a delete: one commit at the end of a rebuild leaves
        one large segment with `REBUILD_HEAP_BYTES` (ten with a commit per batch), and a
        search costs per segment."""
        for ident, line in records:
            self._added_records.add(ident)
            self._record_writer.add_json(line)

    def purge(self, *, day: date) -> int:
        schema = layout.record_schema()
        never_again = Query.range_query(
            schema,
            "last_day",
            tantivy.FieldType.Integer,
            None,
            day_number(day),
            include_upper=False,
        )
        self.records.reload()
        count = _count(self.records.searcher().search(never_again, 1))
        self._record_writer.delete_documents_by_query(never_again)
        self._record_writer.commit()
        return count

    def close(self) -> None:
        self._record_writer.wait_merging_threads()
        self._case_writer.wait_merging_threads()

    def abort(self) -> None:
        """Give up without committing, once every indexing and merging thread has ended.

        Call it before removing the directory: a merge still running would write files
        into it afterwards. (Not `rollback`: it detaches running merges instead of
        waiting for them.) Harmless after `close`.
        """
        for writer in (self._record_writer, self._case_writer):
            with contextlib.suppress(RuntimeError, ValueError):  # closed, or failed and consumed
                writer.wait_merging_threads()


def _available_memory() -> int:
    """Bytes of memory available to a new allocation, as the system counts it."""
    return int(psutil.virtual_memory().available)


Entry = tuple[str, str]
"""A document as `TantivyWriter.apply` takes it: its id, and its JSON for `add_json`."""


def _is_empty(index: tantivy.Index) -> bool:
    """Whether the index holds no document, as last committed (read again: call it once
    the writer holds the lock, so no one else commits after)."""
    index.reload()
    return bool(index.searcher().num_docs == 0)


def _replace(
    writer: tantivy.IndexWriter, added: AddedIds, entries: Iterable[Entry], removed: Iterable[str]
) -> None:
    """Delete each id, then add its new version; an id never added to an index that was
    empty when the writer opened has nothing to delete (`AddedIds`)."""
    for ident in removed:
        if added.may_hold(ident):
            writer.delete_documents_by_term("id", ident)
    for ident, line in entries:
        if added.may_hold(ident):
            writer.delete_documents_by_term("id", ident)
        added.add(ident)
        writer.add_json(line)


def record_entry(document: Document) -> Entry:
    """A record as this index holds it (the window as `last_day` and as terms), in the
    writer's form. Built in the worker pool: the main process hands tantivy the JSON."""
    fields = {key: value for key, value in document.items() if key not in layout.RECORD_LEFT_OUT}
    fields[windows.FIELD] = windows.document_terms(document["from_day"], document["last_day"])
    names = [document["name_exact"], *document["former_exact"]]
    fields[layout.ANY_TEXT] = " ".join(
        [
            *(document[source] for source in layout.ANY_TEXT_SOURCES),
            *(word for name in names for word in text.dictionary_words(name)),
        ]
    ).replace(NAME_SEPARATOR, " ")
    return _entry(fields)


def case_entry(document: Document) -> Entry:
    """A typical case in the writer's form."""
    return _entry(document)


def _entry(document: Document) -> Entry:
    """Empty values left out; the body as bytes (stored, not indexed: base64 in JSON)."""
    present = {key: value for key, value in document.items() if value not in ("", [])}
    present["body"] = base64.b64encode(document["body"].encode()).decode()
    return str(document["id"]), orjson.dumps(present).decode()
