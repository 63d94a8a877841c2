"""The stage agents in-process (Faust's test_context): no broker. Sends are recorded by
replacing the topics' send with an in-memory one that returns a done future."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from schemas import CleanArticle, DeadLetter, RawArticle, decode, encode
from streams.settings import Settings
from streams.worker import build


class Recorder:
    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes | None, bytes, int | None]] = []

    def patch(self, topic: Any) -> None:
        name = topic.get_topic_name()

        async def send(
            *, key: bytes | None = None, value: bytes = b"", partition: int | None = None, **_: Any
        ) -> Any:
            self.sent.append((name, key, value, partition))
            fut = asyncio.get_running_loop().create_future()
            fut.set_result(None)
            return fut

        topic.send = send


@pytest.fixture
def clean_stage(tmp_path):  # type: ignore[no-untyped-def]
    settings = Settings(topic_prefix="agenttest.", home=tmp_path, batch_ms=10)
    app, agent = build("clean", settings, web_port=0)
    app.finalize()
    rec = Recorder()
    for topic in agent.newswire_sinks.values():
        rec.patch(topic)
    return settings, app, agent, rec


async def test_clean_agent_sends_good_and_dead_letters_bad(clean_stage, seed_text: str) -> None:  # type: ignore[no-untyped-def]
    settings, _app, agent, rec = clean_stage
    async with agent.test_context() as test_agent:
        await test_agent.put(encode(RawArticle(text=seed_text)), key=b"seed")
        await test_agent.put(b"\xff not utf-8", key=b"bad")
        for _ in range(200):  # until both are handled (or 10 s)
            if len(test_agent.results) == 2:
                break
            await asyncio.sleep(0.05)
        results = list(test_agent.results.values())
    assert len(results) == 2
    good, bad = results
    assert not good.dead and decode(good.value, CleanArticle).authors == ["Ilya Tsukanov"]
    assert bad.dead and decode(bad.value, DeadLetter).value == b"\xff not utf-8"
    # what went to Kafka: the clean record on articles.clean keyed by id, the dead letter on the dlq
    assert [(t, k) for t, k, _, _ in rec.sent] == [
        (settings.topic("clean"), good.key),
        (settings.topic("dlq"), b"bad"),
    ]
