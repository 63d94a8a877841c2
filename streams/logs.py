"""Logging for workers and the CLI: text for people, or one JSON object a line for log
pipelines (``NEWSWIRE_LOG_FORMAT=json``), at the level from settings (``NEWSWIRE_LOG_LEVEL``).

A JSON line has ``ts`` (UTC, ISO 8601 with milliseconds), ``level``, ``logger``, ``message``,
and, where the code that logs knows them, ``stage``, ``article_id``, ``topic``, ``partition``,
``offset`` and ``trace_id`` (the W3C trace id from the record's headers), and ``exc`` with the
traceback of an exception."""

from __future__ import annotations

import logging
import logging.config
from datetime import UTC, datetime
from typing import Any

import orjson

#: the context fields a log call may pass with ``extra=``, in the order they are written
CONTEXT = ("stage", "article_id", "topic", "partition", "offset", "trace_id")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object a line."""

    def __init__(self, stage: str | None = None) -> None:
        super().__init__()
        self.stage = stage

    def format(self, record: logging.LogRecord) -> str:
        obj: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in CONTEXT:
            value = getattr(record, name, None)
            if value is None and name == "stage":
                value = self.stage
            if value is not None:
                obj[name] = value
        if record.exc_info:
            obj["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(obj, default=str).decode()


def level_of(name: str) -> int:
    """A level name as the CLI and Faust spell them (crit, warn, …) or as logging does."""
    aliases = {"crit": "CRITICAL", "warn": "WARNING", "fatal": "CRITICAL"}
    value = logging.getLevelName(aliases.get(name.lower(), name.upper()))
    if not isinstance(value, int):
        raise ValueError(f"unknown log level {name!r}")
    return value


def dict_config(fmt: str, level: str, stage: str | None = None) -> dict[str, Any]:
    """The logging.config dictionary for a format ("text" or "json") and a level: one handler
    on stderr for the root logger (Faust's workers take it as their logging_config)."""
    formatter: dict[str, Any] = (
        {"()": JsonFormatter, "stage": stage} if fmt == "json" else {"format": TEXT_FORMAT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"newswire": formatter},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "newswire",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": level_of(level), "handlers": ["stderr"]},
    }


def configure(fmt: str, level: str, stage: str | None = None) -> dict[str, Any]:
    """Apply the configuration now (and return it, for Faust's worker to apply again)."""
    config = dict_config(fmt, level, stage)
    logging.config.dictConfig(config)
    return config
