"""The `newswire` command: local Kafka, topics, workers, publishing, tailing, offline
enrichment, lag, dead-letter replay and the end-to-end demo."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.table import Table

from schemas import BadInput, DeadLetter, EnrichedArticle, LanguageArticle, decode, encode
from streams import __version__
from streams.pipeline import PIPELINE, STAGES, TRENDS, TRENDS_WEB_PORT, last, models_by_state
from streams.settings import Settings, get_settings

app = typer.Typer(
    help="newswire: a news-enrichment pipeline on Apache Kafka.",
    no_args_is_help=True,
    add_completion=False,
)
kafka_app = typer.Typer(
    help="A local single-node Apache Kafka (KRaft) for machines without Docker.",
    no_args_is_help=True,
)
topics_app = typer.Typer(help="Topic administration.", no_args_is_help=True)
dlq_app = typer.Typer(help="Dead letters.", no_args_is_help=True)
app.add_typer(kafka_app, name="kafka")
app.add_typer(topics_app, name="topics")
app.add_typer(dlq_app, name="dlq")
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, soft_wrap=True, width=None if sys.stderr.isatty() else 200)

MODELS_BY_STATE: dict[str, type[Any]] = dict(models_by_state(PIPELINE))

#: the worker's --stage choices: every stage of the pipeline, the trends worker, and "all"
StageChoice = StrEnum("StageChoice", {name: name for name in (*STAGES, TRENDS, "all")})  # type: ignore[misc]


def _settings() -> Settings:
    return get_settings()


# --- kafka --------------------------------------------------------------------------------
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

    s = _settings()
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

    stopped = kafka.stop(_settings())
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

    st = kafka.status(_settings(), brokers)
    out.print(st.describe())
    whole = all(ok for _, _, ok in st.nodes) if st.nodes else st.reachable
    raise typer.Exit(0 if whole else 1)


# --- topics -------------------------------------------------------------------------------
@topics_app.command("create")
def topics_create() -> None:
    """Create the pipeline's topics with partitions and replication from settings (idempotent)."""
    from streams.ops.admin import create_topics

    s = _settings()
    for name, what in create_topics(s).items():
        out.print(f"{name}: {what}, {s.partitions} partitions")


# --- worker -------------------------------------------------------------------------------
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

    s = _settings()
    loglevel = loglevel or s.log_level
    if stage.value == "all":
        raise typer.Exit(w.run_all(s, web_port, loglevel))
    if stage.value == TRENDS:
        from streams.agents import trends

        trends.run(s, web_port, loglevel)
        return
    w.run_stage(stage.value, s, web_port, loglevel)


# --- publish ------------------------------------------------------------------------------
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

    s = _settings()
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


# --- tail ---------------------------------------------------------------------------------
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


def parse_since(text: str, now: float | None = None) -> int:
    """Milliseconds since the epoch for --since: an ISO 8601 time (UTC when it names no zone)
    or an age before now: a number with s, m, h or d."""
    import re

    now = time.time() if now is None else now
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd])\s*", text)
    if m:
        seconds = float(m.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]
        return int((now - seconds) * 1000)
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{text!r} is neither an ISO 8601 time nor an age like 15m") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return int(when.timestamp() * 1000)


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

    s = _settings()
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


# --- trends -------------------------------------------------------------------------------
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

    s = _settings()
    try:
        windows = trending_windows(s, window)
    except (LookupError, ValueError) as exc:
        err.print(str(exc))
        raise typer.Exit(1) from None
    if not windows:
        from streams.processors.trends import parse_windows

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


# --- enrich (offline) ---------------------------------------------------------------------
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
        run = offline.OfflineRun(get_settings(), chosen)
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
        if letters:
            letters.close()
    sink.flush()
    rate = f", {run.ok / run.elapsed:.0f} records/s after start-up" if run.elapsed > 0 else ""
    err.print(f"enriched {run.ok}, failed {run.failed}{rate}")


# --- lag ----------------------------------------------------------------------------------
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

    s = _settings()
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


# --- dlq ----------------------------------------------------------------------------------
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

    s = _settings()
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


# --- run (the demo) -----------------------------------------------------------------------
def _show(rec: EnrichedArticle) -> None:
    out.rule(f"[bold]{rec.title}")
    out.print(f"id {rec.id}   source {rec.source}   section {rec.section}   authors {rec.authors}")
    out.print(
        f"language {rec.language.code} ({rec.language.confidence:.2f}, {rec.language.detector})   "
        f"ner {rec.ner_model}"
    )
    copy = f"copy of {rec.duplicate_of} ({rec.similarity:.2f})" if rec.duplicate_of else "original"
    out.print(f"story {rec.story_id}   {copy}")
    out.print(f"removed: {[r.reason for r in rec.removed]}")
    out.print(f"text: {rec.text[:300]}…")
    table = Table("entity", "label", "count", "salience", "country")
    for e in rec.entities[:20]:
        table.add_row(e.name, e.label, str(e.count), f"{e.salience:.2f}", e.country_code or "")
    out.print(table)


@app.command()
def run(
    seeds: Annotated[Path, typer.Option(help="folder of articles to publish")] = Path("seeds"),
    keep: Annotated[
        bool,
        typer.Option(
            "--keep", help="leave the broker and the workers running (Ctrl-C stops the workers)"
        ),
    ] = False,
    timeout: Annotated[
        float, typer.Option(help="seconds to wait for the enriched records")
    ] = 180.0,
    as_json: Annotated[
        bool, typer.Option("--json", help="print the enriched records as JSON lines")
    ] = False,
) -> None:
    """The demo: local Kafka, all stages, publish seeds/, show what comes out on the last
    stage's topic (articles.enriched)."""
    from streams.client import Publisher, open_reader
    from streams.inputs import read_paths
    from streams.ops import kafka
    from streams.ops.admin import create_topics
    from streams.worker import worker_command

    s = _settings()
    started_broker = False
    if not kafka.is_reachable(s.bootstrap_servers):
        out.print("starting the local Kafka broker (the first run resolves its jars with Maven)…")
        kafka.start(s)
        started_broker = True
    create_topics(s)
    enriched = s.topic(last().produces)
    # from the beginning: an article already enriched by an earlier run of this release is
    # not written again (identical republications are dropped as replays), so its earlier
    # record is the answer; records from other releases are passed over
    consumer = open_reader(s, enriched, "beginning")
    log_path = s.home.resolve() / "worker.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log_file:
        workers = subprocess.Popen(
            worker_command("all", loglevel="warn"),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    out.print(f"workers started (pid {workers.pid}; log {log_path})")
    try:
        items = [i for i in read_paths([str(seeds)]) if i.article is not None]
        with Publisher(s) as pub:
            for item in items:
                assert item.article is not None
                pub.publish(item.article)
        wanted = {i.article.id for i in items if i.article}
        out.print(f"published {len(wanted)} articles from {seeds}; waiting for them on {enriched}…")
        deadline = time.monotonic() + timeout
        got: dict[str, Any] = {}
        while wanted - set(got) and time.monotonic() < deadline:
            for messages in consumer.poll(timeout_ms=500).values():
                for m in messages:
                    try:
                        rec = decode(m.value, last().output_model)
                    except BadInput:
                        continue
                    trace = getattr(rec, "trace", None)
                    if (
                        getattr(rec, "id", None) in wanted
                        and trace
                        and trace[-1].version == __version__
                    ):
                        got[rec.id] = rec  # type: ignore[attr-defined]
        for rec in got.values():
            if as_json:
                sys.stdout.write(encode(rec).decode() + "\n")
            else:
                _show(rec)
        missing = wanted - set(got)
        if missing:
            err.print(
                f"[red]{len(missing)} articles did not come out within {timeout:.0f}s[/red]; see "
                f"{log_path}"
            )
            raise typer.Exit(1)
        out.print(f"[green]{len(got)} enriched records on {enriched}[/green]")
        if keep:
            out.print(
                "the pipeline keeps running: try `newswire publish FILE`, `newswire tail`, "
                "`newswire lag`, and `newswire trends` once the first hour has closed; Ctrl-C "
                "stops the workers"
            )
            workers.wait()
    except KeyboardInterrupt:
        pass
    finally:
        consumer.close()
        if workers.poll() is None:
            os.killpg(workers.pid, signal.SIGTERM)
            try:
                workers.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(workers.pid, signal.SIGKILL)
        if started_broker and not keep:
            kafka.stop(s)


def main() -> None:
    from streams import logs

    fmt = os.environ.get("NEWSWIRE_LOG_FORMAT", "text").lower()
    logs.configure("json" if fmt == "json" else "text", "warn")
    app()


if __name__ == "__main__":
    main()
