"""`ipcredit search` and `ipcredit show` as a user runs them: real subprocesses, real index."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from credit.search.query import FACET_NAMES
from tests.conftest import FIXTURES, RunCli, cli_env

AS_OF = "2025-07-01"
FULL_ID_NUMBER = "110105199003071239"
MASKED_ID_NUMBER = "110105********1239"


class Cli:
    """`ipcredit` against one data directory that the module indexed once."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    def __call__(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "indexer.cli", *map(str, args)],
            env=cli_env(self.data_dir),
            capture_output=True,
            text=True,
            timeout=300,
        )


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    """The sample records and cases indexed once for every (read-only) test here."""
    root = tmp_path_factory.mktemp("cli_search")
    feeds = root / "samples"
    feeds.mkdir()
    for source in (FIXTURES / "samples").iterdir():
        (feeds / source.name).write_bytes(source.read_bytes())
    run = Cli(root / "var")
    indexed = run("index", feeds / "records.jsonl", feeds / "cases.jsonl")
    assert indexed.returncode == 3, indexed.stderr  # the samples hold three bad lines
    return run


def test_search_finds_a_name_by_part_of_it(cli: Cli) -> None:
    result = cli("search", "创明", "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    assert "CNIPA-2025-0001" in result.stdout
    assert "深圳市【创明】知识产权代理有限公司" in result.stdout
    assert f"截至 {AS_OF}，共 1 条" in result.stdout


def test_search_json_has_total_hits_and_facets(cli: Cli) -> None:
    result = cli("search", "创明", "--as-of", AS_OF, "--json")
    assert result.returncode == 0, result.stderr
    page = orjson.loads(result.stdout)
    assert page["as_of"] == AS_OF
    assert page["total"] == 1
    assert [hit["id"] for hit in page["hits"]] == ["CNIPA-2025-0001"]
    hit = page["hits"][0]
    assert hit["record"]["subject_name"] == "深圳市创明知识产权代理有限公司"
    assert "<mark>创明</mark>" in hit["highlights"]["subject_name"]
    assert set(page["facets"]) == set(FACET_NAMES)
    assert {"value": "serious_list", "count": 1} in page["facets"]["kind"]
    assert {"value": "2025", "count": 1} in page["facets"]["year"]


def test_search_json_applies_the_publication_rule_to_totals_and_facets(cli: Cli) -> None:
    """北京华创新材料: the delisted dishonest act is not counted, the good-credit record is."""
    result = cli("search", "北京华创新材料科技有限公司", "--as-of", AS_OF, "--json")
    assert result.returncode == 0, result.stderr
    page = orjson.loads(result.stdout)
    assert [hit["id"] for hit in page["hits"]] == ["CNIPA-GC-2024-0009"]
    assert page["total"] == 1
    assert page["facets"]["kind"] == [{"value": "good_credit", "count": 1}]
    assert "CNIPA-2024-0033" not in result.stdout


def test_a_query_of_101_characters_is_refused_in_chinese(cli: Cli) -> None:
    result = cli("search", "创" * 101, "--as-of", AS_OF)
    assert result.returncode == 2
    assert "过长" in result.stderr and "100" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_an_invalid_uscc_is_a_message_not_zero_hits(cli: Cli) -> None:
    result = cli("search", "91440300MA5F0A1B2X", "--as-of", AS_OF)
    assert result.returncode == 2
    assert "校验位错误" in result.stderr
    assert "Traceback" not in result.stderr
    assert "共 0 条" not in result.stdout


def test_a_valid_uscc_is_an_exact_lookup(cli: Cli) -> None:
    result = cli("search", "91440300ma5f0a1b2n", "--as-of", AS_OF, "--json")
    assert result.returncode == 0, result.stderr
    page = orjson.loads(result.stdout)
    assert [hit["id"] for hit in page["hits"]] == ["CNIPA-2025-0001"]


def test_show_prints_a_published_record(cli: Cli) -> None:
    result = cli("show", "CNIPA-2025-0001", "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    assert "深圳市创明知识产权代理有限公司" in result.stdout
    assert "91440300MA5F0A1B2N" in result.stdout
    assert "国知处字〔2025〕8号" in result.stdout


@pytest.mark.parametrize("as_json", [False, True])
def test_an_unpublished_record_answers_like_an_unknown_id(cli: Cli, as_json: bool) -> None:
    """Delisted, withdrawn and not-yet-published records look exactly like ids never seen."""
    options = ["--as-of", AS_OF, *(["--json"] if as_json else [])]

    def shape(record_id: str) -> tuple[int, str, str]:
        result = cli("show", record_id, *options)
        return (
            result.returncode,
            result.stdout.replace(record_id, "<ID>"),
            result.stderr.replace(record_id, "<ID>"),
        )

    unknown = shape("NO-SUCH-ID")
    assert unknown[0] != 0
    assert "<ID>" in unknown[1] + unknown[2]
    hidden = ["CNIPA-2024-0033"]  # delisted (信用修复) on 2025-03-01
    if not as_json:
        hidden += ["CNIPA-2025-0130", "CNIPA-2025-0090"]  # withdrawn; published from 2025-08-01
    for record_id in hidden:
        assert shape(record_id) == unknown, record_id


def test_show_of_an_individual_serves_only_the_masked_id_number(cli: Cli) -> None:
    text = cli("show", "CNIPA-2025-0101", "--as-of", AS_OF)
    assert text.returncode == 0, text.stderr
    assert f"身份证号码：{MASKED_ID_NUMBER}" in text.stdout
    as_json = cli("show", "CNIPA-2025-0101", "--as-of", AS_OF, "--json")
    assert as_json.returncode == 0, as_json.stderr
    assert orjson.loads(as_json.stdout)["id_number_masked"] == MASKED_ID_NUMBER
    found = cli("search", "王某某", "--as-of", AS_OF, "--json")
    assert "CNIPA-2025-0101" in found.stdout
    for result in (text, as_json, found):
        assert FULL_ID_NUMBER not in result.stdout + result.stderr
        assert "199003071239" not in result.stdout + result.stderr


def test_output_cut_short_by_a_pipe_is_not_an_error(
    tmp_path: Path, data_dir: Path, run_cli: RunCli
) -> None:
    feed = tmp_path / "feed.jsonl"
    assert run_cli("generate", "--records", "3000", "--out", feed).returncode == 0
    assert run_cli("index", feed).returncode == 0
    search = f"{sys.executable} -m indexer.cli search 有限公司 --size 100 --json"
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", f"{search} | head -c 1 >/dev/null"],
        env=cli_env(data_dir),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in result.stderr
    assert result.returncode == 0
