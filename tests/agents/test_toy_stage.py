"""A fourth stage is one record model, one processor and one entry: a toy stage declared
here runs through the same wiring as the real ones (the Faust agent in-process, the offline
runner, topics and record lists), with no edit anywhere else."""

from __future__ import annotations

import asyncio
from typing import Any

from schemas import DeadLetter, LanguageArticle, RawArticle, decode, encode
from schemas.errors import EmptyText
from streams.inputs import Item
from streams.offline import OfflineRun
from streams.pipeline import PIPELINE, StageDef, check, models_by_state, stage, states
from streams.settings import Settings
from streams.topics import all_topics, stage_topics
from streams.worker import build
from tests.agents.test_agents import Recorder


class CountedArticle(LanguageArticle):
    """A language record and the number of its words."""

    words: int


class WordCounter:
    """The toy processor: pure, adds one field, fails on a text with no words."""

    def warm_up(self) -> None:
        pass

    def process(self, batch: list[LanguageArticle]) -> list[Any]:
        return [
            {"words": len(a.text.split())} if a.text.split() else EmptyText("no words")
            for a in batch
        ]


def make_counter(settings: Any) -> WordCounter:
    return WordCounter()


TOY = StageDef(
    name="count",
    consumes="lang",
    produces="counted",
    input_model=LanguageArticle,
    output_model=CountedArticle,
    processor="tests.agents.test_toy_stage:make_counter",
    web_port=6099,
    loads="nothing",
    summary="Articles with their word count.",
)
TOY_PIPELINE = (stage("clean"), stage("language"), TOY)


def test_the_toy_pipeline_is_a_valid_chain_and_derives_its_topics() -> None:
    check(TOY_PIPELINE)
    settings = Settings(topic_prefix="toy.")
    assert states(TOY_PIPELINE) == ("raw", "clean", "lang", "counted", "dlq")
    assert models_by_state(TOY_PIPELINE)["counted"] is CountedArticle
    assert stage_topics(settings, "count", TOY_PIPELINE).sink == "toy.articles.counted"
    assert "toy.articles.counted" in all_topics(settings, TOY_PIPELINE)
    assert "counted" not in states(PIPELINE)  # declaring it changed nothing for the real one


def test_toy_stage_runs_offline_through_the_real_stages_before_it() -> None:
    run = OfflineRun(Settings(), ["clean", "language", "count"], TOY_PIPELINE)
    text = "The council approved the new budget for the city's schools on Tuesday evening."
    out = run.run_batch([Item("a.txt", RawArticle(text=text), None, text.encode())])
    rec = out[0]
    assert isinstance(rec, CountedArticle)
    assert rec.words == 13 and rec.language.code == "en" and rec.text == text
    assert [t.stage for t in rec.trace] == ["clean", "language", "count"]


async def test_toy_stage_runs_as_a_faust_agent(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(topic_prefix="toytest.", home=tmp_path, batch_ms=10)
    app, agent = build("count", settings, web_port=0, pipeline=TOY_PIPELINE)
    app.finalize()
    rec = Recorder()
    for topic in agent.newswire_sinks.values():
        rec.patch(topic)
    good = LanguageArticle.model_validate(
        {
            "id": "g",
            "text": "one two three",
            "content_hash": "h",
            "language": {"code": "en", "confidence": 1.0, "detector": "t"},
        }
    )
    empty = good.model_copy(update={"id": "e", "text": "   "})
    async with agent.test_context() as test_agent:
        await test_agent.put(encode(good), key=b"g")
        await test_agent.put(encode(empty), key=b"e")
        for _ in range(100):
            if len(rec.sent) == 2:
                break
            await asyncio.sleep(0.05)
    assert len(rec.sent) == 2
    (t1, k1, v1, _), (t2, k2, v2, _) = rec.sent
    assert (t1, k1) == ("toytest.articles.counted", b"g") and decode(v1, CountedArticle).words == 3
    assert decode(v1, CountedArticle).trace[-1].stage == "count"
    assert (t2, k2) == ("toytest.articles.dlq", b"e") and decode(
        v2, DeadLetter
    ).error_type == "empty_text"
