"""Time per character of each stage on adversarial texts beside an ordinary article of the
same length, in the same run (``make bench-adversarial``).

Every case is valid input well under the size limits: texts that real crawls produce (a long
list, a transcript, a page full of one character) pushed to the sizes where a quadratic path
shows. For each case and stage the ratio to the ordinary article of the same length is
printed; the goal is at most 3x. A stage that overruns its time budget delivers the record
flagged partial (``flags``), and the row says so.

    python bench/adversarial.py [--chars 100000] [--stages clean,language,dedup,entities]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: the seeds the ordinary article is made of (English news prose, written for the project)
SEEDS = ROOT / "seeds"


def _fill(unit: str, n: int, end: str = "") -> str:
    """`unit` repeated to n characters, then `end`."""
    return (unit * (n // max(1, len(unit)) + 1))[: max(0, n - len(end))] + end


def ordinary(n: int) -> str:
    """An ordinary article of about n characters: the seeds' paragraphs, in turn, repeated
    with a numbered heading so that no two paragraphs are identical."""
    paras: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        paras += [p.strip() for p in text.split("\n\n") if len(p.split()) >= 12]
    out: list[str] = []
    size, i = 0, 0
    while size < n:
        p = f"{paras[i % len(paras)]} ({i})"
        out.append(p)
        size += len(p) + 2
        i += 1
    return "\n\n".join(out)[:n]


def _mixed_names(n: int) -> str:
    unit = "Владимир Путин, John Smith, 习近平, Ангела Меркель, Marie Dupont, 李克强. "
    return _fill(unit, n)


def _quotes(n: int) -> str:
    return _fill('"a b," he said. ', n)


def _people(n: int) -> str:
    return _fill("John Smith said Mary Jones told Peter Brown. ", n)


def _places(n: int) -> str:
    towns = ["Paris", "London", "Berlin", "Madrid", "Rome", "Vienna", "Lisbon", "Athens"]
    return _fill(", ".join(towns) + ", ", n)


def _unclosed(n: int) -> str:
    return '"' + _fill("words of a speech that never ends ", n - 1)


def _nested(n: int) -> str:
    k = (n - 4) // 2
    return "“" * k + "word" + "”" * k


def _caps_lines(n: int) -> str:
    return _fill("BREAKING NEWS FROM THE WIRE\n", n)


def _one_line(n: int) -> str:
    return _fill("The council met again and said that the budget would pass. ", n)


#: name -> text of n characters
CASES: dict[str, Callable[[int], str]] = {
    "Mr. repeated, then Smith.": lambda n: _fill("Mr. ", n, "Smith."),
    "one word": lambda n: _fill("a", n),
    "place names, comma-separated": _places,
    "straight quotation marks": lambda n: _fill('"', n),
    "nested curly quotation marks": _nested,
    "John Smith said Mary Jones told Peter Brown": _people,
    'short quotations ("a b," he said.)': _quotes,
    "Cyrillic, Latin and Chinese names": _mixed_names,
    "an unclosed quotation": _unclosed,
    "one line of prose, no breaks": _one_line,
    "capitals on every line": _caps_lines,
    "curly quotes, unbalanced": lambda n: _fill("“a ", n),
    "dashes and dots": lambda n: _fill("- . ", n),
}
