"""Text repair and normalization shared by every processor (no Kafka, no I/O)."""

from __future__ import annotations

import hashlib
import re
import unicodedata

import ftfy

# C0/C1 controls except tab and newline; zero-width and bidi controls are kept out of the
# body too (they break offsets and matching) but NBSP and friends become plain spaces.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_RUN = re.compile(r"\n{3,}")


def repair(text: str) -> str:
    """Mojibake and broken encodings fixed (ftfy), Unicode NFC, control characters removed,
    runs of spaces folded, line ends normalized, at most one blank line between blocks."""
    text = ftfy.fix_text(text, normalization="NFC")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = _CONTROL.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    text = _BLANK_RUN.sub("\n\n", text)
    return unicodedata.normalize("NFC", text).strip()


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x3040 <= o <= 0x30FF or 0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF


_WORD = re.compile(r"\w+")


def word_count(text: str) -> int:
    """Words, with scripts written without spaces (Chinese, Japanese) counted as about two
    characters a word so that length thresholds mean the same in every language."""
    words = _WORD.findall(text)
    cjk = sum(1 for ch in text if is_cjk(ch))
    if cjk > len(text) * 0.3:
        return max(len(words), cjk // 2)
    return len(words)
