"""The scale-out engine: reads one Elasticsearch cluster through its aliases, async.

A portal node needs nothing but the cluster's URL: the aliases
`{prefix}-records` and `{prefix}-cases` name the current indices, and the
records index carries the data version it reflects in its mapping's `_meta`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date
from typing import Any

from elasticsearch import AsyncElasticsearch

from credit.screening.keys import query_keys
from credit.search import candidates
from credit.search import es_cursors as cursors
from credit.search import es_highlight as marks
from credit.search import es_mappings as layout
from credit.search import es_queries as queries
from credit.search.candidates import Lookup
from credit.search.documents import CORE_FIELD
from credit.search.engine import Body
from credit.search.errors import EngineUnavailable
from credit.search.es_client import async_client, public_errors
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
    entity_of,
    page_size_at,
)

ENTITY_LIMIT = 1_000
RESULT_WINDOW = 10_000
"""The most hits one search returns (Elasticsearch's `index.max_result_window`)."""
COUNTABLE = frozenset({*FACET_NAMES, "month", "severity", "subject_type", "prefecture"})
CASE_FACETS = ("case_type", "year", "province", "publishers")
BODY_ONLY = ["body"]
SIMILAR_SOURCE = ["body", CORE_FIELD]
SIMILAR_OVERFETCH = 4
"""Similar-name records fetched per record wanted, to rank by keys shared (a `terms`
filter does not score)."""
EVERY_HIT_PAGE = 5_000
"""Records a page when every match is wanted (a cluster refuses pages past 10,000)."""
MSEARCH_CHUNK = 100
"""Similar-name searches sent in one `msearch` request."""

Response = dict[str, Any]


class ElasticsearchEngine:
    """The `SearchEngine` reads, each one request (or two for screening) to the cluster."""

    def __init__(self, urls: Sequence[str], prefix: str) -> None:
        layout.check_prefix(prefix)
        self.client: AsyncElasticsearch = async_client(urls)
        self.records = layout.records_alias(prefix)
        self.cases = layout.cases_alias(prefix)

    async def _search(self, index: str, *, paging: bool = False, **request: Any) -> Response:
        with public_errors(paging=paging):
            response = await self.client.search(index=index, **request)
        body: Response = response.body
        return body

    async def data_version(self) -> int:
        with public_errors():
            response = await self.client.indices.get_mapping(index=self.records)
        layout.check_record_fields(response.body)
        return layout.data_version_of(response.body)

    async def close(self) -> None:
        await self.client.close()

    # -- records -------------------------------------------------------------------------

    async def search_records(self, query: SearchQuery, *, day: date) -> SearchPage:
        size = check_size(query.size)
        plan = plan_text(query.text)
        newest = query.sort == "newest" or plan.empty
        order = "newest" if newest else "relevance"
        position = cursors.decode(query.cursor, order)
        size = page_size_at(position.offset, size)
        request: dict[str, Any] = {
            "query": queries.record_search(plan, query.filter, day),
            "sort": queries.sort_by("decided_on" if newest else None),
        }
        if query.facets:
            request["aggs"] = queries.facets({name: name for name in FACET_NAMES})
        return await self._page(
            self.records, request, position, size, order, plan, marks.RECORD_SHOWN, day
        )

    async def get_record(self, record_id: str, *, day: date) -> Body | None:
        found = await self._published(day, "id", [record_id], limit=1)
        return found[0] if found else None

    async def get_entity(self, uscc: str, *, day: date) -> Entity | None:
        records = await self._published(day, "uscc", [uscc], limit=ENTITY_LIMIT, newest=True)
        return entity_of(uscc, records)

    async def find_candidates(
        self,
        lookups: Sequence[Lookup],
        *,
        day: date,
        kinds: Sequence[str] | None = None,
        besides: Collection[str] = (),
    ) -> list[list[Candidate]]:
        usccs, names = candidates.exact_keys(lookups)
        exact: list[Body] = []
        if usccs or names:
            exact = await self._every_hit(
                queries.exact_candidates(day, usccs, names, kinds, besides)
            )
        answers = candidates.assign_exact(lookups, exact)
        asked = candidates.similar_asked(lookups)
        if asked:
            candidates.add_similar(lookups, answers, await self._similar(asked, day))
        return answers

    async def _similar(
        self, asked: list[candidates.Similar], day: date
    ) -> dict[candidates.Similar, list[tuple[float, Body]]]:
        """Every similar-name search of the batch, `MSEARCH_CHUNK` to one `msearch`."""
        keyed = [(item, groups) for item in asked if (groups := query_keys(item[0]))]
        found: dict[candidates.Similar, list[tuple[float, Body]]] = {}
        for start in range(0, len(keyed), MSEARCH_CHUNK):
            chunk = keyed[start : start + MSEARCH_CHUNK]
            searches: list[dict[str, Any]] = []
            for (_, limit), groups in chunk:
                query = queries.similar_names(groups, day)
                size = limit * SIMILAR_OVERFETCH
                searches += [{}, {"query": query, "size": size, "_source": SIMILAR_SOURCE}]
            with public_errors():
                response = await self.client.msearch(index=self.records, searches=searches)
            for (item, groups), answer in zip(chunk, response.body["responses"], strict=True):
                if "error" in answer:
                    raise EngineUnavailable(f"相近名称查询失败：{answer['error']}")
                hits = [
                    (h["_source"].get(CORE_FIELD) or [], h["_source"]["body"])
                    for h in answer["hits"]["hits"]
                ]
                cores = [core for group in groups for core in group.cores]
                found[item] = candidates.rank_by_shared_keys(cores, hits, item[1])
        return found

    async def published_record_ids(self, record_ids: Sequence[str], *, day: date) -> set[str]:
        if not record_ids:
            return set()
        unique = list(dict.fromkeys(record_ids))
        found: set[str] = set()
        for start in range(0, len(unique), RESULT_WINDOW):  # a search returns at most that
            part = unique[start : start + RESULT_WINDOW]
            response = await self._search(
                self.records,
                query=queries.published_where(day, "id", part),
                size=len(part),
                source=False,
            )
            found |= {str(hit["_id"]) for hit in response["hits"]["hits"]}
        return found

    async def count_records(
        self, *, day: date, by: Sequence[str], filter: RecordFilter | None = None
    ) -> dict[str, list[FacetValue]]:
        unknown = set(by) - COUNTABLE
        if unknown:
            raise ValueError(f"cannot count by {sorted(unknown)}")
        response = await self._search(
            self.records,
            query=queries.record_search(plan_text(""), filter or RecordFilter(), day),
            size=0,
            track_total_hits=False,
            aggs=queries.facets({name: name for name in by}, size=1000),
        )
        return _facets(response, by)

    async def _every_hit(self, query: dict[str, Any]) -> list[Body]:
        """Bodies of every record the query finds, in pages by id (a page stays inside the
        cluster's result window however many records match)."""
        request: dict[str, Any] = {
            "query": query,
            "source": BODY_ONLY,
            "size": EVERY_HIT_PAGE,
            "sort": [{queries.TIEBREAKER: {"order": "asc"}}],
            "track_total_hits": False,
        }
        bodies: list[Body] = []
        while True:
            hits = (await self._search(self.records, **request))["hits"]["hits"]
            bodies += [hit["_source"]["body"] for hit in hits]
            if len(hits) < EVERY_HIT_PAGE:
                return bodies
            request["search_after"] = hits[-1]["sort"]

    async def _published(
        self,
        day: date,
        field: str,
        values: list[str],
        *,
        limit: int,
        newest: bool = False,
    ) -> list[Body]:
        """Bodies of records published on `day` whose `field` is in `values`."""
        query = queries.published_where(day, field, values)
        request: dict[str, Any] = {"query": query, "size": limit, "source": BODY_ONLY}
        if newest:
            request["sort"] = queries.sort_by("decided_on")
        response = await self._search(self.records, **request)
        return [hit["_source"]["body"] for hit in response["hits"]["hits"]]

    # -- cases ---------------------------------------------------------------------------

    async def search_cases(self, query: CaseQuery, *, day: date) -> SearchPage:
        size = check_size(query.size)
        plan = plan_text(query.text)
        order = "newest" if plan.empty else "relevance"
        position = cursors.decode(query.cursor, order)
        size = page_size_at(position.offset, size)
        request: dict[str, Any] = {
            "query": queries.case_search(plan, query.filter, day),
            "sort": queries.sort_by("published_on" if plan.empty else None),
        }
        if query.facets:
            request["aggs"] = queries.facets({name: name for name in CASE_FACETS})
        return await self._page(
            self.cases, request, position, size, order, plan, marks.CASE_SHOWN, day
        )

    async def get_case(self, case_id: str, *, day: date) -> Body | None:
        response = await self._search(
            self.cases, query=queries.case_by_id(case_id, day), size=1, source=BODY_ONLY
        )
        hits = response["hits"]["hits"]
        return hits[0]["_source"]["body"] if hits else None

    # -- pages ---------------------------------------------------------------------------

    async def _page(
        self,
        index: str,
        request: dict[str, Any],
        position: cursors.Position,
        size: int,
        order: str,
        plan: TextPlan,
        shown: dict[str, bool],
        day: date,
    ) -> SearchPage:
        """One page of hits with its total, facets, highlights and the next cursor."""
        highlighted = marks.RECORD_FIELDS if index == self.records else marks.CASE_FIELDS
        if not plan.empty and not plan.uscc:
            request["highlight"] = queries.highlight(highlighted)
        response = await self._search(
            index,
            paging=position.offset > 0,
            size=size,
            track_total_hits=True,
            source=BODY_ONLY,
            **request,
            **cursors.page_request(position),
        )
        hits = response["hits"]["hits"]
        total = int(response["hits"]["total"]["value"])
        id_field = "record_id" if index == self.records else "case_id"
        page_hits = [_hit(hit, id_field, plan, shown) for hit in hits]
        last_sort = hits[-1]["sort"] if hits else None
        following = cursors.following(position, len(hits), size, total, last_sort, order)
        facets = _facets(response, list(request.get("aggs", {})))
        return SearchPage(page_hits, total, facets, following, day)


def _hit(hit: dict[str, Any], id_field: str, plan: TextPlan, shown: dict[str, bool]) -> Hit:
    body: Body = hit["_source"]["body"]
    terms = marks.terms_of(hit.get("highlight", {}), plan.raw)
    score = float(hit["_score"]) if hit.get("_score") is not None else 0.0
    return Hit(str(body[id_field]), body, marks.shown(body, terms, shown), score)


def _facets(response: Response, names: Iterable[str]) -> dict[str, list[FacetValue]]:
    aggregations = response.get("aggregations", {})
    return {
        name: [
            FacetValue(str(bucket["key"]), int(bucket["doc_count"]))
            for bucket in aggregations.get(name, {}).get("buckets", [])
            if bucket["key"] != ""
        ]
        for name in names
    }
