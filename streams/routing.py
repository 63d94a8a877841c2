"""The routing every stage shares, with no Kafka in it: the Faust agents
(:mod:`streams.agents.base`) and ``newswire enrich`` both call it.

For a batch it decodes each message (dead-lettering bad bytes and messages over the size
limit), hands the records to the stage's processor, and builds each output record: the
upstream fields carried forward, the processor's additions on top, and the stage's trace
stamp (version, time, milliseconds). A processor returns, per record, a dict of what it adds
or the :class:`~schemas.errors.NewswireError` that record fails with.

Errors, once for every stage:

- a record's own :class:`~schemas.errors.BadInput` (returned or raised) dead-letters that
  record alone;
- a :class:`~schemas.errors.TemporaryError` anywhere, also while a failed batch is retried
  record by record, propagates: the caller retries the whole batch later;
- any other exception from a batch call makes the stage process the batch record by record,
  so that one bad record costs only itself; a record that still fails alone is dead-lettered
  as ``processing_failed``;
- :class:`OverBudget` (an isolated processor ran past its time budget, see
  :mod:`streams.isolation`) does the same for a batch; a record that overruns alone is
  delivered with what the stage gives when cut short (:meth:`StageDef.partial_additions`)
  and ``<stage>_partial`` in its ``flags``: never dropped, never retried into the same wall.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ValidationError

from schemas import DeadLetter, NewswireError, TooLarge, TraceStamp, decode, encode
from schemas.errors import ProcessingFailed
from schemas.wire import describe_validation_error
from streams import __version__, tracing
from streams.ops import metrics
from streams.pipeline import Processor, StageDef

log = logging.getLogger("newswire.routing")


@dataclass(frozen=True)
class Incoming:
    """What a stage needs of a Kafka message."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...] = ()
    timestamp_ms: int | None = None  # the record's Kafka timestamp


@dataclass(frozen=True)
class Outgoing:
    """A record to send: to the stage's sink, or (dead) to the dead-letter topic, with its
    headers (the trace context, :mod:`streams.tracing`)."""

    dead: bool
    key: bytes | None
    value: bytes
    partition: int
    record: BaseModel
    headers: tuple[tuple[str, bytes], ...] = ()


def dead_letter(
    stage: str, msg: Incoming, exc: BaseException, now: datetime | None = None
) -> DeadLetter:
    """The dead letter for a message: where it came from, its original bytes, and why."""
    error_type = exc.error_type if isinstance(exc, NewswireError) else type(exc).__name__
    return DeadLetter(
        stage=stage,
        error_type=error_type,
        error=str(exc) or type(exc).__name__,
        topic=msg.topic,
        partition=msg.partition,
        offset=msg.offset,
        key=msg.key,
        value=msg.value,
        failed_at=now or datetime.now(UTC),
    )


@lru_cache(maxsize=64)
def _carried(input_model: type[BaseModel], output_model: type[BaseModel]) -> tuple[str, ...]:
    """The fields an output record takes over from its input record (its own trace and
    schema version aside), worked out once per pair of models rather than per record."""
    return tuple(
        name
        for name in output_model.model_fields
        if name not in ("trace", "schema_version") and name in input_model.model_fields
    )


def carry(
    output_model: type[BaseModel], record: BaseModel, additions: dict[str, Any], stamp: TraceStamp
) -> BaseModel:
    """The output record: the input's fields that the output has (its own trace and schema
    version aside), the stage's additions over them, and the trace with the stage's stamp.

    Fields are passed as they are (no dump and re-validation of nested records); the output
    model validates the whole."""
    fields = {name: getattr(record, name) for name in _carried(type(record), output_model)}
    fields.update(additions)
    fields["trace"] = [*getattr(record, "trace", ()), stamp]
    return output_model(**fields)


class OverBudget(Exception):
    """The processor ran past its time budget on a batch (and was stopped)."""


def partial_record(
    stage: StageDef, record: BaseModel, stamp: TraceStamp
) -> BaseModel | NewswireError:
    """The record a stage delivers for an input it was stopped on: its partial additions, and
    its flag added to the record's ``flags``."""
    additions = stage.partial_additions(record)
    flags = list(getattr(record, "flags", None) or ())
    flag = f"{stage.name}_partial"
    additions["flags"] = [*flags, flag] if flag not in flags else flags
    try:
        return carry(stage.output_model, record, additions, stamp)
    except ValidationError as exc:
        return ProcessingFailed(describe_validation_error(exc))


class StageRunner:
    """One stage's processor behind the shared routing."""

    def __init__(
        self,
        stage: StageDef,
        processor: Processor,
        *,
        max_message_bytes: int,
        observe: Callable[[str, int, float], None] | None = None,
        clock: Callable[[], float] = time.perf_counter,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.stage = stage
        self.processor = processor
        self.max_message_bytes = max_message_bytes
        self._observe = observe or _observe_metrics
        self._clock = clock
        self._now = now

    # --- records in, records (or errors) out -----------------------------------------------
    def _call(self, batch: list[BaseModel]) -> list[BaseModel | NewswireError]:
        """One processor call, timed, its results made into output records or errors."""
        started = self._clock()
        results = self.processor.process(batch)
        elapsed = self._clock() - started
        if len(results) != len(batch):
            raise RuntimeError(
                f"{self.stage.name}: the processor returned {len(results)} results "
                f"for {len(batch)} records"
            )
        self._observe(self.stage.name, len(batch), elapsed)
        stamp = TraceStamp(
            stage=self.stage.name,
            version=__version__,
            at=self._now(),
            ms=round(elapsed * 1000 / max(len(batch), 1), 3),
        )
        out: list[BaseModel | NewswireError] = []
        for record, result in zip(batch, results, strict=True):
            if isinstance(result, NewswireError):
                if result.retriable:
                    raise result
                out.append(result)
                continue
            if not isinstance(result, dict):
                raise TypeError(
                    f"{self.stage.name}: a processor returns dicts of additions or "
                    f"errors, not {type(result).__name__}"
                )
            try:
                out.append(carry(self.stage.output_model, record, result, stamp))
            except ValidationError as exc:
                out.append(
                    ProcessingFailed(
                        f"{self.stage.output_model.__name__}: {describe_validation_error(exc)}"
                    )
                )
        return out

    def apply(self, batch: Sequence[BaseModel]) -> list[BaseModel | NewswireError]:
        """Output records for decoded input records: each an output record or the error that
        record is dead-lettered with. A TemporaryError propagates (retry the batch later)."""
        records = list(batch)
        if not records:
            return []
        try:
            return self._call(records)
        except NewswireError as exc:
            if exc.retriable:
                raise
        except OverBudget:
            if len(records) == 1:  # the record alone overran: not again
                return [self._partial(records[0], OverBudget("alone"))]
            log.warning(
                "batch of %d over its time budget in %s; processing it record by record",
                len(records),
                self.stage.name,
            )
        except Exception:
            log.warning(
                "batch of %d failed in %s; processing it record by record",
                len(records),
                self.stage.name,
                exc_info=True,
            )
        return [self._one(record) for record in records]

    def _one(self, record: BaseModel) -> BaseModel | NewswireError:
        started = self._clock()
        try:
            return self._call([record])[0]
        except NewswireError as exc:
            if exc.retriable:
                raise
            return exc
        except OverBudget as exc:
            return self._partial(record, exc, self._clock() - started)
        except Exception as exc:
            log.error(
                "%s failed on record %s", self.stage.name, getattr(record, "id", "?"), exc_info=True
            )
            return ProcessingFailed(f"{type(exc).__name__}: {exc}")

    def _partial(
        self, record: BaseModel, exc: OverBudget, elapsed: float = 0.0
    ) -> BaseModel | NewswireError:
        log.warning(
            "%s: record %s over its time budget (%s); delivered flagged partial",
            self.stage.name,
            getattr(record, "id", "?"),
            exc,
        )
        metrics.PARTIAL.labels(self.stage.name).inc()
        stamp = TraceStamp(
            stage=self.stage.name, version=__version__, at=self._now(), ms=round(elapsed * 1000, 3)
        )
        return partial_record(self.stage, record, stamp)

    # --- messages in, messages out -----------------------------------------------------------
    def route(self, messages: Sequence[Incoming]) -> list[Outgoing]:
        """Decode, process and encode a batch: one Outgoing per message, in order. No I/O."""
        out: dict[int, Outgoing] = {}
        decoded: list[tuple[int, Incoming, BaseModel]] = []
        for i, msg in enumerate(messages):
            try:
                if msg.value is not None and len(msg.value) > self.max_message_bytes:
                    raise TooLarge(
                        f"the message has {len(msg.value):,} bytes, over the limit of "
                        f"{self.max_message_bytes:,}"
                    )
                decoded.append((i, msg, decode(msg.value, self.stage.input_model)))
            except NewswireError as exc:
                out[i] = self._dead(msg, exc)
        results = self.apply([rec for _, _, rec in decoded])
        for (i, msg, _), result in zip(decoded, results, strict=True):
            if isinstance(result, NewswireError):
                out[i] = self._dead(msg, result)
            else:
                rid = getattr(result, "id", None)
                key = rid.encode("utf-8") if isinstance(rid, str) and rid else msg.key
                out[i] = Outgoing(
                    False,
                    key,
                    encode(result),
                    msg.partition,
                    result,
                    tracing.child_headers(msg.headers, msg.timestamp_ms),
                )
        return [out[i] for i in range(len(messages))]

    def _dead(self, msg: Incoming, exc: BaseException) -> Outgoing:
        letter = dead_letter(self.stage.name, msg, exc, self._now())
        # the source's partition number: a replay's copy lands where the first one did
        headers = tracing.child_headers(msg.headers, msg.timestamp_ms)
        return Outgoing(True, msg.key, encode(letter), msg.partition, letter, headers)


def _observe_metrics(stage: str, records: int, seconds: float) -> None:
    metrics.BATCH_SIZE.labels(stage).observe(records)
    per_record = seconds / max(records, 1)
    histogram = metrics.RECORD_SECONDS.labels(stage)
    for _ in range(records):
        histogram.observe(per_record)


def runner(
    stage: StageDef, settings: Any, processor: Processor | None = None, **kwargs: Any
) -> StageRunner:
    """The stage's runner with its processor made from settings (or the one given)."""
    return StageRunner(
        stage,
        processor or stage.make_processor(settings),
        max_message_bytes=stage.max_message_bytes(settings),
        **kwargs,
    )


def bypass(stage: StageDef, records: Sequence[BaseModel]) -> list[BaseModel | NewswireError]:
    """What a left-out stage passes on: its bypass additions carried like a real result."""
    if stage.bypass is None:
        raise ValueError(f"the {stage.name} stage cannot be left out")
    fn = stage.bypass
    stamp = TraceStamp(
        stage=f"{stage.name}:bypass", version=__version__, at=datetime.now(UTC), ms=0.0
    )
    out: list[BaseModel | NewswireError] = []
    for record in records:
        try:
            out.append(carry(stage.output_model, record, fn(record), stamp))
        except ValidationError as exc:
            out.append(ProcessingFailed(describe_validation_error(exc)))
    return out


def process(stage_name: str, records: Sequence[BaseModel], settings: Any = None) -> list[BaseModel]:
    """Run one stage in this process on decoded records and return its output records; the
    first record that would be dead-lettered raises its error. For notebooks and tests."""
    from streams.pipeline import stage
    from streams.settings import get_settings

    results = runner(stage(stage_name), settings or get_settings()).apply(records)
    for result in results:
        if isinstance(result, NewswireError):
            raise result
    return [r for r in results if isinstance(r, BaseModel)]
