"""The body and header of an HTML page: trafilatura's extraction, the page's visible text read
as plain text for a second opinion, the page's meta tags and JSON-LD."""

from __future__ import annotations

import re
from typing import Any

import orjson

from schemas import RemovedSpan
from streams.processors.clean.boilerplate import (
    boilerplate_reason,
)
from streams.processors.clean.bylines import byline_names, people
from streams.processors.clean.dates import find_date
from streams.processors.clean.header import TITLE_SPLIT, Header
from streams.processors.clean.plain import Extraction, extract_text, quality_of
from streams.processors.clean.urls import names_site
from streams.processors.text import repair, word_count, words

#: below this many words from trafilatura's fast pass, its full pass (with fallbacks) runs too
FULL_EXTRACTION_BELOW = 50


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


#: longer than this, a "name" is a sentence or a list, not one person's name
NAME_CHARS = 80


def _said(text: str) -> str:
    """What a title says, case and marks aside (its words, lower case)."""
    return " ".join(words(text))


#: a JSON-LD headline this long may have been cut to fit Google's limit (110 characters)
CUT_CHARS = 100


def _cut_short(title: str, whole: str) -> bool:
    """Whether `title` is `whole` cut short: marked so ("…") or long, and its beginning."""
    cut = title.rstrip().endswith(("…", "...")) or len(title) >= CUT_CHARS
    return cut and len(whole) > len(title) and _said(whole).startswith(_said(title))


def headline(title: str, h1s: list[str], site: str | None, url: str | None) -> str:
    """The headline a page prints, from the title its metadata gives: the title itself when
    a ``<h1>`` prints it, else its part before the first separator when a ``<h1>`` prints
    that ("Headline - Site"), else the title without a first or last part that names the
    site (see :func:`names_site`); a title the page does not explain stays whole."""
    shown = {_said(h) for h in h1s}
    cuts = list(TITLE_SPLIT.finditer(title))
    if not cuts or _said(title) in shown:
        return title
    head = title[: cuts[0].start()].strip()
    if _said(head) in shown:
        return head
    if names_site(title[cuts[-1].end() :], site, url):
        return title[: cuts[-1].start()].strip()
    if names_site(head, site, url):
        return title[cuts[0].end() :].strip()
    return title


#: the meta tags (property, name or itemprop, lower case) publishers give the publication
#: time in, the specific before the general: OpenGraph's, schema.org's, Dublin Core's,
#: Parse.ly's, Sailthru's, Google Scholar's and the plain ones (htmldate reads these too)
PUBLISHED_META = (
    "article:published_time", "og:published_time", "og:article:published_time",
    "article:published", "datepublished", "date_published", "published_time", "publish_date",
    "publish-date", "publishdate", "published-date", "published_date", "publication_date",
    "pubdate", "parsely-pub-date", "sailthru.date", "dc.date.issued", "dcterms.issued",
    "dcterms.created", "dc.date.created", "dc.created", "citation_publication_date",
    "citation_date", "originalpublicationdate", "article.published", "dc.date",
    "dcterms.date", "date", "datecreated",
)  # fmt: skip


def html_metadata(tree: Any, url: str | None = None, markup: bool = True) -> Header:
    """Title, authors, site name, section and date from a page's meta tags and JSON-LD
    (`url`: where the page was fetched, when known; its canonical link counts first); with
    `markup`, where they name no author, the byline the markup marks (:func:`marked_byline`;
    the header model's labels are the metadata alone)."""
    header = Header()
    tags = _meta_tags(tree)
    articles = [
        d for d in _json_ld(tree) if "headline" in d or "author" in d or "datePublished" in d
    ]
    ld = articles[0] if articles else {}
    # the publisher's headline first: where JSON-LD's and og:title differ, the page prints
    # JSON-LD's twice as often (54 to 27 of 82 pages of bench-header's sets), unless
    # JSON-LD's is og:title cut short (Google asks for at most 110 characters)
    social = _meta(tags, "og:title", "twitter:title")
    title = ld.get("headline") if isinstance(ld.get("headline"), str) else None
    if not title or (social and _cut_short(title, social)):
        title = social
    h1s = [" ".join(h.text_content().split()) for h in tree.xpath("//h1")[:5]]
    if not title:
        title = h1s[0] if h1s else None
    if not title:
        t = tree.xpath("//title/text()")
        title = TITLE_SPLIT.split(t[0].strip())[0] if t else None
    publisher = _names(ld.get("publisher"))
    header.source = _meta(tags, "og:site_name", "application-name") or (
        publisher[0] if publisher else None
    )
    canonical = tree.xpath('//link[@rel="canonical"]/@href') or [_meta(tags, "og:url") or ""]
    if canonical[0].strip():
        header.canonical_url = canonical[0].strip()
    if title:
        title = headline(" ".join(title.split()), h1s, header.source, header.canonical_url or url)
    header.title = repair(title) if title else None
    # one name each (JSON-LD, rel="author" links), or several in one field (the meta tags)
    authors = [a for a in _names(ld.get("author")) if a and 2 <= len(a.strip()) <= NAME_CHARS]
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
        if meta_author and len(meta_author.strip()) >= 2 and not meta_author.startswith("http"):
            authors = [meta_author]  # people() splits it: "A, B and C" is three names
    if not authors:
        links = [a.text_content().strip() for a in tree.xpath('//a[@rel="author"]')[:3]]
        authors = [a for a in links if 2 <= len(a) <= NAME_CHARS]
    header.authors = [n for n in people([repair(a) for a in authors]) if len(n) <= NAME_CHARS]
    if not header.authors and markup:
        header.authors = marked_byline(tree)
    section = _meta(tags, "article:section") or ld.get("articleSection")
    if isinstance(section, list):
        section = section[0] if section else None
    header.section = str(section).strip() if section else None
    date = _meta(tags, *PUBLISHED_META) or ld.get("datePublished")
    if not date:
        date = next((t.get("datetime") for t in tree.iter("time") if t.get("datetime")), None)
    if isinstance(date, str):
        dated = find_date(date)
        if dated is not None:
            header.published_at, header.published_offset = dated.at, dated.offset
    return header


#: elements the markup marks as the byline, most specific first (a class or id "byline",
#: schema.org's author property, then a class naming the author: "author-name", "c-author")
_BYLINE_XPATHS = tuple(
    f"{marked}[not(ancestor-or-self::*[contains(@class, 'comment') or contains(@id, 'comment')])]"
    "[not(ancestor::footer or ancestor::aside)]"
    for marked in (
        '//*[contains(@class, "byline") or contains(@id, "byline")]',
        '//*[@itemprop="author"]',
        '//*[contains(@class, "author")][not(self::body or self::article)]',
    )
)  # not a comment's author, nor a related article's in a sidebar or footer
#: a byline is short: a longer element marked "author" is a biography or a comment
_BYLINE_WORDS = 14


def marked_byline(tree: Any) -> list[str]:
    """The people in the first short element the page's markup marks as its byline, where
    its metadata names no author (`<p class="byline">By A and B, Associated Press</p>`:
    A and B); [] when none holds a name."""
    for xpath in _BYLINE_XPATHS:
        for element in tree.xpath(xpath)[:5]:
            if element.tag in ("meta", "link", "script", "style"):
                continue
            text = " ".join(element.text_content().split())
            if len(text) < 2 or word_count(text) > _BYLINE_WORDS:
                continue
            names = [n for n in people(byline_names(repair(text))) if len(n) <= NAME_CHARS]
            if names:
                return names
    return []


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
    header = html_metadata(tree, url) if tree is not None else Header()

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
        page's metadata left empty (its date already has, below)."""
        for field_name in ("title", "source", "section"):
            if getattr(header, field_name) is None:
                setattr(header, field_name, getattr(fallback.header, field_name))
        header.authors = header.authors or fallback.header.authors
        quality = fallback.quality.model_copy(update={"method": "html_text"})
        return Extraction(fallback.text, fallback.removed, header, quality)

    # the page's lines through the text path: a second reading of where the article is
    visible = extract_text(repair(visible_text(html)), url)
    if header.published_at is None:
        # no date in the page's metadata: the one its text prints, else its URL's day
        header.published_at = visible.header.published_at
        header.published_offset = visible.header.published_offset
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
        text, removed, header, quality_of("html_main", 0.9 if words >= 60 else 0.7, words)
    )
