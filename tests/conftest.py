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
