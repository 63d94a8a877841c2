"""One small error hierarchy for the whole project.

Whether an error is worth retrying is an attribute of its class (``retriable``), never an
``except`` clause repeated at each call site:

- :class:`BadInput`: the record itself is wrong. Never retried; dead-lettered at once, with
  its original bytes.
- :class:`TemporaryError`: the world is briefly wrong (a broker away, a timeout). The whole
  batch is retried with a growing delay; after the last retry the error leaves the agent
  and the batch's offsets are not committed.
- anything else a processor raises is a bug or an input it cannot handle: the batch is
  processed record by record (:mod:`streams.routing`), and the record that still fails
  alone is dead-lettered as :class:`ProcessingFailed`, so the stage keeps running.
"""

from __future__ import annotations


class NewswireError(Exception):
    """Root of every error newswire raises on purpose."""

    retriable: bool = False
    #: short, stable, machine-readable name; it goes into DeadLetter.error_type
    error_type: str = "error"


class BadInput(NewswireError):
    """The record cannot be processed as it is; retrying will not help."""

    error_type = "bad_input"


class InvalidEncoding(BadInput):
    """The bytes are not valid UTF-8."""

    error_type = "invalid_encoding"


class InvalidJSON(BadInput):
    """The bytes are not one JSON object."""

    error_type = "invalid_json"


class InvalidRecord(BadInput):
    """The JSON does not match the record's schema (missing fields, wrong types)."""

    error_type = "invalid_record"


class EmptyText(BadInput):
    """The article has no text worth processing."""

    error_type = "empty_text"


class TooLarge(BadInput):
    """The message or its text is over the configured size limit."""

    error_type = "too_large"


class ProcessingFailed(BadInput):
    """A processor could not handle this one record (its input is odd in a way the
    schema cannot say). Dead-lettered so that the stage moves on."""

    error_type = "processing_failed"


class TemporaryError(NewswireError):
    """Something outside the record failed; the same call may succeed later."""

    retriable = True
    error_type = "temporary"
