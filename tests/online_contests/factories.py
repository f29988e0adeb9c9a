"""Question pools and contests for online-contest tests, built through the real models and services."""

import itertools
from datetime import datetime, timedelta

from django.utils import timezone

from lessons.grading import correct_response, response_to_raw
from lessons.models import Choice, Course, Lesson, Question, Quiz
from online_contests import services
from online_contests.answer_sheet import encode
from online_contests.models import Attempt, OnlineContest
from online_contests.questions import question_seed, questions_load

_counter = itertools.count(1)
KINDS = ["single", "multiple", "truefalse", "ordering", "matching"]


def make_question(quiz: Quiz, kind: str) -> Question:
    n = next(_counter)
    question = Question.objects.create(quiz=quiz, kind=kind, text=f"Câu hỏi {kind} số {n}?", order=n)
    if kind == "single":
        rows = [("a", "Đáp án đúng", True), ("b", "Sai một", False), ("c", "Sai hai", False)]
    elif kind == "multiple":
        rows = [("a", "Đúng một", True), ("b", "Đúng hai", True), ("c", "Sai", False)]
    elif kind == "truefalse":
        rows = [("t", "Đúng", True), ("f", "Sai", False)]
    else:
        rows = [("a", "Bước một", False), ("b", "Bước hai", False), ("c", "Bước ba", False)]
    for position, (key, text, correct) in enumerate(rows, start=1):
        Choice.objects.create(
            question=question, key=key, text=text, is_correct=correct, position=position,
            match_text=f"Vế phải {key}" if kind == "matching" else "",
        )
    return question


def make_pool(size: int = 6, *, title: str | None = None, kinds=None, key: str | None = None) -> Quiz:
    """A lesson's practice quiz with ``size`` questions cycling through every kind."""
    n = next(_counter)
    course, _ = Course.objects.get_or_create(key="dvctt", defaults={"title": "Khóa học DVCTT"})
    lesson = Lesson.objects.create(
        course=course, key=key or f"t{n}", order=n, title=title or f"Bài thử {n}", summary="Tóm tắt", body_html="<p>x</p>"
    )
    quiz = Quiz.objects.create(title=title or f"Luyện tập bài {n}", lesson=lesson)
    for kind in itertools.islice(itertools.cycle(kinds or KINDS), size):
        make_question(quiz, kind)
    return quiz


def fields(now: datetime | None = None, **overrides) -> dict:
    now = now or timezone.now()
    values = {
        "name": "Cuộc thi thử", "organizer_name": "Ban Tổ chức thử", "grades": [10, 11, 12],
        "opens_at": now - timedelta(hours=1), "closes_at": now + timedelta(days=2), "time_limit_minutes": 15,
        "prize_first": 1, "prize_second": 1, "prize_third": 1, "prize_consolation": 1, "rules_md": "**Thể lệ**",
    }
    values.update(overrides)
    return values


def make_contest(world, *, pools=None, schedule: bool = True, province: bool = False, now=None, **overrides):
    """An open school contest of ``world.school`` (or a province contest over both schools)."""
    now = now or timezone.now()
    pools = pools or {make_pool(6): 3, make_pool(6): 2}
    if province:
        contest = services.contest_create(
            created_by=world.province_admin, province=world.province, schools=[world.school, world.other_school],
            pool_counts=pools, fields=fields(now, **overrides),
        )
    else:
        contest = services.contest_create(
            created_by=world.school_admin, school=world.school, schools=[world.school], pool_counts=pools,
            fields=fields(now, **overrides),
        )
    if schedule:
        contest = services.contest_schedule(contest=contest, now=min(now, contest.opens_at))
    return contest


def answer_all(attempt: Attempt, *, now: datetime, correct: int | None = None) -> None:
    """Answer the first ``correct`` drawn questions right (all when None)."""
    loaded = questions_load(attempt.question_ids)
    for question_id in attempt.question_ids[:correct]:
        key = loaded[question_id].key
        values = encode(key, question_seed(attempt.seed, question_id), response_to_raw(correct_response(key)))
        services.answer_save(attempt=attempt, question_id=question_id, values=values, now=now)


def positions_for(attempt: Attempt, question_id: int, *, right: bool = True) -> list[str]:
    """Display positions answering a drawn question right (or, for choice kinds, wrong)."""
    key = questions_load([question_id])[question_id].key
    wire = response_to_raw(correct_response(key))
    seed = question_seed(attempt.seed, question_id)
    if right:
        return encode(key, seed, wire)
    wrong = [choice for choice in key.choice_ids if choice not in key.correct][:1]
    return encode(key, seed, wrong)


def published_contest(world, *, now=None) -> OnlineContest:
    """A closed contest with the world's students' attempts, results published."""
    now = now or timezone.now()
    opens = now - timedelta(days=3)
    contest = make_contest(world, now=opens - timedelta(hours=1), opens_at=opens, closes_at=opens + timedelta(days=1))
    for index, student in enumerate(world.students):
        start = opens + timedelta(hours=index + 1)
        attempt = services.attempt_start(contest=contest, student=student, now=start)
        answer_all(attempt, now=start + timedelta(minutes=1), correct=len(attempt.question_ids) - index)
        services.attempt_submit(attempt=attempt, now=start + timedelta(minutes=2 + index))
    services.contest_results_publish(contest=contest, now=now)
    return contest
