"""`ipcredit screen FILE [--out REPORT]` and `ipcredit verify-report REPORT`, as subprocesses."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from credit.screening import reports
from indexer import cli
from tests.conftest import RunCli
from tests.test_screening_inputs import HALLS, workbook

LIST = (
    "展位,企业名称,统一社会信用代码\n"
    "A1,深圳市创明知识产权代理有限公司,\n"
    "A2,,91440300MA5F0A1B2N\n"
    "A3,广州市恒远贸易有限公司,\n"
    "A4,=cmd|' /C calc'!A0,\n"
    ",,\n"
    "A5,某某不存在的公司,91440300MA5F0A1B2X\n"
)


@pytest.fixture
def indexed(run_cli: RunCli, samples: Path) -> Path:
    result = run_cli("index", samples / "records.jsonl")
    assert result.returncode in (0, 3), result.stderr
    return samples


def rows_of(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_screen_to_csv_and_verify(run_cli: RunCli, indexed: Path, tmp_path: Path) -> None:
    source = tmp_path / "list.csv"
    source.write_bytes(LIST.encode("gb18030"))
    report = tmp_path / "report.csv"
    result = run_cli("screen", source, "--out", report, "--as-of", "2025-07-01")
    assert result.returncode == 0, result.stderr
    assert "已核查 5 行" in result.stderr and "公示日期 2025-07-01" in result.stderr
    rows = rows_of(report.read_bytes())
    assert rows[1][:3] == ["展位", "企业名称", "统一社会信用代码"]
    verdicts = [row[3] for row in rows[2:7]]
    assert verdicts[0].endswith("（SERIOUS）") and verdicts[1].endswith("（SERIOUS）")
    assert verdicts[2].endswith("（DISHONEST）")
    assert verdicts[3].endswith("（CLEAR）") and verdicts[4].endswith("（INVALID）")
    assert rows[5][1].startswith("'=")
    assert not list(tmp_path.glob(".*partial"))

    verified = run_cli("verify-report", report)
    assert verified.returncode == 0 and "报告真实且未被修改" in verified.stdout
    assert "2025-07-01" in verified.stdout
    tampered = tmp_path / "tampered.csv"
    tampered.write_bytes(report.read_bytes().replace(b"A3", b"A9"))
    rejected = run_cli("verify-report", tampered)
    assert rejected.returncode == 1 and "签名验证失败" in rejected.stdout


def test_screen_to_xlsx_and_stdout(run_cli: RunCli, indexed: Path, tmp_path: Path) -> None:
    source = tmp_path / "list.csv"
    source.write_text(LIST, encoding="utf-8")
    report = tmp_path / "report.xlsx"
    assert run_cli("screen", source, "--out", report, "--as-of", "2025-07-01").returncode == 0
    book = load_workbook(report, read_only=True)
    assert len(list(book["筛查结果"].iter_rows())) == 6
    book.close()
    assert run_cli("verify-report", report).returncode == 0

    printed = run_cli("screen", source, "--as-of", "2025-07-01")
    assert printed.returncode == 0
    assert printed.stdout.splitlines()[-1].startswith("签名 signature,ipcredit-report/1 ")


def test_screen_problems(run_cli: RunCli, indexed: Path, tmp_path: Path) -> None:
    source = tmp_path / "list.csv"
    source.write_text("甲,乙\n1,2\n", encoding="utf-8")
    report = tmp_path / "report.csv"
    result = run_cli("screen", source, "--out", report)
    assert result.returncode == 2 and "找不到名称列" in result.stderr
    assert not report.exists() and not list(tmp_path.glob(".*partial"))
    chosen = run_cli("screen", source, "--name-column", "乙", "--out", report)
    assert chosen.returncode == 0, chosen.stderr
    missing = run_cli("screen", tmp_path / "none.csv")
    assert missing.returncode == 2 and "无法打开文件" in missing.stderr
    assert "文件不存在" in missing.stderr
    assert run_cli("verify-report", source).returncode == 1
    assert run_cli("verify-report", report, "--key", source).returncode == 2
    gone = run_cli("verify-report", tmp_path / "none.csv")
    assert gone.returncode == 2 and "文件不存在" in gone.stderr


def test_a_list_longer_than_an_xlsx_sheet_gets_a_message(
    indexed: Path,
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """In-process (the sheet's limit made small): a message, no report, nothing partial."""
    monkeypatch.setenv("IPCREDIT_DATA_DIR", str(data_dir))
    monkeypatch.setattr(reports, "XLSX_MAX_ROWS", 3)
    source = tmp_path / "list.csv"
    source.write_bytes(LIST.encode("gb18030"))
    report = tmp_path / "report.xlsx"
    assert cli.main(["screen", str(source), "--out", str(report)]) == cli.EXIT_USAGE
    assert "名单超过 XLSX 报告的上限 3 行：请改用 CSV 报告" in capsys.readouterr().err
    assert not report.exists() and not list(tmp_path.glob(".*partial"))


def test_screen_says_which_worksheets_it_passed_over(
    run_cli: RunCli, indexed: Path, tmp_path: Path
) -> None:
    source = tmp_path / "halls.xlsx"
    source.write_bytes(workbook({**HALLS, "填表说明": [["请按模板填写"], ["每行一家企业"]]}))
    result = run_cli("screen", source, "--out", tmp_path / "report.csv", "--as-of", "2025-07-01")
    assert result.returncode == 0, result.stderr
    assert "已跳过工作表「填表说明」" in result.stderr and "已核查 3 行" in result.stderr
