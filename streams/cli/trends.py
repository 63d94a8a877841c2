"""newswire trends: the closed windows' trending entities."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from streams.cli.base import (
    app,
    err,
    load_settings,
    out,
)


@app.command()
def trends(
    window: Annotated[
        str | None, typer.Option(help="window size, like 1h or 1d (default: the shortest set)")
    ] = None,
    top: Annotated[int, typer.Option(min=1, help="entities to show")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="the window's record as JSON")] = False,
) -> None:
    """The most-named entities of the last closed window, with their change against the
    window before (from entities.trending; copies of one story count once)."""
    from streams.client import trending_windows

    s = load_settings()
    try:
        windows = trending_windows(s, window)
    except (LookupError, ValueError) as exc:
        err.print(str(exc))
        raise typer.Exit(1) from None
    if not windows:
        from streams.timing import parse_windows

        label = window or parse_windows(s.trends_windows)[0].label  # what was read: the shortest
        err.print(
            f"no closed {label} window on {s.entities_topic('trending')} yet (is the trends "
            "worker running?)"
        )
        raise typer.Exit(1)
    rec = windows[-1].model_copy(update={"entities": windows[-1].entities[:top]})
    if as_json:
        sys.stdout.write(rec.model_dump_json() + "\n")
        return
    out.print(
        f"[bold]{rec.window}[/bold] window {rec.start:%Y-%m-%d %H:%M:%S} to "
        f"{rec.end:%H:%M:%S} UTC: {rec.articles} articles ({rec.previous_articles} in the "
        "window before)"
    )
    table = Table("#", "entity", "label", "articles", "mentions", "before", "change")
    for e in rec.entities:
        change = (
            f"[green]+{e.change}[/green]"
            if e.change > 0
            else (f"[red]{e.change}[/red]" if e.change < 0 else "0")
        )
        table.add_row(
            str(e.rank),
            e.name,
            e.label,
            str(e.articles),
            str(e.mentions),
            str(e.previous_articles),
            change,
        )
    out.print(table)
