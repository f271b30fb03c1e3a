from __future__ import annotations

import orjson
import pytest

from credit.personal import (
    body_may_hold_personal_numbers,
    holds_personal_number,
    id_number_check_ok,
    is_masked_id_number,
    looks_like_id_number,
    looks_like_mistyped_id_number,
    looks_like_old_id_number,
    mask_id_number,
    mask_id_numbers,
    mask_personal_data,
    mask_stored_body,
    reads_as_masked_id_number,
    redact_digits,
    starts_as_id_number,
)
from credit.uscc import check_character, uscc_problem

VALID_ID = "110105199003071239"
VALID_ID_X = "11010519491231002X"


def test_check_digit() -> None:
    assert id_number_check_ok(VALID_ID)
    assert id_number_check_ok(VALID_ID_X)
    assert id_number_check_ok(VALID_ID_X.lower())
    assert not id_number_check_ok("110105199003071238")
    assert not id_number_check_ok("11010519900307123")


def test_mask_keeps_first_six_and_last_four() -> None:
    assert mask_id_number(VALID_ID) == "110105********1239"
    assert mask_id_number(VALID_ID_X.lower()) == "110105********002X"
    assert is_masked_id_number("110105********1239")
    for masked in ("110105********123X", "110105*******7123", "110105*****7123"):
        assert reads_as_masked_id_number(masked)
    assert not reads_as_masked_id_number("138****8000")
    assert not is_masked_id_number("110105*******7123")  # a feed's id_number has 18


def test_free_text_masks_valid_ids_and_mobiles() -> None:
    text = f"身份证号{VALID_ID}，联系电话13800138000；另一证件{VALID_ID_X.lower()}。"
    masked = mask_personal_data(text)
    assert VALID_ID not in masked and "13800138000" not in masked
    assert "110105********1239" in masked
    assert "138****8000" in masked
    assert "110105********002X" in masked


def test_full_width_numbers_and_numbers_followed_by_letters_are_masked() -> None:
    full_width = VALID_ID.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    text = f"身份证号{full_width}；编号{VALID_ID}abc；电话１３８００１３８０００"
    masked = mask_personal_data(text)
    assert full_width not in masked and VALID_ID not in masked
    assert masked.count("110105********1239") == 2
    assert "１３８００１３８０００" not in masked and "138****8000" in masked  # half-width


ID_ALSO_A_USCC = "110105199003070439"  # a real-looking ID that passes the USCC check too
USCC_ALSO_AN_ID = "911101051000000295"  # a USCC whose last character an ID would have


def test_an_id_number_has_a_birth_date_a_uscc_does_not() -> None:
    assert looks_like_id_number(VALID_ID) and looks_like_id_number(ID_ALSO_A_USCC)
    assert id_number_check_ok(USCC_ALSO_AN_ID) and not looks_like_id_number(USCC_ALSO_AN_ID)
    assert mask_id_numbers(f"代码{USCC_ALSO_AN_ID}") == f"代码{USCC_ALSO_AN_ID}"
    assert mask_id_numbers(ID_ALSO_A_USCC) == "110105********0439"


def test_mask_id_numbers_keeps_mobiles_and_other_numbers() -> None:
    text = f"张三 {VALID_ID_X}，手机 13800138000，编号 990105199003071238"
    assert mask_id_numbers(text) == (
        "张三 110105********002X，手机 13800138000，编号 990105199003071238"
    )
    assert mask_id_numbers(VALID_ID) == "110105********1239"
    assert mask_id_numbers("短文本") == "短文本"


def test_free_text_leaves_other_numbers() -> None:
    text = (
        "申请号 202310123456.7，罚款 50000 元，文号〔2025〕8号，"
        "990105199003071238，110105000003071238，20250310123456789"
    )
    assert mask_personal_data(text) == text


MISTYPED_ID = "110105199003071238"  # VALID_ID with a wrong check character


def test_an_id_number_with_a_wrong_or_missing_check_character_is_masked() -> None:
    """The other characters are a person's all the same, and the check character follows
    from them."""
    assert looks_like_mistyped_id_number(MISTYPED_ID)
    assert looks_like_mistyped_id_number(VALID_ID[:17])
    assert not looks_like_mistyped_id_number(VALID_ID)  # a valid one is not mistyped
    text = f"身份证号 {MISTYPED_ID}，又作 {VALID_ID[:17]}；或 1101-0519-9003-0712-3"
    assert mask_personal_data(text) == (
        "身份证号 110105********1238，又作 110105*******7123；或 110105*******7123"
    )
    assert mask_id_numbers(f"证件{VALID_ID[:17].lower()}x") == "证件110105********123X"


def test_a_check_character_written_apart_is_masked_with_its_number() -> None:
    assert mask_personal_data(f"证号 {VALID_ID[:17]} 9") == "证号 110105********1239"
    assert mask_personal_data("电话 13800138000 1234567") == "电话 138****8000 1234567"


def test_a_valid_uscc_is_not_taken_for_a_mistyped_id_number() -> None:
    first17 = "12110119" + "900307" + "123"  # 12 (Tianjin?), then 19900307 at 7–14
    uscc = first17 + check_character(first17)
    assert uscc_problem(uscc) is None and not id_number_check_ok(uscc)
    assert not looks_like_mistyped_id_number(uscc)
    # a letter after 17 digits (this one), or before them (department codes A, N, Y)
    for code in (uscc, "N14408119590607598", "Y14303820990409336"):
        assert uscc_problem(code) is None
        assert mask_id_numbers(f"代码：{code}，") == f"代码：{code}，"
        assert mask_personal_data(code) == code
    # 17 digits and a letter that makes no valid USCC are an ID number all the same
    assert mask_personal_data(f"{VALID_ID[:17]}b，") == "110105*******7123b，"


def test_a_mobile_number_and_a_number_after_it_are_two_numbers() -> None:
    assert mask_personal_data("电话 13800019901 2150001") == "电话 138****9901 2150001"


def test_a_serial_number_dated_later_than_this_year_is_no_id_number() -> None:
    assert mask_personal_data("业务编号 110105203003100001") == "业务编号 110105203003100001"


def test_redact_digits_masks_any_long_run() -> None:
    redacted = redact_digits('{"id_number": "110105199003071238", "tel": "13800138000"}')
    assert "110105199003071238" not in redacted
    assert "13800138000" not in redacted


OLD_ID = "110105900307123"  # first generation: no check character, born 1990-03-07


def test_numbers_written_in_groups_are_masked() -> None:
    text = (
        "身份证号 110105 19900307 1239，又写作 1101-0519-9003-0712-39；"
        "手机 138 0013 8000 或 138-0013-8000"
    )
    masked = mask_personal_data(text)
    assert masked.count("110105********1239") == 2
    assert masked.count("138****8000") == 2
    assert "0013" not in masked and "19900307" not in masked


def test_first_generation_id_numbers_are_masked() -> None:
    assert looks_like_old_id_number(OLD_ID)
    assert mask_id_numbers(f"旧身份证{OLD_ID}。") == "旧身份证110105*****7123。"
    assert mask_personal_data(f"证号 {OLD_ID}") == "证号 110105*****7123"
    # a registration number whose characters 7–12 are no date, and an unknown province
    assert not looks_like_old_id_number("110108000000016")
    assert not looks_like_old_id_number("990105900307123")
    assert mask_personal_data("注册号110108000000016") == "注册号110108000000016"


def test_redact_digits_masks_grouped_runs_and_leaves_dates() -> None:
    redacted = redact_digits("证件 1101 0519 9003 0712 39 2025，电话 138-0013-8000")
    assert "0519" not in redacted and "0013" not in redacted
    assert (
        redact_digits("2025-03-10+2025-04-01，20250310+0800")
        == "2025-03-10+2025-04-01，20250310+0800"
    )
    assert redact_digits("期间 2025-03-10 2025-04-01") == "期间 2025-03-10 2025-04-01"


@pytest.mark.parametrize(
    ("line", "redacted"),
    [
        (
            '{"u": "https://e.org/?tel=138%200013%208000&id=110105+19900307+1239&t=2025-03-10+08:00"}',
            '{"u": "https://e.org/?tel=138****8000&id=110***********1239&t=2025-03-10+08:00"}',
        ),
        (
            '{"u": "https://e.org/?id=%31%31%30%31%30%35%31%39%39%30%30%33%30%37%31%32%33%39"}',
            '{"u": "https://e.org/?id=110***********1239"}',
        ),
        ('{"u": "https://e.org/?d=2025-03-10%202025-04-01"}', None),  # dates side by side
        ('{"u": "https://e.org/?d=2025-03-10+2025-04-01"}', None),
        (
            '{"reason": "' + "".join(f"\\u{ord(c):04x}" for c in "13800138000") + '"}',
            '{"reason": "138****8000"}',
        ),
        ('{"reason": "电话138\\t0013\\t8000"}', '{"reason": "电话138****8000"}'),
        (  # an escaped backslash before `f` is no form feed: the line stays JSON
            '{"path": "D:\\\\files\\\\2026", "tel": "13800138000"}',
            '{"path": "D:\\\\files\\\\2026", "tel": "138****8000"}',
        ),
    ],
)
def test_redact_digits_reads_escapes_as_they_read(line: str, redacted: str | None) -> None:
    assert redact_digits(line) == (line if redacted is None else redacted)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("张某，110105900307123 2019年被处罚", "张某，110105*****7123 2019年被处罚"),
        ("110105900307123 13800138000", "110105*****7123 138****8000"),
        ("序号 12 1101 0519 9003 0712 39", "序号 12 110105********1239"),  # after a number
        ("编号 1234 110105 19900307 1239", "编号 1234 110105********1239"),
        ("１３８－００１３－８０００", "138****8000"),  # full-width dashes
        ("110105–19900307–1239", "110105********1239"),  # en dashes
        ("110105\u00a019900307\u00a01239", "110105********1239"),  # no-break spaces
        ("+86 138 0013 8000", "+86 138****8000"),
        ("11010519491231002 X", "110105********002X"),  # the check character on its own
        (
            "110105 19491231 002 ｘ，电话 13800138000 x 2",
            "110105********002X，电话 138****8000 x 2",
        ),
    ],
)
def test_numbers_in_groups_are_found_wherever_they_start(text: str, masked: str) -> None:
    assert mask_personal_data(text) == masked
    assert "0013" not in redact_digits(text) and "0307" not in redact_digits(text)


def test_a_number_named_a_registration_number_is_not_taken_for_an_id() -> None:
    assert looks_like_old_id_number("310115000123456")  # 00-01-23: a date, by chance
    for text in ("注册号310115000123456", "工商注册号：310115000123456"):
        assert mask_personal_data(text) == text
    assert mask_personal_data("证号310115000123456") == "证号310115*****3456"
    assert mask_personal_data("一行\n13800138000") == "一行\n138****8000"
    assert mask_personal_data("1380013\n8000") == "1380013\n8000"  # never across lines


def test_a_mobile_number_after_the_country_code_is_masked() -> None:
    for written, masked in (
        ("联系电话 +8613800138000", "联系电话 +86138****8000"),
        ("008613800138000", "0086138****8000"),
    ):
        assert mask_personal_data(written) == masked
    assert mask_personal_data("861234567890123") == "861234567890123"


def test_a_full_width_country_code_and_a_masked_number_in_a_query() -> None:
    assert mask_personal_data("+86１３８００１３８０００") == "+86138****8000"
    assert mask_personal_data("８６１３８００１３８０００") == "８６138****8000"
    for query in ("138****8000", "110105********1239", "张三 13800138000"):
        assert holds_personal_number(query)
    for query in ("深圳市创明", "国知发〔2025〕13号", "91440300MA5F0A1B2N"):
        assert not holds_personal_number(query)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("110105199003061380 0138000", "110105********138****8000"),
        ("13912345 13800138000", "139****5138****8000"),
        (
            "身份证 110105199003071239，手机 13800138000",
            "身份证 110105********1239，手机 138****8000",
        ),
    ],
)
def test_masking_twice_masks_nothing_more(text: str, masked: str) -> None:
    """Validation masks a text and indexing may mask the stored text again: the same."""
    assert mask_personal_data(text) == masked
    assert mask_personal_data(masked) == masked


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("https://e.org/a?tel=138%200013%208000&x=1", "https://e.org/a?tel=138****8000&x=1"),
        ("https://e.org/a?tel=138+0013+8000", "https://e.org/a?tel=138****8000"),
        ("https://e.org/a?tel=138%2D0013%2D8000", "https://e.org/a?tel=138****8000"),
        (  # every digit percent-encoded
            "https://e.org/a?id=%31%31%30%31%30%35%31%39%39%30%30%33%30%37%31%32%33%39",
            "https://e.org/a?id=110105********1239",
        ),
        (  # the rest written again as a URL writes it
            "https://e.org/%E6%A1%88%E4%BE%8B?id=110105%2019900307%201239&q=a%20b",
            "https://e.org/%E6%A1%88%E4%BE%8B?id=110105********1239&q=a%20b",
        ),
        ("https://e.org/a?tel=8613800138000", "https://e.org/a?tel=86138****8000"),
        (  # encoded twice (`%25` is `%`), or three times
            "https://e.org/a?tel=138%25200013%25208000&q=%25E6%25A1%2588%2526",
            "https://e.org/a?tel=138****8000&q=%25E6%25A1%2588%2526",
        ),
        (  # a character of several bytes encoded twice: a no-break space, a full-width dash
            "https://e.org/a?tel=138%25C2%25A00013%25C2%25A08000",
            "https://e.org/a?tel=138****8000",
        ),
        (
            "https://e.org/a?id=110105%25EF%25BC%258D19900307%25EF%25BC%258D1239",
            "https://e.org/a?id=110105********1239",
        ),
        (  # full-width digits encoded twice
            "https://e.org/a?tel="
            + "".join(f"%25EF%25BC%25{0x90 + int(digit):X}" for digit in "13800138000"),
            "https://e.org/a?tel=138****8000",
        ),
        (
            "https://e.org/a?id=%252531%252531%252530%252531%252530%252535%252531%252539"
            "%252539%252530%252530%252533%252530%252537%252531%252532%252533%252539",
            "https://e.org/a?id=110105********1239",
        ),
    ],
)
def test_urls_are_masked_as_their_escapes_spell_numbers(url: str, masked: str) -> None:
    assert mask_personal_data(url) == masked
    assert mask_personal_data(masked) == masked  # masked once, left as it is
    assert mask_personal_data(f"见 {url}，电话 138 0013 8000") == f"见 {masked}，电话 138****8000"
    assert len(masked) <= len(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://e.org/a?order=+1234199003071239&tel=138+0013+8000",
        "https://e.org/a?a=%13%38%30%30%31%33%38%30%30%30&tel=138+0013+8000",
        "https://e.org/" + "案" * 600 + "?tel=138+0013+8000",
    ],
)
def test_a_masked_url_keeps_its_other_escapes_and_masks_no_further(url: str) -> None:
    masked = mask_personal_data(url)
    assert "138****8000" in masked and "0013" not in masked
    assert mask_personal_data(masked) == masked
    assert len(masked) <= len(url)


def test_a_masked_url_keeps_the_escapes_of_everything_else() -> None:
    widened = "https://e.org/?a=%EF%BC%91&b=%E6%A1%88&tel=138%200013%208000"  # `１`, `案`
    assert mask_personal_data(widened) == "https://e.org/?a=%EF%BC%91&b=%E6%A1%88&tel=138****8000"
    url = "https://e.org/a?q=a%26b%3Dc&p=/x%2Fy/a+b#f%23g&tel=138%200013%208000"
    assert (
        mask_personal_data(url) == "https://e.org/a?q=a%26b%3Dc&p=/x%2Fy/a+b#f%23g&tel=138****8000"
    )


def test_a_url_without_personal_numbers_is_left_as_written() -> None:
    for url in (
        "https://e.org/%E6%A1%88?q=a+b&n=12345678901&t=2025-03-10%2009:00",
        "https://e.org/cases/c-2025-0001?page=2#top",
    ):
        assert mask_personal_data(url) == url


@pytest.mark.parametrize(
    "body",
    [
        {"facts": "电话138\t0013\t8000"},  # a tab: `\t` in the stored JSON
        {"facts": "见 https://e.org/?tel=138%200013%208000"},
        {"source_url": "https://e.org/?id=%31%31%30%31%30%35%31%39%39%30%30%33%30%37%31%32%33%39"},
        {"tags": ["https://e.org/?tel=138+0013+8000"]},
        {"facts": "110105\f19491231\f002\fX"},  # form feeds: `\f` in the stored JSON
    ],
)
def test_the_stored_bodies_pre_check_sees_what_the_masking_masks(body: dict[str, object]) -> None:
    assert mask_stored_body(body) != body
    assert body_may_hold_personal_numbers(orjson.dumps(body).decode())


def test_id_numbers_alone_are_masked_in_urls_too() -> None:
    text = "https://e.org/?id=110105+19900307+1239&tel=138+0013+8000"
    assert mask_id_numbers(text) == "https://e.org/?id=110105********1239&tel=138+0013+8000"


def test_how_an_id_number_starts() -> None:
    assert starts_as_id_number("110105199912320000")  # a day rounded over is no matter
    assert not starts_as_id_number("913202006204840000")  # 91: no province
    assert not starts_as_id_number("110105199913010000")  # no 13th month
    assert not starts_as_id_number("110105")
