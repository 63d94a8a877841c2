"""The Unicode script of texts: which writing system a text's letters are in, counted for a
whole batch at once through one code point -> script table (the language stage decides a
script with one language by it alone, and scores the others only against that script's
languages)."""

from __future__ import annotations

import unicodedata
from collections import Counter

import numpy as np

from streams.processors.language.ngrams import IS_LETTER


def _script_of(code_point: int) -> str | None:
    """The script of a letter outside ``BLOCKS``, from its Unicode name ("ETHIOPIC ...")."""
    ch = chr(code_point)
    if not ch.isalpha():
        return None
    try:
        return unicodedata.name(ch).split(" ")[0].title()
    except ValueError:
        return None


# script blocks for a vectorised count: (first code point, last code point, script)
BLOCKS = [
    (0x41, 0x5A, "Latin"),
    (0x61, 0x7A, "Latin"),
    (0xAA, 0xAA, "Latin"),
    (0xBA, 0xBA, "Latin"),
    (0xC0, 0x2AF, "Latin"),
    (0x370, 0x3FF, "Greek"),
    (0x400, 0x52F, "Cyrillic"),
    (0x530, 0x58F, "Armenian"),
    (0x590, 0x5FF, "Hebrew"),
    (0x600, 0x6FF, "Arabic"),
    (0x750, 0x77F, "Arabic"),
    (0x900, 0x97F, "Devanagari"),
    (0x980, 0x9FF, "Bengali"),
    (0xA00, 0xA7F, "Gurmukhi"),
    (0xA80, 0xAFF, "Gujarati"),
    (0xB80, 0xBFF, "Tamil"),
    (0xC00, 0xC7F, "Telugu"),
    (0xE00, 0xE7F, "Thai"),
    (0x10A0, 0x10FF, "Georgian"),
    (0x1100, 0x11FF, "Hangul"),
    (0x1E00, 0x1EFF, "Latin"),
    (0x3040, 0x30FF, "Kana"),
    (0x3400, 0x4DBF, "Han"),
    (0x4E00, 0x9FFF, "Han"),
    (0xAC00, 0xD7AF, "Hangul"),
    (0xFB50, 0xFEFF, "Arabic"),
]
_BLOCK_SCRIPTS = sorted({name for _, _, name in BLOCKS})
# per code point: 0 not a letter, 1 a letter outside the blocks, 2 + i a letter of _BLOCK_SCRIPTS[i]
_SCRIPT_ID = IS_LETTER.astype(np.uint8)
for _first, _last, _name in BLOCKS:
    _SCRIPT_ID[_first : _last + 1] *= 2 + _BLOCK_SCRIPTS.index(_name)
del _first, _last, _name
#: how much of a text the script count reads
SCRIPT_SAMPLE = 400


_HAN, _KANA = _BLOCK_SCRIPTS.index("Han"), _BLOCK_SCRIPTS.index("Kana")


def scripts_of(texts: list[str]) -> tuple[list[str | None], list[int]]:
    """Each text's most common script among its letters (of its first SCRIPT_SAMPLE
    characters; Han with any Kana is Japanese), and how many letters there are: the whole
    batch in one vectorised count over the common script blocks, Unicode names only for
    letters outside them."""
    heads = [t[:SCRIPT_SAMPLE] for t in texts]
    cp = np.frombuffer("\0".join(heads).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    owner = np.repeat(np.arange(len(heads)), [len(h) + 1 for h in heads])[
        :-1
    ]  # by length: a NUL in a text is no border
    sid = _SCRIPT_ID[np.minimum(cp, len(_SCRIPT_ID) - 1)]
    width = len(_BLOCK_SCRIPTS) + 2
    table = np.bincount(owner * width + sid, minlength=len(texts) * width).reshape(
        len(texts), width
    )
    counts, outside = table[:, 2:], table[:, 1]
    letters = counts.sum(axis=1) + outside
    best = counts.argmax(axis=1)
    best[(best == _HAN) & (counts[:, _KANA] > 0)] = _KANA
    scripts: list[str | None] = [
        _BLOCK_SCRIPTS[b] if k else None
        for b, k in zip(best.tolist(), letters.tolist(), strict=True)
    ]
    for row in np.flatnonzero(outside).tolist():
        # letters outside the common blocks (Ethiopic, Sinhala, ...): ask Unicode their script
        tally: Counter[str] = Counter(
            {_BLOCK_SCRIPTS[k]: int(c) for k, c in enumerate(counts[row]) if c}
        )
        tally.update(s for s in map(_script_of, cp[(owner == row) & (sid == 1)].tolist()) if s)
        script = tally.most_common(1)[0][0]
        scripts[row] = "Kana" if script == "Han" and tally.get("Kana") else script
    return scripts, letters.tolist()
