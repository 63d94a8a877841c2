"""SASL/OAUTHBEARER tokens for every client newswire makes (kafka-python, aiokafka, Faust).

Two sources, from settings:

- ``NEWSWIRE_SASL_OAUTH_TOKEN_FILE``: a file holding the bearer token, read again whenever
  it changed (a Kubernetes projected service-account token, or a sidecar that refreshes it);
- ``NEWSWIRE_SASL_OAUTH_TOKEN_URL`` with ``…_CLIENT_ID``, ``…_CLIENT_SECRET`` and optionally
  ``…_SCOPE``: the OAuth 2.0 client-credentials grant (RFC 6749 §4.4) against the identity
  provider's token endpoint; a token is reused until a minute before it expires.

One provider object serves kafka-python (its ``token()``) and, through ``for_asyncio()``,
aiokafka and Faust (an ``async token()`` that fetches in a thread)."""

from __future__ import annotations

import asyncio
import base64
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import orjson

try:  # kafka-python 3
    from kafka.net.sasl.oauth import AbstractTokenProvider as _SyncProvider
except ImportError:  # pragma: no cover (kafka-python 2)
    from kafka.sasl.oauth import AbstractTokenProvider as _SyncProvider  # type: ignore[no-redef]

#: a token is refreshed this many seconds before the provider said it expires
EARLY_SECONDS = 60.0


class TokenError(RuntimeError):
    """No token could be had (the file is empty, or the token endpoint refused)."""


class OAuthTokenProvider(_SyncProvider):  # type: ignore[misc]
    def __init__(
        self,
        *,
        token_file: Path | None = None,
        token_url: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        scope: str | None = None,
        timeout: float = 10.0,
        clock: Any = time.time,
    ) -> None:
        if (token_file is None) == (token_url is None):
            raise ValueError("OAUTHBEARER needs a token file or a token URL (one of them)")
        if token_url is not None and not (client_id and client_secret):
            raise ValueError("the token URL needs a client id and a client secret")
        self.token_file, self.token_url = token_file, token_url
        self.client_id, self.client_secret, self.scope = client_id, client_secret, scope
        self.timeout = timeout
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires = 0.0
        self._file_stamp: tuple[float, int] | None = None

    # kafka-python calls this on each connection
    def token(self) -> str:
        with self._lock:
            if self.token_file is not None:
                return self._from_file(self.token_file)
            if self._token is None or self._clock() >= self._expires - EARLY_SECONDS:
                self._token, lifetime = self._fetch()
                self._expires = self._clock() + lifetime
            return self._token

    def extensions(self) -> dict[str, str]:
        return {}

    def _from_file(self, path: Path) -> str:
        stat = path.stat()
        stamp = (stat.st_mtime, stat.st_size)
        if self._token is None or stamp != self._file_stamp:
            token = path.read_text(encoding="utf-8").strip()
            if not token:
                raise TokenError(f"{path} holds no token")
            self._token, self._file_stamp = token, stamp
        return self._token

    def _fetch(self) -> tuple[str, float]:
        assert self.token_url is not None
        form = {"grant_type": "client_credentials"}
        if self.scope:
            form["scope"] = self.scope
        basic = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        request = urllib.request.Request(
            self.token_url,
            data=urllib.parse.urlencode(form).encode(),
            headers={
                "Authorization": f"Basic {basic}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = orjson.loads(response.read())
        except (OSError, ValueError) as exc:
            raise TokenError(f"token endpoint {self.token_url}: {exc}") from exc
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise TokenError(f"token endpoint {self.token_url} sent no access_token")
        lifetime = body.get("expires_in", 3600)
        return token, float(lifetime) if isinstance(lifetime, int | float) else 3600.0

    def for_asyncio(self) -> Any:
        """The same tokens for aiokafka and Faust (their providers are async)."""
        from aiokafka.abc import AbstractTokenProvider

        sync = self

        class _Async(AbstractTokenProvider):  # type: ignore[misc]
            async def token(self) -> str:
                return await asyncio.to_thread(sync.token)

            def extensions(self) -> dict[str, str]:
                return {}

        return _Async()
