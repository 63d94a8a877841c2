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
    rising: Annotated[
        bool,
        typer.Option(
            "--rising", help="rank by burst: named far more than their own recent baseline"
        ),
    ] = False,
) -> None:
    """The most-named entities of the last closed window, with their change against the
    window before, or with --rising the most unusually named (from entities.trending; copies
    of one story count once; the latest revision of the window)."""
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
    last = windows[-1]
    rec = last.model_copy(update={"entities": last.entities[:top], "rising": last.rising[:top]})
    if as_json:
        sys.stdout.write(rec.model_dump_json() + "\n")
        return
    revised = f", revision {rec.revision}" if rec.revision > 1 else ""
    out.print(
        f"[bold]{rec.window}[/bold] window {rec.start:%Y-%m-%d %H:%M:%S} to "
        f"{rec.end:%H:%M:%S} UTC ({rec.clock} time{revised}): {rec.articles} articles "
        f"({rec.previous_articles} in the window before)"
    )
    if rising:
        if not rec.rising:
            err.print("no entity is named above its baseline in this window")
            return
        ranked = Table("#", "entity", "label", "articles", "baseline", "burst")
        for e in rec.rising:
            ranked.add_row(
                str(e.rank),
                e.name,
                e.label,
                str(e.articles),
                f"{e.baseline:.1f}" if e.baseline is not None else "",
                f"{e.burst:.2f}" if e.burst is not None else "",
            )
        out.print(ranked)
        return
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
