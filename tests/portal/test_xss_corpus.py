"""An XSS corpus in every free-text field of records and cases: inert on every surface.

Each payload goes into every text field of one record and one typical case. Every page
is then parsed: it may contain only the tags our own templates and charts write, no
event-handler attribute and no `javascript:` URL. Feeds must stay well-formed Atom with
the payloads as text; exports must stay valid JSON Lines and CSV with formulas neutralized.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote
from xml.etree import ElementTree as ET

import feedparser
import httpx
import orjson
import pytest
from starlette.applications import Starlette

from tests.apps import client_for, indexed_app
from tests.test_models import CASE, RECORD

ROOT = Path(__file__).parent.parent.parent
PAYLOADS = (ROOT / "tests/fixtures/xss/payloads.txt").read_text(encoding="utf-8").splitlines()
UNSAFE_URL = re.compile(r"^\s*(javascript|data|vbscript):", re.IGNORECASE)


def own_tags() -> set[str]:
    """Every tag name our templates and SVG charts can write."""
    sources = [p.read_text(encoding="utf-8") for p in (ROOT / "portal/templates").glob("*.html")]
    charts = ROOT / "portal/charts.py"
    if charts.exists():
        sources.append(charts.read_text(encoding="utf-8"))
    return {tag.lower() for source in sources for tag in re.findall(r"<([a-zA-Z][\w-]*)", source)}


class Inspector(HTMLParser):
    """Collects what would be active in a browser: tags, event handlers, script URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            risky = name == "srcdoc" or bool(value and UNSAFE_URL.match(value))
            if name in ("href", "src", "action", "formaction", "srcdoc") and risky:
                self.problems.append(f"<{tag} {name}={(value or '')[:40]}>")


def assert_inert(page: str, allowed: set[str], where: str) -> None:
    inspector = Inspector()
    inspector.feed(page)
    foreign = inspector.tags - allowed
    assert not foreign, f"{where}: tags from data: {sorted(foreign)}"
    assert not inspector.problems, f"{where}: {inspector.problems[:5]}"
    assert "<script" not in page.lower(), where


def hostile_lines() -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = []
    for number, payload in enumerate(PAYLOADS):
        lines.append(
            {
                **RECORD,
                "record_id": f"XSS-{number:03d}",
                "subject_name": f"蓝鲸{payload}网络有限公司"[:200],
                "former_names": [f"旧蓝鲸{payload}"[:200]],
                "legal_representative": payload[:200],
                "reason": f"{payload} 蓝鲸提交虚假材料。",
                "legal_basis": payload,
                "measures": [payload, f"措施{payload}"],
                "authority": f"广东省知识产权局{payload}"[:200],
                "decision_no": f"粤知处字〔2025〕{number}号{payload}"[:200],
                "source": payload,
            }
        )
        lines.append(
            {
                **CASE,
                "case_id": f"XCASE-{number:03d}",
                "title": f"蓝鲸案{payload}"[:200],
                "publishers": [f"广东省知识产权局{payload}"[:200]],
                "summary": payload,
                "facts": f"{payload} 基本案情。",
                "handling": f"处理结果{payload}",
                "significance": payload,
                "legal_basis": payload,
                "tags": [payload[:50], "蓝鲸"],
                "related_record_ids": [f"XSS-{number:03d}"],
            }
        )
    return lines


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory: pytest.TempPathFactory) -> Starlette:
    return indexed_app(hostile_lines(), tmp_path_factory.mktemp("xss-corpus"))


@pytest.fixture
async def http(hostile_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(hostile_app) as client:
        yield client


def test_the_corpus_is_big_enough() -> None:
    assert len(PAYLOADS) >= 50 and len(set(PAYLOADS)) == len(PAYLOADS)


async def test_every_hostile_line_was_indexed(http: httpx.AsyncClient) -> None:
    """Otherwise the test below would pass on pages without the payloads."""
    page = (await http.get("/search", params={"q": "蓝鲸"})).text
    assert f"共 <strong>{len(PAYLOADS)}</strong> 条" in page
    cases = (await http.get("/cases")).text
    assert f"典型案例共 <strong>{len(PAYLOADS)}</strong> 篇" in cases


async def test_every_page_is_inert(http: httpx.AsyncClient) -> None:
    allowed = own_tags()
    paths = ["/", "/search", "/search?q=蓝鲸", "/search?q=蓝鲸&page=2", "/cases", "/cases?q=蓝鲸"]
    paths += [f"/entity/{RECORD['uscc']}"]
    for number, payload in enumerate(PAYLOADS):
        paths += [f"/record/XSS-{number:03d}", f"/cases/XCASE-{number:03d}"]
        paths += [f"/search?q={quote(payload[:100])}", f"/cases?q={quote(payload[:100])}"]
        paths += [f"/cases?tag={quote(payload[:50])}", f"/record/{quote(payload)}"]
    for path in paths:
        response = await http.get(path)
        assert response.status_code in (200, 400, 404), path
        assert_inert(response.text, allowed, path)


async def test_feeds_carry_payloads_as_text(http: httpx.AsyncClient) -> None:
    for path in ("/feeds/records.atom", "/feeds/cases.atom"):
        body = (await http.get(path)).content
        parsed = feedparser.parse(body)
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        tree = ET.fromstring(body)
        namespaces = {element.tag.split("}")[0] for element in tree.iter()}
        assert namespaces == {"{http://www.w3.org/2005/Atom"}, path
        assert b"<script" not in body


async def test_exports_stay_valid_and_neutralized(http: httpx.AsyncClient) -> None:
    lines = (await http.get("/search/export.jsonl", params={"q": "蓝鲸"})).text.splitlines()
    rows = [orjson.loads(line) for line in lines[1:]]
    assert len(rows) == len(PAYLOADS)
    assert {row["legal_basis"] for row in rows} == set(PAYLOADS)

    text = (await http.get("/search/export.csv", params={"q": "蓝鲸"})).text.lstrip("\ufeff")
    table = list(csv.DictReader(io.StringIO(text)))
    assert len(table) == len(PAYLOADS)
    for row in table:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@")), cell
    formulas = [p for p in PAYLOADS if p.startswith(("=", "+", "-", "@"))]
    assert formulas and all(
        any(row["legal_basis"] == "'" + formula for row in table) for formula in formulas
    )
