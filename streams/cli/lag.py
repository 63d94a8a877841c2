"""newswire lag: consumer lag and state per stage, once, watching, or as a Prometheus exporter."""

from __future__ import annotations

import sys
import time
from typing import Annotated, Any

import orjson
import typer
from rich.table import Table

from streams.cli.base import (
    app,
    load_settings,
    out,
)


@app.command()
def lag(
    as_json: Annotated[
        bool, typer.Option("--json", help="a JSON list of per-stage objects")
    ] = False,
    watch: Annotated[
        bool, typer.Option("--watch", help="refresh every --interval seconds until Ctrl-C")
    ] = False,
    max_lag: Annotated[
        int | None, typer.Option(help="exit 2 when any stage's lag is above N records")
    ] = None,
    max_seconds: Annotated[
        float | None, typer.Option(help="exit 2 when any stage is more than S seconds behind")
    ] = None,
    window: Annotated[
        float, typer.Option(help="seconds between the two readings that judge progress")
    ] = 3.0,
    interval: Annotated[
        float, typer.Option(help="seconds between refreshes with --watch or --serve")
    ] = 5.0,
    serve: Annotated[
        int | None,
        typer.Option(help="serve Prometheus gauges, /api/status and a status page on this port"),
    ] = None,
) -> None:
    """Per stage and partition: committed offset, end offset, lag, lag in seconds, rate,
    members and a status (OK, WARN, STALLED, STOPPED, ERROR).

    Exit code: 0 when every stage is OK, 1 on WARN, 2 on STALLED, STOPPED, ERROR or a
    threshold crossed."""
    from streams.ops.lag import LagMonitor, exit_code

    s = load_settings()
    if serve is not None:
        from streams.ops.exporter import serve as run_exporter

        out.print(f"lag exporter on http://{s.web_host}:{serve}/ (metrics at /metrics)")
        run_exporter(s, serve, host=s.web_host, interval=interval)
        return
    monitor = LagMonitor(s)
    try:
        while True:
            rows = monitor.measure(window)
            code = exit_code(rows, max_lag, max_seconds)
            if as_json:
                sys.stdout.write(
                    orjson.dumps([r.as_dict() for r in rows], option=orjson.OPT_INDENT_2).decode()
                    + "\n"
                )
                sys.stdout.flush()
            else:
                table = Table(
                    "stage",
                    "group",
                    "topic",
                    "partition",
                    "committed",
                    "end",
                    "lag",
                    "lag s",
                    "rate/s",
                    "members",
                    "status",
                )
                for r in rows:
                    for p in r.partitions:
                        table.add_row(
                            r.stage,
                            r.group,
                            r.topic,
                            str(p.partition),
                            str(p.committed),
                            str(p.end),
                            str(p.lag),
                            f"{p.lag_seconds:.1f}",
                            "",
                            "",
                            "",
                        )
                    style = {"OK": "bold green", "WARN": "bold yellow"}.get(r.status, "bold red")
                    table.add_row(
                        r.stage,
                        r.group,
                        r.topic,
                        "all",
                        "",
                        "",
                        str(r.lag),
                        f"{r.lag_seconds:.1f}",
                        f"{r.rate:.1f}",
                        str(r.members),
                        r.status,
                        style=style,
                    )
                out.print(table)
                _print_replication(rows)
            if not watch:
                raise typer.Exit(code)
            time.sleep(interval)
    except KeyboardInterrupt:
        pass
    finally:
        monitor.close()


def _print_replication(rows: list[Any]) -> None:
    """The under-replicated partitions of the stages' topics, or that there are none."""
    seen: dict[tuple[str, int], dict[str, Any]] = {}
    for r in rows:
        for p in r.under_replicated:
            seen[(p["topic"], p["partition"])] = p
    if not seen:
        out.print("replication: every partition of the pipeline's topics is fully in sync")
        return
    table = Table("topic", "partition", "leader", "replicas", "in sync", "min in sync", "state")
    for p in seen.values():
        table.add_row(
            p["topic"],
            str(p["partition"]),
            str(p["leader"]) if p["leader"] >= 0 else "none",
            ",".join(map(str, p["replicas"])),
            ",".join(map(str, p["isr"])),
            str(p["min_isr"]),
            "UNDER-REPLICATED" if p["writable"] else "NOT WRITABLE",
            style="bold yellow" if p["writable"] else "bold red",
        )
    out.print(f"replication: {len(seen)} under-replicated partitions")
    out.print(table)
