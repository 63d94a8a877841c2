"""Bylines: which pieces of a byline line are people's names, and which an outlet, a desk or
a job title ("By Anna Berg and Tom Li, Reuters", "Jane Roe, Transport Correspondent",
"Posted by admin on May 2", "3. Mai 2024 von A | Wohnen")."""

from __future__ import annotations

import re

from streams.processors.clean.dates import MONTH_NAMES

# the word before a byline's names, in the languages of the pages newswire reads
_BY_WORDS = (
    r"by|von|durch|por|par|da|di|door|af|av|przez|от|autor|author|auteur|autorin|автор|авторы"
    r"|yazan|بقلم|كتب"
)
#: a line that starts with that word ("By A and B", "Von A", "Autor: A")
BYLINE_PREFIX = re.compile(rf"^({_BY_WORDS})[:\s]+(.+)$", re.I)
_NAME_TOKEN = re.compile(r"^[A-ZÀ-ÖØ-ÞĀ-ſА-ЯЁ][\w'’.-]*$")
SOURCE_WORDS = re.compile(
    r"\b(news|agency|press|times|post|journal|daily|herald|tribune|gazette|media|tv|radio|network|wire|"
    r"reuters|afp|ap|dpa|efe|ansa|tass|ria|sputnik|xinhua|bbc|cnn|associated press|chronicle"
    r"|telegraph|"
    r"guardian|independent|observer|monitor|review|magazine|online|today|world|report|bulletin|express|"
    r"mail|star|sun|globe|courier|dispatch|inquirer|examiner|nachrichten|zeitung|presse|noticias|"
    r"diario|новости|известия|ведомости|агентство|أخبار|وكالة|أنباء|صحيفة|قناة|agence|agencia|agenzia|prensa)\b"
    # German and Dutch compounds: "Nachrichtenagentur", "Tageszeitung", "Rundfunk"
    r"|\w*(agentur|zeitung|nachrichten|presse|rundschau|anzeiger|rundfunk|krant|nieuws)\w*",
    re.I,
)
_CASELESS_WORD = re.compile(r"^[\u0590-\u05ff\u0600-\u06ff\u0750-\u077f]+$")


def is_name(text: str) -> bool:
    """A line that is a person's name: 2 to 4 capitalised tokens (or, in scripts without
    capitals such as Arabic and Hebrew, 2 to 3 words), no digits, no source words."""
    tokens = text.replace(",", " ").split()
    if not 2 <= len(tokens) <= 4 or any(ch.isdigit() for ch in text):
        return False
    if SOURCE_WORDS.search(text):
        return False
    if all(_CASELESS_WORD.match(t) for t in tokens):
        return len(tokens) <= 3
    if any(t.lower() in _TITLE_CASE_WORDS for t in tokens):
        return False
    return all(
        _NAME_TOKEN.match(t)
        or t.lower() in {"de", "van", "von", "der", "da", "di", "al", "bin", "el", "la", "le"}
        for t in tokens
    )


# words a headline in title case capitalises ("How To Grow and Care For Roses", "Why It
# Matters") that are never part of a person's name
_TITLE_CASE_WORDS = frozenset(
    {"to", "for", "the", "of", "on", "with", "how", "why", "what", "when", "is", "are", "at",
     "from", "your", "my", "our", "this", "all", "about", "into", "it", "you", "we"}
)  # fmt: skip

_HONORIFIC = re.compile(r"^(dr|prof|mr|mrs|ms|mme|mlle|m|sr|sra|herr|frau)\.?\s+", re.I)
# job titles in a byline ("Jane Roe, Transport Correspondent"): a piece with one is not a name
_ROLE = re.compile(
    r"\b(editor|correspondent|reporter|writer|writers|columnist|staff|contributor|journalist"
    r"|analyst|chief|senior|envoy[ée]e?|envoyée? spéciale?|rédact(eur|rice)|journaliste"
    r"|correspondante?|korrespondent(in)?|redakteur(in)?|corresponsal|redactora?|periodista"
    r"|enviad[oa] especial|redattrice|redattore|corrispondente|inviat[oa]|корреспондент\w*"
    r"|обозреватель|редактор|repórter|correspondente)\b",
    re.I,
)
# "and" in the byline's languages; the one-letter ones in lower case only ("Gustavo E. Méndez")
BYLINE_SPLIT = re.compile(r"\s*(?:,|;|&|\||(?i:\band\b|\bet\b|\bund\b)|\by\b|\be\b|\bи\b|\bi\b)\s*")
# degrees after a name ("Grant Tinsley, PhD"): not a name of their own
_DEGREES = frozenset({"PhD", "Ph.D", "MD", "MA", "MSc", "MS", "MBA", "MPH", "RD", "RN", "DO"})
# "By Anna Berg in Brussels": where the writer was is not part of the name
_WRITING_FROM = re.compile(r"\s+(in|à|aus|en|a|из|в)\s+\S.*$")


def _piece(raw: str) -> str:
    """One piece of a byline without its honorific, its place ("in Brussels") and the marks
    around it."""
    return _WRITING_FROM.sub("", _HONORIFIC.sub("", raw.strip(" .:,")))


def read_byline(text: str) -> tuple[list[str], str | None]:
    """The names in a byline line, and the outlet it names, or ([], None) when the line is
    not a byline: every piece must be a name, a job title or an outlet, and one a name.
    A line that starts with "By" (or its like) keeps its names whatever else it holds."""
    m = BYLINE_PREFIX.match(text.strip())
    body = m.group(2) if m else text
    names: list[str] = []
    source = None
    for raw_piece in BYLINE_SPLIT.split(body):
        piece = _piece(raw_piece)
        if not piece:
            continue
        if _ROLE.search(piece):
            continue
        if is_name(piece):
            names.append(piece)
        elif SOURCE_WORDS.search(piece) or (m and piece[:1].isupper() and len(piece.split()) <= 4):
            source = piece
        elif not m:
            return [], None
    if not names:
        return [], None
    return list(dict.fromkeys(names)), source


def split_authors(text: str) -> list[str]:
    """'By A and B', 'A, B & C', 'A, Reuters', 'A, Europe Editor' -> person names only."""
    return read_byline(text)[0]


# "by", "von", "por" and their like anywhere in a line ("Posted by A on May 2", "3. Mai 2024
# von A | Wohnen"): what follows, up to a date, a mark or a place, is the byline
_BY_ANYWHERE = re.compile(
    r"(?:^|(?<=[\s·|/,:]))(?:written|posted|published|veröffentlicht|gepostet|geschrieben"
    r"|verfasst|publicado|publié|escrito|pubblicato|scritto)?\s*"
    rf"(?:{_BY_WORDS})\s*:?\s+",
    re.I,
)
# where a byline's names end: a date, a mark, an address, a run of spaces, a label with a
# colon ("Lesezeit: 4 Min."), "on"/"am"/"in"/"le" ...
_BYLINE_END = re.compile(
    r"\s(?:on|am|le|el|il|op|den|the|at|um|à|in|im|dans|en)\s|\s[-–—]\s|[|/·•@(\t\d]|\s{3,}"
    rf"|\s[-–—]$|\s\w+:|\s(?=(?:{MONTH_NAMES})\.?\s+\d)",
    re.I,
)
# the parts of a byline line that are not about its names: marks, addresses, runs of spaces
_BYLINE_PARTS = re.compile(
    rf"\s*(?:[|·•/@\t]|\s{{3,}}|\s[-–—]\s)\s*|\s(?=\d|(?:{MONTH_NAMES})\.?\s+\d)", re.I
)
# an e-mail address beside a name ("Megan Rowe meganr@example.com"): not part of it
_EMAIL = re.compile(r"\S+@\S+\.\w+")


_ONE_WORD = re.compile(r"^\s*[^\W\d_][\w'’-]{2,}\s*$")


def _particle(text: str, marker: re.Match[str]) -> bool:
    """Whether a "von", "da", "af" ... found as a byline's word is a name's particle instead
    ("Alexa von Heyden", "Ursula von der Leyen", "Mark Di Stefano"): right after a
    capitalised word, before a surname alone ("Eine Kolumne von Nils Pahl" is a byline)."""
    word = marker.group(0).strip(" :").lower()
    before = text[: marker.start()].split()
    after = _names_part(text, marker).split()
    return (
        word in {"von", "da", "di", "af", "av", "door", "par"}
        and bool(before)
        and before[-1][:1].isupper()
        and before[-1].lower() not in _PUBLISHING_VERBS
        # a surname follows ("von Heyden", "von der Leyen"), not a whole name
        and (len(after) == 1 or (bool(after) and after[0] in {"der", "den", "dem", "zu"}))
    )


_PUBLISHING_VERBS = frozenset(
    {"veröffentlicht", "gepostet", "geschrieben", "verfasst", "publié", "publicado", "écrit"}
)


def _names_part(text: str, marker: re.Match[str]) -> str:
    """What follows a byline's word up to where the byline ends."""
    rest = text[marker.end() :]
    end = _BYLINE_END.search(rest)
    return rest[: end.start()] if end else rest


def byline_marker(text: str) -> re.Match[str] | None:
    """The first "by" (or its like) in a line that is not a name's particle."""
    return next((m for m in _BY_ANYWHERE.finditer(text) if not _particle(text, m)), None)


def byline_names(text: str) -> list[str]:
    """The names in a line known to be a byline (the header model picked it): the names
    after a "by" anywhere in the line, up to where the byline ends ("27. Januar 2014 by
    Barbara Russ /", "Posted by A on November 19", "By A - 2019-04-10"), where one word
    counts ("by admin", "von Fatima": the line is a byline, a user name is what the page
    gives); without such a word, the names :func:`split_authors` reads in the line's parts
    ("A | 29. Dezember 2022 | HR-Welt", "A@handle")."""
    return names_after(text, byline_marker(text))


def names_after(text: str, marker: re.Match[str] | None) -> list[str]:
    """:func:`byline_names` with the line's :func:`byline_marker` already found (the header
    model's features need both)."""
    if marker is None:
        if _ONE_WORD.match(text):  # the line is one name ("Tine", "Pepemaus")
            return [text.strip()]
        parts = _BYLINE_PARTS.split(_EMAIL.sub(" | ", text))
        found = [n for part in parts for n in split_authors(part)]
        return list(dict.fromkeys(found))
    out: list[str] = []
    for piece in _pieces(_names_part(text, marker)):
        if SOURCE_WORDS.search(piece):
            continue
        if (" " not in piece and piece[:1].isalpha()) or is_name(piece):
            out.append(piece)
    return list(dict.fromkeys(out))


def _pieces(text: str) -> list[str]:
    """The pieces of a byline's names part ("A, B and C"), each without its honorific,
    place and marks and with its spaces made single; degrees and job titles left out."""
    out = []
    for raw in BYLINE_SPLIT.split(text):
        piece = " ".join(_piece(raw).split())
        if piece and piece not in _DEGREES and not _ROLE.search(piece):
            out.append(piece)
    return out


# news agencies as their bylines abbreviate them ("A und B, dpa", "Name (AFP)")
_AGENCY = re.compile(
    r"^(dpa|afp|ap|apa|reuters|ansa|efe|kna|epd|sid|tass|ria|xinhua|upi|ddp|anp|belga|ats|sda"
    r"|ctk|pap|mti|ians|pti|ani|yonhap|kyodo|jiji|aap|dts|red|ots|ntb|tt|stt)$",
    re.I,
)
# a desk or a newsroom, not a person ("Redaktion", "Staff", "Newsroom", "mix1.de Redaktion")
_DESK = re.compile(
    r"\b(redaktion|rédaction|redacción|redazione|redactie|redakcja|редакция|newsroom|desk"
    r"|team|staff)\b",
    re.I,
)
# an outlet named as the author ("CBS News", "7 News WSVN", "example.com"): the words of
# SOURCE_WORDS that are never surnames ("Sun", "Star", "Post" can be)
_OUTLET = re.compile(
    r"^the\s|\b(news|agency|press|media|tv|radio|network|online|magazine|journal|reuters"
    r"|times|tribune|gazette|herald|chronicle|telegraph|daily|weekly|zeitung"
    r"|nachrichten|presse|noticias|diario|новости|агентство|agence|agencia|agenzia)\b"
    r"|\w\.(com|de|org|net|fr|it|es|at|ch|uk|ru)\b",
    re.I,
)
_BRACKETED = re.compile(r"\s*[(\[][^)\]]*[)\]]")


def people(names: list[str]) -> list[str]:
    """The people among the authors a page's metadata names: each entry split into names
    ("A and B", "A und B, dpa", "By A"), without bracketed notes ("Name (abc)"), e-mail
    addresses, degrees, job titles, agencies, desks and outlets."""
    out: list[str] = []
    for raw in names:
        text = _EMAIL.sub(" ", _BRACKETED.sub(" ", raw)).strip()
        m = BYLINE_PREFIX.match(text)
        for piece in _pieces(m.group(2) if m else text):
            if (
                _DESK.search(piece)
                or _AGENCY.match(piece)
                or _OUTLET.search(piece)
                or not any(c.isalpha() for c in piece)
            ):
                continue
            out.append(piece)
    return list(dict.fromkeys(out))
