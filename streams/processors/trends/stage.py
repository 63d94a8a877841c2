"""Entity trends: mention counts per entity in tumbling windows, the top entities of each
closed window with their change against the window before. Pure: no Kafka, no clock (the
caller passes the time); :mod:`streams.agents.trends` runs it on Kafka.

The computation is split in three so that no partition is a bottleneck and the top list is
exact:

1. :func:`mentions_of` turns an enriched article into one record per entity it names, keyed
   by the entity, plus one ``*`` record that counts the article. Only a story's first
   article counts (``duplicate_of`` null): its copies, whatever partition they came through,
   count once.
2. A :class:`Shard` (one per partition of the mentions topic, so every entity lives in one
   shard) counts articles and mentions per entity and window; when a window closes it
   emits a *partial*: its own top entities with their counts in the window before.
3. The :class:`Merger` collects a window's partials, one per shard, and when it has them all
   emits the window's top entities. An entity is in exactly one shard, so the top N of the
   union of every shard's top N is the exact top N.

A window is ``[start, start + size)`` in arrival time (when the article entered the
pipeline), aligned to the epoch; it closes ``grace`` seconds after its end by the wall
clock. An article arriving for a window already closed is counted as late and left out.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from streams.timing import Window, arrival, iso

#: the key of the record that counts an article (every entity key has a tab in it)
ARTICLE_KEY = "*"


def entity_key(name: str, label: str) -> str:
    return f"{label}\t{name}"


def mentions_of(article: Any) -> list[tuple[str, dict[str, Any]]]:
    """(key, value) records for an enriched article: one per entity (its mention count in
    the article) and one that counts the article, or none for a copy of an earlier article
    (it counts once, as its story's first article did). Its time is its arrival in the
    pipeline, the dedup stage's rule (:func:`streams.timing.arrival`)."""
    if article.duplicate_of:
        return []
    at = arrival(article)
    story = article.story_id or article.id
    out: list[tuple[str, dict[str, Any]]] = [(ARTICLE_KEY, {"t": at, "story": story})]
    for e in article.entities:
        value = {"t": at, "story": story, "name": e.name, "label": e.label, "n": e.count}
        out.append((entity_key(e.name, e.label), value))
    return out


@dataclass
class Count:
    articles: int = 0
    mentions: int = 0


@dataclass
class Shard:
    """One partition's counts. ``fold`` takes its records in offset order; ``close`` emits
    the partials of the windows that have closed. The same records folded in the same order
    give the same counts, so a shard rebuilt from its topic after a crash has the counts it
    had (replays of a record already folded are recognised by story and key, and not
    counted again)."""

    windows: tuple[Window, ...]
    grace: float
    top: int
    remember: int = 200_000  # (story, key) pairs kept to recognise replays
    #: counts[window label][start][key]
    counts: dict[str, dict[int, dict[str, Count]]] = field(default_factory=dict)
    names: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: per window label, the start of the first window not yet closed
    open_from: dict[str, int] = field(default_factory=dict)
    late: int = 0
    _seen: OrderedDict[tuple[str, str], None] = field(default_factory=OrderedDict)

    def begin(self, now: float, lookback: int = 1) -> None:
        """Start closing windows from the one ``lookback`` windows before now (a shard that
        starts, or restarts after being down, also emits the windows that closed while it was
        down, up to ``lookback`` of them; the merger ignores the ones it already has)."""
        for w in self.windows:
            self.open_from.setdefault(w.label, w.start_of(now) - lookback * w.seconds)

    def fold(self, key: str, value: dict[str, Any]) -> bool:
        """Count one record; False when it was a replay or late."""
        story = str(value.get("story"))
        if (story, key) in self._seen:
            return False
        self._seen[story, key] = None
        if len(self._seen) > self.remember:
            self._seen.popitem(last=False)
        t = float(value["t"])
        counted = False
        for w in self.windows:
            start = w.start_of(t)
            if start < self.open_from.get(w.label, start):
                continue
            c = self.counts.setdefault(w.label, {}).setdefault(start, {}).setdefault(key, Count())
            c.articles += 1
            c.mentions += int(value.get("n", 1))
            counted = True
        if not counted:
            self.late += 1
            return False
        if key != ARTICLE_KEY and key not in self.names:
            self.names[key] = (str(value.get("name", "")), str(value.get("label", "")))
        return True

    def close(self, now: float, shard: int, parts: int) -> Iterator[tuple[str, dict[str, Any]]]:
        """(window id, partial) for every window that has closed by ``now`` and was not
        closed before, oldest first; windows older than the one before are forgotten."""
        closed = False
        for w in self.windows:
            start = self.open_from.get(w.label)
            if start is None:
                continue
            by_start = self.counts.setdefault(w.label, {})
            while start + w.seconds + self.grace <= now:
                yield w.id(start), self._partial(w, start, by_start, shard, parts)
                start += w.seconds
                closed = True
                for old in [s for s in by_start if s < start - w.seconds]:
                    del by_start[old]
            self.open_from[w.label] = start
        if closed:
            self._forget_names()

    def _partial(
        self, w: Window, start: int, by_start: dict[int, dict[str, Count]], shard: int, parts: int
    ) -> dict[str, Any]:
        now_counts = by_start.get(start, {})
        before = by_start.get(start - w.seconds, {})
        total = now_counts.get(ARTICLE_KEY, Count())
        ranked = sorted(
            ((k, c) for k, c in now_counts.items() if k != ARTICLE_KEY),
            key=lambda kc: (-kc[1].articles, -kc[1].mentions, kc[0]),
        )[: self.top]
        entities = []
        for k, c in ranked:
            p = before.get(k, Count())
            name, label = self.names.get(k, ("", ""))
            entities.append(
                {
                    "name": name,
                    "label": label,
                    "articles": c.articles,
                    "mentions": c.mentions,
                    "previous_articles": p.articles,
                    "previous_mentions": p.mentions,
                }
            )
        return {
            "window": w.label,
            "seconds": w.seconds,
            "start": start,
            "shard": shard,
            "parts": parts,
            "articles": total.articles,
            "previous_articles": before.get(ARTICLE_KEY, Count()).articles,
            "entities": entities,
        }

    def _forget_names(self) -> None:
        live = {k for by_start in self.counts.values() for c in by_start.values() for k in c}
        for k in [k for k in self.names if k not in live]:
            del self.names[k]


@dataclass
class Merger:
    """Collects each window's partials (one per shard) and finishes the window when it has
    them all. Folding the same partials in the same order finishes the same windows, so a
    merger rebuilt from its topic knows which windows it already finished; a partial sent
    again (a shard that restarted) is ignored."""

    top: int
    keep: int = 1000  # finished window ids remembered, and unfinished windows kept
    pending: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)
    finished: OrderedDict[str, None] = field(default_factory=OrderedDict)

    def fold(self, window_id: str, partial: dict[str, Any]) -> dict[str, Any] | None:
        """The finished window (a :class:`schemas.models.TrendingWindow` as a dict, without
        ``generated_at``) when this partial was the last it needed, else None."""
        if window_id in self.finished:
            return None
        parts = self.pending.setdefault(window_id, {})
        parts.setdefault(int(partial["shard"]), partial)
        if len(parts) < int(partial["parts"]):
            if len(self.pending) > self.keep:
                del self.pending[next(iter(self.pending))]
            return None
        del self.pending[window_id]
        self.finished[window_id] = None
        if len(self.finished) > self.keep:
            self.finished.popitem(last=False)
        return finish(list(parts.values()), self.top)


def finish(partials: Iterable[dict[str, Any]], top: int) -> dict[str, Any]:
    """One window from its shards' partials: the top entities of all of them."""
    partials = list(partials)
    first = partials[0]
    entities = sorted(
        (e for p in partials for e in p["entities"]),
        key=lambda e: (-e["articles"], -e["mentions"], e["label"], e["name"]),
    )[:top]
    ranked = [
        {**e, "rank": i, "change": e["articles"] - e["previous_articles"]}
        for i, e in enumerate(entities, 1)
    ]
    start = int(first["start"])
    return {
        "window": first["window"],
        "seconds": int(first["seconds"]),
        "start": iso(start),
        "end": iso(start + int(first["seconds"])),
        "articles": sum(int(p["articles"]) for p in partials),
        "previous_articles": sum(int(p["previous_articles"]) for p in partials),
        "entities": ranked,
    }
