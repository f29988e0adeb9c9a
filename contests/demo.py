"""Demo data: a finished live contest of 10A1, so results and students' histories show something.

Played through the services with a fixed random seed, two days ago. Idempotent.
"""

import random
from datetime import timedelta

from django.utils import timezone

from contests import services
from contests.engine import EngineError, Event, Phase
from contests.models import Contest
from contests.nicknames import generate_nickname
from lessons.models import Choice, Question, Quiz
from schools.models import User

DEMO_TITLE = "Rung chuông vàng: Dịch vụ công trực tuyến (demo)"
PLAYERS = 12


def _demo_quiz(world) -> Quiz:
    """A lesson's practice bank with live questions, or a small quiz of the teacher's own."""
    lesson_quiz = (
        Quiz.objects.filter(lesson__isnull=False, questions__kind__in=Question.LIVE_KINDS, questions__is_retired=False)
        .order_by("lesson__order")
        .first()
    )
    if lesson_quiz is not None:
        return lesson_quiz
    quiz, created = Quiz.objects.get_or_create(
        title="Ôn tập dịch vụ công trực tuyến", owner=world.teacher, defaults={"school": world.schools[0]}
    )
    if created:
        bank = [
            ("single", "Cổng Dịch vụ công quốc gia có địa chỉ nào?",
             [("dichvucong.gov.vn", True), ("dichvucong.com.vn", False), ("dvc.vn", False)]),
            ("truefalse", "Có thể đăng nhập Cổng Dịch vụ công quốc gia bằng tài khoản VNeID.",
             [("Đúng", True), ("Sai", False)]),
            ("multiple", "Dấu hiệu nào cho thấy một trang web giả mạo?",
             [("Tên miền có chữ na ná hoặc đuôi lạ", True), ("Yêu cầu chuyển tiền để nhận kết quả", True),
              ("Có biểu tượng ổ khóa", False)]),
        ]  # fmt: skip
        for order, (kind, text, choices) in enumerate(bank):
            question = Question.objects.create(quiz=quiz, kind=kind, text=text, order=order)
            Choice.objects.bulk_create(
                Choice(question=question, key=f"c{n}", text=label, is_correct=right, position=n)
                for n, (label, right) in enumerate(choices)
            )
    return quiz


def seed(world) -> Contest:
    teacher = world.teacher
    existing = Contest.objects.filter(owner=teacher, title=DEMO_TITLE).first()
    if existing is not None:
        return existing
    classroom = world.classrooms[0]
    students = list(User.objects.filter(enrollments__classroom=classroom).order_by("username")[:PLAYERS])
    rng = random.Random(1010)
    start = timezone.now() - timedelta(days=2)
    contest = services.contest_create(
        owner=teacher, school=classroom.school, quiz=_demo_quiz(world), title=DEMO_TITLE,
        access=Contest.Access.CLASSES, classrooms=[classroom], time_limit_s=20, rng=rng, now=start,
    )
    players = [
        services.player_join(
            contest_id=contest.pk, nickname=nickname, user=student, session_key=f"demo-{student.pk}", now=start
        )
        for student, nickname in zip(students, _nicknames(rng, len(students)), strict=True)
    ]
    contest = services.contest_transition(contest_id=contest.pk, event=Event.START, now=start)
    while contest.phase != Phase.FINISHED:
        for player in players:
            question = contest.questions[contest.question_index]
            right = rng.random() < 0.7
            choices = question["correct"] if right else [c["id"] for c in question["choices"][:1]]
            at = contest.question_started_at + timedelta(milliseconds=rng.randint(1500, contest.time_limit_ms - 500))
            try:
                services.answer_submit(
                    player_id=player.pk, question_index=contest.question_index, choice_ids=choices, now=at
                )
            except EngineError:
                continue  # e.g. a wrong pick that is not a valid ordering: the player did not answer
        now = contest.deadline + timedelta(seconds=1)
        contest = services.contest_tick(contest_id=contest.pk, now=now)
        while contest.phase in (Phase.REVEAL, Phase.LEADERBOARD):
            now += timedelta(seconds=5)
            contest = services.contest_transition(contest_id=contest.pk, event=Event.NEXT, now=now)
    return contest


def _nicknames(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        name = generate_nickname(rng)
        if name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    return names
