"""The cooperative deadline a processor reads: none by default, a batch's from start(), and
a record's own from begin_record() when a per-record allowance is set."""

from __future__ import annotations

import math
import time

import pytest

from streams.processors import budget


@pytest.fixture(autouse=True)
def _clean() -> None:
    budget.clear()
    yield
    budget.clear()


def test_without_a_deadline_there_is_always_time() -> None:
    assert math.isinf(budget.left()) and budget.left() > 0
    assert budget.exhausted() is False
    budget.begin_record()  # no per-record allowance: still none
    assert budget.exhausted() is False


def test_a_batch_deadline_passes() -> None:
    budget.start(0.05)
    assert 0 < budget.left() <= 0.05 and not budget.exhausted()
    time.sleep(0.06)
    assert budget.exhausted() and budget.left() <= 0
    budget.begin_record()  # no per-record allowance: the batch's deadline stands
    assert budget.exhausted()


def test_each_record_gets_its_own_time_from_when_it_starts() -> None:
    budget.start(0.0, per_record=0.2)
    assert budget.exhausted()  # the batch's own deadline is spent at once
    budget.begin_record()
    assert not budget.exhausted() and 0.1 < budget.left() <= 0.2
    budget.start(10.0, per_record=0.0)
    budget.begin_record()
    assert budget.exhausted()


def test_a_deadline_is_exactly_reached_at_zero() -> None:
    budget.start(-1.0)
    assert budget.exhausted()
    budget.clear()
    assert not budget.exhausted() and math.isinf(budget.left())
