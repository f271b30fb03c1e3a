"""Screening rows against a small crafted register, on every engine, and the name scorer."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credit import collector
from credit.screening import matching, names
from credit.screening.matching import (
    Entry,
    RowResult,
    by_severity,
    screen_rows,
    screen_stream,
    summarize,
)
from credit.search.blocking import BlockingEngine
from credit.search.errors import EngineUnavailable
from credit.search.es_engine import ElasticsearchEngine
from tests.engines import ENGINES, build_engine
from tests.test_models import GOOD, RECORD

DAY = date(2025, 7, 1)
SERIOUS: dict[str, Any] = {
    **RECORD,
    "record_id": "S-1",
    "kind": "serious_list",
    "severity": "serious",
    "subject_name": "广州市恒远贸易有限公司",
    "uscc": "91440101MA59XKQK0P",
    "former_names": ["广州市恒远商贸有限公司"],
    "publish_until": "2027-03-09",
}
DISHONEST: dict[str, Any] = {**RECORD, "record_id": "D-1"}  # 深圳市测试科技有限公司
GOOD_ONLY: dict[str, Any] = {
    **GOOD,
    "record_id": "G-1",
    "subject_name": "杭州市华美电子有限公司",
    "uscc": "91330100MA2H8Q5R3F",
}
GOOD_OF_DISHONEST: dict[str, Any] = {**GOOD, "record_id": "G-2"}
GOOD_OF_SERIOUS: dict[str, Any] = {  # under the current name only: no former names
    **GOOD,
    "record_id": "G-3",
    "subject_name": SERIOUS["subject_name"],
    "uscc": SERIOUS["uscc"],
}
DELISTED: dict[str, Any] = {
    **RECORD,
    "record_id": "X-1",
    "subject_name": "成都蜀光电子有限公司",
    "uscc": "91510100MA6C4D9E8W",
    "delisted_on": "2025-06-01",
    "delist_reason": "repaired",
}
RENAMED_SERIOUS: dict[str, Any] = {  # listed under the old name, which it does not repeat
    **SERIOUS,
    "record_id": "S-2",
    "subject_name": "佛山市旧名陶瓷有限公司",
    "uscc": "91440600MA51R2W7X3",
    "former_names": [],
}
RENAMED_GOOD: dict[str, Any] = {
    **GOOD,
    "record_id": "G-4",
    "subject_name": "佛山市新名陶瓷有限公司",
    "former_names": ["佛山市旧名陶瓷有限公司"],
    "uscc": RENAMED_SERIOUS["uscc"],
}
LONG_CORE: dict[str, Any] = {  # a core of six: 精工模具制造
    **RECORD,
    "record_id": "D-2",
    "subject_name": "东莞市精工模具制造有限公司",
    "uscc": "91441900MA4W3K8L2Q",
}
LINES = [
    SERIOUS,
    DISHONEST,
    GOOD_ONLY,
    GOOD_OF_DISHONEST,
    GOOD_OF_SERIOUS,
    DELISTED,
    RENAMED_SERIOUS,
    RENAMED_GOOD,
    LONG_CORE,
]


def _valid(code: str) -> str:
    from credit.uscc import check_character

    return code[:17] + check_character(code[:17])


for _line in LINES:
    _line["uscc"] = _valid(_line["uscc"])


@pytest.fixture(scope="module", params=ENGINES)
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BlockingEngine]:
    tmp: Path = tmp_path_factory.mktemp(f"screen-{request.param}")
    blocking = build_engine(request.param, LINES, tmp)
    try:
        yield blocking
    finally:
        blocking.close()


def screen(engine: BlockingEngine, name: str = "", uscc: str = "", day: date = DAY) -> RowResult:
    return engine.run(screen_rows(engine.engine, [Entry("1", name, uscc)], day=day))[0]


def test_uscc_match(engine: BlockingEngine) -> None:
    result = screen(engine, "随便写的名称", SERIOUS["uscc"])
    assert (result.verdict, result.basis) == ("SERIOUS", "USCC")
    assert "公示名称为「广州市恒远贸易有限公司」" in result.reason


@pytest.mark.parametrize(
    "name", ["广州市恒远贸易有限公司", "廣州市恒遠貿易有限公司", " 广州市 恒远贸易（有限公司） "]
)
def test_name_match_after_normalization(engine: BlockingEngine, name: str) -> None:
    result = screen(engine, name)
    assert (result.verdict, result.basis) == ("SERIOUS", "NAME")
    assert result.matches[0].score == 1.0


def test_former_name_match(engine: BlockingEngine) -> None:
    result = screen(engine, "广州市恒远商贸有限公司")
    assert (result.verdict, result.basis) == ("SERIOUS", "FORMER_NAME")
    assert "曾用名「广州市恒远商贸有限公司」" in result.reason


def test_dishonest_with_good_credit_attached(engine: BlockingEngine) -> None:
    result = screen(engine, "深圳市测试科技有限公司")
    assert result.verdict == "DISHONEST"
    assert [m.record_id for m in result.good_credit] == ["G-2"]


def test_the_subjects_good_credit_under_another_name_is_attached(engine: BlockingEngine) -> None:
    result = screen(engine, "广州市恒远商贸有限公司")  # the former name; G-3 is under the new one
    assert (result.verdict, result.basis) == ("SERIOUS", "FORMER_NAME")
    assert [(m.record_id, m.basis) for m in result.good_credit] == [("G-3", "USCC")]
    assert SERIOUS["uscc"] in result.good_credit[0].reason


def test_a_renamed_subject_listed_under_its_old_name_is_serious(engine: BlockingEngine) -> None:
    """The row gives the new name, which only the good-credit record carries; the subject's
    USCC leads to the serious-list record published under the old name."""
    result = screen(engine, RENAMED_GOOD["subject_name"])
    assert (result.verdict, result.basis) == ("SERIOUS", "USCC")
    assert [m.record_id for m in result.matches] == ["S-2", "G-4"]
    assert "佛山市旧名陶瓷有限公司" in result.reason


def test_good_credit_another_row_of_the_batch_found_is_attached_too(
    engine: BlockingEngine,
) -> None:
    """G-3 comes with the second row's own lookup; the first row still gets it."""
    rows = [Entry("1", "广州市恒远商贸有限公司"), Entry("2", SERIOUS["subject_name"])]
    first, second = engine.run(screen_rows(engine.engine, rows, day=DAY))
    assert [m.record_id for m in first.good_credit] == ["G-3"]
    assert [m.record_id for m in second.good_credit] == ["G-3"]


def test_an_exact_match_lists_same_name_records_under_another_code(
    engine: BlockingEngine,
) -> None:
    result = screen(engine, SERIOUS["subject_name"], DISHONEST["uscc"])
    assert (result.verdict, result.basis) == ("DISHONEST", "USCC")
    listed = {m.record_id: m for m in result.matches}
    assert listed["S-1"].basis == "SIMILAR_NAME"
    assert "统一社会信用代码不同" in listed["S-1"].reason
    assert result.matches[-1].record_id == "S-1"  # after the matches that decide
    assert "G-3" not in listed  # another subject's good credit is not this row's
    assert any("另有同名的公示记录" in m for m in result.messages)


def test_a_dishonest_name_given_with_a_clear_subjects_code_is_review(
    engine: BlockingEngine,
) -> None:
    """The code leads to a subject with good credit only, the name to a serious-list
    record under another code: a person decides which subject the row means."""
    result = screen(engine, SERIOUS["subject_name"], GOOD_ONLY["uscc"])
    assert (result.verdict, result.basis) == ("REVIEW", "SIMILAR_NAME")
    assert result.matches[0].record_id == "S-1" and "统一社会信用代码不同" in result.reason
    assert [m.record_id for m in result.good_credit] == ["G-1"]
    assert any("另有同名的公示记录" in m for m in result.messages)


def test_good_credit_only_is_clear_with_information(engine: BlockingEngine) -> None:
    result = screen(engine, "", GOOD_ONLY["uscc"])
    assert (result.verdict, result.basis) == ("CLEAR", "USCC")
    assert [m.record_id for m in result.good_credit] == ["G-1"]


def test_similar_names_are_review_with_an_explanation(engine: BlockingEngine) -> None:
    result = screen(engine, "广州市恒远贸易有限责任公司")
    assert (result.verdict, result.basis) == ("REVIEW", "SIMILAR_NAME")
    assert 0 < result.matches[0].score < 1
    assert "有限责任公司" in result.reason and "相似度" in result.reason
    assert screen(engine, "广州恒远贸易有限公司").verdict == "REVIEW"


@pytest.mark.parametrize(
    ("name", "published"),
    [
        ("深圳市测试信息科技有限公司", DISHONEST),  # a word more than the record's
        ("东莞市精工制造有限公司", LONG_CORE),  # a word less
        ("东莞精工模具有限公司", LONG_CORE),
    ],
)
def test_a_name_a_word_apart_is_review(
    engine: BlockingEngine, name: str, published: dict[str, Any]
) -> None:
    result = screen(engine, name)
    assert (result.verdict, result.basis) == ("REVIEW", "SIMILAR_NAME")
    assert result.matches[0].record_id == published["record_id"]
    assert "相似度 80" in result.reason


@pytest.mark.parametrize(
    "name", ["广州市恒远贸易有限公司深圳分公司", "杭州市恒远贸易有限公司", "广州市明光贸易有限公司"]
)
def test_branch_other_city_and_other_name_are_clear(engine: BlockingEngine, name: str) -> None:
    assert screen(engine, name).verdict == "CLEAR"


def test_delisted_record_never_makes_a_verdict(engine: BlockingEngine) -> None:
    for name, code in (("成都蜀光电子有限公司", ""), ("", DELISTED["uscc"])):
        assert screen(engine, name, code).verdict == "CLEAR"
        assert screen(engine, name, code).matches == ()
        before = screen(engine, name, code, day=date(2025, 5, 31))
        assert before.verdict == "DISHONEST"
    assert screen(engine, "成都蜀光电子有限责任公司").verdict == "CLEAR"


def test_invalid_rows(engine: BlockingEngine) -> None:
    empty = screen(engine)
    assert empty.verdict == "INVALID" and "均为空" in empty.reason
    assert "过短" in screen(engine, "公").reason
    assert "不含文字" in screen(engine, "——").reason
    assert "200" in screen(engine, "公" * 201).reason
    wrong = SERIOUS["uscc"][:17] + ("0" if SERIOUS["uscc"][17] != "0" else "1")
    invalid = screen(engine, "某个不在名单上的公司", wrong)
    assert invalid.verdict == "INVALID" and "校验位" in invalid.reason
    assert screen(engine, "", "12345").verdict == "INVALID"
    as_float = screen(engine, "某个不在名单上的公司", "9.14403E+17")  # a spreadsheet's number
    assert as_float.verdict == "INVALID" and "科学计数法" in as_float.reason
    rounded = screen(engine, "某个不在名单上的公司", "911101051000000000")  # last digits lost
    assert rounded.verdict == "INVALID" and "数字格式" in rounded.reason
    typed = screen(engine, "某个不在名单上的公司", "911101051000000300")  # a typing slip
    assert typed.verdict == "INVALID" and "数字格式" not in typed.reason
    for masked in ("110101********1233", "110105*******7123", "110105*****7123"):
        personal = screen(engine, masked)  # an ID number in the name column, as read
        assert personal.verdict == "INVALID" and "居民身份证号码" in personal.reason
    problem = "名称单元格 A3 是公式，文件中没有保存它的计算结果"
    unreadable = engine.run(screen_rows(engine.engine, [Entry("1", "", "", problem)], day=DAY))
    assert (unreadable[0].verdict, unreadable[0].reason) == ("INVALID", f"无法核查：{problem}")


@pytest.mark.parametrize(
    ("note", "read"),
    [
        ("（A01展位）", "（A01展位）"),
        ("(3号馆)", "(3号馆)"),
        (" A01", "A01"),
        ("（展位号：C203）", "（展位号：C203）"),
        (" B2-05", "B2-05"),
        ("(Hall 3)", "(Hall 3)"),
        ("A01", "A01"),  # written on
        (" Hall 3", "Hall 3"),
        ("3号馆", "3号馆"),  # written on
        ("展位号A01", "展位号A01"),
        ("/A01", "A01"),
        ("，A01展位", "A01展位"),
    ],
)
def test_a_note_after_the_name_is_left_out(engine: BlockingEngine, note: str, read: str) -> None:
    result = screen(engine, SERIOUS["subject_name"] + note)
    assert (result.verdict, result.basis) == ("SERIOUS", "NAME")
    assert result.messages == (
        f"名称后的「{read}」不是名称的一部分，已按「{SERIOUS['subject_name']}」核查",
    )


@pytest.mark.parametrize(
    ("number", "read"),
    [
        ("1. ", "1."),
        ("2、", "2、"),
        ("3）", "3）"),
        ("（4）", "（4）"),
        ("⑤ ", "⑤"),
        ("6 ", "6"),  # a number and a space, then a region's name
        ("【A01】", "【A01】"),
        ("A01展位 ", "A01展位"),
        ("（3号馆）", "（3号馆）"),
    ],
)
def test_a_list_number_or_booth_before_the_name_is_left_out(
    engine: BlockingEngine, number: str, read: str
) -> None:
    result = screen(engine, number + SERIOUS["subject_name"] + " A01")
    assert (result.verdict, result.basis) == ("SERIOUS", "NAME")
    assert result.messages == (
        f"名称前的「{read}」和名称后的「A01」不是名称的一部分，"
        f"已按「{SERIOUS['subject_name']}」核查",
    )


def test_a_bracket_that_is_part_of_a_name_is_kept() -> None:
    kept = (
        "立信会计师事务所（特殊普通合伙）",
        "某某有限公司（深圳分公司）",
        "某公司 第一分店",
        "深圳市南山区乐购便利店（个体工商户）",
        "某某便利店（1号店）",
        "华兴银行股份有限公司 北京海淀支行",
        "华茂科技有限公司（北京代表处）",
        "华茂科技有限公司 工会委员会",
        "某某有限公司（Standard）",  # a booth word inside a word is none
        "某某有限公司 Hallstatt",
        "1号店网络科技有限公司",  # digits that begin a name
        "58同城信息技术有限公司",
        "3M中国有限公司",
        "7 Eleven Inc",
        "3M 中国有限公司",  # a brand and a space: no list number, no booth
        "58 同城信息技术有限公司",
        "F5 网络科技（北京）有限公司",
        "2.5D 科技有限公司",  # a decimal point
        "某某会展中心展馆管理部",  # a booth word inside a word written on
        "上海展台 搭建有限公司",  # … or before a space
        "某某厂1",
        "某某有限公司12",
        "1. 甲",  # nothing would be left
    )
    for name in kept:
        assert names.without_note(name) == (name, "", "")
    # a list number's punctuation, then a name that starts with digits
    assert names.without_note("2、58同城信息技术有限公司") == ("58同城信息技术有限公司", "2、", "")
    assert names.without_note("3）360安全科技股份有限公司")[0] == "360安全科技股份有限公司"


def test_a_row_read_in_part_is_screened_on_the_part_read(engine: BlockingEngine) -> None:
    problem = "名称单元格 A3 是公式，文件中没有保存它的计算结果"
    entry = Entry("3", "", SERIOUS["uscc"], problem)
    result = engine.run(screen_rows(engine.engine, [entry], day=DAY))[0]
    assert (result.verdict, result.basis) == ("SERIOUS", "USCC")
    assert result.messages == (problem,)


def test_invalid_code_with_an_exact_name_is_screened_by_name(engine: BlockingEngine) -> None:
    wrong = SERIOUS["uscc"][:17] + ("0" if SERIOUS["uscc"][17] != "0" else "1")
    result = screen(engine, "广州市恒远贸易有限公司", wrong)
    assert (result.verdict, result.basis) == ("SERIOUS", "NAME")
    assert any("校验位" in m for m in result.messages)


def test_same_name_with_another_valid_code_is_review(engine: BlockingEngine) -> None:
    other = _valid("91440101MA59XKQK1P")
    result = screen(engine, "广州市恒远贸易有限公司", other)
    assert (result.verdict, result.basis) == ("REVIEW", "SIMILAR_NAME")
    assert "统一社会信用代码不同" in result.reason


def test_batch_keeps_order_summary_and_severity(engine: BlockingEngine) -> None:
    entries = [
        Entry("a", "杭州市明光贸易有限公司"),
        Entry("b", "广州市恒远贸易有限公司"),
        Entry("c"),
        Entry("d", "深圳市测试科技有限公司"),
        Entry("e", "广州市恒远贸易有限责任公司"),
    ]
    results = engine.run(screen_rows(engine.engine, entries, day=DAY, chunk=2))
    assert [r.entry.ref for r in results] == ["a", "b", "c", "d", "e"]
    assert summarize(results) == {
        "SERIOUS": 1,
        "DISHONEST": 1,
        "REVIEW": 1,
        "INVALID": 1,
        "CLEAR": 1,
    }
    assert [r.entry.ref for r in by_severity(results)] == ["b", "d", "e", "c", "a"]

    async def streamed() -> list[RowResult]:
        many = (Entry(str(i), e.name) for i in range(7) for e in entries)
        return [r async for r in screen_stream(engine.engine, many, day=DAY, chunk=4)]

    again = engine.run(streamed())
    assert [r.verdict for r in again] == [r.verdict for r in results] * 7


def test_similar_names_looked_up_in_pieces_keep_the_rows_in_order(
    engine: BlockingEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    similar = ["广州市恒远贸易有限责任公司", "杭州市明光贸易有限公司", "深圳市测试信息科技有限公司"]
    entries = [Entry(str(i), similar[i % 3]) for i in range(11)]  # all undecided by exact
    whole = engine.run(screen_rows(engine.engine, entries, day=DAY))
    monkeypatch.setattr(matching, "SIMILAR_PIECE", 2)  # six pieces, two under way
    pieces = engine.run(screen_rows(engine.engine, entries, day=DAY))
    assert [r.entry.ref for r in pieces] == [e.ref for e in entries]
    assert [(r.verdict, r.reason) for r in pieces] == [(r.verdict, r.reason) for r in whole]
    assert [r.verdict for r in pieces[:3]] == ["REVIEW", "CLEAR", "REVIEW"]


async def test_an_engine_that_fails_midway_raises_its_own_error() -> None:
    # a cluster that does not answer (nothing listens there): the error the portal turns
    # into its 503 page, not a group of the chunks' and pieces' errors
    down = ElasticsearchEngine(["http://127.0.0.1:9"], "ipcredit-test-down")
    rows = [Entry(str(i), f"深圳市华创{i}科技有限公司") for i in range(450)]
    try:
        with pytest.raises(EngineUnavailable):
            await screen_rows(down, rows, day=DAY, chunk=200)
    finally:
        await down.close()


def test_a_bug_while_screening_is_not_hidden_behind_one_error(
    engine: BlockingEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> RowResult:  # a fault no input causes: a bug
        raise KeyError("kind")

    monkeypatch.setattr(matching, "_decide_similar", broken)
    rows = [Entry("1", "杭州市明光贸易有限公司")]
    with pytest.raises(ExceptionGroup) as failed:
        engine.run(screen_rows(engine.engine, rows, day=DAY))
    assert failed.group_contains(KeyError)


def test_screening_relaxes_the_collector_while_it_runs(engine: BlockingEngine) -> None:
    seen: list[tuple[int, int, int]] = []
    inner = engine.engine

    class Watched:
        """The engine, noting the collector's thresholds whenever it is asked."""

        async def find_candidates(
            self, lookups: Any, *, day: date, kinds: Any = None, besides: Any = ()
        ) -> Any:
            seen.append(gc.get_threshold())
            return await inner.find_candidates(lookups, day=day, kinds=kinds, besides=besides)

    rows = [Entry("1", "广州市恒远贸易有限公司"), Entry("2", "广州市恒远贸易有限责任公司")]
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)  # CPython's usual pace, whatever ran before
    try:
        results = engine.run(screen_rows(Watched(), rows, day=DAY))  # type: ignore[arg-type]
        after = gc.get_threshold()
    finally:
        gc.set_threshold(*before)
    assert [r.verdict for r in results] == ["SERIOUS", "REVIEW"]
    assert seen and all(t[0] == collector.YOUNG_COLLECTION_AFTER for t in seen)
    assert after == (700, 10, 10)


# --- names ---------------------------------------------------------------------------------------


def test_parse_name_parts() -> None:
    parts = names.parse_name("广东省深圳市華創（深圳）科技有限公司广州分公司")
    assert (parts.region, parts.core, parts.form, parts.branch) == (
        "广东省深圳市",
        "华创深圳科技",
        "有限公司",
        "广州分公司",
    )
    bracket = names.parse_name("华创（深圳）科技有限公司")
    assert (bracket.region, bracket.core) == ("深圳", "华创科技")
    agency = names.parse_name("北京智慧源专利代理事务所（普通合伙）")
    assert agency.form == "事务所普通合伙"


@pytest.mark.parametrize(
    ("name", "region", "core"),
    [
        ("苏州工业园区华创科技有限公司", "苏州工业园区", "华创科技"),
        ("成都高新技术产业开发区华创科技有限公司", "成都高新技术产业开发区", "华创科技"),
        ("天津市滨海新区华创科技有限公司", "天津市滨海新区", "华创科技"),
        ("中国（上海）自由贸易试验区华创科技有限公司", "上海自由贸易试验区", "华创科技"),
        ("开发区华创科技有限公司", "", "开发区华创科技"),  # a zone of no region named
    ],
)
def test_a_development_zone_is_part_of_the_region(name: str, region: str, core: str) -> None:
    parts = names.parse_name(name)
    assert (parts.region, parts.core) == (region, core)
    if region:
        similar = names.compare(name, region[:2] + "华创科技有限公司")
        assert similar.score >= names.THRESHOLD and "行政区划" in similar.explanation


@pytest.mark.parametrize(
    ("name", "region", "core"),
    [
        ("苏州工业园区有限公司", "苏州", "工业园区"),  # the zone's own company
        ("杭州高新区块链技术有限公司", "杭州", "高新区块链技术"),  # 区块链
        ("中国开发区建设（上海）有限公司", "上海", "中国开发区建设"),
    ],
)
def test_a_zone_word_that_is_not_where_the_subject_is(name: str, region: str, core: str) -> None:
    parts = names.parse_name(name)
    assert (parts.region, parts.core) == (region, core)


def test_a_zone_lies_inside_its_city() -> None:
    similar = names.compare("苏州工业园区华创科技有限公司", "苏州华创科技有限公司")
    assert similar.score == 100 - names.WIDER_REGION_PENALTY
    assert "行政区划范围不同" in similar.explanation


@pytest.mark.parametrize(
    ("asked", "at_least", "below", "says"),
    [
        ("深圳华创科技有限公司", 95, 100, "写法不同"),
        ("华创科技有限公司", 90, 100, "缺少行政区划"),
        ("深圳市华闯科技有限公司", 80, 95, "读音相同"),
        ("深圳市华创科技有限责任公司", 80, 95, "组织形式不同"),
        ("广州市华创科技有限公司", 0, 80, "行政区划不同"),
        ("深圳市华创科技有限公司广州分公司", 0, 80, "分公司与总公司不是同一主体"),
        ("深圳市华创科技有限公司广洲分公司", 0, 80, "分公司与总公司不是同一主体"),
        ("深圳市华创贸易有限公司", 0, 80, "名称主体"),
    ],
)
def test_compare(asked: str, at_least: float, below: float, says: str) -> None:
    similarity = names.compare(asked, "深圳市华创科技有限公司")
    assert at_least <= similarity.score < below
    assert says in similarity.explanation
    assert similarity.explanation.startswith("名称相近（相似度")


_NAMES = st.builds(
    "".join,
    st.tuples(
        st.sampled_from(["", "深圳市", "深圳", "广东省", "广州市", "广东省深圳市南山区"]),
        st.text(alphabet="华创闯科技贸易电子", max_size=6),
        st.sampled_from(["有限公司", "有限责任公司", "", "厂"]),
        st.sampled_from(["", "广州分公司", "分公司", "深圳分公司"]),
    ),
)


@given(
    asked=_NAMES,
    published=_NAMES,
    region=st.sampled_from([None, "440305", "440100", "110000"]),
    floor=st.sampled_from([0.0, 50.0, 79.9, 80.0, 90.0, 99.0, 100.0]),
)
def test_compare_at_least_is_compare_cut_at_the_floor(
    asked: str, published: str, region: str | None, floor: float
) -> None:
    full = names.compare(asked, published, region)
    cut = names.compare_at_least(asked, published, region, floor=floor)
    assert cut == (full if full.score >= floor else None)
    assert names.compare_at_least(asked, published, region, floor=full.score) == full
    above = round(full.score + 0.1, 1)
    assert names.compare_at_least(asked, published, region, floor=above) is None


@pytest.mark.parametrize(
    ("asked", "published", "similar"),
    [
        ("华创科技有限公司广洲分公司", "华创科技有限公司广州分公司", True),  # a typed homophone
        ("华创科技有限公司广洲市分公司", "华创科技有限公司广州分公司", True),
        ("华创科技有限公司南珊分公司", "华创科技有限公司南山分公司", True),
        ("华创科技有限公司泰州分公司", "华创科技有限公司台州分公司", False),  # two places
        ("华创科技有限公司朝阳分公司", "华创科技有限公司潮阳分公司", False),  # 潮阳区
        ("华创科技有限公司吉林省分公司", "华创科技有限公司吉林市分公司", False),
        ("华创科技有限公司南山分公司", "华创科技有限公司福田分公司", False),
    ],
)
def test_branches_that_read_alike_are_for_review(asked: str, published: str, similar: bool) -> None:
    similarity = names.compare(asked, published)
    assert (similarity.score >= names.THRESHOLD) is similar
    assert ("读音相同" in similarity.explanation) is similar


def test_compare_uses_the_records_region_when_its_name_has_none() -> None:
    assert names.compare("深圳市华创科技有限公司", "华创科技有限公司", "440305").score == 99
    assert names.compare("广州市华创科技有限公司", "华创科技有限公司", "440305").score < 80


def test_a_personal_id_number_in_the_code_column_is_named_so(engine: BlockingEngine) -> None:
    for masked in ("110105********1239", "110105*******7123"):
        result = screen(engine, "", masked)
        assert result.verdict == "INVALID" and "居民身份证号码" in result.reason
