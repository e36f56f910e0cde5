"""Third-party SPARQL engines the tests run against: Debian's Virtuoso, started as a server on free
127.0.0.1 ports with a database in a temporary folder, and Debian's Apache Jena, whose TDB2
commands load the built graph once and answer each query in a fresh process (Debian packages no
Fuseki server). Missing packages skip the tests with a reason, or fail them under CI=true.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

from alignkg import QueryResult, Store
from alignkg.model.terms import with_prefixes
from alignkg.stores.oxigraph import TermConverter, convert_results
from alignkg.stores.protocol import query_form

VIRTUOSO = Path("/usr/bin/virtuoso-t")
ISQL = Path("/usr/bin/isql-vt")
JAVA = Path("/usr/bin/java")
JENA_JARS = Path("/usr/share/java")
# Jena 4.5's jars and the Debian libraries they need (libapache-jena-java's Depends).
JENA_CLASSPATH = [
    *(f"jena-{name}.jar" for name in ("arq", "base", "cmds", "core", "iri", "rdfconnection")),
    *(f"jena-{name}.jar" for name in ("shacl", "shex")),
    *(f"jena-{name}.jar" for name in ("tdb", "tdb2", "dboe-base", "dboe-index", "dboe-storage")),
    *(f"jena-{name}.jar" for name in ("dboe-trans-data", "dboe-transaction")),
    *(
        f"{name}.jar"
        for name in (
            "commons-cli", "commons-codec", "commons-compress", "commons-csv", "commons-io",
            "commons-lang3", "dexx.collection", "gson", "guava", "httpclient", "httpcore",
            "jackson-core", "jackson-databind", "jackson-annotations", "jsonld-java",
            "jakarta.json-api", "protobuf", "slf4j-api", "slf4j-nop", "thrift", "titanium-json-ld",
        )
    ),
]  # fmt: skip
WAIT_SECONDS = 180.0  # an upper bound for a busy machine, never a speed goal


def require(path: Path, package: str) -> None:
    """Skip (or, under CI=true, fail) when a Debian package's program is missing."""
    if not path.exists():
        message = f"{path} is missing: install Debian's {package} (apt-get install {package})"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class Virtuoso:
    """A running Virtuoso: its public (read-only) and authenticated SPARQL and Graph Store URLs,
    and a user allowed to write through the authenticated ones (Digest)."""

    base: str
    user: str
    password: str
    log: Path

    @property
    def sparql(self) -> str:
        return f"{self.base}/sparql"

    @property
    def sparql_auth(self) -> str:
        return f"{self.base}/sparql-auth"

    @property
    def graph_store(self) -> str:
        return f"{self.base}/sparql-graph-crud"

    @property
    def graph_store_auth(self) -> str:
        return f"{self.base}/sparql-graph-crud-auth"


_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DisableTcpSocket = 0
CheckpointInterval = 0
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = .
VADInstallDir = /usr/share/virtuoso-opensource-7/vad/
ThreadsPerQuery = 1

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
ServerThreads = 4
MaxClientConnections = 4
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 120
"""


def _isql(sql_port: int, password: str, script: str) -> None:
    done = subprocess.run(
        [str(ISQL), f"127.0.0.1:{sql_port}", "dba", password],
        input=script,
        capture_output=True,
        text=True,
        timeout=WAIT_SECONDS,
        check=False,
    )
    if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
        pytest.fail(f"isql failed: {done.stdout[-500:]} {done.stderr[-500:]}")


def start_virtuoso(folder: Path) -> Iterator[Virtuoso]:
    """Start Virtuoso in ``folder`` on free 127.0.0.1 ports, give it a user who may write through
    the authenticated endpoints (the public ones stay read-only), yield it and stop it."""
    import httpx

    require(VIRTUOSO, "virtuoso-opensource")
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(_INI.format(dir=folder, sql_port=sql_port, http_port=http_port), encoding="utf-8")
    log = folder / "virtuoso.log"
    output = (folder / "virtuoso.out").open("wb")
    process = subprocess.Popen(
        [str(VIRTUOSO), "+foreground", "+configfile", str(ini)],
        cwd=folder,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{http_port}"
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"Virtuoso exited with status {process.returncode}; see {log}")
            try:
                answer = httpx.post(f"{base}/sparql", data={"query": "ASK {}"}, timeout=5.0, trust_env=False)
                if answer.status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"Virtuoso did not answer within {WAIT_SECONDS:.0f} s; see {log}")
            time.sleep(0.2)
        admin, password = secrets.token_hex(12), secrets.token_hex(12)
        _isql(
            sql_port,
            "dba",
            f"DB.DBA.USER_CREATE ('alignkg', '{password}');\n"
            'GRANT SPARQL_UPDATE TO "alignkg";\n'
            "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('alignkg', 3);\n"
            f"DB.DBA.USER_CHANGE_PASSWORD ('dba', 'dba', '{admin}');\n",
        )
        yield Virtuoso(base, "alignkg", password, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        output.close()


class JenaStore(Store):
    """Apache Jena's TDB2 and ARQ behind the Store interface, for queries only: the graph is
    loaded once with ``tdb2.tdbloader``; each query runs ``tdb2.tdbquery`` over the union of the
    named graphs (``tdb:unionDefaultGraph``)."""

    def __init__(self, folder: Path, *files: Path) -> None:
        require(JAVA, "default-jre-headless")
        require(JENA_JARS / "jena-tdb2.jar", "libapache-jena-java")
        self.spec = "jena:tdb2"
        self.folder = folder
        self._classpath = ":".join(
            [*(str(JENA_JARS / jar) for jar in JENA_CLASSPATH), str(_messages(folder))]
        )
        self._java("tdb2.tdbloader", f"--loc={folder / 'tdb2'}", *map(str, files))
        self._convert = TermConverter()

    def _java(self, command: str, *args: str) -> bytes:
        done = subprocess.run(
            [str(JAVA), "-Xshare:auto", "-Xmx512m", "-cp", self._classpath, command, *args],
            capture_output=True,
            timeout=WAIT_SECONDS,
            check=False,
        )
        if done.returncode != 0:
            pytest.fail(f"{command} failed: {done.stderr.decode(errors='replace')[-2000:]}")
        return done.stdout

    def query(self, text: str, *, name: str = "query") -> QueryResult:
        full, _ = with_prefixes(text)
        form = query_form(full)
        with tempfile.NamedTemporaryFile("w", suffix=".rq", dir=self.folder, delete=False) as handle:
            handle.write(full)
        graph = form in ("CONSTRUCT", "DESCRIBE")
        output = self._java(
            "tdb2.tdbquery",
            f"--loc={self.folder / 'tdb2'}",
            "--set",
            "tdb:unionDefaultGraph=true",
            f"--results={'N-Triples' if graph else 'JSON'}",
            f"--query={handle.name}",
        )
        Path(handle.name).unlink()
        if graph:
            return convert_results(ox.parse(output, format=ox.RdfFormat.N_TRIPLES), self._convert)
        return convert_results(
            ox.parse_query_results(output, format=ox.QueryResultsFormat.JSON), self._convert
        )

    def load(self, *paths: Path | str, progress: object = None) -> None:
        raise NotImplementedError("the Jena store is loaded once, when it is made")

    def quads(self) -> Iterator[tuple[object, object, object, object]]:  # type: ignore[override]
        raise NotImplementedError

    def __len__(self) -> int:
        rows = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows
        return int(str(rows[0][0]))


def _messages(folder: Path) -> Path:
    """Debian's jena-core moves Xerces' classes to the package ``xerces`` but leaves its message
    files under ``org/apache/jena/ext/xerces``, so Jena fails to start (``internal error`` in
    XSSimpleTypeDecl); copying the files to where the classes look for them mends it."""
    target = folder / "xerces-messages"
    prefix = "org/apache/jena/ext/"
    with zipfile.ZipFile(JENA_JARS / "jena-core.jar") as jar:
        for entry in jar.namelist():
            if entry.startswith(prefix + "xerces/") and entry.endswith(".properties"):
                out = target / entry.removeprefix(prefix)
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(jar.read(entry))
    return target
