"""The time budget per record: a processor in a process of its own is stopped past its
budget whatever it is doing, the record is delivered flagged partial (never dropped, never
tried again), a worker that dies is replaced, and the routing goes on with the next record.
Real processes and real signals: a toy stage whose processor loops forever, dies, or fails
on some inputs."""

from __future__ import annotations

import math
import os
import tempfile
import time
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pytest

from schemas import CleanArticle, DedupArticle, EnrichedArticle, LanguageArticle, RawArticle
from schemas.errors import EmptyText, ProcessingFailed
from streams.isolation import BATCH_SHARE, Isolated, batch_budget, isolate
from streams.pipeline import stage
from streams.processors import budget
from streams.routing import OverBudget, StageRunner, partial_record
from streams.settings import Settings
from tests.agents import test_toy_stage as toy_stage


class Toy:
    """Counts words; "loop" never returns, "die" kills its process, "" is an error, "left"
    reports the deadline it sees."""

    def __init__(self) -> None:
        self.warmed = False

    def warm_up(self) -> None:
        self.warmed = True

    def process(self, batch: list[Any]) -> list[Any]:
        out: list[Any] = []
        for a in batch:
            if a.text == "loop":
                while True:
                    pass
            if a.text == "die":
                os._exit(3)
            if a.text == "left":
                out.append({"words": int(budget.left())})
                continue
            if a.text == "warm?":
                out.append({"words": int(self.warmed)})
                continue
            words = len(a.text.split())
            out.append({"words": words} if words else EmptyText("no words"))
        return out


#: the toy stage of tests/agents, with this processor, and what it gives when cut short
TOY = replace(
    toy_stage.TOY, processor="tests.unit.test_isolation:Toy", partial=lambda a: {"words": 0}
)


def article(text: str, i: int = 0) -> LanguageArticle:
    return LanguageArticle(
        id=f"a{i}",
        text=text if text.strip() else "x",
        content_hash="0" * 64,
        language={"code": "en", "confidence": 1.0, "detector": "hint"},
    ).model_copy(update={"text": text})


@pytest.fixture
def isolated() -> Any:
    p = Isolated(TOY, Toy(), record_budget=0.5)
    p.warm_up()
    yield p
    p.close()


def test_a_record_past_its_budget_is_delivered_flagged_and_the_rest_go_on(isolated) -> None:
    runner = StageRunner(TOY, isolated, max_message_bytes=1_000_000)
    batch = [article("one two", 1), article("loop", 2), article("three four five", 3)]
    started = time.monotonic()
    out = runner.apply(batch)
    took = time.monotonic() - started
    assert [type(o).__name__ for o in out] == ["CountedArticle"] * 3
    assert [o.words for o in out] == [2, 0, 3]
    assert [o.flags for o in out] == [[], ["count_partial"], []]
    assert out[1].text == "loop" and out[1].id == "a2"  # the record itself, carried forward
    assert [t.stage for t in out[1].trace] == ["count"]
    # the batch's budget, then the looping record's own: not a second try of it
    assert took < batch_budget(0.5, 3) + 0.5 + 3.0
    assert isolated.restarts == 2  # killed in the batch, then alone
    assert runner.apply([article("six", 4)])[0].words == 1  # a fresh worker answers


def test_a_record_alone_past_its_budget_is_stopped_once(isolated) -> None:
    runner = StageRunner(TOY, isolated, max_message_bytes=1_000_000)
    started = time.monotonic()
    [out] = runner.apply([article("loop", 1)])
    assert time.monotonic() - started < 0.5 + 2.0
    assert out.flags == ["count_partial"]
    assert isolated.restarts == 1


def test_a_worker_that_dies_costs_its_record_a_dead_letter_only(isolated) -> None:
    runner = StageRunner(TOY, isolated, max_message_bytes=1_000_000)
    out = runner.apply([article("a b", 1), article("die", 2), article("c", 3)])
    assert isinstance(out[1], ProcessingFailed) and "died" in str(out[1])
    assert [o.words for o in (out[0], out[2])] == [2, 1]


def test_a_processors_own_errors_come_back_as_they_were(isolated) -> None:
    runner = StageRunner(TOY, isolated, max_message_bytes=1_000_000)
    out = runner.apply([article("   ", 1), article("ok then", 2)])
    assert isinstance(out[0], EmptyText) and str(out[0]) == "no words"
    assert out[1].words == 2
    assert isolated.restarts == 0


def test_the_worker_has_the_warm_processor_and_sees_its_deadline(isolated) -> None:
    assert isolated.process([article("warm?")]) == [{"words": 1}]
    [seen] = isolated.process([article("left")])
    assert 0 <= seen["words"] <= 0.5  # half the budget of a one-record batch, in seconds
    assert budget.exhausted() is False and math.isinf(budget.left())  # not in this process


def test_a_batch_has_a_tenth_more_budget_per_further_record() -> None:
    assert BATCH_SHARE == 0.1
    assert batch_budget(10.0, 1) == 10.0
    assert batch_budget(10.0, 11) == pytest.approx(20.0)
    assert batch_budget(10.0, 0) == 10.0


def test_isolation_follows_the_stage_and_the_setting() -> None:
    toy = Toy()
    assert isinstance(isolate(TOY, toy, Settings(record_budget_seconds=5)), Isolated)
    assert isolate(TOY, toy, Settings(record_budget_seconds=0)) is toy
    assert isolate(stage("dedup"), toy, Settings(record_budget_seconds=5)) is toy
    with pytest.raises(ValueError, match="positive"):
        Isolated(TOY, toy, 0)
    with pytest.raises(RuntimeError, match="warm_up"):
        Isolated(TOY, toy, 1.0).process([article("a")])


def test_a_stopped_record_gets_what_its_stage_gives_when_cut_short() -> None:
    from datetime import UTC, datetime

    from schemas import TraceStamp

    stamp = TraceStamp(stage="x", version="0", at=datetime.now(UTC), ms=1.0)
    raw = RawArticle(id="r", text="Body as given.")
    clean = partial_record(stage("clean"), raw, stamp)
    assert isinstance(clean, CleanArticle)
    assert clean.text == "Body as given." and clean.flags == ["clean_partial"]
    lang = partial_record(stage("language"), clean, stamp)
    assert lang.language.detector == "hint" and lang.flags == ["clean_partial", "language_partial"]
    dedup = DedupArticle(**{**lang.model_dump(), "story_id": "r"})
    enriched = partial_record(stage("entities"), dedup, stamp)
    assert isinstance(enriched, EnrichedArticle)
    assert enriched.entities == [] and enriched.quotes is None and enriched.focus is None
    assert enriched.ner_model == "none:over-budget"
    assert enriched.flags == ["clean_partial", "language_partial", "entities_partial"]
    again = partial_record(stage("entities"), enriched, stamp)  # a flag is said once
    assert again.flags == enriched.flags


def test_over_budget_is_its_own_error() -> None:
    assert not issubclass(OverBudget, ProcessingFailed)


def test_without_its_zygote_the_stage_goes_on_in_its_own_process(isolated) -> None:
    """Failing open: if no worker can be had any more, records are still processed."""
    assert isolated.process([article("a b")]) == [{"words": 2}]
    os.kill(isolated.zygote_pid, 9)
    time.sleep(0.2)
    isolated._kill()  # the current worker gone too: the next call needs a new one
    assert isolated.process([article("a b c")]) == [{"words": 3}]
    assert isolated.in_process
    assert isolated.process([article("warm?")]) == [{"words": 1}]  # the warm processor here


def test_closing_ends_the_zygote_and_removes_the_socket() -> None:
    p = Isolated(TOY, Toy(), record_budget=1.0)
    p.close()  # nothing started: nothing to stop
    before = set(os.listdir(tempfile.gettempdir()))
    p.warm_up()
    pid, server = p.zygote_pid, p._server
    assert pid is not None and server is not None
    # an abstract socket: nothing in the file system for a killed stage to leave behind
    assert server.getsockname().startswith(b"\0newswire-count-")
    assert set(os.listdir(tempfile.gettempdir())) - before == set()
    p.warm_up()  # once only
    assert p.zygote_pid == pid
    p.close()
    assert (p.zygote_pid, p._dir, p._control, p._server) == (None, None, None, None)
    time.sleep(0.2)
    assert not alive(pid)
    p.close()  # twice is fine


def alive(pid: int) -> bool:
    """Running, not a zombie left for an init that does not reap."""
    try:
        status = open(f"/proc/{pid}/status").read()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def test_the_errors_say_what_happened(isolated) -> None:
    with pytest.raises(OverBudget, match=r"^1 records took more than 0\.5s$"):
        isolated.process([article("loop")])
    with pytest.raises(
        ProcessingFailed, match=r"^the count worker died on this input \(EOFError\)$"
    ):
        isolated.process([article("die")])
    with pytest.raises(RuntimeError, match=r"^count: warm_up\(\) was not called$"):
        Isolated(TOY, Toy(), 1.0)._spawn()


def test_a_budget_under_a_second_still_isolates() -> None:
    assert isinstance(isolate(TOY, Toy(), Settings(record_budget_seconds=0.5)), Isolated)
    assert isolate(TOY, Toy(), SimpleNamespace()).__class__ is Toy  # no setting: no budget
