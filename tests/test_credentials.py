"""Credentials for remote stores: where they come from, how they are sent, and that they are never
shown. The real Digest exchange is tested against Virtuoso in test_engines.py."""

from __future__ import annotations

import httpx
import pytest

import alignkg
from alignkg.stores.credentials import AuthScheme, Credentials, resolve_credentials, split_userinfo
from alignkg.stores.sparql import SparqlStore

SECRET = "s3cr3t:with@odd/chars"


def test_environment_and_url_give_the_credentials() -> None:
    env = {"ALIGNKG_USER": "alice", "ALIGNKG_PASSWORD": SECRET}
    found = resolve_credentials(environ=env)
    assert found is not None and (found.scheme, found.user, found.password) == (
        AuthScheme.auto,
        "alice",
        SECRET,
    )
    assert resolve_credentials("digest", environ=env).scheme is AuthScheme.digest  # type: ignore[union-attr]
    assert resolve_credentials(environ={"ALIGNKG_AUTH": "basic", **env}).scheme is AuthScheme.basic  # type: ignore[union-attr]
    token = resolve_credentials(environ={"ALIGNKG_TOKEN": SECRET})
    assert token is not None and (token.scheme, token.token) == (AuthScheme.bearer, SECRET)
    assert resolve_credentials(environ={}) is None
    url, user, password = split_userinfo("http://bob:pa%3Ass@127.0.0.1:8890/sparql-auth")
    assert (url, user, password) == ("http://127.0.0.1:8890/sparql-auth", "bob", "pa:ss")


def test_missing_or_unknown_parts_are_clear_errors() -> None:
    with pytest.raises(alignkg.AlignkgError, match="ALIGNKG_PASSWORD"):
        resolve_credentials(environ={"ALIGNKG_USER": "alice"})
    with pytest.raises(alignkg.AlignkgError, match="ALIGNKG_TOKEN"):
        resolve_credentials("bearer", environ={})
    with pytest.raises(alignkg.AlignkgError, match="unknown authentication scheme 'kerberos'"):
        resolve_credentials("kerberos", environ={"ALIGNKG_USER": "a", "ALIGNKG_PASSWORD": "b"})


def test_repr_and_spec_hide_the_secret() -> None:
    credentials = Credentials(AuthScheme.basic, user="alice", password=SECRET)
    assert SECRET not in repr(credentials)
    with SparqlStore(
        f"http://alice:{SECRET.replace('@', '%40').replace('/', '%2F')}@127.0.0.1:9/sparql"
    ) as store:
        assert store.spec == "sparql:http://127.0.0.1:9/sparql"
        assert "s3cr3t" not in repr(store)


def _flow(auth: httpx.Auth, challenge: str | None) -> list[dict[str, str]]:
    """The headers of each request an auth flow sends when the server answers the first with
    ``challenge`` (copied as sent: httpx reuses the request object for the retry)."""
    sent: list[dict[str, str]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(dict(request.headers))
        if challenge and "authorization" not in request.headers:
            return httpx.Response(401, headers={"WWW-Authenticate": challenge})
        return httpx.Response(200)

    with httpx.Client(transport=httpx.MockTransport(answer), auth=auth) as client:
        client.get("http://127.0.0.1/sparql")
    return sent


def test_auto_sends_nothing_secret_until_the_server_names_its_scheme() -> None:
    auto = Credentials(user="alice", password=SECRET).httpx_auth()
    first, retry = _flow(auto, 'Basic realm="x"')
    assert "authorization" not in first
    assert retry["authorization"].startswith("Basic ")
    digest = _flow(
        Credentials(user="alice", password=SECRET).httpx_auth(), 'Digest realm="x", nonce="n", qop="auth"'
    )
    assert digest[-1]["authorization"].startswith("Digest ") and SECRET not in str(digest[-1])
    [bearer] = _flow(Credentials(AuthScheme.bearer, token=SECRET).httpx_auth(), None)
    assert bearer["authorization"] == f"Bearer {SECRET}"
