"""Browser tests: real headless Chromium (Debian's) driving a real uvicorn over a real index.

The data directory is built once (a small generated feed, marked as demo data so the banner
shows), the portal is served by `ipcredit serve` on a free loopback port, and every test gets
a fresh browser context (no cookies). Playwright's own browsers are never used: Chromium is
the system one, and a missing Chromium fails the tests rather than skipping them.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from credit.service import DEMO_MARKER

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
RECORDS = 3_000
CASES = 12
SEED = 42
BROAD_QUERY = "有限公司"
STARTUP_LIMIT_S = 60.0


def _cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "IPCREDIT_DATA_DIR": str(data_dir), "PYTHONPATH": str(PROJECT_ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "indexer.cli", *args],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="package")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated corpus indexed by `ipcredit index`, marked as demo data."""
    root = tmp_path_factory.mktemp("browser")
    data = root / "var"
    feed = root / "feed.jsonl"
    generate = ["generate", "--records", str(RECORDS), "--cases", str(CASES)]
    for args in (
        (*generate, "--seed", str(SEED), "--out", str(feed)),
        ("index", str(feed)),
    ):
        done = _cli(data, *args)
        assert done.returncode == 0, f"ipcredit {args[0]} failed:\n{done.stdout}\n{done.stderr}"
    (data / DEMO_MARKER).write_text("演示数据：全部为虚构数据。\n", encoding="utf-8")
    return data


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@pytest.fixture(scope="package")
def base_url(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The portal served by `ipcredit serve` (real uvicorn) in a subprocess."""
    port = _free_port()
    log_path = tmp_path_factory.mktemp("server") / "serve.log"
    env = {
        **os.environ,
        "IPCREDIT_DATA_DIR": str(data_dir),
        "IPCREDIT_RATE_LIMIT": "0",
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "indexer.cli", "serve", "--port", str(port)],
            env=env,
            cwd=PROJECT_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_LIMIT_S
        while not _answers(f"{url}/healthz"):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the portal did not start:\n{log_path.read_text()}")
            time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless; its absence is a failure, never a skip."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (bash .ci/run does)")
    launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield launched
    launched.close()


def new_context(browser: Browser, base_url: str, **options: Any) -> BrowserContext:
    """A fresh context (no cookies) on the portal; 1280×900 unless told otherwise."""
    settings: dict[str, Any] = {
        "base_url": base_url,
        "viewport": {"width": 1280, "height": 900},
        "locale": "zh-CN",
        **options,
    }
    context = browser.new_context(**settings)
    context.set_default_timeout(15_000)
    return context


@pytest.fixture
def context(browser: Browser, base_url: str) -> Iterator[BrowserContext]:
    fresh = new_context(browser, base_url)
    yield fresh
    fresh.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def _fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        text: str = response.read().decode("utf-8")
        return text


@pytest.fixture(scope="package")
def search_path() -> str:
    """A search with several pages of results."""
    return "/search?" + urllib.parse.urlencode({"q": BROAD_QUERY})


@pytest.fixture(scope="package")
def entity_path(base_url: str, search_path: str) -> str:
    """The credit report of the first organization found by the broad search."""
    found = re.search(r'href="(/entity/[0-9A-Z]{18})"', _fetch(base_url + search_path))
    assert found, "no entity link on the search page"
    return found.group(1)


@pytest.fixture(scope="package")
def record_path(base_url: str, search_path: str) -> str:
    """The page of the first record found by the broad search."""
    found = re.search(r'href="(/record/[^"]+)"', _fetch(base_url + search_path))
    assert found, "no record link on the search page"
    return found.group(1)


@pytest.fixture(scope="package")
def case_path(base_url: str) -> str:
    """The page of the first typical case listed."""
    found = re.search(r'href="(/cases/[^"?]+)"', _fetch(base_url + "/cases"))
    assert found, "no case link on /cases"
    return found.group(1)


@pytest.fixture(scope="package")
def page_paths(
    search_path: str, entity_path: str, record_path: str, case_path: str
) -> dict[str, str]:
    """Every kind of page the portal serves, by name."""
    return {
        "home": "/",
        "search": search_path,
        "search-empty": "/search?q=不存在的名称甲乙丙丁",
        "search-filtered": f"{search_path}&severity=serious",  # the filter form open
        "entity": entity_path,
        "record": record_path,
        "cases": "/cases",
        "case": case_path,
        "stats": "/stats",
        "repair": "/help/credit-repair",
        "categories": "/help/categories",
        "not-found": "/record/no-such-record",
    }
