"""Reading a graph file touches nothing outside it: a JSON-LD ``@context`` or ``@import`` naming
a URL or a local file is refused with a clear error, on every store, and nothing is fetched or
read. A listener on 127.0.0.1 counts the connections; a secret file stands for the local ones."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import alignkg
from alignkg.cli import app
from alignkg.stores.memory import MemoryStore
from alignkg.stores.oxigraph import OxigraphStore

runner = CliRunner()


class Listener:
    """A TCP listener on a free 127.0.0.1 port that accepts, counts and closes connections."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port: int = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


SECRET_TERM = "https://secret.invalid/name"


def documents(folder: Path, port: int) -> dict[str, Path]:
    """JSON-LD files whose contexts point outside them: at the listener or at a secret file."""
    secret = folder / "secret-context.jsonld"
    secret.write_text(json.dumps({"@context": {"name": SECRET_TERM}}), encoding="utf-8")
    remote = f"http://127.0.0.1:{port}/context.jsonld"
    body = {"@id": "https://w3id.org/alignkg/id/x", "name": "X"}
    shapes: dict[str, object] = {
        "remote": remote,
        "remote-in-list": [remote, {"x": "https://example.invalid/x"}],
        "import": {"@import": remote},
        "relative-file": "secret-context.jsonld",
        "absolute-file": secret.as_uri(),
        "file-import": {"@import": secret.as_uri()},
    }
    files = {}
    for name, context in shapes.items():
        path = folder / f"{name}.jsonld"
        path.write_text(json.dumps({"@context": context, **body}), encoding="utf-8")
        files[name] = path
    nested = folder / "nested.jsonld"
    nested.write_text(
        json.dumps(
            {
                "@context": {"knows": {"@id": "https://w3id.org/alignkg/ontology#knows", "@context": remote}},
                "@id": "https://w3id.org/alignkg/id/x",
                "knows": {"@id": "https://w3id.org/alignkg/id/y", "name": "Y"},
            }
        ),
        encoding="utf-8",
    )
    files["scoped-context"] = nested
    return files


CASES = [
    "remote",
    "remote-in-list",
    "import",
    "relative-file",
    "absolute-file",
    "file-import",
    "scoped-context",
]
STORES = ["memory", "oxigraph", "oxigraph-path"]


def _open(kind: str, tmp_path: Path) -> alignkg.Store:
    if kind == "memory":
        return MemoryStore()
    return OxigraphStore(tmp_path / "store" if kind == "oxigraph-path" else None)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("kind", STORES)
def test_no_store_fetches_or_reads_a_context(
    tmp_path: Path, listener: Listener, case: str, kind: str
) -> None:
    path = documents(tmp_path, listener.port)[case]
    store = _open(kind, tmp_path)
    try:
        with pytest.raises(alignkg.AlignkgError) as info:
            store.load(path)
        assert str(path) in str(info.value)
        assert "context" in str(info.value)
        assert all(SECRET_TERM not in str(p) for _s, p, _o, _g in store.quads())
    finally:
        store.close()
    assert listener.connections == 0


@pytest.mark.parametrize("case", CASES)
def test_load_dataset_and_push_fetch_nothing(tmp_path: Path, listener: Listener, case: str) -> None:
    path = documents(tmp_path, listener.port)[case]
    with pytest.raises(alignkg.AlignkgError):
        alignkg.load_dataset(path)
    endpoint = Listener()
    try:
        with pytest.raises(alignkg.AlignkgError):
            alignkg.push(path, endpoint=f"http://127.0.0.1:{endpoint.port}/query")
        assert endpoint.connections == 0  # the file is refused before anything is sent
    finally:
        endpoint.close()
    assert listener.connections == 0


def test_cli_names_the_file_and_the_context(tmp_path: Path, listener: Listener) -> None:
    path = documents(tmp_path, listener.port)["remote"]
    result = runner.invoke(app, ["stats", "--graph", str(path)])
    assert result.exit_code == 1
    message = " ".join(result.stderr.split())
    assert str(path) in message and f"http://127.0.0.1:{listener.port}/context.jsonld" in message, message
    assert listener.connections == 0


def test_a_self_contained_document_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "inline.jsonld"
    path.write_text(
        json.dumps(
            {
                "@context": {"ak": "https://w3id.org/alignkg/ontology#", "name": "ak:name"},
                "@id": "https://w3id.org/alignkg/id/x",
                "name": "X",
            }
        ),
        encoding="utf-8",
    )
    for kind in STORES:
        (tmp_path / kind).mkdir()
        store = _open(kind, tmp_path / kind)
        try:
            store.load(path)
            assert len(store) == 1, kind
        finally:
            store.close()
