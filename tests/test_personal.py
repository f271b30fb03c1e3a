from __future__ import annotations

from credit.personal import (
    id_number_check_ok,
    is_masked_id_number,
    looks_like_id_number,
    mask_id_number,
    mask_id_numbers,
    mask_personal_data,
    redact_digits,
)

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
    assert "１３８００１３８０００" not in masked and "１３８****８０００" in masked


ID_ALSO_A_USCC = "110105199003070439"  # a real-looking ID that passes the USCC check too
USCC_ALSO_AN_ID = "911101051000000295"  # a USCC whose last character an ID would have


def test_an_id_number_has_a_birth_date_a_uscc_does_not() -> None:
    assert looks_like_id_number(VALID_ID) and looks_like_id_number(ID_ALSO_A_USCC)
    assert id_number_check_ok(USCC_ALSO_AN_ID) and not looks_like_id_number(USCC_ALSO_AN_ID)
    assert mask_id_numbers(f"代码{USCC_ALSO_AN_ID}") == f"代码{USCC_ALSO_AN_ID}"
    assert mask_id_numbers(ID_ALSO_A_USCC) == "110105********0439"


def test_mask_id_numbers_keeps_mobiles_and_other_numbers() -> None:
    text = f"张三 {VALID_ID_X}，手机 13800138000，编号 110105199003071238"
    assert mask_id_numbers(text) == (
        "张三 110105********002X，手机 13800138000，编号 110105199003071238"
    )
    assert mask_id_numbers(VALID_ID) == "110105********1239"
    assert mask_id_numbers("短文本") == "短文本"


def test_free_text_leaves_other_numbers() -> None:
    text = "申请号 202310123456.7，罚款 50000 元，文号〔2025〕8号，110105199003071238"
    assert mask_personal_data(text) == text


def test_redact_digits_masks_any_long_run() -> None:
    redacted = redact_digits('{"id_number": "110105199003071238", "tel": "13800138000"}')
    assert "110105199003071238" not in redacted
    assert "13800138000" not in redacted
