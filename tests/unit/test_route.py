"""The routing every stage shares, without Kafka: bad input becomes a dead letter holding the
original bytes, the good records around it still come out, upstream fields are carried
forward and the trace is stamped once, by the wiring."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest

from schemas import CleanArticle, DeadLetter, EmptyText, RawArticle, TemporaryError, decode, encode
from streams.pipeline import StageDef, stage
from streams.routing import Incoming, StageRunner, runner
from streams.settings import Settings

AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def _msg(value: bytes | None, offset: int, key: bytes | None = None) -> Incoming:
    return Incoming("articles.raw", 2, offset, key, value)


class Scripted:
    """A processor whose behaviour a test sets: per text, what it returns or raises."""

    def __init__(
        self,
        batch_error: BaseException | None = None,
        one_error: dict[str, BaseException] | None = None,
        returned: dict[str, Any] | None = None,
    ) -> None:
        self.batch_error = batch_error
        self.one_error = one_error or {}
        self.returned = returned or {}
        self.calls: list[int] = []

    def warm_up(self) -> None:
        pass

    def process(self, batch: list[RawArticle]) -> list[Any]:
        self.calls.append(len(batch))
        if len(batch) > 1 and self.batch_error is not None:
            raise self.batch_error
        for r in batch:
            if r.text in self.one_error:
                raise self.one_error[r.text]
        return [
            self.returned.get(r.text or "", {"text": (r.text or "").upper(), "content_hash": "h"})
            for r in batch
        ]


TOY = StageDef(
    name="toy",
    consumes="raw",
    produces="clean",
    input_model=RawArticle,
    output_model=CleanArticle,
    processor="tests.unit.test_route:Scripted",
    web_port=7001,
    loads="nothing",
    summary="upper-cases",
)


def _runner(processor: Scripted, limit: int = 10_000) -> StageRunner:
    ticks = iter([1.0, 1.5] * 100)
    return StageRunner(
        TOY,
        processor,
        max_message_bytes=limit,
        observe=lambda *a: None,
        clock=lambda: next(ticks),
        now=lambda: AT,
    )


def _raw(text: str, **kw: Any) -> bytes:
    return encode(RawArticle(text=text, **kw))


@pytest.fixture
def clean_runner() -> StageRunner:
    return runner(stage("clean"), Settings(max_message_bytes=5000, max_text_chars=2000))


def test_bad_messages_are_dead_lettered_in_place(clean_runner: StageRunner, seed_text: str) -> None:
    good = encode(RawArticle(text=seed_text[:1900]))
    msgs = [
        _msg(good, 0),
        _msg(b"\xff\xfe", 1, b"k1"),
        _msg(b"{oops", 2),
        _msg(orjson.dumps({"text": ["not", "a", "string"]}), 3),
        _msg(None, 4),
        _msg(orjson.dumps({"text": "x" * 4990}), 5),
        _msg(orjson.dumps({"text": "word " * 500}), 6),
        _msg(orjson.dumps({"text": "— ·\n***"}), 7),  # no letter or digit at all
        _msg(good, 8),
    ]
    outs = clean_runner.route(msgs)
    assert [o.dead for o in outs] == [False, True, True, True, True, True, True, True, False]
    dead = [decode(o.value, DeadLetter) for o in outs if o.dead]
    assert [d.error_type for d in dead] == [
        "invalid_encoding",
        "invalid_json",
        "invalid_record",
        "invalid_json",
        "too_large",
        "too_large",
        "empty_text",
    ]
    assert [d.offset for d in dead] == [1, 2, 3, 4, 5, 6, 7]
    assert dead[0].value == b"\xff\xfe" and dead[0].key == b"k1"
    assert all(d.stage == "clean" and d.topic == "articles.raw" and d.partition == 2 for d in dead)
    clean = decode(outs[0].value, CleanArticle)
    assert outs[0].key == clean.id.encode() and outs[0].partition == 2


def test_wiring_carries_fields_forward_and_stamps_the_trace_once() -> None:
    outs = _runner(Scripted()).route(
        [_msg(_raw("hello", url="https://e.com/a", metadata={"feed": "f"}), 0)]
    )
    rec = decode(outs[0].value, CleanArticle)
    assert rec.text == "HELLO" and rec.url == "https://e.com/a" and rec.metadata == {"feed": "f"}
    assert [(t.stage, t.at, t.ms) for t in rec.trace] == [("toy", AT, 500.0)]


def test_message_size_limit_at_below_and_above() -> None:
    value = _raw("a")
    at, below, above = (
        _runner(Scripted(), limit).route([_msg(value, 0)])[0]
        for limit in (len(value), len(value) + 1, len(value) - 1)
    )
    assert not at.dead and not below.dead and above.dead
    assert decode(above.value, DeadLetter).error_type == "too_large"


def test_a_processor_bug_on_one_record_dead_letters_only_that_record() -> None:
    proc = Scripted(
        batch_error=ZeroDivisionError("division by zero"),
        one_error={"boom": ZeroDivisionError("x")},
    )
    outs = _runner(proc).route([_msg(_raw(t), i) for i, t in enumerate(["a", "boom", "c"])])
    assert [o.dead for o in outs] == [False, True, False]
    assert proc.calls == [3, 1, 1, 1]
    letter = decode(outs[1].value, DeadLetter)
    assert letter.error_type == "processing_failed" and "ZeroDivisionError" in letter.error
    assert letter.value == _raw("boom") and letter.partition == 2 and letter.offset == 1


def test_an_error_returned_for_one_record_costs_only_that_record_without_a_retry() -> None:
    proc = Scripted(returned={"b": EmptyText("nothing here")})
    outs = _runner(proc).route([_msg(_raw(t), i) for i, t in enumerate(["a", "b", "c"])])
    assert [o.dead for o in outs] == [False, True, False] and proc.calls == [3]
    assert decode(outs[1].value, DeadLetter).error_type == "empty_text"


@pytest.mark.parametrize("where", ["batch", "one_by_one", "returned"])
def test_temporary_errors_propagate_for_retry_in_every_path(where: str) -> None:
    temporary = TemporaryError("model server away")
    proc = {
        "batch": Scripted(batch_error=temporary),
        # the batch fails for a bug, and then a record meets temporary trouble alone
        "one_by_one": Scripted(batch_error=RuntimeError("bug"), one_error={"b": temporary}),
        "returned": Scripted(returned={"b": temporary}),
    }[where]
    with pytest.raises(TemporaryError):
        _runner(proc).route([_msg(_raw(t), i) for i, t in enumerate(["a", "b"])])


def test_invalid_additions_are_a_processing_failure_of_that_record() -> None:
    proc = Scripted(returned={"b": {"text": ["not", "a", "string"], "content_hash": "h"}})
    outs = _runner(proc).route([_msg(_raw(t), i) for i, t in enumerate(["a", "b"])])
    assert [o.dead for o in outs] == [False, True]
    assert decode(outs[1].value, DeadLetter).error_type == "processing_failed"


def test_dead_letters_keep_their_source_partition_and_key() -> None:
    msgs = [Incoming("articles.raw", p, 10 + p, f"k{p}".encode(), b"{bad") for p in (0, 1, 2, 5)]
    outs = _runner(Scripted()).route(msgs)
    assert [(o.dead, o.partition, o.key) for o in outs] == [
        (True, 0, b"k0"),
        (True, 1, b"k1"),
        (True, 2, b"k2"),
        (True, 5, b"k5"),
    ]
    letters = [decode(o.value, DeadLetter) for o in outs]
    assert [(d.partition, d.offset, d.key, d.value) for d in letters] == [
        (p, 10 + p, f"k{p}".encode(), b"{bad") for p in (0, 1, 2, 5)
    ]


def test_good_records_keep_their_partition_and_are_keyed_by_article_id() -> None:
    msgs = [
        Incoming("articles.raw", p, 0, b"producer-key", _raw(f"text {p}", id=f"id{p}"))
        for p in (0, 3)
    ]
    outs = _runner(Scripted()).route(msgs)
    assert [(o.dead, o.partition, o.key) for o in outs] == [(False, 0, b"id0"), (False, 3, b"id3")]


def test_dead_letters_say_what_failed_and_when() -> None:
    proc = Scripted(batch_error=RuntimeError("bug"), one_error={"b": KeyError()})
    value = _raw("x" * 50)
    outs = _runner(proc, limit=len(value) - 1).route([_msg(value, 0), _msg(_raw("b"), 1)])
    too_large, failed = (decode(o.value, DeadLetter) for o in outs)
    assert (
        too_large.error
        == f"the message has {len(value):,} bytes, over the limit of {len(value) - 1:,}"
    )
    assert (
        too_large.failed_at == AT and too_large.stage == "toy" and too_large.topic == "articles.raw"
    )
    # an exception without a message is named by its type
    assert failed.error == "KeyError: " and failed.error_type == "processing_failed"


def test_a_dead_letter_for_any_exception() -> None:
    from streams.routing import dead_letter

    before = datetime.now(UTC)
    letter = dead_letter("toy", _msg(b"v", 7, b"k"), ValueError())
    assert letter.error_type == "ValueError" and letter.error == "ValueError"
    assert letter.failed_at.tzinfo is not None and letter.failed_at >= before
    assert (letter.offset, letter.key, letter.value) == (7, b"k", b"v")
    named = dead_letter("toy", _msg(b"v", 7), EmptyText("no text"), now=AT)
    assert (named.error_type, named.error, named.failed_at) == ("empty_text", "no text", AT)


def test_a_record_with_an_empty_id_is_keyed_by_the_message_key() -> None:
    proc = Scripted(returned={"a": {"text": "A", "content_hash": "h", "id": ""}})
    outs = _runner(proc).route(
        [_msg(_raw("a"), 0, b"producer"), _msg(_raw("b", id="b-id"), 1, b"p")]
    )
    assert [o.key for o in outs] == [b"producer", b"b-id"]


def test_bypass_stamps_and_validates() -> None:
    from schemas import LanguageArticle
    from streams.routing import bypass

    clean = CleanArticle(id="a", text="t", content_hash="h")
    with pytest.raises(ValueError, match="the entities stage cannot be left out"):
        bypass(stage("entities"), [clean])
    out = bypass(stage("language"), [clean])
    assert isinstance(out[0], LanguageArticle)
    assert [(s.stage, s.ms) for s in out[0].trace] == [("language:bypass", 0.0)]
    assert out[0].trace[0].at.tzinfo is not None


def test_a_stage_appends_its_stamp_to_the_upstream_trace() -> None:
    from schemas import LanguageArticle, TraceStamp
    from streams.routing import carry

    earlier = TraceStamp(stage="clean", version="0.1.0", at=AT, ms=2.0)
    clean = CleanArticle(id="a", text="t", content_hash="h", trace=[earlier], url="https://e.com/a")
    now = TraceStamp(stage="language", version="0.2.0", at=AT, ms=1.0)
    additions = {"language": {"code": "en", "confidence": 0.9, "detector": "test"}}
    out = carry(LanguageArticle, clean, additions, now)
    assert isinstance(out, LanguageArticle)
    assert out.trace == [earlier, now] and clean.trace == [earlier]
    assert out.url == "https://e.com/a" and out.id == "a"


class Returns:
    """A processor that returns what it is told for every record, whatever the batch."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def warm_up(self) -> None:
        pass

    def process(self, batch: list[RawArticle]) -> Any:
        return self.value(batch)


@pytest.mark.parametrize(
    ("returned", "error"),
    [
        (lambda b: [], "RuntimeError: toy: the processor returned 0 results for 1 records"),
        (
            lambda b: ["text"] * len(b),
            "TypeError: toy: a processor returns dicts of additions or errors, not str",
        ),
        (
            lambda b: [{"text": 5, "content_hash": "h"}] * len(b),
            "CleanArticle: text: Input should be a valid string",
        ),
    ],
)
def test_a_processor_breaking_its_contract_dead_letters_with_the_reason(
    returned: Any, error: str
) -> None:
    outs = _runner(Returns(returned)).route([_msg(_raw("a"), 0), _msg(_raw("b"), 1)])
    assert all(o.dead for o in outs)
    assert decode(outs[0].value, DeadLetter).error == error


def test_timing_per_record_and_what_is_observed() -> None:
    seen: list[tuple[str, int, float]] = []
    ticks = iter([1.0, 1.5])
    r = StageRunner(
        TOY,
        Scripted(),
        max_message_bytes=10_000,
        observe=lambda *a: seen.append(a),
        clock=lambda: next(ticks),
        now=lambda: AT,
    )
    outs = r.route([_msg(_raw(t), i) for i, t in enumerate("abc")])
    assert seen == [("toy", 3, 0.5)]
    # half a second over three records, in milliseconds to three places
    assert decode(outs[0].value, CleanArticle).trace[0].ms == 166.667


def test_observed_metrics_per_batch_and_per_record() -> None:
    from streams.ops import metrics
    from streams.routing import _observe_metrics

    def value(name: str) -> float:
        return metrics.REGISTRY.get_sample_value(name, {"stage": "obs"}) or 0.0

    before = [value(n) for n in ("newswire_batch_size_sum", "newswire_processing_seconds_sum",
                                 "newswire_processing_seconds_count")]  # fmt: skip
    _observe_metrics("obs", 4, 2.0)
    after = [value(n) for n in ("newswire_batch_size_sum", "newswire_processing_seconds_sum",
                                "newswire_processing_seconds_count")]  # fmt: skip
    assert [a - b for a, b in zip(after, before, strict=True)] == [4.0, 2.0, 4.0]
    _observe_metrics("obs", 0, 1.0)  # an empty batch: no per-record observations
    assert value("newswire_processing_seconds_count") == after[2]


def test_runner_passes_its_options_on() -> None:
    seen: list[Any] = []
    r = runner(stage("clean"), Settings(), processor=Scripted(), observe=lambda *a: seen.append(a))
    r.route([_msg(_raw("a"), 0)])
    assert seen and seen[0][:2] == ("clean", 1)


def test_a_bypass_whose_additions_do_not_validate_is_a_processing_failure() -> None:
    from schemas.errors import ProcessingFailed
    from streams.routing import bypass

    broken = dataclasses.replace(TOY, bypass=lambda r: {"text": 5, "content_hash": "h"})
    out = bypass(broken, [RawArticle(text="a")])
    assert isinstance(out[0], ProcessingFailed)
    assert str(out[0]) == "text: Input should be a valid string"
