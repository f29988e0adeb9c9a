"""The pure target/pace/forecast rules, exhaustively and with hypothesis."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coverage import forecast
from coverage.forecast import TargetSpec

TODAY = date(2025, 11, 20)
END_2025 = TargetSpec(80, date(2025, 12, 31), "80%")
END_2030 = TargetSpec(100, date(2030, 12, 31), "100%")


@pytest.mark.parametrize(("trained", "enrolled", "expected"), [
    (0, 0, 0.0), (5, 0, 0.0), (0, 10, 0.0), (5, 10, 50.0), (10, 10, 100.0), (1, 3, 100 / 3),
])
def test_share_percent(trained, enrolled, expected):
    assert forecast.share_percent(trained, enrolled) == pytest.approx(expected)


@pytest.mark.parametrize(("enrolled", "share", "expected"), [
    (0, 80, 0), (1, 80, 1), (10, 80, 8), (41, 80, 33), (40, 80, 32), (7, 100, 7), (3, 1, 1), (100, 1, 1),
])
def test_students_needed_rounds_up(enrolled, share, expected):
    assert forecast.students_needed(enrolled, share) == expected


@given(st.integers(0, 200_000), st.integers(1, 100))
def test_students_needed_is_the_smallest_count_reaching_the_share(enrolled, share):
    needed = forecast.students_needed(enrolled, share)
    assert needed * 100 >= enrolled * share
    assert needed == 0 or (needed - 1) * 100 < enrolled * share


def test_weekly_pace():
    assert forecast.weekly_pace(20) == 5
    assert forecast.weekly_pace(0) == 0
    assert forecast.weekly_pace(-3) == 0, "a shrinking count is no pace"
    assert forecast.weekly_pace(9, weeks=3) == 3
    with pytest.raises(ValueError):
        forecast.weekly_pace(1, weeks=0)


def test_reach_date_already_reached_is_today():
    assert forecast.reach_date(trained=10, needed=8, pace_per_week=0, today=TODAY) == TODAY
    assert forecast.reach_date(trained=8, needed=8, pace_per_week=0, today=TODAY) == TODAY


def test_reach_date_at_zero_pace_is_never():
    assert forecast.reach_date(trained=1, needed=8, pace_per_week=0, today=TODAY) is None


@pytest.mark.parametrize(("missing", "pace", "days"), [(10, 10, 7), (10, 5, 14), (1, 7, 1), (3, 2, 11), (1, 100, 1)])
def test_reach_date_rounds_days_up(missing, pace, days):
    assert forecast.reach_date(trained=0, needed=missing, pace_per_week=pace, today=TODAY) == TODAY + timedelta(days)


@given(st.integers(0, 1000), st.integers(0, 1000), st.floats(0.01, 500))
def test_reach_date_is_never_early(trained, needed, pace):
    day = forecast.reach_date(trained=trained, needed=needed, pace_per_week=pace, today=TODAY)
    weeks = (day - TODAY).days / 7
    assert trained + pace * weeks >= needed - 1e-9


def test_needed_pace():
    deadline = TODAY + timedelta(weeks=4)
    assert forecast.needed_pace(trained=0, needed=20, today=TODAY, deadline=deadline) == 5
    assert forecast.needed_pace(trained=20, needed=20, today=TODAY, deadline=deadline) == 0
    assert forecast.needed_pace(trained=25, needed=20, today=TODAY, deadline=TODAY) == 0, "met needs nothing"
    assert forecast.needed_pace(trained=0, needed=20, today=TODAY, deadline=TODAY) is None, "too late"
    assert forecast.needed_pace(trained=0, needed=20, today=deadline, deadline=TODAY) is None
    assert forecast.needed_pace(trained=0, needed=1, today=TODAY, deadline=TODAY + timedelta(days=1)) == 7


@given(st.integers(0, 500), st.integers(0, 500), st.integers(1, 3000))
def test_needed_pace_reaches_the_target_exactly_on_the_deadline(trained, needed, days):
    deadline = TODAY + timedelta(days=days)
    pace = forecast.needed_pace(trained=trained, needed=needed, today=TODAY, deadline=deadline)
    assert trained + pace * days / 7 >= needed - 1e-6


def test_merge_targets_provincial_replaces_national_on_same_deadline():
    own = TargetSpec(90, END_2025.deadline, "tỉnh")
    extra = TargetSpec(95, date(2027, 6, 30), "tỉnh 2027")
    merged = forecast.merge_targets([END_2030, END_2025], [extra, own])
    assert merged == [own, extra, END_2030]
    assert forecast.merge_targets([], []) == []


@pytest.mark.parametrize(("today", "expected"), [
    (date(2025, 1, 1), END_2025),
    (date(2025, 12, 31), END_2025),  # the deadline day still belongs to the target
    (date(2026, 1, 1), END_2030),  # a passed deadline hands over to the next target
    (date(2031, 1, 1), None),
])
def test_current_target(today, expected):
    assert forecast.current_target([END_2030, END_2025], today) == expected


def test_passed_targets():
    assert forecast.passed_targets([END_2030, END_2025], date(2026, 1, 1)) == [END_2025]
    assert forecast.passed_targets([END_2030, END_2025], date(2025, 12, 31)) == []
    assert forecast.passed_targets([END_2030, END_2025], date(2031, 1, 1)) == [END_2025, END_2030]


@pytest.mark.parametrize(("trained", "enrolled", "met", "margin"), [
    (80, 100, True, 0.0), (79, 100, False, -1.0), (95, 100, True, 15.0), (0, 0, False, -80.0), (33, 41, True, 33 / 41 * 100 - 80),
])
def test_target_outcome(trained, enrolled, met, margin):
    outcome = forecast.target_outcome(END_2025, trained=trained, enrolled=enrolled)
    assert outcome.met is met
    assert outcome.margin_points == pytest.approx(margin)


def test_forecast_on_track():
    result = forecast.forecast(trained=60, trained_window_start=40, enrolled=100, target=END_2025, today=TODAY)
    assert result.pace_per_week == 5
    assert result.needed_students == 80 and result.missing_students == 20
    assert result.reaches_on == TODAY + timedelta(weeks=4)
    assert result.on_track
    assert result.needed_pace_per_week == pytest.approx(20 / (41 / 7))


def test_forecast_behind_and_stalled():
    slow = forecast.forecast(trained=60, trained_window_start=58, enrolled=100, target=END_2025, today=TODAY)
    assert slow.reaches_on == TODAY + timedelta(weeks=40) and not slow.on_track
    stalled = forecast.forecast(trained=60, trained_window_start=60, enrolled=100, target=END_2025, today=TODAY)
    assert stalled.reaches_on is None and not stalled.on_track


def test_forecast_met_and_without_target():
    met = forecast.forecast(trained=90, trained_window_start=90, enrolled=100, target=END_2025, today=TODAY)
    assert met.missing_students == 0 and met.reaches_on == TODAY and met.on_track and met.needed_pace_per_week == 0
    none = forecast.forecast(trained=1, trained_window_start=0, enrolled=2, target=None, today=TODAY)
    assert none.target is None and none.reaches_on is None and none.pace_per_week == 0.25


@given(st.integers(0, 2000), st.integers(0, 2000), st.integers(0, 4000), st.integers(1, 100), st.integers(0, 4000))
def test_forecast_is_consistent(trained, window_start, enrolled, share, days_left):
    window_start = min(window_start, trained)
    target = TargetSpec(share, TODAY + timedelta(days=days_left))
    result = forecast.forecast(trained=trained, trained_window_start=window_start, enrolled=enrolled,
                               target=target, today=TODAY)
    assert result.missing_students == max(result.needed_students - trained, 0)
    assert result.on_track == (result.reaches_on is not None and result.reaches_on <= target.deadline)
    if result.missing_students == 0:
        assert result.on_track
