"""The search-layer contract, run against every engine in `tests.engines.ENGINES`.

Written against the `BlockingEngine` interface only. Three corpora:
- the sample feed (`fixtures/samples/records.jsonl`) and its outcome table;
- a seeded random corpus of a few hundred records, compared with a brute-force
  evaluation of the publication rule (`credit.publication.is_published`);
- a few handcrafted lines for highlighting and query validation.
"""

from __future__ import annotations

import base64
import html
import random
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credit import regions, text
from credit.publication import Window, is_published
from credit.search.blocking import BlockingEngine
from credit.search.candidates import Lookup
from credit.search.errors import (
    BadCursor,
    InvalidUscc,
    PagingTooDeep,
    PersonalNumberQuery,
    QueryTooLong,
)
from credit.search.query import (
    MAX_QUERY_CHARS,
    Candidate,
    FacetValue,
    RecordFilter,
    SearchPage,
    SearchQuery,
    Sort,
    decode_cursor,
    encode_cursor,
    next_cursor,
    page_size_at,
)
from credit.uscc import ALPHABET, check_character
from tests.engines import ENGINES, build_engine

SAMPLES = Path(__file__).parent / "fixtures" / "samples" / "records.jsonl"
AS_OF = date(2025, 7, 1)


@pytest.fixture(scope="module", params=ENGINES)
def engine_name(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


def _built(
    name: str, lines: Sequence[Any], tmp: pytest.TempPathFactory
) -> Iterator[BlockingEngine]:
    engine = build_engine(name, lines, tmp.mktemp(name))
    yield engine
    engine.close()


def ids(page: SearchPage) -> list[str]:
    return [hit.id for hit in page.hits]


def facet_dict(values: list[FacetValue]) -> dict[str, int]:
    return {value.value: value.count for value in values}


def search(engine: BlockingEngine, q: str = "", day: date = AS_OF, **kw: Any) -> SearchPage:
    return engine.search_records(SearchQuery(text=q, size=kw.pop("size", 100), **kw), day=day)


# === the samples' outcome table ============================================================

SAMPLE_LINES = SAMPLES.read_text(encoding="utf-8").splitlines()
PUBLISHED_SAMPLES = {
    "CNIPA-2025-0001",
    "CNIPA-2025-0002",
    "CNIPA-GC-2024-0009",
    "CNIPA-2025-0101",
    "CNIPA-2025-0120",
}
UNPUBLISHED_SAMPLES = {
    "CNIPA-2023-0107": "杭州某某科技有限公司",  # window ended
    "CNIPA-2024-0033": "北京华创新材料科技有限公司",  # repaired (its subject has good credit)
    "CNIPA-2025-0090": "成都蜀光电子有限公司",  # not yet
    "CNIPA-2025-0130": "南京宁安机械有限公司",  # withdrawn
    "CNIPA-2025-0140": "武汉江城文化传播有限公司",  # rejected
    "CNIPA-2025-0150": "西安秦川农业科技有限公司",  # rejected
}


@pytest.fixture(scope="module")
def samples_engine(
    engine_name: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BlockingEngine]:
    yield from _built(engine_name, SAMPLE_LINES, tmp_path_factory)


def _published_sample_lines() -> list[str]:
    """The final versions of the records published on AS_OF, and nothing else."""
    final: dict[str, str] = {}
    for line in SAMPLE_LINES:
        try:
            data = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if data.get("record_id") in PUBLISHED_SAMPLES and "旧版本" not in line:
            final[data["record_id"]] = line
    return list(final.values())


@pytest.fixture(scope="module")
def published_only_engine(
    engine_name: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BlockingEngine]:
    yield from _built(engine_name, _published_sample_lines(), tmp_path_factory)


def test_samples_published_on_the_day(samples_engine: BlockingEngine) -> None:
    for record_id in PUBLISHED_SAMPLES:
        record = samples_engine.get_record(record_id, day=AS_OF)
        assert record is not None, record_id
        assert record["record_id"] == record_id
    page = search(samples_engine)
    assert page.total == len(PUBLISHED_SAMPLES)
    assert set(ids(page)) == PUBLISHED_SAMPLES
    assert facet_dict(page.facets["kind"]) == {
        "serious_list": 2,
        "dishonest_act": 2,
        "good_credit": 1,
    }
    assert facet_dict(page.facets["province"]) == {"440000": 3, "110000": 2}
    assert facet_dict(page.facets["year"]) == {"2025": 4, "2024": 1}
    assert (
        samples_engine.published_record_ids(
            [*PUBLISHED_SAMPLES, *UNPUBLISHED_SAMPLES, "NO-SUCH"], day=AS_OF
        )
        == PUBLISHED_SAMPLES
    )


def test_published_record_ids_beyond_one_result_window(samples_engine: BlockingEngine) -> None:
    """A case export asks for every related record of 250 cases at once: more ids than
    one search returns (10,000) are still all answered."""
    unknown = [f"NO-SUCH-{n}" for n in range(12_000)]
    asked = [*unknown[:6_000], *PUBLISHED_SAMPLES, *unknown[6_000:], *UNPUBLISHED_SAMPLES]
    assert samples_engine.published_record_ids(asked, day=AS_OF) == PUBLISHED_SAMPLES


@pytest.mark.parametrize(("record_id", "name"), sorted(UNPUBLISHED_SAMPLES.items()))
def test_samples_not_published_are_absent(
    samples_engine: BlockingEngine, record_id: str, name: str
) -> None:
    assert samples_engine.get_record(record_id, day=AS_OF) is None
    hits = set(ids(search(samples_engine, name)))
    assert record_id not in hits
    if record_id != "CNIPA-2024-0033":  # its subject has a published good-credit record
        assert hits == set()
        assert search(samples_engine, name).total == 0
    for candidate in samples_engine.candidates_for(uscc=None, name=name, day=AS_OF):
        assert candidate.record["record_id"] != record_id


def test_newer_version_wins_and_older_is_ignored(samples_engine: BlockingEngine) -> None:
    record = samples_engine.get_record("CNIPA-2025-0002", day=AS_OF)
    assert record is not None
    assert record["subject_name"] == "广州市恒远贸易有限公司"
    assert search(samples_engine, "旧版本").total == 0


def test_former_name_finds_the_record(samples_engine: BlockingEngine) -> None:
    page = search(samples_engine, "广州市恒远商贸有限公司")
    assert ids(page)[:1] == ["CNIPA-2025-0002"]
    candidates = samples_engine.candidates_for(
        uscc=None, name="广州市恒远商贸有限公司", day=AS_OF, similar=0
    )
    assert [(c.basis, c.record["record_id"]) for c in candidates] == [
        ("FORMER_NAME", "CNIPA-2025-0002")
    ]


@pytest.mark.parametrize("query", ["东莞 长安 精工", "東莞", "東莞市（長安）精工模具有限公司"])
def test_traditional_and_spaced_queries(samples_engine: BlockingEngine, query: str) -> None:
    assert ids(search(samples_engine, query)) == ["CNIPA-2025-0120"]


@pytest.mark.parametrize(
    ("day", "published"),
    [
        (date(2025, 7, 1), False),
        (date(2025, 7, 31), False),
        (date(2025, 8, 1), True),
        (date(2025, 10, 31), True),
        (date(2025, 11, 1), False),
    ],
)
def test_scheduled_record_window(
    samples_engine: BlockingEngine, day: date, published: bool
) -> None:
    record_id = "CNIPA-2025-0090"
    assert (samples_engine.get_record(record_id, day=day) is not None) is published
    assert (record_id in ids(search(samples_engine, "成都蜀光电子", day=day))) is published
    assert (record_id in ids(search(samples_engine, day=day))) is published
    entity = samples_engine.get_entity("91510100MA6C4D9E8W", day=day)
    assert (entity is not None) is published
    counts = samples_engine.count_records(day=day, by=["severity"])
    assert ("minor" in facet_dict(counts["severity"])) is published


def test_repaired_record_gone_good_credit_stays(samples_engine: BlockingEngine) -> None:
    assert samples_engine.get_record("CNIPA-2024-0033", day=AS_OF) is None
    assert samples_engine.get_record("CNIPA-GC-2024-0009", day=AS_OF) is not None
    # The day before the delisting it was still published; from that day on it is not.
    assert samples_engine.get_record("CNIPA-2024-0033", day=date(2025, 2, 28)) is not None
    assert samples_engine.get_record("CNIPA-2024-0033", day=date(2025, 3, 1)) is None
    assert ids(search(samples_engine, "北京华创新材料科技有限公司")) == ["CNIPA-GC-2024-0009"]
    assert ids(search(samples_engine, "未补交申报材料")) == []


def test_entity_has_only_published_records(samples_engine: BlockingEngine) -> None:
    entity = samples_engine.get_entity("91110108MA01XY2W4T", day=AS_OF)
    assert entity is not None
    assert [r["record_id"] for r in entity.records] == ["CNIPA-GC-2024-0009"]
    assert entity.name == "北京华创新材料科技有限公司"
    assert not entity.serious_listed
    before = samples_engine.get_entity("91110108MA01XY2W4T", day=date(2025, 2, 28))
    assert before is not None
    assert {r["record_id"] for r in before.records} == {"CNIPA-GC-2024-0009", "CNIPA-2024-0033"}
    listed = samples_engine.get_entity("91440300MA5F0A1B2N", day=AS_OF)
    assert listed is not None and listed.serious_listed
    page = search(samples_engine, "91110108MA01XY2W4T")
    assert ids(page) == ["CNIPA-GC-2024-0009"]
    assert ids(search(samples_engine, "9111 0108 ma01 xy2w 4t")) == ["CNIPA-GC-2024-0009"]


def test_individual_is_masked(samples_engine: BlockingEngine) -> None:
    record = samples_engine.get_record("CNIPA-2025-0101", day=AS_OF)
    assert record is not None
    assert record["id_number_masked"] == "110105********1239"
    served = [
        record,
        *(hit.body for hit in search(samples_engine).hits),
        *(hit.highlights for hit in search(samples_engine, "王某某").hits),
    ]
    for body in served:
        dumped = orjson.dumps(body).decode()
        assert "110105199003071239" not in dumped
        assert "13800138000" not in dumped
    for number in ("13800138000", "138****8000"):  # nothing searches by one
        with pytest.raises(PersonalNumberQuery):
            search(samples_engine, number)


def test_withdrawn_and_rejected_are_absent(samples_engine: BlockingEngine) -> None:
    for record_id in ("CNIPA-2025-0130", "CNIPA-2025-0140", "CNIPA-2025-0150"):
        for day in (AS_OF, date(2025, 5, 20), date(2025, 12, 1)):
            assert samples_engine.get_record(record_id, day=day) is None
    assert samples_engine.get_entity("91320100MA1N7P3Q60", day=date(2025, 5, 25)) is None
    assert search(samples_engine, "南京宁安机械", day=date(2025, 5, 25)).total == 0


def _answers(engine: BlockingEngine) -> dict[str, Any]:
    """Everything the public can learn from the engine about the sample subjects."""
    queries = [
        "",
        "有限公司",
        "科技",
        "杭州某某科技有限公司",
        "北京华创新材料科技有限公司",
        "成都蜀光电子",
        "南京宁安机械",
        "非正常专利申请",
        "信用承诺",
        "虚假材料",
        "京知处字〔2024〕21号",
        "91330100MA2H8Q5R3F",
        "91110108MA01XY2W4T",
        "hangzhou",
        "hzmm",
    ]
    answers: dict[str, Any] = {}
    for q in queries:
        page = search(engine, q)
        answers[f"search:{q}"] = (
            page.total,
            sorted(ids(page)),
            {k: facet_dict(v) for k, v in page.facets.items()},
        )
    every_id = [*PUBLISHED_SAMPLES, *UNPUBLISHED_SAMPLES, "NO-SUCH-ID"]
    for record_id in every_id:
        answers[f"record:{record_id}"] = engine.get_record(record_id, day=AS_OF)
    usccs = ["91330100MA2H8Q5R3F", "91110108MA01XY2W4T", "91510100MA6C4D9E8W", "91320100MA1N7P3Q60"]
    for code in usccs:
        answers[f"entity:{code}"] = engine.get_entity(code, day=AS_OF)
        candidates = engine.candidates_for(uscc=code, name=None, day=AS_OF)
        answers[f"uscc:{code}"] = sorted(c.record["record_id"] for c in candidates)
    for name in UNPUBLISHED_SAMPLES.values():
        candidates = engine.candidates_for(uscc=None, name=name, day=AS_OF, similar=0)
        answers[f"name:{name}"] = sorted((c.basis, c.record["record_id"]) for c in candidates)
    answers["ids"] = engine.published_record_ids(every_id, day=AS_OF)
    counts = engine.count_records(day=AS_OF, by=["kind", "category", "severity", "province"])
    answers["counts"] = {k: facet_dict(v) for k, v in counts.items()}
    return answers


def test_unpublished_answers_like_never_existed(
    samples_engine: BlockingEngine, published_only_engine: BlockingEngine
) -> None:
    with_unpublished = _answers(samples_engine)
    without = _answers(published_only_engine)
    assert with_unpublished.keys() == without.keys()
    for key in without:
        assert with_unpublished[key] == without[key], key
    assert samples_engine.get_record("CNIPA-2023-0107", day=AS_OF) is None
    assert samples_engine.get_entity("91330100MA2H8Q5R3F", day=AS_OF) is None


# === validation of queries, cursors and highlights =========================================

XSS = "<script>alert(1)</script>"
MISC_LINES: list[dict[str, Any]] = [
    {
        "record_id": "XSS-1",
        "kind": "dishonest_act",
        "category": "false_materials",
        "severity": "minor",
        "subject_type": "enterprise",
        "subject_name": f"{XSS}蓝鲸网络科技有限公司",
        "uscc": "91440300MA5F0A1B2N",
        "reason": f"在申请材料中嵌入{XSS}脚本并提交虚假材料，属于蓝鲸网络的失信行为。",
        "authority": "广东省知识产权局",
        "decision_no": "粤知处字〔2025〕99号",
        "decided_on": "2025-03-10",
        "publish_until": "2026-03-09",
        "updated_at": "2025-03-10T09:00:00+08:00",
    },
]


@pytest.fixture(scope="module")
def misc_engine(
    engine_name: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BlockingEngine]:
    yield from _built(engine_name, MISC_LINES, tmp_path_factory)


def test_query_length_limit(misc_engine: BlockingEngine) -> None:
    base = "蓝鲸网络科技有限公司"
    longest = (base * 10)[:MAX_QUERY_CHARS]
    assert len(longest) == MAX_QUERY_CHARS
    assert ids(search(misc_engine, longest)) == ["XSS-1"]  # every word of it is in the name
    assert ids(search(misc_engine, "  " + longest + "  ")) == ["XSS-1"]
    with pytest.raises(QueryTooLong):
        search(misc_engine, (base * 11)[: MAX_QUERY_CHARS + 1])
    with pytest.raises(QueryTooLong):
        search(misc_engine, "a" * (MAX_QUERY_CHARS + 1))


def test_invalid_uscc_query(misc_engine: BlockingEngine) -> None:
    valid = "91440300MA5F0A1B2N"
    assert ids(search(misc_engine, valid)) == ["XSS-1"]
    wrong = valid[:17] + next(c for c in ALPHABET if c != valid[17])
    with pytest.raises(InvalidUscc) as raised:
        search(misc_engine, wrong)
    assert "校验位错误" in raised.value.message
    with pytest.raises(InvalidUscc):
        search(misc_engine, wrong.lower())


@pytest.mark.parametrize("query", ["alert", "script", "蓝鲸网络", "虚假材料"])
def test_highlights_are_escaped(misc_engine: BlockingEngine, query: str) -> None:
    page = search(misc_engine, query)
    assert ids(page) == ["XSS-1"]
    highlights = page.hits[0].highlights
    assert highlights, "a matching field is highlighted"
    assert any("<mark>" in value for value in highlights.values())
    body = page.hits[0].body
    for field_name, value in highlights.items():
        assert "<script" not in value.lower()
        plain = value.replace("<mark>", "").replace("</mark>", "")
        assert "<" not in plain and ">" not in plain
        shown = html.unescape(plain).strip("…")
        original = body[field_name]
        source = " ".join(original) if isinstance(original, list) else str(original)
        assert shown in source, field_name
        for marked in re.findall(r"<mark>(.*?)</mark>", value):
            assert text.normalize(html.unescape(marked)) in text.normalize(query) or text.normalize(
                query
            ) in text.normalize(html.unescape(marked))


def _cursor_of(payload: object) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(payload)).decode().rstrip("=")


def test_cursor_validation(misc_engine: BlockingEngine) -> None:
    with pytest.raises(PagingTooDeep):
        misc_engine.search_records(SearchQuery(size=20, cursor=encode_cursor(10_000)), day=AS_OF)
    for offset in (9_980, 9_995):  # the last page within 10,000 hits is cut short, not refused
        fine = misc_engine.search_records(
            SearchQuery(size=20, cursor=encode_cursor(offset)), day=AS_OF
        )
        assert fine.hits == [] and fine.total == 1 and fine.next_cursor is None
    forged = [_cursor_of({"o": value}) for value in ("5", 1.5, True, None)]
    for garbage in ("not a cursor!", "eyJ4IjoxfQ", encode_cursor(-5), "%%%", *forged):
        with pytest.raises(BadCursor):
            misc_engine.search_records(SearchQuery(size=20, cursor=garbage), day=AS_OF)


@pytest.mark.parametrize("asked", [20, 30, 37, 100])
def test_every_cursor_handed_out_leads_to_a_page_up_to_10000_hits(asked: int) -> None:
    offset, size, shown = 0, asked, 0
    while True:
        shown += size
        cursor = next_cursor(offset, size, total=50_000)
        if cursor is None:
            break
        offset = decode_cursor(cursor)
        size = page_size_at(offset, asked)
    assert shown == offset + size == 10_000


# === a random corpus against a brute-force evaluation ======================================

CITIES = {
    "110108": "北京",
    "310115": "上海",
    "440300": "深圳",
    "440106": "广州",
    "440605": "佛山",
    "330106": "杭州",
    "510104": "成都",
    "420106": "武汉",
    "320102": "南京",
    "370102": "济南",
    "500103": "重庆",
}
WORDS = [
    "恒远",
    "创明",
    "华信",
    "博远",
    "金石",
    "瑞丰",
    "天工",
    "海川",
    "鼎盛",
    "明德",
    "云帆",
    "嘉禾",
]
TRADES = ["科技", "贸易", "实业", "机械", "电器", "文化传播", "知识产权代理"]
SUFFIXES = ["有限公司", "有限责任公司", "股份有限公司"]
PEOPLE = ["张某某", "李某", "王某某", "赵某", "陈某某", "刘某"]
MARKERS = ["医药", "纺织", "钢铁", "食品", "玩具"]
REASONS = [
    "涉及{m}类商标恶意抢注{n}件。",
    "代理{m}行业非正常专利申请{n}件。",
    "在{m}产品申报中提交虚假材料{n}份。",
    "涉及{m}领域专利侵权，拒不履行行政裁决。",
    "获评{m}行业知识产权示范企业。",
]
GOOD = ["demonstration_enterprise", "patent_award", "agency_rating", "commitment_kept", "other"]
BAD = [
    "abnormal_patent_application",
    "malicious_trademark_registration",
    "illegal_agency",
    "false_materials",
    "commitment_breach",
    "intentional_infringement",
    "other",
]
START = date(2021, 1, 1)


@dataclass
class Subject:
    subject_type: str
    region_code: str
    uscc: str | None
    names: list[str]  # current name first, then earlier names


@dataclass
class Corpus:
    lines: list[dict[str, Any]] = field(default_factory=list)
    final: dict[str, dict[str, Any]] = field(
        default_factory=dict
    )  # record_id → body (not withdrawn)
    usccs: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    boundary_days: list[date] = field(default_factory=list)


def _uscc(rng: random.Random, region_code: str) -> str:
    body = "91" + region_code + "".join(rng.choice(ALPHABET) for _ in range(9))
    return body + check_character(body)


def _subjects(rng: random.Random) -> list[Subject]:
    subjects = []
    for _ in range(36):
        region = rng.choice(list(CITIES))
        city = CITIES[region]
        trade, suffix = rng.choice(TRADES), rng.choice(SUFFIXES)
        names = [
            f"{city}市{word}{trade}{suffix}" for word in rng.sample(WORDS, rng.choice([1, 1, 2]))
        ]
        kind = (
            "agency" if trade == "知识产权代理" else rng.choice(["enterprise"] * 5 + ["other_org"])
        )
        subjects.append(Subject(kind, region, _uscc(rng, region), names))
    for person in PEOPLE:
        subjects.append(Subject("individual", rng.choice(list(CITIES)), None, [person]))
    return subjects


def _window(rng: random.Random, kind: str, decided: date) -> dict[str, Any]:
    start = decided + timedelta(days=rng.choice([0, 0, 0, rng.randint(1, 90)]))
    window: dict[str, Any] = {}
    if start != decided:
        window["publish_from"] = start.isoformat()
    if kind != "good_credit" or rng.random() < 0.4:
        window["publish_until"] = (
            start + timedelta(days=rng.choice([0, rng.randint(1, 1100)]))
        ).isoformat()
    if rng.random() < 0.25:
        delisted = start + timedelta(days=rng.randint(-20, 800))
        window["delisted_on"] = delisted.isoformat()
        window["delist_reason"] = rng.choice(["repaired", "removed_early", "revoked", "corrected"])
    return window


def random_corpus(seed: int = 20250701, count: int = 400) -> Corpus:
    rng = random.Random(seed)
    subjects = _subjects(rng)
    weights = [1 / (rank + 1) ** 0.7 for rank in range(len(subjects))]
    corpus = Corpus()
    stamp = datetime(2025, 1, 1, 8, 0, 0)
    later: list[dict[str, Any]] = []
    for number in range(count):
        subject = rng.choices(subjects, weights)[0]
        kind = rng.choice(["dishonest_act"] * 5 + ["serious_list"] * 2 + ["good_credit"] * 3)
        decided = START + timedelta(days=rng.randint(0, 5 * 365))
        name_index = rng.randrange(len(subject.names))
        line: dict[str, Any] = {
            "record_id": f"R-{number:04d}",
            "kind": kind,
            "category": rng.choice(GOOD if kind == "good_credit" else BAD),
            "subject_type": subject.subject_type,
            "subject_name": subject.names[name_index],
            "reason": rng.choice(REASONS).format(m=rng.choice(MARKERS), n=rng.randint(2, 900)),
            "authority": rng.choice(
                ["国家知识产权局", f"{CITIES[subject.region_code]}市知识产权局"]
            ),
            "decided_on": decided.isoformat(),
            "updated_at": (stamp + timedelta(seconds=number)).isoformat() + "+08:00",
            **_window(rng, kind, decided),
        }
        if subject.names[name_index + 1 :]:
            line["former_names"] = subject.names[name_index + 1 :]
        if kind != "good_credit":
            line["severity"] = rng.choice(["minor", "general", "serious"])
            line["decision_no"] = f"知处字〔{decided.year}〕{number}号"
        if subject.uscc:
            line["uscc"] = subject.uscc
        else:
            line["region_code"] = subject.region_code
        corpus.lines.append(line)
        roll = rng.random()
        if roll < 0.06:  # a newer version with another window
            newer = {
                **line,
                "updated_at": (stamp + timedelta(days=1, seconds=number)).isoformat() + "+08:00",
            }
            for key in ("publish_from", "publish_until", "delisted_on", "delist_reason"):
                newer.pop(key, None)
            newer.update(_window(rng, kind, decided))
            later.append(newer)
        elif roll < 0.09:  # an older version, ignored
            older = {**line, "updated_at": (stamp - timedelta(days=1)).isoformat() + "+08:00"}
            older.pop("delisted_on", None)
            older.pop("delist_reason", None)
            older["publish_from"] = START.isoformat()
            older["publish_until"] = "2030-01-01"
            later.append(older)
        elif roll < 0.12:  # withdrawn
            later.append(
                {
                    "op": "withdraw",
                    "record_id": line["record_id"],
                    "updated_at": (stamp + timedelta(days=2)).isoformat() + "+08:00",
                }
            )
    corpus.lines += later
    for line in corpus.lines:  # the store's rule: the newest version wins
        current = corpus.final.get(line["record_id"])
        if current is None or line["updated_at"] > current["updated_at"]:
            corpus.final[line["record_id"]] = line
    corpus.final = {k: v for k, v in corpus.final.items() if v.get("op") != "withdraw"}
    corpus.usccs = sorted({s.uscc for s in subjects if s.uscc})
    corpus.names = sorted({n for s in subjects for n in s.names})
    days: set[date] = set()
    for body in corpus.final.values():
        w = window_of(body)
        for edge in (w.publish_from, w.publish_until, w.delisted_on):
            if edge:
                days |= {edge - timedelta(days=1), edge, edge + timedelta(days=1)}
    corpus.boundary_days = sorted(days)
    for body in corpus.final.values():  # the oracle of word queries relies on this
        assert not any(w in body["reason"] or w in body["authority"] for w in WORDS)
    return corpus


def window_of(body: dict[str, Any]) -> Window:
    def day(key: str) -> date | None:
        value = body.get(key)
        return date.fromisoformat(value) if value else None

    start = day("publish_from") or date.fromisoformat(body["decided_on"])
    return Window(start, day("publish_until"), day("delisted_on"))


CORPUS = random_corpus()


def region_of(body: dict[str, Any]) -> str:
    return str(body["uscc"][2:8] if body.get("uscc") else body["region_code"])


def value_of(body: dict[str, Any], name: str) -> str | None:
    """A record's value of a facet or count field, as the engine reports it."""
    region = region_of(body)
    values: dict[str, str | None] = {
        "kind": body["kind"],
        "category": body["category"],
        "severity": body.get("severity"),
        "subject_type": body["subject_type"],
        "province": regions.province_code(region),
        "prefecture": regions.prefecture_code(region),
        "year": body["decided_on"][:4],
        "month": body["decided_on"][:7],
    }
    return values[name]


def oracle_published(day: date) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in CORPUS.final.items() if is_published(window_of(v), day)}


def oracle_filter(body: dict[str, Any], flt: RecordFilter) -> bool:
    decided = date.fromisoformat(body["decided_on"])
    region = region_of(body)
    return (
        (not flt.kinds or body["kind"] in flt.kinds)
        and (not flt.categories or body["category"] in flt.categories)
        and (not flt.severities or body.get("severity") in flt.severities)
        and (not flt.subject_types or body["subject_type"] in flt.subject_types)
        and (flt.authority is None or body["authority"] == flt.authority)
        and (not flt.region or region.startswith(flt.region))
        and (flt.decided_from is None or decided >= flt.decided_from)
        and (flt.decided_until is None or decided <= flt.decided_until)
        and (flt.published_since is None or window_of(body).publish_from >= flt.published_since)
    )


def oracle_text(body: dict[str, Any], query: str) -> bool:
    """What the corpus' queries match: a marker in the reason, a word in a name."""
    if not query:
        return True
    if query in MARKERS:
        return query in body["reason"]
    names = [body["subject_name"], *body.get("former_names", [])]
    return any(query in text.normalize_name(name) for name in names)


def oracle_counts(bodies: Sequence[dict[str, Any]], by: Sequence[str]) -> dict[str, dict[str, int]]:
    result = {}
    for name in by:
        counter = Counter(value_of(b, name) for b in bodies)
        result[name] = {str(k): v for k, v in counter.items() if k}
    return result


@pytest.fixture(scope="module")
def corpus_engine(
    engine_name: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BlockingEngine]:
    yield from _built(engine_name, CORPUS.lines, tmp_path_factory)


days = st.one_of(
    st.sampled_from(CORPUS.boundary_days), st.dates(date(2020, 12, 1), date(2029, 12, 31))
)
some_filters = st.builds(
    RecordFilter,
    kinds=st.sampled_from([(), ("good_credit",), ("dishonest_act", "serious_list")]),
    categories=st.sampled_from([(), ("other",), ("patent_award", "false_materials")]),
    severities=st.sampled_from([(), ("serious",), ("minor", "general")]),
    subject_types=st.sampled_from([(), ("individual",), ("enterprise", "agency")]),
    authority=st.sampled_from([None, "国家知识产权局"]),
    region=st.sampled_from([None, "44", "4403", "11", "510104"]),
    decided_from=st.sampled_from([None, date(2023, 1, 1)]),
    decided_until=st.sampled_from([None, date(2025, 6, 30)]),
    published_since=st.sampled_from([None, date(2024, 1, 1), date(2025, 6, 1)]),
)
filters = st.one_of(st.just(RecordFilter()), some_filters)
queries = st.one_of(st.just(""), st.sampled_from(MARKERS), st.sampled_from(WORDS))
FACETS = ["kind", "category", "province", "year"]
COUNT_BY = [
    "kind",
    "category",
    "province",
    "year",
    "severity",
    "subject_type",
    "prefecture",
    "month",
]
PROPERTY_SETTINGS = settings(
    max_examples=400,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def test_corpus_is_varied() -> None:
    """The random corpus exercises what the property tests claim it does."""
    bodies = list(CORPUS.final.values())
    assert len(bodies) > 250 and len(CORPUS.lines) > len(bodies)
    assert {b["kind"] for b in bodies} == {"serious_list", "dishonest_act", "good_credit"}
    assert any(b.get("delisted_on") for b in bodies)
    assert any(not b.get("publish_until") for b in bodies)
    assert any(b.get("former_names") for b in bodies)
    assert max(Counter(b.get("uscc") for b in bodies if b.get("uscc")).values()) >= 10
    sizes = [len(oracle_published(day)) for day in (date(2022, 6, 1), date(2024, 6, 1), AS_OF)]
    assert all(size > 40 for size in sizes), sizes


@PROPERTY_SETTINGS
@given(day=days, query=queries, flt=filters, sort=st.sampled_from(["relevance", "newest"]))
def test_search_matches_brute_force(
    corpus_engine: BlockingEngine, day: date, query: str, flt: RecordFilter, sort: Sort
) -> None:
    expected = {
        k: b
        for k, b in oracle_published(day).items()
        if oracle_filter(b, flt) and oracle_text(b, query)
    }
    page = corpus_engine.search_records(SearchQuery(query, flt, sort, size=100), day=day)
    assert page.total == len(expected)
    assert len(page.hits) == min(100, len(expected))
    assert set(ids(page)) <= expected.keys()
    assert {k: facet_dict(v) for k, v in page.facets.items()} == oracle_counts(
        list(expected.values()), FACETS
    )
    if sort == "newest" or not query:
        decided = [hit.body["decided_on"] for hit in page.hits]
        assert decided == sorted(decided, reverse=True)
    counts = corpus_engine.count_records(day=day, by=COUNT_BY, filter=flt)
    filtered = [b for b in oracle_published(day).values() if oracle_filter(b, flt)]
    assert {k: facet_dict(v) for k, v in counts.items()} == oracle_counts(filtered, COUNT_BY)


@PROPERTY_SETTINGS
@given(
    day=days,
    sample=st.lists(st.sampled_from(sorted(CORPUS.final)), max_size=15),
    codes=st.lists(st.sampled_from(CORPUS.usccs), min_size=1, max_size=12, unique=True),
)
def test_reads_match_brute_force(
    corpus_engine: BlockingEngine, day: date, sample: list[str], codes: list[str]
) -> None:
    published = oracle_published(day)
    asked = [*CORPUS.final, "R-9999", *(line["record_id"] for line in CORPUS.lines)]
    assert corpus_engine.published_record_ids(asked, day=day) == published.keys()
    for record_id in sample:
        record = corpus_engine.get_record(record_id, day=day)
        if record_id in published:
            assert record is not None and record["record_id"] == record_id
            assert record["subject_name"] == published[record_id]["subject_name"]
            assert record.get("delisted_on") == published[record_id].get("delisted_on")
        else:
            assert record is None
    by_code = corpus_engine.find_candidates([Lookup(uscc=code) for code in codes], day=day)
    good = corpus_engine.find_candidates(
        [Lookup(uscc=code) for code in codes], day=day, kinds=["good_credit"]
    )
    for code, candidates in zip(codes, good, strict=True):
        assert {c.record["record_id"] for c in candidates} == {
            k for k, b in published.items() if b.get("uscc") == code and b["kind"] == "good_credit"
        }
    held = set(list(published)[::2])
    rest = corpus_engine.find_candidates(
        [Lookup(uscc=code) for code in codes], day=day, besides=held
    )
    for code, candidates in zip(codes, rest, strict=True):
        assert {c.record["record_id"] for c in candidates} == {
            k for k, b in published.items() if b.get("uscc") == code and k not in held
        }
    for code, candidates in zip(codes, by_code, strict=True):
        mine = {k: b for k, b in published.items() if b.get("uscc") == code}
        entity = corpus_engine.get_entity(code, day=day)
        assert {c.record["record_id"] for c in candidates} == mine.keys()
        assert all(c.basis == "USCC" for c in candidates)
        if not mine:
            assert entity is None
            continue
        assert entity is not None and entity.uscc == code
        assert {r["record_id"] for r in entity.records} == mine.keys()
        newest = max(b["decided_on"] for b in mine.values())
        assert entity.name in {
            b["subject_name"] for b in mine.values() if b["decided_on"] == newest
        }
        every_name = {
            n for b in mine.values() for n in [b["subject_name"], *b.get("former_names", [])]
        }
        assert set(entity.former_names) == every_name - {entity.name}
        assert entity.serious_listed == any(b["kind"] == "serious_list" for b in mine.values())


@PROPERTY_SETTINGS
@given(day=days, name=st.sampled_from([*CORPUS.names, "深圳市不存在科技有限公司"]))
def test_candidates_match_brute_force(corpus_engine: BlockingEngine, day: date, name: str) -> None:
    published = oracle_published(day)
    key = text.normalize_name(name)
    by_name = {k for k, b in published.items() if text.normalize_name(b["subject_name"]) == key}
    by_former = {
        k
        for k, b in published.items()
        if k not in by_name and key in {text.normalize_name(n) for n in b.get("former_names", [])}
    }
    expected = {("NAME", k) for k in by_name} | {("FORMER_NAME", k) for k in by_former}
    spaced = " ".join(name)  # spacing does not matter to an exact name
    for asked in (name, spaced):
        candidates = corpus_engine.candidates_for(uscc=None, name=asked, day=day, similar=0)
        assert {(c.basis, c.record["record_id"]) for c in candidates} == expected
    similar = corpus_engine.candidates_for(uscc=None, name=name, day=day, similar=10)
    assert {c.record["record_id"] for c in similar} <= published.keys()
    assert {(c.basis, c.record["record_id"]) for c in similar} >= expected


def test_every_exact_match_of_a_large_batch_is_found(
    corpus_engine: BlockingEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More matches than one page of the engine holds (Elasticsearch pages past its window)."""
    from credit.search import es_engine

    monkeypatch.setattr(es_engine, "EVERY_HIT_PAGE", 7)
    published = oracle_published(AS_OF)
    lookups = [Lookup(uscc=code) for code in CORPUS.usccs]
    found = corpus_engine.find_candidates(lookups, day=AS_OF)
    for code, candidates in zip(CORPUS.usccs, found, strict=True):
        mine = {k for k, b in published.items() if b.get("uscc") == code}
        assert {c.record["record_id"] for c in candidates} == mine
    assert sum(map(len, found)) > 3 * 7


@settings(PROPERTY_SETTINGS, max_examples=100)  # each example makes 35 lookups twice
@given(day=days, seed=st.integers(0, 1_000))
def test_a_batch_of_lookups_answers_like_one_lookup_at_a_time(
    corpus_engine: BlockingEngine, day: date, seed: int
) -> None:
    rng = random.Random(seed)
    names = rng.sample(CORPUS.names, min(8, len(CORPUS.names)))
    codes = rng.sample(CORPUS.usccs, min(8, len(CORPUS.usccs)))
    lookups = [
        *(Lookup(uscc=code) for code in codes),
        *(Lookup(name=name) for name in names),
        *(Lookup(similar_to=name, similar=5) for name in names),
        Lookup(uscc=codes[0], name=names[-1], similar_to=names[-1]),
        Lookup(name="深圳市不存在科技有限公司", similar_to="深圳市不存在科技有限公司"),
    ]

    def found(candidates: list[Candidate]) -> list[tuple[str, str]]:
        return sorted((c.basis, c.record["record_id"]) for c in candidates)

    published = oracle_published(day).keys()
    batch = corpus_engine.find_candidates(lookups, day=day)
    assert len(batch) == len(lookups)
    for lookup, answer in zip(lookups, batch, strict=True):
        assert found(answer) == found(corpus_engine.find_candidates([lookup], day=day)[0])
        assert {c.record["record_id"] for c in answer} <= published
        similar = [c.record for c in answer if c.basis == "SIMILAR_NAME"]
        assert len(similar) <= (lookup.similar if lookup.similar_to else 0)
        assert all(record["kind"] != "good_credit" for record in similar)


# === paging ================================================================================


def _all_pages(
    engine: BlockingEngine, query: str, sort: Sort, day: date, facets: bool = True
) -> tuple[list[str], int]:
    seen: list[str] = []
    cursor: str | None = None
    totals = set()
    for _ in range(1000):
        asked = SearchQuery(query, sort=sort, size=7, cursor=cursor, facets=facets)
        page = engine.search_records(asked, day=day)
        assert bool(page.facets) is facets
        totals.add(page.total)
        assert len(page.hits) <= 7
        seen += ids(page)
        cursor = page.next_cursor
        if cursor is None:
            break
        assert len(page.hits) == 7
    assert len(totals) == 1
    return seen, totals.pop()


def _commonest(words: Sequence[str], day: date) -> str:
    published = oracle_published(day).values()
    return max(words, key=lambda word: sum(oracle_text(b, word) for b in published))


@pytest.mark.parametrize("sort", ["relevance", "newest"])
@pytest.mark.parametrize("words", [[""], MARKERS, WORDS], ids=["browse", "reason", "name"])
@pytest.mark.parametrize("day", [date(2023, 3, 1), AS_OF])
def test_paging_visits_every_hit_once(
    corpus_engine: BlockingEngine, sort: Sort, words: list[str], day: date
) -> None:
    query = _commonest(words, day)
    expected = {k for k, b in oracle_published(day).items() if oracle_text(b, query)}
    assert len(expected) > 14, "the query spans several pages"
    seen, total = _all_pages(corpus_engine, query, sort, day)
    assert len(seen) == len(set(seen)), "no hit twice"
    assert set(seen) == expected
    assert total == len(expected)


@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_hits_only_pages_are_the_same_pages(corpus_engine: BlockingEngine, sort: Sort) -> None:
    """Exports and feeds page without facets and must see exactly the same hits."""
    query = _commonest(list(WORDS), AS_OF)
    with_facets = _all_pages(corpus_engine, query, sort, AS_OF)
    assert _all_pages(corpus_engine, query, sort, AS_OF, facets=False) == with_facets
