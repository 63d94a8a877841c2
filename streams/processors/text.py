"""Text repair and normalization shared by every processor (no Kafka, no I/O). Importable
with the client install alone: ftfy (a pipeline dependency) is imported only by repair."""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata

# C0/C1 controls except tab and newline; zero-width and bidi controls are kept out of the
# body too (they break offsets and matching) but NBSP and friends become plain spaces.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
_WS = r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]"
# any run of white space that is not already a single plain space (matching every single
# space, as a plain [..]+ would, costs a substitution per word)
_SPACES = re.compile(rf"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]{_WS}*| {_WS}+")
_BLANK_RUN = re.compile(r"\n{3,}")
# the signature of mojibake (UTF-8 read as Latin-1 / Windows-1252): a lead byte's character
# followed by a continuation byte's; text without it is not mis-decoded UTF-8, so ftfy's
# slower pass is skipped
_SUSPECT = re.compile(
    r"[\u00c2-\u00c7\u00d0-\u00d9\u00e2-\u00e7\u00f0-\u00f1\u00ce\u00cf\u00d7\u00d8]"
    r"[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
    r"|\ufffd"
)
_ENTITY = re.compile(r"&(#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")


def repair(text: str) -> str:
    """Mojibake and broken encodings fixed (ftfy), Unicode NFC, control characters removed,
    runs of spaces folded, line ends normalized, at most one blank line between blocks."""
    if _SUSPECT.search(text):
        # ftfy is the pipeline's (the client install shares this module's word helpers
        # without it): imported where a text looks mis-decoded, which few do
        import ftfy
        from ftfy.badness import is_bad

        if is_bad(text):
            text = ftfy.fix_text(text, normalization="NFC")  # mojibake: worth the full pass
    if "&" in text and "<" not in text and _ENTITY.search(text):
        text = html.unescape(text)  # HTML entities left in plain text by a scraper
    text = (
        text.replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\u2028", "\n")
        .replace("\u2029", "\n\n")
    )
    text = _CONTROL.sub("", text)
    lines = [line.strip() for line in _SPACES.sub(" ", text).split("\n")]
    text = "\n".join(lines)
    text = _BLANK_RUN.sub("\n\n", text)
    return unicodedata.normalize("NFC", text).strip()


def without_accents(text: str) -> str:
    """`text` with its combining marks dropped after Unicode's decomposition, case kept
    ("Zürich" -> "Zurich", "Bình Phước" -> "Binh Phuoc"); letters that do not decompose
    ("ł", "ø", "ß") stay as they are."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The text's words (runs of letters and digits), each lower-cased."""
    return [w.lower() for w in _WORD.findall(text)]


def word_count(text: str) -> int:
    """Whitespace-separated words, with scripts written without spaces (Chinese, Japanese)
    counted as about two characters a word so that length thresholds mean the same in every
    language."""
    words = len(text.split())
    if text.isascii():
        return words
    cjk = len(_CJK.findall(text))
    if cjk > len(text) * 0.3:
        return max(words, cjk // 2)
    return words


_ALNUM = re.compile(r"[^\W_]")


def has_alnum(text: str) -> bool:
    """Whether the text has a letter or a digit (in any script), read at C speed: a page of
    sixty thousand marks is looked at once, not a character at a time in Python."""
    return _ALNUM.search(text) is not None
