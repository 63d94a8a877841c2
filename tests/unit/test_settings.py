"""How the settings reach the Kafka clients: one set of security options for all of them."""

from __future__ import annotations

import ssl

from streams.app import _credentials
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
