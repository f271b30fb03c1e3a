"""A fictional, deterministic, realistic feed generator (CONTRACT "Feeds").

`generate_feed_lines` yields feed objects: credit records first (with a small
share of later updates and withdrawals of earlier records interleaved), then
typical cases. Everything is drawn from one `random.Random(seed)` (besides a
few fixed tables built once), and every date is placed relative to `today`, so
the same arguments give the same lines. Only bounded state is kept (recent
subjects, pending follow-ups, a few record ids for the cases), so any number of
records streams in constant memory.

The corpus imitates the skew of real registers: organization names built from
real prefecture names, a Zipf-like 字号 vocabulary, the common organization
suffixes, branches, agencies, other organizations and individuals (with ID and
mobile numbers inside some reasons, to exercise masking). USCCs are valid and
unique per subject, and their region code matches the subject's city.

`records` counts distinct record ids; update and withdrawal lines come on top,
so a feed holds a little more than `records + cases` lines.
"""

from __future__ import annotations

import csv
import gzip
import heapq
import io
import math
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from itertools import accumulate
from pathlib import Path
from random import Random
from typing import Final, Generic, NamedTuple, TypeVar

import orjson

from credit import clock
from credit.personal import id_check_character
from credit.uscc import ALPHABET, check_character

T = TypeVar("T")
Record = dict[str, object]

# --------------------------------------------------------------------------- places

_PROVINCE_WEIGHTS: Final = {
    "44": 20.0, "32": 14.0, "33": 13.0, "11": 9.0, "31": 8.0, "37": 8.0, "34": 4.0,
    "35": 4.0, "51": 4.0, "42": 4.0, "41": 4.0, "43": 3.0, "12": 3.0, "13": 3.0,
    "50": 2.5, "61": 2.5, "21": 2.0, "36": 2.0, "45": 1.5, "53": 1.2, "14": 1.0,
    "23": 1.0, "22": 1.0, "52": 1.0, "15": 0.6, "62": 0.6, "65": 0.6, "46": 0.6,
    "64": 0.3, "63": 0.2, "54": 0.1,
}  # fmt: skip
_PROVINCE_ABBR: Final = {
    "11": "京", "12": "津", "13": "冀", "14": "晋", "15": "蒙", "21": "辽", "22": "吉",
    "23": "黑", "31": "沪", "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣",
    "37": "鲁", "41": "豫", "42": "鄂", "43": "湘", "44": "粤", "45": "桂", "46": "琼",
    "50": "渝", "51": "川", "52": "黔", "53": "滇", "54": "藏", "61": "陕", "62": "甘",
    "63": "青", "64": "宁", "65": "新",
}  # fmt: skip
_PROVINCE_ISO: Final = {
    "11": "BJ", "12": "TJ", "13": "HE", "14": "SX", "15": "NM", "21": "LN", "22": "JL",
    "23": "HL", "31": "SH", "32": "JS", "33": "ZJ", "34": "AH", "35": "FJ", "36": "JX",
    "37": "SD", "41": "HA", "42": "HB", "43": "HN", "44": "GD", "45": "GX", "46": "HI",
    "50": "CQ", "51": "SC", "52": "GZ", "53": "YN", "54": "XZ", "61": "SN", "62": "GS",
    "63": "QH", "64": "NX", "65": "XJ",
}  # fmt: skip
_PROVINCE_SHORT: Final = {
    "15": "内蒙古", "45": "广西", "54": "西藏", "64": "宁夏", "65": "新疆",
}  # fmt: skip
_CITY_BOOST: Final = {
    "440300": 5.0, "441900": 3.0, "440600": 2.5, "320500": 4.0, "330200": 3.0,
    "370200": 3.0, "350200": 3.0, "320200": 2.5, "210200": 2.0, "330300": 2.0,
    "330700": 2.0, "442000": 2.0,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class City:
    """A prefecture-level city (or a municipality) with what names and codes need."""

    code: str
    name: str
    short: str
    prefix: str
    province_code: str
    province: str
    province_short: str
    abbr: str
    iso: str
    counties: tuple[tuple[str, str], ...]

    @property
    def municipality(self) -> bool:
        """True for 北京, 天津, 上海 and 重庆, where the city is the province."""
        return self.code == self.province_code


_AUTONOMOUS_PREFECTURE: Final = re.compile(
    r"(.+?)(?:(?:朝鲜|土家|藏|羌|彝|布依|苗|侗|哈尼|壮|傣|白|景颇|傈僳|回|蒙古|柯尔克孜|哈萨克)族?)+自治州"
)


def _short_city(name: str) -> str:
    """`深圳市` → `深圳`, `喀什地区` → `喀什`, `恩施土家族苗族自治州` → `恩施`."""
    if name.endswith("市") and len(name) > 2:
        return name[:-1]
    if name.endswith("地区"):
        return name[:-2]
    autonomous = _AUTONOMOUS_PREFECTURE.fullmatch(name)
    return autonomous[1] if autonomous else name


def _name_prefix(name: str) -> str:
    """How organization names start in a city: `深圳市`, but `恩施州` for a 自治州."""
    return _short_city(name) + "州" if name.endswith("自治州") else name


def _short_province(code: str, name: str) -> str:
    """`广东省` → `广东`, `广西壮族自治区` → `广西`, `北京市` → `北京`."""
    return _PROVINCE_SHORT.get(code[:2]) or name.rstrip("省市")


@cache
def _region_rows() -> tuple[tuple[str, str, str], ...]:
    """The rows of credit/data/regions.csv as (code, name, level)."""
    text = resources.files("credit").joinpath("data/regions.csv").read_text(encoding="utf-8")
    return tuple((r["code"], r["name"], r["level"]) for r in csv.DictReader(text.splitlines()))


def _build_cities() -> tuple[list[City], list[float]]:
    """Prefecture-level cities of the mainland with their selection weights."""
    rows = [row for row in _region_rows() if row[0][:2] in _PROVINCE_WEIGHTS]
    provinces = {code: name for code, name, level in rows if level == "province"}
    counties: dict[str, list[tuple[str, str]]] = {}
    for code, name, level in rows:
        if level == "county":
            parent = code[:2] + "0000" if code[:2] in ("11", "12", "31", "50") else code[:4] + "00"
            counties.setdefault(parent, []).append((code, name))
    cities: list[City] = []
    weights: list[float] = []
    rank: dict[str, int] = {}
    for code, name, level in rows:
        prov = code[:2]
        municipality = level == "province" and code in counties
        if not municipality and (level != "prefecture" or "行政区划" in name):
            continue
        pcode = prov + "0000"
        cities.append(
            City(
                code=code,
                name=name,
                short=_short_city(name),
                prefix=_name_prefix(name),
                province_code=pcode,
                province=provinces[pcode],
                province_short=_short_province(pcode, provinces[pcode]),
                abbr=_PROVINCE_ABBR[prov],
                iso=_PROVINCE_ISO[prov],
                counties=tuple(counties.get(code, ())),
            )
        )
        rank[prov] = rank.get(prov, 0) + 1
        weights.append(_PROVINCE_WEIGHTS[prov] * _CITY_BOOST.get(code, 1.0) / rank[prov] ** 0.9)
    return cities, weights


# --------------------------------------------------------------------------- vocabulary


def _words(text: str) -> tuple[str, ...]:
    """The whitespace-separated words of a table, duplicates dropped, order kept."""
    return tuple(dict.fromkeys(text.split()))


_BRANDS: Final = _words(
    """
        华创 恒远 鑫源 金泰 宏达 永盛 瑞丰 德信 华信 天成 中科 博远 智联 通达 祥和 安康
        明光 星海 江南 远航 兴业 旺达 隆盛 昌盛 荣华 富源 嘉禾 佳美 优创 卓越 锦程 腾飞
        云帆 龙腾 凤凰 东方 世纪 万达 方正 大成 合力 众诚 汇通 华美 华泰 华宇 华瑞 华兴
        华盛 华联 华康 华晨 恒通 恒信 恒泰 恒丰 恒达 恒昌 恒利 恒润 恒兴 恒基 鑫达 鑫盛
        鑫泰 鑫隆 鑫华 鑫诚 鑫宇 鑫海 鑫茂 鑫龙 金鼎 金源 金盛 金达 金诚 金汇 金海 金桥
        金石 金星 宏远 宏图 宏盛 宏伟 宏泰 宏业 宏基 永泰 永兴 永信 永康 永达 永丰 永安
        永和 瑞祥 瑞华 瑞达 瑞康 瑞泰 瑞德 瑞景 瑞博 德润 德盛 德隆 德源 德馨 德邦 信达
        信诚 信和 信泰 诚达 诚鑫 诚远 祥瑞 祥泰 祥丰 安泰 安达 安信 安华 博瑞 博华 博达
        博创 博雅 博思 智创 智达 智信 智汇 智远 智宇 通泰 通盛 天宇 天泽 天盛 天和 天润
        天翼 天信 天鸿 中联 中信 中泰 中瑞 中盛 中兴 明达 明辉 明德 明远 光华 光明 光辉
        星辰 星宇 星光 海川 海天 海润 海纳 海通 海盛 江海 远大 远景 远洋 远东 兴华 兴盛
        兴达 兴隆 兴旺 旺泰 隆鑫 隆达 昌达 昌隆 荣盛 荣达 荣泰 荣鑫 富达 富华 富康 富强
        嘉诚 嘉信 嘉华 嘉泰 嘉盛 佳鑫 佳和 佳能 佳禾 优品 优联 卓创 卓信 卓达 锦华 锦泰
        锦绣 腾达 腾龙 腾越 云天 云海 云启 龙华 龙源 龙达 龙盛 凤翔 东盛 东华 东泰 东信
        南华 南天 西部 北辰 世通 世宏 万通 万盛 万和 万顺 万家 方圆 方舟 正泰 正大 正和
        大华 大禹 大道 合众 合信 合创 众创 众信 众和 汇丰 汇金 汇智 汇源 新华 新宇 新源
        新锐 新航 创新 创达 创联 创意 科达 科瑞 科信 科创 科华 科隆 精诚 精工 精英 立信
        立达 立德 联创 联合 联盛 顺达 顺发 顺丰 同创 同泰 同心 长城 长江 长虹 长兴 宝达
        宝龙 宝利 盛世 盛达 盛华 鼎盛 鼎新 鼎泰 泰和 泰康 泰丰 润泽 润达 亿达 亿通 百川
        百盛 千禧 骏达 凯达 凯瑞 飞扬 飞达 领航 启航 蓝天 绿源 青松 红日 银河 巨龙 神州
        华夏 九州 开元 天安 国泰 和谐 宇通 宇航 晨光 朝阳 春晖 秋实 麦田 橙子 米兰 维康
    """
)
_INDUSTRIES: Final = (
    ("科技", 30.0), ("贸易", 12.0), ("商贸", 7.0), ("电子", 6.0), ("信息技术", 5.0),
    ("网络科技", 5.0), ("智能科技", 4.0), ("生物科技", 4.0), ("实业", 4.0), ("电子商务", 3.0),
    ("新材料", 3.0), ("机械设备", 3.0), ("医疗器械", 3.0), ("文化传媒", 3.0), ("食品", 3.0),
    ("服饰", 2.0), ("化工", 2.0), ("建材", 2.0), ("环保科技", 2.0), ("供应链管理", 2.0),
    ("电器", 2.0), ("光电", 2.0), ("家居用品", 2.0), ("新能源", 2.0), ("精密模具", 1.0),
    ("玩具", 1.0), ("汽车配件", 1.0), ("照明", 1.0), ("日用品", 1.0), ("药业", 1.0),
    ("农业科技", 1.0), ("五金制品", 1.0), ("包装材料", 1.0), ("通信设备", 1.0),
)  # fmt: skip
_FORMS: Final = (
    ("有限公司", 60.0), ("有限责任公司", 16.0), ("股份有限公司", 10.0), ("集团有限公司", 3.0),
)  # fmt: skip
_AGENCY_FORMS: Final = (
    ("知识产权代理有限公司", 36.0), ("专利代理事务所（普通合伙）", 18.0),
    ("商标事务所有限公司", 9.0), ("商标代理有限公司", 10.0), ("知识产权服务有限公司", 10.0),
    ("专利事务所", 5.0), ("知识产权代理事务所（特殊普通合伙）", 4.0),
)  # fmt: skip
_SHOP_FORMS: Final = ("商行", "经营部", "商店", "电子商行", "服装店", "五金店")
# (name ending, USCC registration authority + type, uses the 字号)
_OTHER_ORGS: Final = (
    ("{field}研究院", "52", 20.0), ("{field}技术研究院", "12", 10.0),
    ("{field}协会", "51", 14.0), ("{field}促进会", "51", 8.0),
    ("知识产权服务中心", "52", 10.0), ("律师事务所", "31", 12.0),
    ("{crop}专业合作社", "93", 10.0), ("公益基金会", "53", 4.0),
    ("职业技术学校", "52", 6.0), ("科技服务中心", "52", 6.0),
)  # fmt: skip
_FIELDS: Final = (
    "新材料", "电子信息", "生物医药", "智能制造", "工业设计", "现代农业", "节能环保", "电子商务",
)  # fmt: skip
_CROPS: Final = ("蔬菜", "茶叶", "水果", "食用菌", "中药材", "花卉", "粮食种植", "生猪养殖")
_SURNAMES: Final = _words(
    """王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓
    曹 彭 曾 肖 田 董 袁 潘 于 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 姜 崔 钟 谭 陆 汪 范
    金 石 廖 贾 夏 韦 付 方 白 邹 孟 熊 秦 邱 江 尹 薛 闫 段 雷 侯 龙 史 陶 黎 贺 顾 毛 郝 龚
    邵 万 钱 严 覃 武 戴 莫 孔 向 汤 欧阳 司马 诸葛"""
)
_PRODUCTS: Final = (
    "蓝牙耳机", "运动鞋", "电动牙刷", "儿童玩具", "手机壳", "保温杯", "空气净化器", "箱包",
    "化妆品", "汽车配件", "茶叶", "白酒", "LED灯具", "服装", "锂电池", "注塑模具", "轴承",
    "医用口罩", "电动自行车", "扫地机器人", "电热水壶", "智能门锁", "充电宝", "太阳镜", "卫浴五金",
)  # fmt: skip
_TECHS: Final = (
    "高效散热的LED照明装置", "可降解包装材料及其制备方法", "锂电池极片涂布设备",
    "基于图像识别的缺陷检测方法", "节水型智能灌溉系统", "中药提取物的纯化工艺",
    "新能源汽车电池热管理系统", "高强度铝合金型材及其加工方法", "低功耗无线传感器节点",
    "便携式医用雾化器", "光伏组件清洗机器人", "多层复合阻隔薄膜", "智能仓储分拣装置",
    "纺织品抗菌整理方法", "工业废水零排放处理工艺", "5G基站天线振子", "精密注塑模具冷却结构",
)  # fmt: skip
_DOCS: Final = (
    "专利权评价报告", "研发费用专项审计报告", "知识产权贯标认证证书", "技术合同登记证明",
    "营业执照副本", "专利实施许可备案证明", "商标使用证据", "财务审计报告",
)  # fmt: skip
_MATTERS: Final = (
    "专利费用减缴", "专利优先审查", "商标注册申请变更", "知识产权质押登记", "专利代理机构执业许可",
    "知识产权示范企业申报", "专利资助申领",
)  # fmt: skip
_PROGRAMS: Final = (
    "专利资助项目", "知识产权示范企业", "高价值专利培育项目", "知识产权质押融资贴息",
    "专利转化专项计划",
)  # fmt: skip
_EXPOS: Final = (
    "国际消费电子博览会", "五金机电博览会", "家具展览会", "玩具及婴童用品博览会",
    "纺织服装博览会", "高新技术成果交易会", "智能制造装备展览会", "医疗器械博览会",
    "茶产业博览会", "汽车零部件展览会",
)  # fmt: skip
_IP_TYPES: Final = ("外观设计专利权", "实用新型专利权", "发明专利权", "注册商标专用权")


# --------------------------------------------------------------------------- helpers


class Draw:
    """Cheap draws from one `random.Random`, with the same names as its methods.

    `Random.choice` and `Random.randint` cost several Python calls each; these
    take one `random()` per draw (a bias below 2**-40 does not matter here).
    """

    __slots__ = ("random", "source")

    def __init__(self, source: Random) -> None:
        self.source = source
        self.random: Callable[[], float] = source.random

    def randrange(self, stop: int) -> int:
        """An integer in [0, stop)."""
        return int(self.random() * stop)

    def randint(self, low: int, high: int) -> int:
        """An integer in [low, high]."""
        return low + int(self.random() * (high - low + 1))

    def choice(self, items: Sequence[T]) -> T:
        """One item of a non-empty sequence."""
        return items[int(self.random() * len(items))]

    def sample(self, items: Sequence[T], count: int) -> list[T]:
        """`count` distinct items in random order."""
        return self.source.sample(items, count)


class Picker(Generic[T]):
    """A weighted choice that costs one random number and one bisection."""

    def __init__(self, options: Sequence[tuple[T, float]]) -> None:
        # the last item is repeated so that a draw rounding up to the total stays in range
        self.items = [item for item, _ in options] + [options[-1][0]]
        self.cumulative = list(accumulate(weight for _, weight in options))
        self.total = self.cumulative[-1]

    def pick(self, rng: Draw) -> T:
        """One item, chosen with probability proportional to its weight."""
        return self.items[bisect_right(self.cumulative, rng.random() * self.total)]


def zipf(items: Sequence[T], exponent: float = 1.0, offset: float = 1.0) -> Picker[T]:
    """A picker where the item of rank r (from 0) has weight 1 / (r + offset)**exponent."""
    return Picker([(item, 1.0 / (rank + offset) ** exponent) for rank, item in enumerate(items)])


_TRIPLES: Final = tuple(a + b + c for a in ALPHABET for b in ALPHABET for c in ALPHABET)


def _base31_7(value: int) -> str:
    """`value` (below 31**7) on 7 characters of the USCC alphabet."""
    high, low = divmod(value, 31**4)
    middle, last = divmod(low, 31)
    return _TRIPLES[high] + _TRIPLES[middle] + ALPHABET[last]


def _weighted_digits(weights: tuple[int, ...]) -> tuple[int, ...]:
    """Σ digit × weight for every 4-digit string, indexed by its value."""
    return tuple(
        sum(int(d) * w for d, w in zip(f"{n:04d}", weights, strict=True)) for n in range(10_000)
    )


_ORG_HIGH: Final = _weighted_digits((3, 7, 9, 10))
_ORG_LOW: Final = _weighted_digits((5, 8, 4, 2))


def _organization_code(value: int) -> str:
    """An 8-digit organization code with its GB 11714 check character (9 characters)."""
    high, low = divmod(value % 100_000_000, 10_000)
    check = 11 - (_ORG_HIGH[high] + _ORG_LOW[low]) % 11
    return f"{high:04d}{low:04d}" + ("X" if check == 10 else "0" if check == 11 else str(check))


def id_number(region: str, born: date, sequence: int) -> str:
    """An 18-digit resident ID number (GB 11643) with a correct check character."""
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + id_check_character(first17)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the end of shorter months."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


class Slots:
    """Template values made on first use, so a template only pays for what it names."""

    def __init__(
        self, rng: Draw, makers: Mapping[str, Callable[[Draw], str]], fixed: dict[str, str]
    ) -> None:
        self.rng = rng
        self.makers = makers
        self.values = fixed

    def __getitem__(self, key: str) -> str:
        value = self.values.get(key)
        if value is None:
            value = self.values[key] = self.makers[key](self.rng)
        return value


def _count(rng: Draw) -> str:
    """A count with a long tail: mostly tens, sometimes thousands."""
    return str(int(math.exp(2.31 + 6.2 * rng.random())))


def _small(rng: Draw) -> str:
    return str(rng.randint(2, 9))


def _money(rng: Draw) -> str:
    return str(rng.choice((1, 2, 3, 5, 8, 10, 12, 15, 20, 30, 50)) + rng.randint(0, 9) / 10)


_MAKERS: Final[Mapping[str, Callable[[Draw], str]]] = {
    "n": _count,
    "k": _small,
    "money": _money,
    "product": lambda rng: rng.choice(_PRODUCTS),
    "tech": lambda rng: rng.choice(_TECHS),
    "doc": lambda rng: rng.choice(_DOCS),
    "matter": lambda rng: rng.choice(_MATTERS),
    "program": lambda rng: rng.choice(_PROGRAMS),
    "expo": lambda rng: rng.choice(_EXPOS),
    "ip": lambda rng: rng.choice(_IP_TYPES),
    "tm": lambda rng: rng.choice(_BRANDS[:120]) + rng.choice(("", "", "星", "乐", "康", "宝")),
    "award": lambda rng: rng.choice(("金", "银", "优秀", "优秀", "优秀")),
    "rank": lambda rng: rng.choice(("一", "二", "三")),
    "month": lambda rng: str(rng.randint(1, 12)),
    "month2": lambda rng: str(rng.randint(1, 12)),
    "session": lambda rng: str(rng.randint(18, 25)),
}


# --------------------------------------------------------------------------- subjects


@dataclass(slots=True)
class Subject:
    """Whom a record is about: the same subject may carry several records."""

    subject_type: str
    name: str
    uscc: str | None
    region_code: str
    city: City
    district: str | None
    former_names: tuple[str, ...] = ()
    legal_representative: str | None = None
    id_number: str | None = None
    mobile: str | None = None
    fields: Record = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        fields: Record = {"subject_type": self.subject_type, "subject_name": self.name}
        optional = (
            ("uscc", self.uscc),
            ("former_names", list(self.former_names)),
            ("legal_representative", self.legal_representative),
            ("id_number", self.id_number),
        )
        fields.update((key, value) for key, value in optional if value)
        self.fields = fields


class OrgName(NamedTuple):
    """The parts an organization name is built from, so a former name can vary one."""

    style: str
    brand: str
    middle: str
    form: str


@cache
def _pools() -> Pools:
    return Pools()


class Pools:
    """Everything precomputed once: cities, pickers, and template tables."""

    def __init__(self) -> None:
        cities, weights = _build_cities()
        self.cities = Picker(list(zip(cities, weights, strict=True)))
        self.big_cities = Picker([(c, w) for c, w in zip(cities, weights, strict=True) if w >= 2.0])
        self.brands = zipf(_BRANDS, 1.0, 5.0)
        self.industries = Picker(_INDUSTRIES)
        self.forms = Picker(_FORMS)
        self.agency_forms = Picker(_AGENCY_FORMS)
        self.other_orgs = Picker([((end, code), w) for end, code, w in _OTHER_ORGS])
        self.surnames = zipf(_SURNAMES, 1.0, 4.0)
        self.subject_types = Picker(
            [("enterprise", 68.0), ("agency", 12.0), ("individual", 11.0), ("other_org", 9.0)]
        )
        self.enterprise_styles = Picker(
            [("city", 52.0), ("city_short", 12.0), ("province", 10.0), ("bracket", 8.0),
             ("bare", 4.0), ("shop", 6.0), ("branch", 8.0)]
        )  # fmt: skip
        self.agency_styles = Picker(
            [("city", 70.0), ("city_short", 12.0), ("bracket", 8.0), ("branch", 10.0)]
        )
        self.measures = {kind: _measure_sets(kind, items) for kind, items in _MEASURES.items()}


def _measure_sets(kind: str, items: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """A fixed pool of measure lists for a kind (drawing one is cheaper than sampling)."""
    rng = Random(len(kind))
    low, high = (2, 4) if kind == "serious_list" else (0, 3)
    return tuple(tuple(rng.sample(items, rng.randint(low, high))) for _ in range(256))


# --------------------------------------------------------------------------- record texts

_DISHONEST_REASONS: Final = {
    "abnormal_patent_application": (
        "提交非正常专利申请{n}件，经通知后未主动撤回。",
        "所提交的{n}件专利申请存在编造、伪造技术方案或简单替换材料、参数等情形，被认定为非正常专利申请。",
        "为获取专利资助和奖励，短期内批量提交实用新型专利申请{n}件，经审查认定为非正常专利申请。",
        "提交的专利申请{n}件明显抄袭现有技术，属于非正常专利申请行为。",
        "将同一技术方案拆分为多件专利申请提交，共计{n}件，属于非正常专利申请。",
    ),
    "malicious_trademark_registration": (
        "不以使用为目的大量申请注册商标{n}件，扰乱商标注册秩序，属于恶意商标注册申请行为。",
        "以不正当手段抢注他人在先使用并有一定影响的商标“{tm}”等{n}件。",
        "在{product}等商品上申请注册与他人知名商标“{tm}”近似的商标，并对外兜售牟利。",
        "恶意抢注知名地名、公众人物姓名等商标{n}件，造成不良社会影响。",
        "囤积商标{n}件且无真实使用意图，经商标局驳回后仍持续提交申请。",
    ),
    "illegal_agency": (
        "未取得专利代理机构执业许可证，擅自开展专利代理业务，涉及专利申请{n}件。",
        "以“包授权”“不成功全额退款”等承诺招揽业务，无资质代理专利申请{n}件。",
        "未取得代理资质为他人代理商标注册申请{n}件，收取代理费{money}万元。",
        "以专利代理机构名义对外承揽业务，但未取得执业许可，涉及专利申请{n}件。",
    ),
    "false_materials": (
        "在申报{program}过程中提交虚假的{doc}，涉及资助金额{money}万元。",
        "办理知识产权质押登记时隐瞒专利权已被宣告无效的重要事实。",
        "申报知识产权示范企业时虚报研发投入和专利运用数据。",
        "在商标注册申请中提交伪造的使用证据{k}份。",
        "办理{matter}时提交虚假的收入证明材料。",
    ),
    "commitment_breach": (
        "信用承诺未履行：承诺期限内未补交{doc}。",
        "以告知承诺方式办理{matter}后，经核查承诺内容不实。",
        "作出信用承诺后未按期完成整改，经督促仍未改正。",
        "在{matter}中承诺的事项未兑现，且未说明正当理由。",
    ),
    "refusal_to_perform": (
        "拒不履行行政处罚决定，罚款{money}万元逾期未缴纳，经催告仍未履行。",
        "拒不履行专利侵权纠纷行政裁决，继续销售被认定侵权的{product}。",
        "经催告仍拒不履行责令停止侵权的行政裁决，情节恶劣。",
        "拒不履行没收侵权{product}的处罚决定，转移被查封的涉案物品。",
    ),
    "intentional_infringement": (
        "故意侵犯他人专利权，经责令停止后再次实施侵权行为。",
        "在{product}上使用与他人注册商标“{tm}”相同的标识，货值{money}万元，属于故意侵权。",
        "五年内受过行政处罚后再次侵犯他人注册商标专用权，属于重复侵权。",
        "假冒他人专利，在{product}及其包装上标注他人专利号，涉案产品{n}件。",
        "明知是侵权产品仍大量销售{product}，侵权数量{n}件。",
    ),
    "other": (
        "妨碍知识产权行政执法检查，拒绝提供有关资料。",
        "冒用他人名义提交专利申请{n}件。",
        "伪造、变造知识产权相关证明文件。",
        "以欺骗手段获取专利费用减缴资格，涉及专利申请{n}件。",
    ),
}
# what agencies do wrong is mostly what they file for others
_AGENCY_REASONS: Final = {
    "abnormal_patent_application": (
        "代理非正常专利申请{n}件，情节严重。",
        "明知委托人提交的专利申请属于非正常专利申请，仍代为提交{n}件。",
    ),
    "malicious_trademark_registration": (
        "明知委托人申请注册的商标属于恶意注册，仍接受委托代理{n}件。",
        "代理恶意抢注他人知名商标“{tm}”等申请{n}件。",
    ),
    "illegal_agency": (
        "以“包授权”“不成功全额退款”等承诺招揽业务，代理专利申请{n}件。",
        "出租、出借专利代理机构执业许可证，允许他人以本机构名义执业。",
        "商标代理机构除对其代理服务申请商标注册外，申请注册其他商标{n}件。",
        "代理非正常专利申请{n}件，情节严重。",
        "专利代理师挂靠本机构执业，本机构未实际管理其代理业务。",
        "指派未取得专利代理师资格的人员办理专利代理业务{n}件。",
    ),
}
_GOOD_REASONS: Final = {
    "demonstration_enterprise": (
        "认定为{year}年度国家知识产权示范企业。",
        "认定为{year}年度国家知识产权优势企业。",
        "入选{province}{year}年度知识产权示范企业名单。",
        "通过《企业知识产权合规管理体系要求》（GB/T 29490）认证，"
        "认定为{province}知识产权优势企业。",
    ),
    "patent_award": (
        "专利“一种{tech}”获第{session}届中国专利{award}奖。",
        "外观设计专利“{product}”获第{session}届中国外观设计{award}奖。",
        "专利“一种{tech}”获{year}年度{province_short}专利奖{rank}等奖。",
    ),
    "agency_rating": (
        "在{year}年度专利代理机构信用评价中被评为A级。",
        "{year}年度商标代理机构信用评价为A级。",
        "连续{k}年专利代理机构信用评价为A级，无不良执业记录。",
    ),
    "commitment_kept": (
        "在{matter}中作出的信用承诺全部如期履行，核查无异常。",
        "连续{k}年履行知识产权信用承诺，无失信记录。",
        "按承诺期限补齐{doc}，经核查承诺内容真实。",
    ),
    "integrity_model": (
        "入选{year}年度知识产权领域诚信典型。",
        "主动撤回非正常专利申请并规范经营，树立为诚信经营典型。",
        "在{year}年度知识产权保护工作中表现突出，评为诚信示范单位。",
    ),
    "other": (
        "积极参与知识产权纠纷人民调解工作，获通报表扬。",
        "被评为{year}年度知识产权保护规范化市场培育单位。",
        "在{year}年度知识产权宣传周活动中表现突出，获通报表扬。",
    ),
}
_BASES: Final = {
    "abnormal_patent_application": (
        "《专利法》第二十条；《规范申请专利行为的规定》第三条",
        "《知识产权信用管理规定》第六条",
        "《专利法实施细则》第十一条；《知识产权信用管理规定》第六条",
    ),
    "malicious_trademark_registration": (
        "《商标法》第四条",
        "《商标法》第四条、第六十八条；《规范商标申请注册行为若干规定》第三条",
        "《知识产权信用管理规定》第六条",
    ),
    "illegal_agency": (
        "《专利代理条例》第二十五条",
        "《专利代理条例》第二十七条；《专利代理管理办法》第十三条",
        "《商标法》第十九条、第六十八条",
    ),
    "false_materials": ("《知识产权信用管理规定》第六条", "《专利法实施细则》第十一条"),
    "commitment_breach": ("《知识产权信用管理规定》第六条",),
    "refusal_to_perform": (
        "《行政处罚法》第七十二条；《知识产权信用管理规定》第六条",
        "《知识产权信用管理规定》第六条",
    ),
    "intentional_infringement": (
        "《专利法》第六十五条、第六十八条",
        "《商标法》第五十七条、第六十条",
        "《知识产权信用管理规定》第六条",
    ),
    "other": ("《知识产权信用管理规定》第六条",),
}
_GOOD_BASES: Final = {
    "demonstration_enterprise": ("《国家知识产权示范企业和优势企业培育工作方案》",),
    "patent_award": ("《中国专利奖评奖办法》",),
    "agency_rating": ("《专利代理机构信用评价管理办法（试行）》",),
    "commitment_kept": ("《知识产权信用管理规定》",),
    "integrity_model": ("《知识产权信用管理规定》",),
    "other": ("《知识产权信用管理规定》",),
}
_SERIOUS_BASIS: Final = "《市场监督管理严重违法失信名单管理办法》"
_MEASURES: Final = {
    "serious_list": (
        "列为重点监管对象", "不适用信用承诺制", "依法限制参与评优评先",
        "限制申请专利资助和奖励", "在政府采购活动中依法予以限制", "提高检查频次",
        "依法实施联合惩戒",
    ),
    "dishonest_act": (
        "列为重点监管对象", "不予批准参与知识产权示范和优势企业申报", "取消专利、商标申请资助资格",
        "依法限制评优评先", "在专利、商标审查中从严审查", "提高抽查比例和频次",
    ),
    "good_credit": (
        "优先推荐参加中国专利奖评选", "在专利、商标优先审查中予以支持", "减少日常检查频次",
        "在项目申报中优先支持", "适用信用承诺制", "开通知识产权质押融资绿色通道",
    ),
}  # fmt: skip

# category weights by subject type
_DISHONEST_WEIGHTS: Final = {
    "enterprise": (25, 20, 4, 12, 12, 8, 15, 4),
    "agency": (20, 12, 40, 10, 8, 5, 1, 4),
    "individual": (30, 20, 20, 10, 5, 5, 7, 3),
    "other_org": (35, 5, 5, 25, 15, 5, 3, 7),
}
_GOOD_WEIGHTS: Final = {
    "enterprise": (35, 20, 0, 20, 15, 10),
    "agency": (0, 0, 60, 15, 15, 10),
    "individual": (0, 50, 0, 0, 40, 10),
    "other_org": (20, 40, 0, 15, 15, 10),
}
_KIND_WEIGHTS: Final = {
    "enterprise": (10, 50, 40),
    "agency": (15, 45, 40),
    "individual": (15, 75, 10),
    "other_org": (5, 35, 60),
}
# authority choice: ("cnipa" | "prov_ip" | "prov_samr" | "city_ip" | "city_samr", weight)
_AUTHORITY_WEIGHTS: Final = {
    "abnormal_patent_application": (50, 40, 0, 10, 0),
    "malicious_trademark_registration": (50, 35, 0, 0, 15),
    "illegal_agency": (25, 45, 0, 0, 30),
    "false_materials": (20, 50, 0, 30, 0),
    "commitment_breach": (20, 50, 0, 30, 0),
    "refusal_to_perform": (0, 30, 20, 0, 50),
    "intentional_infringement": (0, 30, 25, 0, 45),
    "other": (20, 30, 15, 15, 20),
    "demonstration_enterprise": (50, 50, 0, 0, 0),
    "patent_award": (70, 30, 0, 0, 0),
    "agency_rating": (40, 60, 0, 0, 0),
    "commitment_kept": (0, 50, 0, 50, 0),
    "integrity_model": (0, 60, 0, 40, 0),
    "good_other": (10, 40, 0, 50, 0),
}
_AUTHORITY_KINDS: Final = ("cnipa", "prov_ip", "prov_samr", "city_ip", "city_samr")
_DISHONEST_STATUS: Final = (
    ("current", 42.0), ("expired", 22.0), ("scheduled", 6.0), ("repaired", 15.0),
    ("delisted", 7.0), ("delisting", 2.0),
)  # fmt: skip
_GOOD_STATUS: Final = (
    ("open", 50.0), ("current", 12.0), ("expired", 16.0), ("scheduled", 6.0), ("delisted", 6.0),
)  # fmt: skip
_LINE_ORDER: Final = (
    "record_id", "kind", "category", "severity", "subject_type", "subject_name", "uscc",
    "former_names", "legal_representative", "id_number", "region_code", "reason", "legal_basis",
    "measures", "authority", "decision_no", "decided_on", "publish_from", "publish_until",
    "delisted_on", "delist_reason", "source", "updated_at",
)  # fmt: skip

_OFFICE_MINUTES: Final = tuple(f"T{h:02d}:{m:02d}:" for h in range(8, 19) for m in range(60))
_LATE_MINUTES: Final = tuple(f"T{h:02d}:{m:02d}:" for h in range(20, 24) for m in range(60))
_SECONDS: Final = tuple(f"{s:02d}+08:00" for s in range(60))

UPDATE_SHARE: Final = 0.02
WITHDRAW_SHARE: Final = 0.01
REUSE_SHARE: Final = 0.3
FORMER_NAME_SHARE: Final = 0.1
_RECENT_SUBJECTS: Final = 4096
_FOLLOW_UP_DELAY: Final = 2000
_CASE_LINKS: Final = 256


class Dates(NamedTuple):
    """Dates of one record version, as ordinals (0 when absent)."""

    decided: int
    start: int
    until: int
    delisted: int
    delist_reason: str | None
    version: int


# --------------------------------------------------------------------------- the builder


class FeedBuilder:
    """Builds records and cases from one random stream; keeps only bounded state."""

    def __init__(self, rng: Random, today: date) -> None:
        self.rng = Draw(rng)
        self.today = today
        self.today_ord = today.toordinal()
        self.pools = _pools()
        self.serial = 0
        self.subject_serial = 0
        self.recent: list[Subject] = []
        self.decision_counters: dict[str, int] = {}
        self.links: dict[str, list[tuple[str, str]]] = {}
        self.usccs_salt = rng.randrange(31**7)
        self.code_salt = rng.randrange(100_000_000)
        self.days: dict[int, str] = {}
        self.ends: dict[int, int] = {}
        self.dishonest_status = Picker(_DISHONEST_STATUS)
        self.good_status = Picker(_GOOD_STATUS)
        self.kind_pickers = {
            t: Picker(list(zip(("serious_list", "dishonest_act", "good_credit"), w, strict=True)))
            for t, w in _KIND_WEIGHTS.items()
        }
        self.dishonest_pickers = {
            t: Picker(list(zip(_DISHONEST_REASONS, w, strict=True)))
            for t, w in _DISHONEST_WEIGHTS.items()
        }
        self.good_pickers = {
            t: Picker([(c, x) for c, x in zip(_GOOD_REASONS, w, strict=True) if x])
            for t, w in _GOOD_WEIGHTS.items()
        }
        self.authority_pickers = {
            c: Picker(list(zip(_AUTHORITY_KINDS, w, strict=True)))
            for c, w in _AUTHORITY_WEIGHTS.items()
        }

    # ----------------------------------------------------------------- the stream

    def records(self, count: int) -> Iterator[Record]:
        """`count` records, with updates and withdrawals of earlier ones interleaved."""
        pending: list[tuple[int, int, str, Record]] = []
        for index in range(count):
            while pending and pending[0][0] <= index:
                yield self.follow_up(heapq.heappop(pending))
            record = self.record()
            yield record
            draw = self.rng.random()
            if draw < UPDATE_SHARE + WITHDRAW_SHARE:
                action = "update" if draw < UPDATE_SHARE else "withdraw"
                due = index + self.rng.randint(1, _FOLLOW_UP_DELAY)
                heapq.heappush(pending, (due, index, action, record))
            else:
                self.remember_link(record)
        while pending:
            yield self.follow_up(heapq.heappop(pending))

    def follow_up(self, item: tuple[int, int, str, Record]) -> Record:
        """A later line about an earlier record: a newer version, or its withdrawal."""
        _, _, action, record = item
        if action == "withdraw":
            return {
                "op": "withdraw",
                "record_id": record["record_id"],
                "updated_at": self.newer_than(str(record["updated_at"])),
            }
        return self.updated(record)

    def remember_link(self, record: Record) -> None:
        """Keep a few record ids per category for the cases' related_record_ids."""
        if record["kind"] == "good_credit":
            return
        links = self.links.setdefault(str(record["category"]), [])
        if len(links) < _CASE_LINKS:
            links.append((str(record["decided_on"]), str(record["record_id"])))

    # ----------------------------------------------------------------- subjects

    def subject(self) -> Subject:
        """A subject seen recently (several records per entity) or a new one."""
        rng = self.rng
        if self.recent and rng.random() < REUSE_SHARE:
            return rng.choice(self.recent)
        subject = self.new_subject(self.pools.subject_types.pick(rng))
        if len(self.recent) < _RECENT_SUBJECTS:
            self.recent.append(subject)
        else:
            self.recent[rng.randrange(_RECENT_SUBJECTS)] = subject
        return subject

    def new_subject(self, subject_type: str) -> Subject:
        """A fresh subject of a type."""
        self.subject_serial += 1
        if subject_type == "individual":
            return self.individual()
        if subject_type == "agency":
            return self.organization("agency", self.pools.agency_styles.pick(self.rng))
        if subject_type == "other_org":
            return self.other_org()
        return self.organization("enterprise", self.pools.enterprise_styles.pick(self.rng))

    def place(self, city: City, county_share: float = 0.6) -> tuple[str, str | None]:
        """A region code inside a city (a county, or the city itself) and the county name."""
        if city.counties and (city.municipality or self.rng.random() < county_share):
            code, name = self.rng.choice(city.counties)
            return code, name
        return city.code, None

    def person_name(self) -> str:
        """`王某` or `王某某`: how decisions name a person."""
        return self.pools.surnames.pick(self.rng) + ("某" if self.rng.random() < 0.45 else "某某")

    def individual(self) -> Subject:
        """A natural person with a valid ID number of a real county."""
        rng = self.rng
        city = self.pools.cities.pick(rng)
        region, district = self.place(city, 1.0)
        born = date.fromordinal(self.today_ord - rng.randint(21 * 365, 68 * 365))
        number = id_number(region, born, rng.randint(1, 999))
        mobile = f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}"
        return Subject(
            "individual", self.person_name(), None, region, city, district,
            id_number=number, mobile=mobile,
        )  # fmt: skip

    def uscc(self, prefix: str, region: str, new_style: bool) -> str:
        """A valid USCC, unique per subject serial: `MA…` new style or an old org code."""
        n = self.subject_serial
        if new_style:
            body = "MA" + _base31_7((n * 2_654_435_761 + self.usccs_salt) % 31**7)
        else:
            body = _organization_code(n * 48_271 + self.code_salt)
        first17 = prefix + region + body
        return first17 + check_character(first17)

    def org_name(self, parts: OrgName, city: City, district: str | None) -> str:
        """An organization name from its parts in one of the register's usual shapes."""
        core = parts.brand + parts.middle + parts.form
        style = parts.style
        if style == "city":
            return city.prefix + core
        if style == "city_short":
            return city.short + core
        if style == "province":
            return city.province_short + core
        if style == "bracket":
            return f"{parts.brand}（{city.short}）{parts.middle}{parts.form}"
        if style == "shop":
            if district and district.endswith("市"):
                return district + core
            return city.prefix + (district or "") + core
        return core

    def enterprise_parts(self, style: str, agency: bool) -> OrgName:
        """Random parts of an enterprise or agency name."""
        pools, rng = self.pools, self.rng
        brand = pools.brands.pick(rng)
        if agency:
            return OrgName(style, brand, "", pools.agency_forms.pick(rng))
        if style == "shop":
            return OrgName(style, brand, "", rng.choice(_SHOP_FORMS))
        return OrgName(style, brand, pools.industries.pick(rng), pools.forms.pick(rng))

    def organization(self, subject_type: str, style: str) -> Subject:
        """An enterprise or agency, possibly a branch, possibly with former names."""
        rng = self.rng
        agency = subject_type == "agency"
        city = self.pools.cities.pick(rng)
        region, district = self.place(city)
        if style == "branch":
            return self.branch(subject_type, city, region, district)
        if style == "shop" and district is None:
            style = "city"
        parts = self.enterprise_parts(style, agency)
        name = self.org_name(parts, city, district)
        prefix = "92" if style == "shop" else "91"
        new_style = style == "shop" or rng.random() < 0.7
        return Subject(
            subject_type, name, self.uscc(prefix, region, new_style), region, city, district,
            former_names=self.former_names(parts, city, district, name),
            legal_representative=self.person_name(),
        )  # fmt: skip

    def branch(self, subject_type: str, city: City, region: str, district: str | None) -> Subject:
        """A 分公司 (or 分所) registered in its own city, named after its parent."""
        rng = self.rng
        home = self.pools.big_cities.pick(rng)
        if home.code == city.code:
            home = self.pools.cities.pick(rng)
        parts = self.enterprise_parts(rng.choice(("city", "city_short", "bare")), agency=False)
        if subject_type == "agency":
            parts = OrgName(parts.style, parts.brand, "", self.pools.agency_forms.pick(rng))
        parent = self.org_name(parts, home, None)
        suffix = "分所" if parent.endswith(("事务所", "合伙）")) else "分公司"
        place_name = city.short if home.code != city.code else (district or city.short)
        name = f"{parent}{place_name}{suffix}"
        return Subject(
            subject_type, name, self.uscc("91", region, True), region, city, district,
            legal_representative=self.person_name(),
        )  # fmt: skip

    def former_names(
        self, parts: OrgName, city: City, district: str | None, name: str
    ) -> tuple[str, ...]:
        """曾用名 for about one organization in ten: one part of the name changed."""
        rng = self.rng
        if rng.random() >= FORMER_NAME_SHARE:
            return ()
        names: list[str] = []
        for _ in range(1 if rng.random() < 0.85 else 2):
            change = rng.randrange(4)
            old = OrgName(
                rng.choice(("city", "city_short", "bare")) if change == 0 else parts.style,
                self.pools.brands.pick(rng) if change == 1 else parts.brand,
                self.pools.industries.pick(rng) if change == 2 and parts.middle else parts.middle,
                rng.choice(("有限公司", "有限责任公司", "商贸有限公司"))
                if change == 3 and parts.middle
                else parts.form,
            )
            former = self.org_name(old, city, district)
            if former != name and former not in names:
                names.append(former)
        return tuple(names)

    def other_org(self) -> Subject:
        """A 研究院, 协会, 服务中心, 律师事务所, 合作社 or 基金会."""
        rng = self.rng
        city = self.pools.cities.pick(rng)
        region, district = self.place(city, 0.4)
        ending, prefix = self.pools.other_orgs.pick(rng)
        ending = ending.format(field=rng.choice(_FIELDS), crop=rng.choice(_CROPS))
        brand = self.pools.brands.pick(rng)
        name = f"{city.prefix}{brand}{ending}"
        former: tuple[str, ...] = ()
        if rng.random() < FORMER_NAME_SHARE:
            former = (f"{city.prefix}{self.pools.brands.pick(rng)}{ending}",)
        return Subject(
            "other_org", name, self.uscc(prefix, region, rng.random() < 0.3), region, city,
            district, former_names=former if former != (name,) else (),
            legal_representative=self.person_name(),
        )  # fmt: skip

    # ----------------------------------------------------------------- records

    def record(self) -> Record:
        """One new record about a new or recently seen subject."""
        rng = self.rng
        subject = self.subject()
        kind, category, severity = self.classify(subject.subject_type)
        good = kind == "good_credit"
        window = self.window(kind, severity)
        year = int(self.day(window.decided)[:4])
        authority_kind = self.authority_pickers[
            "good_other" if good and category == "other" else category
        ].pick(rng)
        authority, decision_prefix, source_id = self.authority(authority_kind, subject)
        self.serial += 1
        record: Record = {
            "record_id": f"{source_id}-{'GC-' if good else ''}{year}-{self.serial:07d}",
            "kind": kind,
            "category": category,
        }
        if severity:
            record["severity"] = severity
        record.update(subject.fields)
        if subject.uscc is None or rng.random() < 0.4:
            record["region_code"] = subject.region_code
        record["reason"] = self.reason(kind, category, subject, year)
        _put(record, "legal_basis", self.legal_basis(kind, category))
        _put(record, "measures", self.measures(kind))
        record["authority"] = authority
        if not good or rng.random() < 0.4:
            record["decision_no"] = self.decision_no(decision_prefix, year, good)
        self.add_dates(record, window)
        _put(record, "source", self.source(authority))
        record["updated_at"] = self.timestamp(window.version)
        return record

    def classify(self, subject_type: str) -> tuple[str, str, str | None]:
        """Kind, category and severity, as likely for the subject's type."""
        rng = self.rng
        kind = self.kind_pickers[subject_type].pick(rng)
        if kind == "good_credit":
            return kind, self.good_pickers[subject_type].pick(rng), None
        category = self.dishonest_pickers[subject_type].pick(rng)
        return kind, category, self.severity(kind, category)

    def add_dates(self, record: Record, window: Dates) -> None:
        """decided_on, publish_from (often left to its default), publish_until, delisting."""
        decided = self.day(window.decided)
        record["decided_on"] = decided
        if window.start != window.decided or self.rng.random() < 0.5:
            record["publish_from"] = self.day(window.start)
        if window.until:
            record["publish_until"] = self.day(window.until)
        if window.delisted:
            record["delisted_on"] = self.day(window.delisted)
            record["delist_reason"] = window.delist_reason

    def day(self, ordinal: int) -> str:
        """`YYYY-MM-DD` of a day ordinal (cached: a feed spans a few thousand days)."""
        text = self.days.get(ordinal)
        if text is None:
            text = self.days[ordinal] = date.fromordinal(ordinal).isoformat()
        return text

    def severity(self, kind: str, category: str) -> str:
        """Serious for the serious list; otherwise mostly general."""
        if kind == "serious_list":
            return "serious"
        draw = self.rng.random()
        if category == "intentional_infringement":
            draw += 0.2
        return "minor" if draw < 0.3 else "general" if draw < 0.8 else "serious"

    def period_months(self, kind: str, severity: str | None) -> int:
        """Publication period by DESIGN's usual periods; 0 means open-ended."""
        rng = self.rng
        if kind == "serious_list":
            return 36 if rng.random() < 0.7 else rng.choice((12, 18, 24, 36))
        if severity == "minor":
            return rng.choice((1, 2, 3, 3))
        if severity == "general":
            return rng.choice((3, 6, 6, 12, 12, 12))
        if severity == "serious":
            return rng.choice((12, 24, 36, 36))
        return rng.choice((12, 24, 36, 36))

    def window(self, kind: str, severity: str | None) -> Dates:
        """Dates relative to today: current, expired, scheduled, delisted or open-ended."""
        rng, today = self.rng, self.today_ord
        good = kind == "good_credit"
        status = (self.good_status if good else self.dishonest_status).pick(rng)
        if status == "open":
            start = today - rng.randint(0, 5 * 365)
            decided = start - self.lag()
            return Dates(decided, start, 0, 0, None, decided)
        months = self.period_months(kind, severity)
        span = 28 * months
        least = min(span - 1, 365 if kind == "serious_list" else 7 * months)
        delisted, reason = 0, None
        if status == "current":
            start = today - rng.randrange(span)
        elif status == "expired":
            start = today - rng.randint(1, 1200) - 31 * months
        elif status == "scheduled":
            start = today + rng.randint(1, 45)
        else:
            delisted = (
                today + rng.randint(1, 90)
                if status == "delisting"
                else today - (rng.randint(0, 700))
            )
            start = delisted - rng.randint(least, span - 1)
            reason = self.delist_reason(kind, status)
        until = self.period_end(start, months)
        decided = start - self.lag() if start <= today else min(today, start - rng.randint(3, 30))
        version = decided
        if delisted:
            version = delisted if delisted <= today else max(decided, today - rng.randint(0, 30))
        return Dates(decided, start, until, delisted, reason, version)

    def period_end(self, start: int, months: int) -> int:
        """The last day of a period of `months` from `start` (cached per pair)."""
        key = start * 64 + months
        end = self.ends.get(key)
        if end is None:
            end = self.ends[key] = add_months(date.fromordinal(start), months).toordinal() - 1
        return end

    def lag(self) -> int:
        """Days between decision and first publication: usually none."""
        return 0 if self.rng.random() < 0.65 else self.rng.randint(1, 10)

    def delist_reason(self, kind: str, status: str) -> str:
        """Why a record stops being published before its end."""
        rng = self.rng
        if kind == "good_credit":
            return rng.choice(("revoked", "corrected"))
        if status == "repaired":
            return "repaired"
        if kind == "serious_list":
            return rng.choice(("removed_early", "removed_early", "revoked", "corrected"))
        return rng.choice(("revoked", "corrected", "repaired"))

    def authority(self, which: str, subject: Subject) -> tuple[str, str, str]:
        """(authority name, decision number prefix, record id prefix) near the subject."""
        city = subject.city
        if which == "cnipa":
            return "国家知识产权局", "国知处字", "CNIPA"
        if which == "prov_ip":
            return f"{city.province}知识产权局", f"{city.abbr}知处字", f"{city.iso}IPA"
        if which == "prov_samr":
            return f"{city.province}市场监督管理局", f"{city.abbr}市监处字", f"{city.iso}AMR"
        local, short = city.name, city.short
        if city.municipality and subject.district:
            local = city.name + subject.district
            short = city.abbr + subject.district.rstrip("区县")
        code = f"{city.iso}{subject.region_code[2:4]}"
        if which == "city_ip":
            return f"{local}知识产权局", f"{short}知处字", f"{code}IPA"
        return f"{local}市场监督管理局", f"{short}市监罚字", f"{code}AMR"

    def decision_no(self, prefix: str, year: int, good: bool) -> str:
        """`粤知处字〔2025〕15号`, numbered per authority and year."""
        if good:
            prefix = prefix.replace("处字", "发字").replace("罚字", "发字")
        key = f"{prefix}{year}"
        number = self.decision_counters.get(key, 0) + 1
        self.decision_counters[key] = number
        return f"{prefix}〔{year}〕{number}号"

    def reason(self, kind: str, category: str, subject: Subject, year: int) -> str:
        """列入事由 / 激励事由 from the category's templates."""
        rng = self.rng
        good = kind == "good_credit"
        if good:
            templates = _GOOD_REASONS[category]
        elif subject.subject_type == "agency" and category in _AGENCY_REASONS:
            templates = _AGENCY_REASONS[category]
        else:
            templates = _DISHONEST_REASONS[category]
        slots = Slots(
            rng,
            _MAKERS,
            {
                "year": str(year - 1 if good else year),
                "province": subject.city.province,
                "province_short": subject.city.province_short,
            },
        )
        text = rng.choice(templates).format_map(slots)
        if kind == "serious_list" and rng.random() < 0.6:
            text = text.rstrip("。") + "，依法列入严重违法失信名单。"
        if subject.id_number and not good and rng.random() < 0.45:
            text = text.rstrip("。") + self.contact_note(subject) + "。"
        return text

    def contact_note(self, subject: Subject) -> str:
        """Personal numbers inside the text, as some sources publish them (masked later)."""
        shape = self.rng.randrange(3)
        if shape == 0:
            return f"（身份证号{subject.id_number}，联系电话{subject.mobile}）"
        if shape == 1:
            return f"（当事人{subject.name}，公民身份号码{subject.id_number}）"
        return f"，当事人{subject.name}（联系电话：{subject.mobile}）"

    def legal_basis(self, kind: str, category: str) -> str | None:
        """认定依据, sometimes absent."""
        rng = self.rng
        if rng.random() < 0.15:
            return None
        if kind == "good_credit":
            return rng.choice(_GOOD_BASES[category])
        basis = rng.choice(_BASES[category])
        return f"{basis}；{_SERIOUS_BASIS}" if kind == "serious_list" else basis

    def measures(self, kind: str) -> list[str] | None:
        """惩戒或激励措施: a few from the kind's list, sometimes none."""
        return list(self.rng.choice(self.pools.measures[kind])) or None

    def source(self, authority: str) -> str | None:
        """数据来源单位: the authority, or CNIPA's platform, or nothing."""
        draw = self.rng.random()
        if draw < 0.7:
            return authority
        return "国家知识产权局" if draw < 0.85 else None

    def timestamp(self, ordinal: int, late: bool = False) -> str:
        """RFC 3339 in China Standard Time during office hours (or late in the evening)."""
        rng = self.rng
        minute = rng.choice(_LATE_MINUTES if late else _OFFICE_MINUTES)
        return f"{self.day(ordinal)}{minute}{rng.choice(_SECONDS)}"

    def newer_than(self, stamp: str) -> str:
        """A timestamp after `stamp` (an office-hours one), not after today."""
        base = date.fromisoformat(stamp[:10]).toordinal()
        if base >= self.today_ord:
            return self.timestamp(base, late=True)
        return self.timestamp(min(self.today_ord, base + self.rng.randint(1, 60)))

    def updated(self, record: Record) -> Record:
        """A newer version of a record: repaired when it can be, otherwise corrected."""
        rng = self.rng
        stamp = str(record["updated_at"])
        start = date.fromisoformat(str(record.get("publish_from", record["decided_on"])))
        newer = dict(record)
        if (
            record["kind"] != "good_credit"
            and "delisted_on" not in record
            and start.toordinal() < self.today_ord
            and stamp[:10] <= start.isoformat()
        ):
            until = date.fromisoformat(str(record["publish_until"])).toordinal()
            first = start.toordinal() + 1
            day = rng.randint(first, max(first, min(self.today_ord, until)))
            newer["delisted_on"] = self.day(day)
            newer["delist_reason"] = "repaired"
            newer["updated_at"] = self.timestamp(day)
        else:
            self.correct(newer)
            newer["updated_at"] = self.newer_than(stamp)
        return {key: newer[key] for key in _LINE_ORDER if key in newer}

    def correct(self, record: Record) -> None:
        """An information correction: a noted reason or a revised list of measures."""
        if record["kind"] != "good_credit" and self.rng.random() < 0.5:
            record["reason"] = str(record["reason"]).rstrip("。") + "（经复核更正部分认定事实）。"
            return
        measures = self.measures(str(record["kind"]))
        if measures and measures != record.get("measures"):
            record["measures"] = measures
        else:
            record["legal_basis"] = "《知识产权信用管理规定》"

    # ----------------------------------------------------------------- cases

    def cases(self, count: int) -> Iterator[Record]:
        """`count` typical cases; the first ones go through every case type in turn."""
        types = list(_CASES)
        for index in range(count):
            case_type = types[index] if index < len(types) else self.rng.choice(types)
            yield self.case(index + 1, case_type)

    def case(self, number: int, case_type: str) -> Record:
        """One typical case with facts, handling and significance composed from pieces."""
        rng = self.rng
        texts = _CASES[case_type]
        city = self.pools.cities.pick(rng)
        published = date.fromordinal(self.today_ord - rng.randint(0, 5 * 365))
        year = published.year - rng.randint(1, 2)
        slots = Slots(rng, _MAKERS, self.case_values(texts, city, year, published.year))
        publishers = self.publishers(slots["authority"], city)
        case_id = f"CASE-{published.year}-{number:05d}"
        values: Record = {
            "kind": "case",
            "case_id": case_id,
            "title": rng.choice(texts.titles).format_map(slots),
            "publishers": publishers,
            "published_on": published.isoformat(),
            "case_type": case_type,
            "region_code": city.code,
            "summary": rng.choice(texts.summaries).format_map(slots),
            "facts": self.compose(texts.facts, slots),
            "handling": self.compose(texts.handling, slots) + rng.choice(_HANDLING_TAILS),
            "significance": self.compose(texts.significance, slots),
            "legal_basis": "；".join(rng.sample(texts.bases, rng.randint(1, len(texts.bases)))),
            "tags": rng.sample(texts.tags, rng.randint(2, min(4, len(texts.tags)))),
            "related_record_ids": self.related(texts.links, published.isoformat()),
            "source_url": f"https://example.org/cases/{case_id.lower()}",
            "updated_at": self.timestamp(published.toordinal()),
        }
        return {key: value for key, value in values.items() if value}

    def case_values(self, texts: CaseTexts, city: City, year: int, last: int) -> dict[str, str]:
        """The fixed slots of one case: who, where, when, which authority."""
        rng = self.rng
        actor, short, pronoun = self.case_actor(rng.choice(texts.actors), city)
        which = rng.choice(texts.authorities)
        subject = Subject("enterprise", actor, None, city.code, city, None)
        authority = self.authority(which, subject)[0]
        return {
            "city": city.short,
            "actor": actor,
            "actor_short": short,
            "pron": pronoun,
            "authority": authority,
            "year": str(year),
            "year0": str(year - rng.randint(1, 4)),
            "year2": str(min(year + 1, last)),
            "period": rng.choice(("六个月", "一年", "一年", "两年", "三年")),
            "owner": f"某{self.pools.industries.pick(rng)}{rng.choice(_FORMS[:3])[0]}",
        }

    def case_actor(self, shape: str, city: City) -> tuple[str, str, str]:
        """A party named the way published cases name it: (full, short, pronoun)."""
        rng = self.rng
        if shape == "agency":
            form = rng.choice(("知识产权代理有限公司", "专利代理事务所", "商标代理有限公司"))
            return f"{city.short}某某{form}", "某代理机构", "该机构"
        if shape == "person":
            name = self.pools.surnames.pick(rng) + "某"
            return f"自然人{name}", name, "当事人"
        if shape == "shop":
            product = rng.choice(_PRODUCTS)
            return f"{city.short}某{product}商行", f"某{product}商行", "该商行"
        if shape == "org":
            return f"{city.short}某{rng.choice(_FIELDS)}研究院", "某研究院", "该单位"
        industry = self.pools.industries.pick(rng)
        return f"{city.short}某某{industry}有限公司", f"某{industry}公司", "该公司"

    def publishers(self, authority: str, city: City) -> list[str]:
        """Who published the case: the deciding authority, sometimes with others."""
        rng = self.rng
        publishers = [authority]
        extra = rng.random()
        if extra < 0.3 and authority != "国家知识产权局":
            publishers.append("国家知识产权局")
        elif extra < 0.45:
            publishers.append(f"{city.province}知识产权局")
        elif extra < 0.55:
            publishers.append("国家市场监督管理总局")
        return list(dict.fromkeys(publishers))

    def compose(self, stages: Sequence[Sequence[str]], slots: Slots) -> str:
        """One piece from each stage (empty pieces skip the stage), filled in."""
        return "".join(self.rng.choice(stage) for stage in stages).format_map(slots)

    def related(self, categories: Sequence[str], published: str) -> list[str]:
        """Up to three ids of generated records of the case's categories decided before it."""
        rng = self.rng
        pool = [
            record_id
            for category in categories
            for decided, record_id in self.links.get(category, ())
            if decided <= published
        ]
        if not pool or rng.random() < 0.25:
            return []
        return rng.sample(pool, min(len(pool), rng.randint(1, 3)))


def _put(record: Record, key: str, value: object) -> None:
    """Set an optional field only when it has a value."""
    if value:
        record[key] = value


# --------------------------------------------------------------------------- case texts


@dataclass(frozen=True, slots=True)
class CaseTexts:
    """The templates of one case type."""

    titles: tuple[str, ...]
    summaries: tuple[str, ...]
    actors: tuple[str, ...]
    authorities: tuple[str, ...]
    facts: tuple[tuple[str, ...], ...]
    handling: tuple[tuple[str, ...], ...]
    significance: tuple[tuple[str, ...], ...]
    bases: tuple[str, ...]
    tags: tuple[str, ...]
    links: tuple[str, ...]


_HANDLING_TAILS: Final = (
    "",
    "相关信息已推送至全国信用信息共享平台。",
    "相关信息已通过国家企业信用信息公示系统和“信用中国”网站向社会公示。",
    "当事人未申请行政复议，也未提起行政诉讼。",
)
_SIGNIFICANCE_TAILS: Final = (
    "",
    "下一步，知识产权管理部门将持续加强信用监管，营造诚实守信的创新环境。",
    "案件办理过程中，执法部门注重证据固定和程序规范，为同类案件提供了参考。",
    "本案也提示广大经营主体依法诚信经营，切实尊重他人知识产权。",
)

_CASES: Final = {
    "abnormal_patent_application": CaseTexts(
        titles=(
            "{city}{actor_short}提交非正常专利申请被认定失信案",
            "{actor_short}批量提交非正常专利申请案",
            "某主体为骗取资助提交非正常专利申请被追回资助案",
        ),
        summaries=(
            "{actor_short}短期内提交大量非正常专利申请，被认定为失信行为并公示。",
            "为获取资助批量提交专利申请，资助被追回并实施信用惩戒。",
        ),
        actors=("company", "company", "person", "org"),
        authorities=("cnipa", "prov_ip", "city_ip"),
        facts=(
            (
                "{year}年{month}月至{year2}年{month2}月，{actor}先后提交专利申请{n}件，"
                "其中实用新型专利申请占比超过九成。",
                "{year}年，{actor}为获取地方专利资助，短期内集中提交专利申请{n}件。",
                "{year}年以来，{actor}以多个关联主体名义分散提交专利申请{n}件。",
            ),
            (
                "经审查，上述申请存在技术方案明显相同、简单拼凑现有技术等情形，被认定为非正常专利申请。",
                "审查发现，相关申请多为不同材料、组件的简单替换，说明书内容高度雷同。",
                "相关申请的发明人多为财务、行政人员，与申请的技术领域明显不符。",
            ),
            (
                "",
                "经通知后，{pron}仅主动撤回{k}件，其余申请未予撤回。",
                "{pron}在陈述意见中未能提供真实研发活动的证明。",
            ),
        ),
        handling=(
            (
                "{authority}依据《规范申请专利行为的规定》，对{actor}予以警告，"
                "并将其非正常专利申请行为认定为失信行为，公示期{period}。",
                "{authority}责令其限期改正，追回已发放的专利资助资金{money}万元，并认定为失信行为。",
                "{authority}对其予以通报批评，在专利审查中从严审查，取消其{year2}年度项目申报资格。",
            ),
        ),
        significance=(
            (
                "本案是打击非正常专利申请、推动专利工作从追求数量向提高质量转变的典型案例。",
                "非正常专利申请扰乱审查秩序、浪费公共资源，本案依法认定失信并实施分级分类监管，"
                "释放了从严监管的明确信号。",
                "本案通过信用监管与资助政策联动，切断了非正常申请的利益链条。",
            ),
            _SIGNIFICANCE_TAILS,
        ),
        bases=(
            "《规范申请专利行为的规定》第三条",
            "《知识产权信用管理规定》第六条",
            "《专利法》第二十条",
        ),
        tags=("非正常专利申请", "专利资助", "信用监管", "专利质量", "分级分类监管"),
        links=("abnormal_patent_application",),
    ),
    "malicious_trademark_registration": CaseTexts(
        titles=(
            "{city}{actor_short}恶意抢注“{tm}”商标案",
            "{actor_short}大量囤积商标被认定失信案",
            "某主体恶意抢注知名地名商标案",
        ),
        summaries=(
            "{actor_short}不以使用为目的大量申请注册商标，被处罚并认定为失信行为。",
            "恶意抢注他人知名商标并兜售牟利，被依法惩戒。",
        ),
        actors=("company", "company", "person", "agency"),
        authorities=("cnipa", "prov_ip", "city_samr"),
        facts=(
            (
                "{year}年以来，{actor}在多个类别上申请注册商标{n}件，其中包括“{tm}”等与他人在先知名商标近似的标志。",
                "{actor}在{product}等商品上申请注册与知名品牌“{tm}”近似的商标，并通过网络平台兜售商标牟利。",
                "{year}年{month}月，{actor}集中申请注册知名地名、公众人物姓名等商标{n}件。",
            ),
            (
                "经查，{pron}并无相应的生产经营活动，不具有真实使用意图。",
                "上述申请大多被依法驳回或宣告无效，但{pron}仍持续提交新的申请。",
            ),
            ("", "权利人多次提出异议，涉案商标均未获准注册。"),
        ),
        handling=(
            (
                "{authority}依据《商标法》第四条、第六十八条，对其处以警告和罚款{money}万元，并认定为失信行为。",
                "商标局依法驳回其全部恶意申请，{authority}将其列入失信名单并在商标审查中从严审查。",
            ),
        ),
        significance=(
            (
                "本案明确了“不以使用为目的”恶意申请商标注册的认定标准，维护了公平竞争的市场秩序。",
                "打击商标恶意抢注和囤积，是净化商标注册环境、保护在先权利人合法权益的重要举措。",
            ),
            _SIGNIFICANCE_TAILS,
        ),
        bases=(
            "《商标法》第四条",
            "《商标法》第六十八条",
            "《规范商标申请注册行为若干规定》第三条",
        ),
        tags=("恶意商标注册", "商标囤积", "商标注册秩序", "信用惩戒"),
        links=("malicious_trademark_registration",),
    ),
    "illegal_agency": CaseTexts(
        titles=(
            "{city}某知识产权代理公司违法代理专利案",
            "某代理机构以“包授权”招揽业务被列入严重违法失信名单案",
            "{actor_short}无资质从事专利代理案",
        ),
        summaries=(
            "代理机构违规招揽业务并代理非正常专利申请，被处罚并列入严重违法失信名单。",
            "无资质从事专利代理业务，被责令停止并认定失信。",
        ),
        actors=("agency", "agency", "person", "company"),
        authorities=("cnipa", "prov_ip", "city_samr"),
        facts=(
            (
                "{year}年，{actor}在未取得专利代理机构执业许可证的情况下，对外承接专利代理业务{n}件。",
                "{actor}通过电话、网络广告以“包授权”“不成功全额退款”等承诺招揽客户，代理专利申请{n}件，"
                "收取代理费{money}万元。",
                "{actor}允许未取得专利代理师资格的人员以其名义执业，代理提交非正常专利申请{n}件。",
            ),
            (
                "",
                "执法人员现场检查时，{pron}无法提供有效的委托合同和代理师执业记录。",
                "多名委托人向主管部门投诉，反映申请被驳回后无法获得退款。",
            ),
        ),
        handling=(
            (
                "{authority}依据《专利代理条例》第二十五条，对其作出警告、罚款{money}万元的行政处罚，"
                "并列入严重违法失信名单。",
                "{authority}责令其停止违法行为，没收违法所得{money}万元，并认定为失信行为，公示期{period}。",
            ),
        ),
        significance=(
            (
                "本案有力整治了代理行业乱象，体现了对代理行业失信行为从严监管、跨部门联合惩戒的导向。",
                "代理机构是专利申请的“守门人”，本案提示代理机构严格依法执业、规范开展业务。",
            ),
            _SIGNIFICANCE_TAILS,
        ),
        bases=("《专利代理条例》第二十五条", "《专利代理条例》第二十七条", "《商标法》第六十八条"),
        tags=("代理行业", "无资质代理", "专利代理", "联合惩戒", "严重违法失信名单"),
        links=("illegal_agency",),
    ),
    "false_materials": CaseTexts(
        titles=(
            "{actor_short}申报项目提交虚假材料案",
            "{city}{actor_short}隐瞒重要事实办理质押登记案",
        ),
        summaries=(
            "申报项目时提交虚假材料，资助被撤销并认定为失信行为。",
            "{actor_short}隐瞒重要事实办理登记，被依法处理并公示。",
        ),
        actors=("company", "company", "org"),
        authorities=("prov_ip", "city_ip", "cnipa"),
        facts=(
            (
                "{year}年，{actor}在申报{program}时，提交了伪造的{doc}。",
                "{actor}在办理知识产权质押登记时，隐瞒涉案专利权已被宣告无效的重要事实。",
                "{year}年{month}月，{actor}申报知识产权示范企业时虚报研发投入{money}万元。",
            ),
            (
                "主管部门在专项核查中发现材料存在明显矛盾，经向出具单位核实确认系伪造。",
                "经第三方机构复核，{pron}申报的数据与实际情况严重不符。",
            ),
        ),
        handling=(
            (
                "{authority}撤销其相关资格，追回资金{money}万元，将其认定为失信行为并公示{period}。",
                "{authority}依法作出处理决定，三年内不再受理其同类项目申报。",
            ),
        ),
        significance=(
            (
                "本案体现了对弄虚作假行为“零容忍”的态度，维护了财政资金安全和政策公平。",
                "诚信申报是享受政策支持的前提，本案对同类行为具有警示作用。",
            ),
            _SIGNIFICANCE_TAILS,
        ),
        bases=("《知识产权信用管理规定》第六条", "《专利法实施细则》第十一条"),
        tags=("虚假材料", "资助项目", "诚信申报", "质押登记"),
        links=("false_materials",),
    ),
    "commitment_breach": CaseTexts(
        titles=("{actor_short}信用承诺不实被认定失信案", "{city}某主体未履行信用承诺案"),
        summaries=(
            "以告知承诺方式办理事项后未履行承诺，被认定为失信行为。",
            "{actor_short}承诺不实，相关办理结果被撤销。",
        ),
        actors=("company", "agency", "org"),
        authorities=("prov_ip", "city_ip"),
        facts=(
            (
                "{year}年{month}月，{actor}以告知承诺方式办理{matter}，承诺在{k}个月内补交{doc}。",
                "{actor}在办理{matter}时作出信用承诺，称已具备全部法定条件。",
            ),
            (
                "承诺期满后，{pron}未按承诺补交材料，经核查其承诺内容与实际情况不符。",
                "事后核查发现，{pron}作出承诺时并不具备相应条件。",
            ),
        ),
        handling=(
            (
                "{authority}依法撤销相关办理结果，将其信用承诺不实行为认定为失信行为，"
                "{period}内不再适用告知承诺制。",
                "{authority}认定其失信行为并公示；其后{pron}补交材料并申请信用修复，经审核通过后停止公示。",
            ),
        ),
        significance=(
            (
                "本案说明告知承诺制“承诺即办理”的便利以诚信为前提，不实承诺将付出信用代价。",
                "本案体现了信用修复机制鼓励失信主体主动纠错的导向。",
            ),
            _SIGNIFICANCE_TAILS,
        ),
        bases=("《知识产权信用管理规定》第六条",),
        tags=("信用承诺", "告知承诺制", "信用修复"),
        links=("commitment_breach",),
    ),
    "refusal_to_perform": CaseTexts(
        titles=(
            "{actor_short}拒不履行专利侵权纠纷行政裁决案",
            "{city}{actor_short}拒不履行行政处罚决定案",
        ),
        summaries=(
            "行政裁决生效后拒不停止侵权，被申请强制执行并认定失信。",
            "{actor_short}逾期不缴纳罚款，被列入失信名单。",
        ),
        actors=("company", "shop"),
        authorities=("city_samr", "prov_ip", "prov_samr"),
        facts=(
            (
                "{year}年，{authority}就一起专利侵权纠纷作出行政裁决，责令{actor}停止销售侵权{product}。",
                "{actor}因假冒专利被处以罚款{money}万元，逾期既未缴纳罚款，也未申请行政复议或提起行政诉讼。",
            ),
            (
                "裁决生效后，{pron}仍通过网店继续销售侵权产品，经执法人员两次督促仍未停止。",
                "经书面催告，{pron}仍拒不履行。",
            ),
        ),
        handling=(
            (
                "{authority}依法申请人民法院强制执行，并将其认定为失信行为，限制其参与评优评先和政府资金支持。",
                "{authority}将其列入失信名单，公示期{period}，并加处罚款。",
            ),
        ),
        significance=(
            (
                "本案表明拒不履行行政裁决、行政处罚将承担信用后果，维护了行政执法的权威。",
                "本案通过“行政裁决+信用惩戒”的方式，有效提升了专利行政保护的效果。",
            ),
            _SIGNIFICANCE_TAILS,
        ),
        bases=("《行政处罚法》第七十二条", "《知识产权信用管理规定》第六条"),
        tags=("行政裁决", "拒不履行", "强制执行", "专利侵权纠纷"),
        links=("refusal_to_perform",),
    ),
    "intentional_infringement": CaseTexts(
        titles=(
            "{city}{actor_short}重复侵犯“{tm}”商标专用权案",
            "{actor_short}故意侵犯发明专利权案",
            "某企业假冒他人专利被列入严重违法失信名单案",
        ),
        summaries=(
            "{actor_short}受处罚后再次侵权，被认定为故意侵权并列入严重违法失信名单。",
            "假冒他人专利、销售侵权产品，被从严处罚。",
        ),
        actors=("company", "company", "shop"),
        authorities=("city_samr", "prov_samr", "prov_ip"),
        facts=(
            (
                "{year}年，{actor}在生产的{product}上使用与“{tm}”注册商标相同的标识，"
                "被查获侵权商品{n}件，货值{money}万元。",
                "{actor}在{year0}年因侵犯同一专利权受过行政处罚后，再次制造、销售侵权{product}。",
                "{year}年{month}月，执法人员在{actor}仓库查获标注他人专利号的{product}{n}件。",
            ),
            (
                "",
                "经鉴定，涉案产品落入权利人专利权的保护范围。",
                "{pron}辩称不知道涉案产品侵权，但无法提供合法来源证明。",
            ),
        ),
        handling=(
            (
                "{authority}依法没收、销毁侵权商品，处以罚款{money}万元，并认定其为故意侵权、"
                "列入严重违法失信名单。",
                "{authority}责令其立即停止侵权，从重处以罚款，并将其故意侵权行为认定为失信行为，公示期{period}。",
            ),
        ),
        significance=(
            (
                "本案对重复侵权、故意侵权从严惩处，体现了知识产权严保护的政策导向。",
                "本案将行政处罚与信用惩戒有机结合，提高了侵权违法成本。",
            ),
            _SIGNIFICANCE_TAILS,
        ),
        bases=("《商标法》第六十条", "《专利法》第六十八条", "《知识产权信用管理规定》第六条"),
        tags=("故意侵权", "重复侵权", "商标专用权", "专利权保护", "严重违法失信名单"),
        links=("intentional_infringement",),
    ),
    "other": CaseTexts(
        titles=("{actor_short}冒用他人名义申请专利案", "{city}{actor_short}妨碍知识产权执法检查案"),
        summaries=(
            "冒用他人名义提交专利申请，被认定为失信行为。",
            "{actor_short}拒绝配合执法检查，被依法处理。",
        ),
        actors=("company", "person", "agency"),
        authorities=("cnipa", "prov_ip", "city_samr"),
        facts=(
            (
                "{year}年，{actor}未经他人同意，冒用其名义提交专利申请{n}件。",
                "{year}年{month}月，执法人员依法对{actor}开展检查，{pron}拒绝提供有关资料并阻挠检查。",
                "{actor}伪造专利授权文件用于产品宣传，涉及产品{k}种。",
            ),
            ("", "权利人发现后向主管部门举报。", "经调查核实，相关事实清楚、证据确凿。"),
        ),
        handling=(
            (
                "{authority}依法作出处理决定，并将其认定为失信行为，公示期{period}。",
                "{authority}予以警告并责令改正，相关行为记入信用档案。",
            ),
        ),
        significance=(
            (
                "本案提示市场主体依法开展知识产权活动，任何弄虚作假、妨碍执法的行为都将受到惩戒。",
                "本案丰富了知识产权领域失信行为的认定实践。",
            ),
            _SIGNIFICANCE_TAILS,
        ),
        bases=("《知识产权信用管理规定》第六条",),
        tags=("其他失信行为", "执法检查", "信用档案"),
        links=("other",),
    ),
    "fair_infringement": CaseTexts(
        titles=(
            "第{session}届{city}某{expo}专利侵权投诉处理案",
            "{city}某展会参展商展出侵权{product}被责令撤展案",
            "某{expo}期间快速处理专利侵权投诉案",
        ),
        summaries=(
            "展会期间参展商展出涉嫌侵权展品，经投诉机构处理后撤展。",
            "展会知识产权快速处理机制在现场及时制止侵权行为。",
        ),
        actors=("company", "company", "shop"),
        authorities=("prov_ip", "city_samr", "city_ip"),
        facts=(
            (
                "{year}年{month}月，在{city}举办的第{session}届{expo}期间，{owner}向展会知识产权投诉机构投诉称，"
                "{actor}展出的{product}涉嫌侵犯其{ip}。",
                "{year}年{expo}开幕首日，权利人{owner}发现{actor}展位展出的{product}与其专利产品高度近似。",
            ),
            (
                "投诉机构会同技术调查官现场比对，认定被诉展品落入涉案专利权利要求的保护范围。",
                "经核查，投诉人提交的权属证明和比对材料齐全有效。",
            ),
            ("", "{pron}在开展前曾签署知识产权保护承诺书。", "同一展位上一届展会期间曾被投诉。"),
        ),
        handling=(
            (
                "依据《展会知识产权保护办法》，展会主办方责令{pron}撤下涉嫌侵权展品{k}件并遮盖相关宣传资料，"
                "{authority}将处理情况记入其信用档案。",
                "{pron}当场撤展，主办方取消其下一届参展资格，{authority}跟进调查。",
            ),
        ),
        significance=(
            (
                "本案展现了展会知识产权快速处理机制的效率，从投诉到撤展不足一日。",
                "展会是侵权行为的高发场所，本案为主办方建立参展商信用审查和快速处置机制提供了示范。",
            ),
            _SIGNIFICANCE_TAILS,
        ),
        bases=(
            "《展会知识产权保护办法》第十条",
            "《专利法》第十一条",
            "《知识产权信用管理规定》第六条",
        ),
        tags=("展会保护", "快速维权", "参展商", "撤展", "展会知识产权"),
        links=("intentional_infringement",),
    ),
}


# --------------------------------------------------------------------------- public API


def _open_for_writing(path: Path) -> gzip.GzipFile | io.BufferedWriter:
    """A binary file, gzip-compressed when the name ends with `.gz`."""
    if path.name.endswith(".gz"):
        return gzip.open(path, "wb", compresslevel=3)
    return path.open("wb")


def generate_feed_lines(
    records: int, cases: int = 0, seed: int = 0, today: date | None = None
) -> Iterator[dict[str, object]]:
    """Yield feed objects (records first, then cases).

    Deterministic for (records, cases, seed, today); `today` defaults to
    `credit.clock.today()` and every window is placed relative to it.

    Besides the `records` distinct records, about 2% of them get a newer version
    later in the stream and about 1% a withdrawal line.
    """
    builder = FeedBuilder(Random(seed), today or clock.today())
    yield from builder.records(records)
    yield from builder.cases(cases)


def write_feed(
    path: Path, records: int, cases: int = 0, seed: int = 0, today: date | None = None
) -> int:
    """Write JSONL (gzip when path ends with .gz), one object per line; return lines written."""
    lines = 0
    batch: list[bytes] = []
    with _open_for_writing(path) as out:
        for item in generate_feed_lines(records, cases, seed, today):
            batch.append(orjson.dumps(item))
            if len(batch) >= 4096:
                out.write(b"\n".join(batch) + b"\n")
                lines += len(batch)
                batch.clear()
        if batch:
            out.write(b"\n".join(batch) + b"\n")
            lines += len(batch)
    return lines
