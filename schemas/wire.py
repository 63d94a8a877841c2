"""The one encode/decode pair: pydantic models to JSON bytes (pydantic's own serializer) and
back (orjson, then validation)."""

from __future__ import annotations

from typing import TypeVar

import orjson
from pydantic import BaseModel, ValidationError

from schemas.errors import InvalidEncoding, InvalidJSON, InvalidRecord

M = TypeVar("M", bound=BaseModel)


def encode(record: BaseModel) -> bytes:
    """A record as compact UTF-8 JSON (pydantic's serializer writes the bytes directly: the
    same bytes as ``orjson.dumps(record.model_dump(mode="json"))`` in three quarters of the
    time)."""
    return record.__pydantic_serializer__.to_json(record)


def describe_validation_error(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ())) or "record"
        parts.append(f"{where}: {err.get('msg')}")
    more = exc.error_count() - len(parts)
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def decode(data: bytes | bytearray | memoryview | None, model: type[M]) -> M:
    """Bytes to a validated record, or a :class:`~schemas.errors.BadInput` that says why."""
    if data is None:
        raise InvalidJSON("the message has no value (null or tombstone)")
    raw = bytes(data)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidEncoding(f"not valid UTF-8 at byte {exc.start}: {exc.reason}") from None
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InvalidJSON(f"not valid JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise InvalidRecord(f"expected a JSON object, got {type(obj).__name__}")
    try:
        return model.model_validate(obj)
    except ValidationError as exc:
        raise InvalidRecord(f"{model.__name__}: {describe_validation_error(exc)}") from None
