"""clean: RawArticle -> CleanArticle. Pure: no Kafka, no I/O, no network.

- Plain text: repaired (ftfy, NFC, whitespace), then split into lines; the body is found by
  the line classifier in :mod:`streams.processors.clean.boilerplate`, under the headline where the
  page repeats its title (the first good run of body text below it, not a longer sidebar);
  the lines above it are read as the header (title, section, source, byline, date);
  everything removed is kept in ``removed`` with its reason.
- HTML: trafilatura extracts the main text and metadata, and the page's visible text goes
  through the plain-text path as a second reading. Where trafilatura finds too little, the
  text path's body is taken; where trafilatura runs on past the last paragraph the line
  layout also calls article, the rest is cut; either way the boilerplate patterns are
  applied to the result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from urllib.parse import urljoin

import orjson

from schemas import BadInput, CleanQuality, EmptyText, RawArticle, RemovedSpan, TooLarge
from schemas.models import CleanMethod
from streams.processors.clean.boilerplate import (
    Line,
    boilerplate_reason,
    cut_at_end_marker,
    densest_run,
    is_dateline,
    runs,
    score_lines,
)
from streams.processors.clean.dates import Dated, find_date
from streams.processors.text import content_hash, repair, word_count, words

#: below this many words from trafilatura's fast pass, its full pass (with fallbacks) runs too
FULL_EXTRACTION_BELOW = 50
DEFAULT_MAX_CHARS = 400_000

_TITLE_SPLIT = re.compile(r"\s+[|–—-]\s+|\s+::\s+|\s+·\s+")
_BY = re.compile(r"^(by|par|von|por|di|door|автор|بقلم)[:\s]+(.+)$", re.I)
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
_BYLINE_SPLIT = re.compile(
    r"\s*(?:,|;|&|\||\band\b|\bet\b|\bund\b|\by\b|\be\b|\bи\b|\bi\b)\s*", re.I
)
# "By Anna Berg in Brussels": where the writer was is not part of the name
_WRITING_FROM = re.compile(r"\s+(in|à|aus|en|a|из|в)\s+\S.*$")


def _byline(text: str) -> tuple[list[str], str | None]:
    """The names in a byline line, and the outlet it names, or ([], None) when the line is
    not a byline: every piece must be a name, a job title or an outlet, and one a name.
    A line that starts with "By" (or its like) keeps its names whatever else it holds."""
    m = _BY.match(text.strip())
    body = m.group(2) if m else text
    names: list[str] = []
    source = None
    for raw_piece in _BYLINE_SPLIT.split(body):
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


def read_header(lines: list[Line], body_start: int) -> Header:
    """Title, section, source, authors and date from the lines above the body.

    Lines that are bylines (names, job titles and outlets) or breadcrumbs ("Home > Business
    > Energy": the last step is the section) are read first and are never the title. The title
    is the longest headline-like line close to the body (a page's first line often repeats
    it as "Title - Site", which also names the source); the short line just above it is the
    section or kicker; lines with news-outlet words, or a short capitalised line beside the
    byline, are the source.
    """
    header = Header()
    above = [ln for ln in lines[:body_start] if ln.words > 0]
    candidates = [ln for ln in above if ln.reason is None]
    near = candidates[-12:]
    site_from_title: str | None = None
    # "Title - Site" on the first line: the repeated part is the title, the rest the source
    if candidates:
        first = candidates[0]
        pieces = _TITLE_SPLIT.split(first.text)
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


@dataclass
class Extraction:
    text: str
    removed: list[RemovedSpan]
    header: Header
    quality: CleanQuality


#: an article under this many words is flagged "short"
SHORT_ARTICLE_WORDS = 30


#: the flag each fallback method raises
_METHOD_FLAG = {"whole_text": "no_prose_run", "all_lines": "all_lines_kept"}


def _quality(
    method: CleanMethod,
    confidence: float,
    kept_words: int,
    candidate_words: int = 0,
    prose_words: int | None = None,
) -> CleanQuality:
    """Confidence and flags: a fallback says which; an article under SHORT_ARTICLE_WORDS is
    "short"; a text-path body (given its prose words) is as sure as its share of prose, and
    less when it kept under a third of the page's candidate words."""
    flags = [_METHOD_FLAG[method]] if method in _METHOD_FLAG else []
    if kept_words < SHORT_ARTICLE_WORDS:
        flags.append("short")
    if prose_words is not None:
        confidence = min(confidence, 0.5 + 0.5 * prose_words / max(kept_words, 1))
        if kept_words * 3 < candidate_words:
            flags.append("little_kept")
            confidence = min(confidence, 0.6)
    return CleanQuality(confidence=round(confidence, 2), method=method, flags=flags)


def _group_removed(lines: list[Line], keep: set[int], header: Header) -> list[RemovedSpan]:
    """Removed lines with their reasons; consecutive lines removed for the same reason
    become one span."""
    groups: list[tuple[str, list[str]]] = []
    last_reason: str | None = None
    last_index = -2
    for ln in lines:
        if ln.words == 0 or ln.index in keep:
            continue
        used = header.used.get(ln.index)
        reason = f"header: {used}" if used else (ln.reason or "outside main text")
        if groups and reason == last_reason and not used and ln.index - last_index <= 2:
            groups[-1][1].append(ln.text)
        else:
            groups.append((reason, [ln.text]))
        last_reason, last_index = reason, ln.index
    return [
        RemovedSpan.model_construct(text="\n".join(texts), reason=reason)
        for reason, texts in groups
    ]


# what separates a page title's parts ("Headline | Section | Site", "Site » Blog » Headline"):
# more separators than _TITLE_SPLIT, which reads the first part as the title and the last as
# the site, an order that only "Title - Site" separators keep
_TITLE_PARTS = re.compile(r"\s+(?:[|–—~•·›»«/-]|::)\s+")


def _tokens(text: str) -> str:
    return " ".join(words(text))


def _headline_line(lines: list[Line]) -> int | None:
    """Index of the first later line that repeats the page title's headline: the whole title,
    or its longest part that the page repeats (a site's name is usually the shorter part)."""
    first = next((ln for ln in lines if ln.words > 0), None)
    if first is None:
        return None
    parts = {_tokens(p) for p in _TITLE_PARTS.split(first.text)} | {_tokens(first.text)}
    # a part of one short word is a site's name or a menu item as often as a headline
    parts = {p for p in parts if len(p) >= 10 and (" " in p or len(p) >= 16)}
    best: tuple[int, int] | None = None  # (length of the part, line index)
    for ln in lines[first.index + 1 :]:
        if ln.words == 0 or ln.words > 40 or ln.reason is not None:
            continue
        key = _tokens(ln.text)
        if key in parts and (best is None or len(key) > best[0]):
            best = (len(key), ln.index)
    return best[1] if best else None


#: under a headline, the first run of body text scoring at least this share of the best run
#: below it is the article (a short article above a long sidebar, not the sidebar)
FIRST_RUN_SHARE = 0.5


def anchored_run(scored: list[Line], after: int) -> tuple[int, int]:
    """[start, end) of the article under a headline at ``after``: of the runs of lines with a
    positive total below it, the first that scores at least FIRST_RUN_SHARE of the best."""
    below = [r for r in runs(scored[after + 1 :]) if r[0] > 0]
    if not below:
        return (0, 0)
    top = max(score for score, _, _ in below)
    _, start, end = next(r for r in below if r[0] >= FIRST_RUN_SHARE * top)
    return start + after + 1, end + after + 1


def extract_text(text: str) -> Extraction:
    """The body of a page given as plain text, with the header read and the rest explained."""
    raw_lines = text.split("\n")
    lines = score_lines(raw_lines)
    # A scraped page usually starts with its <title> ("Headline - Site") and repeats the
    # headline just above the article: when it does, the body is sought after that line.
    after = _headline_line(lines)
    start, end = (0, 0)
    if after is not None:
        start, end = anchored_run(lines, after)
    if end <= start or sum(ln.score for ln in lines[start:end]) <= 0:
        start, end = densest_run(lines)
    if end <= start:
        start, end = 0, len(lines)
    end = cut_at_end_marker(lines, start, end)
    method: CleanMethod = "body"
    confidence = 1.0
    if sum(ln.score for ln in lines[start:end]) <= 0:
        # no run of prose anywhere: a list, a table, a calendar, a caption. The article is
        # every line not recognised as boilerplate (the header lines are still read below).
        method, confidence, start, end = "whole_text", 0.4, 0, len(lines)
    keep = {ln.index for ln in lines[start:end] if ln.reason is None and ln.words > 0}
    header = read_header(lines, start)
    if method == "whole_text":
        keep -= set(header.used)
        if not any(lines[i].words for i in keep):
            keep = {ln.index for ln in lines if ln.reason is None and ln.words > 0}
    if not any(any(ch.isalnum() for ch in lines[i].text) for i in keep):
        # every line looked like boilerplate: keep them all rather than lose the article
        method, confidence = "all_lines", 0.2
        keep = {ln.index for ln in lines if ln.words > 0}
    # a lead paragraph that the header reading did not claim, right above the body, is body
    for ln in reversed(lines[:start]):
        if ln.words == 0:
            continue
        if ln.index in header.used or ln.reason is not None or not ln.prose:
            break
        keep.add(ln.index)
    # separate paragraphs the way the input did
    out: list[str] = []
    prev: int | None = None
    for i in sorted(keep):
        if prev is not None:
            gap = any(lines[j].words == 0 for j in range(prev + 1, i))
            out.append("\n\n" if gap or i - prev > 1 else "\n")
        out.append(lines[i].text)
        prev = i
    kept = sum(lines[i].words for i in keep)
    quality = _quality(
        method,
        confidence,
        kept,
        candidate_words=sum(ln.words for ln in lines if ln.reason is None),
        prose_words=sum(lines[i].words for i in keep if lines[i].prose)
        if method == "body"
        else None,
    )
    return Extraction("".join(out), _group_removed(lines, keep, header), header, quality)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def visible_text(html: str) -> str:
    """The visible text of a page, a block a line (what a scraper without an extractor gives)."""
    import lxml.html

    try:
        # control characters (a NUL in a scraped page) are not allowed in lxml's text nodes
        doc = lxml.html.document_fromstring(_CONTROL.sub("", html))
    except Exception:  # lxml raises several types for broken markup; all mean "no text"
        return ""
    # the page's <title> first, as a scraper writes it: the text path finds the headline by it
    title = " ".join((doc.findtext(".//title") or "").split())
    for bad in doc.xpath("//script|//style|//noscript|//template|//svg|//head"):
        bad.drop_tree()
    blocks = {
        "p",
        "div",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "br",
        "tr",
        "section",
        "article",
        "header",
        "footer",
        "nav",
        "aside",
        "blockquote",
        "pre",
        "figcaption",
        "dd",
        "dt",
        "td",
        "th",
        "ul",
        "ol",
        "form",
    }
    for el in doc.iter():
        if isinstance(el.tag, str) and el.tag in blocks:
            el.tail = "\n" + (el.tail or "")
            if el.tag != "br":
                el.text = "\n" + (el.text or "")
    text = re.sub(r"\n\s*\n\s*", "\n\n", doc.text_content())
    return f"{title}\n\n{text}" if title else text


def _shingles(text: str) -> set[str]:
    ws = words(text)
    return {" ".join(ws[i : i + 4]) for i in range(len(ws) - 3)}


#: a paragraph of trafilatura's agrees with the text path when this share of its four-word
#: shingles (of its words, under four words) is in the text path's body ...
AGREE_SHARE = 0.3
#: ... and what follows the last agreeing paragraph is cut when the agreeing ones hold at least
#: this share of trafilatura's words (so a text path that found another region changes nothing)
AGREE_NEEDED = 0.5


def trim_tail(paragraphs: list[str], text_body: str) -> int:
    """How many of trafilatura's paragraphs to keep: up to the last one the page's line layout
    (the text path's body) also calls the article. Where the two disagree at the end, an
    author's biography, a newsletter box or related links that trafilatura took for the
    article, the line layout decides; inside the article trafilatura's reading stands."""
    body_shingles = _shingles(text_body)
    body_words = set(words(text_body))
    agree: list[bool] = []
    for para in paragraphs:
        shingles = _shingles(para)
        if shingles:
            agree.append(len(shingles & body_shingles) >= AGREE_SHARE * len(shingles))
        else:
            ws = words(para)
            agree.append(bool(ws) and sum(w in body_words for w in ws) >= AGREE_SHARE * len(ws))
    sizes = [word_count(p) for p in paragraphs]
    agreed = sum(n for n, ok in zip(sizes, agree, strict=True) if ok)
    if not any(agree) or agreed < AGREE_NEEDED * sum(sizes):
        return len(paragraphs)
    return max(i for i, ok in enumerate(agree) if ok) + 1


def _meta_tags(tree: Any) -> dict[str, str]:
    """Every <meta> tag's content by its property, name or itemprop (lower-cased), in one pass."""
    tags: dict[str, str] = {}
    for el in tree.iter("meta"):
        content = (el.get("content") or "").strip()
        if not content:
            continue
        for attr in ("property", "name", "itemprop"):
            key = el.get(attr)
            if key:
                tags.setdefault(key.strip().lower(), content)
    return tags


def _meta(tags: dict[str, str], *names: str) -> str | None:
    return next((tags[n] for n in names if n in tags), None)


def _json_ld(tree: Any) -> list[dict[str, Any]]:
    """The page's JSON-LD objects (flattened @graph), parsed without evaluating anything."""
    out: list[dict[str, Any]] = []
    for script in tree.xpath('//script[@type="application/ld+json"]/text()')[:10]:
        try:
            data = orjson.loads(script.strip().encode("utf-8"))
        except orjson.JSONDecodeError:
            continue
        stack = data if isinstance(data, list) else [data]
        for item in stack:
            if isinstance(item, dict):
                out.append(item)
                graph = item.get("@graph")
                if isinstance(graph, list):
                    out.extend(g for g in graph if isinstance(g, dict))
    return out


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    return []


def html_metadata(tree: Any) -> Header:
    """Title, authors, site name, section and date from a page's meta tags and JSON-LD."""
    header = Header()
    tags = _meta_tags(tree)
    articles = [
        d for d in _json_ld(tree) if "headline" in d or "author" in d or "datePublished" in d
    ]
    ld = articles[0] if articles else {}
    title = _meta(tags, "og:title", "twitter:title") or (
        ld.get("headline") if isinstance(ld.get("headline"), str) else None
    )
    if not title:
        h1 = tree.xpath("//h1")
        title = h1[0].text_content().strip() if h1 else None
    if not title:
        t = tree.xpath("//title/text()")
        title = _TITLE_SPLIT.split(t[0].strip())[0] if t else None
    header.title = repair(title) if title else None
    authors = _names(ld.get("author"))
    if not authors:
        meta_author = _meta(
            tags,
            "author",
            "article:author",
            "byl",
            "dc.creator",
            "sailthru.author",
            "parsely-author",
        )
        if meta_author and not meta_author.startswith("http"):
            authors = [a for a in _BYLINE_SPLIT.split(_BY.sub(r"\2", meta_author)) if a]
    if not authors:
        authors = [a.text_content().strip() for a in tree.xpath('//a[@rel="author"]')[:3]]
    header.authors = list(
        dict.fromkeys(repair(a).strip() for a in authors if a and 2 <= len(a.strip()) <= 80)
    )
    publisher = _names(ld.get("publisher"))
    header.source = _meta(tags, "og:site_name", "application-name") or (
        publisher[0] if publisher else None
    )
    section = _meta(tags, "article:section") or ld.get("articleSection")
    if isinstance(section, list):
        section = section[0] if section else None
    header.section = str(section).strip() if section else None
    date = _meta(
        tags, "article:published_time", "og:published_time", "datePublished", "date", "pubdate"
    ) or ld.get("datePublished")
    if not date:
        date = next((t.get("datetime") for t in tree.iter("time") if t.get("datetime")), None)
    canonical = tree.xpath('//link[@rel="canonical"]/@href') or [_meta(tags, "og:url") or ""]
    if canonical[0].strip():
        header.canonical_url = canonical[0].strip()
    if isinstance(date, str):
        dated = find_date(date)
        if dated is not None:
            header.published_at, header.published_offset = dated.at, dated.offset
    return header


# A document type declaration with an internal subset can declare entities (the "billion
# laughs" bomb); HTML needs none of it. It is removed before any parser sees the page, and
# lxml's HTML parser never resolves entities or fetches anything from the network.
_DOCTYPE = re.compile(r"<!DOCTYPE[^>\[]*(\[[\s\S]*?\])?\s*>|<!ENTITY[^>]*>", re.I)


def extract_html(html: str, url: str | None) -> Extraction:
    """trafilatura for the body, the page's own metadata for the header, and the plain-text
    path as a second opinion when trafilatura finds too little."""
    import trafilatura
    from trafilatura.utils import load_html

    html = _DOCTYPE.sub("", html)

    tree = load_html(html)
    header = html_metadata(tree) if tree is not None else Header()

    def run_trafilatura(source: Any, fast: bool) -> str:
        try:
            doc = trafilatura.bare_extraction(
                source,
                url=url,
                include_comments=False,
                include_tables=True,
                include_images=False,
                include_links=False,
                fast=fast,
            )
        except Exception:  # trafilatura can fail on odd markup; the text path still runs below
            return ""
        data = doc.as_dict() if doc is not None and hasattr(doc, "as_dict") else (doc or {})
        return repair(data.get("text") or "")

    # trafilatura's own extractor first (fast: no readability/jusText comparison); only when
    # that finds little does the full run with its fallbacks go over the page again.
    main = run_trafilatura(
        tree if tree is not None else html, fast=True
    )  # changes the tree: metadata came first
    if word_count(main) < FULL_EXTRACTION_BELOW:
        slow = run_trafilatura(html, fast=False)
        if word_count(slow) > word_count(main):
            main = slow

    def text_path(fallback: Extraction) -> Extraction:
        """The page's visible text through the text path; the header it read fills what the
        page's metadata left empty."""
        for field_name in ("title", "source", "section", "published_at", "published_offset"):
            if getattr(header, field_name) is None:
                setattr(header, field_name, getattr(fallback.header, field_name))
        header.authors = header.authors or fallback.header.authors
        quality = fallback.quality.model_copy(update={"method": "html_text"})
        return Extraction(fallback.text, fallback.removed, header, quality)

    # the page's lines through the text path: a second reading of where the article is
    visible = extract_text(repair(visible_text(html)))
    # too little from trafilatura (or nothing): take the text path's body instead
    if word_count(main) < 60 and word_count(main) < max(30, 0.3 * word_count(visible.text)):
        return text_path(visible)
    kept, removed = [], []
    for para in main.split("\n"):
        reason = boilerplate_reason(para)
        if reason is None:
            kept.append(para)
        elif reason != "empty":
            removed.append(RemovedSpan(text=para, reason=reason))
    keep = trim_tail(kept, visible.text)
    removed.extend(
        RemovedSpan(text=p, reason="outside main text") for p in kept[keep:] if p.strip()
    )
    text = "\n".join(kept[:keep])
    if not any(ch.isalnum() for ch in text):
        # the patterns left nothing of trafilatura's text: the text path keeps what it has
        return text_path(visible)
    words = word_count(text)
    return Extraction(
        text, removed, header, _quality("html_main", 0.9 if words >= 60 else 0.7, words)
    )


def clean_fields(raw: RawArticle, *, max_chars: int = DEFAULT_MAX_CHARS) -> dict[str, Any]:
    """What the clean stage adds to a raw article: the clean body and the header metadata.
    Raises :class:`TooLarge`, or :class:`EmptyText` for an input with no letters or digits."""
    body = raw.text if raw.text is not None else raw.html or ""
    if len(body) > max_chars * (4 if raw.html is not None else 1):
        raise TooLarge(
            f"the article body has {len(body):,} characters, over the limit of {max_chars:,}"
        )
    if raw.html is not None:
        result = extract_html(raw.html, raw.url)
        input_format: Literal["text", "html"] = "html"
    else:
        result = extract_text(repair(body))
        input_format = "text"
    if not any(ch.isalnum() for ch in result.text):
        # only an input without a letter or digit gets here: the text path keeps every line
        # rather than lose an article it cannot make out
        raise EmptyText("the input has no letters or digits")
    h = result.header
    given = Dated.of(raw.published_at) if raw.published_at else None
    return {
        "source": raw.source or h.source,
        "title": raw.title or h.title,
        "authors": h.authors,
        "section": h.section,
        "published_at": given.at if given else h.published_at,
        "published_offset": given.offset if given else h.published_offset,
        "canonical_url": _absolute(h.canonical_url, raw.url),
        "text": result.text,
        "removed": result.removed,
        "content_hash": content_hash(result.text),
        "input_format": input_format,
        "metadata": dict(raw.metadata),
        "clean": result.quality,
    }


def _absolute(link: str | None, base: str | None) -> str | None:
    """A page's canonical link made absolute against the article URL; None unless http(s)."""
    if not link:
        return None
    full = urljoin(base or "", link)
    return full if full.startswith(("http://", "https://")) and len(full) <= 4096 else None


class CleanProcessor:
    """The clean stage's processor: per raw article, its clean fields or the error it gets."""

    def __init__(self, max_chars: int = DEFAULT_MAX_CHARS) -> None:
        self.max_chars = max_chars

    def warm_up(self) -> None:
        extract_html(
            "<html><body><article><p>Warm-up text of a page.</p></article></body></html>", None
        )

    def process(self, batch: list[RawArticle]) -> list[dict[str, Any] | BadInput]:
        out: list[dict[str, Any] | BadInput] = []
        for raw in batch:
            try:
                out.append(clean_fields(raw, max_chars=self.max_chars))
            except BadInput as exc:
                out.append(exc)
        return out


def make_processor(settings: Any) -> CleanProcessor:
    return CleanProcessor(max_chars=settings.max_text_chars)
