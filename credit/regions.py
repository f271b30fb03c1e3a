"""Names of administrative divisions (GB/T 2260) for 6-digit region codes.

The table ships as `data/regions.csv` (province, prefecture and county levels);
`data/REGIONS.md` says where it comes from and how to refresh it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Region:
    """A division: its code, name and level (`province`, `prefecture` or `county`)."""

    code: str
    name: str
    level: str


@cache
def _table() -> dict[str, Region]:
    text = resources.files("credit").joinpath("data/regions.csv").read_text(encoding="utf-8")
    return {row["code"]: Region(**row) for row in csv.DictReader(text.splitlines())}


def province_code(region_code: str) -> str:
    """`440305` → `440000`."""
    return region_code[:2] + "0000"


def prefecture_code(region_code: str) -> str:
    """`440305` → `440300`."""
    return region_code[:4] + "00"


def province_known(region_code: str) -> bool:
    """True when the first two digits name a province-level division."""
    return province_code(region_code) in _table()


def province_name(region_code: str) -> str | None:
    """`440305` → `广东省`."""
    region = _table().get(province_code(region_code))
    return region.name if region else None


def region_name(region_code: str) -> str | None:
    """A full name such as `广东省深圳市南山区`; the known levels only; None if unknown."""
    table = _table()
    parts: list[str] = []
    for code in dict.fromkeys(
        (province_code(region_code), prefecture_code(region_code), region_code)
    ):
        region = table.get(code)
        if region and not region.name.endswith("行政区划"):
            parts.append(region.name)
    return "".join(parts) or None
