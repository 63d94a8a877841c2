"""Direct quotations and who said them, in English, French, German and Spanish (pure).

A quotation is the text between a pair of quotation marks (“…”, "…", «…», „…“, »…«) of at
least QUOTE_MIN_WORDS words: shorter quoted phrases are titles, nicknames or scare quotes.
Its speaker is found where news writing puts one:

- after it, in the same sentence: "…," said Ali Sayyari / "…," he said / «…», a déclaré le
  ministre / „…“, sagte Scholz / "…", dijo el alcalde / "…", añadió. (no subject: Spanish);
- before it: Sayyari said: "…" / Der Minister sagte: „…“ / según el ministro, "…";
- at the start of the next sentence when the quotation ends its own: "…." He added …;
- a quotation with none of these right after one that has a speaker, in the same or the next
  paragraph, continues that speaker's words.

The speaker phrase resolves to an entity: a name in it (a person first, then an
organisation), else for a pronoun, a title or a subject-less verb, the nearest person named
before the quotation (after it, in the same paragraph, when none is before). An indefinite
phrase ("a spokesman") keeps its words and no entity. Offsets index the text exactly."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

QUOTE_MIN_WORDS = 4
LANGUAGES = frozenset({"en", "fr", "de", "es"})

_PAIRS = {"“": "”", '"': '"', "«": "»", "„": "“", "»": "«", "‚": "‘"}

_CUES = {
    "en": (
        "said|says|told|added|adds|asked|asks|stated|states|explained|explains|noted|notes|"
        "wrote|writes|warned|warns|insisted|insists|argued|argues|declared|claimed|claims|"
        "replied|continued|recalled|admitted|announced|tweeted|posted|commented|concluded|"
        "emphasized|emphasised|stressed|acknowledged|suggested|observed|remarked|"
        "pointed out|went on|according to|told reporters|said in a statement"
    ),
    "fr": (
        "a déclaré|déclare|a dit|dit|a affirmé|affirme|a ajouté|ajoute|a expliqué|explique|"
        "a souligné|souligne|a estimé|estime|a indiqué|indique|a précisé|précise|a assuré|"
        "assure|a confié|confie|a raconté|raconte|poursuit|a poursuivi|insiste|a insisté|"
        "martèle|a martelé|reconnaît|a reconnu|a annoncé|annonce|a averti|avertit|a lancé|"
        "lance|note|a noté|observe|a répondu|répond|a rappelé|rappelle|a prévenu|prévient|"
        "a jugé|juge|a dénoncé|dénonce|a regretté|regrette|selon|d'après"
    ),
    "de": (
        "sagte|sagt|erklärte|erklärt|betonte|betont|meinte|meint|warnte|warnt|kritisierte|"
        "kritisiert|fügte hinzu|fügte .{1,30}? hinzu|räumte ein|teilte mit|berichtete|"
        "berichtet|erläuterte|ergänzte|ergänzt|bestätigte|forderte|fordert|versicherte|"
        "versichert|sagte der|so|laut|zufolge|schrieb|schreibt|antwortete|unterstrich|"
        "mahnte|mahnt|kündigte an|erklärt|hieß es"
    ),
    "es": (
        "dijo|dice|afirmó|afirma|declaró|declara|señaló|señala|explicó|explica|añadió|"
        "añade|aseguró|asegura|indicó|indica|comentó|comenta|manifestó|manifiesta|subrayó|"
        "subraya|destacó|destaca|advirtió|advierte|precisó|precisa|agregó|agrega|sostuvo|"
        "sostiene|insistió|insiste|reconoció|reconoce|apuntó|apunta|recalcó|recalca|"
        "expresó|expresa|anunció|anuncia|denunció|denuncia|lamentó|lamenta|según"
    ),
}
_PRONOUNS = {
    "en": "he|she|they|we|i",
    "fr": "il|elle|ils|elles|on",
    "de": "er|sie|man",
    "es": "él|ella|ellos|ellas",
}
_DEFINITE = {
    "en": "the|his|her|their",
    "fr": "le|la|les|l'|l’|son|sa|ses|leur",
    "de": "der|die|das|des|dem|den|sein|seine|ihr|ihre",
    "es": "el|la|los|las|su|sus",
}
_INDEFINITE = {"en": "a|an|one", "fr": "un|une", "de": "ein|eine|einer", "es": "un|una"}

#: abbreviations whose period does not end a sentence
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|St|Sen|Rep|Gov|Gen|Lt|Col|M|Mme|Sr|Sra|Dr|Hr|Fr)\.|\b[A-Z]\.)$"
)


@dataclass
class Found:
    start: int  # the quoted words, without the marks
    end: int
    cue: str | None = None
    phrase: tuple[int, int] | None = None  # the speaker phrase's span
    name: str | None = None
    entity: int | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None

    @property
    def attributed(self) -> bool:
        return self.entity is not None or self.name is not None


def _pairs(text: str) -> list[tuple[int, int]]:
    """Spans (opening mark, closing mark) of quotations that do not cross a paragraph."""
    out = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        close = _PAIRS.get(ch)
        if close is None:
            i += 1
            continue
        if ch == "»" and "«" not in text[i + 1 : i + 400]:
            i += 1
            continue
        line_end = text.find("\n", i)
        line_end = n if line_end == -1 else line_end
        j = text.find(close, i + 1, line_end)
        if ch == "“" and j == -1:  # English: ”…” in some copies
            j = text.find("“", i + 1, line_end)
        if j == -1:
            i += 1
            continue
        out.append((i, j))
        i = j + 1
    return out


def _strip(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in " \u00a0\u202f":
        s += 1
    while e > s and text[e - 1] in " \u00a0\u202f":
        e -= 1
    return s, e


def _clause_after(text: str, pos: int) -> tuple[int, int]:
    """From ``pos`` to the end of the sentence (or 160 characters), on one line."""
    end = min(len(text), pos + 160)
    nl = text.find("\n", pos, end)
    if nl != -1:
        end = nl
    for m in re.finditer(r"[.!?;]", text[pos:end]):
        k = pos + m.start()
        if text[k] == "." and _ABBREV.search(text[max(pos, k - 6) : k + 1]):
            continue
        return pos, k
    return pos, end


def _clause_before(text: str, pos: int) -> tuple[int, int]:
    """From the sentence's start (or 160 characters back) to ``pos``, on one line."""
    start = max(0, pos - 160)
    nl = text.rfind("\n", start, pos)
    if nl != -1:
        start = nl + 1
    for m in reversed(list(re.finditer(r"[.!?;]\s", text[start:pos]))):
        k = start + m.start()
        if text[k] == "." and _ABBREV.search(text[max(start, k - 6) : k + 1]):
            continue
        return k + 2, pos
    return start, pos


class QuoteFinder:
    """Compiled patterns for one language."""

    def __init__(self, language: str) -> None:
        self.language = language
        cue = _CUES[language]
        word = r"[\w'’.-]+"
        phrase = rf"{word}(?:\s+{word}){{0,6}}?"
        # after the quotation: ", said X" / ", X said" / ", dijo."
        self.after_cue_first = re.compile(
            rf"^[\s,:—–-]*(?P<cue>{cue})\b(?:\s+(?P<who>{phrase}))?\s*(?=$|[,.;:!?(])",
            re.I,
        )
        self.after_who_first = re.compile(rf"^[\s,:—–-]*(?P<who>{phrase})\s+(?P<cue>{cue})\b", re.I)
        # before the quotation: "X said: " / "según X, " / "X sagte, dass"
        self.before_who_first = re.compile(
            rf"(?P<who>{phrase})\s+(?P<cue>{cue})\b[^\"“«„]{{0,40}}?[:,]?\s*$", re.I
        )
        self.before_cue_first = re.compile(rf"(?P<cue>{cue})\s+(?P<who>{phrase})\s*[:,]\s*$", re.I)
        self.pronoun = re.compile(rf"^(?:{_PRONOUNS[language]})$", re.I)
        self.definite = re.compile(rf"^(?:{_DEFINITE[language]})\b", re.I)
        self.indefinite = re.compile(rf"^(?:{_INDEFINITE[language]})\b", re.I)

    def find(self, text: str, entities: Sequence[Any]) -> list[Found]:
        persons = sorted(
            (m.start, m.end, i)
            for i, e in enumerate(entities)
            if e.label == "PERSON"
            for m in e.mentions
        )
        named = sorted(
            (m.start, m.end, i, e.label)
            for i, e in enumerate(entities)
            if e.label in {"PERSON", "ORG", "NORP", "GPE"}
            for m in e.mentions
        )
        out: list[Found] = []
        for open_at, close_at in _pairs(text):
            s, e = _strip(text, open_at + 1, close_at)
            words = text[s:e].split()
            if len(words) < QUOTE_MIN_WORDS:
                continue
            q = Found(s, e)
            self._attribute(text, q, open_at, close_at, persons, named)
            if not q.attributed and out and out[-1].attributed:
                prev = out[-1]
                gap = text[prev.end : open_at]
                if gap.count("\n") <= 1 and len(gap) < 400:  # the same speaker goes on
                    q.name, q.entity = prev.name, prev.entity
            out.append(q)
        return out

    def _attribute(
        self,
        text: str,
        q: Found,
        open_at: int,
        close_at: int,
        persons: list[tuple[int, int, int]],
        named: list[tuple[int, int, int, str]],
    ) -> None:
        a0, a1 = _clause_after(text, close_at + 1)
        after = text[a0:a1]
        for pattern in (self.after_cue_first, self.after_who_first):
            m = pattern.match(after)
            if m and self._take(text, q, a0, m, open_at, persons, named):
                return
        b0, b1 = _clause_before(text, open_at)
        before = text[b0:b1]
        for pattern in (self.before_cue_first, self.before_who_first):
            m = pattern.search(before)
            if m and self._take(text, q, b0, m, open_at, persons, named):
                return
        # the next sentence, when the quotation ends its own: "…." He added …
        if text[close_at - 1 : close_at] in {".", "!", "?"} or after.strip() == "":
            n0 = close_at + 1
            while n0 < len(text) and text[n0] in " \t":
                n0 += 1
            c0, c1 = _clause_after(text, n0)
            m = self.after_who_first.match(text[c0:c1])
            if m and self._take(text, q, c0, m, open_at, persons, named):
                return

    def _take(
        self,
        text: str,
        q: Found,
        base: int,
        m: re.Match[str],
        open_at: int,
        persons: list[tuple[int, int, int]],
        named: list[tuple[int, int, int, str]],
    ) -> bool:
        cue = m.group("cue")
        who = m.group("who")
        if who is None:
            # no subject (Spanish "…", añadió.): the nearest person
            if self.language != "es":
                return False
            return self._nearest(text, q, cue, open_at, persons, base + m.start("cue"), None)
        ws, we = base + m.start("who"), base + m.end("who")
        # a name inside the phrase: a person first, then an organisation or group
        inside = [n for n in named if n[0] >= ws and n[1] <= we]
        inside.sort(key=lambda n: (n[3] != "PERSON", n[0]))
        if inside:
            s, e, idx, _ = inside[0]
            q.cue, q.entity, q.speaker_start, q.speaker_end = cue, idx, s, e
            q.name = text[s:e]
            return True
        phrase = text[ws:we].strip()
        first = phrase.split()[0] if phrase.split() else ""
        if self.pronoun.match(phrase) or self.definite.match(first):
            return self._nearest(text, q, cue, open_at, persons, ws, we)
        if self.indefinite.match(first) and len(phrase.split()) <= 4:
            q.cue, q.name, q.speaker_start, q.speaker_end = cue, phrase, ws, we
            return True
        if first[:1].isupper() and len(phrase.split()) <= 4 and not self.pronoun.match(first):
            # a name no model found: its words
            q.cue, q.name, q.speaker_start, q.speaker_end = cue, phrase, ws, we
            return True
        return False

    def _nearest(
        self,
        text: str,
        q: Found,
        cue: str,
        open_at: int,
        persons: list[tuple[int, int, int]],
        ws: int,
        we: int | None,
    ) -> bool:
        before = [p for p in persons if p[1] <= open_at]
        if before:
            idx = before[-1][2]
        else:
            para_end = text.find("\n", open_at)
            para_end = len(text) if para_end == -1 else para_end
            later = [p for p in persons if open_at < p[0] < para_end]
            if not later:
                return False
            idx = later[0][2]
        q.cue, q.entity = cue, idx
        q.name = None  # the entity's name, filled in by the caller
        q.speaker_start, q.speaker_end = ws, we if we is not None else ws
        return True


_FINDERS: dict[str, QuoteFinder] = {}


def find_quotes(text: str, entities: Sequence[Any], language: str) -> list[dict[str, Any]] | None:
    """The quotations in ``text`` as Quote dicts, or None when the language is not covered."""
    if language not in LANGUAGES:
        return None
    finder = _FINDERS.get(language)
    if finder is None:
        finder = _FINDERS[language] = QuoteFinder(language)
    out = []
    for q in finder.find(text, entities):
        speaker = None
        if q.entity is not None:
            name = entities[q.entity].name
            speaker = {"name": name, "entity": q.entity}
        elif q.name is not None:
            speaker = {"name": q.name, "entity": None}
        if speaker is not None and q.speaker_start is not None:
            speaker["start"], speaker["end"] = q.speaker_start, q.speaker_end
        out.append(
            {
                "text": text[q.start : q.end],
                "start": q.start,
                "end": q.end,
                "speaker": speaker,
                "cue": q.cue.lower() if q.cue else None,
            }
        )
    return out
