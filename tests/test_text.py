"""The shared text layer: normalization, segmentation, bigrams and pinyin."""

from __future__ import annotations

import random
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypinyin import Style, lazy_pinyin

from credit import text
from credit.text import (
    is_initials_query,
    name_bigrams,
    normalize,
    normalize_name,
    pinyin_initials,
    pinyin_syllables,
    segment_for_index,
    segment_for_query,
    split_pinyin,
)
from indexer.generate import generate_feed_lines

SAMPLE_NAME = "東莞市（長安）精工模具有限公司"

# --- normalization -------------------------------------------------------------------------------


def test_normalize_width_script_case_brackets_and_spaces() -> None:
    assert normalize("ＡＢＣ　東莞市（長安）") == "abc 东莞市(长安)"
    assert normalize("  a \t\n b  ") == "a b"
    assert normalize("") == ""


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("【长安】", "(长安)"),
        ("〔2023〕12号", "(2023)12号"),
        ("［a］｛b｝", "(a)(b)"),
        ("[a]{b}", "(a)(b)"),
        ("〖a〗", "(a)"),
    ],
)
def test_normalize_brackets(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_normalize_drops_invisible_characters() -> None:
    assert normalize("\ufeff深\u200b圳") == "深圳"


def test_normalize_keeps_simplified_text_and_converts_traditional_phrases() -> None:
    simplified = "深圳市创明知识产权代理有限公司被列入严重违法失信名单"
    assert normalize(simplified) == simplified
    assert normalize("瞭解") == "了解"
    assert normalize("頭髮") == "头发"


def test_normalize_name() -> None:
    assert normalize_name(SAMPLE_NAME) == "东莞市长安精工模具有限公司"
    assert normalize_name("【深圳】创明·科技 Co., Ltd.") == "深圳创明科技coltd"
    assert normalize_name("〔 〕") == ""


# --- segmentation --------------------------------------------------------------------------------


def test_query_segmentation_of_places_and_words() -> None:
    tokens = segment_for_query("东莞长安精工")
    assert {"东莞", "长安", "精工"} <= set(tokens)
    assert "".join(tokens) == "东莞长安精工"


def test_query_segmentation_of_an_agency_name() -> None:
    tokens = segment_for_query("深圳市创明知识产权代理有限公司")
    assert "知识产权代理" in tokens or "知识产权" in tokens
    assert "有限公司" in tokens
    assert "代理有限公司" not in tokens


def test_query_segmentation_removes_duplicates_keeping_order() -> None:
    assert segment_for_query("深圳 深圳 专利") == ["深圳", "专利"]


def test_index_segmentation_is_search_mode() -> None:
    tokens = segment_for_index("深圳市创明知识产权代理有限公司")
    assert {"有限公司", "公司", "有限", "深圳", "深圳市", "知识产权"} <= set(tokens)


def test_index_segmentation_finds_long_inner_words() -> None:
    assert "有限公司" in segment_for_index("深圳创明股份有限公司")


def test_index_segmentation_keeps_repeated_tokens() -> None:
    assert segment_for_index("专利 专利").count("专利") == 2


def test_tokens_hold_no_spaces_or_bare_punctuation() -> None:
    for segment in (segment_for_index, segment_for_query):
        tokens = segment(" 深圳市（南山区）：专利、商标 -- 代理！ 3.5% ")
        assert tokens
        assert all(token.strip() == token and token for token in tokens)
        assert not {"(", ")", ":", "、", "-", "!", "%"} & set(tokens)


def test_traditional_input_segments_like_simplified() -> None:
    traditional = "東莞市（長安）精工模具有限公司因非正常專利申請被列入嚴重違法失信名單"
    simplified = "东莞市(长安)精工模具有限公司因非正常专利申请被列入严重违法失信名单"
    assert segment_for_query(traditional) == segment_for_query(simplified)
    assert segment_for_index(traditional) == segment_for_index(simplified)


def test_full_width_input_segments_like_half_width() -> None:
    assert segment_for_query("ＡＢＣ科技２０２３") == segment_for_query("abc科技2023")


def test_region_names_and_their_short_forms_stay_whole() -> None:
    assert segment_for_query("广东深圳南山") == ["广东", "深圳", "南山"]
    assert "黔东南" in segment_for_query("黔东南凯里")
    assert "市中" not in segment_for_query("东莞市中级人民法院")


def test_credit_register_words_stay_whole() -> None:
    tokens = segment_for_query("被国家知识产权局列入严重违法失信名单")
    assert "严重违法失信名单" in tokens
    assert "国家知识产权局" in tokens or "知识产权局" in tokens
    assert "市场监督管理局" in segment_for_query("深圳市市场监督管理局")


def test_segmentation_from_many_threads_agrees() -> None:
    sentence = "深圳市创明知识产权代理有限公司存在非正常专利申请行为"
    expected = segment_for_index(sentence)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(segment_for_index, [sentence] * 64))
    assert all(result == expected for result in results)


def test_warm_up_is_idempotent() -> None:
    text.warm_up()
    text.warm_up()
    assert segment_for_query("深圳") == ["深圳"]


def test_segmentation_rate() -> None:
    """Prints the rate of segmenting 10,000 typical reasons (no assertion on time)."""
    rng = random.Random(7)
    templates = (
        "{s}于{y}年提交的{n}件专利申请经审查属于非正常专利申请行为，依据相关规定列入严重违法失信名单。",
        "{s}在代理商标注册申请过程中存在恶意商标注册申请行为，被{a}处以警告并罚款{m}元，情节严重。",
        "{s}提交虚假材料骗取{a}资助资金，违反信用承诺，拒不履行行政处罚决定，现依法予以公示。",
    )
    subjects = (
        "深圳市创明知识产权代理有限公司",
        "东莞市长安精工模具有限公司",
        "杭州某某科技有限公司",
    )
    authorities = ("国家知识产权局", "广东省市场监督管理局", "深圳市市场监督管理局")
    reasons = [
        rng.choice(templates).format(
            s=rng.choice(subjects),
            a=rng.choice(authorities),
            y=rng.randint(2018, 2024),
            n=rng.randint(2, 90),
            m=rng.randint(1, 9) * 10_000,
        )
        for _ in range(10_000)
    ]
    text.warm_up()
    for segment in (segment_for_index, segment_for_query):
        started = time.perf_counter()
        for reason in reasons:
            segment(reason)
        elapsed = time.perf_counter() - started
        average = sum(map(len, reasons)) / len(reasons)
        print(
            f"{segment.__name__}: {len(reasons)} reasons of ~{average:.0f} characters "
            f"in {elapsed:.2f} s ({len(reasons) / elapsed:,.0f}/s)"
        )


def _generated_texts(records: int) -> list[str]:
    texts: list[str] = []
    for line in generate_feed_lines(records, cases=20, seed=11):
        for key in ("subject_name", "reason", "authority", "title", "facts"):
            value = line.get(key)
            if isinstance(value, str):
                texts.append(value)
        texts.extend(str(name) for name in line.get("former_names") or [])  # type: ignore[attr-defined]
    return texts


_BLOCK_CHARS = "深圳市创明华科技有限公司分长安东莞精工模具乐星康宝知识产权代理事务所AbZ09"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_BLOCK_CHARS, min_size=1, max_size=24))
def test_block_cuts_are_jiebas_own_for_any_block(block: str) -> None:
    for hmm in (True, False):
        assert list(text._cut_block(block, hmm)) == list(text._jieba().cut(block, HMM=hmm))


def test_block_cuts_are_jiebas_own_on_a_generated_register() -> None:
    """Both cuts of a block come from one route: each equals jieba's `cut` with or without
    HMM, on the names, reasons and case texts of a generated register."""
    tokenizer = text._jieba()
    blocks = {
        block
        for raw in _generated_texts(2_000)
        for in_dictionary, block in text._blocks(normalize(raw))
        if in_dictionary
    }
    assert len(blocks) > 2_000
    for block in blocks:
        for hmm in (True, False):
            assert list(text._cut_block(block, hmm)) == list(tokenizer.cut(block, HMM=hmm)), block


# --- bigrams and pinyin --------------------------------------------------------------------------


def test_dictionary_words_include_words_across_jiebas_cut() -> None:
    assert "市场" not in text.segment_for_index("深圳市场景科技有限公司")
    words = text.dictionary_words("深圳市场景科技有限公司")
    assert {"深圳", "深圳市", "市场", "场景", "科技", "有限公司"} <= set(words)
    assert all(len(word) >= 2 and text.in_dictionary(word) for word in words)
    assert text.dictionary_words("") == [] and text.dictionary_words("深") == []


def test_in_dictionary() -> None:
    assert text.in_dictionary("有限公司") and text.in_dictionary("深圳市")
    assert not text.in_dictionary("圳市场景")


def test_name_bigrams() -> None:
    assert name_bigrams("深圳创明") == ["深圳", "圳创", "创明"]
    assert name_bigrams("（深圳）") == ["深圳"]
    assert name_bigrams("深") == ["深"]
    assert name_bigrams("") == []
    assert name_bigrams("（ ）") == []


def test_pinyin_syllables_and_initials() -> None:
    assert pinyin_syllables("深圳市创明") == ["shen", "zhen", "shi", "chuang", "ming"]
    assert pinyin_initials("深圳市创明") == ["s", "z", "s", "c", "m"]
    assert pinyin_syllables("深圳市（創明）") == ["shen", "zhen", "shi", "chuang", "ming"]


def test_pinyin_of_mixed_ascii_names() -> None:
    assert pinyin_syllables("ABC科技") == ["abc", "ke", "ji"]
    assert pinyin_syllables("ＡＢＣ 3D打印") == ["abc3d", "da", "yin"]  # spaces dropped
    assert pinyin_initials("ABC科技") == ["a", "k", "j"]


def test_pinyin_uses_v_for_u_umlaut_and_phrase_readings() -> None:
    assert pinyin_syllables("吕") == ["lv"]
    assert pinyin_syllables("重庆银行") == ["chong", "qing", "yin", "hang"]
    assert pinyin_syllables("") == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("shenzhen", ["shen", "zhen"]),
        ("Shen Zhen", ["shen", "zhen"]),
        ("SHENZHEN", ["shen", "zhen"]),
        ("chuangming", ["chuang", "ming"]),
        ("xian", ["xian"]),
        ("xi'an", ["xi", "an"]),
        ("xi an", ["xi", "an"]),
        ("shenz hen", ["shen", "zhen"]),
        ("fangan", ["fang", "an"]),
        ("lvshi", ["lv", "shi"]),
        ("lue", ["lve"]),
        ("a", ["a"]),
    ],
)
def test_split_pinyin(query: str, expected: list[str]) -> None:
    assert split_pinyin(query) == expected


@pytest.mark.parametrize(
    "query", ["szmm", "szcm", "hello world", "hello", "", "  ", "shen1", "深圳", "shen-zhen", "ng"]
)
def test_split_pinyin_refuses(query: str) -> None:
    assert split_pinyin(query) is None


def test_split_pinyin_of_every_name_reading() -> None:
    name = "深圳市创明知识产权代理有限公司"
    assert split_pinyin("".join(pinyin_syllables(name))) is not None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("szmm", True),
        ("SZCM", True),
        ("sz", True),
        ("shenzhen", False),
        ("s", False),
        ("sz mm", False),
        ("szscmzscqdlyxgs", True),  # a full name's initials: 深圳市创明知识产权代理有限公司
        ("s" * 41, False),
        ("sz1", False),
        ("深圳", False),
        ("", False),
    ],
)
def test_is_initials_query(query: str, expected: bool) -> None:
    assert is_initials_query(query) is expected


@pytest.mark.parametrize(
    ("query", "preferred", "others"),
    [
        ("jinan", ["jin", "an"], [("ji", "nan")]),
        ("xian", ["xian"], [("xi", "an")]),
        ("shenzhen", ["shen", "zhen"], []),
        ("zhongguo", ["zhong", "guo"], []),  # not zhong gu o
        ("ji nan", ["ji", "nan"], []),  # typed with a space: as typed
        ("深圳", None, []),
    ],
)
def test_other_pinyin_readings(
    query: str, preferred: list[str] | None, others: list[tuple[str, ...]]
) -> None:
    assert split_pinyin(query) == preferred
    assert text.other_pinyin_readings(query) == others


def test_other_pinyin_readings_are_few_however_long_the_query() -> None:
    readings = text.other_pinyin_readings("xian" * 25)
    assert len(readings) == 3 and all("".join(r) == "xian" * 25 for r in readings)


def test_syllable_table_covers_every_default_reading() -> None:
    chars = [chr(code) for code in range(0x4E00, 0x9FA6)]
    readings = set(lazy_pinyin(chars, style=Style.NORMAL, errors="ignore"))
    interjections = {"m", "n", "ng", "hm", "hng", "ê"}
    missing = {r for r in readings - interjections if split_pinyin(r) != [r]}
    assert not missing


def test_initials_after_a_region_may_start_like_its_level_word() -> None:
    # 昆明市鑫泰科技: the x of 鑫 is not 县 left in; both readings are tried
    assert ("k", "m", "s", "x", "t", "k", "j") in text.with_region_levels(
        list("kmxtkj"), initials=True
    )
    assert ("s", "z", "s", "c", "m") in text.with_region_levels(list("szcm"), initials=True)
