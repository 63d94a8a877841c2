"""route_with_retries: a batch that meets temporary trouble is tried again with a growing,
capped delay, a fixed number of times; anything else is raised at once. The runner is a
stand-in that fails as told; the delays are recorded instead of slept."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from schemas.errors import EmptyText, TemporaryError
from streams.agents import base
from streams.agents.base import MAX_TEMPORARY_RETRIES, route_with_retries
from streams.pipeline import stage


class FlakyRunner:
    """Fails with the given errors, one per call, then returns the messages it was given."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0
        self.stage = stage("clean")

    def route(self, messages: list[Any]) -> list[Any]:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return [("routed", m) for m in messages]


@pytest.fixture
def delays(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    slept: list[float] = []

    async def no_sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(base.asyncio, "sleep", no_sleep)
    return slept


def test_no_trouble_one_call_no_delay(delays: list[float]) -> None:
    runner = FlakyRunner()
    assert asyncio.run(route_with_retries(runner, ["a", "b"])) == [("routed", "a"), ("routed", "b")]  # type: ignore[arg-type]
    assert runner.calls == 1 and delays == []


def test_temporary_errors_retried_with_doubling_delay(delays: list[float]) -> None:
    runner = FlakyRunner(TemporaryError("broker away"), TemporaryError("again"))
    assert asyncio.run(route_with_retries(runner, ["a"])) == [("routed", "a")]  # type: ignore[arg-type]
    assert runner.calls == 3
    assert delays == [0.5, 1.0]


def test_delay_starts_where_told_and_is_capped_at_ten_seconds(delays: list[float]) -> None:
    runner = FlakyRunner(*(TemporaryError("away") for _ in range(4)))
    asyncio.run(route_with_retries(runner, ["a"], first_delay=4.0))  # type: ignore[arg-type]
    assert delays == [4.0, 8.0, 10.0, 10.0]


def test_the_last_attempt_raises(delays: list[float]) -> None:
    runner = FlakyRunner(*(TemporaryError(f"away {i}") for i in range(MAX_TEMPORARY_RETRIES)))
    with pytest.raises(TemporaryError, match="away 4"):
        asyncio.run(route_with_retries(runner, ["a"]))  # type: ignore[arg-type]
    assert runner.calls == 5  # five attempts in all
    assert delays == [0.5, 1.0, 2.0, 4.0]


def test_four_temporary_errors_then_success(delays: list[float]) -> None:
    runner = FlakyRunner(*(TemporaryError("away") for _ in range(MAX_TEMPORARY_RETRIES - 1)))
    assert asyncio.run(route_with_retries(runner, ["a"])) == [("routed", "a")]  # type: ignore[arg-type]
    assert runner.calls == MAX_TEMPORARY_RETRIES
    assert delays == [0.5, 1.0, 2.0, 4.0]


def test_permanent_error_raised_at_once(delays: list[float]) -> None:
    runner = FlakyRunner(EmptyText("nothing"), TemporaryError("never reached"))
    with pytest.raises(EmptyText):
        asyncio.run(route_with_retries(runner, ["a"]))  # type: ignore[arg-type]
    assert runner.calls == 1 and delays == []


def test_other_exceptions_are_not_retried(delays: list[float]) -> None:
    runner = FlakyRunner(RuntimeError("bug"))
    with pytest.raises(RuntimeError):
        asyncio.run(route_with_retries(runner, ["a"]))  # type: ignore[arg-type]
    assert runner.calls == 1 and delays == []
