"""统一社会信用代码 (USCC, GB 32100-2015): normalization, check character, region code."""

from __future__ import annotations

import unicodedata

from credit.personal import looks_like_id_number, mask_personal_data

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18
_VALUE = {char: index for index, char in enumerate(ALPHABET)}


def normalize_uscc(text: str) -> str:
    """Full-width to half-width, upper case, spaces and hyphens removed."""
    folded = unicodedata.normalize("NFKC", text).upper()
    return "".join(ch for ch in folded if not ch.isspace() and ch != "-")


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (which must use ALPHABET)."""
    total = sum(_VALUE[ch] * weight for ch, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """Why a normalized code is not a valid USCC, in Chinese and English; None when valid."""
    if len(code) != LENGTH:
        return f"统一社会信用代码应为 18 位，实际为 {len(code)} 位 (USCC must have 18 characters)"
    if any(ch not in _VALUE for ch in code):
        return (
            "统一社会信用代码含有不允许的字符（不使用 I、O、Z、S、V）"
            " (USCC contains a character outside 0-9 and A-Y without I, O, Z, S, V)"
        )
    if check_character(code[:17]) != code[17]:
        return "统一社会信用代码校验位错误 (USCC check character is wrong)"
    return None


def looks_like_uscc(code: str) -> bool:
    """18 letters and digits, at least 8 of them digits: a USCC, or one mistyped (a word of
    18 letters, such as a name's pinyin, is not one)."""
    return (
        len(code) == LENGTH
        and code.isascii()
        and code.isalnum()
        and sum(ch.isdigit() for ch in code) >= 8
    )


def refusal(code: str) -> str | None:
    """Why a normalized code is refused as a USCC, for the public (None when valid). The
    code is quoted, but a personal ID number never is."""
    problem = uscc_problem(code)
    if problem is None:
        return None
    if looks_like_id_number(code):
        return (
            "这是居民身份证号码，不是统一社会信用代码：本站不按身份证号码查询，"
            "请输入统一社会信用代码或名称。"
        )
    reason = problem.split(" (")[0]
    if code[:17].isdigit():  # perhaps an ID number mistyped: not repeated
        return f"所输入的代码不是有效的统一社会信用代码：{reason}。请核对后重新输入。"
    if mask_personal_data(code) != code:  # a 15-digit ID or a mobile number, say
        return f"所输入的代码不是有效的统一社会信用代码：{reason}。请核对后重新输入。"
    shown = code if len(code) <= LENGTH + 2 else code[:LENGTH] + "…"
    return f"“{shown}”不是有效的统一社会信用代码：{reason}。请核对后重新输入。"


def is_valid_uscc(code: str) -> bool:
    """True when the normalized code passes length, alphabet and check character."""
    return uscc_problem(code) is None


def region_code_of(code: str) -> str | None:
    """The 6-digit administrative division code in characters 3–8, when they are digits."""
    region = code[2:8]
    return region if len(region) == 6 and region.isdigit() else None
