"""Fuzzing the feed: generated lines of every wrong shape are applied or rejected with a
reason, never a crash, and the counts account for every line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.checking import Valid, check_line
from indexer.ingest import ingest_feed
from indexer.store import Store
from tests.test_models import CASE, GOOD, RECORD

FIELDS = sorted({*RECORD, *GOOD, *CASE, "op", "id_number", "delisted_on", "delist_reason"})
CONTROL = st.characters(min_codepoint=0, max_codepoint=31)
hostile_text = st.one_of(
    st.text(max_size=50),
    st.text(alphabet=CONTROL, min_size=1, max_size=5),
    st.builds(lambda n: "名" * n, st.integers(190, 12_000)),
    st.sampled_from(["", " ", "\u3000", "2025-02-30", "9999-99-99", "\ud800x", "<script>"]),
)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), hostile_text),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
# A valid line with some fields replaced, removed or added.
mutated_lines = st.builds(
    lambda base, changes, removed: {
        **{k: v for k, v in base.items() if k not in removed},
        **changes,
    },
    st.sampled_from([RECORD, GOOD, CASE]),
    st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=4),
    st.sets(st.sampled_from(FIELDS), max_size=3),
)
deeply_nested = st.integers(50, 2_000).map(lambda depth: "[" * depth + "]" * depth)

FUZZ = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@FUZZ
@given(line=st.one_of(mutated_lines, json_values))
def test_every_line_validates_or_has_problems(line: Any) -> None:
    checked = check_line(line)
    if not isinstance(checked, Valid):
        assert checked, "a rejected line says why"
        for problem in checked:
            assert problem.message.strip()


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    lines=st.lists(
        st.one_of(
            # lone surrogates become invalid UTF-8 bytes in the file
            mutated_lines.map(
                lambda line: json.dumps(line, ensure_ascii=False).encode("utf-8", "surrogatepass")
            ),
            deeply_nested.map(str.encode),
            st.binary(max_size=40),
            st.just(b"\xff\xfe\x00garbage"),
            st.just(b'{"record_id": "x", "kind": "serious_list"'),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_every_feed_line_is_counted(lines: list[bytes], tmp_path_factory: Any) -> None:
    folder: Path = tmp_path_factory.mktemp("fuzz")
    feed = folder / "feed.jsonl"
    feed.write_bytes(b"\n".join(line.replace(b"\n", b" ") for line in lines) + b"\n")
    store = Store(folder / "store.sqlite3")
    try:
        result = ingest_feed(store, feed)
    finally:
        store.close()
    counts = result.counts
    total = counts.applied + counts.unchanged + counts.withdrawn + counts.rejected + counts.blank
    assert total == len(lines)
    assert len(result.rejects) == counts.rejected
    for reject in result.rejects:
        assert 1 <= reject.line_no <= len(lines) and reject.message.strip()
