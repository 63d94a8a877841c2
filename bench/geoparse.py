"""The entities stage as a geoparser, scored as the geoparsing literature scores one.

    python bench/geoparse.py [DEV_DIR] [--folds K] [--limit N]      (make bench-geo)

Data: GeoVirus (``DEV_DIR/geo/geovirus.jsonl``, 229 WikiNews articles on epidemics, gold
toponyms with their Wikipedia coordinates; GPL-3.0, Gritta et al. 2018). Each article goes
through the whole English entities stage (the records a subscriber reads). Printed, in one
run, for newswire and for a population-only baseline (the same recognised mentions, each
placed at the most populous place of its name in the same gazetteer, countries first):

- recognition: precision, recall, F1 (a gold toponym is found when a place mention with
  coordinates overlaps it; a located mention that overlaps no gold toponym is a false one);
- resolution over the toponyms found: accuracy within 161 km (100 miles), median and mean
  error in km, and the AUC of the error curve (Gritta et al.: the area under log(1+km)
  scaled by log(1+20,039 km), lower is better);
- the same figures per fold of articles (K folds by article id, `--folds`): the spread a
  new set of articles may see. Nothing here is fitted per fold; the folds show whether a
  figure rests on a few articles;
- accuracy with a country judged by its identity: a mention located at a country's own
  GeoNames entry counts as right when the gold toponym's Wikipedia page is that country's,
  however far the two conventions put its point (GeoVirus gives Wikipedia's points; GeoNames
  puts Canada 1,031 km and China 182 km from them). The geoparsing corpora that give GeoNames
  coordinates agree with the stage on a country's point by construction.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from schemas import LanguageArticle, LanguageInfo
from streams.build.country_centres import km
from streams.pipeline import stage
from streams.processors.entities import gazetteer, geo
from streams.processors.entities.gazetteer import PlaceTable
from streams.processors.entities.stage import EntityExtractor
from streams.processors.text import content_hash
from streams.routing import runner
from streams.settings import Settings

#: the geoparsing literature's threshold: 100 miles
WITHIN_KM = 161.0
#: half the earth's circumference: the largest error there can be
MAX_KM = 20_039.0
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


@dataclass
class Article:
    id: str
    text: str
    gold: list[tuple[int, int, float, float]]
    pages: list[str] = field(default_factory=list)


@dataclass
class Tally:
    """Recognition counts and resolution errors of one system over some articles."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[float] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.errors += other.errors

    def line(self) -> str:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        e = self.errors
        acc = sum(x <= WITHIN_KM for x in e) / len(e) if e else 0.0
        auc = sum(math.log1p(x) for x in e) / (len(e) * math.log1p(MAX_KM)) if e else float("nan")
        median = statistics.median(e) if e else float("nan")
        mean = statistics.fmean(e) if e else float("nan")
        return (
            f"P {p:.3f} R {r:.3f} F1 {f:.3f} | within 161 km {acc:.3f} "
            f"median {median:7.1f} km  mean {mean:7.1f} km  AUC {auc:.3f}  (n={len(e)})"
        )

    def accuracy(self) -> float:
        return sum(x <= WITHIN_KM for x in self.errors) / len(self.errors) if self.errors else 0.0

    def f1(self) -> float:
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp else 0.0


def read(path: Path) -> list[Article]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = orjson.loads(line)
            gold = [(t["start"], t["end"], t["lat"], t["lon"]) for t in row["toponyms"]]
            pages = [str(t.get("page") or "") for t in row["toponyms"]]
            out.append(Article(str(row["id"]), row["text"], gold, pages))
    return out


def score(
    gold: list[tuple[int, int, float, float]],
    located: Iterable[tuple[int, int, float, float]],
) -> Tally:
    """One article: recognition counts and, for each gold toponym found, the error of the
    first located mention overlapping it."""
    located = list(located)
    t = Tally()
    used: set[int] = set()
    for gs, ge, glat, glon in gold:
        hit = next((k for k, (s, e, _, _) in enumerate(located) if s < ge and gs < e), None)
        if hit is None:
            t.fn += 1
            continue
        t.tp += 1
        used.add(hit)
        _, _, lat, lon = located[hit]
        t.errors.append(km(glat, glon, lat, lon))
    t.fp += sum(
        1
        for k, (s, e, _, _) in enumerate(located)
        if k not in used and not any(s < ge and gs < e for gs, ge, _, _ in gold)
    )
    return t


def newswire_places(record: Any) -> list[tuple[int, int, float, float]]:
    """Every mention of a place entity the stage located."""
    return [
        (m.start, m.end, e.geo.latitude, e.geo.longitude)
        for e in record.entities
        if e.label in PLACE_LABELS and e.geo is not None
        for m in e.mentions
    ]


def evidence_hits(article: Article, record: Any) -> list[tuple[str, bool]]:
    """Per gold toponym found: what decided its place (``geo.evidence``) and whether it is
    within 161 km."""
    located = [
        (m.start, m.end, e.geo)
        for e in record.entities
        if e.label in PLACE_LABELS and e.geo is not None
        for m in e.mentions
    ]
    out = []
    for gs, ge, glat, glon in article.gold:
        hit = next((g for s, e, g in located if s < ge and gs < e), None)
        if hit is not None:
            near = km(glat, glon, hit.latitude, hit.longitude) <= WITHIN_KM
            out.append((hit.evidence or "none", near))
    return out


def page_country(page: str) -> str | None:
    """The country a Wikipedia page is about ("https://en.wikipedia.org/wiki/Canada" -> CA),
    or None for any other page."""
    title = unquote(page.rsplit("/", 1)[-1]).replace("_", " ")
    return gazetteer.country_code(title, cities=False, inflected=False) if title else None


def by_identity(article: Article, record: Any) -> tuple[int, int]:
    """(right, resolved) over the gold toponyms found: right within 161 km, or located at the
    country's own entry when the gold page is that country's."""
    located = [
        (m.start, m.end, e.geo)
        for e in record.entities
        if e.label in PLACE_LABELS and e.geo is not None
        for m in e.mentions
    ]
    right = resolved = 0
    for (gs, ge, glat, glon), page in zip(article.gold, article.pages, strict=True):
        hit = next((g for s, e, g in located if s < ge and gs < e), None)
        if hit is None:
            continue
        resolved += 1
        same_country = hit.feature_code == "PCLI" and hit.country_code == page_country(page)
        right += same_country or km(glat, glon, hit.latitude, hit.longitude) <= WITHIN_KM
    return right, resolved


def population_places(record: Any, table: PlaceTable) -> list[tuple[int, int, float, float]]:
    """The baseline: each place entity the stage recognised (located or not), at the most
    populous of the places its name names (the stage's own look-up: a country's name, the
    country)."""
    out = []
    for e in record.entities:
        if e.label not in PLACE_LABELS:
            continue
        rows = geo._candidate_rows(table, e, "en").rows
        if not rows:
            continue
        best = max(rows, key=table.population)
        lat, lon = float(table.a["lat"][best]), float(table.a["lon"][best])
        out += [(m.start, m.end, lat, lon) for m in e.mentions]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dev", nargs="?", default="../shared/dev", type=Path)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    articles = read(args.dev / "geo" / "geovirus.jsonl")[: args.limit]
    extractor = EntityExtractor()
    run = runner(stage("entities"), Settings(), extractor)
    extractor.warm_up()
    table = PlaceTable.load()
    arts = [
        LanguageArticle(
            id=a.id,
            text=a.text,
            content_hash=content_hash(a.text),
            language=LanguageInfo(code="en", confidence=1.0, detector="bench"),
        )
        for a in articles
    ]
    records = []
    for i in range(0, len(arts), 16):
        records.extend(run.apply(arts[i : i + 16]))
    systems = {
        "newswire": lambda r: newswire_places(r),
        "population only": lambda r: population_places(r, table),
    }
    print(
        f"GeoVirus: {len(articles)} articles, {sum(len(a.gold) for a in articles)} gold "
        f"toponyms; ner_model {records[0].ner_model if records else '?'}"
    )
    for name, places in systems.items():
        total = Tally()
        folds = [Tally() for _ in range(args.folds)]
        for k, (article, record) in enumerate(zip(articles, records, strict=True)):
            t = score(article.gold, places(record))
            total.add(t)
            folds[k % args.folds].add(t)
        print(f"  {name:<16} {total.line()}")
        accs = [f.accuracy() for f in folds]
        f1s = [f.f1() for f in folds]
        print(
            f"  {'':<16} {args.folds} folds of articles: F1 {min(f1s):.3f}-{max(f1s):.3f}, "
            f"within 161 km {min(accs):.3f}-{max(accs):.3f}"
        )
    by_evidence: dict[str, list[int]] = {}
    for article, record in zip(articles, records, strict=True):
        for kind, right in evidence_hits(article, record):
            by_evidence.setdefault(kind, [0, 0])[0] += right
            by_evidence[kind][1] += 1
    print(
        "  newswire within 161 km by what decided the place: "
        + ", ".join(
            f"{kind} {right / total:.3f} ({total})"
            for kind, (right, total) in sorted(by_evidence.items(), key=lambda kv: -kv[1][1])
        )
    )
    pairs = [by_identity(a, r) for a, r in zip(articles, records, strict=True)]
    right, resolved = sum(p[0] for p in pairs), sum(p[1] for p in pairs)
    fold_acc = [
        sum(p[0] for p in pairs[k :: args.folds])
        / max(1, sum(p[1] for p in pairs[k :: args.folds]))
        for k in range(args.folds)
    ]
    print(
        f"  newswire, a country judged by its GeoNames entry: within 161 km or the right "
        f"country {right / max(1, resolved):.3f} ({right}/{resolved}); {args.folds} folds "
        f"{min(fold_acc):.3f}-{max(fold_acc):.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
