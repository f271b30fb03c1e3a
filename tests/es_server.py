"""An Elasticsearch cluster for the tests: a real one, or a noida-db test server.

`IPCREDIT_TEST_ES_URL` names a real cluster to run against. Without it, the
first test that needs a cluster starts noida-db (an Elasticsearch-8-compatible
server from the `test` extra) on a free loopback port with a fresh data
directory, and the session stops it at exit. `EsServer` is also used alone by
tests that stop and restart their own server.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from importlib.resources import files
from pathlib import Path

from elasticsearch import Elasticsearch

from credit.config import Settings
from credit.search import es_mappings
from credit.search.es_engine import ElasticsearchEngine

START_SECONDS = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Have the kernel stop the server if the test process dies without cleaning up."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class EsServer:
    """One noida-db process serving only Elasticsearch on a loopback port."""

    def __init__(self, data_dir: Path | None = None, port: int | None = None) -> None:
        self.data_dir = data_dir or Path(tempfile.mkdtemp(prefix="ipcredit-es-"))
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> EsServer:
        """Start the server and wait until it answers."""
        binary = Path(str(files("noida_db").joinpath("noida-db")))
        if not os.access(binary, os.X_OK):
            binary.chmod(0o755)
        log = (self.data_dir.parent / f"{self.data_dir.name}.log").open("ab")
        command = [str(binary), "start", "--only", "elasticsearch"]
        command += ["--elasticsearch-port", str(self.port), "--data-dir", str(self.data_dir)]
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            preexec_fn=_die_with_parent,
        )
        log.close()
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"noida-db exited with {self.process.returncode}; see its log")
            if self.answers():
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"noida-db did not answer on {self.url} within {START_SECONDS} s")

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.url, timeout=1) as response:
                return bool(response.status == 200)
        except (OSError, urllib.error.URLError):
            return False

    def stop(self) -> None:
        """Stop the server (its data stays in the data directory)."""
        if self.process is None:
            return
        process, self.process = self.process, None
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def remove(self) -> None:
        """Stop the server and delete its data."""
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)


_shared: EsServer | None = None


def es_url() -> str:
    """The cluster of this test session: `IPCREDIT_TEST_ES_URL`, or the shared test server."""
    global _shared
    if url := os.environ.get("IPCREDIT_TEST_ES_URL"):
        return url
    if _shared is None:
        _shared = EsServer().start()
        atexit.register(_shared.remove)
    return _shared.url


def unique_prefix() -> str:
    """An index prefix no other build of this or another run uses."""
    return f"ipcredit-test-{uuid.uuid4().hex[:12]}"


def delete_prefix(url: str, prefix: str) -> None:
    """Delete every index (and so alias) of one prefix, by name (clusters refuse wildcard
    deletes by default)."""
    with Elasticsearch(url) as client:
        for alias in (es_mappings.records_alias(prefix), es_mappings.cases_alias(prefix)):
            found = client.indices.get(index=f"{alias}-*", expand_wildcards="all")
            if found.body:
                client.options(ignore_status=404).indices.delete(index=list(found.body))


class DisposableEngine(ElasticsearchEngine):
    """An Elasticsearch reader whose indices are deleted when it is closed."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings.es_urls, settings.es_index_prefix)
        self.settings = settings

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            delete_prefix(self.settings.es_urls[0], self.settings.es_index_prefix)
