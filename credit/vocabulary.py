"""The domain's enumerations with their Chinese labels (DESIGN "The domain")."""

from __future__ import annotations

KINDS = {
    "serious_list": "严重违法失信名单",
    "dishonest_act": "失信行为",
    "good_credit": "守信激励",
}
DISHONESTY_KINDS = frozenset({"serious_list", "dishonest_act"})

DISHONESTY_CATEGORIES = {
    "abnormal_patent_application": "非正常专利申请",
    "malicious_trademark_registration": "恶意商标注册申请",
    "illegal_agency": "违法从事专利、商标代理",
    "false_materials": "提交虚假材料或隐瞒重要事实",
    "commitment_breach": "信用承诺不实或未履行",
    "refusal_to_perform": "拒不履行行政处罚、行政裁决",
    "intentional_infringement": "故意侵犯知识产权",
    "other": "其他",
}
GOOD_CREDIT_CATEGORIES = {
    "demonstration_enterprise": "知识产权示范/优势企业",
    "patent_award": "中国专利奖等奖励",
    "agency_rating": "代理机构信用评价（A级）",
    "commitment_kept": "信用承诺履约良好",
    "integrity_model": "诚信典型",
    "other": "其他",
}
CASE_TYPES = {**DISHONESTY_CATEGORIES, "fair_infringement": "展会知识产权侵权"}

SEVERITIES = {"minor": "轻微", "general": "一般", "serious": "严重"}
SUBJECT_TYPES = {
    "enterprise": "企业",
    "agency": "代理机构",
    "individual": "自然人",
    "other_org": "其他组织",
}
ORGANIZATION_TYPES = frozenset({"enterprise", "agency", "other_org"})
DELIST_REASONS = {
    "repaired": "信用修复",
    "removed_early": "提前移出",
    "revoked": "决定撤销",
    "corrected": "信息更正",
}


def categories_of(kind: str) -> dict[str, str]:
    """The categories allowed for a record kind."""
    return GOOD_CREDIT_CATEGORIES if kind == "good_credit" else DISHONESTY_CATEGORIES


def category_label(kind: str, category: str) -> str:
    """The Chinese label of a category of a kind, or the code itself if unknown."""
    return categories_of(kind).get(category, category)
