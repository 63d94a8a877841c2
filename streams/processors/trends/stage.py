"""Entity trends: articles per entity in tumbling windows, each closed window's most-named
and most *unusually* named entities. Pure: no Kafka, no clock (the caller passes the time);
:mod:`streams.agents.trends` runs it on Kafka.

**Time.** An article counts at its *event time* (``clock="event"``, the default): when it
was published, when the record says so and the date is plausible (not after its arrival in
the pipeline by more than SKEW, not more than the horizon before it), else its arrival. So
a publisher's archive of last week, or a backlog after an outage, lands in the windows it
belongs to, not in the current hour. ``clock="arrival"`` counts every article when it
entered the pipeline (what the worker did before 1.5).

**Windows close on a watermark.** In event time a shard cannot read the clock to know that
a window is complete; it reads the stream. The worker that reads ``articles.enriched``
sends, after each batch, a *mark* to every shard: the latest event time seen on that source
partition (and, when a source partition has been quiet for a while, that it is idle). A
shard's watermark is the lowest mark over the source partitions that are not idle (the
highest when all are), never going back. A window is sent when the watermark passes its
end; an article for it that comes later but within ``grace`` of its end is counted, and the
window is sent again, corrected (its ``revision`` one more); an article beyond that is
counted as late and left out. In arrival time the watermark is the clock less the grace:
a window is sent once, ``grace`` after its end, and what comes later is late (the 1.4 rule).
This is the rule of Kafka Streams' and Flink's event-time windows with allowed lateness.

**One thing, one entity.** A mention record's key is the entity's *group*
(:func:`streams.processors.identity.group_of`: a person's surname, an organisation's
acronym, a place's GeoNames id), so every form of one thing lands in one shard, which folds
"Biden" into "Joe Biden" and "UN" into "United Nations" when they are counted in the same
window (:func:`streams.processors.identity.fold`).

**Bursts, not just counts.** Beside its articles, each entity of a window carries its
baseline (its mean count over the ``baseline`` windows before) and a burst score, ``(count
- mean) / sqrt(variance + mean + 1)``: an entity that is always named (the United States)
has a high mean and a wide variance, a name that was never named and is now in ten articles
scores high. Scores need ``min_support`` articles and ``min_history`` windows of history.

The computation is split in three so that no partition is a bottleneck and both top lists
are exact:

1. :func:`mentions_of` turns an enriched article into one record per entity it names, keyed
   by its group, plus one ``*`` record that counts the article. Only a story's first
   article counts (``duplicate_of`` null): its copies count once.
2. A :class:`Shard` (one per partition of the mentions topic) counts articles and mentions
   per entity and window; when a window closes it emits a *partial*, its own top entities by
   count and by burst, then a *progress* record with its watermark.
3. The :class:`Merger` keeps each window's partials and finishes the window when every
   shard's progress has passed its end. An entity is in exactly one shard, so the top N of
   the union of every shard's top N is the exact top N.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from streams.processors import identity
from streams.timing import Window, arrival, iso

#: the key of the record that counts an article (every entity key has a ~ or : in it)
ARTICLE_KEY = "*"
#: the key of a source partition's mark on entities.mentions
MARK_KEY = "~mark"
#: the key of a shard's progress on entities.trending-partials
PROGRESS_KEY = "~progress"
#: a publication time this far after the article's arrival is a wrong date, not news
SKEW = 600.0
CLOCKS = ("event", "arrival")


def event_time(article: Any, horizon: float) -> float:
    """When the article happened for trends: its ``published_at`` when given and within
    [arrival - horizon, arrival + SKEW], else its arrival (:func:`streams.timing.arrival`).
    The same on every replay: both times are in the record."""
    at = arrival(article)
    published = article.published_at
    if published is not None and at:
        p = float(published.timestamp())
        if at - horizon <= p <= at + SKEW:
            return p
    return at


def time_of(article: Any, clock: str = "arrival", horizon: float = 30 * 86400) -> float:
    """The time an article counts at on this clock: its event time or its arrival."""
    if clock not in CLOCKS:
        raise ValueError(f"a trends clock is one of {CLOCKS}, not {clock!r}")
    return event_time(article, horizon) if clock == "event" else arrival(article)


def mentions_of(
    article: Any, clock: str = "arrival", horizon: float = 30 * 86400, at: float | None = None
) -> list[tuple[str, dict[str, Any]]]:
    """(key, value) records for an enriched article: one per entity id (the mentions of
    its forms summed, named by its form named most) keyed by the id's group, and one that
    counts the article; none for a copy of an earlier article (it counts once, as its
    story's first article did). ``at``: its :func:`time_of`, when the caller has it."""
    if article.duplicate_of:
        return []
    at = time_of(article, clock, horizon) if at is None else at
    story = article.story_id or article.id
    out: list[tuple[str, dict[str, Any]]] = [(ARTICLE_KEY, {"t": at, "story": story})]
    by_id: dict[str, dict[str, Any]] = {}
    for e in article.entities:
        place = e.geo.geonames_id if e.geo is not None else None
        ident = e.entity_id or identity.entity_id(e.name, e.label, place)
        value = by_id.get(ident)
        if value is None:
            group = ident if ident.startswith("geonames:") else identity.group_of(e.name, e.label)
            by_id[ident] = {
                "t": at,
                "story": story,
                "id": ident,
                "group": group,
                "name": e.name,
                "label": e.label,
                "n": e.count,
                "_most": e.count,
            }
            continue
        value["n"] += e.count
        if e.count > value["_most"]:
            value.update(name=e.name, label=e.label, _most=e.count)
    for value in by_id.values():
        del value["_most"]
        out.append((value.pop("group"), value))
    return out


@dataclass
class Count:
    articles: int = 0
    mentions: int = 0


@dataclass
class Shard:
    """One partition's counts. ``fold`` takes its records in offset order (entity and
    article records, and marks); ``close`` emits the partials of the windows the watermark
    has passed. The same records folded in the same order give the same counts and the same
    watermark, so a shard rebuilt from its topic after a crash has the state it had (a
    replayed record is recognised by story and id, and not counted again)."""

    windows: tuple[Window, ...]
    grace: float
    top: int
    clock: str = "arrival"
    sources: int = 1  # partitions of the source topic: marks come from each
    baseline: int = 12
    min_support: int = 3
    min_history: int = 3
    remember: int = 200_000  # (story, id) pairs kept to recognise replays
    #: counts[window label][start][entity id]
    counts: dict[str, dict[int, dict[str, Count]]] = field(default_factory=dict)
    #: records folded per window (a partial sent again with more is a correction)
    tally: dict[str, dict[int, int]] = field(default_factory=dict)
    #: per entity id: its group and how often each (name, label) was seen
    groups: dict[str, str] = field(default_factory=dict)
    names: dict[str, dict[tuple[str, str], int]] = field(default_factory=dict)
    #: per source partition, its latest mark; the idle ones
    marks: dict[int, float] = field(default_factory=dict)
    idle: set[int] = field(default_factory=set)
    watermark: float = -math.inf
    #: per window label, the start of the first window not yet sent
    sent_to: dict[str, int] = field(default_factory=dict)
    #: per window label, windows sent and counted into since (to be sent again)
    dirty: dict[str, set[int]] = field(default_factory=dict)
    #: per window label, the first window with anything in it (the history's start)
    first: dict[str, int] = field(default_factory=dict)
    late: int = 0
    _seen: OrderedDict[tuple[str, str], None] = field(default_factory=OrderedDict)
    _folded: dict[tuple[str, int], tuple[int, dict[str, Count]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.clock not in CLOCKS:
            raise ValueError(f"a trends clock is one of {CLOCKS}, not {self.clock!r}")

    @property
    def lateness(self) -> float:
        """How long after its end a window still takes articles (in arrival time the grace
        is spent before the window is sent: none after)."""
        return self.grace if self.clock == "event" else 0.0

    def advance(self, now: float) -> None:
        """Arrival time: the watermark is the clock less the grace."""
        if self.clock == "arrival":
            self.watermark = max(self.watermark, now - self.grace)

    def begin(self, now: float, lookback: int = 1) -> None:
        """Start sending windows from ``lookback`` windows before the watermark (a shard
        that starts, or restarts after being down, sends again the windows it may have sent
        or left unsent; the merger ignores what it has)."""
        self.advance(now)
        if self.watermark == -math.inf:
            return  # event time, nothing seen yet: windows are sent from the first one
        for w in self.windows:
            self.sent_to.setdefault(
                w.label, w.start_of(self.watermark - self.lateness) - lookback * w.seconds
            )

    def _mark(self, value: dict[str, Any]) -> None:
        src = int(value["src"])
        if value.get("idle"):
            self.idle.add(src)
        else:
            self.idle.discard(src)
            self.marks[src] = max(self.marks.get(src, -math.inf), float(value["t"]))
        if self.clock != "event":
            return
        active = [p for p in range(self.sources) if p not in self.idle]
        if any(p not in self.marks for p in active):
            return  # a source partition not heard from yet holds the watermark back
        if active:
            low = min(self.marks[p] for p in active)
        elif self.marks:
            low = max(self.marks.values())
        else:
            return
        self.watermark = max(self.watermark, low)

    def fold(self, key: str, value: dict[str, Any]) -> bool:
        """Count one record; False when it was a mark, a replay or late."""
        if key == MARK_KEY:
            self._mark(value)
            return False
        ident = str(value.get("id", key))
        story = str(value.get("story"))
        if (story, ident) in self._seen:
            return False
        self._seen[story, ident] = None
        if len(self._seen) > self.remember:
            self._seen.popitem(last=False)
        t = float(value["t"])
        n = int(value.get("n", 1))
        final = self.watermark - self.lateness
        counted = False
        for w in self.windows:
            label, start = w.label, w.start_of(t)
            if start + w.seconds <= final:
                continue  # its window is final
            by_id = self.counts.setdefault(label, {}).setdefault(start, {})
            c = by_id.get(ident)
            if c is None:
                c = by_id[ident] = Count()
            c.articles += 1
            c.mentions += n
            tally = self.tally.setdefault(label, {})
            tally[start] = tally.get(start, 0) + 1
            if start < self.first.get(label, math.inf):
                self.first[label] = start
            if start < self.sent_to.get(label, -math.inf):
                self.dirty.setdefault(label, set()).add(start)
            counted = True
        if not counted:
            self.late += 1
            return False
        if ident != ARTICLE_KEY:
            self.groups.setdefault(ident, key)
            seen = self.names.setdefault(ident, {})
            form = (str(value.get("name", "")), str(value.get("label", "")))
            seen[form] = seen.get(form, 0) + 1
        return True

    def close(self, shard: int, parts: int) -> list[tuple[str, dict[str, Any]]]:
        """(window id, partial) for every window with something in it that the watermark
        has passed and that was not sent, and every window sent before and counted into
        since; oldest first."""
        out: list[tuple[str, dict[str, Any]]] = []
        for w in self.windows:
            by_start = self.counts.get(w.label, {})
            done = w.start_of(self.watermark) if self.watermark > -math.inf else None
            if done is None:
                continue
            since = self.sent_to.get(w.label, self.first.get(w.label, done))
            again = self.dirty.pop(w.label, set())
            due = sorted({s for s in by_start if since <= s < done} | again)
            for start in due:
                out.append((w.id(start), self._partial(w, start, shard, parts)))
            self.sent_to[w.label] = max(since, done)
            self._prune(w)
        return out

    def _prune(self, w: Window) -> None:
        """Forget windows older than the history a burst reads, and the names no window
        counts any more."""
        keep_from = min(
            self.sent_to.get(w.label, 0), w.start_of(self.watermark - self.lateness)
        ) - w.seconds * (self.baseline + 1)
        counts, tally = self.counts.get(w.label, {}), self.tally.get(w.label, {})
        old = [s for s in counts if s < keep_from]
        for start in old:
            del counts[start]
        for start in [s for s in tally if s < keep_from]:
            del tally[start]
        for cached in [k for k in self._folded if k[0] == w.label and k[1] < keep_from]:
            del self._folded[cached]
        if not old:
            return
        live = {k for by_start in self.counts.values() for c in by_start.values() for k in c}
        for k in [k for k in self.names if k not in live]:
            del self.names[k]
            self.groups.pop(k, None)

    def folded(self, label: str, start: int) -> dict[str, Count]:
        """A window's counts with each id folded (a surname alone into the full name of
        its group named most in the window); the article count is under ``*``."""
        tally = self.tally.get(label, {}).get(start, 0)
        cached = self._folded.get((label, start))
        if cached is not None and cached[0] == tally:
            return cached[1]
        raw = self.counts.get(label, {}).get(start, {})
        by_group: dict[str, dict[str, int]] = {}
        for ident, c in raw.items():
            by_group.setdefault(self.groups.get(ident, ident), {})[ident] = c.articles
        into: dict[str, str] = {}
        for members in by_group.values():
            into.update(identity.fold(members))
        out: dict[str, Count] = {}
        for ident, c in raw.items():
            total = out.setdefault(into.get(ident, ident), Count())
            total.articles += c.articles
            total.mentions += c.mentions
        self._folded[label, start] = (tally, out)
        return out

    def _name(self, ident: str) -> tuple[str, str]:
        forms = self.names.get(ident) or {("", ""): 0}
        return min(forms, key=lambda f: (-forms[f], f))

    def burst(self, w: Window, start: int, ident: str, count: int) -> tuple[float | None, ...]:
        """(baseline, burst) of an entity named in ``count`` articles of a window."""
        first = self.first.get(w.label, start)
        history = [
            self.folded(w.label, s).get(ident, Count()).articles
            for s in range(start - w.seconds, start - w.seconds * (self.baseline + 1), -w.seconds)
            if s >= first
        ]
        if not history:
            return None, None
        mean = sum(history) / len(history)
        variance = sum((h - mean) ** 2 for h in history) / len(history)
        if len(history) < self.min_history or count < self.min_support:
            return round(mean, 4), None
        return round(mean, 4), round((count - mean) / math.sqrt(variance + mean + 1), 4)

    def _partial(self, w: Window, start: int, shard: int, parts: int) -> dict[str, Any]:
        now_counts = self.folded(w.label, start)
        before = self.folded(w.label, start - w.seconds)
        # the top by count, and every entity with the support a burst score needs
        ranked = sorted(
            ((k, c) for k, c in now_counts.items() if k != ARTICLE_KEY),
            key=lambda kc: (-kc[1].articles, -kc[1].mentions, kc[0]),
        )
        chosen = ranked[: self.top] + [
            (k, c) for k, c in ranked[self.top :] if c.articles >= self.min_support
        ]
        rows: list[dict[str, Any]] = []
        for k, c in chosen:
            p = before.get(k, Count())
            name, label = self._name(k)
            baseline, burst = self.burst(w, start, k, c.articles)
            rows.append(
                {
                    "id": k,
                    "name": name,
                    "label": label,
                    "articles": c.articles,
                    "mentions": c.mentions,
                    "previous_articles": p.articles,
                    "previous_mentions": p.mentions,
                    "baseline": baseline,
                    "burst": burst,
                }
            )
        return {
            "window": w.label,
            "seconds": w.seconds,
            "start": start,
            "shard": shard,
            "parts": parts,
            "clock": self.clock,
            "counted": self.tally.get(w.label, {}).get(start, 0),
            "articles": now_counts.get(ARTICLE_KEY, Count()).articles,
            "previous_articles": before.get(ARTICLE_KEY, Count()).articles,
            "entities": sorted(rows, key=by_count)[: self.top],
            "rising": sorted((r for r in rows if (r["burst"] or 0) > 0), key=by_burst)[: self.top],
        }


def by_count(e: dict[str, Any]) -> tuple[Any, ...]:
    return (-e["articles"], -e["mentions"], e["label"], e["name"], e["id"])


def by_burst(e: dict[str, Any]) -> tuple[Any, ...]:
    """Rows with a burst score only (a partial's rising list)."""
    return (-e["burst"], *by_count(e))


@dataclass
class Merger:
    """Keeps each window's partials (one per shard that counted something in it) and every
    shard's progress; a window is finished when every shard's progress has passed its end,
    and finished again, one revision more, when a shard sends a partial with more records
    counted. Folding the same records in the same order gives the same windows and
    revisions, so a merger rebuilt from its topic knows what it already sent; a partial sent
    again unchanged (a shard that restarted) is ignored."""

    top: int
    keep: int = 1000  # finished windows remembered (for corrections), unfinished ones kept
    progress: dict[int, float] = field(default_factory=dict)
    pending: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)
    finished: OrderedDict[str, tuple[int, dict[int, dict[str, Any]]]] = field(
        default_factory=OrderedDict
    )

    def fold(self, key: str, value: dict[str, Any]) -> list[dict[str, Any]]:
        """The windows finished or corrected by this record (each a
        :class:`schemas.models.TrendingWindow` as a dict, without ``generated_at``)."""
        if key == PROGRESS_KEY:
            return self._progress(value)
        shard = int(value["shard"])
        if key in self.finished:
            revision, parts = self.finished[key]
            old = parts.get(shard)
            if old is not None and int(old["counted"]) >= int(value["counted"]):
                return []
            parts[shard] = value
            self.finished[key] = (revision + 1, parts)
            return [finish(parts.values(), self.top, revision + 1)]
        if self._low(int(value["parts"])) >= int(value["start"]) + int(value["seconds"]):
            return []  # a window finished and forgotten long ago, sent again
        parts = self.pending.setdefault(key, {})
        old = parts.get(shard)
        if old is None or int(old["counted"]) < int(value["counted"]):
            parts[shard] = value
        while len(self.pending) > self.keep:
            del self.pending[next(iter(self.pending))]
        return []

    def _low(self, parts: int) -> float:
        if len(self.progress) < parts:
            return -math.inf
        return min(self.progress.values())

    def _progress(self, value: dict[str, Any]) -> list[dict[str, Any]]:
        shard = int(value["shard"])
        self.progress[shard] = max(self.progress.get(shard, -math.inf), float(value["t"]))
        low = self._low(int(value["parts"]))
        ready = []
        for k, parts in self.pending.items():
            meta = next(iter(parts.values()))
            start, seconds = int(meta["start"]), int(meta["seconds"])
            if start + seconds <= low:
                ready.append((seconds, start, k))
        out = []
        for _, _, k in sorted(ready):
            parts = self.pending.pop(k)
            self.finished[k] = (1, parts)
            out.append(finish(parts.values(), self.top, 1))
        while len(self.finished) > self.keep:
            self.finished.popitem(last=False)
        return out


def finish(partials: Iterable[dict[str, Any]], top: int, revision: int = 1) -> dict[str, Any]:
    """One window from its shards' partials: the top entities of all of them, by count and
    by burst."""
    partials = list(partials)
    first = partials[0]

    def ranked(rows: Iterable[dict[str, Any]], key: Any) -> list[dict[str, Any]]:
        out = []
        for i, e in enumerate(sorted(rows, key=key)[:top], 1):
            row = {k: v for k, v in e.items() if k != "id"}
            out.append(
                {
                    **row,
                    "entity_id": e.get("id"),
                    "rank": i,
                    "change": e["articles"] - e["previous_articles"],
                }
            )
        return out

    start = int(first["start"])
    return {
        "window": first["window"],
        "seconds": int(first["seconds"]),
        "start": iso(start),
        "end": iso(start + int(first["seconds"])),
        "clock": first.get("clock", "arrival"),
        "revision": revision,
        "articles": sum(int(p["articles"]) for p in partials),
        "previous_articles": sum(int(p["previous_articles"]) for p in partials),
        "entities": ranked((e for p in partials for e in p["entities"]), by_count),
        "rising": ranked((e for p in partials for e in p.get("rising", [])), by_burst),
    }
