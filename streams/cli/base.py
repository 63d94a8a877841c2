"""The `newswire` command's Typer app, its sub-command groups, consoles and settings."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Any

import typer
from rich.console import Console

from streams.pipeline import PIPELINE, STAGES, TRENDS, models_by_state
from streams.settings import Settings, get_settings

app = typer.Typer(
    help="newswire: a news-enrichment pipeline on Apache Kafka.",
    no_args_is_help=True,
    add_completion=False,
)
kafka_app = typer.Typer(
    help="A local single-node Apache Kafka (KRaft) for machines without Docker.",
    no_args_is_help=True,
)
topics_app = typer.Typer(help="Topic administration.", no_args_is_help=True)
dlq_app = typer.Typer(help="Dead letters.", no_args_is_help=True)
app.add_typer(kafka_app, name="kafka")
app.add_typer(topics_app, name="topics")
app.add_typer(dlq_app, name="dlq")
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, soft_wrap=True, width=None if sys.stderr.isatty() else 200)

MODELS_BY_STATE: dict[str, type[Any]] = dict(models_by_state(PIPELINE))

#: the worker's --stage choices: every stage of the pipeline, the trends worker, and "all"
StageChoice = StrEnum("StageChoice", {name: name for name in (*STAGES, TRENDS, "all")})  # type: ignore[misc]


def load_settings() -> Settings:
    return get_settings()
