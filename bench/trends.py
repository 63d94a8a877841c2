"""The trends worker's counting, in-process, one core: mention records folded per second and
the memory its state takes, for a day of synthetic articles (no Kafka).

    python bench/trends.py [--articles N] [--entities-per-article K] [--distinct D]

Articles arrive evenly over one day; each names K entities drawn from D distinct ones with a
Zipf-like skew (a few names everywhere, most rarely), and one in five is a copy of an earlier
story (not counted). The same fold is timed against a baseline in the same run: a plain
dict of counters keyed by (window, entity), with no windows closed, no replay memory and no
top lists, so the ratio is what the shard's bookkeeping costs.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import sys
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from streams.processors.trends.stage import Shard, mentions_of
from streams.timing import parse_windows


def articles(n: int, k: int, distinct: int, seed: int = 5) -> list[SimpleNamespace]:
    rng = random.Random(seed)
    cum, total = [], 0.0
    for i in range(distinct):
        total += 1 / (i + 1)
        cum.append(total)
    names = [f"Entity {i}" for i in range(distinct)]
    out = []
    for i in range(n):
        chosen = set(rng.choices(range(distinct), cum_weights=cum, k=k))
        copy = f"a{rng.randrange(i)}" if i and rng.random() < 0.2 else None
        # only the fields trends reads (an EnrichedArticle's names), without validating
        # 100,000 records: the fold is what is timed
        out.append(
            SimpleNamespace(
                id=f"a{i}",
                story_id=copy or f"a{i}",
                duplicate_of=copy,
                published_at=None,
                trace=[],
                entities=[
                    SimpleNamespace(
                        name=names[j], label="ORG", count=1 + j % 3, geo=None, entity_id=None
                    )
                    for j in chosen
                ],
            )
        )
    return out


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--entities-per-article", type=int, default=20)
    ap.add_argument("--distinct", type=int, default=300_000)
    args = ap.parse_args()
    arts = articles(args.articles, args.entities_per_article, args.distinct)
    day = 86400.0
    records = []
    for i, a in enumerate(arts):
        for key, value in mentions_of(a):
            value["t"] = 1_800_000_000.0 + i * day / len(arts)  # a day from a whole day
            records.append((key, value))
    gc.collect()
    before = rss_mb()
    print(
        f"{len(arts)} articles over a day, {len(records)} mention records "
        f"({args.distinct} distinct entities); windows 1h,1d; machine: one core of this host"
    )

    started = time.perf_counter()
    baseline: dict[tuple[int, str], list[int]] = {}
    for key, value in records:
        for size in (3600, 86400):
            c = baseline.setdefault((int(value["t"] // size), key), [0, 0])
            c[0] += 1
            c[1] += value.get("n", 1)
    t_base = time.perf_counter() - started
    del baseline
    gc.collect()

    shard = Shard(parse_windows("1h,1d"), grace=60, top=50)
    shard.begin(1_800_000_000.0, lookback=0)
    started = time.perf_counter()
    closed = 0
    for i, (key, value) in enumerate(records):
        shard.fold(key, value)
        if i % 10_000 == 0:
            shard.advance(float(value["t"]))
            closed += len(shard.close(0, 1))
    t_shard = time.perf_counter() - started
    peak = rss_mb()
    print(f"  baseline (a dict of counters): {len(records) / t_base:,.0f} records/s")
    print(
        f"  shard: {len(records) / t_shard:,.0f} records/s "
        f"({len(arts) / t_shard:,.0f} articles/s), {closed} windows closed on the way; "
        f"shard / baseline time {t_shard / t_base:.2f}x"
    )
    print(
        f"  peak memory {peak:.0f} MB, {before:.0f} MB before the shard (the records to fold): the state and its work take at most {peak - before:.0f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
