"""Poison and fuzz: whatever bytes arrive, each message becomes either a correct record or a
dead letter with a precise reason and the original bytes, and the stage carries on."""

from __future__ import annotations

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas import CleanArticle, DeadLetter, RawArticle, decode, encode
from streams.pipeline import stage
from streams.routing import Incoming, runner
from streams.settings import Settings

RUNNER = runner(stage("clean"), Settings(max_message_bytes=20_000, max_text_chars=5_000))
GOOD = encode(
    RawArticle(
        text="The port authority in Rotterdam said on Friday that container volumes rose by four percent this year."
    )
)
REASONS = {
    "invalid_encoding",
    "invalid_json",
    "invalid_record",
    "too_large",
    "empty_text",
    "processing_failed",
}

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
raw_like = st.fixed_dictionaries(
    {},
    optional={
        "text": st.one_of(
            st.text(max_size=400),
            st.integers(-1000, 1000),
            st.none(),
            st.lists(st.text(max_size=5), max_size=3),
        ),
        "html": st.one_of(st.text(max_size=300), st.none()),
        "url": st.one_of(st.text(max_size=40), st.integers(-1000, 1000)),
        "title": st.one_of(st.text(max_size=40), st.none(), st.integers(-1000, 1000)),
        "metadata": st.one_of(
            st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3), json_values
        ),
        "published_at": st.one_of(st.text(max_size=30), st.integers(-(2**40), 2**40), st.none()),
        "schema_version": st.sampled_from(["1.0", "1.3", "2.0", "x"]),
    },
)
weird_text = st.text(
    alphabet=st.sampled_from(list("abc ДЖ ع \u200b\u200e\u202e\u2066\ufeff\u0000\n\t<>&;#x")),
    max_size=300,
)
payloads = st.one_of(
    st.binary(max_size=600),
    json_values.map(orjson.dumps),
    raw_like.map(orjson.dumps),
    weird_text.map(lambda t: orjson.dumps({"text": t})),
    weird_text.map(
        lambda t: orjson.dumps(
            {"html": f"<html><body><script>alert(1)</script><p>{t}</p></body></html>"}
        )
    ),
    st.integers(min_value=1, max_value=200).map(lambda n: b"[" * n + b"]" * n),
    st.integers(min_value=1000, max_value=3000).map(lambda n: b'{"a":' * n + b"1" + b"}" * n),
)


def check(outs, messages) -> None:  # type: ignore[no-untyped-def]
    assert len(outs) == len(messages)
    for out, msg in zip(outs, messages, strict=True):
        if out.dead:
            letter = decode(out.value, DeadLetter)
            assert letter.error_type in REASONS and letter.error
            assert letter.value == msg.value and letter.key == msg.key
            assert (letter.partition, letter.offset) == (msg.partition, msg.offset)
        else:
            rec = decode(out.value, CleanArticle)
            assert rec.text.strip() and out.key == rec.id.encode()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(payloads, min_size=1, max_size=6))
def test_any_bytes_give_a_record_or_a_precise_dead_letter(values: list[bytes]) -> None:
    messages = [
        Incoming("articles.raw", 0, i, f"k{i}".encode(), v)
        for i, v in enumerate([GOOD, *values, GOOD])
    ]
    outs = RUNNER.route(messages)
    check(outs, messages)
    assert not outs[0].dead and not outs[-1].dead  # the valid articles around them still flow


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (b"\xc3\x28 invalid utf-8", "invalid_encoding"),
        (b'{"text": "x"', "invalid_json"),
        (b'{"text": null}', "invalid_record"),
        (b'{"text": "   \\n\\t  "}', "invalid_record"),
        (b'{"text": "\\u200b\\u200b\\u200b"}', "empty_text"),
        (orjson.dumps({"text": "word " * 1001}), "too_large"),
        (b"x" * 20_001, "too_large"),
        (b"[" * 2000 + b"]" * 2000, "invalid_json"),
    ],
)
def test_poison_messages(value: bytes, reason: str) -> None:
    outs = RUNNER.route([Incoming("articles.raw", 1, 7, b"key", value)])
    assert outs[0].dead, decode(outs[0].value, CleanArticle).text
    assert decode(outs[0].value, DeadLetter).error_type == reason


def test_text_at_the_limit_passes_and_over_it_is_refused() -> None:
    base = "The council met on Monday. "
    at_limit = (base * 1000)[:5000]
    assert not RUNNER.route([Incoming("t", 0, 0, None, orjson.dumps({"text": at_limit}))])[0].dead
    over = (base * 1000)[:5001]
    assert (
        decode(
            RUNNER.route([Incoming("t", 0, 0, None, orjson.dumps({"text": over}))])[0].value,
            DeadLetter,
        ).error_type
        == "too_large"
    )


def test_right_to_left_and_zero_width_text_is_cleaned_not_lost() -> None:
    text = "\u202eThe mayor of Haifa\u200b opened the new harbour on Sunday, officials said in a statement.\u2066"
    out = RUNNER.route([Incoming("t", 0, 0, None, orjson.dumps({"text": text}))])[0]
    rec = decode(out.value, CleanArticle)
    assert (
        rec.text
        == "The mayor of Haifa opened the new harbour on Sunday, officials said in a statement."
    )


def test_xml_entity_bomb_is_not_expanded() -> None:
    defs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 9))
    html = f'<!DOCTYPE bomb [<!ENTITY l0 "lol">{defs}]><html><body><h1>Bomb</h1><p>&l8;</p></body></html>'
    out = RUNNER.route([Incoming("articles.raw", 0, 0, None, orjson.dumps({"html": html}))])[0]
    if out.dead:
        assert decode(out.value, DeadLetter).error_type == "empty_text"
    else:
        text = decode(out.value, CleanArticle).text
        assert "lollol" not in text and len(text) < 100
