"""``read_to``: a bounded read stops at its bound, and what a poll brings past the bound is
left for the next read (the dedup workers read another worker's signatures this way)."""

from __future__ import annotations

from types import SimpleNamespace

from kafka import TopicPartition

from streams.client import read_to

T0, T1 = TopicPartition("t", 0), TopicPartition("t", 1)


class Log:
    """A stand-in consumer over per-partition lists of offsets; each poll hands out up to
    `fetch` records per partition from its position, as a fetch that ran ahead would."""

    def __init__(self, records: dict[TopicPartition, int], fetch: int = 3) -> None:
        self.size = dict(records)
        self.at = {tp: 0 for tp in records}
        self.fetch = fetch

    def position(self, tp: TopicPartition) -> int:
        return self.at[tp]

    def seek(self, tp: TopicPartition, offset: int) -> None:
        self.at[tp] = offset

    def poll(self, timeout_ms: int = 0) -> dict[TopicPartition, list[SimpleNamespace]]:
        out = {}
        for tp, n in self.size.items():
            got = [
                SimpleNamespace(offset=o)
                for o in range(self.at[tp], min(n, self.at[tp] + self.fetch))
            ]
            if got:
                out[tp] = got
                self.at[tp] = got[-1].offset + 1
        return out


def offsets(records: list[SimpleNamespace]) -> list[int]:
    return [r.offset for r in records]


def test_a_read_stops_at_its_bound_and_the_next_one_starts_there() -> None:
    log = Log({T0: 10}, fetch=3)
    assert offsets(list(read_to(log, {T0: 4}))) == [0, 1, 2, 3]
    assert log.position(T0) == 4  # the poll fetched 4 and 5: put back
    assert offsets(list(read_to(log, {T0: 10}))) == list(range(4, 10))
    assert log.position(T0) == 10


def test_each_partition_is_read_to_its_own_bound() -> None:
    log = Log({T0: 8, T1: 8}, fetch=5)
    got = list(read_to(log, {T0: 2, T1: 7}))
    assert sorted(offsets(got)) == [0, 0, 1, 1, 2, 3, 4, 5, 6]
    assert (log.position(T0), log.position(T1)) == (2, 7)


def test_a_read_already_at_its_bound_polls_nothing() -> None:
    log = Log({T0: 5})
    log.seek(T0, 5)
    assert list(read_to(log, {T0: 5})) == []
    assert log.position(T0) == 5


def test_a_partition_without_a_bound_is_not_moved() -> None:
    log = Log({T0: 6, T1: 6}, fetch=4)
    assert offsets(list(read_to(log, {T0: 3}))) == [0, 1, 2]
    assert log.position(T1) == 4  # polled alongside, not this read's to rewind
