"""newswire enrich: the pipeline without Kafka, from files to JSON lines."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from schemas import DeadLetter, encode
from streams.cli.base import (
    app,
    err,
    load_settings,
)
from streams.pipeline import STAGES


@app.command()
def enrich(
    paths: Annotated[
        list[str], typer.Argument(help=".txt .html .json .jsonl files, folders, or - for stdin")
    ],
    stages: Annotated[
        str, typer.Option(help="comma-separated stages to run, in pipeline order")
    ] = ",".join(STAGES),
    dead_letters: Annotated[
        Path | None, typer.Option(help="also write dead letters here, one JSON a line")
    ] = None,
) -> None:
    """Run the stages in this process, with no broker, through the same routing as the
    workers; one JSON record a line on stdout, dead letters on stderr.

    A stage left out is bypassed as the pipeline defines (clean: the input body is taken as
    clean text; language: language_hint is taken as the language)."""
    from streams import offline
    from streams.inputs import read_paths

    chosen = [x.strip() for x in stages.split(",") if x.strip()]
    try:
        run = offline.OfflineRun(load_settings(), chosen)
    except ValueError as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(2) from None
    sink = sys.stdout.buffer
    letters = open(dead_letters, "wb") if dead_letters else None
    try:
        for result in run.feed(read_paths(paths)):
            if isinstance(result, DeadLetter):
                err.print(f"dead letter {result.topic}: {result.error_type}: {result.error}")
                if letters:
                    letters.write(encode(result) + b"\n")
            else:
                sink.write(encode(result) + b"\n")
    finally:
        run.close()
        if letters:
            letters.close()
    sink.flush()
    rate = f", {run.ok / run.elapsed:.0f} records/s after start-up" if run.elapsed > 0 else ""
    err.print(f"enriched {run.ok}, failed {run.failed}{rate}")
