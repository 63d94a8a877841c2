"""Character n-gram language scores: naive Bayes over lingua's published n-gram
probabilities, vectorised with numpy over a whole batch of texts.

lingua (https://github.com/pemistahl/lingua-py) ships, for each of its 75 languages, the
relative frequencies of letter 1- to 5-grams learnt from the Leipzig corpora. Its pure
Python releases (1.x) carry them as brotli-compressed JSON; ``build`` turns those into
five sorted hash tables (one per n-gram order) stored as plain ``.npy`` files that load
in a fraction of a second, memory-mapped. The scorer hashes every letter n-gram of a batch
of texts at once, finds them by binary search, and sums log-probabilities per text and
language; an n-gram a language has never seen costs that language a fixed floor below its
rarest n-gram of the order. No Python loop runs per n-gram, which is what makes it tens of
times faster than calling lingua text by text.

    python -m streams.build.ngrams     # once, at install time (make install does it)
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

#: where lingua's 1.x wheel keeps its models, and the release we read them from
ORDERS = ("unigrams", "bigrams", "trigrams", "quadrigrams", "fivegrams")
FORMAT = 2
#: where the tables live (``NEWSWIRE_NGRAMS_DIR`` overrides): beside the package by default
DEFAULT_DIR = Path(
    os.environ.get("NEWSWIRE_NGRAMS_DIR")
    or Path(__file__).resolve().parents[2] / "models" / "ngrams"
)

_MUL = np.uint64(0x9E3779B97F4A7C15)
_ONE = np.uint64(1)
#: which code points are letters (the planes where scripts live; above them nothing is)
IS_LETTER = np.array([chr(c).isalpha() for c in range(0x30000)] + [False], dtype=bool)


def _mix(h: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """Spread the bits of the polynomial hash evenly (splitmix64's finaliser)."""
    h = (h ^ (h >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    h = (h ^ (h >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


def hash_rows(cp: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """Hash each row of code points (one n-gram a row), as the scorer hashes each window."""
    h = np.zeros(cp.shape[0], dtype=np.uint64)
    for j in range(cp.shape[1]):
        h = h * _MUL + cp[:, j] + _ONE
    return _mix(h)


class ModelMissing(RuntimeError):
    """The n-gram tables have not been built (``python -m streams.build.ngrams``)."""


@dataclass(frozen=True)
class _Order:
    keys: npt.NDArray[np.uint64]
    starts: npt.NDArray[np.int32]
    lang: npt.NDArray[np.uint8]
    logp: npt.NDArray[np.float32]
    rarest: npt.NDArray[np.float32]


class NgramModel:
    """Log-likelihood of texts under each language's letter n-gram model."""

    #: an unseen n-gram costs this much (natural log) below the language's rarest of its order
    UNSEEN = 1.0
    #: orders with at most this many distinct n-grams are held as dense n-gram x language tables
    DENSE_UP_TO = 500_000
    #: a batch is scored as a padded grid when that reads at most this many times its n-grams
    PAD_UP_TO = 2.5
    #: cells (n-grams x languages) gathered at a time: blocks that stay in the cache and
    #: reuse memory instead of faulting in tens of megabytes for every batch
    GATHER_CELLS = 1 << 20

    def __init__(self, directory: Path = DEFAULT_DIR) -> None:
        meta_path = directory / "meta.json"
        if not meta_path.exists():
            raise ModelMissing(
                f"no language n-gram tables in {directory}: run `python -m "
                "streams.build.ngrams` (make install does), or set NEWSWIRE_NGRAMS_DIR"
            )
        meta = json.loads(meta_path.read_text())
        if meta.get("format") != FORMAT:
            raise ModelMissing(
                f"n-gram tables in {directory} are format {meta.get('format')}, expected {FORMAT}: "
                "rebuild them"
            )
        self.languages: list[str] = list(meta["languages"])
        self.index = {code: i for i, code in enumerate(self.languages)}
        self._orders: list[_Order] = []
        for order in range(1, len(ORDERS) + 1):

            def load(name: str, _order: int = order) -> Any:
                # a plain ndarray view of the mapping: numpy's memmap subclass makes every
                # indexing operation pay for a Python-level __getitem__
                return np.asarray(np.load(directory / f"{name}{_order}.npy", mmap_mode="r"))

            self._orders.append(
                _Order(load("keys"), load("starts"), load("lang"), load("logp"), load("rarest"))
            )
        n = len(self.languages)
        self._floors = [
            np.nan_to_num(o.rarest.astype(np.float64) - self.UNSEEN, nan=-30.0)
            for o in self._orders
        ]
        self._nlang = n
        self._directories: list[tuple[np.uint64, npt.NDArray[np.int32]]] = []
        for o in self._orders:
            bits = max(4, int(np.ceil(np.log2(max(len(o.keys), 1)))))
            shift = np.uint64(64 - bits)
            buckets = np.searchsorted(
                o.keys, np.arange(2**bits + 1, dtype=np.uint64) << shift
            ).astype(np.int32)
            buckets[-1] = len(o.keys)  # the last edge wrapped round to 0
            self._directories.append((shift, buckets))
        self._dense: list[npt.NDArray[np.float32] | None] = []
        for o, floor in zip(self._orders, self._floors, strict=True):
            if len(o.keys) > self.DENSE_UP_TO:
                self._dense.append(None)
                continue
            # a last row of floors for n-grams no language knows, and a row of zeros that pads
            dense = np.tile(floor.astype(np.float32), (len(o.keys) + 2, 1))
            dense[-1] = 0.0
            rows = np.repeat(np.arange(len(o.keys)), np.diff(o.starts))
            dense[rows, o.lang] = o.logp
            self._dense.append(dense)

    def touch(self) -> None:
        """Read every table once so that the first batch does not pay for page faults."""
        for o in self._orders:
            for arr in (o.keys, o.starts, o.lang, o.logp):
                np.asarray(arr).sum()

    def _find(self, order: int, needles: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
        """Row of each hash in the order's table, or -1. The keys are uniform hashes, so a
        directory by their top bits narrows each search to a bucket of one or two keys."""
        keys = self._orders[order].keys
        shift, directory = self._directories[order]
        bucket = (needles >> shift).astype(np.int64)
        pos = directory[bucket].astype(np.int64)
        end = directory[bucket + 1].astype(np.int64)
        found = np.full(len(needles), -1, dtype=np.int64)
        active = np.flatnonzero(pos < end)
        while len(active):
            p = pos[active]
            match = keys[p] == needles[active]
            found[active[match]] = p[match]
            rest = active[~match]
            pos[rest] += 1
            active = rest[pos[rest] < end[rest]]
        return found

    def scores(
        self, texts: list[str], weights: list[float] | None = None
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
        """Log-likelihood per text (rows) and language (columns), each n-gram order weighted,
        and how many letter n-grams each text had. Texts are taken as they come: n-grams are
        read inside runs of letters, lower-cased."""
        weights = weights or [1.0] * len(ORDERS)
        total = np.zeros((len(texts), self._nlang))
        grams = np.zeros(len(texts), dtype=np.int64)
        for w, (count, score) in zip(
            weights, self.by_order(texts, [w != 0 for w in weights]), strict=True
        ):
            grams += count
            if w:
                total += w * score
        return total, grams

    def by_order(
        self, texts: list[str], wanted: list[bool] | None = None
    ) -> list[tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]]:
        """Per n-gram order: each text's number of n-grams, and its log-likelihood per language
        (n-grams inside runs of letters, lower-cased)."""
        nl = self._nlang
        count = len(texts)
        out: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]] = []
        # one string, NUL before, between and after the texts (lower-cased one by one:
        # lower() may change a text's length); which text each position belongs to comes
        # from the lengths, so a NUL inside a text is just another non-letter
        lowered = [t.lower() for t in texts]
        joined = "\0" + "\0".join(lowered) + "\0"
        cp32 = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        doc = np.repeat(np.arange(count + 1), [*(len(t) + 1 for t in lowered), 1])
        # anything but a letter separates words: digits, punctuation, marks, spaces, NUL
        letter = IS_LETTER[np.minimum(cp32, len(IS_LETTER) - 1)]
        cp = cp32.astype(np.uint64)
        spaces_before = np.concatenate(([0], np.cumsum(~letter)))
        h = np.zeros(len(cp), dtype=np.uint64)
        last = (
            max((k + 1 for k, w in enumerate(wanted) if w), default=0)
            if wanted is not None
            else len(self._orders)
        )
        for order, table in enumerate(self._orders, 1):
            per_doc = np.zeros(count, dtype=np.int64)
            score = np.zeros((count, nl))
            out.append((per_doc, score))
            m = len(cp) - order + 1
            if m <= 0 or order > last:
                continue
            h = (
                h[:m] * _MUL + cp[order - 1 : order - 1 + m] + _ONE
            )  # every order builds on the one before
            if wanted is not None and not wanted[order - 1]:
                continue
            valid = (spaces_before[order : order + m] - spaces_before[:m]) == 0
            hv = _mix(h[valid])
            if not len(hv):
                continue
            dv = doc[:m][valid]  # non-decreasing
            per_doc += np.bincount(dv, minlength=count)
            floor = self._floors[order - 1]
            dense = self._dense[order - 1]
            if dense is not None:
                # small orders: one row per n-gram, every language filled in (unseen = floor)
                idx = self._find(order - 1, hv)
                idx[idx < 0] = len(table.keys)
                starts = np.searchsorted(dv, np.arange(count))
                longest = int(per_doc.max())
                if longest * count <= self.PAD_UP_TO * len(idx):
                    # texts of similar length (chunks): a texts x longest grid of rows, padded
                    # with zeros, summed along the rows; much faster than reduceat
                    grid = np.full((count, longest), len(table.keys) + 1, dtype=np.int64)
                    grid[dv, np.arange(len(idx)) - starts[dv]] = idx
                    step = max(1, self.GATHER_CELLS // (longest * nl))  # texts per gathered block
                    for block in range(0, count, step):
                        score[block : block + step] = np.take(
                            dense, grid[block : block + step], axis=0
                        ).sum(axis=1)
                else:
                    present = per_doc > 0
                    score[present] = np.add.reduceat(
                        np.take(dense, idx, axis=0), starts[present], axis=0
                    )
                continue
            score += per_doc[:, None] * floor[None, :]
            idx = self._find(order - 1, hv)
            hit = idx >= 0
            rows, docs = idx[hit], dv[hit]
            if not len(rows):
                continue
            first = table.starts[rows].astype(np.int64)
            width = table.starts[rows + 1].astype(np.int64) - first
            n = int(width.sum())
            offsets = np.repeat(first - (np.cumsum(width) - width), width) + np.arange(n)
            langs = table.lang[offsets]
            cell = np.repeat(docs, width) * nl + langs
            gain = table.logp[offsets] - floor[langs]
            score += np.bincount(cell, weights=gain, minlength=count * nl).reshape(count, nl)
        return out
