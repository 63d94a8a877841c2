"""The clients on a real broker: publish_many with delivery callbacks; Subscriber and
`newswire tail` starting at a time, an offset (from the end) or on chosen partitions; commits
that hold through a rebalance (nothing lost, nothing read twice); AsyncPublisher batching and
AsyncSubscriber; `newswire publish` streaming a large JSONL file in flat memory."""

from __future__ import annotations

import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from schemas import RawArticle
from streams.client import AsyncPublisher, AsyncSubscriber, Publisher, Start, Subscriber
from tests.integration.conftest import ROOT, once

pytestmark = pytest.mark.integration


def _article(i: int, tag: str) -> dict[str, Any]:
    return {
        "text": f"{tag} {i}. The ferry from Tallinn to Helsinki sailed again on Monday.",
        "url": f"https://example.org/{tag}/{i}",
    }


def _read_all(sub: Subscriber[Any], want: int, timeout: float = 60) -> list[Any]:
    got: list[Any] = []
    deadline = time.monotonic() + timeout
    while len(got) < want and time.monotonic() < deadline:
        got += sub.poll()
        sub.commit()
    got += sub.poll()  # and nothing more comes
    sub.commit()
    return got


def test_publish_many_callbacks_and_start_positions_integration(pipeline) -> None:  # type: ignore[no-untyped-def]
    s = pipeline.settings
    delivered: list[tuple[BaseException | None, Any]] = []
    with Publisher(s) as pub:
        first = pub.publish_many(
            [*(_article(i, "old") for i in range(30)), {"text": ""}, {"url": "no text"}],
            on_delivery=lambda err, meta: delivered.append((err, meta)),
            max_in_flight=7,  # settles several times on the way
        )
        assert (first.sent, first.invalid, first.failed) == (30, 2, 0), first.errors
        assert len(delivered) == 32 and sum(1 for e, _ in delivered if e is not None) == 2
        metas = [m for e, m in delivered if e is None]
        assert all(m.topic == pipeline.topic("raw") and m.offset >= 0 for m in metas)
        time.sleep(1.5)
        since = datetime.now(UTC)
        time.sleep(0.2)
        second = pub.publish_many(_article(i, "new") for i in range(10))
        assert second.sent == 10

    with Subscriber(
        "clients-time", settings=s, topic="raw", model=RawArticle, start=Start.at_time(since)
    ) as sub:
        newer = _read_all(sub, 10)
    assert sorted(a.text.split(".")[0] for a in newer) == sorted(f"new {i}" for i in range(10))

    # what each partition holds, in offset order (read directly, as the reference)
    held: dict[int, list[str]] = {}
    for m in sorted(pipeline.read("raw", count=40), key=lambda m: (m.partition, m.offset)):
        held.setdefault(m.partition, []).append(orjson.loads(m.value)["text"].split(".")[0])

    # the last two records of partition 0, whatever the group committed before
    with Subscriber(
        "clients-offset",
        settings=s,
        topic="raw",
        model=RawArticle,
        start=Start.at_offset(-2),
        partitions=[0],
    ) as sub:
        last_two = _read_all(sub, 2, timeout=30)
    assert [a.text.split(".")[0] for a in last_two] == held[0][-2:]

    # the same from the command line, like kcat
    iso = since.isoformat()
    tail = pipeline.newswire("tail", "--topic", "raw", "--since", iso, "--json", "--timeout", "5")
    lines = [orjson.loads(x) for x in tail.stdout.splitlines() if x.strip()]
    assert sorted(x["text"].split(".")[0] for x in lines) == sorted(
        f"new {i}" for i in range(10)
    ), tail.stderr
    one = pipeline.newswire(
        "tail", "--topic", "raw", "--offset", "-1", "--partition", "1", "--json", "--timeout", "5"
    )
    assert [orjson.loads(x)["text"].split(".")[0] for x in one.stdout.splitlines()] == held[1][
        -1:
    ], one.stderr
    missing = pipeline.newswire("tail", "--topic", "raw", "--partition", "99", "--timeout", "2")
    assert missing.returncode == 1 and b"no partition [99]" in missing.stdout + missing.stderr
    both = pipeline.newswire("tail", "--topic", "raw", "--since", "5m", "--offset", "3")
    assert both.returncode == 2


def test_commits_hold_through_a_rebalance_integration(pipeline) -> None:  # type: ignore[no-untyped-def]
    s = pipeline.settings
    total = 150
    with Publisher(s) as pub:
        assert pub.publish_many(_article(i, "rb") for i in range(total)).sent == total
    seen: dict[str, list[str]] = {"a": [], "b": []}
    stop = threading.Event()
    lock = threading.Lock()
    a_started, b_got = threading.Event(), threading.Event()

    def consume(name: str) -> None:
        with Subscriber(
            "clients-rebalance", settings=s, topic="raw", model=RawArticle, poll_timeout_ms=300
        ) as sub:
            while not stop.is_set():
                # nothing is committed by hand: what was handled is committed when a
                # rebalance takes its partition away, or at close
                batch = sub.poll(max_records=5)
                with lock:
                    seen[name] += [a.id for a in batch]
                    if name == "a" and len(seen["a"]) >= 30:
                        a_started.set()  # the second member joins now, mid-way
                    if name == "b" and batch:
                        b_got.set()
                # the first member goes slowly until the second has records of its own
                time.sleep(0.2 if name == "b" or b_got.is_set() else 0.5)

    first = threading.Thread(target=consume, args=("a",))
    second = threading.Thread(target=consume, args=("b",))
    first.start()
    assert a_started.wait(60), "the first member read nothing"
    second.start()
    threads = [first, second]
    deadline = time.monotonic() + 120
    expected = {RawArticle.model_validate(_article(i, "rb")).id for i in range(total)}
    while time.monotonic() < deadline:
        with lock:
            if set(seen["a"]) | set(seen["b"]) >= expected:
                break
        time.sleep(0.5)
    time.sleep(2)
    stop.set()
    for t in threads:
        t.join(timeout=60)
    lost, twice = once(seen["a"] + seen["b"], expected)  # type: ignore[arg-type]
    assert not lost and not twice, (len(lost), twice)
    assert seen["a"] and seen["b"], "the second member never got a partition"


async def test_async_publisher_batches_and_async_subscriber_reads_integration(pipeline) -> None:  # type: ignore[no-untyped-def]
    s = pipeline.settings
    calls: list[Any] = []

    async def articles() -> Any:
        for i in range(25):
            yield _article(i, "async")
        yield {"text": "   "}  # invalid: counted, not sent

    async with AsyncPublisher(s) as pub:
        result = await pub.publish_many(
            articles(), max_in_flight=6, on_delivery=lambda e, m: calls.append(e)
        )
        pending = await pub.publish(_article(99, "async"), wait=False)
        meta = await pending
    assert (result.sent, result.invalid, result.failed) == (25, 1, 0)
    assert calls.count(None) == 25 and meta.offset >= 0

    got: list[RawArticle] = []
    async with AsyncSubscriber("clients-async", settings=s, topic="raw", model=RawArticle) as sub:
        deadline = time.monotonic() + 60
        while len(got) < 26 and time.monotonic() < deadline:
            got += await sub.poll()
            await sub.commit()
    assert len(got) == 26
    async with AsyncSubscriber(
        "clients-async", settings=s, topic="raw", model=RawArticle, poll_timeout_ms=3000
    ) as again:
        assert await again.poll() == []  # everything was committed
    async with AsyncSubscriber(
        "clients-async-2",
        settings=s,
        topic="raw",
        model=RawArticle,
        start=Start.at_offset(-1),
        partitions=[meta.partition],
    ) as last:
        deadline = time.monotonic() + 30
        found: list[RawArticle] = []
        while not found and time.monotonic() < deadline:
            found = await last.poll()
    assert [a.text.split(".")[0] for a in found] == ["async 99"]


def _peak_rss_mb(pipeline: Any, path: Path) -> tuple[float, bytes]:
    """Peak resident memory (MB) of `newswire publish path`, measured by the kernel."""
    wrapper = (
        "import resource, subprocess, sys\n"
        "p = subprocess.run([sys.executable, '-m', 'streams.cli', 'publish', '-q', sys.argv[1]], capture_output=True)\n"
        "sys.stderr.buffer.write(p.stdout + p.stderr)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n"
        "sys.exit(p.returncode)\n"
    )
    import subprocess

    proc = subprocess.run(
        [sys.executable, "-c", wrapper, str(path)],
        env=pipeline.env,
        cwd=ROOT,
        capture_output=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    return float(proc.stdout.decode().strip()), proc.stderr


def test_publish_streams_a_large_file_in_flat_memory_integration(pipeline, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    body = " ".join(["The harbour authority of Rotterdam reported record container traffic."] * 20)

    def write(path: Path, mb: int) -> int:
        n = 0
        with path.open("wb") as f:
            while f.tell() < mb * 1_000_000:
                f.write(
                    orjson.dumps(
                        {"text": f"Item {n}. {body}", "url": f"https://example.org/{path.stem}/{n}"}
                    )
                    + b"\n"
                )
                n += 1
        return n

    small, large = tmp_path / "small.jsonl", tmp_path / "large.jsonl"
    n_small, n_large = write(small, 15), write(large, 90)
    small_mb, out_small = _peak_rss_mb(pipeline, small)
    large_mb, out_large = _peak_rss_mb(pipeline, large)
    assert f"sent {n_small}, rejected 0, failed 0".encode() in out_small, out_small[-500:]
    assert f"sent {n_large}, rejected 0, failed 0".encode() in out_large, out_large[-500:]
    # six times the input, about the same memory: it does not grow with the file
    assert large_mb < small_mb * 1.3 + 10, (small_mb, large_mb)
    assert large_mb < 90 + 150, large_mb  # less than the file itself plus the interpreter
