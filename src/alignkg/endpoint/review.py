"""The review page's server: a small Starlette app on 127.0.0.1 that lists drafts, shows one with
every proposed span highlighted, and saves the reviewer's decisions through ``save_review``.

The page is static HTML with its script and style served beside it; every value reaches it as
JSON and is put on the page as text. Its Content-Security-Policy allows requests to its own
origin only. Saves must come from the page itself: same host, a JSON body and the per-run token
the page was given, so another site open in the browser cannot post a review.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import socket
import threading
import time
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from alignkg.ingest.accept import AcceptReport
from alignkg.ingest.review import list_drafts, load_review, save_review
from alignkg.model.errors import AlignkgError

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'none'; "
    "font-src 'none'; media-src 'none'; object-src 'none'; frame-src 'none'; form-action 'none'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
"""Only the page's own origin may be asked for anything: no remote script, style, font or image."""
TOKEN_HEADER = "X-Alignkg-Token"  # noqa: S105 (a header name, not a secret)
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]"}
MAX_BODY = 4 * 1024 * 1024
_ASSETS = {
    "review.js": "text/javascript; charset=utf-8",
    "review.css": "text/css; charset=utf-8",
}
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,200}")


@dataclass(frozen=True)
class ReviewConfig:
    """Where the drafts are, the data they merge into and the ontology the trial build checks."""

    drafts_dir: Path = Path("drafts")
    data_dir: Path = Path("data")
    ontology_path: Path = Path("ontology/alignkg.ttl")
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))


def _asset(name: str) -> bytes:
    return files("alignkg").joinpath("templates", name).read_bytes()


def _report(report: AcceptReport, root: Path) -> dict[str, Any]:
    def shown(path: Path) -> str:
        return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)

    return {
        "source_id": report.source_id,
        "entities_added": report.entities_added,
        "statements_added": report.statements_added,
        "entities_replaced": report.entities_replaced,
        "statements_replaced": report.statements_replaced,
        "skipped": report.skipped,
        "files": [shown(p) for p in report.files],
    }


class _Guard(BaseHTTPMiddleware):
    """Answer only requests addressed to this machine, and give every answer the page's headers."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        host = (request.headers.get("host") or "").lower()
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if name not in LOCAL_HOSTS:
            response: Response = JSONResponse({"ok": False, "error": "unknown host"}, status_code=403)
        else:
            response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
        return response


def create_review_app(config: ReviewConfig) -> Starlette:
    """The review page and its JSON API as an ASGI application."""
    page = _asset("review.html")
    lock = asyncio.Lock()

    def folder(request: Request) -> Path:
        name = str(request.path_params["name"])
        path = config.drafts_dir / name
        if not _NAME.fullmatch(name) or not path.is_dir():
            raise AlignkgError(f"no draft {name!r} in {config.drafts_dir}")
        return path

    def refused(message: str, status: int) -> JSONResponse:
        return JSONResponse({"ok": False, "error": message}, status_code=status)

    async def show_page(request: Request) -> Response:
        return Response(page, media_type="text/html; charset=utf-8")

    async def asset(request: Request) -> Response:
        name = request.url.path.lstrip("/")
        return Response(_asset(name), media_type=_ASSETS[name])

    async def drafts(request: Request) -> JSONResponse:
        found = await run_in_threadpool(list_drafts, config.drafts_dir)
        return JSONResponse({"ok": True, "folder": str(config.drafts_dir), "drafts": found})

    async def draft(request: Request) -> JSONResponse:
        try:
            path = folder(request)
            state = await run_in_threadpool(load_review, path, data_dir=config.data_dir)
        except AlignkgError as exc:
            return refused(str(exc), 404)
        return JSONResponse({"ok": True, "token": config.token, "review": state})

    async def save(request: Request) -> JSONResponse:
        if request.headers.get(TOKEN_HEADER) != config.token:
            return refused("this page's token is missing or stale; reload the page", 403)
        origin = request.headers.get("origin")
        if origin is not None and (urlsplit(origin).hostname or "") not in {"127.0.0.1", "localhost", "::1"}:
            return refused("saves are accepted from the review page only", 403)
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return refused("send the review as application/json", 415)
        body = await request.body()
        if len(body) > MAX_BODY:
            return refused(f"the review is larger than {MAX_BODY} bytes", 413)
        try:
            submission = json.loads(body)
            if not isinstance(submission, dict):
                raise ValueError
        except ValueError:
            return refused("the review is not a JSON object", 400)
        async with lock:
            try:
                path = folder(request)
                report = await run_in_threadpool(
                    save_review,
                    path,
                    submission,
                    data_dir=config.data_dir,
                    ontology_path=config.ontology_path,
                )
                state = await run_in_threadpool(load_review, path, data_dir=config.data_dir)
            except AlignkgError as exc:
                return refused(str(exc), 422)
        return JSONResponse({"ok": True, "report": _report(report, Path.cwd()), "review": state})

    routes = [
        Route("/", show_page, methods=["GET"]),
        Route("/draft/{name}", show_page, methods=["GET"]),
        Route("/review.js", asset, methods=["GET"]),
        Route("/review.css", asset, methods=["GET"]),
        Route("/api/drafts", drafts, methods=["GET"]),
        Route("/api/drafts/{name}", draft, methods=["GET"]),
        Route("/api/drafts/{name}/save", save, methods=["POST"]),
    ]
    return Starlette(routes=routes, middleware=[Middleware(_Guard)])


def _listening_socket(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as exc:
        sock.close()
        raise AlignkgError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from exc
    sock.listen(64)
    return sock


def page_url(port: int, draft: str | None = None) -> str:
    """The address of the review page (of one draft, or of the list of drafts)."""
    return f"http://127.0.0.1:{port}/" + (f"draft/{quote(draft)}" if draft else "")


class ReviewServer:
    """The review app run by uvicorn in a background thread on 127.0.0.1, as a context manager
    (``port=0`` picks a free port)."""

    def __init__(self, config: ReviewConfig, port: int = 0) -> None:
        self.socket = _listening_socket(port)
        self.port: int = self.socket.getsockname()[1]
        self.server = uvicorn.Server(
            uvicorn.Config(create_review_app(config), log_level="warning", lifespan="off")
        )
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)

    def url(self, draft: str | None = None) -> str:
        return page_url(self.port, draft)

    def __enter__(self) -> ReviewServer:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started and self.thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.02)
        if not self.server.started:
            self.__exit__()
            raise AlignkgError("the review server did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        if self.thread.is_alive():
            self.thread.join()
        self.socket.close()


def serve_review(
    config: ReviewConfig,
    *,
    draft: str | None = None,
    port: int = 0,
    open_browser: bool = True,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve the review page until interrupted (Ctrl-C). ``on_ready`` is told the page's address
    once the port is open; ``open_browser`` opens it in the default browser."""
    if draft is not None and not (config.drafts_dir / draft).is_dir():
        raise AlignkgError(f"no draft {draft!r} in {config.drafts_dir}")
    sock = _listening_socket(port)
    url = page_url(sock.getsockname()[1], draft)
    if on_ready is not None:
        on_ready(url)
    if open_browser:
        webbrowser.open(url)
    server = uvicorn.Server(uvicorn.Config(create_review_app(config), log_level="warning", lifespan="off"))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
