"""Similar-name keys: every pair `names.compare` scores as similar shares a key."""

from __future__ import annotations

import pytest

from credit.screening import names
from credit.screening.keys import index_keys, query_keys

VARIANTS = {"华创科技", "创科技", "华科技", "华创技", "华创科", "~huachuangkeji"}


def _split(keys: list[str]) -> tuple[set[str], set[str]]:
    areas = {key.split("|", 1)[0] for key in keys}
    variants = {key.split("|", 1)[1] for key in keys}
    assert set(keys) == {f"{a}|{v}" for a in areas for v in variants}
    return areas, variants


def _found(asked: str, published: str, region_code: str | None = None) -> bool:
    return bool(set(query_keys(asked)) & set(index_keys([published], region_code)))


def test_index_keys_of_a_name() -> None:
    assert _split(index_keys(["深圳市华创科技有限公司"], "440305")) == ({"4403", "*"}, VARIANTS)


def test_a_name_without_region_stands_in_its_registered_region() -> None:
    assert _split(index_keys(["华创科技有限公司"], "440305"))[0] == {"4403", "*"}
    assert _split(index_keys(["华创科技有限公司"], None))[0] == {"-", "*"}
    assert _split(index_keys(["广东省华创科技有限公司"], "440305"))[0] == {"44", "*"}


def test_former_names_add_their_keys() -> None:
    keys = index_keys(["深圳市华创科技有限公司", "杭州市明光贸易有限公司"], None)
    assert {"4403|华创科技", "3301|明光贸易", "*|华创科技", "*|明光贸易"} <= set(keys)
    assert "3301|华创科技" not in keys


def test_short_cores_have_no_deletions() -> None:
    assert _split(index_keys(["北京市王某某"], None))[1] == {"~wangmoumou", "王某某"}


def test_query_areas() -> None:
    assert _split(query_keys("深圳华创科技有限责任公司")) == ({"-", "44", "4403"}, VARIANTS)
    assert _split(query_keys("华创科技有限公司")) == ({"*"}, VARIANTS)  # anywhere
    province, _ = _split(query_keys("广东省华创科技有限公司"))
    assert {"-", "44", "4401", "4403"} <= province and "3301" not in province
    assert query_keys("（）") == []


@pytest.mark.parametrize(
    ("asked", "published", "region_code"),
    [
        ("深圳市华创科技有限责任公司", "深圳市华创科技有限公司", None),  # another form
        ("深圳华创科技有限公司", "深圳市华创科技有限公司", None),  # 市 left out
        ("华创科技有限公司", "深圳市华创科技有限公司", None),  # region left out
        ("深圳市华创科技有限公司", "华创科技有限公司", "440305"),  # the record's region
        ("深圳市华创科技有限公司", "广东省华创科技有限公司", None),  # a wider region
        ("深圳市南山区华创科技有限公司", "深圳市华创科技有限公司", None),  # a narrower one
        ("深圳市华闯科技有限公司", "深圳市华创科技有限公司", None),  # a homophone
        ("深圳市华刨电子科技有限公司", "深圳市华创电子科技有限公司", None),  # another character
        ("深圳市华科技有限公司", "深圳市华创科技有限公司", None),  # one left out
        ("深圳市华创新科技有限公司", "深圳市华创科技有限公司", None),  # one added
        ("東莞市（長安）精工模具有限公司", "东莞市长安精工模具有限公司", None),
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
    ],
)
def test_names_that_cannot_score_share_no_key(asked: str, published: str) -> None:
    assert names.compare(asked, published).score < names.THRESHOLD
    assert not _found(asked, published)
