"""The demo data set: hand-written fictional cases, dated from the demo day, linked to records."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

import orjson
import pytest

from credit import regions
from credit import vocabulary as vocab
from credit.models import CreditRecord, TypicalCase
from credit.publication import is_published
from credit.service import DEMO_MARKER
from credit.validation import parse_item
from indexer.checking import Valid, check_line
from indexer.demo import (
    DEMO_CASES,
    LINKED_CATEGORY,
    build_demo,
    case_lines,
    demo_feed_lines,
    load_demo_cases,
    render_years,
)

TODAY = date(2026, 3, 1)
Line = dict[str, object]
# an 18-character ID number, an 11-digit mobile number, or any longer run of digits
PERSONAL_NUMBER = re.compile(r"\d{17}[\dXx]|1[3-9]\d{9}|\d{11,}")
YEAR_IN_TEXT = re.compile(r"(20\d\d)年")


@pytest.fixture(scope="module")
def lines() -> list[Line]:
    return list(demo_feed_lines(TODAY))


@pytest.fixture(scope="module")
def cases(lines: list[Line]) -> list[Line]:
    return [line for line in lines if line.get("kind") == "case"]


@pytest.fixture(scope="module")
def published_records(lines: list[Line]) -> dict[str, CreditRecord]:
    """The records published on TODAY, by id, from each record's newest valid line."""
    newest: dict[str, Line] = {}
    for line in lines:
        if line.get("kind") == "case":
            continue
        kept = newest.get(str(line["record_id"]))
        if kept is None or str(line["updated_at"]) > str(kept["updated_at"]):
            newest[str(line["record_id"])] = line
    published = {}
    for line in newest.values():
        item = parse_item(line)
        if isinstance(item, CreditRecord) and is_published(item.window, TODAY):
            published[item.record_id] = item
    return published


def test_every_case_validates_as_a_feed_line(cases: list[Line]) -> None:
    for case in cases:
        checked = check_line(case)
        assert isinstance(checked, Valid), (case["case_id"], checked)
        assert checked.key == ("cases", case["case_id"])
        assert isinstance(parse_item(case), TypicalCase)


def test_every_case_type_has_at_least_four_cases(cases: list[Line]) -> None:
    counts = Counter(str(case["case_type"]) for case in cases)
    assert set(counts) == set(vocab.CASE_TYPES)
    assert min(counts.values()) >= 4
    assert len(cases) == DEMO_CASES >= 36


def test_ids_and_titles_are_unique(cases: list[Line]) -> None:
    assert [case["case_id"] for case in cases] == [
        f"DEMO-CASE-{n:03d}" for n in range(1, len(cases) + 1)
    ]
    titles = [str(case["title"]) for case in cases]
    assert len(set(titles)) == len(titles)
    assert len({case["facts"] for case in cases}) == len(cases)


def test_cases_come_after_the_records(lines: list[Line], cases: list[Line]) -> None:
    assert lines[-len(cases) :] == cases
    assert sum(1 for line in lines if line.get("kind") != "case") > 20_000


def test_related_records_exist_and_are_published_on_the_demo_day(
    cases: list[Line], published_records: dict[str, CreditRecord]
) -> None:
    linked: list[str] = []
    for case in cases:
        related = [str(i) for i in case["related_record_ids"]]  # type: ignore[attr-defined]
        assert 1 <= len(related) <= 3, case["case_id"]
        category = LINKED_CATEGORY.get(str(case["case_type"]), str(case["case_type"]))
        for record_id in related:
            record = published_records[record_id]
            assert record.category == category
            assert record.kind in vocab.DISHONESTY_KINDS
        linked += related
    assert len(set(linked)) == len(linked)  # no record is shared between cases


def test_related_records_match_the_story_where_they_can(
    cases: list[Line], published_records: dict[str, CreditRecord]
) -> None:
    stored = {case.case_id: case for case in load_demo_cases()}
    same_subject = same_province = total = 0
    for case in cases:
        story = stored[str(case["case_id"])]
        for record_id in case["related_record_ids"]:  # type: ignore[attr-defined]
            record = published_records[record_id]
            total += 1
            same_subject += record.subject_type == story.subject_type
            same_province += (record.region_code or "")[:2] == story.region_code[:2]
    assert same_subject == total
    assert same_province >= total // 2


def test_building_twice_gives_identical_feeds(tmp_path: Path, lines: list[Line]) -> None:
    first = build_demo(tmp_path / "one", today=TODAY)
    again = build_demo(tmp_path / "two", today=TODAY)
    assert first.read_bytes() == again.read_bytes()
    assert (tmp_path / "one" / DEMO_MARKER).exists()
    assert [orjson.loads(raw) for raw in first.read_bytes().splitlines()] == lines


def test_no_personal_numbers_in_the_cases(cases: list[Line]) -> None:
    for case in cases:
        text = orjson.dumps(case).decode()
        assert PERSONAL_NUMBER.search(text) is None, case["case_id"]


def test_parties_are_anonymised(cases: list[Line]) -> None:
    for case in cases:
        assert "某" in str(case["title"]) and "某" in str(case["facts"]), case["case_id"]
        assert str(case["source_url"]).startswith("https://example.org/")


@pytest.mark.parametrize("today", [TODAY, date(2024, 2, 29), date(2031, 12, 31)])
def test_dates_follow_the_demo_day(today: date) -> None:
    dated = list(case_lines(load_demo_cases(), {}, today))
    days = [date.fromisoformat(str(case["published_on"])) for case in dated]
    assert max(days) >= today - timedelta(days=14)
    assert min(days) >= today - timedelta(days=3 * 365)
    assert max(days) <= today
    assert len({day.year for day in days}) >= 3
    for case, day in zip(dated, days, strict=True):
        assert str(case["updated_at"]).startswith(f"{day.isoformat()}T")
        text = "".join(str(case[name]) for name in ("title", "summary", "facts", "handling"))
        assert "{" not in text and "}" not in text
        for year in YEAR_IN_TEXT.findall(text):
            assert day.year - 4 <= int(year) < day.year, case["case_id"]


def test_render_years() -> None:
    assert render_years("{Y-2}年至{Y-1}年，{Y}年发布", 2026) == "2024年至2025年，2026年发布"


def test_the_articles_have_the_shape_of_a_release(cases: list[Line]) -> None:
    for case in cases:
        name = case["case_id"]
        assert 120 <= len(str(case["facts"])) <= 300, name
        assert 80 <= len(str(case["significance"])) <= 200, name
        assert 3 <= len(case["tags"]) <= 5, name  # type: ignore[arg-type]
        summary = str(case["summary"])
        assert summary.endswith("。") and summary.count("。") == 1, name
        assert "《" in str(case["legal_basis"]), name
        assert str(case["handling"]) and str(case["title"]).endswith("案"), name


def test_region_codes_exist_and_match_the_publishers(cases: list[Line]) -> None:
    table = resources.files("credit").joinpath("data/regions.csv").read_text(encoding="utf-8")
    known = {row.split(",")[0] for row in table.splitlines()[1:]}
    for case in cases:
        code = str(case["region_code"])
        place = regions.region_name(code)
        assert code in known and place, code
        for publisher in case["publishers"]:  # type: ignore[attr-defined]
            assert publisher.startswith("国家") or publisher[:2] in place, (
                case["case_id"],
                publisher,
            )
