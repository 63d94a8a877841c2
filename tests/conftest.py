"""Shared fixtures: paths to the project's seeds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED = SEEDS / "000_9e72f1dc0ecd5a08.txt"
#: names in the user's sample article and the label each must get (read by hand)
SEED_ENTITIES = (
    ("Habibollah Sayyari", "PERSON"),
    ("Benny Gantz", "PERSON"),
    ("Hezbollah", "ORG"),
    ("Hamas", "ORG"),
    ("Popular Mobilisation Forces", "ORG"),
    ("Iran", "GPE"),
    ("Israel", "GPE"),
    ("Tehran", "GPE"),
)


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def run_stages(raw: Any, *stages: str, **settings: Any) -> Any:
    """A record through the named stages in this process, by the workers' routing; the first
    dead letter raises its error."""
    from streams.routing import process
    from streams.settings import Settings

    config = Settings(**settings)
    record = raw
    for name in stages:
        record = process(name, [record], config)[0]
    return record


# Real articles that are not prose (written for these tests): a list, a table, a live blog,
# a photo caption and a one-line brief, in five languages
CALENDAR = """Formula 1 calendar 2025
March 16: Australian Grand Prix, Melbourne
March 23: Chinese Grand Prix, Shanghai
April 6: Japanese Grand Prix, Suzuka
April 13: Bahrain Grand Prix, Sakhir
April 20: Saudi Arabian Grand Prix, Jeddah
Source: FIA"""

STANDINGS = """Bundesliga, Tabelle nach dem 12. Spieltag
1. Bayern München 12 10 2 0 38:9 32
2. Bayer Leverkusen 12 8 3 1 27:14 27
3. RB Leipzig 12 7 2 3 24:15 23
4. Borussia Dortmund 12 6 3 3 22:17 21"""

LIVE = """EN DIRECT
10h02 Le Premier ministre arrive à Matignon.
10h15 Premières déclarations attendues à 11 heures.
10h40 Les syndicats demandent une rencontre.
11h05 Fin de la réunion, pas d'annonce."""

CAPTION = "Фото: пожарные тушат склад в Подмосковье, 12 марта 2025 года."

BRIEF = "Breve: el Banco Central mantiene los tipos de interés sin cambios."

UNUSUAL_ARTICLES = {
    "calendar": CALENDAR,
    "standings": STANDINGS,
    "live-blog": LIVE,
    "caption": CAPTION,
    "brief": BRIEF,
}
