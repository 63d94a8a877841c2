"""The body of a plain-text page: repaired, split into lines, the body found under the
headline (the densest run of prose the page repeats its title above), the rest kept in
``removed`` with its reason, and a quality verdict."""

from __future__ import annotations

import re
from dataclasses import dataclass

from schemas import CleanQuality, RemovedSpan
from schemas.models import CleanMethod
from streams.processors.clean.boilerplate import (
    Line,
    cut_at_end_marker,
    densest_run,
    runs,
    score_lines,
)
from streams.processors.clean.header import Header, read_header
from streams.processors.text import has_alnum, words


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


def quality_of(
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


def group_removed(lines: list[Line], keep: set[int], header: Header) -> list[RemovedSpan]:
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
    if len(groups) > MAX_REMOVED_SPANS:
        groups = _merged(groups)
    return [
        RemovedSpan.model_construct(text="\n".join(texts), reason=reason)
        for reason, texts in groups
    ]


#: a page removed in more spans than this (a page of thousands of menu and share lines) has
#: its spans of different reasons merged where they follow each other, reason "mixed": the
#: text is all kept, the record and its cost stay in proportion to the page
MAX_REMOVED_SPANS = 500


def _merged(groups: list[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
    """Runs of boilerplate spans (not header fields) as one span each."""
    out: list[tuple[str, list[str]]] = []
    for reason, texts in groups:
        header = reason.startswith("header:")
        if out and not header and not out[-1][0].startswith("header:"):
            last_reason, last_texts = out[-1]
            last_texts.extend(texts)
            if last_reason != reason:
                out[-1] = ("mixed", last_texts)
        else:
            out.append((reason, list(texts)))
    return out


# what separates a page title's parts ("Headline | Section | Site", "Site » Blog » Headline"):
# more separators than TITLE_SPLIT, which reads the first part as the title and the last as
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


def locate(text: str) -> tuple[list[Line], int, int]:
    """A page's scored lines and its body's first and past-last line."""
    lines = score_lines(text.split("\n"))
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
    return lines, start, cut_at_end_marker(lines, start, end)


def extract_text(text: str, url: str | None = None) -> Extraction:
    """The body of a page given as plain text, with the header read and the rest explained
    (`url`: where the page was fetched, when known; the header reads its slug and day)."""
    lines, start, end = locate(text)
    method: CleanMethod = "body"
    confidence = 1.0
    if sum(ln.score for ln in lines[start:end]) <= 0:
        # no run of prose anywhere: a list, a table, a calendar, a caption. The article is
        # every line not recognised as boilerplate (the header lines are still read below).
        method, confidence, start, end = "whole_text", 0.4, 0, len(lines)
    keep = {ln.index for ln in lines[start:end] if ln.reason is None and ln.words > 0}
    header = read_header(lines, start, url=url)
    # the headline read from the body's first line is the title, not the article's text
    # (unless it is all the text there is: a one-line brief is its own headline and body)
    titled = {i for i, reading in header.used.items() if reading == "title"}
    if any(has_alnum(lines[i].text) for i in keep - titled):
        keep -= titled
    if method == "whole_text":
        keep -= set(header.used)
        if not any(lines[i].words for i in keep):
            keep = {ln.index for ln in lines if ln.reason is None and ln.words > 0}
    if not any(has_alnum(lines[i].text) for i in keep):
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
    quality = quality_of(
        method,
        confidence,
        kept,
        candidate_words=sum(ln.words for ln in lines if ln.reason is None),
        prose_words=sum(lines[i].words for i in keep if lines[i].prose)
        if method == "body"
        else None,
    )
    return Extraction("".join(out), group_removed(lines, keep, header), header, quality)
