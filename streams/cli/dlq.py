"""newswire dlq replay: dead letters back onto the topic they came from."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from schemas import BadInput, DeadLetter, decode
from streams.cli.base import (
    dlq_app,
    load_settings,
    out,
)


@dlq_app.command("replay")
def dlq_replay(
    stage: Annotated[str | None, typer.Option(help="only dead letters of this stage")] = None,
    error_type: Annotated[str | None, typer.Option(help="only this error type")] = None,
    since: Annotated[
        datetime | None,
        typer.Option(help="only dead letters that failed at or after this time (ISO 8601)"),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="list what would be replayed, send nothing")
    ] = False,
) -> None:
    """Send dead letters back to their source topic, with their original key and bytes."""
    from streams.client import Publisher, open_reader, read_to

    s = load_settings()
    consumer = open_reader(s, s.topic("dlq"), "beginning")
    letters: list[DeadLetter] = []
    for m in read_to(consumer, consumer.end_offsets(list(consumer.assignment()))):
        try:
            d = decode(m.value, DeadLetter)
        except BadInput:
            continue
        at = d.failed_at if d.failed_at.tzinfo else d.failed_at.replace(tzinfo=UTC)
        if (stage and d.stage != stage) or (error_type and d.error_type != error_type):
            continue
        if since and at < (since if since.tzinfo else since.replace(tzinfo=UTC)):
            continue
        letters.append(d)
    consumer.close()
    if dry_run:
        for d in letters:
            out.print(
                f"would replay {d.stage}/{d.error_type} {d.topic}[{d.partition}]@{d.offset}: "
                f"{d.error[:100]}"
            )
        out.print(f"{len(letters)} dead letters match")
        return
    with Publisher(s) as pub:
        for d in letters:
            pub.send_bytes(d.value or b"", d.key, d.topic)
    out.print(f"replayed {len(letters)} dead letters")
