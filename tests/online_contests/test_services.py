"""Services: drawing, the server-side timer, answers, submission, closing, publishing and every refusal."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from lessons.models import Question
from online_contests import selectors, services
from online_contests.models import Attempt, AttemptAnswer, OnlineContest, RefusedRequest, SchoolResult
from online_contests.services import ContestError
from schools import services as school_services
from tests.factories import make_student
from tests.online_contests.factories import answer_all, make_contest, make_pool, positions_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def contest(world, now):
    return make_contest(world, now=now)


def snapshot():
    """Everything a refused request must leave untouched."""
    return (
        list(Attempt.objects.order_by("pk").values()),
        list(AttemptAnswer.objects.order_by("pk").values()),
        list(OnlineContest.objects.order_by("pk").values()),
    )


def test_start_draws_the_pool_counts_and_fixes_the_deadline(world, contest, now):
    attempt = services.attempt_start(contest=contest, student=world.students[0], now=now)
    quizzes = Counter(Question.objects.get(pk=q).quiz_id for q in attempt.question_ids)
    assert quizzes == Counter({pool.quiz_id: pool.count for pool in contest.pools.all()})
    assert len(set(attempt.question_ids)) == 5
    assert attempt.deadline == now + timedelta(minutes=15)
    assert attempt.school == world.school and attempt.classroom == world.classroom


def test_students_get_different_draws_from_the_same_pools(world, now):
    contest = make_contest(world, now=now, pools={make_pool(30): 5})
    draws = [services.attempt_start(contest=contest, student=s, now=now).question_ids for s in world.students]
    assert len({tuple(d) for d in draws}) == len(draws)


def test_deadline_never_passes_the_closing_time(world, now):
    contest = make_contest(world, now=now, closes_at=now + timedelta(minutes=5))
    attempt = services.attempt_start(contest=contest, student=world.students[0], now=now)
    assert attempt.deadline == contest.closes_at


def test_starting_again_continues_the_same_attempt_with_the_remaining_time(world, contest, now):
    first = services.attempt_start(contest=contest, student=world.students[0], now=now)
    again = services.attempt_start(contest=contest, student=world.students[0], now=now + timedelta(minutes=6))
    assert again.pk == first.pk and again.deadline == first.deadline
    assert Attempt.objects.count() == 1


def test_answers_save_as_given_and_can_change_until_submit(world, now):
    # Every drawn question is single-choice, so the draw always offers one (a mixed pool may not).
    contest = make_contest(world, now=now, pools={make_pool(4, kinds=["single"]): 2})
    attempt = services.attempt_start(contest=contest, student=world.students[0], now=now)
    question = attempt.question_ids[0]
    assert Question.objects.get(pk=question).kind == "single"
    services.answer_save(attempt=attempt, question_id=question, values=positions_for(attempt, question, right=False),
                         now=now + timedelta(minutes=1))
    assert AttemptAnswer.objects.get(attempt=attempt, question_id=question).is_correct is False
    services.answer_save(attempt=attempt, question_id=question, values=positions_for(attempt, question),
                         now=now + timedelta(minutes=2))
    answer = AttemptAnswer.objects.get(attempt=attempt, question_id=question)
    assert answer.is_correct is True and AttemptAnswer.objects.count() == 1
    submitted = services.attempt_submit(attempt=attempt, now=now + timedelta(minutes=3))
    assert submitted.score == 1 and submitted.finish == "submitted"
    assert submitted.time_used == timedelta(minutes=3)


def test_invalid_response_is_refused_and_changes_nothing(world, contest, now):
    attempt = services.attempt_start(contest=contest, student=world.students[0], now=now)
    question = next(q for q in attempt.question_ids if Question.objects.get(pk=q).kind != "matching")
    before = snapshot()
    with pytest.raises(ContestError) as caught:
        services.answer_save(attempt=attempt, question_id=question, values=["99"], now=now)
    assert "không tồn tại" in caught.value.message
    with pytest.raises(ContestError):
        services.answer_save(attempt=attempt, question_id=attempt.question_ids[0], values=[], now=now)
    assert snapshot() == before


def test_time_up_closes_the_attempt_with_its_saved_answers(world, contest, now):
    attempt = services.attempt_start(contest=contest, student=world.students[0], now=now)
    answer_all(attempt, now=now + timedelta(minutes=5), correct=2)
    later = now + timedelta(minutes=20)
    services.attempt_finalise_if_expired(attempt=attempt, now=later)
    attempt.refresh_from_db()
    assert attempt.finish == "expired" and attempt.finished_at == attempt.deadline and attempt.score == 2


def test_late_answer_and_late_submit_are_refused_recorded_and_finalise(world, contest, now):
    attempt = services.attempt_start(contest=contest, student=world.students[0], now=now)
    answer_all(attempt, now=now + timedelta(minutes=1), correct=1)
    late = attempt.deadline + timedelta(seconds=1)
    with pytest.raises(ContestError) as caught:
        services.answer_save(attempt=attempt, question_id=attempt.question_ids[1],
                             values=positions_for(attempt, attempt.question_ids[1]), now=late)
    assert caught.value.reason == "late"
    with pytest.raises(ContestError):
        services.attempt_submit(attempt=attempt, now=late)
    attempt.refresh_from_db()
    assert attempt.finish == "expired" and attempt.score == 1
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == 1
    assert list(RefusedRequest.objects.values_list("reason", flat=True)) == ["late", "late"]


def test_submit_at_the_deadline_exactly_is_late(world, contest, now):
    attempt = services.attempt_start(contest=contest, student=world.students[0], now=now)
    with pytest.raises(ContestError):
        services.attempt_submit(attempt=attempt, now=attempt.deadline)


def test_finalise_command_closes_every_expired_attempt(world, contest, now):
    for student in world.students:
        services.attempt_start(contest=contest, student=student, now=now - timedelta(minutes=30))
    services.attempt_start(contest=make_contest(world, now=now), student=world.students[0], now=now)
    call_command("finalise_online_attempts")
    assert Attempt.objects.filter(finish="expired").count() == 3
    assert Attempt.objects.filter(finished_at__isnull=True).count() == 1


def test_answering_after_submit_is_refused(world, contest, now):
    attempt = services.attempt_start(contest=contest, student=world.students[0], now=now)
    services.attempt_submit(attempt=attempt, now=now + timedelta(minutes=1))
    before = snapshot()
    with pytest.raises(ContestError) as caught:
        services.answer_save(attempt=attempt, question_id=attempt.question_ids[0],
                             values=positions_for(attempt, attempt.question_ids[0]), now=now + timedelta(minutes=2))
    assert caught.value.reason == "finished"
    with pytest.raises(ContestError):
        services.attempt_submit(attempt=attempt, now=now + timedelta(minutes=2))
    assert snapshot() == before


def test_question_outside_the_draw_is_refused(world, contest, now):
    attempt = services.attempt_start(contest=contest, student=world.students[0], now=now)
    other = Question.objects.exclude(pk__in=attempt.question_ids).first()
    before = snapshot()
    with pytest.raises(ContestError) as caught:
        services.answer_save(attempt=attempt, question_id=other.pk, values=["1"], now=now)
    assert caught.value.reason == "foreign_question"
    assert snapshot() == before
    assert RefusedRequest.objects.get().reason == "foreign_question"


def test_second_attempt_after_finishing_is_refused(world, contest, now):
    attempt = services.attempt_start(contest=contest, student=world.students[0], now=now)
    services.attempt_submit(attempt=attempt, now=now + timedelta(minutes=1))
    before = snapshot()
    with pytest.raises(ContestError) as caught:
        services.attempt_start(contest=contest, student=world.students[0], now=now + timedelta(minutes=2))
    assert caught.value.reason == "second_attempt"
    assert snapshot() == before


@pytest.mark.parametrize("who", ["foreign_student", "other_grade", "teacher", "last_year"])
def test_out_of_scope_students_cannot_start(world, now, who):
    contest = make_contest(world, now=now, grades=[10])
    if who == "foreign_student":
        student = world.foreign_student
    elif who == "other_grade":
        student = make_student(world.other_classroom, "Đinh Văn Mười Một")
    elif who == "teacher":
        student = world.teacher
    else:
        from tests.factories import make_year

        old = school_services.classroom_create(school=world.school, school_year=make_year("2024-2025", False),
                                               name="10A9")
        student = make_student(old, "Mai Văn Cũ")
    before = snapshot()
    with pytest.raises(ContestError) as caught:
        services.attempt_start(contest=contest, student=student, now=now)
    assert caught.value.status == 403 and caught.value.reason == "out_of_scope"
    assert snapshot() == before


@pytest.mark.parametrize("when", ["draft", "upcoming", "closed", "published"])
def test_contest_not_open_cannot_be_started(world, now, when):
    if when == "draft":
        contest = make_contest(world, now=now, schedule=False)
    elif when == "upcoming":
        contest = make_contest(world, now=now, opens_at=now + timedelta(hours=1))
    else:
        contest = make_contest(world, now=now - timedelta(days=2), opens_at=now - timedelta(days=2),
                               closes_at=now - timedelta(days=1))
        if when == "published":
            services.contest_results_publish(contest=contest, now=now)
    with pytest.raises(ContestError) as caught:
        services.attempt_start(contest=contest, student=world.students[0], now=now)
    assert caught.value.reason == "not_open"
    assert not Attempt.objects.exists()


def test_close_early_ends_running_attempts_with_saved_answers(world, contest, now):
    attempt = services.attempt_start(contest=contest, student=world.students[0], now=now)
    answer_all(attempt, now=now + timedelta(minutes=1), correct=3)
    closed_at = now + timedelta(minutes=2)
    services.contest_close(contest=contest, now=closed_at)
    attempt.refresh_from_db()
    assert attempt.finish == "expired" and attempt.finished_at == closed_at and attempt.score == 3
    with pytest.raises(ContestError):
        services.contest_close(contest=contest, now=closed_at)


def test_publish_freezes_ranks_prizes_and_school_results(world, now):
    contest = make_contest(world, now=now, prize_first=1, prize_second=1, prize_third=0, prize_consolation=0)
    scores = [5, 3, 5]
    for index, (student, score) in enumerate(zip(world.students, scores, strict=True)):
        attempt = services.attempt_start(contest=contest, student=student, now=now)
        answer_all(attempt, now=now + timedelta(minutes=1), correct=score)
        services.attempt_submit(attempt=attempt, now=now + timedelta(minutes=2 + index))
    with pytest.raises(ContestError):
        services.contest_results_publish(contest=contest, now=now + timedelta(minutes=10))
    services.contest_close(contest=contest, now=now + timedelta(minutes=10))
    services.contest_results_publish(contest=contest, now=now + timedelta(minutes=11))
    ranked = {a.student_id: (a.rank, a.prize, a.score) for a in Attempt.objects.all()}
    assert ranked[world.students[0].pk] == (1, "first", 5)
    assert ranked[world.students[2].pk] == (2, "second", 5)
    assert ranked[world.students[1].pk] == (3, "", 3)
    result = SchoolResult.objects.get()
    assert (result.enrolled, result.participants, result.rank) == (3, 3, 1)
    contest.refresh_from_db()
    assert contest.participant_count == 3 and contest.status == "published"
    assert [a.student for a in selectors.published_prize_winners(contest=contest)] == [
        world.students[0], world.students[2]]
    with pytest.raises(ContestError):
        services.contest_results_publish(contest=contest, now=now + timedelta(minutes=12))


def test_tiebreak_estimate_decides_between_equal_scores_and_times(world, now):
    contest = make_contest(world, now=now, tiebreak_enabled=True)
    for student, estimate in zip(world.students[:2], [10, 2], strict=True):
        attempt = services.attempt_start(contest=contest, student=student, now=now)
        services.attempt_estimate_save(attempt=attempt, estimate=str(estimate), now=now)
        services.attempt_submit(attempt=attempt, now=now + timedelta(minutes=1))
    standings = selectors.contest_standings(contest=contest)
    assert [s.attempt.student for s in standings] == [world.students[1], world.students[0]]


def test_bad_estimates_are_refused(world, now):
    contest = make_contest(world, now=now, tiebreak_enabled=True)
    attempt = services.attempt_start(contest=contest, student=world.students[0], now=now)
    for bad in ["-1", "abc", "99999999999"]:
        with pytest.raises(ContestError):
            services.attempt_estimate_save(attempt=attempt, estimate=bad, now=now)
    attempt.refresh_from_db()
    assert attempt.tiebreak_estimate is None


def test_pool_counts_must_be_available(world, now):
    pool = make_pool(3)
    with pytest.raises(ValidationError) as caught:
        make_contest(world, now=now, pools={pool: 4})
    assert "chỉ có 3 câu" in str(caught.value)
    with pytest.raises(ValidationError):
        make_contest(world, now=now, pools={pool: 0})
    assert not OnlineContest.objects.exists()


def test_retired_questions_are_not_drawn_and_not_counted(world, now):
    pool = make_pool(4)
    retired = pool.questions.first()
    retired.is_retired = True
    retired.save()
    with pytest.raises(ValidationError):
        make_contest(world, now=now, pools={pool: 4})
    contest = make_contest(world, now=now, pools={pool: 3})
    attempt = services.attempt_start(contest=contest, student=world.students[0], now=now)
    assert retired.pk not in attempt.question_ids


def test_rules_markdown_is_rendered_and_sanitised(world, now):
    contest = make_contest(world, now=now, rules_md="**Đậm** <script>alert(1)</script> [x](javascript:alert(1))")
    assert "<strong>Đậm</strong>" in contest.rules_html
    assert "<script" not in contest.rules_html and "javascript:" not in contest.rules_html


def test_only_drafts_can_be_edited_or_scheduled(world, contest, now):
    with pytest.raises(ValidationError):
        services.contest_update(contest=contest, fields={"name": "Khác"}, schools=[world.school],
                                pool_counts={p.quiz: p.count for p in contest.pools.all()})
    with pytest.raises(ContestError):
        services.contest_schedule(contest=contest, now=now)


def test_participation_by_school_counts_distinct_students(world, now):
    for contest in [make_contest(world, now=now), make_contest(world, now=now)]:
        services.attempt_start(contest=contest, student=world.students[0], now=now)
    services.attempt_start(contest=contest, student=world.students[1], now=now)
    assert selectors.participation_by_school(school_year=world.year) == {world.school.pk: 2}
