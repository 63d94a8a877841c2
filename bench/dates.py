"""How many publication dates the clean stage reads right.

    python bench/dates.py [DEV_DIR]

1. Datelines and byline dates written for this project in seven languages and many formats,
   each with the moment it means (UTC) and the offset it gives; every third one (index 2,
   5, 8, ...) is held out: the parser was written from the others.
2. The development pages' HTML (``DEV_DIR/extraction/html``), which carry no labelled date:
   how many pages give a date, and on how many the date from the page's metadata and the
   date written in its visible text (the plain-text rendering through the text path) agree
   on the day, among pages where both give one: two independent readings of the same page.
"""

from __future__ import annotations

import argparse
import gzip
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from streams.processors.clean.dates import find_date

REFERENCE = datetime(2025, 1, 10, 12, 0, tzinfo=UTC)  # "now" for dates without a year

# (line, the moment it means in UTC as ISO, the offset it gives or None)
DATELINES: list[tuple[str, str, str | None]] = [
    ("PARIS, 6 déc. (Reuters) –", "2024-12-06T00:00", None),
    ("Updated 14:05 GMT, March 3, 2024", "2024-03-03T14:05", "+00:00"),
    ("Опубликовано 12.03.2024 10:15", "2024-03-12T10:15", None),
    ("Published March 3, 2024", "2024-03-03T00:00", None),
    ("Publié le 3 mars 2024 à 10h15", "2024-03-03T10:15", None),
    ("Aktualisiert am 03.03.2024, 18:30 Uhr", "2024-03-03T18:30", None),
    ("Publicado el 3 de marzo de 2024", "2024-03-03T00:00", None),
    ("Mar. 3, 2024 5:30 p.m. ET", "2024-03-03T22:30", "-05:00"),
    ("12. März 2024", "2024-03-12T00:00", None),
    ("12 марта 2024 г., 09:00 МСК", "2024-03-12T06:00", "+03:00"),
    ("Monday 4 March 2024 10.32 GMT", "2024-03-04T10:32", "+00:00"),
    ("2024-03-12T10:15:00+01:00", "2024-03-12T09:15", "+01:00"),
    ("Posted on 21st January 2024", "2024-01-21T00:00", None),
    ("BERLIN, 5. Februar (dpa) -", "2024-02-05T00:00", None),
    ("Pubblicato il 7 aprile 2024 alle 08:40", "2024-04-07T08:40", None),
    ("MADRID, 9 Ene. (EUROPA PRESS) -", "2025-01-09T00:00", None),
    ("Last updated: 2024-11-30 16:45 UTC", "2024-11-30T16:45", "+00:00"),
    ("Publicado em 15/08/2024 às 19h20", "2024-08-15T19:20", None),
    ("LONDON, Nov 28 (Reuters) -", "2024-11-28T00:00", None),
    ("Mis à jour le 02/10/2024 à 17:05", "2024-10-02T17:05", None),
    ("Обновлено 1 сентября 2024, 23:10", "2024-09-01T23:10", None),
    ("Sept. 14, 2024, 8:00 AM EDT", "2024-09-14T12:00", "-04:00"),
    ("Stand: 19.06.2024 07:12 Uhr", "2024-06-19T07:12", None),
    ("ROMA, 30 dicembre -", "2024-12-30T00:00", None),
    ("Thursday, July 4, 2024 at 11:15 pm", "2024-07-04T23:15", None),
    ("Le 14 juillet 2024 à 22h00 (heure de Paris)", "2024-07-14T22:00", None),
    ("Actualizado 25/12/2024 - 09:30 CET", "2024-12-25T08:30", "+01:00"),
    ("MOSCOW, Feb 24 (AP) —", "2024-02-24T00:00", None),
    ("Veröffentlicht am 1. Mai 2024", "2024-05-01T00:00", None),
    ("Published 2024-06-30T23:30:00Z", "2024-06-30T23:30", "+00:00"),
    ("10 de octubre de 2024, 13:05", "2024-10-10T13:05", None),
    ("May 5 2024 07:45 PDT", "2024-05-05T14:45", "-07:00"),
    ("01.04.2024, 06:00", "2024-04-01T06:00", None),
    ("TOKYO, Jan. 2 (Kyodo) --", "2025-01-02T00:00", None),
    ("Atualizado em 3 de junho de 2024", "2024-06-03T00:00", None),
    ("16 août 2024, 07:30", "2024-08-16T07:30", None),
    ("Wednesday 11 September 2024 18.05 BST", "2024-09-11T17:05", "+01:00"),
    ("Опубликовано: 5 ноября 2024 в 12:00", "2024-11-05T12:00", None),
    ("Aggiornato il 22/02/2024 alle 15:10", "2024-02-22T15:10", None),
    ("WASHINGTON (AP) — Oct. 31, 2024", "2024-10-31T00:00", None),
    ("2024-05-20 08:00:00 +0200", "2024-05-20T06:00", "+02:00"),
    ("Dec 1, 2024 | 9:45 am", "2024-12-01T09:45", None),
]


def held_out(i: int) -> bool:
    return i % 3 == 2


def datelines(show: bool) -> None:
    right = {False: 0, True: 0}
    count = {False: 0, True: 0}
    for i, (line, want, offset) in enumerate(DATELINES):
        got = find_date(line, REFERENCE)
        side = held_out(i)
        count[side] += 1
        ok = got is not None and got.at.strftime("%Y-%m-%dT%H:%M") == want and got.offset == offset
        right[side] += ok
        if show and not ok and not side:
            seen = (got.at.isoformat(), got.offset) if got else None
            print(f"  {i:2} {line!r}: got {seen}, want {(want, offset)}")
    for side, label in ((False, "development"), (True, "held out")):
        print(
            f"datelines {label:12} {right[side]}/{count[side]} read right ({right[side] / count[side]:.0%})"
        )


def pages(dev: Path) -> None:
    from schemas import RawArticle
    from streams.processors.clean.html import html_metadata
    from streams.processors.clean.stage import clean_fields

    root = dev / "extraction"
    html_dir, text_dir = root / "html", root / "text"
    from trafilatura.utils import load_html

    total = meta = text = both = agree = 0
    for path in sorted(html_dir.glob("*.html.gz")):
        key = path.name.split(".")[0]
        html = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
        tree = load_html(html)
        total += 1
        from_meta = html_metadata(tree).published_at if tree is not None else None
        txt = text_dir / f"{key}.txt"
        from_text = (
            clean_fields(RawArticle(text=txt.read_text("utf-8")))["published_at"]
            if txt.exists()
            else None
        )
        meta += from_meta is not None
        text += from_text is not None
        if from_meta is not None and from_text is not None:
            both += 1
            agree += abs((from_meta - from_text).total_seconds()) < 36 * 3600
    print(
        f"development pages: {total}; a date from the HTML metadata on {meta}, from the visible "
        f"text on {text}; where both gave one ({both}), they agree within a day on {agree}"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dev", nargs="?", default="../shared/dev", type=Path)
    ap.add_argument("--show", action="store_true", help="print the development lines misread")
    args = ap.parse_args()
    datelines(args.show)
    if (args.dev / "extraction" / "html").exists():
        pages(args.dev)
    return 0


if __name__ == "__main__":
    sys.exit(main())
