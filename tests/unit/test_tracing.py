"""The W3C trace context: parsing by the spec's rules, a new span per stage in the same trace,
and the trace carried by the routing from input headers to output headers."""

from __future__ import annotations

import orjson
import pytest

from streams import tracing
from streams.routing import Incoming
from tests.unit.test_fuzz import RUNNER

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
SPAN = "00f067aa0ba902b7"
VALID = f"00-{TRACE}-{SPAN}-01"


def test_a_valid_traceparent_parses() -> None:
    assert tracing.parse_traceparent(VALID) == (TRACE, SPAN, "01")
    assert tracing.parse_traceparent(VALID.encode()) == (TRACE, SPAN, "01")
    # a later version may add fields; they are ignored
    assert tracing.parse_traceparent(f"01-{TRACE}-{SPAN}-00-extra") == (TRACE, SPAN, "00")


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        f"00-{TRACE}-{SPAN}",  # three fields
        f"00-{TRACE.upper()}-{SPAN}-01",  # upper-case hex
        f"ff-{TRACE}-{SPAN}-01",  # version ff is invalid
        f"00-{'0' * 32}-{SPAN}-01",  # all-zero trace id
        f"00-{TRACE}-{'0' * 16}-01",  # all-zero span id
        f"00-{TRACE}-{SPAN}-01-extra",  # version 00 has exactly four fields
        f"00-{TRACE[:-1]}-{SPAN}-01",  # a short trace id
        "not a traceparent",
    ],
)
def test_invalid_traceparents_are_refused(value: str | None) -> None:
    assert tracing.parse_traceparent(value) is None


def test_a_child_keeps_the_trace_and_flags_with_a_new_span() -> None:
    headers = [(tracing.TRACEPARENT, VALID.encode()), (tracing.TRACESTATE, b"vendor=x")]
    child = dict(tracing.child_headers(headers, timestamp_ms=1234))
    trace_id, span_id, flags = tracing.parse_traceparent(child[tracing.TRACEPARENT]) or ("", "", "")
    assert (trace_id, flags) == (TRACE, "01") and span_id != SPAN
    assert child[tracing.TRACESTATE] == b"vendor=x"
    assert child[tracing.PUBLISHED_MS] == b"1234"  # from the record's timestamp, no header


def test_no_or_a_bad_parent_starts_a_new_trace_and_the_header_time_wins() -> None:
    a = dict(
        tracing.child_headers([(tracing.TRACEPARENT, b"junk"), (tracing.PUBLISHED_MS, b"77")], 5)
    )
    b = dict(tracing.child_headers(None, None))
    ta, tb = (
        tracing.parse_traceparent(a[tracing.TRACEPARENT]),
        tracing.parse_traceparent(b[tracing.TRACEPARENT]),
    )
    assert ta and tb and ta[0] != tb[0] and ta[2] == "01"
    assert a[tracing.PUBLISHED_MS] == b"77"  # the first publish time, not this record's
    assert tracing.PUBLISHED_MS not in b and tracing.TRACESTATE not in b


def test_publish_headers_continue_a_callers_trace() -> None:
    mine = dict(tracing.publish_headers(VALID, now_ms=42))
    assert tracing.trace_id(list(mine.items())) == TRACE and mine[tracing.PUBLISHED_MS] == b"42"
    fresh = dict(tracing.publish_headers(None))
    assert tracing.trace_id(list(fresh.items())) not in (None, TRACE)


def test_the_last_header_of_a_name_counts() -> None:
    assert tracing.header([("a", b"1"), ("a", b"2")], "a") == b"2"
    assert tracing.published_ms([(tracing.PUBLISHED_MS, b"x")], 9) == 9


def test_routing_carries_the_trace_to_records_and_dead_letters() -> None:
    headers = ((tracing.TRACEPARENT, VALID.encode()), (tracing.PUBLISHED_MS, b"1000"))
    good = orjson.dumps({"text": "Parliament met in Rome on Thursday to debate the budget."})
    outs = RUNNER.route(
        [
            Incoming("articles.raw", 0, 1, None, good, headers, 2000),
            Incoming("articles.raw", 0, 2, None, b"{not json", headers, 2000),
        ]
    )
    assert [o.dead for o in outs] == [False, True]
    for o in outs:
        assert tracing.trace_id(o.headers) == TRACE
        assert tracing.published_ms(o.headers) == 1000
        assert tracing.parse_traceparent(tracing.header(o.headers, tracing.TRACEPARENT))[1] != SPAN  # type: ignore[index]
