"""newswire tail: read a topic from a point (offset, time, end) and print or write its records."""

from __future__ import annotations

import sys
import time
from typing import Annotated, Any

import typer

from schemas import BadInput, DeadLetter, EnrichedArticle, LanguageArticle, decode
from streams.cli.base import (
    MODELS_BY_STATE,
    app,
    err,
    load_settings,
    out,
)
from streams.timing import parse_since


def _summary(state: str, value: bytes | None) -> str:
    model = MODELS_BY_STATE.get(state)
    if model is None:
        return (value or b"").decode("utf-8", "replace")[:200]
    try:
        rec = decode(value, model)
    except BadInput as exc:
        return f"[red]undecodable:[/red] {exc}"
    if isinstance(rec, DeadLetter):
        where = f"{rec.topic}[{rec.partition}]@{rec.offset}"
        return f"[red]{rec.stage}/{rec.error_type}[/red] {rec.error} (from {where})"
    parts = [f"[bold]{getattr(rec, 'title', None) or '(no title)'}[/bold]"]
    if isinstance(rec, LanguageArticle):
        parts.append(f"lang={rec.language.code}")
    if isinstance(rec, EnrichedArticle):
        parts.append("entities=" + ", ".join(f"{e.name}/{e.label}" for e in rec.entities[:6]))
    return "  ".join(parts)


@app.command()
def tail(
    topic: Annotated[
        str, typer.Option(help="raw, clean, lang, enriched, dlq, or a full topic name")
    ] = "enriched",
    from_beginning: Annotated[
        bool, typer.Option("--from-beginning", help="start at the oldest record")
    ] = False,
    since: Annotated[
        str | None,
        typer.Option(
            help="start at this time: ISO 8601 (2026-12-01T09:00Z) or an age (90s, 15m, 2h, 1d)"
        ),
    ] = None,
    offset: Annotated[
        int | None,
        typer.Option(
            help="start at this offset in each partition; negative: that many from the end"
        ),
    ] = None,
    partition: Annotated[
        list[int] | None, typer.Option("--partition", "-p", help="only this partition (repeat)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON record a line")] = False,
    limit: Annotated[int | None, typer.Option(help="stop after N records")] = None,
    timeout: Annotated[
        float | None, typer.Option(help="stop after S seconds without a record")
    ] = None,
) -> None:
    """Follow a topic as a subscriber would (reads committed records only; joins no group).
    Starts at the end, or where --from-beginning, --since or --offset say (one of them)."""
    from streams.client import Start, open_reader
    from streams.topics import STATES, resolve

    s = load_settings()
    if sum(x is not None and x is not False for x in (since, offset, from_beginning)) > 1:
        err.print("give one of --from-beginning, --since and --offset")
        raise typer.Exit(2)
    start: Any = "beginning" if from_beginning else "end"
    if since is not None:
        try:
            start = Start.at_time(parse_since(since))
        except ValueError as exc:
            err.print(f"--since: {exc}")
            raise typer.Exit(2) from None
    elif offset is not None:
        start = Start.at_offset(offset)
    name = resolve(s, topic)
    state = (
        topic
        if topic in STATES
        else next((st for st in STATES if name.endswith(f"articles.{st}")), "")
    )
    try:
        consumer = open_reader(s, name, start, partitions=partition)
    except ValueError as exc:
        err.print(str(exc))
        raise typer.Exit(1) from None
    if not consumer.assignment():
        consumer.close()
        err.print(f"no such topic: {name}")
        raise typer.Exit(1)
    seen = 0
    last = time.monotonic()
    try:
        while limit is None or seen < limit:
            batch = consumer.poll(timeout_ms=500)
            if not batch:
                if timeout is not None and time.monotonic() - last > timeout:
                    break
                continue
            last = time.monotonic()
            for tp, messages in sorted(batch.items(), key=lambda kv: kv[0].partition):
                for m in messages:
                    if as_json:
                        sys.stdout.write((m.value or b"null").decode("utf-8", "replace") + "\n")
                    else:
                        key = (m.key or b"").decode("utf-8", "replace")
                        out.print(
                            f"[dim]{tp.partition}@{m.offset}[/dim] {key}  "
                            f"{_summary(state, m.value)}"
                        )
                    seen += 1
                    if limit is not None and seen >= limit:
                        break
                if limit is not None and seen >= limit:
                    break
            sys.stdout.flush()
    except KeyboardInterrupt:
        pass
    finally:
        consumer.close()
