"""The synthetic feed generator: deterministic, valid, realistic enough to exercise the store."""

from __future__ import annotations

import gzip
import itertools
import re
from collections import Counter, defaultdict
from datetime import UTC, date, datetime
from pathlib import Path

import orjson
import pytest

from credit import clock, personal, regions, uscc
from credit import vocabulary as vocab
from credit.models import CreditRecord, FeedItem, TypicalCase, Withdrawal
from credit.publication import is_published
from credit.validation import parse_item
from indexer.generate import generate_feed_lines, write_feed

TODAY = date(2025, 7, 1)
MASKED_ID = re.compile(r"\d{6}\*{8}[\dX]{4}")
Line = dict[str, object]


@pytest.fixture(scope="module")
def lines() -> list[Line]:
    return list(generate_feed_lines(5000, 40, seed=11, today=TODAY))


@pytest.fixture(scope="module")
def items(lines: list[Line]) -> list[FeedItem]:
    return [parse_item(line) for line in lines]


@pytest.fixture(scope="module")
def records(items: list[FeedItem]) -> list[CreditRecord]:
    return [item for item in items if isinstance(item, CreditRecord)]


@pytest.fixture(scope="module")
def latest(records: list[CreditRecord]) -> dict[str, CreditRecord]:
    """The newest version of each record id, as the store would keep it."""
    newest: dict[str, CreditRecord] = {}
    for record in records:
        kept = newest.get(record.record_id)
        if kept is None or record.updated_at > kept.updated_at:
            newest[record.record_id] = record
    return newest


def test_same_seed_gives_identical_lines() -> None:
    first = list(generate_feed_lines(800, 12, seed=5, today=TODAY))
    again = list(generate_feed_lines(800, 12, seed=5, today=TODAY))
    assert first == again
    assert first != list(generate_feed_lines(800, 12, seed=6, today=TODAY))


def test_today_defaults_to_the_clock() -> None:
    with clock.clock_set_to(datetime(2025, 6, 30, 20, 0, tzinfo=UTC)):  # 2025-07-01 in Shanghai
        from_clock = list(generate_feed_lines(300, 5, seed=2))
    assert from_clock == list(generate_feed_lines(300, 5, seed=2, today=TODAY))


def test_streams_lazily() -> None:
    first = list(itertools.islice(generate_feed_lines(10**9, seed=1, today=TODAY), 50))
    assert len(first) == 50


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_every_line_validates(seed: int) -> None:
    for line in generate_feed_lines(5000, 30, seed=seed, today=date(2024, 2, 29)):
        parse_item(line)


def test_counts_records_then_cases(lines: list[Line], items: list[FeedItem]) -> None:
    ids = {line["record_id"] for line in lines if "kind" in line and line["kind"] != "case"}
    assert len(ids) == 5000
    kinds = ["case" if isinstance(item, TypicalCase) else "record" for item in items]
    assert kinds.index("case") == len(kinds) - 40
    assert kinds.count("case") == 40


def test_covers_every_kind_category_severity_and_subject_type(
    records: list[CreditRecord],
) -> None:
    pairs = {(record.kind, record.category) for record in records}
    expected = {(kind, category) for kind in vocab.KINDS for category in vocab.categories_of(kind)}
    assert pairs == expected
    assert {record.subject_type for record in records} == set(vocab.SUBJECT_TYPES)
    dishonest = [record for record in records if record.kind != "good_credit"]
    assert {record.severity for record in dishonest} == set(vocab.SEVERITIES)
    assert all(r.severity == "serious" for r in records if r.kind == "serious_list")
    delisted = {record.delist_reason for record in records if record.delist_reason}
    assert delisted == set(vocab.DELIST_REASONS)


def test_about_half_published_today(latest: dict[str, CreditRecord]) -> None:
    published = sum(is_published(record.window, TODAY) for record in latest.values())
    assert 0.35 <= published / len(latest) <= 0.65


def test_windows_spread_around_today(latest: dict[str, CreditRecord]) -> None:
    windows = [record.window for record in latest.values()]
    expired = [w for w in windows if w.publish_until and w.publish_until < TODAY]
    scheduled = [w for w in windows if w.publish_from > TODAY]
    repaired = [
        r
        for r in latest.values()
        if r.delisted_on and r.delisted_on <= TODAY and r.delist_reason == "repaired"
    ]
    open_ended = [r for r in latest.values() if r.kind == "good_credit" and not r.publish_until]
    for group in (expired, scheduled, repaired, open_ended):
        assert len(group) > len(windows) * 0.03
    serious = [r for r in latest.values() if r.kind == "serious_list"]
    assert all(
        r.publish_until and (r.publish_until - r.publish_from).days <= 3 * 366 for r in serious
    )


def test_dates_and_timestamps(lines: list[Line]) -> None:
    day = re.compile(r"\d{4}-\d{2}-\d{2}")
    for line in lines:
        assert str(line["updated_at"]).endswith("+08:00")
        for key in ("decided_on", "publish_from", "publish_until", "delisted_on", "published_on"):
            if key in line:
                assert day.fullmatch(str(line[key]))


def test_usccs_valid_unique_and_consistent(records: list[CreditRecord]) -> None:
    names: dict[str, str] = {}
    for record in records:
        if record.subject_type == "individual":
            assert record.uscc is None
            continue
        assert record.uscc is not None and uscc.is_valid_uscc(record.uscc)
        assert names.setdefault(record.uscc, record.subject_name) == record.subject_name
        assert record.region_code == record.uscc[2:8]
        assert regions.region_name(record.uscc[2:8])
        if record.subject_type in ("enterprise", "agency"):
            assert record.uscc[0] == "9"
        else:
            assert record.uscc[:2] in {"12", "31", "51", "52", "53", "93"}


def test_names_reflect_the_registers(records: list[CreditRecord]) -> None:
    subjects = {r.uscc: r for r in records if r.uscc}
    names = [r.subject_name for r in subjects.values()]
    assert sum("有限公司" in name for name in names) > len(names) * 0.5
    for part in ("有限责任公司", "股份有限公司", "科技", "贸易", "知识产权代理", "分公司"):
        assert any(part in name for name in names), part
    assert any(r.subject_name.endswith(("研究院", "协会")) for r in subjects.values())
    with_former = sum(bool(r.former_names) for r in subjects.values())
    assert 0.05 <= with_former / len(subjects) <= 0.2


def test_subjects_carry_several_records(records: list[CreditRecord]) -> None:
    kinds: dict[str, set[str]] = defaultdict(set)
    ids: dict[str, set[str]] = defaultdict(set)
    for record in records:
        if record.uscc:
            kinds[record.uscc].add(record.kind)
            ids[record.uscc].add(record.record_id)
    assert sum(len(v) > 1 for v in ids.values()) > len(ids) * 0.1
    assert any({"serious_list", "good_credit"} <= v for v in kinds.values())


def test_individuals_have_valid_ids_masked_in_text(
    lines: list[Line], records: list[CreditRecord]
) -> None:
    individuals = [line for line in lines if line.get("subject_type") == "individual"]
    assert individuals
    for line in individuals:
        number = str(line["id_number"])
        assert personal.id_number_check_ok(number)
        assert regions.province_known(number[:6])
        assert 1930 < int(number[6:10]) <= TODAY.year - 18
        assert re.fullmatch(r"[^\W\d_某]{1,2}某{1,2}", str(line["subject_name"]))  # 王某, 欧阳某某
    people = [r for r in records if r.subject_type == "individual"]
    assert all(r.id_number_masked and MASKED_ID.fullmatch(r.id_number_masked) for r in people)
    masked = [r for r in people if MASKED_ID.search(r.reason)]
    assert masked
    assert any(re.search(r"1[3-9]\d\*{4}\d{4}", r.reason) for r in people)
    assert not any(re.search(r"\d{17}[\dX]", r.reason) for r in records)


def test_withdrawals_and_updates_are_newer(lines: list[Line], items: list[FeedItem]) -> None:
    seen: dict[str, datetime] = {}
    withdrawn = updated = 0
    for item in items:
        if isinstance(item, CreditRecord):
            if item.record_id in seen:
                assert item.updated_at > seen[item.record_id]
                updated += 1
            seen[item.record_id] = item.updated_at
        elif isinstance(item, Withdrawal):
            assert item.record_id in seen
            assert item.updated_at > seen[item.record_id]
            withdrawn += 1
    assert withdrawn > 10 and updated > 20
    counts = Counter(line.get("op") for line in lines)
    assert counts["withdraw"] == withdrawn


def test_cases_validate_and_vary(items: list[FeedItem], latest: dict[str, CreditRecord]) -> None:
    cases = [item for item in items if isinstance(item, TypicalCase)]
    assert {case.case_type for case in cases} == set(vocab.CASE_TYPES)
    assert len({case.facts for case in cases}) == len(cases)
    assert len({case.handling + case.title for case in cases}) > len(cases) * 0.8
    assert len({case.case_id for case in cases}) == len(cases)
    related = [rid for case in cases for rid in case.related_record_ids]
    assert related and all(rid in latest for rid in related)
    for case in cases:
        assert case.source_url and case.source_url.startswith("https://example.org/")
        assert case.published_on <= TODAY
        assert case.publishers and case.tags and "某" in case.title


@pytest.mark.parametrize("name", ["feed.jsonl", "feed.jsonl.gz"])
def test_write_feed(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    written = write_feed(path, 300, 10, seed=4, today=TODAY)
    raw = gzip.decompress(path.read_bytes()) if name.endswith(".gz") else path.read_bytes()
    decoded = [orjson.loads(line) for line in raw.splitlines()]
    assert written == len(decoded)
    assert decoded == list(generate_feed_lines(300, 10, seed=4, today=TODAY))
