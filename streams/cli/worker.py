"""newswire worker: one stage's Faust worker, the trends worker, or all under a supervisor."""

from __future__ import annotations

from typing import Annotated

import typer

from streams.cli.base import (
    StageChoice,
    app,
    load_settings,
)
from streams.pipeline import PIPELINE, TRENDS, TRENDS_WEB_PORT


@app.command()
def worker(
    stage: Annotated[
        StageChoice, typer.Option(help="which stage to run; 'all' runs each in its own process")
    ] = StageChoice("all"),
    web_port: Annotated[
        int | None,
        typer.Option(
            help="web port (default: all 6066, then each stage its own: "
            + ", ".join(f"{x.name} {x.web_port}" for x in PIPELINE)
            + f", {TRENDS} {TRENDS_WEB_PORT})"
        ),
    ] = None,
    loglevel: Annotated[
        str | None,
        typer.Option(help="crit, error, warn, info or debug (default: NEWSWIRE_LOG_LEVEL, info)"),
    ] = None,
) -> None:
    """Run a stage's Faust worker until stopped. Logs as text, or one JSON object a line with
    NEWSWIRE_LOG_FORMAT=json."""
    from streams import worker as w

    s = load_settings()
    loglevel = loglevel or s.log_level
    if stage.value == "all":
        raise typer.Exit(w.run_all(s, web_port, loglevel))
    if stage.value == TRENDS:
        from streams.agents import trends

        trends.run(s, web_port, loglevel)
        return
    w.run_stage(stage.value, s, web_port, loglevel)
