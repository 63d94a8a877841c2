"""The header of a plain-text page: title, section, source, byline and date read from the
lines above the body; bylines split into people."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from streams.processors.clean import header_model
from streams.processors.clean.boilerplate import (
    Line,
    is_dateline,
)
from streams.processors.clean.dates import find_date

TITLE_SPLIT = re.compile(r"\s+[|–—-]\s+|\s+::\s+|\s+·\s+")
BYLINE_PREFIX = re.compile(r"^(by|par|von|por|di|door|автор|بقلم)[:\s]+(.+)$", re.I)
_NAME_TOKEN = re.compile(r"^[A-ZÀ-ÖØ-ÞĀ-ſА-ЯЁ][\w'’.-]*$")
_SOURCE_WORDS = re.compile(
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
# "Published 2 hours ago", "Updated", "Publié le ...": a date line, whatever its format
_PUBLISHED = re.compile(
    r"^(published|updated|posted|publié|mis à jour|veröffentlicht|aktualisiert|publicado"
    r"|actualizado|pubblicato|aggiornato|опубликовано|обновлено)\b",
    re.I,
)


def _is_date_line(text: str) -> bool:
    """A dateline or a "Published ..." line: where a header gives its date."""
    return is_dateline(text) or _PUBLISHED.match(text) is not None


# a body that opens with its dateline: a place in capitals, then the date, up to the dash
_OPENING_DATELINE = re.compile(r"^[A-ZÀ-ÞА-ЯЁ][A-ZÀ-ÞА-ЯЁ .'-]{1,40},\s*[^–—]{3,60}?\s[–—-]\s")


@dataclass
class Header:
    title: str | None = None
    section: str | None = None
    source: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    published_offset: str | None = None
    canonical_url: str | None = None
    used: dict[int, str] = field(default_factory=dict)  # line index -> what it was read as


_CASELESS_WORD = re.compile(r"^[\u0590-\u05ff\u0600-\u06ff\u0750-\u077f]+$")


def _is_name(text: str) -> bool:
    """A line that is a person's name: 2 to 4 capitalised tokens (or, in scripts without
    capitals such as Arabic and Hebrew, 2 to 3 words), no digits, no source words."""
    tokens = text.replace(",", " ").split()
    if not 2 <= len(tokens) <= 4 or any(ch.isdigit() for ch in text):
        return False
    if _SOURCE_WORDS.search(text):
        return False
    if all(_CASELESS_WORD.match(t) for t in tokens):
        return len(tokens) <= 3
    return all(
        _NAME_TOKEN.match(t)
        or t.lower() in {"de", "van", "von", "der", "da", "di", "al", "bin", "el", "la", "le"}
        for t in tokens
    )


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
BYLINE_SPLIT = re.compile(
    r"\s*(?:,|;|&|\||\band\b|\bet\b|\bund\b|\by\b|\be\b|\bи\b|\bi\b)\s*", re.I
)
# "By Anna Berg in Brussels": where the writer was is not part of the name
_WRITING_FROM = re.compile(r"\s+(in|à|aus|en|a|из|в)\s+\S.*$")


def _byline(text: str) -> tuple[list[str], str | None]:
    """The names in a byline line, and the outlet it names, or ([], None) when the line is
    not a byline: every piece must be a name, a job title or an outlet, and one a name.
    A line that starts with "By" (or its like) keeps its names whatever else it holds."""
    m = BYLINE_PREFIX.match(text.strip())
    body = m.group(2) if m else text
    names: list[str] = []
    source = None
    for raw_piece in BYLINE_SPLIT.split(body):
        piece = _WRITING_FROM.sub("", _HONORIFIC.sub("", raw_piece.strip(" .")))
        if not piece:
            continue
        if _ROLE.search(piece):
            continue
        if _is_name(piece):
            names.append(piece)
        elif _SOURCE_WORDS.search(piece) or (m and piece[:1].isupper() and len(piece.split()) <= 4):
            source = piece
        elif not m:
            return [], None
    if not names:
        return [], None
    return list(dict.fromkeys(names)), source


def split_authors(text: str) -> list[str]:
    """'By A and B', 'A, B & C', 'A, Reuters', 'A, Europe Editor' -> person names only."""
    return _byline(text)[0]


# "Home > Business > Energy", "Accueil / Sport / Football": a site's path to the article
_CRUMB_SEP = re.compile(r"\s+[>›»/|]\s+")


def _breadcrumb(text: str) -> str | None:
    """The last step of a breadcrumb line (the section), or None."""
    crumbs = [c.strip() for c in _CRUMB_SEP.split(text.strip())]
    if len(crumbs) >= 3 and all(c and len(c.split()) <= 4 for c in crumbs):
        return crumbs[-1]
    return None


# words of a site's own interface, never a section name
_NOT_A_SECTION = re.compile(
    r"^(menu|home|search|skip\b.*|advertisement|anzeige|publicité|publicidad|pubblicità|"
    r"реклама|sponsored|loading.*|listen.*|share|print)$",
    re.I,
)


def _section_like(ln: Line) -> bool:
    """A kicker or section line: a few words, no sentence, no banner ("Breaking: ...")."""
    text = ln.text.strip()
    if not 1 <= ln.words <= 5 or ":" in text or text.endswith((".", "!", "?")):
        return False
    if ln.reason not in (None, "navigation") or _NOT_A_SECTION.match(text):
        return False
    return not is_dateline(text) and not _is_name(text)


def read_header(lines: list[Line], body_start: int, *, model: bool = True) -> Header:
    """Title, section, source, authors and date from the lines above the body.

    Lines that are bylines (names, job titles and outlets) or breadcrumbs ("Home > Business
    > Energy": the last step is the section) are read first and are never the title. The title
    is the longest headline-like line close to the body (a page's first line often repeats
    it as "Title - Site", which also names the source); the short line just above it is the
    section or kicker; lines with news-outlet words, or a short capitalised line beside the
    byline, are the source.

    Then the header model learned from real pages (:mod:`header_model`, when shipped and
    `model`) picks the headline, byline and date lines where it is sure enough, with the
    rules' readings among its features; where it is not, the rules' reading stands.
    """
    header = _rules(lines, body_start)
    found = header_model.load() if model else None
    if found is not None:
        learned(header, lines, body_start, found)
    return header


def learned(
    header: Header, lines: list[Line], body_start: int, model: header_model.HeaderModel
) -> dict[str, float]:
    """Title, authors and date where the model picks a line for them (in place); returns
    each field's best probability."""
    found = header_model.candidates(lines, body_start, header.used)
    first = next((ln for ln in lines if ln.words > 0), None)
    seen: dict[str, float] = {}
    # a line the boilerplate patterns flag (a call to action, a banner) is never the headline
    title = model.best("title", [c for c in found if title_candidate(c, body_start, header.used)])
    seen["title"] = title[1] if title else 0.0
    if title is not None and model.sure("title", title):
        line = title[0]
        text = line.text.strip()
        if first is not None and line.index == first.index:
            text = TITLE_SPLIT.split(text)[0].strip()  # the page's <title>: "Title | Site"
        header.used = {i: r for i, r in header.used.items() if r != "title"}
        header.title = text
        header.used[line.index] = "title"
    free = [c for c in found if header.used.get(c.line.index, "byline") == "byline"]
    byline = model.best("byline", free)
    seen["byline"] = byline[1] if byline else 0.0
    if byline is not None and model.sure("byline", byline):
        names = split_authors(byline[0].text)
        if names:
            header.authors = names
            header.used[byline[0].index] = "byline"
    date = model.best("date", [c for c in found if c.features[_HAS_DATE] > 0])
    seen["date"] = date[1] if date else 0.0
    if date is not None and model.sure("date", date):
        dated = find_date(date[0].text)
        if dated is not None:
            header.published_at, header.published_offset = dated.at, dated.offset
            header.used.setdefault(date[0].index, "date")
    return seen


_HAS_DATE = header_model.FEATURES.index("has_date")


def title_candidate(c: header_model.Candidate, body_start: int, used: dict[int, str]) -> bool:
    """Whether the model may take a line as the headline: above the body, three words or
    more, not boilerplate, not what the rules read as a byline, a date, a source or a
    breadcrumb, and, when it is the page's first line, in the ``<title>`` form ("Headline |
    Site"): a first line without it is as often a banner as a headline. A line the rules
    read as a section is weighed by the model (a feature), no longer ruled out: on pages of
    publishers the model was not trained on the headline is then read right on 0.548 of
    them, against 0.538 with that veto (``make bench-header``)."""
    line = c.line
    first = c.features[_FROM_TOP] == 0 and c.features[_IN_BODY] == 0
    return (
        line.index < body_start
        and line.words >= 3
        and line.reason is None
        and used.get(line.index) not in _NOT_TITLE
        and (not first or c.features[_TITLE_FORM] > 0)
    )


#: what the rules read a line as that rules it out as the headline
_NOT_TITLE = frozenset({"breadcrumb", "byline", "date", "source"})
_FROM_TOP = header_model.FEATURES.index("from_top")
_IN_BODY = header_model.FEATURES.index("in_body")
_TITLE_FORM = header_model.FEATURES.index("title_form")


def _rules(lines: list[Line], body_start: int) -> Header:
    """The header as the rules read it (see :func:`read_header`)."""
    header = Header()
    above = [ln for ln in lines[:body_start] if ln.words > 0]
    candidates = [ln for ln in above if ln.reason is None]
    near = candidates[-12:]
    site_from_title: str | None = None
    # "Title - Site" on the first line: the repeated part is the title, the rest the source
    if candidates:
        first = candidates[0]
        pieces = TITLE_SPLIT.split(first.text)
        if len(pieces) >= 2:
            head, tail = pieces[0].strip(), pieces[-1].strip()
            for ln in near:
                if ln is not first and ln.text.strip() == head:
                    site_from_title = tail
                    header.used[first.index] = "page title"
                    break
    bylines: dict[int, tuple[list[str], str | None]] = {}
    for ln in near:
        if ln.index in header.used:
            continue
        crumb = _breadcrumb(ln.text)
        if crumb is not None:
            header.section = header.section or crumb
            header.used[ln.index] = "breadcrumb"
        elif ln.words <= 14 and not is_dateline(ln.text):
            names, source = _byline(ln.text)
            if names:
                bylines[ln.index] = (names, source)
    titled = [
        ln
        for ln in near
        if 3 <= ln.words <= 40
        and not is_dateline(ln.text)
        and ln.index not in bylines
        and not _is_name(ln.text)
        and ln.index not in header.used
    ]
    if titled:
        # longest, ties to the one nearest the body
        best = max(titled, key=lambda ln: (min(ln.words, 30), ln.index))
        header.title = best.text
        header.used[best.index] = "title"
        # the kicker or section: the line just above the title (a menu word counts here)
        before = [ln for ln in above if ln.index < best.index]
        if before and header.section is None and before[-1].index not in header.used:
            kicker = before[-1]
            if _section_like(kicker) and kicker.index not in bylines:
                header.section = kicker.text.strip()
                header.used[kicker.index] = "section"
    for ln in near:
        if ln.index in header.used:
            continue
        text = ln.text
        if header.published_at is None and _is_date_line(text):
            dated = find_date(text)
            if dated is not None:
                header.published_at, header.published_offset = dated.at, dated.offset
                header.used[ln.index] = "date"
                continue
        if ln.index in bylines:
            names, source = bylines[ln.index]
            header.authors.extend(n for n in names if n not in header.authors)
            header.used[ln.index] = "byline"
            if source and header.source is None:
                header.source = source
            continue
        if header.source is None and ln.words <= 6 and _SOURCE_WORDS.search(text):
            header.source = text.strip()
            header.used[ln.index] = "source"
    if header.source is None and bylines:
        # a short capitalised line right beside the byline names the outlet
        # (an agency name alone is often filed as a photo credit: it counts here)
        for ln in above:
            if ln.index in header.used or not 1 <= ln.words <= 6:
                continue
            b = min(bylines, key=lambda i: abs(i - ln.index))
            # right beside: nothing but blank lines (or other bylines) in between
            beside = not any(
                lines[j].words and j not in bylines
                for j in range(min(ln.index, b) + 1, max(ln.index, b))
            )
            text = ln.text.strip()
            if (
                beside
                and ln.reason in (None, "photo_credit")
                and text[:1].isupper()
                and not text.endswith((".", "!", "?", ":"))
                and not _is_date_line(text)
            ):
                header.source = text
                header.used[ln.index] = "source"
                break
    if header.source is None and site_from_title:
        header.source = site_from_title
    if header.published_at is None:
        # a dateline opening the body: "PARIS, 6 déc. (Reuters) –"
        opening_line = next((ln for ln in lines[body_start:] if ln.words), None)
        opening = _OPENING_DATELINE.match(opening_line.text) if opening_line else None
        if opening is not None:
            dated = find_date(opening.group(0))
            if dated is not None:
                header.published_at, header.published_offset = dated.at, dated.offset
    return header
