"""newswire topics create: the pipeline's topics, idempotently."""

from __future__ import annotations

from streams.cli.base import (
    load_settings,
    out,
    topics_app,
)


@topics_app.command("create")
def topics_create() -> None:
    """Create the pipeline's topics with partitions and replication from settings (idempotent)."""
    from streams.ops.admin import create_topics

    s = load_settings()
    for name, what in create_topics(s).items():
        out.print(f"{name}: {what}, {s.partitions} partitions")
