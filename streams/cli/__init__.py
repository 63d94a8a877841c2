"""The `newswire` command: local Kafka, topics, workers, publishing, tailing, offline
enrichment, lag, dead-letter replay and the end-to-end demo.

One module per command group, each a thin layer over the library; :mod:`streams.cli.base`
holds the Typer app they register on."""

from __future__ import annotations

import os

from streams.cli import dlq, enrich, kafka, lag, publish, run, tail, topics, trends, worker
from streams.cli.base import app

__all__ = ["app", "main"]
_COMMANDS = (kafka, topics, worker, publish, tail, trends, enrich, lag, dlq, run)


def main() -> None:
    from streams import logs

    fmt = os.environ.get("NEWSWIRE_LOG_FORMAT", "text").lower()
    logs.configure("json" if fmt == "json" else "text", "warn")
    app()
