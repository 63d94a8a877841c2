"""W3C trace context across the pipeline, carried in Kafka record headers.

The publisher starts a trace (or continues the caller's) with a ``traceparent`` header,
``00-<32 hex trace id>-<16 hex span id>-<2 hex flags>``; each stage sends its output with a
``traceparent`` of the same trace id and a new span id of its own (its parent is the input's),
and passes ``tracestate`` on untouched. One article can then be followed from publish to
``articles.enriched`` (and to the dead-letter topic) by its trace id, in the headers and in
the stages' JSON logs.

Beside it, ``newswire-published-ms`` carries the time the article was first published
(milliseconds since the epoch: the publisher's clock, or the input record's Kafka timestamp
when a producer set no header) so that each stage can observe the end-to-end latency up to
its own output (``newswire_end_to_end_seconds``)."""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterable, Sequence

TRACEPARENT = "traceparent"
TRACESTATE = "tracestate"
PUBLISHED_MS = "newswire-published-ms"

Headers = Sequence[tuple[str, bytes]]

_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$")


def parse_traceparent(value: bytes | str | None) -> tuple[str, str, str] | None:
    """(trace id, parent span id, flags) of a valid traceparent, else None.

    Per the W3C rules: lower-case hex only, version ``ff`` is invalid, an all-zero trace or
    span id is invalid, and version ``00`` has exactly four fields (a later version may
    append more, which are ignored)."""
    if value is None:
        return None
    text = value.decode("ascii", "replace") if isinstance(value, bytes) else value
    m = _TRACEPARENT.match(text.strip())
    if not m:
        return None
    version, trace_id, span_id, flags, rest = m.groups()
    if version == "ff" or (version == "00" and rest):
        return None
    if trace_id == "0" * 32 or span_id == "0" * 16:
        return None
    return trace_id, span_id, flags


def new_span_id() -> str:
    return secrets.token_hex(8)


def new_traceparent(trace_id: str | None = None, flags: str = "01") -> str:
    """A traceparent for a new span: in the given trace, or in a new one."""
    return f"00-{trace_id or secrets.token_hex(16)}-{new_span_id()}-{flags}"


def header(headers: Iterable[tuple[str, bytes | None]] | None, name: str) -> bytes | None:
    """The last value of a header (Kafka allows repeats), or None."""
    found = None
    for key, value in headers or ():
        if key == name:
            found = value
    return found


def trace_id(headers: Iterable[tuple[str, bytes | None]] | None) -> str | None:
    parsed = parse_traceparent(header(headers, TRACEPARENT))
    return parsed[0] if parsed else None


def published_ms(
    headers: Iterable[tuple[str, bytes | None]] | None, timestamp_ms: int | None = None
) -> int | None:
    """When the article was first published: its header, else the record's timestamp."""
    raw = header(headers, PUBLISHED_MS)
    if raw:
        try:
            return int(raw)
        except ValueError:
            pass
    return timestamp_ms


def publish_headers(
    traceparent: str | None = None, now_ms: int | None = None
) -> list[tuple[str, bytes]]:
    """Headers for a new article: a span in the caller's trace (when `traceparent` is a valid
    one) or in a new trace, and the publish time."""
    parent = parse_traceparent(traceparent)
    tp = new_traceparent(parent[0], parent[2]) if parent else new_traceparent()
    when = now_ms if now_ms is not None else int(time.time() * 1000)
    return [(TRACEPARENT, tp.encode()), (PUBLISHED_MS, str(when).encode())]


def child_headers(
    headers: Iterable[tuple[str, bytes | None]] | None, timestamp_ms: int | None = None
) -> tuple[tuple[str, bytes], ...]:
    """A stage's output headers for an input: the same trace with a new span (a new trace when
    the input had no valid traceparent), its tracestate, and its publish time."""
    headers = list(headers or ())
    parent = parse_traceparent(header(headers, TRACEPARENT))
    tp = new_traceparent(parent[0], parent[2]) if parent else new_traceparent()
    out: list[tuple[str, bytes]] = [(TRACEPARENT, tp.encode())]
    state = header(headers, TRACESTATE)
    if state:
        out.append((TRACESTATE, state))
    when = published_ms(headers, timestamp_ms)
    if when is not None:
        out.append((PUBLISHED_MS, str(when).encode()))
    return tuple(out)
