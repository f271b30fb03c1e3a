"""Markup in any record field or in the query is inert on every page."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from tests.apps import client_for, indexed_app
from tests.test_models import RECORD

PAYLOADS = [
    "<script>alert(1)</script>",
    '"onmouseover=alert(2) x="',
    "'><img src=x onerror=alert(3)>",
]
UNSAFE = re.compile(r"<script>alert|<img src=x|\"onmouseover=|'><img")


def hostile_record() -> dict[str, Any]:
    payload = "".join(PAYLOADS)
    return {
        **RECORD,
        "record_id": "XSS-ALL",
        "subject_name": f"蓝鲸{PAYLOADS[0]}网络科技有限公司",
        "former_names": [f"旧名{PAYLOADS[1]}有限公司"],
        "legal_representative": f"张{PAYLOADS[2]}",
        "reason": f"蓝鲸网络提交虚假材料{payload}。",
        "legal_basis": f"依据{payload}",
        "measures": [f"措施{payload}"],
        "authority": f"广东省知识产权局{PAYLOADS[0]}",
        "decision_no": f"粤知处字〔2025〕{PAYLOADS[1]}号",
        "source": f"来源{payload}",
    }


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory: pytest.TempPathFactory) -> Starlette:
    return indexed_app([hostile_record()], tmp_path_factory.mktemp("xss"))


@pytest.fixture
async def http(hostile_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(hostile_app) as client:
        yield client


async def test_the_hostile_record_is_served(http: httpx.AsyncClient) -> None:
    page = (await http.get("/record/XSS-ALL")).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&#34;onmouseover=alert(2) x=&#34;" in page


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/search?q=蓝鲸",
        "/search?q=alert",
        "/search?q=onerror",
        f"/entity/{RECORD['uscc']}",
        "/record/XSS-ALL",
        *(f"/search?q={p}" for p in PAYLOADS),
        '/search?kind=<script>&province="x',
        f"/record/{PAYLOADS[0]}",
        f"/entity/{PAYLOADS[1]}",
    ],
)
async def test_no_page_echoes_markup(http: httpx.AsyncClient, path: str) -> None:
    response = await http.get(path)
    assert response.status_code in (200, 400, 404)
    assert not UNSAFE.search(response.text), UNSAFE.search(response.text)
