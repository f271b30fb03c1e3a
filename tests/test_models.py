"""Every CONTRACT rule of a record, case and withdrawal line, broken once."""

from __future__ import annotations

from typing import Any

import pytest

from credit.models import CreditRecord, TypicalCase, Withdrawal
from credit.validation import FeedLineError, parse_item

RECORD: dict[str, Any] = {
    "record_id": "T-0001",
    "kind": "dishonest_act",
    "category": "abnormal_patent_application",
    "severity": "general",
    "subject_type": "enterprise",
    "subject_name": "深圳市测试科技有限公司",
    "uscc": "91440300MA5F0A1B2N",
    "reason": "提交非正常专利申请。",
    "authority": "广东省知识产权局",
    "decision_no": "粤知处字〔2025〕1号",
    "decided_on": "2025-03-10",
    "publish_until": "2026-03-09",
    "updated_at": "2025-03-10T09:00:00+08:00",
}
INDIVIDUAL = {
    **RECORD,
    "subject_type": "individual",
    "subject_name": "王某某",
    "uscc": None,
    "id_number": "110105199003071239",
}
GOOD = {
    **RECORD,
    "kind": "good_credit",
    "category": "patent_award",
    "severity": None,
    "decision_no": None,
    "publish_until": None,
}
CASE: dict[str, Any] = {
    "kind": "case",
    "case_id": "CASE-1",
    "title": "某公司恶意注册商标案",
    "publishers": ["国家知识产权局"],
    "published_on": "2025-04-26",
    "case_type": "malicious_trademark_registration",
    "facts": "案情。",
    "handling": "处理结果。",
    "updated_at": "2025-04-26T09:00:00+08:00",
}
WITHDRAWAL = {"op": "withdraw", "record_id": "T-0001", "updated_at": "2025-04-01T00:00:00Z"}


def test_valid_lines_parse() -> None:
    record = parse_item(RECORD)
    assert isinstance(record, CreditRecord)
    assert record.publish_from == record.decided_on
    assert record.region_code == "440300"
    assert isinstance(parse_item(GOOD), CreditRecord)
    assert isinstance(parse_item(CASE), TypicalCase)
    assert isinstance(parse_item(WITHDRAWAL), Withdrawal)


def test_individual_id_number_is_masked() -> None:
    record = parse_item(INDIVIDUAL)
    assert isinstance(record, CreditRecord)
    assert record.id_number_masked == "110105********1239"
    assert "110105199003071239" not in record.model_dump_json()


def test_empty_and_null_mean_absent() -> None:
    record = parse_item({**GOOD, "legal_basis": "", "publish_until": None})
    assert isinstance(record, CreditRecord)
    assert record.legal_basis is None and record.publish_until is None


def test_usccs_are_normalized() -> None:
    record = parse_item({**RECORD, "uscc": "９１４４０３００ma5f0a1b2n"})
    assert isinstance(record, CreditRecord) and record.uscc == "91440300MA5F0A1B2N"


BROKEN: list[tuple[str, dict[str, Any], str]] = [
    ("record_id missing", {**RECORD, "record_id": None}, "record_id"),
    ("record_id pattern", {**RECORD, "record_id": "has space"}, "record_id"),
    ("record_id too long", {**RECORD, "record_id": "x" * 65}, "record_id"),
    ("kind invalid", {**RECORD, "kind": "blacklist"}, "kind"),
    ("category missing", {**RECORD, "category": None}, "category"),
    ("category of other kind", {**RECORD, "category": "patent_award"}, "category"),
    ("severity missing", {**RECORD, "severity": None}, "severity"),
    ("severity invalid", {**RECORD, "severity": "grave"}, "severity"),
    ("severity on good credit", {**GOOD, "severity": "minor"}, "severity"),
    ("subject_type invalid", {**RECORD, "subject_type": "company"}, "subject_type"),
    ("subject_name missing", {**RECORD, "subject_name": None}, "subject_name"),
    ("subject_name blank", {**RECORD, "subject_name": "   "}, "subject_name"),
    ("subject_name too long", {**RECORD, "subject_name": "名" * 201}, "subject_name"),
    ("subject_name control", {**RECORD, "subject_name": "某\x07公司"}, "subject_name"),
    ("uscc missing", {**RECORD, "uscc": None}, "uscc"),
    ("uscc check", {**RECORD, "uscc": "91440300MA5F0A1B2M"}, "uscc"),
    ("uscc length", {**RECORD, "uscc": "91440300"}, "uscc"),
    ("uscc on individual", {**INDIVIDUAL, "uscc": "91440300MA5F0A1B2N"}, "uscc"),
    ("former_names not list", {**RECORD, "former_names": "旧名"}, "former_names"),
    ("former name too long", {**RECORD, "former_names": ["名" * 201]}, "former_names.0"),
    ("id_number on enterprise", {**RECORD, "id_number": "110105199003071239"}, "id_number"),
    ("id_number check", {**INDIVIDUAL, "id_number": "110105199003071238"}, "id_number"),
    ("id_number length", {**INDIVIDUAL, "id_number": "1101051990030712"}, "id_number"),
    ("region_code digits", {**RECORD, "region_code": "44030A"}, "region_code"),
    ("region_code province", {**RECORD, "region_code": "990100"}, "region_code"),
    ("reason missing", {**RECORD, "reason": None}, "reason"),
    ("reason too long", {**RECORD, "reason": "字" * 10_001}, "reason"),
    ("legal_basis too long", {**RECORD, "legal_basis": "字" * 10_001}, "legal_basis"),
    ("measures not list", {**RECORD, "measures": 3}, "measures"),
    ("authority missing", {**RECORD, "authority": None}, "authority"),
    ("decision_no missing", {**RECORD, "decision_no": None}, "decision_no"),
    ("decided_on missing", {**RECORD, "decided_on": None}, "decided_on"),
    ("decided_on format", {**RECORD, "decided_on": "2025/03/10"}, "decided_on"),
    ("decided_on impossible", {**RECORD, "decided_on": "2025-02-30"}, "decided_on"),
    ("publish_from format", {**RECORD, "publish_from": "20250310"}, "publish_from"),
    ("publish_until missing", {**RECORD, "publish_until": None}, "publish_until"),
    ("publish_until early", {**RECORD, "publish_until": "2025-03-09"}, "publish_until"),
    ("delisted without reason", {**RECORD, "delisted_on": "2025-05-01"}, "delist_reason"),
    ("reason without delisted", {**RECORD, "delist_reason": "repaired"}, "delisted_on"),
    (
        "delist_reason invalid",
        {**RECORD, "delisted_on": "2025-05-01", "delist_reason": "forgiven"},
        "delist_reason",
    ),
    ("source too long", {**RECORD, "source": "源" * 201}, "source"),
    ("updated_at missing", {**RECORD, "updated_at": None}, "updated_at"),
    ("updated_at no offset", {**RECORD, "updated_at": "2025-03-10T09:00:00"}, "updated_at"),
    ("updated_at a number", {**RECORD, "updated_at": 1741568400}, "updated_at"),
    ("unknown field", {**RECORD, "publish_untill": "2026-01-01"}, "publish_untill"),
    ("wrong type", {**RECORD, "subject_name": 42}, "subject_name"),
    ("nested object", {**RECORD, "reason": {"a": {"b": [1]}}}, "reason"),
    ("case title missing", {**CASE, "title": None}, "title"),
    ("case publishers empty", {**CASE, "publishers": []}, "publishers"),
    ("case published_on", {**CASE, "published_on": "April"}, "published_on"),
    ("case type invalid", {**CASE, "case_type": "fraud"}, "case_type"),
    ("case facts missing", {**CASE, "facts": None}, "facts"),
    ("case handling missing", {**CASE, "handling": None}, "handling"),
    ("case source_url", {**CASE, "source_url": "javascript:alert(1)"}, "source_url"),
    ("case related id", {**CASE, "related_record_ids": ["bad id"]}, "related_record_ids.0"),
    (
        "withdrawal without id",
        {"op": "withdraw", "updated_at": "2025-04-01T00:00:00Z"},
        "record_id",
    ),
    ("withdrawal op", {**WITHDRAWAL, "op": "delete"}, "op"),
]


@pytest.mark.parametrize(("rule", "line", "field"), BROKEN, ids=[b[0] for b in BROKEN])
def test_each_rule_broken_once_is_rejected_naming_the_field(
    rule: str, line: dict[str, Any], field: str
) -> None:
    with pytest.raises(FeedLineError) as caught:
        parse_item(line)
    problems = caught.value.problems
    assert field in [p.field for p in problems], problems
    assert all(p.message for p in problems)


def test_messages_never_repeat_an_id_number() -> None:
    with pytest.raises(FeedLineError) as caught:
        parse_item({**INDIVIDUAL, "id_number": "110105199003071238"})
    assert "110105199003071238" not in str(caught.value)


def test_a_line_that_is_not_an_object() -> None:
    for line in ([1, 2], "text", 3, None):
        with pytest.raises(FeedLineError):
            parse_item(line)
