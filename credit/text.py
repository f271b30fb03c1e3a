"""The text layer both search engines share (DESIGN "Search behaviour").

Normalization (full-width → half-width, traditional → simplified, lower case,
one bracket form), jieba segmentation for indexing and for queries, character
bigrams of names, and the pinyin of names with the query-side helpers that
tell a pinyin query (`shenzhen`) from an initials query (`szmm`).

jieba gets a user dictionary of region names and of the organization and
credit-register words, loaded once per process on the first segmentation
(`warm_up` forces it, e.g. in a process-pool initializer).
"""

from __future__ import annotations

import csv
import logging
import re
import sys
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache, lru_cache, wraps
from importlib import resources
from math import inf, log
from typing import Protocol, cast

import jieba
import jieba.finalseg
from opencc import OpenCC
from pypinyin import Style, lazy_pinyin

__all__ = [
    "char_sounds",
    "is_initials_query",
    "name_bigrams",
    "normalize",
    "normalize_name",
    "pinyin_initials",
    "pinyin_syllables",
    "segment_for_index",
    "segment_for_query",
    "spellings",
    "split_pinyin",
    "warm_up",
    "with_region_levels",
]

# --- normalization -------------------------------------------------------------------------------

_BRACKETS = str.maketrans(
    {
        "【": "(",
        "】": ")",
        "〔": "(",
        "〕": ")",
        "〖": "(",
        "〗": ")",
        "[": "(",
        "]": ")",
        "{": "(",
        "}": ")",
        "⦅": "(",
        "⦆": ")",
    }
)
_WHITESPACE = re.compile(r"\s+")
_INVISIBLE = re.compile(r"[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2060\ufeff]")


class _Converter(Protocol):
    def convert(self, text: str) -> str: ...


@cache
def _t2s() -> _Converter:
    """OpenCC's traditional → simplified converter (its tables are read once)."""
    return cast(_Converter, OpenCC("t2s"))


@cache
def _t2s_triggers() -> frozenset[str] | None:
    """The characters without which OpenCC t2s leaves a text unchanged; None if unknown.

    OpenCC's pure-Python conversion costs about a microsecond a character, and most
    input is simplified already: a text holding none of these characters is skipped.
    A character is a trigger where some key of the t2s tables differs from its value.
    """
    try:
        tables = resources.files("opencc").joinpath("dictionary")
        lines = [
            line
            for name in ("TSPhrases.txt", "TSCharacters.txt")
            for line in tables.joinpath(name).read_text(encoding="utf-8").splitlines()
        ]
    except (OSError, ModuleNotFoundError):
        return None
    triggers: set[str] = set()
    for line in lines:
        key, _, values = line.partition("\t")
        value = values.split(" ")[0]
        if len(key) != len(value):
            triggers.update(key)
        else:
            triggers.update(k for k, v in zip(key, value, strict=True) if k != v)
    return frozenset(triggers)


def _to_simplified(text: str) -> str:
    """OpenCC t2s, skipped when the text cannot change."""
    triggers = _t2s_triggers()
    if triggers is not None and triggers.isdisjoint(text):
        return text
    return _t2s().convert(text)


def spellings(value: str) -> tuple[str, ...]:
    """A value as written and in simplified characters (`專利質量` → both it and
    `专利质量`): what an exact filter on a stored label matches."""
    return tuple(dict.fromkeys((value, _to_simplified(value))))


_SHORT_TEXT = 200


def cached_when_short(
    maxsize: int = 32_768,
) -> Callable[[Callable[[str], str]], Callable[[str], str]]:
    """A decorator: `function` with its answers for texts up to `_SHORT_TEXT` characters
    (names, authorities, queries, reasons) cached, `maxsize` of them: a register names the
    same subjects and authorities in many records. Longer texts are computed each time."""

    def decorate(function: Callable[[str], str]) -> Callable[[str], str]:
        cached = lru_cache(maxsize=maxsize)(function)

        @wraps(function)
        def answer(text: str) -> str:
            return cached(text) if len(text) <= _SHORT_TEXT else function(text)

        return answer

    return decorate


@cached_when_short()
def normalize(text: str) -> str:
    """NFKC, traditional → simplified, lower case, brackets as `( )`, single spaces, stripped.

    `"ＡＢＣ　東莞市（長安）"` → `"abc 东莞市(长安)"`.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = _to_simplified(text).lower().translate(_BRACKETS)
    return _WHITESPACE.sub(" ", text).strip()


@lru_cache(maxsize=65_536)
def _is_word_char(char: str) -> bool:
    """Letters, digits and combining marks; not spaces, punctuation or symbols."""
    return unicodedata.category(char)[0] in "LNM"


@cached_when_short()
def normalize_name(text: str) -> str:
    """`normalize`, then only letters and digits: spaces, brackets, punctuation dropped.

    `"東莞市（長安）精工模具有限公司"` → `"东莞市长安精工模具有限公司"`.
    """
    return "".join(filter(_is_word_char, normalize(text)))


# --- jieba and its user dictionary ---------------------------------------------------------------

# Organization forms and the words of a credit register, kept whole by jieba.
_TERMS = (
    "有限公司",
    "有限责任公司",
    "股份有限公司",
    "股份公司",
    "分公司",
    "子公司",
    "总公司",
    "集团公司",
    "集团有限公司",
    "合伙企业",
    "有限合伙",
    "普通合伙",
    "特殊普通合伙",
    "个人独资企业",
    "个体工商户",
    "专业合作社",
    "经营部",
    "工作室",
    "知识产权代理",
    "专利代理",
    "商标代理",
    "代理有限公司",
    "代理机构",
    "专利代理机构",
    "商标代理机构",
    "专利代理师",
    "事务所",
    "律师事务所",
    "专利事务所",
    "商标事务所",
    "会计师事务所",
    "研究院",
    "研究所",
    "集团",
    "科技",
    "贸易",
    "商贸",
    "实业",
    "控股",
    "知识产权",
    "知识产权局",
    "国家知识产权局",
    "商标局",
    "专利局",
    "市场监督管理局",
    "市场监管局",
    "严重违法失信名单",
    "严重违法失信",
    "失信名单",
    "失信行为",
    "失信主体",
    "守信激励",
    "信用修复",
    "信用承诺",
    "诚信典型",
    "非正常专利申请",
    "恶意商标注册",
    "恶意商标注册申请",
    "商标注册申请",
    "虚假材料",
    "行政处罚",
    "行政裁决",
    "行政处罚决定书",
    "统一社会信用代码",
    "故意侵犯",
    "侵犯知识产权",
    "展会",
    "示范企业",
    "优势企业",
    "中国专利奖",
)
_TERM_FREQ = 20_000
_REGION_FREQ = 2_000
_REGION_SHORT_FREQ = 1_000

# The suffixes a region name loses in its short form, longest first.
_REGION_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "新区",
    "林区",
    "矿区",
    "特区",
    "省",
    "市",
    "区",
    "县",
    "盟",
)
# The 55 minority nationalities, to shorten 黔东南苗族侗族自治州 to 黔东南.
_NATIONALITY_LIST = """
蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山
拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米
塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺
"""
_NATIONALITIES = _NATIONALITY_LIST.split()
_TRAILING_NATIONALITY = re.compile(
    "(?:{multi})族?$|(?:{single})族$".format(
        multi="|".join(sorted((n for n in _NATIONALITIES if len(n) > 1), key=len, reverse=True)),
        single="|".join(n for n in _NATIONALITIES if len(n) == 1),
    )
)
_NOT_A_PLACE_NAME = re.compile(r"[^\u4e00-\u9fff]|行政区划$|海域$")


def _region_names() -> list[str]:
    """The names in `data/regions.csv` (province, prefecture and county levels)."""
    text = resources.files("credit").joinpath("data/regions.csv").read_text(encoding="utf-8")
    return [row["name"] for row in csv.DictReader(text.splitlines())]


def _short_forms(name: str) -> list[str]:
    """`广东省` → `["广东"]`; `黔东南苗族侗族自治州` → `["黔东南苗族侗族", "黔东南"]`.

    A short form keeps at least two characters and does not start with a level
    word (`市中区` gives no `市中`, which would split `市中级人民法院`).
    """
    suffix = next((s for s in _REGION_SUFFIXES if name.endswith(s)), "")
    rest = name[: len(name) - len(suffix)]
    if not suffix or len(rest) < 2 or rest[0] in "省市区县":
        return []
    forms = [rest]
    if suffix.startswith("自治"):
        while (match := _TRAILING_NATIONALITY.search(rest)) and match.start() >= 2:
            rest = rest[: match.start()]
        if rest != forms[0]:
            forms.append(rest)
    return forms


def _user_words() -> dict[str, int]:
    """The user dictionary: each word with the least frequency it gets."""
    words: dict[str, int] = {}
    for name in _region_names():
        if _NOT_A_PLACE_NAME.search(name):
            continue
        words[name] = max(words.get(name, 0), _REGION_FREQ)
        for short in _short_forms(name):
            words[short] = max(words.get(short, 0), _REGION_SHORT_FREQ)
    for term in _TERMS:
        words[term] = _TERM_FREQ
    return words


def kept_whole(token: str) -> bool:
    """True for the user dictionary's organisation and credit terms (`有限公司`, …).

    jieba keeps them whole, and index-side segmentation also emits them from inside
    longer words, so every text containing one has it as a token.
    """
    return token in _TERM_SET


_TERM_SET = frozenset(_TERMS)


class _Tokenizer(Protocol):
    FREQ: dict[str, int]

    def initialize(self) -> None: ...

    total: int

    def add_word(self, word: str, freq: int | None = None) -> None: ...

    def cut(self, sentence: str, cut_all: bool = False, HMM: bool = True) -> Iterator[str]: ...


_jieba_lock = threading.Lock()
_tokenizer: _Tokenizer | None = None


def _build_tokenizer() -> _Tokenizer:
    """A jieba tokenizer over the default dictionary (and its cache) plus the user words."""
    jieba.setLogLevel(logging.WARNING)
    tokenizer = cast(_Tokenizer, jieba.Tokenizer())
    tokenizer.initialize()
    for word, freq in _user_words().items():
        if tokenizer.FREQ.get(word, 0) < freq:
            tokenizer.add_word(word, freq)
    return tokenizer


def _jieba() -> _Tokenizer:
    """The process's tokenizer, built on first use (thread-safe)."""
    global _tokenizer
    tokenizer = _tokenizer
    if tokenizer is None:
        with _jieba_lock:
            if _tokenizer is None:
                _tokenizer = _build_tokenizer()
            tokenizer = _tokenizer
    return tokenizer


def warm_up() -> None:
    """Load jieba's dictionary, the user words, OpenCC's tables and the pinyin of region
    names now, not on first use."""
    _jieba()
    _t2s()
    _t2s_triggers()
    _region_levels()


def _is_token(token: str) -> bool:
    """A token holds at least one letter or digit (no spaces, no lone punctuation)."""
    return any(map(_is_word_char, token))


_HAN_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def _search_mode(tokenizer: _Tokenizer, words: Iterable[str]) -> Iterator[str]:
    """jieba's search mode: each dictionary word inside a word, then the word itself.

    Like `cut_for_search`, but the inner words may be longer than three characters
    (`股份有限公司` also gives `有限公司`), and a Han word that is not in the
    dictionary (HMM guessed it) also gives its characters: the query side may not
    guess the same word (`…仍以原机构名义` indexes `以原`, the query `原机构` asks `原`).
    """
    freq = tokenizer.FREQ
    for word in words:
        for size in range(2, len(word)):
            for start in range(len(word) - size + 1):
                inner = word[start : start + size]
                if freq.get(inner):
                    yield inner
        if len(word) > 1 and not freq.get(word) and _HAN_WORD.fullmatch(word):
            yield from word  # a word jieba guessed (HMM): `以原` is `以` `原` to a query
        yield word


# jieba cuts a text block by block: runs of Han characters, letters and digits (its
# `re_han_default`) through the dictionary, the rest character by character (whitespace
# runs whole). A block's words depend on the block alone, so they are cached per block:
# registers repeat the same clauses (`依法列入严重违法失信名单`) in many records.
_JIEBA_BLOCK: re.Pattern[str] = jieba.re_han_default
_JIEBA_SKIP: re.Pattern[str] = jieba.re_skip_default
_JIEBA_LETTER: re.Pattern[str] = jieba.re_eng
_BLOCK_CACHE = 65_536


def _other_words(block: str) -> Iterator[str]:
    """jieba's words of a block outside `re_han_default`: whitespace whole, the rest by
    character."""
    for piece in _JIEBA_SKIP.split(block):
        if _JIEBA_SKIP.match(piece):
            yield piece
        else:
            yield from piece


def _blocks(text: str) -> Iterator[tuple[bool, str]]:
    """jieba's blocks of a text, each with whether it goes through the dictionary."""
    for block in _JIEBA_BLOCK.split(text):
        if block:
            yield bool(_JIEBA_BLOCK.match(block)), block


def _cut(text: str, hmm: bool) -> Iterator[str]:
    """`jieba.cut(text, HMM=hmm)` of the process's tokenizer: the same words, cached per block."""
    for in_dictionary, block in _blocks(text):
        yield from _cut_block(block, hmm) if in_dictionary else _other_words(block)


@lru_cache(maxsize=_BLOCK_CACHE)
def _cut_block(block: str, hmm: bool) -> tuple[str, ...]:
    """`jieba.cut(block, HMM=hmm)` of one dictionary block, from its best route."""
    words = _route_words(block)
    cut = _guessed(words, _jieba().FREQ) if hmm else _letters_joined(words)
    return tuple(map(sys.intern, cut))


@lru_cache(maxsize=1_024)
def _route_words(block: str) -> tuple[str, ...]:
    """The words of jieba's most probable route through a block (its dictionary alone).

    Both of jieba's cuts start from this route; it is computed once for the index side's
    two cuts of a name (with HMM for its tokens, without for its pinyin). The route is
    jieba's own (`get_DAG` then `calc`: the same candidates, scores and ties), found in
    one pass from the end of the block.
    """
    tokenizer = _jieba()
    lookup = tokenizer.FREQ.get
    log_total = log(tokenizer.total)
    size = len(block)
    score = [0.0] * (size + 1)  # the best route's log probability from each position on
    last = list(range(size + 1))  # where the first word of that route ends
    for start in range(size - 1, -1, -1):
        best, best_end = -inf, start
        end = start
        count = lookup(block[start])
        while count is not None:  # every dictionary word starting here (prefixes are in it)
            if count:
                value = log(count) - log_total + score[end + 1]
                if value >= best:  # on a tie the longer word, as jieba's max of (score, end)
                    best, best_end = value, end
            end += 1
            if end == size:
                break
            count = lookup(block[start : end + 1])
        if best == -inf:  # no word: the character alone
            best = log(lookup(block[start]) or 1) - log_total + score[start + 1]
        score[start], last[start] = best, best_end
    words: list[str] = []
    start = 0
    while start < size:
        end = last[start] + 1
        words.append(block[start:end])
        start = end
    return tuple(words)


def _letters_joined(words: Iterable[str]) -> Iterator[str]:
    """jieba's cut without HMM: the route, single letters and digits joined into runs."""
    run = ""
    for word in words:
        if len(word) == 1 and _JIEBA_LETTER.match(word):
            run += word
            continue
        if run:
            yield run
            run = ""
        yield word
    if run:
        yield run


def _guessed(words: Iterable[str], freq: dict[str, int]) -> Iterator[str]:
    """jieba's cut with HMM: the route, each run of single characters that is not a word
    re-cut by the HMM (`finalseg`)."""
    run = ""
    for word in words:
        if len(word) == 1:
            run += word
            continue
        yield from _single_run(run, freq)
        run = ""
        yield word
    yield from _single_run(run, freq)


def _single_run(run: str, freq: dict[str, int]) -> Iterator[str]:
    if len(run) <= 1 or freq.get(run):
        yield from run
    else:
        yield from _hmm_words(run)


@lru_cache(maxsize=16_384)
def _hmm_words(run: str) -> tuple[str, ...]:
    """jieba's HMM (`finalseg`) words of a run of single characters, cached: the same
    runs (a brand, `华创`) come back in many names. An indexing worker's 250,000 records
    of 1,000,000 generated ask 135,563 runs, 22,647 distinct: 81% are found in 16,384
    entries, 83% in 32,768 or more."""
    return tuple(jieba.finalseg.cut(run))


@lru_cache(maxsize=_BLOCK_CACHE)
def _index_block(block: str) -> tuple[str, ...]:
    """The index-side tokens of one jieba block (see `segment_for_index`)."""
    tokenizer = _jieba()
    words = _cut_block(block, True)
    return tuple(sys.intern(t) for t in _search_mode(tokenizer, words) if _is_token(t))


def segment_for_index(text: str) -> list[str]:
    """The index-side tokens of a text: jieba search mode over `normalize(text)`, in order."""
    tokens: list[str] = []
    for in_dictionary, block in _blocks(normalize(text)):
        if in_dictionary:
            tokens.extend(_index_block(block))
        else:
            words = _search_mode(_jieba(), _other_words(block))
            tokens.extend(token for token in words if _is_token(token))
    return tokens


def in_dictionary(word: str) -> bool:
    """Whether jieba's dictionary (with ipcredit's user words) holds `word`."""
    return bool(_jieba().FREQ.get(word))


def dictionary_words(text: str) -> list[str]:
    """Every dictionary word of two characters or more inside `text`, however jieba cuts it.

    `深圳市场` gives `深圳`, `深圳市`, `市场`: a word across jieba's cut is found too.
    (The dictionary holds every prefix of its words, so a piece that is not in it ends
    the words starting where it starts.)
    """
    freq = _jieba().FREQ
    found: list[str] = []
    for start in range(len(text) - 1):
        for end in range(start + 2, len(text) + 1):
            piece = text[start:end]
            if piece not in freq:
                break
            if freq[piece]:
                found.append(piece)
    return found


def segment_for_query(text: str) -> list[str]:
    """The query-side tokens of a text: jieba accurate mode (HMM on), duplicates removed."""
    words = _cut(normalize(text), hmm=True)
    return list(dict.fromkeys(token for token in words if _is_token(token)))


# --- names: bigrams and pinyin -------------------------------------------------------------------


def name_bigrams(name: str) -> list[str]:
    """The character bigrams of `normalize_name(name)`, in order.

    `"深圳创明"` → `["深圳", "圳创", "创明"]`; a one-character name → `[it]`; `""` → `[]`.
    """
    chars = normalize_name(name)
    if len(chars) < 2:
        return [chars] if chars else []
    return [chars[i : i + 2] for i in range(len(chars) - 1)]


_HAN_OR_ASCII = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)|([a-z0-9]+)")


def pinyin_syllables(name: str) -> list[str]:
    """One toneless syllable per Han character of the name, ASCII letter/digit runs as one token.

    Readings are pypinyin's default (phrase-aware) ones, ü written as `v`:
    `"深圳市创明"` → `["shen", "zhen", "shi", "chuang", "ming"]`;
    `"ABC科技"` → `["abc", "ke", "ji"]`.
    pypinyin reads the words jieba cuts (with the region names of the user
    dictionary), so a phrase never spans two words: `"东莞市长安"` reads
    `chang an`, not the `shi zhang` of 市长 (mayor).
    Other characters (and Han characters pypinyin does not know) give nothing.
    Results are cached: a register names the same subject in many records.
    """
    return list(_cached_syllables(name))


@lru_cache(maxsize=65_536)
def _cached_syllables(name: str) -> tuple[str, ...]:
    syllables: list[str] = []
    for han, ascii_run in _HAN_OR_ASCII.findall(normalize_name(name)):
        if han:
            for word in _cut(han, hmm=False):
                syllables.extend(_word_syllables(word))
        else:
            syllables.append(ascii_run)
    return tuple(syllables)


@lru_cache(maxsize=_BLOCK_CACHE)
def _word_syllables(word: str) -> tuple[str, ...]:
    """pypinyin's reading of one word (it reads each word of a list on its own)."""
    return tuple(map(sys.intern, lazy_pinyin([word], style=Style.NORMAL, errors="ignore")))


def char_sounds(text: str) -> list[str]:
    """Each character's usual toneless reading (a character without one stands for itself).

    Per character, so a dictionary lookup each: for comparing how names sound (a typed
    homophone, 华闯 for 华创) where `pinyin_syllables` would segment every new name.
    """
    return [_char_sound(char) for char in text]


@lru_cache(maxsize=32_768)
def _char_sound(char: str) -> str:
    readings = lazy_pinyin(char, style=Style.NORMAL, errors="ignore")
    return readings[0] if readings else char


def pinyin_initials(name: str) -> list[str]:
    """The first letter of each `pinyin_syllables` token (`zh`, `ch`, `sh` give `z`, `c`, `s`)."""
    return [syllable[0] for syllable in _cached_syllables(name)]


# Every toneless Mandarin syllable pypinyin gives a CJK character (ü as v), without
# the interjections m, n, ng, hm, hng and ê.
_SYLLABLE_LIST = """
a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can
cang cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai
chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei den
deng di dia dian diao die ding diu dong dou du duan dui dun duo e ei en eng er fa fan fang
fei fen feng fiao fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan
guang gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui
hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke
kei ken keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao le lei len leng
li lia lian liang liao lie lin ling liu lo long lou lu luan lun luo lv lve ma mai man mang
mao me mei men meng mi mian miao mie min ming miu mo mou mu na nai nan nang nao ne nei nen
neng ni nia nian niang niao nie nin ning niu nong nou nu nuan nun nuo nv nve o ou pa pai pan
pang pao pei pen peng pi pian piao pie pin ping po pou pu qi qia qian qiang qiao qie qin
qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru rua ruan rui run ruo
sa sai san sang sao se sen seng sha shai shan shang shao she shei shen sheng shi shou shu
shua shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang tao
te tei teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng
wo wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi
yin ying yo yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang
zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong
zou zu zuan zui zun zuo
"""
_SYLLABLES = frozenset(_SYLLABLE_LIST.split())
# Spellings typed for ü that the index writes with v.
_SYLLABLE_ALIASES = {"lue": "lve", "nue": "nve"}
_LONGEST_SYLLABLE = max(map(len, _SYLLABLES))
_PINYIN_QUERY = re.compile(r"[a-z]+(?:[\s']+[a-z]+)*")


def _is_syllable(piece: str) -> bool:
    return piece in _SYLLABLES or piece in _SYLLABLE_ALIASES


def _split_letters(letters: str) -> list[str] | None:
    """The fewest syllables spelling `letters`, longer syllables first on ties; None if none."""
    best: list[tuple[str, ...] | None] = [None] * len(letters) + [()]
    for start in range(len(letters) - 1, -1, -1):
        for size in range(min(_LONGEST_SYLLABLE, len(letters) - start), 0, -1):
            piece, rest = letters[start : start + size], best[start + size]
            if rest is None or not _is_syllable(piece):
                continue
            current = best[start]
            if current is None or len(rest) + 1 < len(current):
                best[start] = (piece, *rest)
    found = best[0]
    return [_SYLLABLE_ALIASES.get(s, s) for s in found] if found else None


_OTHER_READINGS = 3
_SPLITS_LOOKED_AT = 64


def _splits(letters: str) -> list[tuple[str, ...]]:
    """Spellings of `letters` as syllables (at most `_SPLITS_LOOKED_AT`, longer syllables
    tried first), fewest syllables first."""
    size = len(letters)
    ends = [False] * size + [True]  # whether letters[i:] spells syllables
    for start in range(size - 1, -1, -1):
        ends[start] = any(
            ends[start + n] and _is_syllable(letters[start : start + n])
            for n in range(1, min(_LONGEST_SYLLABLE, size - start) + 1)
        )
    found: list[tuple[str, ...]] = []

    def walk(start: int, done: tuple[str, ...]) -> None:
        if start == size:
            found.append(tuple(_SYLLABLE_ALIASES.get(s, s) for s in done))
            return
        for n in range(min(_LONGEST_SYLLABLE, size - start), 0, -1):
            piece = letters[start : start + n]
            if len(found) < _SPLITS_LOOKED_AT and ends[start + n] and _is_syllable(piece):
                walk(start + n, (*done, piece))

    if ends[0]:
        walk(0, ())
    return sorted(found, key=len)


def other_pinyin_readings(query: str) -> list[tuple[str, ...]]:
    """Other ways to split an unspaced pinyin query than `split_pinyin`'s, at most three,
    fewest syllables first: `"jinan"` is `jin an` (金安) but also `ji nan` (济南), `"xian"`
    also `xi an` (西安). Nothing for a query typed with spaces or apostrophes."""
    text = query.strip().lower()
    preferred = split_pinyin(text)
    if preferred is None or not text.isalpha():
        return []
    others = [
        split
        for split in _splits(text)
        if list(split) != preferred and all(len(syllable) > 1 for syllable in split)
    ]  # a lone a, e or o is a split of another syllable far more often than meant
    return others[:_OTHER_READINGS]


def split_pinyin(query: str) -> list[str] | None:
    """A toneless pinyin query as syllables; None if it is not one.

    `"shenzhen"` and `"Shen Zhen"` → `["shen", "zhen"]`; `"xian"` → `["xian"]` (fewest
    syllables, longest first). Spaces and apostrophes (`xi'an`) are taken as syllable
    boundaries when every part splits, and ignored otherwise. None for anything but
    ASCII letters, spaces and apostrophes, or letters that are not all syllables.
    """
    text = query.strip().lower()
    if not _PINYIN_QUERY.fullmatch(text):
        return None
    parts = [_split_letters(part) for part in re.split(r"[\s']+", text)]
    if all(part is not None for part in parts):
        return [syllable for part in parts if part is not None for syllable in part]
    return _split_letters(re.sub(r"[\s']+", "", text))


_INITIALS_QUERY = re.compile(r"[a-z]{2,40}")

# A region's level word, which a pinyin or initials query often leaves out (深圳[市]创明).
_LEVEL_WORDS = {"省": "sheng", "市": "shi", "区": "qu", "县": "xian"}
_REGION_LEVELS_IN_A_ROW = 2
_MAX_VARIANTS = 8


@cache
def _region_levels() -> tuple[dict[tuple[str, ...], frozenset[str]], ...]:
    """Syllables, then initials, of region names without their level word → that word's.

    `("shen", "zhen")` → `{"shi"}` (深圳市); `("s", "z")` → `{"s", "x", …}`.
    """
    syllables: dict[tuple[str, ...], set[str]] = {}
    initials: dict[tuple[str, ...], set[str]] = {}
    for name in _region_names():
        level = _LEVEL_WORDS.get(name[-1])
        if level is None or len(name) < 3 or _NOT_A_PLACE_NAME.search(name):
            continue
        reading = tuple(lazy_pinyin(name[:-1], style=Style.NORMAL, errors="ignore"))
        syllables.setdefault(reading, set()).add(level)
        initials.setdefault(tuple(s[0] for s in reading), set()).add(level[0])
    return tuple(
        {key: frozenset(value) for key, value in table.items()} for table in (syllables, initials)
    )


def with_region_levels(pieces: Sequence[str], initials: bool = False) -> list[tuple[str, ...]]:
    """The query's syllables (or initials) with the level word of leading regions put back.

    Names are indexed as registered, `深圳市创明…`, but typed as `shenzhen chuangming`
    or `szcm`: `["shen", "zhen", "chuang", "ming"]` → `[("shen", "zhen", "shi", "chuang",
    "ming")]`. Syllables may begin with two regions (`foshan shunde` → 佛山市顺德区),
    initials with one; fewest insertions first, at most 8 variants, none as typed.
    """
    table = _region_levels()[1 if initials else 0]
    longest = max(map(len, table), default=0)
    most = 1 if initials else _REGION_LEVELS_IN_A_ROW
    found: dict[tuple[str, ...], int] = {}

    def walk(done: tuple[str, ...], rest: tuple[str, ...], regions: int, inserted: int) -> None:
        if inserted:
            found.setdefault(done + rest, inserted)
        if regions == most:
            return
        for size in range(2, min(longest, len(rest) - 1) + 1):
            levels = table.get(rest[:size])
            if not levels:
                continue
            region, after = done + rest[:size], rest[size:]
            if after[0] in levels:  # typed with its level word, or the name goes on with
                walk(region + after[:1], after[1:], regions + 1, inserted)  # its initial
            for level in sorted(levels):
                walk((*region, level), after, regions + 1, inserted + 1)

    walk((), tuple(pieces), 0, 0)
    return sorted(found, key=found.__getitem__)[:_MAX_VARIANTS]


def is_initials_query(query: str) -> bool:
    """2–40 ASCII letters (the initials of a long full name too) that are not pinyin
    syllables: `"szmm"`, `"szscmzscqdlyxgs"`."""
    text = query.strip().lower()
    return bool(_INITIALS_QUERY.fullmatch(text)) and split_pinyin(text) is None
