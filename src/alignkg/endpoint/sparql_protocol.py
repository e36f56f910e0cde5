"""Reading a SPARQL 1.1 Protocol request: the query and its parameters from a GET, a form POST or
a direct POST, with the body bounded in bytes and updates refused in every form."""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.requests import Request

from alignkg.endpoint.guard import RequestError

_FORM = "application/x-www-form-urlencoded"


def one_param(params: dict[str, list[str]], name: str) -> str | None:
    """The one value of parameter ``name``, None when absent; 400 when given more than once."""
    values = params.get(name, [])
    if len(values) > 1:
        raise RequestError(f"give the {name!r} parameter once", status=400, code="bad-request")
    return values[0] if values else None


async def _body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length")
    too_large = RequestError(
        f"the request body is larger than the limit of {limit} bytes", status=413, code="body-too-large"
    )
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def _text(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RequestError(f"the {what} is not UTF-8", status=400, code="bad-request") from exc


def _refuse_update() -> RequestError:
    return RequestError(
        "this endpoint is read-only: SPARQL Update requests are refused", status=403, code="update-refused"
    )


async def protocol_params(request: Request, limit: int) -> tuple[str | None, dict[str, list[str]]]:
    """The query text and the other protocol parameters, from any of the three request kinds."""
    url_params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        url_params.setdefault(key, []).append(value)
    if request.method == "GET":
        if "update" in url_params:
            raise _refuse_update()
        return one_param(url_params, "query"), url_params
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/sparql-update":
        raise _refuse_update()
    body = await _body(request, limit)
    if content_type == _FORM:
        params = parse_qs(_text(body, "request body"), keep_blank_values=True)
        if "update" in params:
            raise _refuse_update()
        for key in ("format", "output"):  # given in the URL and the body, all must agree (see negotiation)
            if key in url_params:
                params[key] = url_params[key] + params.get(key, [])
        return one_param(params, "query"), params
    if content_type == "application/sparql-query":
        return _text(body, "query"), url_params
    raise RequestError(
        f"POST a query as {_FORM} or application/sparql-query, not {content_type or 'no content type'}",
        status=415,
        code="unsupported-media-type",
    )
