"""The schema: the query types of each module merged into one `Query`.

Each area adds its own query type here (a screening or statistics module brings its
`…Queries` class and its types; nothing else changes).
"""

from __future__ import annotations

from strawberry.tools import merge_types

from api.cases import CaseQueries
from api.errors import ApiSchema, PublicErrors
from api.info import InfoQueries
from api.limits import limit_extensions
from api.records import RecordQueries
from api.screening import ScreeningQueries
from api.statistics import StatisticsQueries

QUERIES: tuple[type, ...] = (
    RecordQueries,
    CaseQueries,
    InfoQueries,
    ScreeningQueries,
    StatisticsQueries,
)


def build_schema() -> ApiSchema:
    """The public schema, with the document limits and the public error mapping."""
    query = merge_types("Query", QUERIES)
    return ApiSchema(query=query, extensions=[*limit_extensions(), PublicErrors])


SCHEMA = build_schema()
