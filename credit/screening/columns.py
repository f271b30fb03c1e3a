"""Which columns of a list hold the name and the code: by their headers, or chosen.

Headers are matched in Chinese or English (名称, 企业名称, 展商名称, 统一社会信用代码,
USCC …) after NFKC and without spaces or punctuation; a choice is a header text, a
1-based number or a column letter. A table whose name column is unclear, or that has
neither column, raises a problem saying so (a workbook's other sheets may still do).
"""

from __future__ import annotations

import re

from credit.screening.input_files import InputProblem
from credit.text import normalize

__all__ = [
    "NAME_HEADERS",
    "USCC_HEADERS",
    "NameUnclear",
    "NoColumns",
    "find_columns",
    "header_key",
    "is_license_column",
    "looks_like_title",
    "maybe_names",
    "no_columns",
]


NAME_HEADERS = (
    "名称",
    "企业名称",
    "单位名称",
    "展商名称",
    "参展商名称",
    "参展企业名称",
    "参展单位名称",
    "参展公司名称",
    "公司名称",
    "机构名称",
    "组织名称",
    "主体名称",
    "企业全称",
    "公司全称",
    "单位全称",
    "机构全称",
    "展商全称",
    "参展商全称",
    "参展企业全称",
    "参展单位全称",
    "全称",
    "参展单位",
    "参展企业",
    "参展公司",
    "参展商",
    "展商",
    "企业",
    "公司",
    "单位",
    "机构",
    "name",
    "companyname",
    "company",
    "companyfullname",
    "enterprisename",
    "enterprise",
    "exhibitor",
    "exhibitorname",
    "exhibitorcompany",
    "organization",
    "organizationname",
    "organisation",
    "organisationname",
    "entityname",
    "corporatename",
    "legalname",
    "名字",
    "姓名",
)


USCC_HEADERS = (
    "统一社会信用代码",
    "社会信用代码",
    "信用代码",
    "统一代码",
    "uscc",
    "creditcode",
    "unifiedsocialcreditcode",
    "socialcreditcode",
)


LICENSE_HEADERS = (
    *("营业执照号码", "营业执照号", "营业执照注册号", "营业执照编号"),
    *("纳税人识别号", "纳税识别号", "税号"),
    *("businesslicenseno", "businesslicensenumber", "taxid", "taxpayerid"),
)
"""Headers of a column that holds the USCC of a subject registered since 2015 (one code
for licence and tax) and an older number before: the code column when no USCC column is
found, its older numbers left out (`is_license_column`)."""


_NOT_NAME_HEADERS = frozenset(
    {
        *("序号", "编号", "行号", "no", "no.", "#", "number", "id"),
        *("展位", "展位号", "摊位号", "展台号", "展馆", "展区", "booth", "boothno", "hall"),
        *("备注", "说明", "remark", "remarks", "note", "notes"),
        *("组织机构代码", "注册号", "工商注册号", "营业执照号", "纳税人识别号", "税号"),
        *("电话", "联系电话", "手机", "手机号", "邮箱", "email", "phone", "tel"),
    }
)
"""Headers of columns that never hold the name: beside a code column they may stay."""


_NAME_WORDS = ("名称", "全称", "namechinese", "chinesename", "namecn", "cnname")
"""Words in a header that make it the name column (`参展商名称（中英文）`,
`Company Name (Chinese)`), unless it is a short or English name."""
_TITLE_WORDS = re.compile(r"一览|名单|名录|名册|汇总|清单|统计|列表|目录|表$")
"""What a list's title says and a header does not (`参展企业名称一览表`)."""


class NoColumns(InputProblem):
    """A sheet where neither column is found: in a workbook, other sheets may still do."""


class NameUnclear(InputProblem):
    """A sheet with a code column whose name column the user has to choose: in a workbook,
    other sheets may still have both."""


def header_key(text: str) -> str:
    return re.sub(r"[\s*:：()\-_/]", "", normalize(text))


def looks_like_title(cells: list[str]) -> bool:
    """A row of one text that names the list rather than a column (`参展企业名称一览表`,
    `单位名称及统一社会信用代码汇总`): the header is looked for below it, though a column
    word is in it."""
    texts = [cell for cell in cells if cell.strip()]
    if len(texts) != 1:
        return False
    key = header_key(texts[0])
    return key not in (*NAME_HEADERS, *USCC_HEADERS) and _TITLE_WORDS.search(key) is not None


def no_columns(headers: list[str]) -> NoColumns:
    """The problem of a table whose first row names neither column."""
    shown = "、".join(f"「{h}」" for h in headers if h.strip()) or "（空）"
    return NoColumns(
        "找不到名称列或统一社会信用代码列：第一行应为表头，包含「企业名称」「单位名称」"
        f"「展商名称」或「统一社会信用代码」等；当前第一行为 {shown}。也可以指定使用哪一列。"
    )


def _pick(
    headers: list[str], known: tuple[str, ...], contains: tuple[str, ...], what: str
) -> int | None:
    """The one column whose header is known (in `known`'s order), or else the one whose
    header holds a word of `contains` (not a short or English name); None when none."""
    keys = [header_key(h) for h in headers]
    for wanted in known:
        found = [i for i, k in enumerate(keys) if k == wanted]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise _ambiguous(headers, found, what)
    loose = [
        i
        for i, k in enumerate(keys)
        if any(word in k for word in contains)
        and "简称" not in k
        and "英文" not in k.replace("中英文", "")  # `名称（中英文）` holds the Chinese name
    ]
    if len(loose) == 1:
        return loose[0]
    if len(loose) > 1:
        raise _ambiguous(headers, loose, what)
    return None


def _ambiguous(headers: list[str], found: list[int], what: str) -> InputProblem:
    shown = "、".join(f"「{headers[i]}」" for i in found)
    return InputProblem(f"有多列可能是{what}：{shown}，请指定使用哪一列。")


def _letter_index(text: str) -> int | None:
    if not re.fullmatch(r"[A-Za-z]{1,2}", text):
        return None
    index = 0
    for char in text.upper():
        index = index * 26 + ord(char) - ord("A") + 1
    return index - 1


def _chosen(headers: list[str], choice: str, what: str) -> int:
    """The column the user chose: header text, 1-based number, or letter (A, B, …)."""
    wanted = header_key(choice)
    for index, header in enumerate(headers):
        if header_key(header) == wanted:
            return index
    if choice.strip().isdigit() and 1 <= int(choice) <= len(headers):
        return int(choice) - 1
    letter = _letter_index(choice.strip())
    if letter is not None and letter < len(headers):
        return letter
    shown = "、".join(f"「{h}」" for h in headers if h.strip()) or "（无表头）"
    raise NoColumns(f"找不到指定的{what}「{choice}」。表头为：{shown}。")


def find_columns(
    headers: list[str], name_column: str | None, uscc_column: str | None
) -> tuple[int | None, int | None]:
    name_at = (
        _chosen(headers, name_column, "名称列")
        if name_column
        else _pick(headers, NAME_HEADERS, _NAME_WORDS, "名称列")
    )
    if name_at is not None and not name_column:
        _check_a_bare_name_header(headers, name_at)
    uscc_at = (
        _chosen(headers, uscc_column, "统一社会信用代码列")
        if uscc_column
        else _pick(headers, USCC_HEADERS, ("信用代码",), "统一社会信用代码列")
    )
    if uscc_at is None and not uscc_column:
        uscc_at = _pick(headers, LICENSE_HEADERS, (), "统一社会信用代码列")
    if name_at is None and uscc_at is None:
        raise no_columns(headers)
    if name_at is not None and name_at == uscc_at:
        raise InputProblem("名称列与统一社会信用代码列不能是同一列。")
    if name_at is None and uscc_at is not None and not uscc_column:  # chosen alone: codes only
        _check_no_name_column(headers, uscc_at)
    return name_at, uscc_at


_GENERIC_NAME = frozenset({"名称", "全称"})
"""Name headers that say whose name no more than a product's column does."""
_NOT_WHOSE = frozenset({"单位"})
"""A name header that is also a unit of measure's column."""


def _check_a_bare_name_header(headers: list[str], name_at: int) -> None:
    """A column headed only `名称` beside one headed as an organization (`公司`, `参展单位`):
    which holds the exhibitors' names (the other may be a product's) the user says."""
    if header_key(headers[name_at]) not in _GENERIC_NAME:
        return
    whose = [
        i
        for i, header in enumerate(headers)
        if header_key(header) in NAME_HEADERS
        and header_key(header) not in _GENERIC_NAME | _NOT_WHOSE
    ]
    if whose:
        raise _ambiguous(headers, sorted([name_at, *whose]), "名称列")


def is_license_column(header: str) -> bool:
    """Whether a code column is headed as a licence or tax number (`LICENSE_HEADERS`)."""
    return header_key(header) in LICENSE_HEADERS


def maybe_names(headers: list[str], uscc_at: int) -> list[int]:
    """Beside the code column, the columns that may hold the names: any header but a row
    number, booth, remark and the like."""
    return [
        i
        for i, header in enumerate(headers)
        if i != uscc_at and header.strip() and header_key(header) not in _NOT_NAME_HEADERS
    ]


def _check_no_name_column(headers: list[str], uscc_at: int) -> None:
    """A column that may hold the names beside the code column: the user has to say which,
    or that none does."""
    if maybe := maybe_names(headers, uscc_at):
        shown = "、".join(f"「{headers[i]}」" for i in maybe)
        raise NameUnclear(
            f"找不到名称列：表头中没有「企业名称」「单位名称」「展商名称」等，{shown}可能是名称列，"
            "请指定使用哪一列。若名单中没有名称，请只指定统一社会信用代码列。"
        )
