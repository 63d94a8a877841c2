"""The pipeline in one process, with no broker: what ``newswire enrich`` runs.

Each batch goes through the chosen stages' runners (:mod:`streams.routing`), the same code
the workers run: carrying forward, trace stamps, the batch-then-one-by-one fallback and dead
letters. A stage that is left out is bypassed as its definition says. An input that cannot
be read, and a record a stage fails on, come out as :class:`~schemas.DeadLetter` records
holding the input's original bytes.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from pydantic import BaseModel

from schemas import DeadLetter, InvalidRecord, NewswireError, encode
from streams.inputs import Item
from streams.isolation import isolate
from streams.pipeline import PIPELINE, StageDef
from streams.routing import Incoming, StageRunner, bypass, dead_letter, runner


class OfflineRun:
    """The chosen stages (in pipeline order; the others bypassed) over a stream of inputs."""

    def __init__(
        self,
        settings: Any,
        chosen: Sequence[str],
        pipeline: Sequence[StageDef] = PIPELINE,
        processors: dict[str, Any] | None = None,
    ) -> None:
        known = [s.name for s in pipeline]
        unknown = [c for c in chosen if c not in known]
        if unknown or not chosen:
            raise ValueError(f"unknown stages: {unknown}; choose from {', '.join(known)}")
        if [c for c in known if c in chosen] != list(chosen):
            raise ValueError(f"stages must be given in pipeline order: {', '.join(known)}")
        last = known.index(chosen[-1])
        self.steps: list[tuple[StageDef, StageRunner | None]] = []
        self._isolated: list[Any] = []
        for s in pipeline[: last + 1]:
            if s.name in chosen:
                given = (processors or {}).get(s.name) or s.make_processor(settings)
                stage_runner = runner(s, settings, isolate(s, given, settings))
                stage_runner.processor.warm_up()  # models load before the first record is timed
                if stage_runner.processor is not given:
                    self._isolated.append(stage_runner.processor)
                self.steps.append((s, stage_runner))
            elif s.bypass is not None:
                self.steps.append((s, None))
            else:
                raise ValueError(f"the {s.name} stage cannot be left out")
        self.batch = min(
            s.offline_batch or s.batch_size(settings) for s, r in self.steps if r is not None
        )
        self.ok = 0
        self.failed = 0
        self.elapsed = 0.0

    def close(self) -> None:
        """Stop the stages' isolated workers (their zygotes end with this process anyway)."""
        for processor in self._isolated:
            processor.close()
        self._isolated = []

    def __enter__(self) -> OfflineRun:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run_batch(self, items: list[Item]) -> list[BaseModel]:
        """Output records and dead letters for a batch of inputs, in input order."""
        results: list[BaseModel | None] = [None] * len(items)
        alive: list[tuple[int, BaseModel]] = []
        for i, item in enumerate(items):
            if item.article is None:
                results[i] = dead_letter(
                    "input", self._message(item, i), InvalidRecord(item.error or "invalid")
                )
            else:
                alive.append((i, item.article))
        for s, stage_runner in self.steps:
            if not alive:
                break
            records = [r for _, r in alive]
            outs = stage_runner.apply(records) if stage_runner is not None else bypass(s, records)
            still: list[tuple[int, BaseModel]] = []
            for (i, record), out in zip(alive, outs, strict=True):
                if isinstance(out, NewswireError):
                    msg = Incoming(f"{items[i].origin}", 0, i, _key(record), encode(record))
                    results[i] = dead_letter(s.name, msg, out)
                else:
                    still.append((i, out))
            alive = still
        for i, record in alive:
            results[i] = record
        done = [r for r in results if r is not None]
        self.failed += sum(isinstance(r, DeadLetter) for r in done)
        self.ok += sum(not isinstance(r, DeadLetter) for r in done)
        return done

    def feed(self, items: Iterable[Item]) -> Iterator[BaseModel]:
        """Every input's result, batch by batch; ``elapsed`` counts from the first input."""
        started: float | None = None
        pending: list[Item] = []
        for item in items:
            if started is None:
                started = time.perf_counter()
            pending.append(item)
            if len(pending) >= self.batch:
                yield from self.run_batch(pending)
                pending = []
        if pending:
            yield from self.run_batch(pending)
        self.elapsed = time.perf_counter() - started if started is not None else 0.0

    @staticmethod
    def _message(item: Item, i: int) -> Incoming:
        return Incoming(item.origin, 0, i, None, item.raw)


def _key(record: BaseModel) -> bytes | None:
    rid = getattr(record, "id", None)
    return rid.encode("utf-8") if isinstance(rid, str) and rid else None
