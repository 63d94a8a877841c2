"""How the settings reach the Kafka clients: one set of security options for all of them."""

from __future__ import annotations

import asyncio
import base64
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import orjson
import pytest
from pydantic import ValidationError

from streams.app import _credentials
from streams.auth import OAuthTokenProvider, TokenError
from streams.settings import Settings


def test_plaintext_has_no_ssl_and_no_credentials() -> None:
    s = Settings(security_protocol="PLAINTEXT")
    assert s.ssl_context() is None and _credentials(s) is None
    assert s.kafka_client_options() == {"security_protocol": "PLAINTEXT"}


def test_sasl_ssl_options_are_the_same_for_every_client() -> None:
    s = Settings(
        security_protocol="SASL_SSL", sasl_mechanism="PLAIN", sasl_username="u", sasl_password="p"
    )
    context = s.ssl_context()
    assert isinstance(context, ssl.SSLContext) and context.verify_mode == ssl.CERT_REQUIRED
    opts = s.kafka_client_options()
    assert opts["sasl_plain_password"] == "p" and opts["sasl_mechanism"] == "PLAIN"
    faust_credentials = _credentials(s)
    assert faust_credentials is not None and faust_credentials.username == "u"  # type: ignore[attr-defined]


# --- pass-through options, OAUTHBEARER, mTLS with a key password --------------------------


def test_client_options_reach_the_clients_that_know_them() -> None:
    from streams.settings import client_options_for

    s = Settings(
        client_options={
            "request_timeout_ms": 61000,  # every kind knows it
            "consumer.fetch_max_bytes": 1048576,  # consumers only
            "producer.linger_ms": 50,
            "producer.request_timeout_ms": 5000,  # a producer's own, over the common one
            "fetch_min_bytes": 2,  # unprefixed, known to consumers only: producers skip it
        }
    )
    consumer = s.kafka_options("consumer")
    producer = s.kafka_options("producer")
    admin = s.kafka_options("admin")
    assert consumer["request_timeout_ms"] == 61000 and consumer["fetch_max_bytes"] == 1048576
    assert consumer["fetch_min_bytes"] == 2 and "linger_ms" not in consumer
    assert producer["linger_ms"] == 50 and "fetch_max_bytes" not in producer
    assert producer["request_timeout_ms"] == 5000
    assert "fetch_min_bytes" not in producer
    assert admin["request_timeout_ms"] == 61000 and "linger_ms" not in admin
    assert "request_timeout_ms" not in s.kafka_options()  # connection options only
    aio = client_options_for(s.client_options, "consumer", "aiokafka")
    assert aio["fetch_max_bytes"] == 1048576 and aio["request_timeout_ms"] == 61000


def test_an_option_no_client_knows_is_refused() -> None:
    with pytest.raises(ValidationError, match="reqest_timeout_ms"):
        Settings(client_options={"reqest_timeout_ms": 1})
    with pytest.raises(ValidationError, match=r"consumer\.linger_ms"):
        Settings(client_options={"consumer.linger_ms": 1})  # a producer option


def test_faust_options_override_newswire_defaults(tmp_path: Path) -> None:
    from streams.app import make_app

    s = Settings(home=tmp_path, faust_options={"broker_commit_interval": 7.0})
    app = make_app("clean", s, web_port=6999)
    assert app.conf.broker_commit_interval == 7.0


def test_every_producer_compresses_as_configured(tmp_path: Path) -> None:
    from streams.app import make_app

    assert Settings().compression_type == "lz4"
    for kind, want in (("lz4", "lz4"), ("zstd", "zstd"), ("gzip", "gzip"), ("none", None)):
        s = Settings(home=tmp_path, compression_type=kind)
        assert s.compression() == want
        assert make_app("clean", s, web_port=6999).conf.producer_compression_type == want
    with pytest.raises(ValidationError):
        Settings(compression_type="brotli")


def test_a_message_limit_fits_real_pages_and_topics_accept_it() -> None:
    from streams.ops.admin import topic_configs

    s = Settings()
    assert s.max_message_bytes == 10_000_000 and s.max_text_chars == 400_000
    assert topic_configs(s, 1)["max.message.bytes"] == str(10_000_000 + 65536)


def test_oauthbearer_token_file_is_read_again_when_it_changes(tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("first\n")
    s = Settings(
        security_protocol="SASL_PLAINTEXT",
        sasl_mechanism="OAUTHBEARER",
        sasl_oauth_token_file=token,
    )
    opts = s.kafka_client_options()
    provider = opts["sasl_oauth_token_provider"]
    assert opts["sasl_mechanism"] == "OAUTHBEARER" and "sasl_plain_username" not in opts
    assert provider.token() == "first"
    token.write_text("second, longer\n")
    assert provider.token() == "second, longer"
    assert asyncio.run(provider.for_asyncio().token()) == "second, longer"
    faust_credentials = _credentials(s)
    assert type(faust_credentials).__name__ == "OAuthCredentials"
    token.write_text("")
    with pytest.raises(TokenError):
        provider.token()


def test_oauthbearer_client_credentials_are_fetched_once_until_near_expiry() -> None:
    calls: list[tuple[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            calls.append((self.headers["Authorization"], body))
            reply = orjson.dumps({"access_token": f"tok{len(calls)}", "expires_in": 120})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    now = [1000.0]
    try:
        provider = OAuthTokenProvider(
            token_url=f"http://127.0.0.1:{server.server_port}/token",
            client_id="svc",
            client_secret="s3cret",
            scope="kafka",
            clock=lambda: now[0],
        )
        assert provider.token() == "tok1" and provider.token() == "tok1"
        now[0] += 59  # 120 s lifetime, refreshed 60 s early: still good at +59
        assert provider.token() == "tok1"
        now[0] += 2
        assert provider.token() == "tok2"
    finally:
        server.shutdown()
    auth, body = calls[0]
    assert auth == "Basic " + base64.b64encode(b"svc:s3cret").decode()
    assert "grant_type=client_credentials" in body and "scope=kafka" in body


def test_oauthbearer_needs_one_token_source() -> None:
    with pytest.raises(ValueError):
        OAuthTokenProvider()
    with pytest.raises(ValueError):
        OAuthTokenProvider(token_url="http://x/token")  # no client id and secret


def _encrypted_key_and_cert(tmp_path: Path, password: str) -> tuple[Path, Path]:
    key, cert = tmp_path / "client.key", tmp_path / "client.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-days", "1", "-subj", "/CN=client",
         "-keyout", str(key), "-out", str(cert), "-passout", f"pass:{password}"],
        check=True, capture_output=True,
    )  # fmt: skip
    assert b"ENCRYPTED" in key.read_bytes()
    return key, cert


def test_an_encrypted_client_key_is_opened_with_its_password(tmp_path: Path) -> None:
    key, cert = _encrypted_key_and_cert(tmp_path, "k3y-pass")
    s = Settings(
        security_protocol="SSL", ssl_certfile=cert, ssl_keyfile=key, ssl_key_password="k3y-pass"
    )
    assert isinstance(s.ssl_context(), ssl.SSLContext)  # loaded: the password opened the key
    assert s.kafka_client_options()["ssl_password"] == "k3y-pass"
    wrong = Settings(
        security_protocol="SSL", ssl_certfile=cert, ssl_keyfile=key, ssl_key_password="nope"
    )
    with pytest.raises(ssl.SSLError):
        wrong.ssl_context()
    assert (
        Settings(security_protocol="SSL", ssl_check_hostname=False).ssl_context().check_hostname
        is False
    )


def test_faust_producers_are_idempotent_at_least_once_too(tmp_path: Path) -> None:
    from faust.transport.drivers import aiokafka as driver

    from streams.app import make_app

    app = make_app("clean", Settings(home=tmp_path), web_port=6998)
    assert app.conf.processing_guarantee.value == "at_least_once"
    producer = driver.Producer(app.transport)
    extra = producer._settings_extra()
    assert extra["enable_idempotence"] is True and extra["acks"] == "all"
