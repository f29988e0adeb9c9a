"""The trained-moment rule over plain data: the latest, over required lessons, of each one's first done moment."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from lessons import training

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def day(n: int) -> datetime:
    return T0 + timedelta(days=n)


def test_a_student_is_trained_at_the_latest_first_done_moment():
    assert training.trained_moment({1: day(5), 2: day(9), 3: day(2)}, [1, 2, 3]) == day(9)


def test_a_missing_required_lesson_means_not_trained_and_optional_lessons_do_not_count():
    assert training.trained_moment({1: day(5), 3: day(20)}, [1, 2]) is None
    assert training.trained_moment({1: day(5), 2: day(6), 3: day(20)}, [1, 2]) == day(6)


def test_nothing_required_trains_nobody():
    assert training.trained_moment({1: day(1)}, []) is None


def test_first_done_is_the_earliest_record_of_a_lesson():
    assert training.first_done([day(4), None, day(2), day(7)]) == day(2)
    assert training.first_done([]) is None


def test_a_session_counts_at_noon_of_its_date_in_the_given_zone():
    moment = training.session_moment(date(2026, 1, 15), ZoneInfo("Asia/Ho_Chi_Minh"))
    assert moment == datetime(2026, 1, 15, 5, tzinfo=UTC)


def test_a_lesson_required_after_training_neither_untrains_nor_moves_the_moment_later():
    """Version 2 of the course makes lesson 4 required: done later, or never, the trained moment stands."""
    done = {1: day(1), 2: day(2), 3: day(3)}
    assert training.trained_moment_kept(stored=day(3), first_done_at=done, required=[1, 2, 3, 4]) == day(3)
    assert training.trained_moment_kept(stored=day(3), first_done_at={**done, 4: day(30)},
                                        required=[1, 2, 3, 4]) == day(3)


def test_a_back_dated_record_moves_a_kept_moment_earlier():
    assert training.trained_moment_kept(stored=day(9), first_done_at={1: day(1), 2: day(4)}, required=[1, 2]) == day(4)


def test_a_correction_moves_a_moment_taken_from_a_back_dated_record_later():
    """Lesson 2 done on day 9; lesson 1's session was held on day 1 but recorded on day 12, which marked
    the student trained "on day 1" by the earlier rule."""
    done, arrived = {1: day(1), 2: day(9)}, {1: day(12), 2: day(9)}
    assert training.trained_moment_corrected(stored=day(1), first_done_at=done, arrived_at=arrived,
                                             required=[1, 2]) == day(9)


def test_a_correction_ignores_lessons_that_arrived_after_the_student_was_trained():
    """Lesson 3, required by a revision of the course, was done on day 30 (or never)."""
    done, arrived = {1: day(1), 2: day(9), 3: day(30)}, {1: day(1), 2: day(9), 3: day(30)}
    assert training.trained_moment_corrected(stored=day(9), first_done_at=done, arrived_at=arrived,
                                             required=[1, 2, 3]) == day(9)
    assert training.trained_moment_corrected(stored=day(9), first_done_at={1: day(1), 2: day(9)},
                                             arrived_at=arrived, required=[1, 2, 3]) == day(9)
    assert training.trained_moment_corrected(stored=day(1), first_done_at={}, arrived_at={}, required=[1]) == day(1)


moments = st.integers(0, 60).map(day)
histories = st.dictionaries(st.integers(1, 6), moments, max_size=6)
required_sets = st.sets(st.integers(1, 6), max_size=6)


@given(histories, required_sets, moments)
def test_kept_moment_is_never_later_than_the_stored_one_and_never_lost(done, required, stored):
    kept = training.trained_moment_kept(stored=stored, first_done_at=done, required=required)
    assert kept is not None and kept <= stored


@given(histories, required_sets)
def test_untrained_students_follow_the_definition(done, required):
    kept = training.trained_moment_kept(stored=None, first_done_at=done, required=required)
    expected = max(done[lesson] for lesson in required) if required and required <= done.keys() else None
    assert kept == expected == training.trained_moment_corrected(stored=None, first_done_at=done, arrived_at=done,
                                                                 required=required)


@given(histories, required_sets, st.lists(st.integers(0, 30), min_size=6, max_size=6))
def test_keeping_or_correcting_a_correct_moment_changes_nothing(done, required, delays):
    """Whenever each record arrived (on or after its date), a moment stored by the rule stays as it is."""
    arrived = {lesson: moment + timedelta(days=delays[lesson - 1]) for lesson, moment in done.items()}
    moment = training.trained_moment(done, required)
    if moment is not None:
        assert training.trained_moment_kept(stored=moment, first_done_at=done, required=required) == moment
        assert training.trained_moment_corrected(stored=moment, first_done_at=done, arrived_at=arrived,
                                                 required=required) == moment
