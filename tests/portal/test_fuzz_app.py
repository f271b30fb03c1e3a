"""Fuzzing the app: generated query strings and GraphQL documents never give a 500 and
never come back as unescaped markup."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.testclient import TestClient

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
MARKUP = re.compile(r"<(script|img|svg|iframe)\b", re.IGNORECASE)
query_text = st.one_of(
    st.text(max_size=120),
    st.text(alphabet="<>\"'&;=%/\\ 深圳创明0123456789ABCDEFGHJKLMNPQRTUWXY", max_size=40),
    st.sampled_from(["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "%00", "\x00"]),
)
params = st.dictionaries(
    st.sampled_from(["q", "kind", "category", "province", "year", "sort", "after", "page"]),
    query_text,
    max_size=5,
)


@pytest.fixture
def http(samples_app: Starlette) -> Iterator[TestClient]:
    with TestClient(samples_app, raise_server_exceptions=False) as client:
        yield client


def _markup_free(text: str, asked: str) -> bool:
    """No tag from the input appears as markup (our own pages have no such tags)."""
    return not (MARKUP.search(asked) and MARKUP.search(text))


@FUZZ
@given(asked=params, path=st.sampled_from(["/search", "/cases", "/search/export.csv"]))
def test_pages_never_fail_or_echo_markup(
    http: TestClient, asked: dict[str, str], path: str
) -> None:
    response = http.get(path, params=asked)
    assert response.status_code in (200, 303, 400), (path, asked, response.status_code)
    assert _markup_free(response.text, " ".join(asked.values()))


@FUZZ
@given(text=query_text)
def test_graphql_search_never_fails(http: TestClient, text: str) -> None:
    document = "query($q: String!) { searchRecords(query: $q, first: 5) { totalCount } }"
    response = http.post("/graphql", json={"query": document, "variables": {"q": text}})
    assert response.status_code == 200
    body = response.json()
    assert "data" in body or "errors" in body
    for error in body.get("errors", []):
        assert error["extensions"]["code"] != "INTERNAL_SERVER_ERROR", error


graphql_words = st.sampled_from(
    ["{", "}", "(", ")", "query", "searchRecords", "record", "entity", "id", ":", '"x"',
     "first", "100", "...", "on", "fragment", "$q", "totalCount", "edges", "node", "__schema",
     "mutation", "@include", "!", "[", "]", ",", "alias:", "\\u0000", "#"]
)  # fmt: skip


@FUZZ
@given(
    document=st.one_of(st.text(max_size=200), st.lists(graphql_words, max_size=40).map(" ".join))
)
def test_any_graphql_document_is_answered(http: TestClient, document: str) -> None:
    response = http.post("/graphql", json={"query": document})
    assert response.status_code in (200, 400), response.text
    body = response.json()
    for error in body.get("errors", []):
        assert error.get("extensions", {}).get("code") != "INTERNAL_SERVER_ERROR", error
