"""Near-duplicate detection: which earlier article is this one a copy of?

A copy is what outlets make of wire copy: their own header and footer lines, copy-editing, a
new headline, truncation, a brief of the first paragraphs, an inserted local paragraph,
re-flowed paragraphs, HTML instead of text. What survives all of these is long runs of the
same words in the same order. So an article is reduced to **fingerprints**: hashes of its
word 5-shingles (lowercased words, punctuation dropped, so re-flowing and quote styles do
not matter), keeping those whose hash is 0 modulo ``sample`` — a choice made by the
shingle's content, not its position, so two documents keep the same fingerprints for the
text they share, wherever it sits (the "0 mod p" selection of Manber and of Broder).

Two articles are compared by **containment**: shared fingerprints over the fingerprints of
the smaller one. A brief of the first three paragraphs or a truncated copy is contained in
its original even though their Jaccard overlap is small; an inserted paragraph or a new
header barely moves it. Documents that only share a template (league tables, market
reports) share their boilerplate words but not their numbers and names, so their 5-shingles
differ and their containment stays low; a minimum count of shared fingerprints keeps two
short texts that share one stock phrase apart.

The index maps fingerprint -> postings ``(doc id, fingerprint count, arrival, position)``.
The stage keeps it in memory and its log on Kafka (:class:`streams.agents.state.SignatureLog`,
attached by the worker: every worker reads the whole log, so it finds copies from every
partition, and rebuilds the index from it when it starts). It is bounded in time (postings
older than ``window_s`` are dropped), per
fingerprint (at most ``max_postings`` documents: a fingerprint shared by more is a stock
phrase, not evidence) and in size (``max_keys`` fingerprints, oldest dropped first).
"""

from __future__ import annotations

import logging
import time
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from streams.processors.text import words
from streams.timing import arrival

log = logging.getLogger(__name__)


#: words per shingle
SHINGLE = 5
#: keep shingle hashes that are 0 modulo this (1 in 4 kept)
SAMPLE = 4
#: containment (shared / fingerprints of the smaller) at or above which it is a copy
THRESHOLD = 0.4
#: fewer shared fingerprints than this is never a copy, whatever the ratio
MIN_SHARED = 4
#: the shared text must begin within this fraction of the larger text: a copy keeps the
#: story's lede (a brief or a truncation is its start; an outlet's header lines are short),
#: while a paragraph lifted into another story sits in that story's middle
LEAD = 0.2
#: unless the shared text is also this share of the larger text: then the two are mostly
#: one text, whatever stands before it (an outlet's own paragraph put above the wire lede),
#: where a lifted paragraph is a small part of the story it was put in
WHOLE = 0.4


@dataclass(frozen=True)
class Match:
    """The earliest earlier document `doc` copies, and how much of the smaller it shares."""

    duplicate_of: str | None
    similarity: float | None  # containment with duplicate_of (None for an original)
    story_id: str


_MASK = 0xFFFFFFFF
_MUL = 0x01000193  # the FNV prime: mixes each word's hash into the shingle's


def fingerprints(text: str, sample: int | None = None, k: int = SHINGLE) -> dict[int, float]:
    """The text's sampled word k-shingle hashes, each with the relative position (0 at the
    start, 1 at the end) of its first occurrence. Every text is sampled alike, so the
    fingerprints two texts share stand for the same share of each. Hashes are CRC-32 of
    each word combined by multiplication: the same on every worker and Python version."""
    sample = sample or SAMPLE
    ws = [zlib.crc32(w.encode()) for w in words(text)]
    if not ws:
        return {}
    if len(ws) < k:  # too short to sample: its one shingle stands for it
        h = 0
        for w in ws:
            h = ((h ^ w) * _MUL) & _MASK
        return {h: 0.0}
    n = len(ws) - k + 1
    out: dict[int, float] = {}
    for i in range(n):
        h = 0
        for w in ws[i : i + k]:
            h = ((h ^ w) * _MUL) & _MASK
        if (h >> 8) % sample == 0 and h not in out:
            out[h] = i / n
    return out


def containment(shared: int, n_a: int, n_b: int) -> float:
    smaller = min(n_a, n_b)
    return shared / smaller if smaller else 0.0


def is_copy(
    shared: int,
    n_a: int,
    n_b: int,
    start_in_larger: float = 0.0,
    threshold: float = THRESHOLD,
    lead: float = LEAD,
    min_shared: int = MIN_SHARED,
    whole: float = WHOLE,
) -> bool:
    """Shared enough fingerprints, and enough of the smaller text, starting early enough in
    the larger one or making up `whole` of it too, to be the same story."""
    need = min(min_shared, min(n_a, n_b))
    if need < 2 and max(n_a, n_b) > 1:  # one shared shingle is a stock phrase, unless it
        need = 2  # is all either text has: two one-line texts that are the same
    return (
        shared >= max(need, 1)
        and containment(shared, n_a, n_b) >= threshold
        and (start_in_larger <= lead or shared >= whole * max(n_a, n_b))
    )


@dataclass(frozen=True)
class Candidate:
    doc: str
    size: int  # its fingerprint count
    at: float  # its arrival (seconds)
    shared: int
    start: float = 0.0  # where the shared fingerprints begin in it (relative position)
    own_start: float = 0.0  # where they begin in the document looked up

    def start_in_larger(self, size: int) -> float:
        return self.start if self.size >= size else self.own_start


def tally(
    postings: Mapping[int, list[Any]], fps: Mapping[int, float], doc: str
) -> dict[str, Candidate]:
    """Per earlier document: how many of `fps` it shares, and where the shared part begins
    in it and in `doc` (the document itself excluded)."""
    acc: dict[str, list[Any]] = {}  # doc -> [shared, start in it, start in doc, entry]
    get = postings.get
    for fp, pos in fps.items():
        for entry in get(fp) or ():
            other = entry[0]
            if other == doc:
                continue
            p = entry[3]
            a = acc.get(other)
            if a is None:
                acc[other] = [1, p, pos, entry]
            else:
                a[0] += 1
                if p < a[1]:
                    a[1] = p
                if pos < a[2]:
                    a[2] = pos
    return {
        str(d): Candidate(str(d), int(e[1]), float(e[2]), n, float(start), float(own))
        for d, (n, start, own, e) in acc.items()
    }


def decide(
    doc: str,
    size: int,
    at: float,
    candidates: Iterable[Candidate],
    threshold: float = THRESHOLD,
    lead: float = LEAD,
    min_shared: int = MIN_SHARED,
) -> Match:
    """The earliest earlier candidate that `doc` copies; the story is that record's id (the
    group's first record, since every copy of a story contains its wire base), else its own."""
    copies = [
        c
        for c in candidates
        if (c.at, c.doc) < (at, doc)
        and is_copy(c.shared, size, c.size, c.start_in_larger(size), threshold, lead, min_shared)
    ]
    if not copies:
        return Match(None, None, doc)
    first = min(copies, key=lambda c: (c.at, c.doc))
    return Match(first.doc, round(containment(first.shared, size, first.size), 4), first.doc)


class Index:
    """Fingerprint postings, bounded in time, per fingerprint and in size, and the rule that
    decides what a new document copies."""

    def __init__(
        self,
        window_s: float = 7 * 86400,
        max_postings: int = 64,
        max_keys: int = 1_000_000,
        sweep_every: int = 5000,
        threshold: float = THRESHOLD,
        lead: float = LEAD,
    ) -> None:
        self.store: dict[int, list[Any]] = {}
        self.threshold = threshold
        self.lead = lead
        self.window_s = window_s
        self.max_postings = max_postings
        self.max_keys = max_keys
        self.sweep_every = sweep_every
        self._since_sweep = 0
        self.latest = 0.0

    def lookup(self, doc: str, fps: Mapping[int, float]) -> dict[str, Candidate]:
        return tally(self.store, fps, doc)

    def add(self, doc: str, fps: Mapping[int, float], at: float) -> None:
        """Post `doc` under each fingerprint with its position (idempotent: a replayed
        document is not posted twice); a fingerprint's postings keep the newest
        `max_postings`."""
        self.latest = max(self.latest, at)
        for fp, pos in fps.items():
            current = self.store.get(fp) or []
            if any(e[0] == doc for e in current):
                continue
            kept = [*current, (doc, len(fps), at, round(pos, 4))][-self.max_postings :]
            self.store[fp] = kept
        self._since_sweep += 1
        if self._since_sweep >= self.sweep_every or len(self.store) > self.max_keys:
            self.sweep(self.latest)

    def match(self, doc: str, fps: Mapping[int, float], at: float) -> Match:
        """What `doc` (its fingerprints) copies among what was posted; then post it."""
        result = decide(
            doc, len(fps), at, self.lookup(doc, fps).values(), self.threshold, self.lead
        )
        self.add(doc, fps, at)
        return result

    def sweep(self, now: float) -> int:
        """Drop postings older than the window, then the oldest fingerprints above the size
        limit; returns how many fingerprints were removed."""
        self._since_sweep = 0
        horizon = now - self.window_s
        removed = 0
        newest: dict[int, float] = {}
        for fp in list(self.store.keys()):
            postings = self.store.get(fp) or []
            fresh = [e for e in postings if float(e[2]) >= horizon]
            if not fresh:
                del self.store[fp]
                removed += 1
                continue
            if len(fresh) != len(postings):
                self.store[fp] = fresh
            newest[fp] = float(fresh[-1][2])
        # over the limit, down to nine tenths of it: the next sweep is thousands of
        # articles away, not one
        excess = len(newest) - (
            self.max_keys * 9 // 10 if len(newest) > self.max_keys else len(newest)
        )
        if excess > 0:
            for fp in sorted(newest, key=newest.__getitem__)[:excess]:
                del self.store[fp]
                removed += 1
        return removed


class SignatureStore(Protocol):
    """Where the fingerprint index is kept between workers and restarts (the agents layer's
    :class:`streams.agents.state.SignatureLog` on Kafka). The processor hands it the batch's
    signatures and takes from it the ones other workers saw; it never reaches Kafka itself."""

    def catch_up(self, index: Index) -> int:
        """Add to `index` every signature published since the last call; how many."""
        ...

    def publish(self, signatures: list[tuple[str, float, dict[int, float]]]) -> None:
        """Keep the batch's signatures (acknowledged before the batch's outputs are sent)."""
        ...


class DedupProcessor:
    """The dedup stage's processor: per article, what earlier article it copies."""

    def __init__(
        self,
        window_s: float = 72 * 3600.0,
        max_keys: int = 1_000_000,
        threshold: float = THRESHOLD,
        lead: float = LEAD,
        log: SignatureStore | None = None,
    ) -> None:
        self.index = Index(window_s=window_s, max_keys=max_keys, threshold=threshold, lead=lead)
        self.log = log

    def attach(self, store: SignatureStore) -> None:
        """Keep the index in `store` (the worker attaches the Kafka log; `newswire enrich`
        does not, and finds copies within its own input)."""
        self.log = store

    def warm_up(self) -> None:
        """Nothing to load; with its log on Kafka, rebuild the index from it."""
        if self.log is not None:
            started = time.perf_counter()
            n = self.log.catch_up(self.index)
            log.info(
                "fingerprint index rebuilt from %d signatures in %.1fs",
                n,
                time.perf_counter() - started,
            )

    def process(self, batch: list[Any]) -> list[dict[str, Any]]:
        if self.log is not None:
            self.log.catch_up(self.index)
        out: list[dict[str, Any]] = []
        signatures = []
        for article in batch:
            at = arrival(article)
            fps = fingerprints(article.text)
            m = self.index.match(article.id, fps, at)
            signatures.append((article.id, at, fps))
            out.append(
                {"duplicate_of": m.duplicate_of, "similarity": m.similarity, "story_id": m.story_id}
            )
        if self.log is not None:
            self.log.publish(signatures)  # acknowledged before the outputs are sent
        return out


class NoDedup:
    """The dedup stage switched off (``NEWSWIRE_DEDUP_ENABLED=false``): every article is its
    own story."""

    def warm_up(self) -> None:
        """Nothing to load."""

    def process(self, batch: list[Any]) -> list[dict[str, Any]]:
        return [{"duplicate_of": None, "similarity": None, "story_id": a.id} for a in batch]


def make_processor(settings: Any) -> DedupProcessor | NoDedup:
    if not settings.dedup_enabled:
        return NoDedup()
    return DedupProcessor(
        window_s=settings.dedup_window_hours * 3600.0,
        max_keys=settings.dedup_max_fingerprints,
        threshold=settings.dedup_threshold,
        lead=settings.dedup_lead,
    )
