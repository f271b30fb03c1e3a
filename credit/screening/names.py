"""Similar names: an organization name taken apart, then compared part by part.

A name is read as `region + core + form (+ branch)`: `广东省深圳市` `华创科技` `有限公司`
`广州分公司`; a development zone after the region (`苏州工业园区`) is part of the region.
Cores are compared with rapidfuzz (characters, and pinyin so that a typed homophone,
华闯 for 华创, counts as nearly the same); a missing region costs
a little, another region a lot; another organization form (有限公司 / 有限责任公司)
costs enough to keep it out of an exact match but not out of review; a branch is
never its parent, nor another branch unless the two read alike (a typed homophone).
`compare` gives a 0–100 score and a one-line Chinese explanation.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from rapidfuzz.distance import Indel, Levenshtein

from credit.screening.booths import BOOTH_WORDS, is_booth_code, is_written_on_booth
from credit.text import char_sounds, normalize

__all__ = [
    "THRESHOLD",
    "NameParts",
    "Similarity",
    "branch_key",
    "branch_sound",
    "compare",
    "compare_at_least",
    "parse_name",
    "region_codes",
    "same_branch",
    "without_note",
]

THRESHOLD = 80.0
"""Scores at or above this are a similar name a human should review."""

FORM_PENALTY = 10.0
MISSING_FORM_PENALTY = 5.0
MISSING_REGION_PENALTY = 5.0
WIDER_REGION_PENALTY = 3.0
OTHER_REGION_PENALTY = 30.0
BRANCH_CAP = 50.0
HOMOPHONE_BRANCH_PENALTY = 10.0
"""A branch that reads as the other's but is written otherwise and names no known place (a
typed 广洲 for 广州; two known places that sound alike, 泰州 and 台州, are two branches):
a person decides."""

# Legal organization forms and the usual type endings, matched longest first.
_FORMS = (
    "集团股份有限公司",
    "股份有限公司",
    "集团有限公司",
    "有限责任公司",
    "股份合作公司",
    "有限公司",
    "集团公司",
    "总公司",
    "公司",
    "个人独资企业",
    "合伙企业",
    "事务所",
    "研究院",
    "研究所",
    "促进会",
    "基金会",
    "协会",
    "合作社",
    "中心",
    "学校",
    "商行",
    "经营部",
    "商店",
    "厂",
    "店",
)
_QUALIFIERS = ("(特殊普通合伙)", "(普通合伙)", "(有限合伙)")
_BRANCH_WORDS = "(?:分公司|分所|分店|分厂|办事处)"
_BRANCH = re.compile(rf"^(.*(?:公司|事务所|\)|中心|研究院))(.{{0,12}}?{_BRANCH_WORDS})$")
_BRANCH_ONLY = re.compile(rf"{_BRANCH_WORDS}$")
_BRANCH_LEVEL = re.compile(rf"(?<=.)[省市区县]+(?={_BRANCH_WORDS}$)")
"""The level words before the branch word: `广州市分公司` is the branch `广州分公司`, but
`吉林省分公司` is not `吉林市分公司`, nor `福州市区分公司` `福州市分公司` (`same_branch`)."""
_ZONES = (
    "高新技术产业开发区",
    "经济技术开发区",
    "高新技术开发区",
    "自由贸易试验区",
    "经济开发区",
    "工业园区",
    "综合保税区",
    "高新区",
    "经开区",
    "开发区",
    "保税区",
    "自贸区",
)
"""Development zones written after a region (`苏州工业园区`): part of where the subject is,
not of its 字号 — longest first."""
_CHINA = "中国"
_NOT_AFTER_ZONE = ("块链",)
"""What makes a zone's last character part of the next word (区块链): not a zone then."""
_AUTONOMOUS = re.compile(r"^(.{2,}?)(?:[\u4e00-\u9fff]{1,4}族)+自治[州区]$")
_PROVINCE_SHORT = {"150000": "内蒙古", "450000": "广西", "540000": "西藏", "640000": "宁夏"}
_PROVINCE_SHORT["650000"] = "新疆"
_LEVEL_SUFFIXES = ("特别行政区", "自治区", "自治州", "地区", "省", "市", "盟")
_LONGEST_REGION = 12


@dataclass(frozen=True)
class NameParts:
    """A normalized name taken apart (every part normalized, without punctuation)."""

    key: str
    region: str
    region_codes: frozenset[str]
    core: str
    form: str
    branch: str


@dataclass(frozen=True)
class Similarity:
    """How alike two names are (0–100) and what differed, in Chinese."""

    score: float
    explanation: str


@cache
def _regions() -> dict[str, frozenset[str]]:
    """Region names as written in organization names → the codes they may mean.

    Full names at every level; short forms (`深圳`, `广东`, `恩施州`) only for provinces and
    prefectures, where a county's short form would too often be a 字号.
    """
    text = resources.files("credit").joinpath("data/regions.csv").read_text(encoding="utf-8")
    table: dict[str, set[str]] = {}
    for row in csv.DictReader(text.splitlines()):
        code, name, level = row["code"], row["name"], row["level"]
        if "行政区划" in name:
            continue
        names = {name}
        if level in ("province", "prefecture"):
            names.update(_short_forms(code, name))
        for written in names:
            table.setdefault(written, set()).add(code)
    return {name: frozenset(codes) for name, codes in table.items()}


@cache
def region_codes() -> frozenset[str]:
    """Every region code a name can be read as."""
    return frozenset(code for codes in _regions().values() for code in codes)


def _short_forms(code: str, name: str) -> set[str]:
    if code in _PROVINCE_SHORT:
        return {_PROVINCE_SHORT[code]}
    autonomous = _AUTONOMOUS.match(name)
    if autonomous:
        return {autonomous[1], autonomous[1] + "州"} if name.endswith("州") else {autonomous[1]}
    for suffix in _LEVEL_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return {name[: -len(suffix)]}
    return set()


def _within(inner: str, outer: str) -> bool:
    """True when division `inner` is `outer` or lies inside it."""
    if outer.endswith("0000"):
        return inner[:2] == outer[:2]
    if outer.endswith("00"):
        return inner[:4] == outer[:4]
    return inner == outer


def _related(first: Iterable[str], second: Iterable[str]) -> bool:
    second = list(second)
    return any(_within(a, b) or _within(b, a) for a in first for b in second)


def _leading_region(text: str) -> tuple[str, frozenset[str]]:
    """The region names a name starts with (up to three levels, each inside the last)."""
    regions = _regions()
    taken, codes = "", frozenset[str]()
    for _ in range(3):
        rest = text[len(taken) :]
        for size in range(min(_LONGEST_REGION, len(rest) - 1), 1, -1):
            found = regions.get(rest[:size])
            if found is None:
                continue
            if codes:
                inside = frozenset(c for c in found if any(_within(c, o) for o in codes))
                if not inside:
                    continue
                found = inside
            taken, codes = taken + rest[:size], found
            break
        else:
            break
    return taken, codes


def _word_chars(text: str) -> str:
    return "".join(filter(str.isalnum, text))


def _zone_of(region: str) -> str:
    """The development zone a region ends with, or ""."""
    return next((zone for zone in _ZONES if region.endswith(zone)), "")


def _zone_at(text: str, at: int) -> str:
    """The development zone written at `at`, or "" — also when too little would be left
    of the name (`苏州工业园区有限公司` is the zone's own company) or the zone's last
    character begins a word (`高新区块链`)."""
    zone = next((zone for zone in _ZONES if text.startswith(zone, at)), "")
    if not zone:
        return ""
    rest = _word_chars(text[at + len(zone) :])
    form = next((f for f in _FORMS if rest.endswith(f)), "")
    if len(rest) - len(form) < 2 or rest.startswith(_NOT_AFTER_ZONE):
        return ""
    return zone


_NOTE_AFTER_FORM = re.compile(
    r"^(.+(?:" + "|".join(map(re.escape, _FORMS)) + r"))"
    r"(\s*[/,，;；:：、]\s*|\s*)([（(]([^（）()]*)[)）]|([^（）()]+))$"
)
_HAN = r"[\u3400-\u4dbf\u4e00-\u9fff]"
_LIST_NUMBER = re.compile(
    r"^(?:[(（]\d{1,4}[)）]|[\u2460-\u2473\u2776-\u277f]|\d{1,4}\s*(?:[.．](?!\d)|[、)）:：]))\s*"
    r"(?=\S)"
)
"""A list's number before a name: `1.`, `2、`, `3)`, `（4）`, `⑤` (not `2.5D…`)."""
_BARE_NUMBER = re.compile(r"^\d{1,4}\s+(?=\S)")
"""A number and a space: a list's number when a region's name follows (`1 深圳市…`), a
brand's part otherwise (`58 同城…`, `360 安全…`)."""
_NOTE_BEFORE = re.compile(
    rf"^(?:[【\[［]([^】\]］]{{1,20}})[】\]］]|[（(]([^（）()]{{1,20}})[)）]|(\S{{1,12}})\s+(?={_HAN}))\s*"
)
"""A booth or hall before a name: `【A01】`, `（3号馆）`, `A01展位 ` (a code alone and a space
are not one: `3M 中国…`, `F5 网络…`)."""


def _is_booth_note(note: str) -> bool:
    """Every word of the note a booth code or a booth word (`A01`, `3号馆`, `Hall 3`)."""
    words = note.split()
    return bool(words) and all(BOOTH_WORDS.search(w) or is_booth_code(w) for w in words)


def _note_before(name: str) -> str:
    """The list number or booth a list wrote before the name, or ""."""
    if number := _LIST_NUMBER.match(name):
        return number[0]
    if (number := _BARE_NUMBER.match(name)) and _leading_region(
        normalize(name[number.end() :]).replace(" ", "")
    )[1]:
        return number[0]
    booth = _NOTE_BEFORE.match(name)
    if booth is None:
        return ""
    bracketed, bare = booth[1] or booth[2], booth[3]
    if bracketed is not None:
        return booth[0] if _is_booth_note(bracketed) else ""
    return booth[0] if BOOTH_WORDS.search(bare) and is_written_on_booth(bare) else ""


def _note_after(name: str) -> tuple[str, str]:
    """The name and the booth or hall written after its organization form (or "")."""
    if name.endswith(_FORMS):  # most names: nothing after the form
        return name, ""
    found = _NOTE_AFTER_FORM.match(name)
    if found is None:
        return name, ""
    joined, bracketed, bare = found[2], found[4], found[5]
    if bracketed is not None:
        booth = _is_booth_note(bracketed)
    elif joined:  # after a space or a separator: `… A01`, `…/Hall 3`
        booth = _is_booth_note(bare)
    else:  # written on: `…有限公司A01`, `…有限公司3号馆`, not `…会展中心展馆管理部`
        booth = is_written_on_booth(bare)
    return (found[1], found[3].strip()) if booth else (name, "")


def without_note(name: str) -> tuple[str, str, str]:
    """A name without the list number or booth a list wrote before it (`1.`, `【A01】`)
    and the booth or hall written after its organization form (`…有限公司（A01展位）`,
    `…有限公司 A01`, `…有限公司A01`, `…有限公司/Hall 3`): (the name, what was before,
    what was after), "" where there was nothing. Other brackets and words after the form
    may be part of the name (`（个体工商户）`, `（1号店）`, `北京海淀支行`, `（特殊普通合伙）`),
    and are kept; so is a name that would be left shorter than two characters."""
    name = name.strip()
    before = _note_before(name)
    rest = name[len(before) :]
    if before and len(_word_chars(rest)) < 2:
        before, rest = "", name
    rest, after = _note_after(rest)
    return rest, before.strip(), after


@lru_cache(maxsize=200_000)
def parse_name(name: str) -> NameParts:
    """Take a name apart: `東莞市（長安）精工模具有限公司` → region 东莞市, core 长安精工模具, …"""
    text = normalize(name).replace(" ", "")
    key = _word_chars(text)
    branch = ""
    if match := _BRANCH.match(text):
        text, branch = match[1], _word_chars(match[2])
    elif only := _BRANCH_ONLY.search(text):
        text, branch = text[: only.start()], only[0]
    qualifier = next((q for q in _QUALIFIERS if text.endswith(q)), "")
    text = text[: len(text) - len(qualifier)]
    region, codes = _leading_region(text)
    if codes:
        region += _zone_at(text, len(region))
    text = text[len(region) :]
    for inner in re.findall(r"\(([^()]*)\)", text):
        if not region and inner in _regions():
            region, codes = inner, _regions()[inner]
            in_china = text.startswith(f"{_CHINA}({inner})")  # 中国（上海）自由贸易试验区
            text = text.replace(f"({inner})", "", 1)
            if in_china and (zone := _zone_at(text, len(_CHINA))):
                region += zone
                text = text[len(_CHINA) + len(zone) :]
    text = _word_chars(text)
    form = next((f for f in _FORMS if text.endswith(f) and len(text) > len(f)), "")
    core = text[: len(text) - len(form)]
    return NameParts(key, region, codes, core, form + _word_chars(qualifier), branch)


@lru_cache(maxsize=16_384)
def _sounds(core: str) -> tuple[str, ...]:
    """A core's character readings (`char_sounds`), once per core."""
    return tuple(char_sounds(core))


def _char_similarity(first: str, second: str) -> float:
    """0–100: edit similarity of the characters."""
    return 100.0 * max(
        Levenshtein.normalized_similarity(first, second),
        Indel.normalized_similarity(first, second),
    )


def _core_similarity(first: str, second: str, chars: float) -> float:
    """0–100: the characters' similarity `chars`, lifted where the pinyin agrees (to at
    most halfway to 100)."""
    if chars == 100.0 or not first or not second:
        return chars
    sounds = 100.0 * Levenshtein.normalized_similarity(_sounds(first), _sounds(second))
    return max(chars, (chars + sounds) / 2)


def _homophones(first: str, second: str) -> bool:
    return len(first) == len(second) and _sounds(first) == _sounds(second)


def compare(asked: str, published: str, published_region: str | None = None) -> Similarity:
    """How alike the asked name is to a published one; `published_region` is the record's
    region code, used when the published name names no region."""
    similarity = compare_at_least(asked, published, published_region, floor=0.0)
    assert similarity is not None  # every score reaches 0
    return similarity


def compare_at_least(
    asked: str, published: str, published_region: str | None, *, floor: float
) -> Similarity | None:
    """As `compare`, or None as soon as the score cannot reach `floor`: the form, region
    and branch are weighed first, the characters and their sounds only when they can
    still lift the score that far, and what differed is told only of a score that does."""
    a, b = parse_name(asked), parse_name(published)
    b_codes = b.region_codes
    if not b_codes and published_region:
        b_codes = frozenset({published_region})
    penalty, cap, notes = _deductions(a, b, b_codes)
    if _reported(min(100.0 - penalty, cap)) < floor:
        return None
    chars = _char_similarity(a.core, b.core)
    if _reported(min((chars + 100.0) / 2 - penalty, cap)) < floor:  # sounds lift at most so
        return None
    score = min(_core_similarity(a.core, b.core, chars) - penalty, cap)
    score = max(0.0, min(100.0 if a.key == b.key else 99.0, score))
    if _reported(score) < floor:
        return None
    if a.core != b.core:
        if _homophones(a.core, b.core):
            notes.insert(0, f"「{a.core}」与「{b.core}」读音相同、字不同")
        else:
            notes.insert(0, f"名称主体「{a.core or '（空）'}」与「{b.core or '（空）'}」不同")
    if not notes:
        notes.append("写法不同")
    return Similarity(_reported(score), f"名称相近（相似度 {score:.0f}）：" + "；".join(notes))


def _reported(score: float) -> float:
    """A score as reported (one decimal): bounds and floors compare what is reported."""
    return round(score, 1)


def _deductions(
    a: NameParts, b: NameParts, b_codes: frozenset[str]
) -> tuple[float, float, list[str]]:
    """What the form and region take off the score, the cap a branch puts on it, and the
    notes that say so."""
    notes: list[str] = []
    penalty = 0.0
    if a.form != b.form:
        if a.form and b.form:
            penalty += FORM_PENALTY
            notes.append(f"组织形式不同：「{a.form}」与「{b.form}」不是同一名称")
        else:
            penalty += MISSING_FORM_PENALTY
            notes.append(f"缺少组织形式「{a.form or b.form}」")
    penalty += _region_penalty(a, b, b_codes, notes)
    cap = 100.0
    if same_branch(a.branch, b.branch):
        return penalty, cap, notes
    if _sound_alike(a.branch, b.branch):
        penalty += HOMOPHONE_BRANCH_PENALTY
        notes.append(f"分支机构「{a.branch}」与「{b.branch}」读音相同、字不同")
    elif a.branch and b.branch:
        cap = BRANCH_CAP
        notes.append(f"不同分支机构：「{a.branch}」与「{b.branch}」")
    else:
        cap = BRANCH_CAP
        notes.append("分公司与总公司不是同一主体")
    return penalty, cap, notes


def branch_key(branch: str) -> str:
    """A branch without the level words before its branch word (`广州市分公司` → `广州分公司`,
    `福州市区分公司` → `福州分公司`): what two names of the same branch share, however the
    place was written."""
    return _BRANCH_LEVEL.sub("", branch)


def same_branch(first: str, second: str) -> bool:
    """The same branch (or both none): written alike, or alike but for the level word one of
    them leaves out (`广州市分公司`, `广州分公司`) — not two different level words."""
    if first == second:
        return True
    return branch_key(first) == second or first == branch_key(second)


def branch_sound(branch: str) -> str:
    """How a branch reads without its level word (`广洲市分公司` → `guangzhoufengongsi`):
    what two branches `_sound_alike` share."""
    return _spoken(branch_key(branch))


def _sound_alike(first: str, second: str) -> bool:
    """Two branches written with other characters that read the same (a typed homophone,
    `广洲分公司` for `广州分公司`), the level word left out or not, as in `same_branch`; and
    so with the same `branch_sound`, which the similar-name keys hold."""
    if not first or not second:
        return False
    one_key, other_key = branch_sound(first), branch_sound(second)
    if one_key != other_key or (_known_place(first) and _known_place(second)):  # 泰州, 台州
        return False
    one, other = _spoken(first), _spoken(second)
    return one in (other, other_key) or one_key == other


def _spoken(text: str) -> str:
    return "".join(char_sounds(text))


def _known_place(branch: str) -> bool:
    """Whether a branch is named after a place of the region table, written in full or
    without its level word (`泰州分公司`, `潮阳分公司` for 潮阳区)."""
    place = _BRANCH_ONLY.sub("", branch)
    regions = _regions()
    return any(written in regions for written in (place, *(place + level for level in "市区县")))


def _region_penalty(a: NameParts, b: NameParts, b_codes: frozenset[str], notes: list[str]) -> float:
    if not a.region_codes and not b_codes:
        return 0.0
    if not a.region_codes or not b_codes:
        shown = b.region or a.region
        notes.append(f"缺少行政区划「{shown}」" if shown else "缺少行政区划")
        return MISSING_REGION_PENALTY
    if not b.region:  # the record's registered region stands in for its name's
        if _related(a.region_codes, b_codes):
            notes.append(f"公示名称未写行政区划，登记地与「{a.region}」相符")
            return 0.0
        notes.append(f"行政区划不同：「{a.region}」与公示主体的登记地")
        return OTHER_REGION_PENALTY
    if a.region_codes & b_codes:
        if a.region == b.region:
            return 0.0
        if _zone_of(a.region) != _zone_of(b.region):  # 苏州工业园区 lies inside 苏州
            notes.append(f"行政区划范围不同：「{a.region}」与「{b.region}」")
            return WIDER_REGION_PENALTY
        notes.append(f"行政区划写法不同：「{a.region}」与「{b.region}」")
        return 0.0
    if _related(a.region_codes, b_codes):
        notes.append(f"行政区划范围不同：「{a.region}」与「{b.region}」")
        return WIDER_REGION_PENALTY
    notes.append(f"行政区划不同：「{a.region}」与「{b.region}」")
    return OTHER_REGION_PENALTY
