"""The wiring every stage shares, without Kafka: bad input becomes a dead letter holding the
original bytes, and the good records around it still come out."""

from __future__ import annotations

import orjson
import pytest

from schemas import CleanArticle, DeadLetter, RawArticle, TemporaryError, decode, encode
from streams.agents import clean as clean_agent
from streams.agents.base import Incoming, StageSpec, route
from streams.settings import Settings


def _msg(value: bytes | None, offset: int, key: bytes | None = None) -> Incoming:
    return Incoming("articles.raw", 2, offset, key, value)


@pytest.fixture
def spec() -> StageSpec[RawArticle, CleanArticle]:
    return clean_agent.spec(Settings(max_message_bytes=5000, max_text_chars=2000))


def test_bad_messages_are_dead_lettered_in_place(spec, seed_text: str) -> None:  # type: ignore[no-untyped-def]
    good = encode(RawArticle(text=seed_text[:1900]))
    msgs = [
        _msg(good, 0),
        _msg(b"\xff\xfe", 1, b"k1"),
        _msg(b"{oops", 2),
        _msg(orjson.dumps({"text": ["not", "a", "string"]}), 3),
        _msg(None, 4),
        _msg(orjson.dumps({"text": "x" * 4990}), 5),
        _msg(orjson.dumps({"text": "word " * 500}), 6),
        _msg(orjson.dumps({"text": "Home\nMenu\n© 2024"}), 7),
        _msg(good, 8),
    ]
    outs = route(spec, msgs)
    assert [o.dead for o in outs] == [False, True, True, True, True, True, True, True, False]
    dead = [decode(o.value, DeadLetter) for o in outs if o.dead]
    assert [d.error_type for d in dead] == [
        "invalid_encoding", "invalid_json", "invalid_record", "invalid_json", "too_large", "too_large", "empty_text",
    ]
    assert [d.offset for d in dead] == [1, 2, 3, 4, 5, 6, 7]
    assert dead[0].value == b"\xff\xfe" and dead[0].key == b"k1"
    assert all(d.stage == "clean" and d.topic == "articles.raw" and d.partition == 2 for d in dead)
    clean = decode(outs[0].value, CleanArticle)
    assert outs[0].key == clean.id.encode() and outs[0].partition == 2


def test_a_processor_bug_on_one_record_dead_letters_only_that_record() -> None:
    def process(batch: list[RawArticle]) -> list[RawArticle]:
        if any(r.text == "boom" for r in batch):
            raise ZeroDivisionError("division by zero")
        return batch

    spec = StageSpec("test", RawArticle, process, 10_000)
    outs = route(spec, [_msg(encode(RawArticle(text=t)), i) for i, t in enumerate(["a", "boom", "c"])])
    assert [o.dead for o in outs] == [False, True, False]
    letter = decode(outs[1].value, DeadLetter)
    assert letter.error_type == "processing_failed" and "ZeroDivisionError" in letter.error


def test_temporary_errors_propagate_for_retry() -> None:
    def process(batch: list[RawArticle]) -> list[RawArticle]:
        raise TemporaryError("model server away")

    with pytest.raises(TemporaryError):
        route(StageSpec("test", RawArticle, process, 10_000), [_msg(encode(RawArticle(text="a")), 0)])
