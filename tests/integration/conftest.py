"""Integration fixtures: a real Apache Kafka broker, and per-test topics and workers.

The broker is the one at NEWSWIRE_BOOTSTRAP_SERVERS (default 127.0.0.1:9092); when none
answers, the suite starts the local one (`newswire kafka start`). On a laptop where that
fails the integration tests are skipped; under CI=true a missing broker is a failure.
Each test gets a topic prefix of its own, so its topics and consumer groups are its own."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from streams.ops import kafka as local_kafka
from streams.ops.admin import create_topics
from streams.pipeline import STAGES
from streams.settings import Settings
from streams.worker import worker_command

ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/integration" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def broker() -> str:
    base = Settings()
    if local_kafka.is_reachable(base.bootstrap_servers):
        return base.bootstrap_servers
    try:
        local_kafka.start(base)
    except local_kafka.KafkaError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and no Kafka broker could be started: {exc}")
        pytest.skip(f"no Kafka broker: {exc}")
    return base.bootstrap_servers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def free_ports(count: int) -> int:
    """A base port with `count` consecutive ports free on 127.0.0.1 (a local cluster's)."""
    for _ in range(200):
        base = random.randrange(20000, 40000, 2)
        socks: list[socket.socket] = []
        try:
            for port in range(base, base + count):
                socks.append(socket.socket())
                socks[-1].bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError(f"no {count} consecutive free ports on 127.0.0.1")


def once(ids: Iterable[str], expected: set[str]) -> tuple[set[str], dict[str, int]]:
    """What came out against what went in: (ids lost, ids seen more than once with counts)."""
    counts = Counter(ids)
    return expected - set(counts), {k: n for k, n in counts.items() if n > 1}


def stop_process(
    proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout: float = 30
) -> None:
    """Stop a process started in its own session (and its children): ``sig``, then SIGKILL
    when it has not ended within ``timeout`` seconds."""
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


class Pipeline:
    """Topics of one test, and its worker processes."""

    def __init__(self, bootstrap: str, name: str, tmp: Path) -> None:
        self.prefix = f"t{uuid.uuid4().hex[:8]}-{name[:30]}."
        self.env = {
            **os.environ,
            "NEWSWIRE_BOOTSTRAP_SERVERS": bootstrap,
            "NEWSWIRE_TOPIC_PREFIX": self.prefix,
            "NEWSWIRE_HOME": str(tmp / "home"),
            "NEWSWIRE_BATCH_MS": "50",
        }
        self.settings = Settings(
            bootstrap_servers=bootstrap, topic_prefix=self.prefix, home=tmp / "home"
        )
        self.tmp = tmp
        self.workers: dict[str, subprocess.Popen[bytes]] = {}
        create_topics(self.settings)

    def topic(self, state: str) -> str:
        return self.settings.topic(state)

    def start(
        self,
        stage: str,
        name: str | None = None,
        web_port: int | None = None,
        loglevel: str = "warn",
        env: dict[str, str] | None = None,
    ) -> subprocess.Popen[bytes]:
        """Start a worker of `stage` (under `name`, to run a second one of the same stage),
        with more environment variables in `env`."""
        name = name or stage
        log = open(self.tmp / f"worker-{name}.log", "ab")  # closed with the process
        proc = subprocess.Popen(
            worker_command(stage, web_port or _free_port(), loglevel),
            env={**self.env, **(env or {})},
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.workers[name] = proc
        return proc

    def start_lag_exporter(self, port: int, interval: float = 1.0) -> subprocess.Popen[bytes]:
        """`newswire lag --serve PORT` on this test's topics, stopped with the workers (as
        "lag")."""
        log = open(self.tmp / "lag-exporter.log", "ab")  # closed with the process
        proc = subprocess.Popen(
            [sys.executable, "-m", "streams.cli", "lag", "--serve", str(port),
             "--interval", str(interval)],
            env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self.workers["lag"] = proc
        return proc

    def stop(self, stage: str, sig: int = signal.SIGTERM, timeout: float = 60) -> None:
        stop_process(self.workers.pop(stage), sig, timeout)

    def stop_all(self) -> None:
        for stage in list(self.workers):
            self.stop(stage)

    def newswire(
        self, *args: str, input: bytes | None = None, timeout: float = 300
    ) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [sys.executable, "-m", "streams.cli", *args],
            env=self.env,
            cwd=ROOT,
            input=input,
            capture_output=True,
            timeout=timeout,
            check=False,
        )

    def read(
        self,
        state: str,
        *,
        count: int | None = None,
        timeout: float = 120,
        drain: bool = False,
        until: Callable[[list[Any]], bool] | None = None,
    ) -> list[Any]:
        """Every message on a topic from the beginning: until `count` arrived or
        `until(messages)` holds (or, with neither, at once), or timeout. With `drain`, then
        until the running stages have committed all their input and the topic is read to its
        end offsets: proof that no more records (duplicates, dead letters) are coming."""
        consumer = KafkaConsumer(
            bootstrap_servers=self.settings.bootstrap_servers,
            group_id=None,
            enable_auto_commit=False,
            isolation_level="read_committed",
        )
        topic = self.topic(state)
        tps = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        got: list[Any] = []
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                for messages in consumer.poll(timeout_ms=300).values():
                    got.extend(messages)
                reached = (count is not None and len(got) >= count) or (
                    until is not None and until(got)
                )
                if (count is None and until is None) or reached:
                    break
            if drain:
                self.wait_drained(timeout=max(1.0, deadline - time.monotonic()))
                ends = consumer.end_offsets(tps)
                while any(consumer.position(tp) < ends[tp] for tp in tps):
                    if time.monotonic() > deadline:
                        raise AssertionError(f"{topic} not read to its end within {timeout}s")
                    for messages in consumer.poll(timeout_ms=300).values():
                        got.extend(messages)
        finally:
            consumer.close()
        return got

    def _running_stages(self) -> list[str]:
        running = [n for n, p in self.workers.items() if p.poll() is None]
        if "all" in running:
            return list(STAGES)
        return [n for n in STAGES if n in running]

    def _poll(self, what: str, timeout: float, pending: Callable[[Any], dict[str, Any]]) -> None:
        """Ask the broker (through a LagMonitor) every half second until `pending(monitor)`,
        the stages not there yet, is empty; fail with what is still pending at the deadline."""
        from streams.ops.lag import LagMonitor

        monitor = LagMonitor(self.settings)
        deadline = time.monotonic() + timeout
        try:
            while (left := pending(monitor)) and time.monotonic() < deadline:
                time.sleep(0.5)
        finally:
            monitor.close()
        if left:
            raise AssertionError(f"{what} within {timeout}s: {left}\n{self.logs()}")

    def wait_joined(self, stages: Sequence[str] | None = None, timeout: float = 180) -> None:
        """Until each stage's consumer group is Stable with a member, read from the broker."""
        wanted = list(stages or self._running_stages())

        def not_joined(monitor: Any) -> dict[str, Any]:
            left = {}
            for stage in wanted:
                group = self.settings.group(stage)
                try:
                    info = monitor.admin.describe_groups([group]).get(group, {})
                except KafkaError as exc:  # the coordinator is still loading: ask again
                    info = {"group_state": type(exc).__name__}
                state, members = info.get("group_state"), len(info.get("members") or [])
                if state != "Stable" or members == 0:
                    left[stage] = (state, members)
            return left

        self._poll("groups not joined", timeout, not_joined)

    def wait_drained(self, stages: Sequence[str] | None = None, timeout: float = 300) -> None:
        """Until each stage's group has committed its input up to the end offsets: nothing is
        left for it to process (read from the broker, not guessed from a pause)."""
        from streams.ops.lag import partition_lags

        wanted = list(stages or self._running_stages())

        def behind(monitor: Any) -> dict[str, Any]:
            left: dict[str, Any] = {}
            for stage in wanted:
                try:
                    lag = sum(partition_lags(monitor.snapshot(stage)).values())
                except KafkaError as exc:
                    left[stage] = type(exc).__name__
                    continue
                if lag > 0:
                    left[stage] = lag
            return left

        self._poll("stages not drained", timeout, behind)

    def logs(self, tail: int | None = 3000) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-(tail or 0) :]}"
            for p in self.tmp.glob("worker-*.log")
        )


@pytest.fixture
def pipeline(broker: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Pipeline]:
    p = Pipeline(
        broker, request.node.name.replace("_", "-").replace("[", "-").replace("]", ""), tmp_path
    )
    yield p
    p.stop_all()
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        print(p.logs())


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)
