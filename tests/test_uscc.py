from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credit.uscc import (
    ALPHABET,
    check_character,
    is_valid_uscc,
    looks_like_uscc,
    normalize_uscc,
    refusal,
    region_code_of,
    uscc_problem,
)

SAMPLE_VALID = [
    "91440300MA5F0A1B2N",
    "91440100MA9W3K7L17",
    "91110108MA01XY2W4T",
    "91441900MA4UL8M2K4",
]


PERSONAL_ID = "11010519491231002X"  # valid GB 11643 check character


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("91440300MA5F0A1B2N", True),
        ("914403O0MA5F0A1B2N", True),  # a letter O typed for 0: still meant as a USCC
        (PERSONAL_ID, True),
        ("SHENZHENCHUANGMING", False),  # 18 letters: pinyin, not a code
        ("9144030", False),
    ],
)
def test_looks_like_uscc(code: str, expected: bool) -> None:
    assert looks_like_uscc(code) is expected


def test_refusal_quotes_the_code_but_never_a_personal_id_number() -> None:
    assert refusal("91440300MA5F0A1B2N") is None
    wrong = refusal("914403O0MA5F0A1B2N")
    assert wrong is not None and "914403O0MA5F0A1B2N" in wrong and "不允许的字符" in wrong
    personal = refusal(PERSONAL_ID)
    assert personal is not None and "身份证号码" in personal
    assert PERSONAL_ID not in personal and PERSONAL_ID[:-4] not in personal
    mistyped = refusal("110105199003071238")  # an ID number with a wrong last digit
    assert mistyped is not None and "校验位" in mistyped and "11010519900307" not in mistyped


@pytest.mark.parametrize("code", SAMPLE_VALID)
def test_sample_codes_are_valid(code: str) -> None:
    assert is_valid_uscc(code)


def test_wrong_check_character_says_so() -> None:
    problem = uscc_problem("91420100MA4K2B6C90")
    assert problem is not None and "校验位错误" in problem


def test_length_and_alphabet_problems() -> None:
    assert "18 位" in (uscc_problem("9144030") or "")
    assert "不允许的字符" in (uscc_problem("91440300MA5F0A1BIO") or "")


def test_normalization_folds_full_width_case_and_spaces() -> None:
    assert normalize_uscc(" ９１４４０３００ma5f0a1b2n ") == "91440300MA5F0A1B2N"
    assert normalize_uscc("914403-00MA5F 0A1B2N") == "91440300MA5F0A1B2N"
    # invisible characters copied with a code from a web page or a document
    assert normalize_uscc("\u200b91440300MA5F0A1B2N\ufeff\u2060\x00") == "91440300MA5F0A1B2N"


def test_region_code_is_characters_three_to_eight() -> None:
    assert region_code_of("91440300MA5F0A1B2N") == "440300"
    assert region_code_of("91ABCDEFMA5F0A1B2N") is None


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17))
def test_any_body_with_its_check_character_is_valid(body: str) -> None:
    code = body + check_character(body)
    assert is_valid_uscc(code)
    wrong = next(ch for ch in ALPHABET if ch != code[-1])
    assert not is_valid_uscc(body + wrong)
