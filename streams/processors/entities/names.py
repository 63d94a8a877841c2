"""Language rules over a model's mentions (pure, no models): what a statistical tagger trained
on encyclopaedia text gets wrong in news, fixed by evidence in the same document.

- A capitalised common word is not a name: a mention of one word that is a function word of
  the language ("Según", "También") or that the document also writes in small letters
  ("Amonestación" in a table, "amonestación" in a sentence) is dropped, unless the document
  writes it capitalised inside sentences as often ("Telefónica" beside one "telefónica");
  a word in capitals of four letters or more is dropped when the document also writes it in
  small letters ("SALUD" heading a section on "la salud"; acronyms are not written so); so is
  a mention with no capitalised word at all ("aseguró").
- One name, one reading per document (``every_mention``): a name the model tagged once and
  missed elsewhere is added at its other occurrences, when the model read it one way only.
- A name never starts with a preposition ("de Colombia" is "Colombia").
- A name headed by an institution's word ("Gobierno", "Parlamento", "Ministerio de ...",
  "Tribunal Supremo") is an organisation, whatever the model guessed.
- A name ends where the model ends it, in small letters or not ("Chambre des députés").

(A rule that made a lone unknown place after no locative preposition a surname, for the
WikiNER models, was dropped: on public French news, HIPE-2020's and Le Temps's development
sets, it cost 0.045 F1, turning "Locle" and "Angleterre" into persons.)
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from streams.processors.entities import gazetteer
from streams.processors.entities.spans import (
    RawMention,
    SpanSet,
    is_caps_line,
    is_results_line,
    line_of,
)

#: prepositions a model takes into a name's start
_LEADING_PREPOSITIONS = {
    "es": ("de", "del", "en", "a", "al", "desde", "hacia", "para", "por", "con", "según"),
    "fr": ("de", "du", "en", "à", "au", "aux", "depuis", "pour", "par", "avec", "selon"),
    "en": ("in", "at", "from", "to", "for", "by", "with", "of"),
    "de": ("in", "im", "aus", "nach", "von", "vom", "zu", "zum", "zur", "mit", "bei"),
}

#: words that head an institution's name
INSTITUTION_HEADS = {
    "es": frozenset(
        "Gobierno Govern Parlamento Parlament Ejecutivo Congreso Senado Junta Ayuntamiento "
        "Ajuntament Ejército Policía Tribunal Audiencia Diputación Generalitat Xunta Consejo "
        "Consell Ministerio Comisión Fiscalía Asamblea Partido Banco Universidad Fundación "
        "Asociación Federación Confederación Sindicato Comité Cortes Defensoría Agencia "
        "Instituto Cámara Corte Secretaría Consejería Conselleria Departamento Dirección "
        "Guardia Armada Fuerza Fuerzas Cruz Organización Unión Liga Bolsa Mesa Sala "
        "Servicio Colegio Club Hospital Grupo Compañía Empresa Corporación Frente Movimiento "
        "Coordinadora Plataforma Oficina Delegación Subdelegación Mancomunidad".split()
    ),
    "fr": frozenset(
        "Gouvernement Parlement Assemblée Sénat Conseil Ministère Commission Tribunal Cour "
        "Parti Banque Université Fondation Association Fédération Confédération Syndicat "
        "Comité Agence Institut Chambre Armée Police Gendarmerie Préfecture Mairie Office "
        "Union Ligue Bourse Groupe Compagnie Société Front Mouvement Direction".split()
    ),
    "en": frozenset(
        "Government Parliament Congress Senate Ministry Department Council Commission "
        "Court Party Bank University Foundation Association Federation Union Agency "
        "Institute Committee Police Army Navy Corporation Company Group League Office "
        "Authority Board Bureau Tribunal Assembly".split()
    ),
    "de": frozenset(
        "Regierung Bundesregierung Bundestag Bundesrat Landtag Parlament Ministerium "
        "Bundesministerium Kommission Gericht Bundesgericht Bundesverfassungsgericht Partei "
        "Bank Universität Stiftung Verband Gewerkschaft Agentur Institut Polizei Bundeswehr "
        "Armee Konzern Gruppe Ausschuss Behörde Amt Bundesamt Rat Senat".split()
    ),
}


#: the words that join the last two names of a list
_LIST_AND = r"(?:and|or|y|o|e|et|ou|und|oder|и|или)"
_NAME_PART = r"[A-ZÀ-ÖØ-ÞА-ЯЁ][\w'’.&-]*(?: [A-ZÀ-ÖØ-ÞА-ЯЁ][\w'’.&-]*){0,5}"
_LIST_SEPARATOR = re.compile(rf",? {_LIST_AND} |, ")
_NAME_LIST = re.compile(rf"{_NAME_PART}(?:, {_NAME_PART})+,? {_LIST_AND} {_NAME_PART}")


def split_list(m: RawMention, text: str) -> list[RawMention]:
    """A mention that is a list of names ("Tesla, Uber and Snapchat") as one mention per
    name, each with the list's label; any other mention as it is. Only a list with a comma
    is split: "Procter and Gamble" and "Marks & Spencer" are one name each."""
    span = text[m.start : m.end]
    if ", " not in span or m.text != span or not _NAME_LIST.fullmatch(span):
        return [m]
    out = []
    begin = 0
    for sep in [*_LIST_SEPARATOR.finditer(span), None]:
        end = sep.start() if sep else len(span)
        out.append(RawMention(m.start + begin, m.start + end, span[begin:end], m.label))
        begin = sep.end() if sep else end
    return out or [m]


#: titles written before a person's name, per language, kept out of the person's span (as
#: CoNLL's and GermEval's annotators do). Per language: "M." is French's "Monsieur" but an
#: initial in English ("M. Waugh")
HONORIFICS = {
    "en": frozenset("Mr Mr. Mrs Mrs. Ms Ms. Dr Dr. Prof Prof. Rev Rev.".split()),
    "fr": frozenset("M. MM. Mme Mmes Mlle Mgr Me Pr Dr Dr.".split()),
    "es": frozenset("Sr. Sra. Srta. Dña. Dr. Dra.".split()),
    "de": frozenset("Herr Frau Dr. Prof. Papst König Königin Pfarrer".split()),
    "it": frozenset("Sig. Sig.ra Dott. Dott.ssa".split()),
}


#: German writes offices as one capitalised word before the name ("Bundesverkehrsminister
#: Patrick Schnieder"): a first word ending so is a title
TITLE_ENDINGS = {
    "de": (
        "minister",
        "ministerin",
        "präsident",
        "präsidentin",
        "kanzler",
        "kanzlerin",
        "bürgermeister",
        "bürgermeisterin",
        "sekretär",
        "sekretärin",
        "chef",
        "chefin",
        "vorsitzende",
        "vorsitzender",
        "sprecher",
        "sprecherin",
        "trainer",
        "trainerin",
    ),
}
#: languages whose names do not end in a small letter (every noun is capitalised; a word in
#: small letters after a name is a verb or an adverb the model took in: "Merz traf")
NAMES_END_CAPITALISED = frozenset({"de"})


@lru_cache(maxsize=16)
def stop_words(language: str) -> frozenset[str]:
    """The language's function words from spaCy's tables (no model needed), or none."""
    try:
        import spacy

        return frozenset(spacy.blank(language).Defaults.stop_words)
    except Exception:  # no tables for this language: no filter
        return frozenset()


_WORD = re.compile(r"\w+")
#: the rest of an Arabic name a tagger trained on European text cuts off
_ARABIC_TAIL = re.compile(
    r"(?:[ -](?:al|el|ul)-|[ ](?:bin|ibn|bint|abu|abou)[ ])[A-ZÀ-ÖØ-Þ][\w'’-]*\w"
)


def _word_counts(text: str) -> tuple[Counter[str], Counter[str]]:
    """How often each word is written in small letters, and how often each capitalised word
    stands inside a sentence (after a word in small letters on the same line)."""
    lower: Counter[str] = Counter()
    inside: Counter[str] = Counter()
    prev: re.Match[str] | None = None
    for w in _WORD.finditer(text):
        word = w.group(0)
        if word.islower():
            lower[word] += 1
        elif (
            word[:1].isupper()
            and prev is not None
            and prev.group(0).islower()
            and not text[prev.end() : w.start()].strip(" ,")
        ):
            inside[word] += 1
        prev = w
    return lower, inside


def refine(mentions: list[RawMention], text: str, language: str) -> list[RawMention]:
    """The mentions, with the rules above applied (see the module's docstring)."""
    stops = stop_words(language)
    lower, inside = _word_counts(text)
    preps = _LEADING_PREPOSITIONS.get(language, ())
    heads = INSTITUTION_HEADS.get(language, frozenset())
    titles = HONORIFICS.get(language, frozenset())
    endings = TITLE_ENDINGS.get(language, ())
    out = []
    for m in (part for whole in mentions for part in split_list(whole, text)):
        words = m.text.split()
        # a name starts with a capitalised word: "presidente de la Federación Hotelera" is
        # "Federación Hotelera", "de Colombia" "Colombia". Its end is the model's: a name may
        # end in small letters ("Chambre des députés", "Compagnie des chemins de fer";
        # cutting them cost French news 0.016 F1, HIPE-2020 and Le Temps dev)
        spans = [w.span() for w in re.finditer(r"\S+", m.text)]
        base = m.start
        first, last = 0, len(words) - 1
        while first < last and (words[first] in preps or words[first][:1].islower()):
            first += 1
        while language in NAMES_END_CAPITALISED and last > first and words[last][:1].islower():
            last -= 1
        if (first, last) != (0, len(words) - 1):
            start, end = m.start + spans[first][0], m.start + spans[last][1]
            m = RawMention(start, end, text[start:end], m.label)
            words = words[first : last + 1]
        if (
            m.label == "PERSON"
            and len(words) > 1
            and (words[0] in titles or words[0].lower().endswith(endings))
        ):
            # "Mrs Clinton", "M. Roy", "Mgr Lustiger": the person is the name after the title
            start = base + spans[first + 1][0]
            m = RawMention(start, m.end, text[start : m.end], m.label)
            words = words[1:]
        derived = language in NAMES_END_CAPITALISED and m.label == "NORP" and len(words) == 1
        if not derived and not any(w[:1].isupper() or not w[:1].isalpha() for w in words):
            # no capitalised word: not a name; but where every noun is capitalised, a word in
            # small letters a tagger calls a group is a name's adjective ("deutschen",
            # "europäische": GermEval's derivations; MISC 0.205 -> 0.254 on held-out halves)
            continue
        tail = _ARABIC_TAIL.match(text, m.end) if m.label == "PERSON" else None
        if tail is not None:  # "Nasser al-Khelaïfi", "Mohammed bin Salman": one name
            m = RawMention(m.start, tail.end(), text[m.start : tail.end()], m.label)
            words = m.text.split()
        if len(words) == 1 and not derived:
            word = words[0]
            folded = word.lower()
            if word.isupper() and len(word) >= 4:
                if folded in stops or lower[folded]:
                    continue  # "SALUD" over a section about "la salud": a heading's word
            elif not word.isupper() and (
                folded in stops or (lower[folded] and inside[word] < lower[folded])
            ):
                # a common word, capitalised where a sentence or a row starts; but a word
                # written capitalised inside sentences at least as often as in small letters
                # is a name ("de Telefónica" beside one "la operadora telefónica")
                continue
        if words[0] in heads and m.label in {"GPE", "LOC", "PERSON", "NORP", "FAC"}:
            m = RawMention(m.start, m.end, m.text, "ORG")
        out.append(m)
    return out


#: what may stand between two parts of one country's name the tagger cut in two
#: ("Democratic Republic | of the | Congo", "Republic | of | Korea")
_JOINS = re.compile(r"[ \t]+of(?:[ \t]+the)?[ \t]+\Z")
#: a hyphen or dash between two words, no space: "Guinea-Bissau", "Timor-Leste"
_HYPHEN = re.compile(r"[-‐‑–]\Z")


def joined_places(
    mentions: list[RawMention], text: str, is_place: Callable[[str], bool]
) -> list[RawMention]:
    """Two place mentions joined by "of" or "of the" are one when the whole is a place's
    name (``is_place``): the news tagger reads "the Democratic Republic of the Congo" as
    "Democratic Republic" and "Congo", and "Congo" alone is the other country. So are two
    names of any label joined by a hyphen whose whole is a place's name: the tokenizer cuts
    "Guinea-Bissau" at its hyphen and the tagger reads "Guinea" and "Bissau", which are
    another country and a city."""
    out: list[RawMention] = []
    for m in sorted(mentions, key=lambda m: m.start):
        prev = out[-1] if out else None
        if (
            prev is not None
            and _joined(prev, m, text[prev.end : m.start])
            and is_place(text[prev.start : m.end])
        ):
            out[-1] = RawMention(prev.start, m.end, text[prev.start : m.end], "GPE")
            continue
        out.append(m)
    return out


_PLACE_LABELS = frozenset({"GPE", "LOC", "ORG", "FAC"})


def _joined(a: RawMention, b: RawMention, between: str) -> bool:
    """Whether two mentions are written as one name: places joined by "of" or "of the", or
    any two names joined by a hyphen."""
    if _HYPHEN.fullmatch(between):
        return True
    return {a.label, b.label} <= _PLACE_LABELS and _JOINS.match(between) is not None


#: news agencies whose name closes a dateline: "Palma, 23 may (EFE)", "LONDON (Reuters) -"
AGENCIES = (
    "EFE|Efe|AFP|AP|Reuters|dpa|DPA|ANSA|Xinhua|Europa Press|EP|Notimex|Prensa Latina|UPI|"
    "Bloomberg|IANS|PTI|TASS|ТАСС|RIA Novosti|РИА Новости|Interfax|Интерфакс|KUNA|WAM|SPA|"
    "IRNA|Anadolu|AA|Belga|ANP|AAP|PA|Kyodo|Yonhap|Bernama|Antara|CNA|APA|KNA|epd|Lusa|"
    "Agencia EFE|Agence France-Presse|Associated Press|Deutsche Presse-Agentur"
)
_CAP = r"[A-ZÁÉÍÓÚÑÀÂÈÊÎÔÛÇÄÖÜА-ЯЁ][\w'’.-]{0,40}"
#: capitalised words before an agency that may hold a dateline's place (a capitals headline or
#: a byline running into it); bounded, so that a line of capitalised words is read in linear
#: time (each start tries at most this many words, not the rest of the line)
DATELINE_WORDS = 8
_DATELINE = re.compile(
    rf"(?P<place>{_CAP}(?:[ \t]+(?:(?:de|del|de la|la|el|am|an|sur|upon|on)[ \t]+)?{_CAP})"
    rf"{{0,{DATELINE_WORDS - 1}}})"
    r"[ \t]*(?:\([ \t]*(?P<region>[^()\n]{1,40}?)[ \t]*\)[ \t]*)?"
    r"(?:,[ \t]*(?:\d{1,2}\.?[ \t]+\w{3,}\.?|\w{3,}\.?[ \t]+\d{1,2})(?:,?[ \t]*\d{4})?[ \t]*)?"
    rf"\([ \t]*(?P<agency>{AGENCIES})[ \t]*\)"
)


_AGENCY = re.compile(rf"\([ \t]*(?:{AGENCIES})[ \t]*\)")
_DATELINE_ENDING = re.compile(_DATELINE.pattern + r"\Z")
#: how far before an agency's brackets a dateline may start (its place's words, a region
#: in brackets and a date)
DATELINE_REACH = 600


def _datelines(text: str) -> list[re.Match[str]]:
    """The dateline matches of the text, found from their agencies: each "(Reuters)" is
    read with what precedes it (a page of capitalised words costs a look-up per agency, not
    an attempt at every word). The same matches as ``_DATELINE.finditer``: the leftmost one
    ending at an agency's closing bracket, where an agency's brackets right before another's
    may be the dateline's region ("Paris (EFE) (Reuters)")."""
    agencies = list(_AGENCY.finditer(text))
    out: list[re.Match[str]] = []
    done = 0  # a match does not start inside the one before
    k = 0
    while k < len(agencies):
        found = _ending_at(text, agencies, k, done)
        j = k
        while j + 1 < len(agencies):  # the brackets may be the region of the next agency's
            longer = _ending_at(text, agencies, j + 1, done)
            if longer is None or (found is not None and longer.start() > found.start()):
                break
            found, j = longer, j + 1
        if found is not None:
            out.append(found)
            done = found.end()
        k = j + 1
    return out


def _ending_at(text: str, agencies: list[re.Match[str]], k: int, done: int) -> re.Match[str] | None:
    """The leftmost dateline that ends at agency k's closing bracket and starts at or after
    ``done``: within DATELINE_REACH of it, and after the agency two before it (a dateline
    holds no brackets but its region's, which may be the agency right before)."""
    agency = agencies[k]
    lo = max(done, agency.start() - DATELINE_REACH, agencies[k - 2].end() if k >= 2 else 0)
    return _DATELINE_ENDING.search(text, lo, agency.end()) if lo <= agency.start() else None


@dataclass(frozen=True)
class Dateline:
    """Where a story was filed: the place's span in the text, and the agency's."""

    start: int
    end: int
    place: str
    agency_start: int
    agency_end: int


def datelines(text: str, language: str | None = None) -> list[Dateline]:
    """Datelines in the text ("Palma, 23 may (EFE)", "LONDON, Nov 3 (Reuters) -",
    "Mérida (EFE)"). A headline in capitals or a byline may run into the place on the
    same line: the place is the longest run of its last words that a gazetteer knows,
    else the words after the last all-capitals word, else its last word."""
    out = []
    for m in _datelines(text):
        start, end = m.span("place")
        words = list(re.finditer(r"\S+", text[start:end]))
        if not words:
            continue
        chosen = None
        for k in range(len(words)):  # the longest known suffix
            cand = text[start + words[k].start() : end]
            if gazetteer.place(cand, language) or gazetteer.country_code(cand, language=language):
                chosen = k
                break
        if chosen is None:
            caps = [k for k, w in enumerate(words) if w.group(0).isupper() and len(w.group(0)) > 1]
            if len(caps) == len(words):
                chosen = 0 if len(words) <= 3 else len(words) - 1
            elif caps:
                chosen = caps[-1] + 1 if caps[-1] + 1 < len(words) else len(words) - 1
            else:
                chosen = len(words) - 1
        s = start + words[chosen].start()
        out.append(Dateline(s, end, text[s:end], *m.span("agency")))
    return out


def add_datelines(
    mentions: list[RawMention], text: str, lines: Sequence[Dateline]
) -> list[RawMention]:
    """The datelines' places (``lines``, from :func:`datelines`) as places and their
    agencies as organisations: what overlaps a place gives way (a byline running into it
    keeps the words before it)."""
    if not lines:
        return mentions
    # datelines are disjoint and in text order: the first one a mention overlaps is found by
    # bisection (a mention cut to the words before one overlaps no later one)
    ends = [d.end for d in lines]
    starts = [d.start for d in lines]
    out = []
    for m in mentions:
        j = bisect_right(ends, m.start)
        if j >= bisect_left(starts, m.end):
            out.append(m)
            continue
        d = lines[j]
        head = text[m.start : d.start].rstrip()
        if m.start < d.start and len(head.split()) >= 1 and head[:1].isupper():
            out.append(RawMention(m.start, m.start + len(head), head, m.label))
    taken = SpanSet(out)
    for d in lines:
        out.append(RawMention(d.start, d.end, d.place, "GPE"))
        if not taken.overlaps(d.agency_start, d.agency_end):
            agency = text[d.agency_start : d.agency_end]
            out.append(RawMention(d.agency_start, d.agency_end, agency, "ORG"))
    return sorted(out, key=lambda m: m.start)


_NUMBER_TOKEN = re.compile(r"\s+[(]?\d[\d.,:]*[)]?(?=\s|$)")


def cut_numbers(mentions: list[RawMention], text: str) -> list[RawMention]:
    """In a results or standings row a name ends where a number starts ("Real Madrid 80
    Barcelona 71" names two teams, no number)."""
    out = []
    for m in mentions:
        found = _NUMBER_TOKEN.search(m.text)
        if found and is_results_line(text[slice(*line_of(text, m.start))]):
            end = m.start + found.start()
            m = RawMention(m.start, end, text[m.start : end], m.label)
        out.append(m)
    return out


_ACRONYM = re.compile(r"(?<![\w&.-])[A-ZÑ][A-ZÑ&]{1,5}(?![\w&.-])")
_ROMAN = re.compile(r"^[IVXLCDM]+$")


def acronyms(mentions: list[RawMention], text: str) -> list[RawMention]:
    """An acronym in running text that no other name covers is an organisation's ("the
    CNE", "( API )"); roman numerals and words of lines in capitals are not. A model's
    group-of-people label on an acronym is an organisation too."""
    out = [
        RawMention(m.start, m.end, m.text, "ORG")
        if m.label == "NORP" and _ACRONYM.fullmatch(m.text)
        else m
        for m in mentions
    ]
    taken = SpanSet(out)  # the acronyms found do not overlap each other (finditer)
    for found in _ACRONYM.finditer(text):
        s, e = found.span()
        word = found.group(0)
        if _ROMAN.match(word) or is_caps_line(text, s, e):
            continue
        if taken.overlaps(s, e):
            continue
        if gazetteer.place(word) or word in gazetteer.NOT_ENTITIES:
            continue
        out.append(RawMention(s, e, word, "ORG"))
    return sorted(out, key=lambda m: m.start)


def every_mention(mentions: list[RawMention], text: str) -> list[RawMention]:
    """One name, one reading per document: where the model tagged a name once and missed
    it elsewhere ("Telefónica" found in one sentence, not in the next), every other
    occurrence of the same words (whole words, not overlapping a found mention) is added
    with that reading, when the model read the name one way only."""
    labels: dict[str, set[str]] = {}
    for m in mentions:
        if len(m.text) >= 3 and m.text[:1].isupper():
            labels.setdefault(m.text, set()).add(m.label)
    reading = {name: next(iter(seen)) for name, seen in labels.items() if len(seen) == 1}
    if not reading:
        return mentions
    pattern = re.compile(
        r"(?<![\w-])(?:"
        + "|".join(map(re.escape, sorted(reading, key=len, reverse=True)))
        + r")(?![\w-])"
    )
    out = list(mentions)
    found_before = SpanSet(mentions)
    for found in pattern.finditer(text):
        if not found_before.overlaps(found.start(), found.end()):
            out.append(
                RawMention(found.start(), found.end(), found.group(0), reading[found.group(0)])
            )
    return sorted(out, key=lambda m: m.start)
