from __future__ import annotations

from credit import regions


def test_names_of_levels() -> None:
    assert regions.province_name("440305") == "广东省"
    assert regions.region_name("440300") == "广东省深圳市"
    assert regions.region_name("110105") == "北京市朝阳区"
    assert regions.region_name("441900") == "广东省东莞市"


def test_unknown_codes() -> None:
    assert not regions.province_known("990000")
    assert regions.region_name("990101") is None


def test_every_province_level_division_is_there() -> None:
    provinces = [code for code in ("11", "31", "44", "54", "65", "71", "81", "82")]
    assert all(regions.province_known(p + "0000") for p in provinces)
