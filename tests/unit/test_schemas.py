from __future__ import annotations

import orjson
import pytest

from schemas import (
    DeadLetter,
    EnrichedArticle,
    InvalidEncoding,
    InvalidJSON,
    InvalidRecord,
    RawArticle,
    article_id_for,
    decode,
    encode,
    normalize_url,
)
from streams.build.json_schemas import expected_files


def test_url_normalization_drops_tracking_fragment_and_case() -> None:
    assert (
        normalize_url("HTTPS://Example.COM:443/a/b/?utm_source=x&b=2&a=1#top")
        == "https://example.com/a/b?a=1&b=2"
    )


def test_id_is_derived_from_url_then_text() -> None:
    a = RawArticle(text="x y", url="https://example.com/story?utm_medium=social")
    b = RawArticle(text="different text", url="https://EXAMPLE.com/story/")
    assert a.id == b.id == article_id_for("https://example.com/story", None)
    c = RawArticle(text="Same  text\n here")
    d = RawArticle(text="Same text here")
    assert c.id == d.id and c.id != a.id and len(c.id) == 16


def test_explicit_id_wins() -> None:
    assert RawArticle(id="abc", text="t").id == "abc"


@pytest.mark.parametrize(
    "fields", [{}, {"text": "a", "html": "<p>a</p>"}, {"text": "   "}, {"html": ""}]
)
def test_exactly_one_nonempty_body(fields: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        RawArticle(**fields)


def test_metadata_must_be_strings() -> None:
    with pytest.raises(InvalidRecord):
        decode(orjson.dumps({"text": "t", "metadata": {"a": [1]}}), RawArticle)


def test_roundtrip_keeps_every_field() -> None:
    raw = RawArticle(
        text="Body", title="T", metadata={"feed": "rss"}, published_at="2024-01-02T03:04:05Z"
    )
    again = decode(encode(raw), RawArticle)
    assert again == raw


def test_encode_writes_compact_utf8_json_of_the_json_dump() -> None:
    text = 'Zoë said "hi" \\ \u2028 \x00 😀 </script>'
    raw = RawArticle(
        text=text, published_at="2024-01-02T03:04:05.5+05:30", metadata={"feed": "ünï"}
    )
    data = encode(raw)
    assert data == orjson.dumps(raw.model_dump(mode="json"))
    assert b"\n" not in data and b": " not in data and "Zoë".encode() in data
    assert orjson.loads(data)["text"] == text


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"\xff\xfe", InvalidEncoding),
        (b"{not json", InvalidJSON),
        (b"[1, 2]", InvalidRecord),
        (b'{"text": 5}', InvalidRecord),
        (b"null", InvalidRecord),
        (None, InvalidJSON),
        (b"[" * 5000 + b"]" * 5000, InvalidJSON),
    ],
)
def test_decode_errors_say_what_is_wrong(data: bytes | None, error: type[Exception]) -> None:
    with pytest.raises(error) as info:
        decode(data, RawArticle)
    assert str(info.value)


def test_newer_major_version_is_refused_and_unknown_fields_ignored() -> None:
    with pytest.raises(InvalidRecord, match="schema_version"):
        decode(b'{"schema_version": "2.0", "text": "t"}', RawArticle)
    rec = decode(b'{"schema_version": "1.7", "text": "t", "future_field": 1}', RawArticle)
    assert rec.text == "t"


def test_dead_letter_keeps_original_bytes_through_json() -> None:
    d = DeadLetter(
        stage="clean",
        error_type="invalid_encoding",
        error="x",
        topic="articles.raw",
        partition=1,
        offset=7,
        key=b"\x00k",
        value=b"\xff\xfe raw",
        failed_at="2024-01-01T00:00:00Z",
    )
    wire = orjson.loads(encode(d))
    assert isinstance(wire["value"], str)
    back = decode(encode(d), DeadLetter)
    assert back.value == b"\xff\xfe raw" and back.key == b"\x00k"


def test_enriched_record_requires_language_and_model() -> None:
    with pytest.raises(InvalidRecord):
        decode(b'{"id": "a", "text": "t", "content_hash": "h"}', EnrichedArticle)


def test_checked_in_json_schemas_are_current() -> None:
    stale = [
        p.name
        for p, content in expected_files().items()
        if not p.exists() or p.read_bytes() != content
    ]
    assert not stale, f"run `make schemas`: stale {stale}"


@pytest.mark.parametrize(
    ("version", "readable"),
    [
        ("1.0", True),
        ("1.7", True),
        ("1.12", True),
        ("10.0", False),
        ("2.0", False),
        ("0.9", False),
        ("11", False),
    ],
)
def test_schema_versions_by_major(version: str, readable: bool) -> None:
    data = orjson.dumps({"schema_version": version, "text": "t"})
    if readable:
        assert decode(data, RawArticle).schema_version == version
    else:
        with pytest.raises(InvalidRecord, match="schema_version"):
            decode(data, RawArticle)


def _letter(**wire: object) -> bytes:
    base = {
        "stage": "clean",
        "error_type": "x",
        "error": "x",
        "topic": "t",
        "partition": 0,
        "offset": 0,
        "failed_at": "2024-01-01T00:00:00Z",
    }
    return orjson.dumps({**base, **wire})


@pytest.mark.parametrize("bad", ["ab!c", "abc", "a b=", "@@@@"])
def test_bytes_fields_accept_only_valid_base64(bad: str) -> None:
    with pytest.raises(InvalidRecord, match="base64"):
        decode(_letter(value=bad), DeadLetter)


@pytest.mark.parametrize("raw", [b"", b"\x00", b"\xff\xfe\xfd", bytes(range(256))])
def test_bytes_fields_round_trip_exactly(raw: bytes) -> None:
    import base64

    wire = orjson.loads(encode(decode(_letter(key=base64.b64encode(raw).decode()), DeadLetter)))
    assert base64.b64decode(wire["key"]) == raw
    assert decode(_letter(key=wire["key"], value=None), DeadLetter).key == raw


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://Example.com:80/", "http://example.com/"),  # default port dropped
        ("https://x.org:443/a", "https://x.org/a"),
        ("http://x.org:443/", "http://x.org:443/"),  # another scheme's default is kept
        ("https://x.org:80/", "https://x.org:80/"),
        ("https://x.org:8443/p//", "https://x.org:8443/p"),  # trailing slashes go
        ("http://x.org", "http://x.org/"),  # an empty path is "/"
        ("//h.org/a", "http://h.org/a"),  # no scheme: http
        ("example.com/a", "http://example.com/a"),  # no scheme and no slashes: still a host
        ("  https://x.org/a  ", "https://x.org/a"),
        ("http://x.org/?a=&b=1", "http://x.org/?a=&b=1"),  # blank values kept
        ("http://x.org/?b=2&a=1&fbclid=z&utm_campaign=y", "http://x.org/?a=1&b=2"),
        ("http://x.org/%7Euser?q=%C3%A9", "http://x.org/%7Euser?q=%C3%A9"),
        ("file:///tmp/a", "file:///tmp/a"),  # a scheme without a host stays as it is
        ("mailto:a@b.org", "mailto:a@b.org"),
    ],
)
def test_url_normalization_cases(url: str, expected: str) -> None:
    assert normalize_url(url) == expected


@pytest.mark.parametrize(
    ("url", "text", "expected"),
    [
        # the first 16 hex digits of SHA-256 of "url:" + the normalized URL, else of "text:" +
        # the NFC text with its whitespace collapsed (values computed once, by hand)
        ("https://example.com/story?utm_source=x", "ignored", "740b6188400ea6b2"),
        ("  ", "Same  text\n here", "6453f2288ec39f29"),
        (None, "Same text here", "6453f2288ec39f29"),
        (None, None, "1658fae457c16fc1"),
        ("http://EXAMPLE.com", None, "927865669d7f178b"),
    ],
)
def test_article_ids_are_documented_hashes(
    url: str | None, text: str | None, expected: str
) -> None:
    assert article_id_for(url, text) == expected


def test_validation_errors_are_described_by_field_and_counted() -> None:
    from pydantic import BaseModel, ValidationError

    from schemas.wire import describe_validation_error

    class Six(BaseModel):
        a: int
        b: int
        c: int
        d: int
        e: int
        f: int

    with pytest.raises(ValidationError) as six:
        Six.model_validate({})
    text = describe_validation_error(six.value)
    assert text.startswith("a: Field required; b: Field required; ")
    assert text.endswith("e: Field required; and 1 more")
    assert "f:" not in text

    class Nested(BaseModel):
        items: list[int]

    with pytest.raises(ValidationError) as one:
        Nested.model_validate({"items": [1, "x"]})
    assert describe_validation_error(one.value) == (
        "items.1: Input should be a valid integer, unable to parse string as an integer"
    )

    with pytest.raises(ValidationError) as whole:
        Nested.model_validate("not a dict")
    assert describe_validation_error(whole.value).startswith("record: ")


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        (None, InvalidJSON, "the message has no value (null or tombstone)"),
        (b"\xff", InvalidEncoding, "not valid UTF-8 at byte 0: invalid start byte"),
        (b"{", InvalidJSON, "not valid JSON: unexpected end of data: line 1 column 2 (char 1)"),
        (b"[1]", InvalidRecord, "expected a JSON object, got list"),
    ],
)
def test_decode_errors_word_for_word(
    data: bytes | None, error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as err:
        decode(data, RawArticle)
    assert str(err.value) == message


@pytest.mark.parametrize("release", ["1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6"])
def test_every_release_of_this_major_is_still_readable(release: str) -> None:
    from schemas.compat import RELEASES, check

    assert check(RELEASES / release) == []


def test_a_removed_field_is_an_incompatibility() -> None:
    from schemas.compat import incompatibilities

    old = {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}}
    new = {"type": "object", "properties": {"a": {"type": "string"}}}
    assert incompatibilities(old, new, "X")
    assert incompatibilities(old, old, "X") == []
