"""Similar-name keys: what the engines index so that screening finds similar names at once.

`names.compare` scores a name `THRESHOLD` (80) or more when its core (字号 + trade) is
the same, one character longer or shorter, one character replaced in a core long enough,
sounds the same, or holds a word of two characters more or less — and its region is the
same, inside the other, or missing on one side. Those are what the keys find; some
other pairs score 80 too (two characters added apart, three side by side in a core of
six, a word added and a character replaced in a long core), and are not looked for.
So a name is indexed under its cores and its areas:

- CORE: the core itself; each one-character deletion of a core of three characters or
  more, marked `_`; and `~` and the core's pinyin (homophones from the input method);
- AREA: the prefecture (`4403`) or, for a province-level name, the province (`44`); the
  province marked `*` (`44*`: anywhere in it); `-` when neither the name nor the record
  says where the subject is; and `*` (anywhere) for every name.

Cores and areas are two fields of the index (`IndexKeys`), and a row asks for records
sharing an area and a core of one of its `KeyGroup`s: a few terms of each, where
pairing every area with every core as one term each made three times as many terms to
write and to look up, most of them absent. A record with former names pairs the areas
of one name with the cores of another too: a few more records to compare, never fewer.

A row asks for the cores that could score, in the areas that could: its prefecture,
its province and `-`; for a province-only row `44*` and `-`; for a row without a region
`*`. A core one longer than the record's is found as the record's deletion
(`_华创科技`), one shorter as the record's core (the row's deletion `华创科`), one
character replaced as a deletion both share — asked only for cores of
`MIN_CORE_FOR_REPLACED` or more, as one character in four leaves 75. One small query
per row replaces a full-text similarity search, and `names.compare` decides on the few
records it finds.

Two characters added side by side (a word: `华创科技` and `华创信息科技` score 80) are
found the same way: a core of `MIN_CORE_FOR_WORD` + 2 or more is also indexed without
each two neighbouring characters, marked `=` (`=华创科技`), and a row asks its core so
marked (the record's core has a word more) and its cores without a word (the record's
has a word less). A word apart from a core of four or five leaves no room for a missing
region, so those keys are asked in a group of their own, not in `-` (a row with a
region) or `*` (one without, which asks `-`: records that name no region either).

A branch's name (`…公司南山分公司`) has its branch after the core, as it reads without its
level word (`华创科技@nanshanfengongsi`): two names of different branches, or a
branch and its company, never score (`names.BRANCH_CAP` is below `THRESHOLD`) unless the
branches read alike and one is not a known place (a typed `广洲分公司`), so a branch
shares keys only with branches that read as it does, and the company's many namesakes
elsewhere do not crowd it out of the few records a row is shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from credit.screening.names import MISSING_REGION_PENALTY, THRESHOLD, branch_sound, parse_name
from credit.text import char_sounds

__all__ = ["IndexKeys", "KeyGroup", "index_keys", "query_keys", "shares_a_key"]

MIN_CORE_FOR_DELETIONS = next(n for n in range(2, 100) if 100 * (1 - 1 / (2 * n - 1)) >= THRESHOLD)
"""The shortest core one character longer than another that can still score `THRESHOLD`
(3: `光光` and `华光光` score 80): a character added to `n − 1` leaves `100·(1 − 1/(2n − 1))`."""
MIN_CORE_FOR_REPLACED = next(n for n in range(2, 100) if 100 * (1 - 1 / n) >= THRESHOLD)
"""The shortest core in which one character replaced can still score `THRESHOLD` (5):
one character in `n` leaves `100·(1 − 1/n)`, and only a whole homophone lifts it."""
MIN_CORE_FOR_WORD = next(n for n in range(2, 100) if 100 * n / (n + 1) >= THRESHOLD)
"""The shortest core to which a two-character word added can still score `THRESHOLD` (4:
`华创科技` and `华创信息科技` score 80): a word added to `n` leaves `100·n/(n + 1)`."""
NO_AREA = "-"
ANYWHERE = "*"
WITHIN = "*"
LEFT_OUT = "_"
WORD_LEFT_OUT = "="
SOUNDS = "~"
BRANCH = "@"


def _deletions(core: str) -> set[str]:
    if len(core) < MIN_CORE_FOR_DELETIONS:
        return set()
    return {core[:at] + core[at + 1 :] for at in range(len(core))}


def _words_left_out(core: str) -> set[str]:
    """The core without each two neighbouring characters, where a word less can score."""
    if len(core) < MIN_CORE_FOR_WORD + 2:
        return set()
    return {core[:at] + core[at + 2 :] for at in range(len(core) - 1)}


def _sounds(core: str) -> set[str]:
    sounds = "".join(char_sounds(core))
    return {SOUNDS + sounds} if sounds != core else set()


@lru_cache(maxsize=65_536)
def _indexed_cores(core: str) -> frozenset[str]:
    """A record's core, its deletions and words left out (marked) and its pinyin."""
    if not core:
        return frozenset()
    deletions = (LEFT_OUT + d for d in _deletions(core))
    words = (WORD_LEFT_OUT + w for w in _words_left_out(core))
    return frozenset({core, *deletions, *words, *_sounds(core)})


@lru_cache(maxsize=65_536)
def _asked_cores(core: str) -> frozenset[str]:
    """What a row's core asks: the same core, a record's deletion equal to it (the record's
    core is one longer), its deletions as a record's core (one shorter), its deletions as a
    record's deletion (one replaced) where that can score, and its pinyin."""
    if not core:
        return frozenset()
    deletions = _deletions(core)
    asked = {core, LEFT_OUT + core, *deletions, *_sounds(core)}
    if len(core) >= MIN_CORE_FOR_REPLACED:
        asked.update(LEFT_OUT + d for d in deletions)
    return frozenset(asked)


@lru_cache(maxsize=65_536)
def _asked_words(core: str) -> tuple[frozenset[str], frozenset[str]]:
    """What a row's core asks a word apart — a record's word left out equal to it (the
    record's core is a word longer) and its words left out as a record's core (a word
    shorter) — split by whether the score leaves room for a missing region: (those that
    do, those that do not)."""
    asked = [WORD_LEFT_OUT + core] if len(core) >= MIN_CORE_FOR_WORD else []
    asked.extend(_words_left_out(core))
    roomy = frozenset(word for word in asked if _word_slack(word) >= MISSING_REGION_PENALTY)
    return roomy, frozenset(asked) - roomy


def _word_slack(word: str) -> float:
    """What a pair of cores a word apart, the shorter of them `word` (marked or not),
    scores above `THRESHOLD`: 0 for four characters (80), 3.3 for five, 5.7 for six."""
    shorter = len(word.removeprefix(WORD_LEFT_OUT))
    return 100 * shorter / (shorter + 1) - THRESHOLD


def _areas(codes: Iterable[str], *, roomy: bool) -> set[str]:
    """The areas a row of these region codes asks: where the record's region is the row's,
    inside it or holds it (a record whose name names no region stands in its registered
    one, which costs nothing when related), and, for cores whose score leaves room for
    `MISSING_REGION_PENALTY` (`roomy`), where one of the two names no region."""
    codes = list(codes)
    if not codes:
        return {ANYWHERE if roomy else NO_AREA}
    areas = {NO_AREA} if roomy else set()
    for code in codes:
        province = code[:2]
        areas |= {province + WITHIN} if _province_level(code) else {province, code[:4]}
    return areas


def _province_level(code: str) -> bool:
    return code.endswith("0000")


class IndexKeys(NamedTuple):
    """What a record is indexed under (sorted, no repeats): its names' cores, each with
    its branch after it, and their areas."""

    cores: list[str]
    areas: list[str]


class KeyGroup(NamedTuple):
    """What a row asks (sorted): records sharing one of `areas` and one of `cores`."""

    areas: tuple[str, ...]
    cores: tuple[str, ...]


def _with_branch(cores: Iterable[str], branch: str) -> set[str]:
    after = f"{BRANCH}{branch_sound(branch)}" if branch else ""
    return {core + after for core in cores}


def index_keys(names: Iterable[str], region_code: str | None) -> IndexKeys:
    """The keys of a record's name and former names.

    A name that names no region stands in the record's registered region, as in
    `names.compare`.
    """
    cores: set[str] = set()
    areas: set[str] = set()
    for name in names:
        parts = parse_name(name)
        codes = parts.region_codes or ([region_code] if region_code else [])
        areas.add(ANYWHERE)
        for code in codes:
            areas |= {code[:2] if _province_level(code) else code[:4], code[:2] + WITHIN}
        if not codes:
            areas.add(NO_AREA)
        cores |= _with_branch(_indexed_cores(parts.core), parts.branch)
    return IndexKeys(sorted(cores), sorted(areas))


def query_keys(name: str) -> list[KeyGroup]:
    """The keys a screened name looks up: the cores that could score where they could
    (none for a name without a core)."""
    parts = parse_name(name)
    roomy_words, tight_words = _asked_words(parts.core)
    asked = [
        (_areas(parts.region_codes, roomy=True), _asked_cores(parts.core) | roomy_words),
        (_areas(parts.region_codes, roomy=False), tight_words),
    ]
    return [
        KeyGroup(tuple(sorted(areas)), tuple(sorted(_with_branch(cores, parts.branch))))
        for areas, cores in asked
        if cores
    ]


def shares_a_key(groups: Iterable[KeyGroup], keys: IndexKeys) -> bool:
    """Whether a record indexed under `keys` is found by a row asking `groups`."""
    areas, cores = set(keys.areas), set(keys.cores)
    return any(areas.intersection(g.areas) and cores.intersection(g.cores) for g in groups)
