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
from streams.processors.clean.bylines import (
    SOURCE_WORDS,
    byline_names,
    is_name,
    read_byline,
)
from streams.processors.clean.dates import Dated, find_date
from streams.processors.clean.urls import names_site, url_date

TITLE_SPLIT = re.compile(r"\s+[|–—-]\s+|\s+::\s+|\s+·\s+")
# "Published 2 hours ago", "Updated", "Publié le ...": a date line, whatever its format
_PUBLISHED = re.compile(
    r"^(published|updated|posted|publié|mis à jour|veröffentlicht|aktualisiert|publicado"
    r"|actualizado|pubblicato|aggiornato|опубликовано|обновлено)\b",
    re.I,
)


def _is_date_line(text: str) -> bool:
    """A dateline or a "Published ..." line: where a header gives its date."""
    return is_dateline(text) or _PUBLISHED.match(text) is not None


# a line that gives both times: "Updated May 1, 2023 | Published April 28, 2023"
_PUBLISHED_WORD = re.compile(rf"\b(?:{header_model.PUBLISHED_WORDS})\b", re.I)
_UPDATED_WORD = re.compile(rf"\b(?:{header_model.UPDATED_WORDS})\b", re.I)


def line_date(text: str) -> Dated | None:
    """The publication date a header line gives: where it gives an updated time too, the
    date after its "published" word, whichever comes first; else its first date."""
    published = _PUBLISHED_WORD.search(text)
    if published is not None and _UPDATED_WORD.search(text):
        dated = find_date(text[published.end() :])
        if dated is not None:
            return dated
    return find_date(text)


def _a_date(text: str) -> bool:
    """A date and at most three words besides its numbers."""
    return _date_only(text) and find_date(text) is not None


# a body that opens with its dateline: a place in capitals, then the date, up to the dash
_OPENING_DATELINE = re.compile(r"^[A-ZÀ-ÞА-ЯЁ][A-ZÀ-ÞА-ЯЁ .'-]{1,40},\s*[^–—]{3,60}?\s[–—-]\s")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# the agency a wire story's dateline names: "Passau (dpa) -", "Lyon, 12 juin (AFP) -",
# "Ciudad de México, 14 feb (EFE). -", "WASHINGTON (Reuters) —"
_DATELINE_AGENCY = re.compile(
    r"^[^\W\d_][\w .'-]{0,40}?(?:,[^()\n]{1,30}?)?\s*\((?P<agency>[^\W\d_][\w/&. -]{0,23})\)"
    r"\.?\s*[–—-]{1,2}\s"
)


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
    return not is_dateline(text) and not is_name(text)


def read_header(
    lines: list[Line], body_start: int, *, model: bool = True, url: str | None = None
) -> Header:
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

    `url`, where the page was fetched when the producer gave it, is evidence too: the
    model reads how far each line agrees with its slug, and a page that prints no date
    takes the day its path gives ("/2023/04/28/").
    """
    header = _rules(lines, body_start)
    if header.published_at is None:
        in_url = url_date(url)
        if in_url is not None:
            header.published_at, header.published_offset = in_url.at, in_url.offset
    found = header_model.load() if model else None
    if found is not None:
        learned(header, lines, body_start, found, url)
    return header


def learned(
    header: Header,
    lines: list[Line],
    body_start: int,
    model: header_model.HeaderModel,
    url: str | None = None,
) -> dict[str, float]:
    """Title, authors and date where the model picks a line for them (in place); returns
    each field's best probability."""
    found = header_model.candidates(lines, body_start, header.used, url)
    first = next((ln for ln in lines if ln.words > 0), None)
    seen: dict[str, float] = {}
    # a line the boilerplate patterns flag (a call to action, a banner) is never the headline
    title = model.best("title", [c for c in found if title_candidate(c, body_start, header.used)])
    seen["title"] = title[1] if title else 0.0
    if title is not None and model.sure("title", title):
        line = title[0]
        text = line.text.strip()
        if first is not None and line.index == first.index:
            text = page_title(text, url)  # the page's <title>: "Title | Site"
        header.used = {i: r for i, r in header.used.items() if r != "title"}
        header.title = text
        header.used[line.index] = "title"
    free = [
        c
        for c in found
        if header.used.get(c.line.index, "byline") == "byline" and c.line.reason not in NEVER_BYLINE
    ]
    byline = model.best("byline", free)
    seen["byline"] = byline[1] if byline else 0.0
    if byline is not None and model.sure("byline", byline):
        # read from the line's head, as the features were: a page that is one long line
        # (thousands of quotation marks) costs what an ordinary page does
        names = byline_names(byline[0].text[: header_model.HEAD_CHARS])
        if names:
            header.authors = names
            header.used[byline[0].index] = "byline"
    date = model.best("date", [c for c in found if c.features[_HAS_DATE] > 0])
    seen["date"] = date[1] if date else 0.0
    if date is not None and model.sure("date", date):
        dated = line_date(date[0].text)
        if dated is not None:
            header.published_at, header.published_offset = dated.at, dated.offset
            header.used.setdefault(date[0].index, "date")
    return seen


_HAS_DATE = header_model.FEATURES.index("has_date")
#: what the boilerplate patterns call a line that is never a byline: of 12,500 such lines
#: above the bodies of bench-header's pages none holds the metadata's author, while links,
#: photo credits and newsletter lines do (56 of 1,665)
NEVER_BYLINE = frozenset(
    {"navigation", "share", "call_to_action", "copyright", "legal", "cookie_or_legal",
     "comments", "footnote"}
)  # fmt: skip


def page_title(text: str, url: str | None = None) -> str:
    """The headline in a page's ``<title>`` as a scraper writes it first ("Headline | Site"):
    its part before the first separator, or the part after it where the first names the site
    of `url` ("BBC News | Budget passed - Lexicon" on bbc.co.uk: "Budget passed")."""
    pieces = [p.strip() for p in TITLE_SPLIT.split(text.strip())]
    if len(pieces) > 1 and names_site(pieces[0], None, url):
        return pieces[1]
    return pieces[0]


def title_candidate(c: header_model.Candidate, body_start: int, used: dict[int, str]) -> bool:
    """Whether the model may take a line as the headline: above the body or the body's own
    first line (where the body was found to start at the headline), three words or more,
    not boilerplate, not what the rules read as a byline, a date, a source or a breadcrumb,
    and, when it is the page's first line, in the ``<title>`` form ("Headline | Site"): a
    first line without it is as often a banner ("Breaking: ...") as a headline. A line the
    rules read as a section is weighed by the model (a feature), not ruled out. Letting the
    body's first line in (the model trained with the same choice) reads the headline right
    on 0.584 of the pages of publishers the model was not trained on, against 0.572
    (``make bench-header``'s pages, grouped 5-fold)."""
    line = c.line
    first = c.features[_FROM_TOP] == 0 and c.features[_IN_BODY] == 0
    return (
        (line.index < body_start or c.features[_TO_BODY] == 0 or c.features[_FAR] > 0)
        and line.words >= 3
        and line.reason is None
        and used.get(line.index) not in _NOT_TITLE
        and (not first or c.features[_TITLE_FORM] > 0)
        and not (c.features[_HAS_DATE] > 0 and _date_only(line.text))
    )


#: a word of letters (the rest of a line is numbers and marks)
_LETTERS = re.compile(r"[^\W\d_]+")


def _date_only(text: str) -> bool:
    """A line that holds a date and at most three words besides its numbers ("3. Mai 2024,
    17:47 Uhr", "Updated April 28, 2023 7:20 PM"): a date line, never the headline, even
    where no date rule named it."""
    return len(_LETTERS.findall(text)) <= 3


#: what the rules read a line as that rules it out as the headline
_NOT_TITLE = frozenset({"breadcrumb", "byline", "date", "source"})
_TO_BODY = header_model.FEATURES.index("to_body")
_FAR = header_model.FEATURES.index("far")
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
            names, source = read_byline(ln.text)
            if names:
                bylines[ln.index] = (names, source)
    titled = [
        ln
        for ln in near
        if 3 <= ln.words <= 40
        and not is_dateline(ln.text)
        and not _a_date(ln.text)
        and ln.index not in bylines
        and not is_name(ln.text)
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
            dated = line_date(text)
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
        if header.source is None and ln.words <= 6 and SOURCE_WORDS.search(text):
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
    opening_line = next((ln for ln in lines[body_start:] if ln.words), None)
    agency = _DATELINE_AGENCY.match(opening_line.text) if opening_line else None
    if header.source is None and agency is not None:
        header.source = agency["agency"].strip()
    if header.published_at is None:
        # a dateline opening the body: "PARIS, 6 déc. (Reuters) –"; in other cases only with
        # its year ("Lyon, 12 juin 2024 (AFP) -"): "Berlin (dpa) -" of an archive page is
        # not this year's
        opening = _OPENING_DATELINE.match(opening_line.text) if opening_line else None
        if opening is None and agency is not None and _YEAR.search(agency.group(0)):
            opening = agency
        if opening is not None:
            dated = find_date(opening.group(0))
            if dated is not None:
                header.published_at, header.published_offset = dated.at, dated.offset
    return header
