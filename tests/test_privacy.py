"""No full ID number or mobile number anywhere after indexing: store files, rejects, output."""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import orjson
import pytest

from credit.personal import mask_stored_body
from indexer.checking import Valid, check_line
from tests.conftest import FIXTURES, RunCli
from tests.test_models import CASE, GOOD, INDIVIDUAL, RECORD


def _valid_sample_lines() -> list[dict[str, Any]]:
    """The samples' records and cases that validate (the samples hold broken lines on
    purpose, and withdrawals, which hold no text)."""
    found: list[dict[str, Any]] = []
    for name in ("records.jsonl", "cases.jsonl"):
        for raw in (FIXTURES / "samples" / name).read_bytes().splitlines():
            try:
                line = orjson.loads(raw)
            except orjson.JSONDecodeError:
                continue
            if isinstance(line, dict) and "op" not in line and isinstance(check_line(line), Valid):
                found.append(line)
    return found


SAMPLE_LINES = _valid_sample_lines()

FULL_WIDTH_ID = "１１０１０５１９９００３０７１２３９"
FULL_NUMBERS = [
    b"110105199003071239",
    b"13800138000",
    b"110105199003071238",
    FULL_WIDTH_ID.encode(),
    b"19900307",  # the birth date of an ID number written in groups
    b"900307123",  # a first-generation ID number's
    b"0013",  # a mobile number written in groups
]


def all_bytes_under(directory: Path) -> bytes:
    return b"".join(path.read_bytes() for path in directory.rglob("*") if path.is_file())


def test_no_full_number_in_the_data_directory(
    samples: Path, data_dir: Path, run_cli: RunCli
) -> None:
    rejected = {**INDIVIDUAL, "id_number": "110105199003071238"}
    unknown_field = {**INDIVIDUAL, "record_id": "P-2", "note": "13800138000"}
    in_reason = {  # full-width digits, and a number followed by letters
        **INDIVIDUAL,
        "record_id": "P-3",
        "id_number": None,
        "reason": f"当事人身份证号{FULL_WIDTH_ID}，档案编号110105199003071239abc。",
    }
    extra = samples / "personal.jsonl"
    grouped = {  # numbers written in groups, a first-generation ID number
        **INDIVIDUAL,
        "record_id": "P-4",
        "id_number": "110105 19900307 1239",
        "reason": "身份证号 1101-0519-9003-0712-39，旧证号110105900307123，手机138 0013 8000。",
    }
    rejected_grouped = {**INDIVIDUAL, "record_id": "P-5", "id_number": "110105 19900307 1238"}
    lines = (rejected, unknown_field, in_reason, grouped, rejected_grouped)
    extra.write_bytes(b"\n".join(orjson.dumps(line) for line in lines))

    result = run_cli("index", samples / "records.jsonl", extra)
    assert result.returncode == 3

    stored = all_bytes_under(data_dir)
    assert b"110105********1239" in stored
    reports = (samples / "personal.jsonl.rejects.jsonl").read_bytes()
    output = (result.stdout + result.stderr).encode()
    for number in FULL_NUMBERS:
        assert number not in stored
        assert number not in reports
        assert number not in output


def test_reindex_masks_what_an_older_version_stored_whole(
    samples: Path, data_dir: Path, run_cli: RunCli
) -> None:
    assert run_cli("index", samples / "records.jsonl").returncode in (0, 3)
    store = sqlite3.connect(data_dir / "store.sqlite3")
    store.execute("PRAGMA secure_delete = OFF")  # as SQLite leaves freed text by default
    record_id, packed = store.execute("SELECT record_id, body FROM records LIMIT 1").fetchone()
    body = orjson.loads(packed)  # a small store keeps its bodies as text
    for version in range(3):  # earlier versions of the body linger in free pages
        body["reason"] = f"当事人身份证号 110105 19900307 1239，电话 138-0013-8000（{version}）。"
        store.execute(
            "UPDATE records SET body = ? WHERE record_id = ?",
            (orjson.dumps(body).decode(), record_id),
        )
        store.commit()
    store.execute(
        "INSERT INTO ingest_rejects VALUES (1, 99, 'id_number', '校验位错误',"
        ' \'{"id_number": "110105 19900307 1238"}\')'
    )
    store.execute("DELETE FROM meta WHERE key = 'masking'")  # as an older version left it
    store.commit()
    store.close()

    first = run_cli("reindex")
    assert first.returncode == 0 and "个人号码已遮盖" in first.stdout
    stored = all_bytes_under(data_dir)
    for number in (b"19900307", b"0013-8000", b"0013"):
        assert number not in stored
    store = sqlite3.connect(data_dir / "store.sqlite3")
    (kept,) = store.execute("SELECT body FROM records WHERE record_id = ?", (record_id,)).fetchone()
    store.close()
    assert (
        orjson.loads(kept)["reason"] == "当事人身份证号 110105********1239，电话 138****8000（2）。"
    )
    assert "个人号码已遮盖" not in run_cli("reindex").stdout  # once per masking version


def test_reindex_masks_a_source_url_a_version_3_store_kept_whole(
    samples: Path, data_dir: Path, run_cli: RunCli
) -> None:
    """Version 3 masked URLs as text: numbers written `%20` or `+` apart stayed whole."""
    assert run_cli("index", samples / "cases.jsonl").returncode in (0, 3)
    store = sqlite3.connect(data_dir / "store.sqlite3")
    case_id, text = store.execute("SELECT case_id, body FROM cases LIMIT 1").fetchone()
    body = orjson.loads(text)
    body["source_url"] = "https://example.org/c?tel=138%200013%208000&id=110105+19900307+1239"
    store.execute(
        "UPDATE cases SET body = ? WHERE case_id = ?", (orjson.dumps(body).decode(), case_id)
    )
    store.execute("UPDATE meta SET value = '3' WHERE key = 'masking'")  # as version 3 left it
    store.commit()
    store.close()

    assert run_cli("reindex").returncode == 0
    store = sqlite3.connect(data_dir / "store.sqlite3")
    (kept,) = store.execute("SELECT body FROM cases WHERE case_id = ?", (case_id,)).fetchone()
    store.close()
    assert orjson.loads(kept)["source_url"] == (
        "https://example.org/c?tel=138****8000&id=110105********1239"
    )
    stored = all_bytes_under(data_dir)
    assert b"0013%208000" not in stored and b"19900307" not in stored


def test_indexing_masks_what_an_older_version_stored_whole_before_the_engine_has_it(
    samples: Path, data_dir: Path, run_cli: RunCli
) -> None:
    assert run_cli("index", "--defer-engine", samples / "records.jsonl").returncode in (0, 3)
    store = sqlite3.connect(data_dir / "store.sqlite3")
    record_id, packed = store.execute(
        "SELECT record_id, body FROM records WHERE body IS NOT NULL AND delisted_on IS NULL"
        " AND publish_until IS NULL ORDER BY record_id LIMIT 1"
    ).fetchone()
    body = orjson.loads(packed)  # a small store keeps its bodies as text
    body["reason"] = "当事人身份证号 110105 19900307 1239。"  # as older versions kept it
    store.execute(
        "UPDATE records SET body = ? WHERE record_id = ?", (orjson.dumps(body).decode(), record_id)
    )
    store.execute("DELETE FROM meta WHERE key = 'masking'")  # as an older version left it
    store.commit()
    store.close()

    assert run_cli("index", samples / "records.jsonl").returncode in (0, 3)  # catches up
    shown = run_cli("show", record_id, "--as-of", body["publish_from"], "--json")
    assert shown.returncode == 0, shown.stderr
    assert "110105********1239" in shown.stdout and "19900307" not in shown.stdout


_DIGITS_APART = re.compile(r"[\s+-]")
WRITTEN_NUMBERS = (
    " 电话 +86 138 0013 8000，身份证１１０１０５１９９００３０７１２３９"
    " 见 https://e.org/?tel=138%200013%208000&id=110105+19900307+1239"
)
URL_NUMBERS = "?tel=8613800138000&id=110105199003071239&m=138%200013%208000&p=110105+19900307+1239"


def _with_numbers(value: object, key: str) -> object:
    if isinstance(value, list):
        return [_with_numbers(item, key) for item in value]
    if not isinstance(value, str):
        return value
    return value + (URL_NUMBERS if key == "source_url" else WRITTEN_NUMBERS)


WITH_URL = {**CASE, "source_url": "https://example.org/cases/1"}


@pytest.mark.parametrize("example", [RECORD, INDIVIDUAL, GOOD, WITH_URL, *SAMPLE_LINES])
def test_validation_masks_every_text_as_the_stored_masking_does(example: dict[str, Any]) -> None:
    """Indexing trusts a store created by this version to hold bodies masked as
    `mask_stored_body` would (`Store.bodies_masked`): every text of a line, with numbers
    written in it, comes out of validation masked, or the line is refused."""
    refused, texts = 0, 0
    for key, value in example.items():
        if key in ("record_id", "case_id", "uscc") or not isinstance(value, str | list):
            continue
        checked = check_line({**example, key: _with_numbers(value, key)})
        if not isinstance(checked, Valid):
            refused += 1  # a field with a fixed form (a date, a code from a list)
            continue
        texts += 1
        body = orjson.loads(str(checked.row[-1]))
        assert mask_stored_body(body) == body, key
        shown = unquote_plus(unicodedata.normalize("NFKC", str(checked.row)))
        written = _DIGITS_APART.sub("", shown)
        assert "13800138000" not in written and "19900307" not in written, key
    assert texts >= 3, f"only {texts} texts took numbers ({refused} fields refused them)"
