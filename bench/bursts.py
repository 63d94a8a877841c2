"""Does `newswire trends --rising` find what is unusual? Bursts planted in a stream of real
articles, found by burst score against ranking by raw count and by change (the window's
count minus the one before, what 1.4 offered) in the same run.

    python bench/bursts.py [DEV]    (DEV: the development data, default ../shared/dev)

The articles are the CoNLL-2003 English training and development documents (1,162 Reuters
stories of August 1996) with their hand-annotated names (PER -> PERSON, ORG, LOC -> GPE,
MISC -> NORP): real news's mix of names, a few in every story (Clinton, the U.S.), most
rare. The stream is WINDOWS hourly windows of PER_WINDOW stories drawn at random. In each
of BURSTS windows, TEN entities are planted: each is added to extra stories of that window,
twice the stories it is in per window on average across the stream, and at least MIN_EXTRA
(a name always in the news doubled, a rare name suddenly in several stories). Planted
entities are drawn from the names in at least two stories, across their whole range of
frequency. For each planted window: precision and recall of the top 10 of each ranking
(ten planted, so the two are equal up to ties), mean over windows and seeds.

The trends worker's shard and merger are run in-process (no Kafka) with the default
settings (baseline 12 windows, min_support 3, min_history 3): they were not tuned on this
stream.
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from streams.build.ner import iob_spans, read_conll
from streams.processors.trends.stage import PROGRESS_KEY, Merger, Shard, mentions_of
from streams.settings import Settings
from streams.timing import parse_windows

WINDOWS = 48
PER_WINDOW = 40
BURSTS = 8
TEN = 10
MIN_EXTRA = 4
SEEDS = 5
T0 = 1_800_000_000.0 // 3600 * 3600
LABELS = {"PER": "PERSON", "ORG": "ORG", "LOC": "GPE", "MISC": "NORP"}


def stories(dev: Path) -> list[list[tuple[str, str]]]:
    """Each document's distinct (name, label) pairs."""
    out = []
    for name in ("conll2003_train.txt", "conll2003_dev.txt"):
        for doc in read_conll(dev / "ner" / name, 3):
            names = set()
            for sent in doc:
                words = [w for w, _ in sent]
                for a, b, kind in iob_spans([t for _, t in sent]):
                    names.add((" ".join(words[a:b]), LABELS[kind]))
            if names:
                out.append(sorted(names))
    return out


def article(i: int, t: float, names: list[tuple[str, str]]) -> SimpleNamespace:
    stamp = SimpleNamespace(stage="clean", at=datetime.fromtimestamp(t, UTC))
    return SimpleNamespace(
        id=f"a{i}",
        story_id=f"a{i}",
        duplicate_of=None,
        published_at=None,
        trace=[stamp],
        entities=[
            SimpleNamespace(name=n, label=lab, count=1, geo=None, entity_id=None)
            for n, lab in names
        ],
    )


def run(pool: list[list[tuple[str, str]]], seed: int) -> dict[str, list[float]]:
    rng = random.Random(seed)
    settings = Settings()
    windows = [[list(rng.choice(pool)) for _ in range(PER_WINDOW)] for _ in range(WINDOWS)]
    per_window = Counter(n for w in windows for story in w for n in story)
    candidates = sorted(n for n, c in per_window.items() if c >= 2)
    # burst windows after a baseline's worth of history, spread over the rest
    burst_at = sorted(rng.sample(range(settings.trends_baseline + 2, WINDOWS), BURSTS))
    planted: dict[int, set[tuple[str, str]]] = {}
    for w in burst_at:
        chosen = set(rng.sample(candidates, TEN))
        planted[w] = chosen
        for name in chosen:
            extra = max(MIN_EXTRA, round(2 * per_window[name] / WINDOWS))
            for story in rng.sample(windows[w], min(extra, PER_WINDOW)):
                if name not in story:
                    story.append(name)
    shard = Shard(
        parse_windows("1h"),
        grace=0,
        top=10_000,  # every entity: the change ranking is over all of them
        baseline=settings.trends_baseline,
        min_support=settings.trends_min_support,
        min_history=settings.trends_min_history,
    )
    i = 0
    for w, window in enumerate(windows):
        for story in window:
            for key, value in mentions_of(article(i, T0 + 3600 * w + i % 3600, story)):
                shard.fold(key, value)
            i += 1
    shard.begin(T0, lookback=0)
    shard.advance(T0 + 3600 * WINDOWS)
    merger = Merger(top=10_000)
    finished: dict[int, dict[str, Any]] = {}
    for wid, partial in shard.close(0, 1):
        merger.fold(wid, partial)
    for window in merger.fold(PROGRESS_KEY, {"shard": 0, "parts": 1, "t": shard.watermark}):
        start = datetime.fromisoformat(window["start"].replace("Z", "+00:00")).timestamp()
        finished[int((start - T0) // 3600)] = window
    scores: dict[str, list[float]] = {"burst": [], "count": [], "change": []}
    for w, chosen in planted.items():
        window = finished[w]
        rows = window["entities"]
        rankings = {
            "burst": window["rising"],
            "count": rows,
            "change": sorted(rows, key=lambda e: (-e["change"], -e["articles"], e["name"])),
        }
        for how, ranked in rankings.items():
            top = {(e["name"], e["label"]) for e in ranked[:TEN]}
            scores[how].append(len(top & chosen) / TEN)
    return scores


def main() -> int:
    dev = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/dev")
    pool = stories(dev)
    print(
        f"{len(pool)} CoNLL-2003 stories with their gold names; {WINDOWS} hourly windows of "
        f"{PER_WINDOW} stories; {TEN} entities planted in each of {BURSTS} windows; "
        f"{SEEDS} seeds"
    )
    totals: dict[str, list[float]] = {"burst": [], "count": [], "change": []}
    for seed in range(SEEDS):
        scores = run(pool, seed)
        for how, values in scores.items():
            totals[how] += values
        line = "  ".join(f"{how} {sum(v) / len(v):.3f}" for how, v in scores.items())
        print(f"  seed {seed}: precision@10 = recall@10: {line}")
    names = {
        "burst": "newswire --rising (burst against its own baseline)",
        "count": "ranking by raw count (the top of `newswire trends`)",
        "change": "ranking by change against the window before (1.4's `change`)",
    }
    for how, values in totals.items():
        mean = sum(values) / len(values)
        print(f"{names[how]:62s} precision@10 {mean:.3f}  recall@10 {mean:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
