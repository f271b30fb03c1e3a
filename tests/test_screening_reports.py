"""Report files: layout, formula neutralization, signatures that catch any changed byte."""

from __future__ import annotations

import csv
import io
import stat
from datetime import date, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from openpyxl import load_workbook

from credit.clock import SHANGHAI
from credit.screening.inputs import read_upload
from credit.screening.matching import Entry, Match, RowResult
from credit.screening.reports import (
    OUTPUT_HEADERS,
    Report,
    ReportInfo,
    XlsxReportWriter,
    neutralize,
    report_from_table,
    report_to_csv,
    report_to_xlsx,
)
from credit.screening.signing import (
    KEY_FILE,
    PUBLIC_KEY_FILE,
    key_id,
    load_or_create_key,
    load_public_key,
    public_key_pem,
    verify_report,
)

RECORD = {"record_id": "S-1", "kind": "serious_list", "subject_name": "某某公司", "uscc": "X"}
GOOD = {"record_id": "G-1", "kind": "good_credit", "subject_name": "某某公司"}


def sample_report() -> Report:
    data = "展位,企业名称,统一社会信用代码\r\nA1,某某公司,\r\n=1+1,@SUM(A1),-2\r\n+3,,\r\n"
    table = read_upload(data.encode("gb18030"), "list.csv")
    matches = (
        Match("NAME", 1.0, RECORD, "名称与公示记录「某某公司」一致"),
        Match("NAME", 1.0, GOOD, "名称与公示记录「某某公司」一致"),
    )
    results = [
        RowResult(Entry("2", "某某公司"), "SERIOUS", matches, (), "列入严重违法失信名单：…"),
        RowResult(Entry("3", "@SUM(A1)", "-2"), "INVALID", (), ("x",), "=无法核查"),
        RowResult(Entry("4"), "INVALID", (), ("名称和统一社会信用代码均为空",), "无法核查"),
    ]
    created = datetime(2025, 7, 1, 9, 30, tzinfo=SHANGHAI)
    info = ReportInfo("SR-20250701-ABCDEF0123", date(2025, 7, 1), 42, created)
    return report_from_table(table, results, info)


@pytest.fixture(scope="module")
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def test_neutralize() -> None:
    for cell in ("=1+1", "+1", "-1", "@A1", "\tx", "\rx"):
        assert neutralize(cell) == "'" + cell
    for cell in ("", "深圳", "1-2", "a=b"):
        assert neutralize(cell) == cell


def test_csv_layout_and_neutralization(key: Ed25519PrivateKey) -> None:
    data = report_to_csv(sample_report(), key)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0][:7] == [
        "ipcredit 展商信用筛查报告",
        "报告编号 report id",
        "SR-20250701-ABCDEF0123",
        "公示日期 as of",
        "2025-07-01",
        "数据版本 data version",
        "42",
    ]
    assert rows[1] == ["展位", "企业名称", "统一社会信用代码", *OUTPUT_HEADERS]
    assert rows[2][:4] == ["A1", "某某公司", "", "列入严重违法失信名单（SERIOUS）"]
    assert rows[2][4] == "名称（NAME）"
    assert "S-1（严重违法失信名单，名称）" in rows[2][5] and "G-1（守信激励" in rows[2][5]
    assert rows[3][:3] == ["'=1+1", "'@SUM(A1)", "'-2"]
    assert rows[3][6].startswith("'=")
    assert rows[4][0] == "'+3"
    assert rows[5][0] == "汇总 summary" and "SERIOUS=1" in rows[5] and "INVALID=2" in rows[5]
    assert rows[6][0] == "签名 signature" and rows[6][1].startswith("ipcredit-report/1 ")


def test_xlsx_layout_and_neutralization(key: Ed25519PrivateKey) -> None:
    data = report_to_xlsx(sample_report(), key)
    book = load_workbook(io.BytesIO(data), read_only=True)
    results = [list(r) for r in book["筛查结果"].iter_rows(values_only=True)]
    assert results[0] == ["展位", "企业名称", "统一社会信用代码", *OUTPUT_HEADERS]
    assert results[2][:3] == ["'=1+1", "'@SUM(A1)", "'-2"]
    info = {r[0]: r[-1] for r in book["报告信息"].iter_rows(values_only=True)}
    assert info["报告编号 report id"] == "SR-20250701-ABCDEF0123"
    assert info["公示日期 as of"] == "2025-07-01" and info["数据版本 data version"] == "42"
    assert info["合计 total"] == 3
    book.close()


RICH_TEXT_LOOKALIKES = [
    "<r><t>a</t></r>",
    "<r><t>a</t></r></si><si><t>CLEAR?</t></si><si><r><t>b</t></r>",
    '<r></r></is></c><c r="Y2"><f>HYPERLINK("x")</f></c><c><is><r></r>',
    "<r>&</r>",
]


@pytest.mark.parametrize("to_path", [False, True], ids=["in-memory", "to-a-path"])
def test_xlsx_cells_that_look_like_rich_text_xml_stay_text(
    key: Ed25519PrivateKey, tmp_path: Path, to_path: bool
) -> None:
    """XlsxWriter copies a `<r>…</r>` string into the file as XML: a hostile cell must
    neither change another cell nor become a formula, and must read back as it was."""
    text = "名称,备注\r\n" + "".join(
        f'某某公司,"{c.replace(chr(34), 2 * chr(34))}"\r\n' for c in RICH_TEXT_LOOKALIKES
    )
    table = read_upload(text.encode(), "list.csv")
    result = RowResult(Entry("2", "某某公司"), "SERIOUS", (), (), "列入严重违法失信名单：…")
    info = ReportInfo("SR-20250701-ABCDEF0123", date(2025, 7, 1), 42, datetime(2025, 7, 1))
    report = report_from_table(table, [result] * len(table.rows), info)
    if to_path:
        target = tmp_path / "report.xlsx"
        writer = XlsxReportWriter(target, info, report.headers, key)
        for row in report.rows:
            writer.write(row.cells, row.result)
        writer.finish()
        data = target.read_bytes()
    else:
        data = report_to_xlsx(report, key)
    assert verify_report(data, key.public_key()).genuine
    book = load_workbook(io.BytesIO(data))
    sheet = book["筛查结果"]
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == RICH_TEXT_LOOKALIKES
    assert {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)} == {
        "列入严重违法失信名单（SERIOUS）"
    }
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    book.close()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_signature_accepts_the_file_and_rejects_any_changed_byte(
    key: Ed25519PrivateKey, kind: str
) -> None:
    report = sample_report()
    data = report_to_csv(report, key) if kind == "csv" else report_to_xlsx(report, key)
    verdict = verify_report(data, key.public_key())
    assert verdict.genuine and verdict.format == kind
    assert verdict.fields is not None
    assert (verdict.fields.report_id, verdict.fields.as_of, verdict.fields.data_version) == (
        "SR-20250701-ABCDEF0123",
        date(2025, 7, 1),
        42,
    )
    assert "2025-07-01" in verdict.message and "42" in verdict.message
    step = max(1, len(data) // 400)
    for at in [*range(0, len(data), step), len(data) - 1, len(data) - 30]:
        changed = bytearray(data)
        changed[at] ^= 0x01
        assert not verify_report(bytes(changed), key.public_key()).genuine, at
    assert not verify_report(data + b"x", key.public_key()).genuine
    assert not verify_report(data[:-1], key.public_key()).genuine


def test_signature_rejects_another_key_and_unsigned_files(key: Ed25519PrivateKey) -> None:
    data = report_to_csv(sample_report(), key)
    other = Ed25519PrivateKey.generate().public_key()
    verdict = verify_report(data, other)
    assert not verdict.genuine and "密钥" in verdict.message
    unsigned = verify_report("名称\r\n某公司\r\n".encode(), key.public_key())
    assert not unsigned.genuine and "找不到报告签名" in unsigned.message
    assert not verify_report(b"", key.public_key()).genuine


def test_key_pair_is_created_once_and_private(tmp_path: Path) -> None:
    first = load_or_create_key(tmp_path / "var")
    assert stat.S_IMODE((tmp_path / "var" / KEY_FILE).stat().st_mode) == 0o600
    again = load_or_create_key(tmp_path / "var")
    assert key_id(first.public_key()) == key_id(again.public_key())
    published = (tmp_path / "var" / PUBLIC_KEY_FILE).read_bytes()
    assert published == public_key_pem(first.public_key())
    assert key_id(load_public_key(published)) == key_id(first.public_key())
    assert sorted(p.name for p in (tmp_path / "var").iterdir()) == [KEY_FILE, PUBLIC_KEY_FILE]
