"""统一社会信用代码 (USCC, GB 32100-2015): normalization, check character, region code."""

from __future__ import annotations

import unicodedata

from credit.check_characters import USCC_ALPHABET as ALPHABET
from credit.check_characters import uscc_check_character as check_character
from credit.personal import looks_like_id_number, mask_personal_data

__all__ = [
    "ALPHABET",
    "LENGTH",
    "check_character",
    "is_valid_uscc",
    "looks_like_uscc",
    "normalize_uscc",
    "refusal",
    "region_code_of",
    "uscc_problem",
]

LENGTH = 18


def normalize_uscc(text: str) -> str:
    """Full-width to half-width, upper case; spaces, hyphens and invisible characters (a
    zero-width space copied from a web page) removed."""
    folded = unicodedata.normalize("NFKC", text).upper()
    if folded.isascii() and folded.isprintable():  # as codes are typed
        return folded.replace(" ", "").replace("-", "")
    return "".join(
        ch
        for ch in folded
        if not ch.isspace() and ch != "-" and unicodedata.category(ch) not in ("Cf", "Cc")
    )


def uscc_problem(code: str) -> str | None:
    """Why a normalized code is not a valid USCC, in Chinese and English; None when valid."""
    if len(code) != LENGTH:
        return f"统一社会信用代码应为 18 位，实际为 {len(code)} 位 (USCC must have 18 characters)"
    if any(ch not in ALPHABET for ch in code):
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
