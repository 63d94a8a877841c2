"""JSON logs: one object a line with the context fields, the level from settings."""

from __future__ import annotations

import io
import logging
import logging.config

import orjson
import pytest
from pydantic import ValidationError

from streams import logs
from streams.settings import Settings


def _capture(fmt: str, level: str, stage: str | None = None) -> tuple[logging.Logger, io.StringIO]:
    config = logs.dict_config(fmt, level, stage)
    stream = io.StringIO()
    config["handlers"]["stderr"]["stream"] = stream
    logging.config.dictConfig(config)
    return logging.getLogger("newswire.test"), stream


def test_a_json_line_carries_the_context_it_was_given() -> None:
    log, stream = _capture("json", "info", stage="clean")
    log.info(
        "sent %s",
        "record",
        extra={"article_id": "a1", "partition": 2, "offset": 40, "trace_id": "t" * 32},
    )
    line = orjson.loads(stream.getvalue().splitlines()[-1])
    assert line["message"] == "sent record" and line["level"] == "INFO"
    assert line["logger"] == "newswire.test" and line["stage"] == "clean"
    assert (line["article_id"], line["partition"], line["offset"]) == ("a1", 2, 40)
    assert line["trace_id"] == "t" * 32 and line["ts"].endswith("+00:00")
    assert "topic" not in line  # not given: not written as null


def test_an_exception_is_one_line_with_its_traceback() -> None:
    log, stream = _capture("json", "info")
    try:
        raise ValueError("boom")
    except ValueError:
        log.exception("failed", extra={"stage": "entities"})
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    line = orjson.loads(lines[0])
    assert line["stage"] == "entities" and "ValueError: boom" in line["exc"]


def test_the_level_filters_and_text_stays_text() -> None:
    log, stream = _capture("text", "warn")
    log.info("hidden")
    log.warning("shown")
    text = stream.getvalue()
    assert "hidden" not in text and "WARNING newswire.test: shown" in text
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(text)


def test_levels_as_the_cli_spells_them() -> None:
    assert logs.level_of("crit") == logging.CRITICAL and logs.level_of("DEBUG") == logging.DEBUG
    with pytest.raises(ValueError):
        logs.level_of("loud")
    assert Settings(log_level="WARN").log_level == "warn"
    with pytest.raises(ValidationError):
        Settings(log_level="loud")
    with pytest.raises(ValidationError):
        Settings(log_format="xml")  # type: ignore[arg-type]


def teardown_module() -> None:
    logs.configure("text", "warn")
