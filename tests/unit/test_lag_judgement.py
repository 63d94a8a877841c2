"""Lag judgement as a pure function over synthetic offset histories, and the exit codes."""

from __future__ import annotations

import pytest

from streams.ops.lag import Snapshot, StageLag, exit_code, judge, judge_window, partition_lags


def snap(
    committed: dict[int, int | None], ends: dict[int, int], members: int, at: float
) -> Snapshot:
    return Snapshot(committed, ends, members, at)


def test_idle_partitions_caught_up_are_ok() -> None:
    before = snap({0: 10, 1: None}, {0: 10, 1: 0}, 1, 0.0)
    now = snap({0: 10, 1: None}, {0: 10, 1: 0}, 1, 5.0)
    v = judge(before, now)
    assert (v.status, v.lag, v.rate, v.partitions) == ("OK", 0, 0.0, {0: 0, 1: 0})


def test_idle_and_caught_up_without_members_is_still_ok() -> None:
    assert judge(snap({0: 4}, {0: 4}, 0, 0.0), snap({0: 4}, {0: 4}, 0, 5.0)).status == "OK"


def test_one_record_behind_with_no_consumer_is_stopped() -> None:
    v = judge(snap({0: 9}, {0: 10}, 0, 0.0), snap({0: 9}, {0: 10}, 0, 5.0))
    assert (v.status, v.lag) == ("STOPPED", 1)


def test_nothing_committed_counts_the_whole_partition() -> None:
    assert partition_lags(snap({0: None, 1: 3}, {0: 7, 1: 3}, 1, 0.0)) == {0: 7, 1: 0}
    assert judge(snap({0: None}, {0: 7}, 0, 0.0), snap({0: None}, {0: 7}, 0, 1.0)).lag == 7


def test_members_but_no_progress_is_stalled() -> None:
    v = judge(snap({0: 5}, {0: 50}, 2, 0.0), snap({0: 5}, {0: 60}, 2, 10.0))
    assert (v.status, v.lag, v.rate) == ("STALLED", 55, 0.0)


def test_a_steady_backlog_being_worked_through_is_ok_not_warn() -> None:
    # 100 behind before and after: the group commits as fast as records arrive
    v = judge(snap({0: 100}, {0: 200}, 1, 0.0), snap({0: 150}, {0: 250}, 1, 10.0))
    assert (v.status, v.lag, v.rate) == ("OK", 100, 5.0)


def test_a_shrinking_backlog_is_ok() -> None:
    assert judge(snap({0: 100}, {0: 200}, 1, 0.0), snap({0: 190}, {0: 210}, 1, 10.0)).status == "OK"


def test_a_growing_backlog_while_consuming_is_warn() -> None:
    v = judge(snap({0: 100}, {0: 200}, 1, 0.0), snap({0: 110}, {0: 260}, 1, 10.0))
    assert (v.status, v.lag, v.rate) == ("WARN", 150, 1.0)


def test_growth_by_one_record_is_warn() -> None:
    assert judge(snap({0: 0}, {0: 10}, 1, 0.0), snap({0: 1}, {0: 12}, 1, 1.0)).status == "WARN"


def test_a_rewound_group_is_not_called_stalled_or_ok() -> None:
    # offsets reset backwards (a replay): the committed offset moved, the lag grew
    v = judge(snap({0: 100}, {0: 100}, 1, 0.0), snap({0: 20}, {0: 100}, 1, 10.0))
    assert (v.status, v.lag, v.rate) == ("WARN", 80, -8.0)


def test_a_single_snapshot_cannot_say_stalled_or_warn() -> None:
    one = snap({0: 0}, {0: 10}, 1, 3.0)
    assert judge(one, one).status == "OK"


def test_partitions_sum_and_never_go_below_zero() -> None:
    # a committed offset past the end (a truncated topic) is zero lag, not negative
    v = judge(
        snap({0: 3, 1: 12}, {0: 5, 1: 10}, 1, 0.0), snap({0: 4, 1: 12}, {0: 5, 1: 10}, 1, 2.0)
    )
    assert v.partitions == {0: 1, 1: 0} and v.lag == 1 and v.rate == 0.5


def _row(status: str, lag: int = 0, seconds: float = 0.0) -> StageLag:
    return StageLag("s", "g", "t", lag, seconds, 0.0, 1, status)


@pytest.mark.parametrize(
    ("statuses", "code"),
    [
        ((), 0),
        (("OK",), 0),
        (("OK", "WARN"), 1),
        (("WARN", "STALLED"), 2),
        (("STOPPED",), 2),
        (("ERROR", "OK"), 2),
        (("UNKNOWN",), 2),
    ],
)
def test_exit_code_is_the_worst_status(statuses: tuple[str, ...], code: int) -> None:
    assert exit_code([_row(s) for s in statuses]) == code


def test_exit_code_thresholds_are_strictly_above() -> None:
    rows = [_row("OK", lag=10, seconds=5.0)]
    assert exit_code(rows, max_lag=10) == 0 and exit_code(rows, max_lag=9) == 2
    assert exit_code(rows, max_seconds=5.0) == 0 and exit_code(rows, max_seconds=4.9) == 2


def test_rate_is_records_committed_per_second_rounded_to_hundredths() -> None:
    before = snap({0: 0, 1: 0}, {0: 10, 1: 10}, 1, 100.0)
    now = snap({0: 1, 1: 1}, {0: 10, 1: 10}, 1, 103.0)
    assert judge(before, now).rate == 0.67  # 2 records in 3 s
    # less than a second apart still gives a rate
    assert judge(before, snap({0: 1, 1: 0}, {0: 10, 1: 10}, 1, 100.5)).rate == 2.0
    # the same instant: no rate, and no verdict of STALLED or WARN either
    same = judge(before, snap({0: 0, 1: 0}, {0: 12, 1: 10}, 1, 100.0))
    assert (same.rate, same.status) == (0.0, "OK")


def test_half_a_second_without_progress_is_stalled() -> None:
    before = snap({0: 5}, {0: 10}, 1, 100.0)
    assert judge(before, snap({0: 5}, {0: 10}, 1, 100.5)).status == "STALLED"


def test_a_partition_new_since_the_last_snapshot() -> None:
    # partition 1 appeared with 3 records and nothing committed: the backlog grew from 5 to
    # 8 while the group committed on partition 0, so WARN, not OK
    before = snap({0: 5}, {0: 10}, 1, 100.0)
    now = snap({0: 6, 1: None}, {0: 11, 1: 3}, 1, 101.0)
    verdict = judge(before, now)
    assert verdict.partitions == {0: 5, 1: 3} and verdict.lag == 8
    assert verdict.status == "WARN"


def test_a_backlog_with_nothing_committed_before_is_counted_from_zero() -> None:
    before = snap({0: None}, {0: 4}, 1, 100.0)
    now = snap({0: 1}, {0: 4}, 1, 101.0)  # 4 behind then, 3 now: shrinking
    assert judge(before, now).status == "OK"
    growing = snap({0: 1}, {0: 6}, 1, 101.0)  # 4 then 5
    assert judge(before, growing).status == "WARN"


def test_a_rewound_offset_never_counts_below_zero_in_the_earlier_backlog() -> None:
    # before: committed past the end (a truncated topic): an earlier backlog of 0, not -2
    before = snap({0: 12}, {0: 10}, 1, 100.0)
    now = snap({0: 13}, {0: 14}, 1, 101.0)
    assert judge(before, now).status == "WARN"  # from 0 to 1 behind while committing


def test_a_new_partition_counts_nothing_in_the_earlier_backlog() -> None:
    # partition 1 did not exist: its earlier backlog is 0, so 5 -> 6 is growth
    before = snap({0: 5}, {0: 10}, 1, 100.0)
    now = snap({0: 6, 1: 0}, {0: 11, 1: 1}, 1, 101.0)
    assert judge(before, now).status == "WARN"


def test_nothing_committed_before_means_the_backlog_started_at_offset_zero() -> None:
    before = snap({0: None}, {0: 4}, 1, 100.0)  # 4 behind
    now = snap({0: 1}, {0: 5}, 1, 101.0)  # still 4 behind: steady, OK
    assert judge(before, now).status == "OK"


# --- a window of samples (Burrow's rules) ------------------------------------------------


def test_an_idle_partition_beside_a_busy_one_is_ok() -> None:
    # partition 1 is caught up and gets nothing new: its offset never moves, and it is OK
    window = [snap({0: 10 * i, 1: 7}, {0: 10 * i + 5, 1: 7}, 1, float(i)) for i in range(5)]
    v = judge_window(window)
    assert v.status == "OK" and v.partition_status == {0: "OK", 1: "OK"}


def test_one_stuck_partition_is_stalled_while_another_moves() -> None:
    window = [snap({0: 10 * i, 1: 3}, {0: 10 * i + 5, 1: 9}, 1, float(i)) for i in range(4)]
    v = judge_window(window)
    assert v.status == "STALLED" and v.partition_status == {0: "OK", 1: "STALLED"}
    assert v.lag == 11


def test_a_partition_caught_up_earlier_in_the_window_is_not_yet_stalled() -> None:
    # behind only since the second sample: Burrow waits until it is behind in every sample
    window = [
        snap({0: 4}, {0: 4}, 1, 0.0),
        snap({0: 4}, {0: 6}, 1, 1.0),
        snap({0: 4}, {0: 8}, 1, 2.0),
    ]
    assert judge_window(window).status == "OK"
    assert judge_window(window[1:]).status == "STALLED"


def test_lag_rising_through_the_window_is_warn_but_a_dip_is_not() -> None:
    rising = [snap({0: i}, {0: 10 + 3 * i}, 1, float(i)) for i in range(4)]  # 10, 12, 14, 16
    assert judge_window(rising).status == "WARN"
    dipped = [
        snap({0: 0}, {0: 10}, 1, 0.0),
        snap({0: 8}, {0: 12}, 1, 1.0),  # 4 behind: it caught up in between
        snap({0: 9}, {0: 20}, 1, 2.0),  # 11 behind
    ]
    assert judge_window(dipped).status == "OK"


def test_the_verdict_names_each_partition_and_stopped_wins_over_everything() -> None:
    window = [snap({0: 1, 1: 5}, {0: 3, 1: 5}, 0, 0.0), snap({0: 1, 1: 5}, {0: 3, 1: 5}, 0, 4.0)]
    v = judge_window(window)
    assert v.status == "STOPPED" and v.partition_status == {0: "STOPPED", 1: "OK"}


def test_the_trends_worker_is_watched_on_the_enriched_articles_and_its_own_topics() -> None:
    from streams.ops.lag import own_topics, source_of
    from streams.pipeline import TRENDS
    from streams.settings import Settings

    s = Settings(topic_prefix="x.")
    assert source_of(s, TRENDS) == "x.articles.enriched"
    assert source_of(s, "clean") == "x.articles.raw"
    assert own_topics(s, TRENDS) == {
        "x.articles.enriched",
        "x.entities.mentions",
        "x.entities.trending-partials",
        "x.entities.trending",
    }
    assert own_topics(s, "dedup") == {
        "x.articles.lang",
        "x.articles.dedup",
        "x.articles.dlq",
        "x.articles.dedup-signatures",
    }
