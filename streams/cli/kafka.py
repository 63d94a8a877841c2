"""newswire kafka start|stop|status: the local single-node broker or a local cluster."""

from __future__ import annotations

import typer

from streams.cli.base import (
    err,
    kafka_app,
    load_settings,
    out,
)


@kafka_app.command("start")
def kafka_start(
    timeout: float = typer.Option(90.0, help="seconds to wait for the broker"),
    brokers: int = typer.Option(
        1,
        min=1,
        max=9,
        help="nodes in the local KRaft cluster: 3 gives replication factor 3, "
        "min.insync.replicas 2, unclean leader election off",
    ),
) -> None:
    """Start the local broker, or a local cluster with --brokers N (reusing nodes already
    answering, restarting the ones that are not), and wait until it serves metadata."""
    from streams.ops import kafka

    s = load_settings()
    try:
        st = kafka.start(s, timeout=timeout, brokers=brokers)
    except kafka.KafkaError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    out.print(st.describe())
    if brokers > 1:
        out.print(f"use NEWSWIRE_BOOTSTRAP_SERVERS={kafka.bootstrap_of(s, brokers)}")


@kafka_app.command("stop")
def kafka_stop() -> None:
    """Stop the broker, or every node of the cluster, that `newswire kafka start` started."""
    from streams.ops import kafka

    stopped = kafka.stop(load_settings())
    out.print("Kafka stopped" if stopped else "no broker started by newswire is running")


@kafka_app.command("status")
def kafka_status(
    brokers: int | None = typer.Option(
        None, help="the cluster size to check (default: the last one started)"
    ),
) -> None:
    """Is the local broker (every node of the local cluster) running and serving metadata?
    Exit code 0 if so, 1 if not."""
    from streams.ops import kafka

    st = kafka.status(load_settings(), brokers)
    out.print(st.describe())
    whole = all(ok for _, _, ok in st.nodes) if st.nodes else st.reachable
    raise typer.Exit(0 if whole else 1)
