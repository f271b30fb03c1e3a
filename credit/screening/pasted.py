"""Pasted lines: the name and the code of each line, or its cells when it has tabs.

A line without tabs holds a name, a code, or both in any order, separated by a tab,
comma or spaces. A line with tabs was copied from a spreadsheet: its cells are kept,
the code's cell and the cell that looks most like a name first. Every cell is masked.
"""

from __future__ import annotations

import re
import unicodedata

from credit.personal import reads_as_masked_id_number
from credit.screening.booths import is_booth_code
from credit.screening.input_files import mask_cell
from credit.uscc import normalize_uscc

__all__ = ["line_cells", "tabbed_cells"]


_ALNUM = "0-9A-Za-z０-９Ａ-Ｚａ-ｚ"
_CODE_TOKEN = re.compile(f"(?<![{_ALNUM}])[{_ALNUM}]{{15,20}}(?![{_ALNUM}])")
_SEPARATORS = " \t\u3000,，;；|"
_LETTER = re.compile(r"[^\W\d_]")
_REMARK = re.compile(r"参展|展品|展位|展区|展馆|号馆|备注|个人|联系|电话|地址|邮箱")
"""Words of a remark or contact cell, not of a name (`个人参展`, `联系人`)."""
_ORGANIZATION = re.compile(
    r"(公司|集团|厂|店|中心|事务所|研究院|研究所|协会|学会|商会|联合会|委员会|合作社|工作室|"
    r"大学|学院|学校|医院|银行|基金会|经营部|门市部|商行|合伙\)|ltd\.?|limited|inc\.?|"
    r"co\.?|corp\.?|corporation|llc|gmbh)$"
)


def line_cells(line: str) -> tuple[str, str]:
    """A pasted line without tabs: its name and code, masked."""
    name, code = _split_line(line)
    return mask_cell(name), mask_cell(code)


def _split_line(line: str) -> tuple[str, str]:
    """A pasted line's name and code: the code is a 15–20 character letter/digit run."""
    for match in _CODE_TOKEN.finditer(line):
        token = match.group()
        if any(ch.isdigit() for ch in normalize_uscc(token)):
            rest = (line[: match.start()] + " " + line[match.end() :]).strip(_SEPARATORS)
            return re.sub(r"\s+", " ", rest), token
    return line.strip(_SEPARATORS), ""


def tabbed_cells(line: str) -> tuple[str, ...]:
    """A pasted spreadsheet row (`1⇥深圳市某某有限公司⇥A101`): name, code, then the
    other cells in their order. The code is the first code token in a cell
    (`_split_line`); the name is the cell that looks most like a name (`_name_rank`)."""
    cells = [mask_cell(cell.strip()) for cell in line.split("\t")]
    code, code_at = "", -1
    for index, cell in enumerate(cells):
        rest, found = _split_line(cell)
        if found:
            code, code_at, cells[index] = found, index, rest
            break
    ranked = [(rank, i) for i, cell in enumerate(cells) if (rank := _name_rank(cell))]
    name_at = max(ranked)[1] if ranked else -1
    name = cells[name_at] if ranked else ""
    others = [cell for i, cell in enumerate(cells) if i != name_at and (i != code_at or cell)]
    while others and not others[-1]:
        others.pop()
    return (name, code, *others)


def _name_rank(cell: str) -> tuple[bool, bool, int] | None:
    """How much a cell looks like an organization's or a person's name: (ends like an
    organization's name, is one or reads as no remark such as `个人参展`, length); None
    when it holds no letter or Han character, or is a booth number (`A101`), a masked ID
    number, an e-mail or web address."""
    text = unicodedata.normalize("NFKC", cell).lower()
    if not _LETTER.search(text) or reads_as_masked_id_number(cell.upper()):
        return None
    if is_booth_code(text) or re.search(r"@|://|^www\.", text):
        return None
    organization = bool(_ORGANIZATION.search(text))  # `…展台搭建有限公司` is no remark
    return organization, organization or not _REMARK.search(text), len(text)
