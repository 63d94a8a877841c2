"""Direct quotations and who said them, in English, French, German, Spanish and Russian
(pure).

A quotation is the text between a pair of quotation marks (“…”, "…", «…», „…“, »…«), and
in Russian a dialogue line a dash opens ("— …, — заявил X"), of at least QUOTE_MIN_WORDS
words; a shorter phrase (PARTIAL_MIN_WORDS or more) is a partial quotation only when its own
sentence says who said it ('called the fine "a rounding error"'), else it is a title, a
nickname or scare quotes.
Its speaker is found where news writing puts one:

- after it, in the same sentence: "…," said Ali Sayyari / "…," he said / «…», a déclaré le
  ministre / „…“, sagte Scholz / "…", dijo el alcalde / "…", añadió. (no subject: Spanish);
- before it: Sayyari said: "…" / Der Minister sagte: „…“ / según el ministro, "…";
- at the start of the next sentence when the quotation ends its own: "…." He added …;
- a quotation with none of these right after one that has a speaker, in the same or the next
  paragraph, continues that speaker's words, unless a sentence between them names another
  person (then that person's).

The speaker phrase resolves to an entity: a name in it (a person first, then an
organisation), else for a pronoun, a title or a subject-less verb, the nearest person named
before the quotation (after it, in the same paragraph, when none is before). An indefinite
phrase ("a spokesman") keeps its words and no entity. Offsets index the text exactly."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import islice
from typing import Any

from streams.processors.entities.quote_context import (
    WORD,
    Context,
    Near,
    complement,
    genders,
    mentions_of,
    name_guesses,
    name_run,
    named_after_noun,
    roles,
    surname_index,
)
from streams.processors.entities.quote_words import (
    ABBREV,
    ARTICLES,
    CAPWORD,
    CLOSERS,
    CUES,
    DOCUMENTS,
    FRAMES,
    INDEFINITE,
    INVERTED,
    INVERTED_RE,
    OWN_SENTENCE,
    PAIRS,
    POSSESSIVE,
    PREPOSITIONS,
    PRONOUN_GENDER,
    PRONOUNS,
)

QUOTE_MIN_WORDS = 4
PARTIAL_MIN_WORDS = 2
LANGUAGES = frozenset({"en", "fr", "de", "es", "ru"})
#: how far before and after a quotation its speaker is looked for (characters): the people,
#: organisations and names a quotation's context holds are those within this window, and a
#: paragraph is read at most this far either side (a page that is one long paragraph, or a
#: transcript of thousands of quotations, costs each quotation a bounded amount of work)
CONTEXT_WINDOW = 3000
#: a person near a quotation: start, end, entity (None for a name read from the text), name
Person = tuple[int, int, int | None, str | None]
#: a name's apposition, set off by commas ("Henry Crespo, president of the caucus, said")
_APPOSITION = re.compile(r"^,[^,.;:\n\"“”]{1,80},")
#: how many paragraphs before a quotation's own the last speaker is looked for
SPEAKER_PARAGRAPHS = 1


@dataclass
class Found:
    start: int  # the quoted words, without the marks
    end: int
    cue: str | None = None
    name: str | None = None
    entity: int | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None

    @property
    def attributed(self) -> bool:
        return self.entity is not None or self.name is not None

    def said_by(
        self,
        cue: str | None,
        start: int | None,
        end: int | None,
        *,
        entity: int | None = None,
        name: str | None = None,
    ) -> bool:
        """Attribute the quotation: an entity, or a name no entity carries, written at
        ``start:end`` (True, for the rules to return)."""
        self.cue, self.entity, self.name = cue, entity, name
        self.speaker_start, self.speaker_end = start, end
        return True


def _pairs(text: str) -> list[tuple[int, int]]:
    """Spans (opening mark, closing mark) of quotations that do not cross a paragraph.

    Linear in the text: the next line break and the next occurrence of each closing mark
    are remembered while the scan moves forward (a line of thousands of unmatched marks
    would otherwise search the rest of the line once per mark)."""
    out = []
    i = 0
    n = len(text)
    nxt: dict[str, int] = {}

    def next_of(mark: str, after: int) -> int:
        """The first `mark` at or after `after`, or n."""
        at = nxt.get(mark)
        if at is None or at < after:
            found = text.find(mark, after)
            at = n if found == -1 else found
            nxt[mark] = at
        return at

    line_start = checked = 0
    visible = -1
    while i < n:
        ch = text[i]
        close = PAIRS.get(ch)
        if close is None:
            i += 1
            continue
        if ch == "»" and "«" not in text[i + 1 : i + 400]:
            i += 1
            continue
        line_end = next_of("\n", i)
        k = text.rfind("\n", checked, i)  # each character is looked at once
        if k != -1:
            line_start = k + 1
            visible = -1
        checked = i
        if visible < line_start:  # the line's first visible character
            found = _SPACES.match(text, line_start)
            visible = found.end() if found else line_start
        if ch in {'"', "“"}:  # copies mix straight and curly marks: either closes
            j = min(next_of('"', i + 1), next_of("”", i + 1))
        elif ch == "„":  # German closes with “, Polish and many web copies with ”
            j = min(next_of("“", i + 1), next_of("”", i + 1))
        else:
            j = next_of(close, i + 1)
        j = -1 if j >= line_end else j
        if ch == "“" and j == -1:  # English: ”…” in some copies
            j = next_of("“", i + 1)
            j = -1 if j >= line_end else j
        if j == -1 and visible >= i and _continued(text, line_end, ch):
            j = line_end  # a quotation running on into the next paragraph: no closing mark
        if j == -1:
            i += 1
            continue
        out.append((i, j))
        i = j + 1
    return out


_SPACES = re.compile(r"\s*")


def _continued(text: str, line_end: int, mark: str) -> bool:
    """For a quotation that opens its paragraph and is not closed there: whether the next
    paragraph opens with the same mark, the news convention for a quotation that runs on."""
    rest = _SPACES.match(text, line_end)
    return text.startswith(mark, rest.end() if rest else line_end)


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
        if text[k] == "." and ABBREV.search(text[max(pos, k - 6) : k + 1]):
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
        if text[k] == "." and ABBREV.search(text[max(start, k - 6) : k + 1]):
            continue
        return k + 2, pos
    return start, pos


class QuoteFinder:
    """Compiled patterns for one language."""

    def __init__(self, language: str) -> None:
        self.language = language
        cue = CUES[language]
        inverted = INVERTED.get(language)
        if inverted:
            cue = f"{inverted}|{cue}"
        # after the quotation: ", said X …" / ", X said" / ", dijo." / ", a-t-il dit"
        self.after_cue_first = re.compile(rf"^[\s,:—–-]*(?P<cue>{cue})(?!\w)", re.I)
        self.after_who_first = re.compile(
            rf"^[\s,:—–-]*(?P<who>[\w'’.-]+(?:,?\s+[\w'’.()-]+){{0,16}}?),?\s+(?P<cue>{cue})(?!\w)",
            re.I,
        )
        # before the quotation: "X said: " / "según X, " / "X sagte, dass"
        self.before_cue = re.compile(rf"(?<!\w)(?P<cue>{cue})(?!\w)", re.I)
        self.pronoun = re.compile(rf"^(?:{PRONOUNS[language]})$", re.I)
        # a definite determiner: an article or a possessive ("the minister", "sa ministre")
        self.definite = re.compile(rf"^(?:{ARTICLES[language]}|{POSSESSIVE[language]})$", re.I)
        self.indefinite = re.compile(rf"^(?:{INDEFINITE[language]})$", re.I)
        self.possessive = re.compile(rf"^(?:{POSSESSIVE[language]})$", re.I)
        # "Pour la compagnie easyJet, « … »": the view of the one named after the preposition
        self.frame = re.compile(
            rf"^(?:{FRAMES[language]})\s+(?P<who>[^,:]{{2,80}}?),(?:[^«»\"“”„]{{0,160}}[:,])?\s*$",
            re.I,
        )

    def find(self, text: str, entities: Sequence[Any], has_model: bool = True) -> list[Found]:
        persons = mentions_of(entities, {"PERSON"})
        orgs = mentions_of(entities, {"ORG", "NORP"})
        # without a model nobody is tagged a person: names are read from the text's titles;
        # with one, such a name counts only where the model tagged nothing ("Pour Fabien
        # Villedieu, délégué de SUD-Rail, …" with the name missed)
        guesses = name_guesses(text)
        if has_model:
            tagged = Near([(m.start, m.end, 0) for e in entities for m in e.mentions])
            guesses = [g for g in guesses if not tagged.overlapping(g[0], g[1])]
        guessed = Near(guesses)
        near_persons, near_orgs = Near(persons), Near(orgs)
        person_names = [e.name if e.label == "PERSON" else "" for e in entities]
        surnames = surname_index(person_names)
        gender = genders(text, persons, self.language)
        role_of = roles(text, persons) if self.language == "en" else {}
        out: list[Found] = []
        spoke: list[tuple[int, int]] = []
        quoted: list[tuple[int, int]] = []
        runs_on = False  # the previous quotation had no closing mark
        for open_at, close_at in _pairs(text):
            s, e = _strip(text, open_at + 1, close_at)
            words = text[s:e].split()
            if len(words) < PARTIAL_MIN_WORDS:
                continue
            if self.language == "en" and is_title(words) and not _headline(text, open_at):
                continue  # "Meet the Press", ''This Kind of War'': a work's title
            q = Found(s, e)
            lo, hi = open_at - CONTEXT_WINDOW, close_at + CONTEXT_WINDOW
            ctx = Context(
                text,
                open_at,
                near_persons.within(lo, hi),
                near_orgs.within(lo, hi),
                guessed.within(lo, hi),
                person_names,
                not has_model,
                surnames,
                gender,
                role_of,
                spoke,
                quoted,
            )
            how = self._attribute(ctx, q, close_at)
            if len(words) < QUOTE_MIN_WORDS and not (q.attributed and how in OWN_SENTENCE):
                continue  # a short phrase in marks is a partial quotation only when its own
                # sentence says who said it ('called the fine "a rounding error"')
            if not q.attributed and out and out[-1].attributed:
                prev = out[-1]
                gap = text[prev.end : open_at]
                if gap.count("\n") <= 2 and len(gap) < 400:
                    # the same speaker goes on, unless the text names someone else between
                    # the two ("Desde la oposición, el senador Juan Antonio Coloma defendió
                    # su voto. A su juicio, el texto "…"")
                    said_end = _clause_after(text, prev.end + 1)[1]  # its own attribution
                    named = near_persons.within(said_end, open_at)
                    if named and named[-1][2] != prev.entity:
                        q.said_by(None, named[-1][0], named[-1][1], entity=named[-1][2])
                    else:
                        q.name, q.entity = prev.name, prev.entity
            if q.name is not None and q.entity is None:
                guessed.add((q.speaker_start or 0, q.speaker_end or 0, q.name))
            if out and runs_on and not out[-1].attributed and q.attributed:
                prev = out[-1]  # a quotation running on into this one is the same speaker's
                prev.name, prev.entity = q.name, q.entity
            # no closing mark: it goes on in the next paragraph
            runs_on = close_at < len(text) and text[close_at] not in CLOSERS
            out.append(q)
            quoted.append((open_at, close_at))
            if q.entity is not None:
                spoke.append((open_at, q.entity))
        return out

    def _attribute(self, ctx: Context, q: Found, close_at: int) -> str | None:
        """Attribute ``q``; how: "after", "before", "frame", "colon" (in the quotation's own
        sentence), "next" (the next sentence) or None."""
        text = ctx.text
        a0, a1 = _clause_after(text, close_at + 1)
        after = text[a0:a1]
        m = self.after_cue_first.match(after)
        if m:
            slot = (a0 + m.end(), a1)
            if self._speaker(ctx, q, m.group("cue"), slot, subjectless=True):
                return "after"
        m = self.after_who_first.match(after)
        if m and self._speaker(
            ctx, q, m.group("cue"), (a0 + m.start("who"), a0 + m.end("who")), leads=True
        ):
            return "after"
        b0, b1 = _clause_before(text, ctx.open_at)
        before = text[b0:b1]
        cues = list(self.before_cue.finditer(before))
        if cues:
            c = cues[-1]
            # "X said: …" (the subject before the cue; "…, he added, calling …": the clause
            # right before the cue) or "según X, …" (after it)
            c0 = b0 + c.start()
            head = text.rfind(",", b0, c0)
            if head != -1 and len(text[head + 1 : c0].split()) <= 4:
                if self._speaker(ctx, q, c.group("cue"), (head + 1, c0), leads=True):
                    return "before"
            if self._speaker(ctx, q, c.group("cue"), (b0, c0), leads=True):
                return "before"
            if self._speaker(ctx, q, c.group("cue"), (b0 + c.end(), b1)):
                return "before"
        m = self.frame.match(before)
        if m and self._speaker(ctx, q, None, (b0 + m.start("who"), b0 + m.end("who"))):
            return "frame"
        if before.rstrip().endswith(":"):  # "Elle a mis en garde : « … »"
            if self._speaker(ctx, q, None, (b0, b1)):
                return "colon"
        # the next sentence, when the quotation ends its own: "…." He added …
        if text[close_at - 1 : close_at] in {".", "!", "?"} or after.strip() == "":
            n0 = close_at + 1
            while n0 < len(text) and text[n0] in " \t":
                n0 += 1
            c0, c1 = _clause_after(text, n0)
            m = self.after_who_first.match(text[c0:c1])
            if m and self._speaker(
                ctx, q, m.group("cue"), (c0 + m.start("who"), c0 + m.end("who")), leads=True
            ):
                return "next"
        return None

    def _speaker(
        self,
        ctx: Context,
        q: Found,
        cue: str | None,
        slot: tuple[int, int],
        subjectless: bool = False,
        leads: bool = False,
    ) -> bool:
        """Who the words in ``slot`` name: a described speaker ("un porte-parole"), a person
        named there, a pronoun or title (the nearest person), an organisation, or a name no
        model found. Spanish and French verbs without a subject take the nearest person.
        ``leads``: the slot is the cue's subject, written before it; its last name is the
        one who speaks ("Judicial Watch president Tom Fitton said", "Ms. Merkel's
        spokesman, Steffen Seibert, wrote")."""
        text = ctx.text
        s0, s1 = slot
        if leads and self.language == "en":
            if self._head_name(ctx, q, cue, s0, s1):
                return True
        words = list(re.finditer(r"[\w'’.-]+", text[s0:s1]))
        cue_text = cue.lower() if cue else None
        if INVERTED_RE.search(cue or ""):
            # "a-t-elle précisé lors d'un déplacement dans le Lot-et-Garonne": the subject
            # is the pronoun; names after it are somewhere else
            return self._nearest(ctx, q, cue_text, s0, s0, pronoun=True)
        if not words:
            if subjectless and self.language == "es":  # a Spanish verb standing for a pronoun
                return self._nearest(ctx, q, cue_text, s0, s0, pronoun=True, zero=True)
            return False
        first = words[0].group(0)
        if (
            subjectless
            and self.language == "es"
            and first[:1].islower()
            and not (self.definite.match(first) or self.indefinite.match(first))
            and not self.pronoun.match(first)
        ):
            # "…", admitió en una entrevista: the verb's subject is the person talked about
            return self._nearest(ctx, q, cue_text, s0, s0, pronoun=True, zero=True)
        described = self.indefinite.match(first) or self.possessive.match(first)
        if (described or self.definite.match(first)) and self._appositive(ctx, q, cue_text, s0, s1):
            return True  # "a spokeswoman for the group, Marieke de Vries, said"
        if self.possessive.match(first) and (
            any(p[0] >= s0 and p[1] <= s1 for p in ctx.persons)
            or name_run(text, s0, s1, self.language) is not None
        ):
            described = None  # "sa ministre, Annie Genevard", "Sein Präsident Georg Flödl"
        if described:
            # "a spokesman said", "his office said": someone else than a person named before
            head = [w.group(0) for w in words[:4]]
            if len(head) > 1 and head[1].lower() in DOCUMENTS:
                return False  # "selon un communiqué": a document, not who speaks
            cut = next((k for k, w in enumerate(head[1:], 1) if w.lower() in PREPOSITIONS), 3)
            phrase = " ".join(head[: max(2, cut)])
            at = s0 + words[0].start()
            return q.said_by(cue_text, at, at + len(phrase), name=phrase)
        inside = [p for p in ctx.persons if p[0] >= s0 and p[1] <= s1]
        if inside:
            # a lone word after a preposition is a title's complement the model called a
            # person ("le ministre des Pêches, Fatou Diouf"), not the speaker
            named = [p for p in inside if not complement(text, s0, p)] or inside
            # a full name beats a lone word the model also called a person ("Zesco managing
            # director Victor Mapani told"); a surname of a person named in full counts
            full = [p for p in named if len(ctx.names[p[2]].split()) > 1]
            s, e, idx = (full or named)[0]
            return q.said_by(cue_text, s, e, entity=idx)
        w0, w1 = s0 + words[0].start(), s0 + words[0].end()
        if CAPWORD.fullmatch(first):
            # "sagte Lutz bei der Vorstellung der Jahreszahlen": the person named in full
            entity, name = self._surname(ctx, first, full=True)
            if entity is not None or name is not None:
                return q.said_by(cue_text, w0, w1, entity=entity, name=name)
        guess = [g for g in ctx.guesses if g[0] >= s0 and g[1] <= s1]
        run = name_run(text, s0, s1, self.language)
        if run is not None and ctx.guessing:
            return q.said_by(cue_text, *run, name=text[run[0] : run[1]])
        if guess:
            return q.said_by(cue_text, *guess[0][:2], name=guess[0][2])
        orgs = [o for o in ctx.orgs if o[0] >= s0 and o[1] <= s1]
        if self.definite.match(first):
            near = [o for o in orgs if o[0] <= s0 + words[min(2, len(words) - 1)].start()]
            if near:  # "the Kremlin said", "según la Agencia Estatal de Meteorología"
                return q.said_by(cue_text, *near[0][:2], entity=near[0][2])
            brand = named_after_noun(words)
            if brand is not None:  # "la compagnie easyJet", "the utility Zesco"
                a, b = s0 + brand[0], s0 + brand[1]
                return q.said_by(cue_text, a, b, name=text[a:b])
        if self.language == "en" and self.definite.match(first):
            person = self._role(ctx, words, s0)
            if person is not None:  # "the Republican nominee said": the nominee named before
                return q.said_by(cue_text, w0, s0 + person[1], entity=person[0])
        if self.pronoun.match(first) or self.definite.match(first):
            pronoun = bool(self.pronoun.match(first))
            if self._nearest(ctx, q, cue_text, w0, w1, pronoun=pronoun):
                return True
            if pronoun or not orgs:
                return False
            # nobody named before: "a indiqué la direction de SNCF Voyageurs" speaks for it
            return q.said_by(cue_text, *orgs[0][:2], entity=orgs[0][2])
        if run is not None and run[0] == w0 and not any(o[0] <= run[0] < o[1] for o in orgs):
            # a name the model missed or called a place, first in the slot: "señaló Nicolás
            # Pino, presidente de la Sociedad Rural" (the organisation is his, not the speaker)
            return q.said_by(cue_text, *run, name=text[run[0] : run[1]])
        if orgs:
            return q.said_by(cue_text, *orgs[0][:2], entity=orgs[0][2])
        if len(words) == 1 and CAPWORD.fullmatch(first) and not subjectless:
            # a surname the model did not tag: a person of that name, else the word
            entity, _ = self._surname(ctx, first, full=False)
            return q.said_by(
                cue_text, w0, w1, entity=entity, name=None if entity is not None else first
            )
        return False

    def _head_name(self, ctx: Context, q: Found, cue: str | None, s0: int, s1: int) -> bool:
        """The subject's head name when a name closes the slot (commas and spaces aside)
        after words that only lead to it: a title, an organisation, a possessor ("Judicial
        Watch president Tom Fitton", "Ms. Merkel's spokesman, Steffen Seibert,"). Not when
        the first name is the head and what follows it describes it: an apposition, a
        relative clause or a prepositional phrase ("David Frum, a former speechwriter for
        George W. Bush,", "James Pethokoukis of the American Enterprise Institute")."""
        text = ctx.text
        end = s1
        while end > s0 and text[end - 1] in " ,\u00a0":
            end -= 1
        named = sorted(
            [p for p in ctx.persons if s0 <= p[0] and p[1] <= end]
            + [o for o in ctx.orgs if s0 <= o[0] and o[1] <= end]
        )
        closing = [p for p in ctx.persons if s0 <= p[0] and p[1] == end]
        named_before = [n for n in named if n[1] < end]
        after_first = named_before[0][1] if named_before else s0
        run = name_run(text, after_first, end, self.language)
        if closing:
            head: tuple[int, int] = closing[-1][:2]
        elif (
            run is not None
            and run[1] == end
            and not any(o[0] < run[1] and run[0] < o[1] for o in ctx.orgs)
        ):
            head = run
        else:
            return False
        first = named[0][:2] if named else None
        if first is None or first[0] >= head[0]:
            return False  # nothing named before the closing name: the usual rules
        rest = text[first[1] : head[0]]
        lead = rest.lstrip(" \u00a0")
        if not (lead.startswith(("'s", "’s")) or (lead[:1].isalpha() and lead[:1].islower())):
            return False
        if lead.split()[0].lower().strip(",") in LINKS:
            return False
        cue_text = cue.lower() if cue else None
        if closing:
            return q.said_by(cue_text, *head, entity=closing[-1][2])
        return q.said_by(cue_text, *head, name=text[head[0] : head[1]])

    @staticmethod
    def _surname(ctx: Context, word: str, *, full: bool) -> tuple[int | None, str | None]:
        """The person whose name ends in ``word`` (with ``full``, only one named with more
        than one word): (entity, None) for a model's person, (None, name) for a name read
        from the text, (None, None) for nobody."""
        idx = ctx.by_surname[full].get(word)
        if idx is not None:
            return idx, None
        for _, _, name in ctx.guesses:
            if name.split()[-1:] == [word] and (len(name.split()) > 1 or not full):
                return None, name
        return None, None

    def _appositive(self, ctx: Context, q: Found, cue: str | None, s0: int, s1: int) -> bool:
        """A name set off by commas after a description in the slot: "a spokeswoman for the
        employers' group, Marieke de Vries," (the model may call the name anything)."""
        text = ctx.text
        for m in re.finditer(r",\s*([^,]+?)\s*(?:,|$)", text[s0:s1]):
            a, b = s0 + m.start(1), s0 + m.end(1)
            people = [p for p in ctx.persons if a <= p[0] and p[1] <= b]
            if people:
                return q.said_by(cue, *people[0][:2], entity=people[0][2])
            if name_run(text, a, b, self.language) == (a, b):
                return q.said_by(cue, a, b, name=text[a:b])
        return False

    def _nearest(
        self,
        ctx: Context,
        q: Found,
        cue: str | None,
        ws: int,
        we: int,
        pronoun: bool = False,
        zero: bool = False,
    ) -> bool:
        """The nearest person named before the quotation (after it in its paragraph); but
        for a pronoun, when the quotation's paragraph opens with a described subject and
        names nobody before it ("Le représentant de l'UE a défendu … « … », a-t-il
        assuré"), that description. For a verb without a subject (``zero``), only a
        description that is itself the subject of a speech verb ("Un portavoz de Uber aseguró
        que … "…", afirmó"; not "Las obras se concentrarán … "…", añadió")."""
        people: list[Person] = [(s, e, idx, None) for s, e, idx in ctx.persons]
        people += [(s, e, None, name) for s, e, name in ctx.guesses]
        people.sort(key=lambda p: p[0])
        window = max(0, ctx.open_at - CONTEXT_WINDOW)
        para_start = ctx.text.rfind("\n", window, ctx.open_at) + 1 or window
        described = self._described(ctx.text, para_start, ctx.open_at) if pronoun else None
        if described is not None:
            said = self.before_cue.search(ctx.text, described[1], ctx.open_at)
            spoke = said is not None and said.start() - described[1] <= 40
            if zero and not spoke:
                described = None
            else:
                # the one the description belongs to ("Un portavoz de Telefónica aseguró")
                # is not someone else named in the paragraph; a name set off in it ("La
                # ministra del Trabajo, Jeannette Jara, destacó") is
                subject_end = said.start() if said is not None and spoke else described[1]
                text = ctx.text
                if any(
                    para_start <= p[0] < ctx.open_at
                    and not (
                        described[0] <= p[0] < subject_end
                        and (text[described[0] : p[0]].split() or [""])[-1].lower() in PREPOSITIONS
                    )
                    for p in people
                ):
                    described = None
            if described is not None:
                return q.said_by(cue, *described, name=ctx.text[described[0] : described[1]])
        before = [p for p in people if p[1] <= ctx.open_at]
        gender = PRONOUN_GENDER[self.language].get(ctx.text[ws:we].lower()) if pronoun else None
        if gender is not None:
            # "she said" is not the man named last: people whose gender the article shows
            # otherwise are passed over (unless nobody else is left)
            agree = [p for p in before if p[2] is None or ctx.gender.get(p[2], gender) == gender]
            before = agree or before
        if pronoun and self.language == "en":
            # outside quoted words: a name inside a quotation is not who speaks after it
            before = [p for p in before if not _inside(ctx.quoted, p[0])] or before
        speaker = self._last_speaker(ctx, before) if pronoun and self.language == "en" else None
        if speaker is not None:
            chosen = speaker
        elif before:
            chosen = before[-1]
            if pronoun and self.language == "en":
                # "he said" stands for the sentence's subject, the person it names first,
                # not the last person it names ("Clinton criticized officer Betty Shelby
                # for shooting Terence Crutcher. '…', she said")
                start = _clause_before(ctx.text, chosen[0])[0]
                chosen = next(p for p in before if p[0] >= start)
        else:
            window = min(len(ctx.text), ctx.open_at + CONTEXT_WINDOW)
            para_end = ctx.text.find("\n", ctx.open_at, window)
            para_end = window if para_end == -1 else para_end
            later = [p for p in people if ctx.open_at < p[0] < para_end]
            if not later:
                return False
            chosen = later[0]
        return q.said_by(cue, ws, we, entity=chosen[2], name=chosen[3])

    def _last_speaker(self, ctx: Context, before: Sequence[Person]) -> Person | None:
        """The person who spoke last before the quotation, among ``before``: the subject of a
        speech verb ("Crespo said", "said Crespo") or an earlier quotation's speaker, in this
        paragraph or the SPEAKER_PARAGRAPHS before it."""
        text = ctx.text
        floor = max(0, ctx.open_at - CONTEXT_WINDOW)  # every search bounded: linear in all
        lo = ctx.open_at
        for _ in range(SPEAKER_PARAGRAPHS + 1):
            lo = text.rfind("\n", floor, max(floor, lo - 1))
            if lo == -1:
                lo = floor
                break
        first = bisect_left(ctx.spoke, lo, key=lambda s: s[0])
        last = bisect_left(ctx.spoke, ctx.open_at, key=lambda s: s[0])
        earlier = {idx for _, idx in ctx.spoke[first:last]}
        for p in reversed(before):
            if p[0] < lo:
                break
            if p[2] is not None and p[2] in earlier:
                return p
            after = _APPOSITION.sub("", text[p[1] : p[1] + 120], count=1).lstrip(" ,")
            if self.before_cue.match(after) is not None:
                return p
            said = list(self.before_cue.finditer(text, max(0, p[0] - 20), p[0]))
            if said and not text[said[-1].end() : p[0]].strip(" ,"):
                return p
        return None

    def _role(self, ctx: Context, words: list[re.Match[str]], s0: int) -> tuple[int, int] | None:
        """For a definite description ("The New York businessman", "the former governor of
        New Mexico"): the person the article gave that role to before the quotation, by
        its head noun (the last word before a preposition or the fourth word), where it
        wrote the role beside the name ("businessman Donald Trump", "Gary Johnson, the
        former governor"): (entity, end of the description in the slot)."""
        head = None
        for w in words[1:5]:
            word = w.group(0)
            if word.lower() in PREPOSITIONS:
                break
            head = w
        if head is None or not head.group(0).isalpha():
            return None
        known = ctx.roles.get(head.group(0).lower(), ())
        before = [(at, idx) for at, idx in known if at < ctx.open_at]
        if not before:
            return None
        return before[-1][1], head.end()

    def _described(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        """A determiner and a lowercase noun opening ``text[start:end]`` ("Le représentant",
        "A spokeswoman", "Ein Sprecher"), up to the first preposition or three words."""
        words = list(islice(WORD.finditer(text, start, end), 3))  # only its first words
        if len(words) < 3 or not (
            self.definite.match(words[0].group(0)) or self.indefinite.match(words[0].group(0))
        ):
            return None
        noun = words[1].group(0)
        if self.language == "de":
            ok = noun[:1].isupper()  # German nouns are capitalised
        else:
            ok = noun[:1].islower() and noun.lower() not in PREPOSITIONS
        if not ok:
            return None
        return words[0].start(), words[1].end()


#: the small words a title leaves in lower case ("Meet the Press", "Orange Is the New Black")
TITLE_SMALL = frozenset(
    "a an the and or nor but of in on at to for from by with as vs is be are was not "
    "into over upon via".split()
)


def _inside(quoted: Sequence[tuple[int, int]], pos: int) -> bool:
    """Whether ``pos`` is inside one of the quotations (start, end), sorted by start."""
    k = bisect_right(quoted, pos, key=lambda q: q[0]) - 1
    return k >= 0 and quoted[k][0] < pos < quoted[k][1]


def is_title(words: list[str]) -> bool:
    """A short phrase in title case: two to eight words, every word capitalised but the
    small ones, and at least two capitalised (a show, a book, a song, a slogan read as a
    name); a spoken sentence leaves its verbs and nouns in lower case."""
    if not 2 <= len(words) <= 8 or words[-1].rstrip("\"'”’").endswith(("?", "!")):
        return False  # a question or an exclamation is said, not titled
    capitals = 0
    for w in words:
        core = w.strip("\"'“”‘’.,:;!?()[]—–-…")
        if not core:
            continue
        if core[0].isupper() or core[0].isdigit():
            capitals += core[0].isupper()
        elif core.lower() not in TITLE_SMALL:
            return False
    return capitals >= 2


def _headline(text: str, at: int) -> bool:
    """Whether the line around `at` is itself in title case (a headline: its quotations
    are capitalised with it)."""
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    words = [w for w in text[start : len(text) if end == -1 else end].split() if w[:1].isalpha()]
    long = [w for w in words if len(w) >= 4]
    return len(long) >= 4 and sum(w[0].isupper() for w in long) >= 0.8 * len(long)


#: words after a name that make what follows describe it (the name is the head)
LINKS = frozenset("of at for from with under who which whose in on and or to by as than".split())
_DOUBLED = re.compile(r"''(?!')")
_MARKS = re.compile('[\n"“”‘’]')
_DOUBLE_MARKS = frozenset('"“”')
_SINGLE_OPEN = re.compile(r"(?:(?<=^)|(?<=[\s(\[—–-]))‘(?=\w)", re.M)
_SINGLE_CLOSE = re.compile(r"(?<=\S)’(?!\w)")


#: Russian dialogue: a paragraph (or a sentence) opening with a dash, the quotation up to
#: its comma, "!", "?" or "…", then a dash and the attribution ("— Это исторический день, —
#: заявил министр.")
_DASH_QUOTE = re.compile(
    r"(?:^|(?<=[.!?…]\s))(—)[ \u00a0](?=\w)[^—\n]{2,600}?([,!?…])[ \u00a0](—)(?=[ \u00a0]\w)",
    re.M,
)


def dashes(text: str) -> str:
    """`text` with Russian dialogue dashes written as guillemets, offset for offset: the
    opening dash as «, and as » the comma that ends the quotation (it belongs to the
    sentence), else the dash after its "!", "?" or "…" (those belong to the quotation)."""
    if "—" not in text:
        return text
    chars = list(text)
    for m in _DASH_QUOTE.finditer(text):
        chars[m.start(1)] = "«"
        chars[m.start(2) if m.group(2) == "," else m.start(3)] = "»"
    return "".join(chars)


def marks(text: str) -> str:
    """`text` with the quotation marks of other conventions written as double ones, offset
    for offset: doubled apostrophes (\'\'…\'\', old newspaper archives) and single curly marks
    (‘…’) that stand alone: opened before a word, closed after one by a ’ that no letter
    follows (an apostrophe, "don’t", is followed by one), on one line, and not inside a double
    quotation (‘…’ nested in “…” stays as it is). One pass over the marks: linear."""
    if "''" in text:
        text = _DOUBLED.sub('" ', text)
    if "‘" not in text:
        return text
    chars = list(text)
    inside_double = False  # on this line, an odd number of double marks so far
    opened: int | None = None  # a ‘ waiting for its ’
    for m in _MARKS.finditer(text):
        i, ch = m.start(), m.group(0)
        if ch == "\n":
            inside_double, opened = False, None
        elif ch in _DOUBLE_MARKS:
            inside_double = not inside_double
        elif ch == "‘":
            if opened is None and not inside_double and _SINGLE_OPEN.match(text, i):
                opened = i
        elif opened is not None and _SINGLE_CLOSE.match(text, i):
            chars[opened], chars[i] = "“", "”"
            opened = None
    return "".join(chars)


@cache
def _finder(language: str) -> QuoteFinder:
    return QuoteFinder(language)


def find_quotes(
    text: str, entities: Sequence[Any], language: str, *, has_model: bool = True
) -> list[dict[str, Any]] | None:
    """The quotations in ``text`` as Quote dicts, or None when the language is not covered.
    ``has_model``: the entities come from a model (else people's names are read from the
    attributions and titles in the text)."""
    if language not in LANGUAGES:
        return None
    finder = _finder(language)
    out = []
    read = dashes(text) if language == "ru" else text
    for q in finder.find(marks(read), entities, has_model):
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
