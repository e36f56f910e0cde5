"""Shared fixtures: the shipped data built once per session, and a scratch copy of the project."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import alignkg
from engines import JenaStore, Virtuoso, start_virtuoso

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
ONTOLOGY = ROOT / "ontology" / "alignkg.ttl"


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> alignkg.BuildReport:
    """The shipped data built once into a temporary folder."""
    return alignkg.build(DATA, ONTOLOGY, tmp_path_factory.mktemp("build"))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of data/ and ontology/ in a temporary folder that is also the working directory."""
    shutil.copytree(DATA, tmp_path / "data")
    shutil.copytree(ONTOLOGY.parent, tmp_path / "ontology")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _oxigraph_binary() -> str:
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if found is None:
        pytest.fail("the Oxigraph server binary is missing: install the 'oxigraph' package (dev extra)")
    return found


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Oxigraph SPARQL server on a free 127.0.0.1 port with a temporary database folder,
    its default graph the union of its named graphs; yields its query URL and stops it after."""
    import httpx

    port = _free_port()
    location = tmp_path_factory.mktemp("oxigraph-server")
    log = (location.parent / "oxigraph-server.log").open("wb")
    process = subprocess.Popen(
        [
            _oxigraph_binary(),
            "serve",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        for _ in range(300):
            if process.poll() is not None:
                pytest.fail(f"the Oxigraph server exited with status {process.returncode}")
            try:
                httpx.post(url, data={"query": "ASK {}"}, timeout=1.0, trust_env=False)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("the Oxigraph server did not start listening")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """Debian's Virtuoso on free 127.0.0.1 ports with a temporary database, stopped after."""
    yield from start_virtuoso(tmp_path_factory.mktemp("virtuoso"))


@pytest.fixture(scope="session")
def virtuoso_loaded(virtuoso: Virtuoso, built: alignkg.BuildReport) -> Virtuoso:
    """Virtuoso holding the built graph, pushed through its authenticated Graph Store (Digest)."""
    from alignkg.stores.credentials import AuthScheme, Credentials

    trig = next(p for p in built.files if p.suffix == ".trig")
    alignkg.push(
        trig,
        endpoint=virtuoso.sparql_auth,
        graph_store=virtuoso.graph_store_auth,
        auth=Credentials(AuthScheme.digest, user=virtuoso.user, password=virtuoso.password),
    )
    return virtuoso


@pytest.fixture(scope="session")
def jena(built: alignkg.BuildReport, tmp_path_factory: pytest.TempPathFactory) -> JenaStore:
    """Apache Jena (TDB2 and ARQ) holding the built graph."""
    trig = next(p for p in built.files if p.suffix == ".trig")
    return JenaStore(tmp_path_factory.mktemp("jena"), trig)


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
"""Debian's Chromium and its flags for the browser tests (no updates, sync or telemetry)."""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium; Playwright never downloads a browser of its own."""
    if not CHROMIUM.is_file():
        message = f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()
