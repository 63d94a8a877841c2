"""Reading articles from files and stdin for `newswire publish` and `newswire enrich`:
.txt (plain text), .html/.htm, .json (one object or a list), .jsonl (one object a line),
folders (recursively, in name order) and ``-`` for stdin (JSON lines, or one text article).

JSON lines (files and stdin) are read a line at a time, so a file of any size is read in
constant memory; the other kinds are one article (or one JSON document) each."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import orjson
from pydantic import ValidationError

from schemas import RawArticle
from schemas.wire import describe_validation_error

SUFFIXES = {".txt", ".text", ".html", ".htm", ".json", ".jsonl", ".ndjson"}


@dataclass
class Item:
    """One input record: an article, or the reason it was rejected; ``raw`` holds its bytes."""

    origin: str
    article: RawArticle | None
    error: str | None
    raw: bytes


def _from_obj(origin: str, obj: object, raw: bytes) -> Item:
    if not isinstance(obj, dict):
        return Item(origin, None, f"expected a JSON object, got {type(obj).__name__}", raw)
    try:
        return Item(origin, RawArticle.model_validate(obj), None, raw)
    except ValidationError as exc:
        return Item(origin, None, describe_validation_error(exc), raw)


def _json_lines(origin: str, data: bytes | Iterable[bytes]) -> Iterator[Item]:
    lines = data.split(b"\n") if isinstance(data, bytes) else data
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            yield Item(f"{origin}:{n}", None, f"not valid JSON: {exc}", line)
            continue
        yield _from_obj(f"{origin}:{n}", obj, line)


def _text(origin: str, data: bytes, *, html: bool, name: str | None) -> Item:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Item(origin, None, f"not valid UTF-8 at byte {exc.start}", data)
    meta = {"file": name} if name else {}
    try:
        article = (
            RawArticle(metadata=meta, html=text) if html else RawArticle(metadata=meta, text=text)
        )
        return Item(origin, article, None, data)
    except ValidationError as exc:
        return Item(origin, None, describe_validation_error(exc), data)


def read_bytes(origin: str, data: bytes, suffix: str, name: str | None = None) -> Iterator[Item]:
    if suffix in {".jsonl", ".ndjson"}:
        yield from _json_lines(origin, data)
    elif suffix == ".json":
        try:
            obj = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            yield Item(origin, None, f"not valid JSON: {exc}", data)
            return
        if isinstance(obj, list):
            for n, o in enumerate(obj, 1):
                yield _from_obj(f"{origin}[{n}]", o, orjson.dumps(o))
        else:
            yield _from_obj(origin, obj, data)
    else:
        yield _text(origin, data, html=suffix in {".html", ".htm"}, name=name)


def input_size(paths: list[str]) -> int | None:
    """The bytes `read_paths` will read (for a progress bar), None when stdin is among them."""
    total = 0
    for p in paths:
        path = Path(p)
        if p == "-":
            return None
        if path.is_dir():
            total += sum(
                f.stat().st_size
                for f in path.rglob("*")
                if f.is_file() and f.suffix.lower() in SUFFIXES
            )
        elif path.is_file():
            total += path.stat().st_size
    return total


def _stream_lines(stream: BinaryIO) -> Iterator[bytes]:
    for line in stream:
        yield line.rstrip(b"\r\n")


def read_paths(paths: list[str]) -> Iterator[Item]:
    for p in paths:
        if p == "-":
            stdin = sys.stdin.buffer
            first = stdin.readline()
            head = first.lstrip()[:1]
            if head == b"{":  # JSON lines: streamed
                lines = itertools.chain([first.rstrip(b"\r\n")], _stream_lines(stdin))
                yield from _json_lines("<stdin>", lines)
                continue
            data = first + stdin.read()
            suffix = (
                ".jsonl"
                if head == b"{"
                else ".json"
                if head == b"["
                else ".html"
                if head == b"<"
                else ".txt"
            )
            yield from read_bytes("<stdin>", data, suffix)
            continue
        path = Path(p)
        if path.is_dir():
            for f in sorted(
                x for x in path.rglob("*") if x.is_file() and x.suffix.lower() in SUFFIXES
            ):
                if f.suffix.lower() in {".jsonl", ".ndjson"}:
                    with f.open("rb") as stream:
                        yield from _json_lines(str(f), _stream_lines(stream))
                else:
                    yield from read_bytes(str(f), f.read_bytes(), f.suffix.lower(), f.name)
        elif path.is_file() and path.suffix.lower() in {".jsonl", ".ndjson"}:
            with path.open("rb") as handle:
                yield from _json_lines(str(path), _stream_lines(handle))
        elif path.is_file():
            yield from read_bytes(str(path), path.read_bytes(), path.suffix.lower(), path.name)
        else:
            yield Item(p, None, "no such file or folder", b"")


__all__ = ["Item", "input_size", "read_bytes", "read_paths"]
