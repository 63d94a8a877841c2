"""Write each record's JSON Schema into schemas/json/ (``python -m schemas.generate``)."""

from __future__ import annotations

import sys
from pathlib import Path

import orjson
from pydantic import BaseModel

from schemas.models import CleanArticle, DeadLetter, EnrichedArticle, LanguageArticle, RawArticle

MODELS: tuple[type[BaseModel], ...] = (RawArticle, CleanArticle, LanguageArticle, EnrichedArticle, DeadLetter)
JSON_DIR = Path(__file__).parent / "json"


def render(model: type[BaseModel]) -> bytes:
    """The schema file's exact bytes (sorted keys, so diffs stay readable)."""
    schema = model.model_json_schema(mode="validation")
    return orjson.dumps(schema, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def expected_files() -> dict[Path, bytes]:
    return {JSON_DIR / f"{m.__name__}.schema.json": render(m) for m in MODELS}


def main() -> int:
    JSON_DIR.mkdir(exist_ok=True)
    for path, content in expected_files().items():
        path.write_bytes(content)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
