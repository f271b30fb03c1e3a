"""Similar-name keys: what the engines index so that screening finds similar names at once.

`names.compare` only scores a name 80 or more when its core (字号 + trade) is the
same, one character off, or sounds the same, and its region is the same, inside the
other, or missing on one side. So a name is indexed under keys `AREA|VARIANT`:

- VARIANT: the core itself, the core with one character left out (cores of four
  characters or more: a typo, a character added or dropped, on either side), and `~`
  and the core's pinyin (homophones from the input method);
- AREA: the prefecture (`4403`), or the province (`44`) for a province-level name, or
  `-` when neither the name nor the record says where the subject is; and `*` (anywhere)
  for every name.

A row asks for its own variants in the areas that could score — its prefecture, its
province and `-`; for a province-only row also every prefecture of the province; for a
row without a region `*`. Each key is one term: one small query per row replaces a
full-text similarity search, and `names.compare` decides on the few records it finds.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache, lru_cache

from credit.screening.names import parse_name, region_codes
from credit.text import char_sounds

__all__ = ["index_keys", "query_keys"]

MIN_CORE_FOR_DELETIONS = 4
NO_AREA = "-"
ANYWHERE = "*"
SEPARATOR = "|"


@lru_cache(maxsize=65_536)
def _variants(core: str) -> frozenset[str]:
    """The core, its one-character deletions (cores of 4+), and its pinyin."""
    if not core:
        return frozenset()
    found = {core}
    if len(core) >= MIN_CORE_FOR_DELETIONS:
        found.update(core[:at] + core[at + 1 :] for at in range(len(core)))
    sounds = "".join(char_sounds(core))
    if sounds != core:
        found.add("~" + sounds)
    return frozenset(found)


def _area(code: str) -> str:
    """A province-level code's province (`44`); any other code's prefecture (`4403`)."""
    return code[:2] if code.endswith("0000") else code[:4]


@cache
def _prefectures() -> dict[str, frozenset[str]]:
    """The prefecture areas of each province (`44` → `4401`, `4403`, …)."""
    within: dict[str, set[str]] = {}
    for code in region_codes():
        if not code.endswith("0000"):
            within.setdefault(code[:2], set()).add(_area(code))
    return {province: frozenset(areas) for province, areas in within.items()}


def _keys(areas: Iterable[str], variants: Iterable[str]) -> set[str]:
    return {f"{area}{SEPARATOR}{variant}" for area in areas for variant in variants}


def index_keys(names: Iterable[str], region_code: str | None) -> list[str]:
    """The keys of a record's name and former names (sorted, no repeats).

    A name that names no region stands in the record's registered region, as in
    `names.compare`.
    """
    keys: set[str] = set()
    for name in names:
        parts = parse_name(name)
        codes = parts.region_codes or ([region_code] if region_code else [])
        areas = {_area(code) for code in codes} or {NO_AREA}
        keys |= _keys({*areas, ANYWHERE}, _variants(parts.core))
    return sorted(keys)


def query_keys(name: str) -> list[str]:
    """The keys a screened name looks up: its core's variants where a match could score."""
    parts = parse_name(name)
    variants = _variants(parts.core)
    if not parts.region_codes:
        return sorted(_keys({ANYWHERE}, variants))
    areas = {NO_AREA}
    for code in parts.region_codes:
        province = code[:2]
        areas.add(province)
        if code.endswith("0000"):
            areas |= _prefectures().get(province, frozenset())
        else:
            areas.add(_area(code))
    return sorted(_keys(areas, variants))
