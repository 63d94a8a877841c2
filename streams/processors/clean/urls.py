"""What an article's URL tells of its header: the words of its slug and the day in its path.

Publishers build article URLs from the headline ("/2023/04/28/new-york-man-pleads-guilty-
to-threatening-ilhan-omar-rcna81912") and often from the publication day. A producer that
knows where it fetched a page gives the URL with it; the header model reads how far a line's
words agree with the slug, and a page whose text prints no date is dated by its path. Pure.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

from streams.processors.clean.dates import Dated
from streams.processors.text import without_accents

_WORD = re.compile(r"\w+", re.UNICODE)
#: a path segment's words: what hyphens, underscores, dots and plus signs separate
_SEGMENT_WORD = re.compile(r"[^\W_]+", re.UNICODE)
#: a slug has at least this many words (fewer: a section, an id, a file name)
MIN_SLUG_WORDS = 3
#: German and Nordic letters as slugs spell them out ("für" -> "fuer"; casefold makes "ß" "ss")
_SPELLED = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "æ": "ae", "ø": "oe"})
# the day in a path: /2023/04/28/, /2023-04-28, _20230428, /28/04/2023/ is not read (ambiguous
# with ids); a year from 1990 to 2099
_PATH_DAY = re.compile(
    r"(?<!\d)(?P<y>199\d|20\d\d)(?P<sep>[/_.-]?)(?P<m>0[1-9]|1[0-2])(?P=sep)(?P<d>0[1-9]|[12]\d|3[01])(?!\d)"
)


def fold(word: str) -> str:
    """A word as a slug writes it: lower case, accents dropped."""
    return without_accents(word.casefold())


def forms(word: str) -> set[str]:
    """The ways a slug may spell a word ("Fußball": "fussball"; "Müller": "muller", "mueller")."""
    lower = word.casefold()
    return {fold(lower), fold(lower.translate(_SPELLED))}


def slug_words(url: str | None) -> frozenset[str]:
    """The words of the URL's slug: the path segment with the most words that are not all
    digits (at least MIN_SLUG_WORDS of them; otherwise none), folded."""
    if not url:
        return frozenset()
    try:
        path = unquote(urlsplit(url.strip()).path)
    except ValueError:  # a malformed URL (an unclosed IPv6 bracket) names no slug
        return frozenset()
    best: list[str] = []
    for segment in path.split("/"):
        segment = re.sub(r"\.(s?html?|php|aspx?|jsp|cms)$", "", segment, flags=re.I)
        words = [fold(w) for w in _SEGMENT_WORD.findall(segment) if not w.isdigit()]
        if len(words) >= len(best):
            best = words
    return frozenset(best) if len(best) >= MIN_SLUG_WORDS else frozenset()


def agreement(text: str, slug: frozenset[str]) -> tuple[float, float]:
    """How a line agrees with a slug: the share of the line's words the slug holds, and the
    share of the slug's words the line holds (0, 0 without a slug)."""
    if not slug:
        return 0.0, 0.0
    words = [w for w in _WORD.findall(text) if not w.isdigit()]
    if not words:
        return 0.0, 0.0
    found: set[str] = set()
    hits = 0
    for w in words:
        matched = forms(w) & slug
        if matched:
            hits += 1
            found |= matched
    return hits / len(words), len(found) / len(slug)


def url_date(url: str | None) -> Dated | None:
    """The day a URL's path gives ("/2023/04/28/", "/2023-04-28-", "_20230428"), at midnight
    UTC with the offset unknown; None when the path gives no full, valid day."""
    if not url:
        return None
    try:
        path = urlsplit(url.strip()).path
    except ValueError:
        return None
    for m in _PATH_DAY.finditer(path):
        try:
            at = datetime(int(m["y"]), int(m["m"]), int(m["d"]), tzinfo=UTC)
        except ValueError:  # 2023/02/30
            continue
        return Dated(at, None)
    return None


def _squashed(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


#: second-level labels under which a publisher registers its own ("co" in bbc.co.uk)
_GENERIC_LABELS = frozenset({"co", "com", "org", "net", "ac", "gov"})


def domain(url: str | None) -> str:
    """The publisher of a URL: its host without "www." and its last two labels (three where
    the second-level label is a generic one, as in bbc.co.uk); "" for none or a malformed URL."""
    try:
        host = (urlsplit(url).hostname or "") if url else ""
    except ValueError:  # a malformed URL (an unclosed IPv6 bracket) names no publisher
        return ""
    parts = host.lower().removeprefix("www.").split(".")
    keep = 3 if len(parts) >= 3 and parts[-2] in _GENERIC_LABELS else 2
    return ".".join(parts[-keep:])


#: a piece of a title longer than this (in words) is never only the site's name
SITE_WORDS = 6


def names_site(piece: str, site: str | None, url: str | None) -> bool:
    """Whether one piece of a page title ("Headline | Site") is the site's name: the
    page's ``og:site_name`` ("The Anti-June Cleaver"), or a name that holds its host's own
    label ("BBC News" on www.bbc.co.uk, "9to5Mac" on 9to5mac.com)."""
    squashed = _squashed(piece)
    if not squashed or len(piece.split()) > SITE_WORDS:
        return False
    if site and squashed == _squashed(site):
        return True
    registered = domain(url)
    label = _squashed(registered.split(".")[0]) if "." in registered else ""
    return len(label) >= 3 and (label in squashed or squashed in label)
