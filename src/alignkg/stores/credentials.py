"""Credentials for remote SPARQL endpoints: HTTP Basic, Digest or a bearer token, taken from the
caller, the environment (``ALIGNKG_AUTH``, ``ALIGNKG_USER``, ``ALIGNKG_PASSWORD``,
``ALIGNKG_TOKEN``) or a ``user:password@`` URL, and kept out of every message, spec and log line.

With the scheme ``auto`` (the default) nothing secret is sent until the server asks: its 401
challenge chooses Digest or Basic, so a password never crosses the wire in Basic form to a server
that wanted Digest.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import httpx

from alignkg.model.errors import AlignkgError

AUTH_VARIABLE = "ALIGNKG_AUTH"
USER_VARIABLE = "ALIGNKG_USER"
PASSWORD_VARIABLE = "ALIGNKG_PASSWORD"  # noqa: S105 (the variable's name, not a password)
TOKEN_VARIABLE = "ALIGNKG_TOKEN"  # noqa: S105 (the variable's name, not a token)


class AuthScheme(StrEnum):
    """How credentials are presented to an endpoint."""

    auto = "auto"
    basic = "basic"
    digest = "digest"
    bearer = "bearer"


@dataclass(frozen=True, repr=False)
class Credentials:
    """A user and password (Basic, Digest or ``auto``) or a bearer token; ``repr`` hides secrets."""

    scheme: AuthScheme = AuthScheme.auto
    user: str | None = None
    password: str | None = None
    token: str | None = None

    def __post_init__(self) -> None:
        if self.scheme is AuthScheme.bearer and not self.token:
            raise AlignkgError(f"bearer authentication needs a token: set {TOKEN_VARIABLE}")
        if self.scheme is not AuthScheme.bearer and (self.user is None or self.password is None):
            raise AlignkgError(
                f"{self.scheme.value} authentication needs a user and a password: set "
                f"{USER_VARIABLE} and {PASSWORD_VARIABLE} (or give them in the URL as user:password@)"
            )

    def __repr__(self) -> str:
        who = f", user={self.user!r}" if self.user is not None else ""
        return f"Credentials(scheme={self.scheme.value!r}{who}, secret=***)"

    @property
    def secrets(self) -> list[str]:
        """Every string that must never appear in output: the password or token, and encodings
        of them that an Authorization header would carry."""
        import base64

        found = [s for s in (self.password, self.token) if s]
        found += [quote(s, safe="") for s in found if quote(s, safe="") != s]
        if self.user is not None and self.password:
            pair = f"{self.user}:{self.password}".encode()
            found.append(base64.b64encode(pair).decode("ascii"))
        return found

    def httpx_auth(self) -> httpx.Auth:
        """The httpx authentication flow for these credentials."""
        if self.scheme is AuthScheme.bearer:
            return _BearerAuth(self.token or "")
        user, password = self.user or "", self.password or ""
        if self.scheme is AuthScheme.basic:
            return httpx.BasicAuth(user, password)
        if self.scheme is AuthScheme.digest:
            return httpx.DigestAuth(user, password)
        return _ChallengeAuth(user, password)


class _BearerAuth(httpx.Auth):
    def __init__(self, token: str) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request


class _ChallengeAuth(httpx.Auth):
    """Sends nothing secret until a 401 challenge names Digest or Basic, then keeps to it."""

    def __init__(self, user: str, password: str) -> None:
        self._digest = httpx.DigestAuth(user, password)
        self._basic = httpx.BasicAuth(user, password)
        self._chosen: httpx.Auth | None = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._chosen is not None:
            yield from self._chosen.auth_flow(request)
            return
        response = yield request
        if response.status_code != 401:
            return
        schemes = [h.split(" ", 1)[0].lower() for h in response.headers.get_list("www-authenticate")]
        if "digest" in schemes:
            self._chosen = self._digest
        elif "basic" in schemes:
            self._chosen = self._basic
        else:
            return
        yield from self._chosen.auth_flow(request)


def split_userinfo(url: str) -> tuple[str, str | None, str | None]:
    """The URL without its ``user:password@`` part, and the user and password it held.

    >>> split_userinfo("http://alice:s%40cret@127.0.0.1:8890/sparql-auth")
    ('http://127.0.0.1:8890/sparql-auth', 'alice', 's@cret')
    >>> split_userinfo("http://127.0.0.1/sparql")
    ('http://127.0.0.1/sparql', None, None)
    """
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None, None
    userinfo, _, host = parts.netloc.rpartition("@")
    user, sep, password = userinfo.partition(":")
    clean = urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    return clean, unquote(user), unquote(password) if sep else None


def resolve_credentials(
    scheme: AuthScheme | str | None = None,
    *,
    user: str | None = None,
    password: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Credentials | None:
    """The credentials to use: ``user``/``password`` as given (from a URL), else the environment.

    The scheme is ``scheme``, else ``ALIGNKG_AUTH``, else ``bearer`` when only ``ALIGNKG_TOKEN``
    is set, else ``auto``. Returns None when there is nothing to authenticate with.
    """
    env = os.environ if environ is None else environ
    chosen = scheme or env.get(AUTH_VARIABLE) or None
    try:
        wanted = AuthScheme(chosen.lower()) if chosen else None
    except ValueError:
        names = ", ".join(s.value for s in AuthScheme)
        raise AlignkgError(f"unknown authentication scheme {chosen!r}; use one of {names}") from None
    user = user if user is not None else env.get(USER_VARIABLE) or None
    password = password if password is not None else env.get(PASSWORD_VARIABLE)
    token = env.get(TOKEN_VARIABLE) or None
    if wanted is None:
        if user is None and token is None:
            return None
        wanted = AuthScheme.bearer if user is None else AuthScheme.auto
    if wanted is AuthScheme.bearer:
        return Credentials(wanted, token=token)
    return Credentials(wanted, user=user, password=password)


def redact(text: str, secrets: list[str]) -> str:
    """``text`` with every secret replaced by ``***``.

    >>> redact("denied for alice:hunter2", ["hunter2"])
    'denied for alice:***'
    """
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text
