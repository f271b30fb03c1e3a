"""The labelled screening set (tests/fixtures/screening): exact bases exact, REVIEW good.

The set and its expected verdicts are built by `bench/screen_labels.py`; the precision
and recall of REVIEW are recorded in bench/RESULTS.md by `python -m bench screen-labels`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.screen_labels import (
    DAY,
    Label,
    feed_lines,
    final_records,
    read_labels,
    score,
    screen_labels,
)
from credit.publication import Window, is_published
from credit.screening.matching import RowResult
from credit.search.blocking import BlockingEngine
from tests.engines import ENGINES, build_engine

LABELS = read_labels()


@pytest.fixture(scope="module", params=ENGINES)
def screened(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[RowResult]]:
    tmp: Path = tmp_path_factory.mktemp(f"labels-{request.param}")
    engine: BlockingEngine = build_engine(request.param, feed_lines(), tmp)
    try:
        yield engine.run(screen_labels(engine.engine, LABELS))
    finally:
        engine.close()


def test_the_set_is_large_and_varied() -> None:
    assert len(LABELS) >= 300
    variations = Counter(label.variation for label in LABELS)
    for wanted in (
        "former_name",
        "traditional",
        "brackets_spaces",
        "missing_region",
        "typo",
        "branch",
        "other_city",
        "swapped_suffix",
        "invalid_code",
        "empty",
        "unpublished_name",
        "word_added",
    ):
        assert variations[wanted] >= 10, wanted
    verdicts = Counter(label.expected_verdict for label in LABELS)
    assert set(verdicts) == {"SERIOUS", "DISHONEST", "REVIEW", "CLEAR", "INVALID"}


def test_exact_bases_are_exact(screened: list[RowResult]) -> None:
    scores = score(LABELS, screened)
    wrong = [
        (label.ref, label.name, label.expected_verdict, label.expected_basis, r.verdict, r.basis)
        for label, r in zip(LABELS, screened, strict=True)
        if (label.expected_basis or (r.basis != "SIMILAR_NAME" and r.basis))
        and (label.expected_verdict, label.expected_basis or None) != (r.verdict, r.basis)
    ]
    assert wrong == []
    assert scores.exact_precision == 1.0 and scores.exact_recall == 1.0


def test_invalid_rows_are_invalid_and_only_they(screened: list[RowResult]) -> None:
    for label, result in zip(LABELS, screened, strict=True):
        assert (label.expected_verdict == "INVALID") == (result.verdict == "INVALID"), label
        if result.verdict == "INVALID":
            assert result.messages and result.reason.startswith("无法核查")


def test_review_precision_and_recall(screened: list[RowResult]) -> None:
    scores = score(LABELS, screened)
    assert scores.review_precision >= 0.9
    assert scores.review_recall >= 0.9
    assert scores.agree / scores.rows >= 0.95


def test_similar_variations_never_claim_an_exact_basis(screened: list[RowResult]) -> None:
    similar = {"missing_region", "typo", "swapped_suffix", "branch", "other_city"}
    for label, result in zip(LABELS, screened, strict=True):
        if label.variation in similar:
            assert result.verdict in ("REVIEW", "CLEAR"), label
            assert all(m.basis == "SIMILAR_NAME" for m in result.matches), label


def test_no_unpublished_record_makes_a_verdict(screened: list[RowResult]) -> None:
    published = {
        record_id
        for record_id, record in final_records(feed_lines()).items()
        if is_published(_window(record), DAY)
    }
    for result in screened:
        assert {m.record_id for m in result.matches} <= published
    gone: list[Label] = [label for label in LABELS if label.variation.startswith("unpublished")]
    assert gone
    by_ref = {r.entry.ref: r for r in screened}
    for label in gone:
        if label.expected_verdict == "CLEAR" and label.expected_basis == "":
            assert by_ref[label.ref].verdict in ("CLEAR", "REVIEW")
            assert by_ref[label.ref].basis in (None, "SIMILAR_NAME")


def _window(record: dict[str, object]) -> Window:
    from datetime import date

    def day(value: object) -> date | None:
        return date.fromisoformat(str(value)) if value else None

    start = day(record.get("publish_from")) or day(record["decided_on"])
    assert start is not None
    return Window(start, day(record.get("publish_until")), day(record.get("delisted_on")))
