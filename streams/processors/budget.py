"""The time a processor has left for the record in hand: a cooperative deadline.

The isolation layer (:mod:`streams.isolation`) gives each call a budget and kills a process
that overruns it, whatever the code inside is doing; a processor that does its work in steps
reads :func:`exhausted` between them and, past the soft share of the budget, delivers what it
has finished (and says so in ``flags``) rather than being killed with nothing. Outside an
isolated worker no deadline is set and :func:`exhausted` is always False. This is the one
place a processor reads the clock."""

from __future__ import annotations

import math
import time

_deadline = math.inf
_per_record = math.inf


def start(seconds: float, per_record: float = math.inf) -> None:
    """From now, ``seconds`` for the batch in hand, and ``per_record`` for each record from
    when the processor turns to it (:func:`begin_record`; inf: no deadline)."""
    global _deadline, _per_record
    _deadline = time.monotonic() + seconds
    _per_record = per_record


def begin_record() -> None:
    """The processor turns to its next record: that record's own time starts now, so that a
    record after a slow one in the same batch is not cut short for the other's sake (the
    batch as a whole is bounded by the process that runs it)."""
    global _deadline
    if not math.isinf(_per_record):
        _deadline = time.monotonic() + _per_record


def clear() -> None:
    """No deadline."""
    global _deadline, _per_record
    _deadline = _per_record = math.inf


def left() -> float:
    """Seconds until the deadline (inf without one)."""
    return _deadline - time.monotonic()


def exhausted() -> bool:
    """Whether the deadline has passed: finish what is in hand, start nothing more."""
    return left() <= 0.0
