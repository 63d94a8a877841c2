"""newswire publish: files, folders or stdin to articles.raw, validated, in constant memory."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

import typer

from schemas import encode
from streams.cli.base import (
    app,
    err,
    load_settings,
    out,
)


@app.command()
def publish(
    paths: Annotated[
        list[str], typer.Argument(help=".txt .html .json .jsonl files, folders, or - for stdin")
    ],
    validate: Annotated[
        bool,
        typer.Option(
            "--validate/--no-validate",
            help="reject invalid records here (default), or send bytes as they are",
        ),
    ] = True,
    topic: Annotated[str, typer.Option(help="topic state or name")] = "raw",
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="no progress bar and no per-record rejections")
    ] = False,
    max_in_flight: Annotated[
        int, typer.Option(min=1, help="sends waiting for the broker at most (memory bound)")
    ] = 10_000,
) -> None:
    """Validate and send articles to articles.raw: keyed by article id, idempotent, acks=all.

    Streams its input: JSON lines are read a line at a time and at most --max-in-flight sends
    wait for the broker at once, so a file of any size publishes in constant memory."""
    from rich.progress import Progress

    from streams.client import Publisher
    from streams.inputs import input_size, read_paths
    from streams.topics import resolve

    s = load_settings()
    read = rejected = 0
    reasons: dict[str, int] = {}
    total = input_size(paths)
    with (
        Publisher(s) as pub,
        Progress(
            console=err, disable=quiet or (total is not None and total < 1_000_000), transient=True
        ) as progress,
    ):
        task = progress.add_task("publishing", total=total)

        def records() -> Iterator[tuple[bytes | None, bytes]]:
            nonlocal read, rejected
            for item in read_paths(paths):
                read += 1
                progress.advance(task, len(item.raw) + 1)
                if item.article is not None:
                    yield (item.article.id or "").encode() or None, encode(item.article)
                elif not validate:  # --no-validate: the bytes as they are
                    yield None, item.raw
                else:
                    rejected += 1
                    reason = (item.error or "invalid").split(":")[0]
                    reasons[reason] = reasons.get(reason, 0) + 1
                    if not quiet:
                        err.print(f"[yellow]rejected[/yellow] {item.origin}: {item.error}")

        result = pub.send_many(records(), topic=resolve(s, topic), max_in_flight=max_in_flight)
    for e in result.errors:
        err.print(f"[red]{e}[/red]")
    out.print(
        f"read {read}, sent {result.sent}, rejected {rejected}, failed {result.failed}"
        + (f" (rejected: {reasons})" if reasons else "")
    )
    raise typer.Exit(0 if result.failed == 0 else 1)
