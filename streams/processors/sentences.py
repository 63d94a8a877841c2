"""Where an article's sentences begin and end, in any language the pipeline reads (pure).

One list of sentences for everything that reads text by the sentence (tone, quotations,
salience). A sentence ends at a line break, or at ``. ! ? …`` (and the CJK and Arabic stops)
with the closing quotes and brackets after it, followed by space and then not by a
lower-case letter. A period does not end one after:

- an abbreviation of the article's language that is never the last word of a sentence
  (titles and ranks before a name: "Mr.", "Gen.", "Dr.", "Sen.", "Mme", "Hr.", "г."), nor,
  before a number, one that numbers or dates ("No. 5", "Sept. 11", "Nr. 3", "p. 4");
- an initial ("J. K. Rowling", "В. В. Путин") or a dotted abbreviation ("U.S.", "z.B."),
  unless the next word is one that opens sentences ("in the U.S. The talks ...");
- in languages that write ordinals with a period (German, the Nordic and Slavic ones...), a
  day or rank of one or two digits ("am 3. Oktober").

Decimals ("1.86"), URLs and times have no space after their periods and are never cut.
"""

from __future__ import annotations

import re
from functools import cache

#: titles and ranks: written before a name, so never the end of a sentence
_TITLES = {
    "en": "mr mrs ms messrs dr prof gen lt col sgt capt maj adm cmdr cpl pvt gov sen rep rev "
    "hon pres supt atty insp det fr sr jr st mt ft",
    "de": "hr hrn fr dr prof st sr",
    "fr": "m mm mme mmes mlle mlles dr pr me mgr st ste",
    "es": "sr sra srta sres dr dra d dña ud uds lic ing sto sta",
    "it": "sig sigg dott prof avv ing on sen",
    "pt": "sr sra srs dr dra prof eng",
    "nl": "dhr mevr mr dr prof ir drs ing",
    "ru": "г гг ул им проф акад д т тт",
}
#: abbreviations that stand before a number or a date ("No. 5", "Sept. 11")
_BEFORE_NUMBERS = {
    "en": "no nos vol p pp fig art sec ch jan feb mar apr jun jul aug sep sept oct nov dec",
    "de": "nr s abs art bd kap jan feb mär apr jun jul aug sep sept okt nov dez",
    "fr": "no n p art vol janv févr avr juil sept oct nov déc",
    "es": "núm n p art vol pág ene feb mar abr jun jul ago sep sept oct nov dic",
    "it": "n p art pag vol gen feb mar apr giu lug ago set ott nov dic",
    "pt": "n nº p art pág vol jan fev mar abr jun jul ago set out nov dez",
    "nl": "nr p art blz jan feb mrt apr jun jul aug sep sept okt nov dec",
    "ru": "с п ст т № янв фев мар апр июн июл авг сен окт ноя дек",
}
#: abbreviations that end a phrase, not a sentence, when lower case follows (any language)
_COMMON = "etc vs al approx ca bzw usw vgl ggf evtl inkl ca env cf ie eg"
#: languages that write ordinal numbers and days with a period ("am 3. Oktober")
_ORDINAL_PERIOD = frozenset("de da no nb nn sv fi is et lv lt cs sk sl hr sr bs pl hu tr".split())
#: words that open sentences: after a dotted abbreviation they mean it ended one
_OPENERS = frozenset(
    "the a an he she it they we i you his her its their this that these those but and "
    "in on at for if when while after as so yet there here what who why how our my "
    "der die das er sie es wir ich aber und le la les il elle ils nous je mais et el los "
    "las ella ellos pero y".split()
)

_STOP = re.compile(r"(?:[.!?…]+|[。！？؟])[\"'”’»«)\]]*(?=(\s+)(\S)?)|\n")


@cache
def _words(table: str, language: str) -> frozenset[str]:
    source = _TITLES if table == "titles" else _BEFORE_NUMBERS
    return frozenset(source.get(language, "").split())


def _last_word(text: str, end: int) -> str:
    """The word the period at `end` closes (its letters, digits and inner periods)."""
    start = end
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in ".&"):
        start -= 1
    return text[start:end].lstrip(".")


def _next_word(text: str, start: int) -> str:
    m = re.match(r"[\"'“‘«(\[]*(\w+)", text[start : start + 40])
    return m.group(1) if m else ""


def _continues(text: str, dot: int, after: int, language: str) -> bool:
    """Whether the period at `dot`, with the next word at `after`, sits inside a sentence."""
    word = _last_word(text, dot)
    if not word:
        return False
    key = word.lower()
    following = _next_word(text, after)
    opens = following.lower() in _OPENERS
    if key in _words("titles", language):
        return True
    if following[:1].isdigit() and key in _words("numbers", language):
        return True
    if key in _COMMON.split() and not following[:1].isupper():
        return True
    letters = key.replace(".", "")
    if len(letters) == 1 and word[0].isalpha():  # an initial
        return word[0].isupper() and not opens
    if "." in word and word.replace(".", "").isalpha():  # U.S., z.B., i.e.
        return not opens
    return (
        language in _ORDINAL_PERIOD
        and word.isdigit()
        and len(word) <= 2
        and not opens
        and (following[:1].isalnum())
    )


def split(text: str, language: str = "en") -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text` with at least three letters, spaces trimmed;
    `language` is an ISO 639-1 code (any other: the rules without its abbreviations)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _STOP.finditer(text):
        following = m.group(2)  # None after a line break or at the end
        if following and following.islower():
            continue
        if m.group(0)[0] == "." and _continues(text, m.start(), m.end(1), language):
            continue
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if sum(ch.isalpha() for ch in text[s:e]) >= 3:
            out.append((s, e))
    return out
