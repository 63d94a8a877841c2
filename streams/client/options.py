"""Client options in aiokafka's names, from the settings."""

from __future__ import annotations

import logging
from typing import Any, TypeVar

from pydantic import BaseModel

from streams.settings import Settings

log = logging.getLogger("newswire.client")
R = TypeVar("R", bound=BaseModel)


def aiokafka_options(settings: Settings, kind: str) -> dict[str, Any]:
    """The connection options in aiokafka's names: kafka-python's, except that aiokafka takes
    the certificate files (and the key password) as one SSL context, and an OAUTHBEARER token
    provider with an async ``token()``; and the pass-through ``client_options`` this kind of
    aiokafka client knows."""
    from streams.settings import client_options_for

    opts = {k: v for k, v in settings.kafka_options().items() if not k.startswith("ssl_")}
    opts["ssl_context"] = settings.ssl_context()
    provider = opts.get("sasl_oauth_token_provider")
    if provider is not None:
        opts["sasl_oauth_token_provider"] = provider.for_asyncio()
    opts.update(client_options_for(settings.client_options, kind, "aiokafka"))
    return opts
