"""Feed readers: JSONL, CSV in UTF-8 / UTF-8 with BOM / GB18030, gzip, long and broken lines."""

from __future__ import annotations

import gzip
from pathlib import Path

import orjson

from indexer.feeds import MAX_LINE_BYTES, FeedLine, read_feed, sniff_encoding
from tests.test_models import RECORD

HEADER = [*list(RECORD), "former_names", "measures"]


def csv_text(rows: list[dict[str, str]]) -> str:
    lines = [",".join(HEADER)]
    for row in rows:
        lines.append(",".join(_quote(row.get(column, "")) for column in HEADER))
    return "\r\n".join(lines) + "\r\n"


def _quote(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\n') else value


def read(path: Path) -> list[FeedLine]:
    return list(read_feed(path))


ROW = {key: str(value) for key, value in RECORD.items()}
ROW |= {"former_names": "旧名甲；旧名乙;旧名丙", "measures": "列为重点监管对象"}


def test_csv_in_each_encoding(tmp_path: Path) -> None:
    for encoding, expected in (
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("gb18030", "gb18030"),
    ):
        path = tmp_path / f"feed-{encoding}.csv"
        path.write_bytes(csv_text([ROW, ROW]).encode(encoding))
        assert sniff_encoding(path) == expected
        lines = read(path)
        assert [line.line_no for line in lines] == [2, 3]
        assert lines[0].data["subject_name"] == "深圳市测试科技有限公司"
        assert lines[0].data["former_names"] == ["旧名甲", "旧名乙", "旧名丙"]
        assert "delisted_on" not in lines[0].data


def test_csv_row_numbers_count_quoted_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "feed.csv"
    path.write_text(csv_text([{**ROW, "reason": "第一行\n第二行"}, ROW]), encoding="utf-8")
    assert [line.line_no for line in read(path)] == [2, 4]


def test_csv_missing_column_and_short_row(tmp_path: Path) -> None:
    path = tmp_path / "feed.csv"
    text = csv_text([ROW]).splitlines()
    path.write_text("\n".join([text[0], text[1], "a,b"]) + "\n", encoding="utf-8")
    lines = read(path)
    assert lines[0].data is not None
    assert lines[1].error is not None and "列" in lines[1].error


def test_csv_undecodable_bytes_reject_only_their_row(tmp_path: Path) -> None:
    path = tmp_path / "feed.csv"
    good = csv_text([ROW, ROW]).encode("utf-8")
    header, first, second = good.split(b"\r\n")[:3]
    path.write_bytes(header + b"\r\n" + first + b"\r\n" + b"\xff\xfe" + second + b"\r\n")
    lines = read(path)
    assert lines[0].error is None
    assert lines[1].error is not None and "解码" in lines[1].error


def test_gzip_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl.gz"
    path.write_bytes(gzip.compress(orjson.dumps(RECORD) + b"\n\n" + orjson.dumps(RECORD)))
    lines = read(path)
    assert [line.line_no for line in lines] == [1, 2, 3]
    assert lines[1].blank and lines[0].data == RECORD


def test_jsonl_broken_lines(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    huge = b'{"reason": "' + b"x" * (MAX_LINE_BYTES + 10) + b'"}'
    path.write_bytes(
        b"\xef\xbb\xbf" + orjson.dumps(RECORD) + b"\n"
        b'{"record_id": "\xff\xfe"}\n'
        b"{not json\n" + huge + b"\n" + orjson.dumps(RECORD) + b"\r\n"
    )
    lines = read(path)
    assert [line.line_no for line in lines] == [1, 2, 3, 4, 5]
    assert lines[0].data == RECORD
    assert lines[1].error is not None and "UTF-8" in lines[1].error
    assert lines[2].error is not None and "JSON" in lines[2].error
    assert lines[3].error is not None and "MiB" in lines[3].error
    assert len(lines[3].text) < 1000
    assert lines[4].data == RECORD


def test_empty_files(tmp_path: Path) -> None:
    for name in ("empty.jsonl", "empty.csv"):
        path = tmp_path / name
        path.write_bytes(b"")
        assert read(path) == []


def test_format_sniffed_without_extension(tmp_path: Path) -> None:
    path = tmp_path / "feed.txt"
    path.write_bytes(orjson.dumps(RECORD) + b"\n")
    assert read(path)[0].data == RECORD
