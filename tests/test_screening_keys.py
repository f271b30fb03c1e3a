"""Similar-name keys: every pair `names.compare` scores as similar shares a core and an area."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credit.screening import names
from credit.screening.keys import (
    MIN_CORE_FOR_DELETIONS,
    MIN_CORE_FOR_REPLACED,
    IndexKeys,
    KeyGroup,
    index_keys,
    query_keys,
    shares_a_key,
)

INDEXED = {"华创科技", "_创科技", "_华科技", "_华创技", "_华创科", "~huachuangkeji"}
ASKED = {"华创科技", "_华创科技", "创科技", "华科技", "华创技", "华创科", "~huachuangkeji"}


def _split(keys: IndexKeys | list[KeyGroup]) -> tuple[set[str], set[str]]:
    """The areas and cores of a record's keys, or of a row's first group (the `=` cores
    a word apart, asked in fewer areas, left out)."""
    if isinstance(keys, IndexKeys):
        return set(keys.areas), {core for core in keys.cores if "=" not in core}
    return set(keys[0].areas), {core for core in keys[0].cores if "=" not in core}


def _pairs(groups: list[KeyGroup]) -> set[str]:
    """Every area and core a row pairs, written `AREA|CORE`."""
    return {f"{area}|{core}" for group in groups for area in group.areas for core in group.cores}


def _found(asked: str, published: str, region_code: str | None = None) -> bool:
    return shares_a_key(query_keys(asked), index_keys([published], region_code))


def test_index_keys_of_a_name() -> None:
    keys = index_keys(["深圳市华创科技有限公司"], "440305")
    assert keys == IndexKeys(sorted(INDEXED), sorted({"4403", "44*", "*"}))


def test_a_name_without_region_stands_in_its_registered_region() -> None:
    assert _split(index_keys(["华创科技有限公司"], "440305"))[0] == {"4403", "44*", "*"}
    assert _split(index_keys(["华创科技有限公司"], None))[0] == {"-", "*"}
    assert _split(index_keys(["广东省华创科技有限公司"], "440305"))[0] == {"44", "44*", "*"}


def test_former_names_add_their_keys() -> None:
    keys = index_keys(["深圳市华创科技有限公司", "杭州市明光贸易有限公司"], None)
    assert {"4403", "3301", "*"} <= set(keys.areas)
    assert {"华创科技", "明光贸易"} <= set(keys.cores)
    # the areas of one name pair with the cores of the other: one more record to compare
    assert _found("杭州市华创科技有限公司", "深圳市华创科技有限公司") is False
    assert shares_a_key(query_keys("杭州市华创科技有限公司"), keys)


def test_short_cores_have_no_deletions() -> None:
    assert _split(index_keys(["北京市王某"], None))[1] == {"~wangmou", "王某"}
    assert MIN_CORE_FOR_DELETIONS == 3
    assert names.compare("北京市光光有限公司", "北京市华光光有限公司").score >= names.THRESHOLD


def test_asked_cores_replace_a_character_only_where_that_can_score() -> None:
    assert _split(query_keys("华创科技有限公司"))[1] == ASKED
    assert "*|_华电子科技" in _pairs(query_keys("华创电子科技有限公司"))
    assert MIN_CORE_FOR_REPLACED == 5
    assert names.compare("华创科技有限公司", "华刨科技有限公司").score < names.THRESHOLD
    assert names.compare("华创电子科技有限公司", "华刨电子科技有限公司").score >= names.THRESHOLD


def test_a_branch_shares_keys_only_with_the_same_branch() -> None:
    assert names.BRANCH_CAP < names.THRESHOLD
    keys = index_keys(["深圳市华创科技有限公司南山分公司"], None)
    assert "华创科技@nanshanfengongsi" in keys.cores and "华创科技" not in keys.cores
    assert _found("深圳市华创科技有限责任公司南山分公司", "深圳市华创科技有限公司南山分公司")
    for other in ("深圳市华创科技有限公司", "深圳市华创科技有限公司福田分公司"):
        assert names.compare("深圳市华创科技有限公司南山分公司", other).score < names.THRESHOLD
        assert not _found("深圳市华创科技有限公司南山分公司", other)
        assert not _found(other, "深圳市华创科技有限公司南山分公司")


@pytest.mark.parametrize(
    ("asked", "word_keys"),
    [  # a word apart from a core of four scores 80: never where one name names no region
        ("华创科技有限公司", {"-|=华创科技"}),
        ("深圳华创科技有限公司", {"4403|=华创科技", "44|=华创科技"}),
        ("广东省华创科技有限公司", {"44*|=华创科技"}),
        ("华创信息电子科技有限公司", {"*|=华创信息电子科技"}),  # 86: anywhere
        ("深圳华创信息电子科技有限公司", {f"{a}|=华创信息电子科技" for a in ("-", "44", "4403")}),
    ],
)
def test_a_word_apart_is_asked_where_the_region_leaves_it_a_score(
    asked: str, word_keys: set[str]
) -> None:
    assert {key for key in _pairs(query_keys(asked)) if "=" in key} == word_keys


def test_query_areas() -> None:
    assert _split(query_keys("深圳华创科技有限责任公司")) == ({"-", "44", "4403"}, ASKED)
    assert _split(query_keys("华创科技有限公司")) == ({"*"}, ASKED)  # anywhere
    assert _split(query_keys("广东省华创科技有限公司"))[0] == {"-", "44*"}
    assert query_keys("（）") == []


def test_a_word_apart_from_a_short_core_is_a_group_of_its_own() -> None:
    roomy, tight = query_keys("深圳华创科技有限公司")
    assert roomy.areas == ("-", "44", "4403") and "=华创科技" not in roomy.cores
    assert tight == KeyGroup(("44", "4403"), ("=华创科技",))


@pytest.mark.parametrize(
    ("asked", "published", "region_code"),
    [
        ("深圳市华创科技有限责任公司", "深圳市华创科技有限公司", None),  # another form
        ("深圳华创科技有限公司", "深圳市华创科技有限公司", None),  # 市 left out
        ("华创科技有限公司", "深圳市华创科技有限公司", None),  # region left out
        ("深圳市华创科技有限公司", "华创科技有限公司", "440305"),  # the record's region
        ("深圳市华创科技有限公司", "广东省华创科技有限公司", None),  # a wider region
        ("广东省华创科技有限公司", "深圳市华创科技有限公司", None),  # a narrower one asked
        ("深圳市南山区华创科技有限公司", "深圳市华创科技有限公司", None),  # a narrower one
        ("深圳市华闯科技有限公司", "深圳市华创科技有限公司", None),  # a homophone
        ("深圳市华刨电子科技有限公司", "深圳市华创电子科技有限公司", None),  # another character
        ("深圳市华科技有限公司", "深圳市华创科技有限公司", None),  # one left out
        ("深圳市华创新科技有限公司", "深圳市华创科技有限公司", None),  # one added
        ("深圳市创科技有限公司", "深圳市华创科技有限公司", None),  # three of four
        ("深圳华创科技有限公司", "深圳市华创信息科技有限公司", None),  # a word added
        ("北京华创伟业科技有限公司", "北京华创科技有限公司", None),  # a word left out
        ("华创科技有限公司", "华创科技发展有限公司", None),  # a word after
        ("東莞市（長安）精工模具有限公司", "东莞市长安精工模具有限公司", None),
        ("深圳市华创科技有限公司广州市分公司", "深圳市华创科技有限公司广州分公司", None),
        ("深圳市华创科技有限公司广洲分公司", "深圳市华创科技有限公司广州分公司", None),  # typed
        ("苏州华创科技有限公司", "苏州工业园区华创科技有限公司", None),  # a development zone
    ],
)
def test_similar_names_share_a_key(asked: str, published: str, region_code: str | None) -> None:
    assert names.compare(asked, published, region_code).score >= names.THRESHOLD
    assert _found(asked, published, region_code)


@pytest.mark.parametrize(
    ("asked", "published"),
    [
        ("广州市华创科技有限公司", "深圳市华创科技有限公司"),  # another city never scores
        ("深圳市明光贸易有限公司", "深圳市华创科技有限公司"),
        ("深圳市华信科技有限公司", "深圳市华创科技有限公司"),  # one of four replaced: 75
        ("深圳市华创科有限公司", "深圳市华创信息科有限公司"),  # a word added to three: 75
    ],
)
def test_names_that_cannot_score_share_no_key(asked: str, published: str) -> None:
    assert names.compare(asked, published).score < names.THRESHOLD
    assert not _found(asked, published)


def test_branches_of_two_level_words_are_two_branches() -> None:
    jilin = "中国人寿保险股份有限公司吉林{}分公司"
    assert names.compare(jilin.format("省"), jilin.format("市")).score < names.THRESHOLD
    assert names.compare(jilin.format("省"), jilin.format("")).score >= names.THRESHOLD


_CHARS = "华化创闯刨科技电子明光贸易精工"  # homophone pairs among them: 华化, 创闯
_REGIONS = ("", "深圳市", "深圳市南山区", "广东省", "广州市", "东莞市")
_FORMS = ("有限公司", "有限责任公司", "股份有限公司", "")
_BRANCHES = ("", "南山分公司", "南山区分公司", "南山县分公司", "南山市区分公司", "南珊分公司")


@st.composite
def _name(draw: st.DrawFn, core: str | None = None) -> str:
    core = core or draw(st.text(alphabet=_CHARS, min_size=2, max_size=7))
    form = draw(st.sampled_from(_FORMS))
    branch = draw(st.sampled_from(_BRANCHES)) if form else ""  # a branch follows a form
    return draw(st.sampled_from(_REGIONS)) + core + form + branch


@st.composite
def _edited(draw: st.DrawFn, core: str) -> str:
    """The core with one character replaced, added or left out, a word (two characters
    side by side) added or left out, or as it is."""
    chars = list(core)
    at = draw(st.integers(0, len(chars)))
    edit = draw(st.sampled_from(("replace", "add", "leave out", "add word", "leave out word")))
    added = draw(st.text(alphabet=_CHARS, min_size=2, max_size=2))
    if edit == "add":
        chars.insert(at, added[0])
    elif edit == "add word":
        chars[at:at] = list(added)
    elif edit == "leave out word":
        chars[at : at + 2] = []
    elif at < len(chars) and draw(st.booleans()):
        chars[at : at + 1] = [added[0]] if edit == "replace" else []
    return "".join(chars) or core


@st.composite
def _pair(draw: st.DrawFn) -> tuple[str, str, str | None]:
    core = draw(st.text(alphabet=_CHARS, min_size=2, max_size=7))
    asked = draw(_name(core))
    published = draw(_name(draw(_edited(core))))
    region_code = draw(st.sampled_from((None, "440305", "440100", "440000")))
    return asked, published, region_code


@settings(max_examples=1_500, deadline=None)
@given(_pair())
def test_every_pair_that_can_score_shares_a_key(pair: tuple[str, str, str | None]) -> None:
    asked, published, region_code = pair
    if names.compare(asked, published, region_code).score >= names.THRESHOLD:
        assert _found(asked, published, region_code)
