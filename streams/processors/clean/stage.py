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

from typing import Any, Literal
from urllib.parse import urljoin

from schemas import BadInput, EmptyText, RawArticle, TooLarge
from streams.processors.clean.dates import Dated
from streams.processors.clean.html import extract_html
from streams.processors.clean.plain import extract_text
from streams.processors.text import content_hash, has_alnum, repair

DEFAULT_MAX_CHARS = 400_000
#: a scraped plain text may hold this many times the body's limit (menus, comments, links)
SCRAPED_TEXT_FACTOR = 4


def clean_fields(raw: RawArticle, *, max_chars: int = DEFAULT_MAX_CHARS) -> dict[str, Any]:
    """What the clean stage adds to a raw article: the clean body and the header metadata.
    Raises :class:`TooLarge`, or :class:`EmptyText` for an input with no letters or digits."""
    if raw.html is not None:
        # a page is judged by the text extracted from it, not its markup: ordinary news pages
        # carry megabytes of inline scripts (the message size limit bounds the rest)
        result = extract_html(raw.html, raw.url)
        input_format: Literal["text", "html"] = "html"
    else:
        body = raw.text or ""
        if len(body) > max_chars * SCRAPED_TEXT_FACTOR:  # a page's every visible line
            raise TooLarge(
                f"the scraped text has {len(body):,} characters, over the limit of "
                f"{max_chars * SCRAPED_TEXT_FACTOR:,} ({SCRAPED_TEXT_FACTOR}x the body's)"
            )
        result = extract_text(repair(body), raw.url)
        input_format = "text"
    if len(result.text) > max_chars:
        raise TooLarge(
            f"the article body has {len(result.text):,} characters, over the limit of {max_chars:,}"
        )
    if not has_alnum(result.text):
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
