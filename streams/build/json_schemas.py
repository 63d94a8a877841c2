"""Write each record's JSON Schema into schemas/json/ (``python -m streams.build.json_schemas``).

A build step above the pipeline: the records on each topic come from its definition."""

from __future__ import annotations

import sys
from pathlib import Path

import orjson
from pydantic import BaseModel

from schemas.compat import JSON_DIR


def render(model: type[BaseModel]) -> bytes:
    """The schema file's exact bytes (sorted keys, so diffs stay readable)."""
    schema = model.model_json_schema(mode="validation")
    return orjson.dumps(schema, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def models() -> tuple[type[BaseModel], ...]:
    """Every record on a topic, in pipeline order (from the pipeline definition), then the
    records beside the chain (entity trends)."""
    from streams.pipeline import PIPELINE, SIDE_RECORDS, models_by_state

    return (*models_by_state(PIPELINE).values(), *(m for _, m, _ in SIDE_RECORDS))


def expected_files() -> dict[Path, bytes]:
    return {JSON_DIR / f"{m.__name__}.schema.json": render(m) for m in models()}


def main() -> int:
    JSON_DIR.mkdir(exist_ok=True)
    for path, content in expected_files().items():
        path.write_bytes(content)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
