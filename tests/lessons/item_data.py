"""A generated answer set over all four sources, and an independent recomputation of the item figures.

Students get an ability in [0, 1]; each answers right with that probability,
otherwise picks a random wrong response, so strong students really do better
and discrimination is not zero. Rows are written with ``bulk_create`` (the
services are tested elsewhere); a few rows that must not count are added on
purpose: an unsubmitted practice attempt, an unfinished online attempt and a
player removed by the host.
"""

import random
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from fractions import Fraction

from django.utils import timezone

from contests import engine
from contests import services as contest_services
from contests.models import Answer as LiveAnswer
from contests.models import Contest, Player
from evidence.models import CheckAnswer, LearningCheck
from lessons import grading
from lessons.keys import question_answer_key
from lessons.models import PracticeAnswer, PracticeAttempt, Question
from online_contests.models import Attempt, AttemptAnswer
from schools.models import Enrollment, User
from tests.online_contests.factories import make_contest as make_online_contest
from tests.online_contests.factories import make_pool


@dataclass
class Record:
    """One counted answer, in plain terms: the test's own view of what the selector reads."""

    source: str
    partition: tuple
    question_id: int
    score: float
    pk: int
    correct: bool
    picked: frozenset


@dataclass
class Generated:
    quiz: object
    questions: list
    students: list
    records: list = field(default_factory=list)


def _respond(rng: random.Random, key: grading.AnswerKey, right: bool) -> list[str]:
    if right:
        return grading.response_to_raw(grading.correct_response(key))
    for _attempt in range(50):
        if key.kind in (grading.SINGLE, grading.TRUEFALSE):
            raw = [rng.choice(key.choice_ids)]
        elif key.kind == grading.MULTIPLE:
            raw = sorted(rng.sample(key.choice_ids, rng.randint(1, len(key.choice_ids))))
        elif key.kind == grading.ORDERING:
            raw = rng.sample(list(key.order), len(key.order))
        else:
            rights = rng.sample(list(key.pairs), len(key.pairs))
            raw = [f"{left}:{right}" for left, right in zip(key.pairs, rights, strict=True)]
        if not grading.grade(key, grading.parse_response(key, raw)):
            return raw
    return raw


def _grade(key, raw) -> bool:
    return grading.grade(key, grading.parse_response(key, raw))


def generate(
    world, *, seed: int = 16, practice: int = 45, checks: int = 25, online: int = 35, live: int = 30
) -> Generated:
    rng = random.Random(seed)
    now = timezone.now()
    quiz = make_pool(5)  # single, multiple, truefalse, ordering, matching
    questions = list(Question.objects.filter(quiz=quiz).prefetch_related("choices").order_by("order"))
    keys = {q.pk: question_answer_key(q) for q in questions}
    total = max(practice, checks, online, live)
    students = User.objects.bulk_create(User(username=f"gen{seed}-{i}", full_name=f"Học sinh {i}") for i in range(total))
    ability = {s.pk: rng.random() for s in students}
    data = Generated(quiz=quiz, questions=questions, students=students)

    # Practice: every student one submitted attempt; one more left open (not counted).
    lesson = quiz.lesson
    attempts, planned = [], []
    for student in students[:practice]:
        drawn = rng.sample(questions, 4)
        answers = [(q, _respond(rng, keys[q.pk], rng.random() < ability[student.pk])) for q in drawn]
        right = sum(_grade(keys[q.pk], raw) for q, raw in answers)
        attempts.append(PracticeAttempt(
            student=student, lesson=lesson, question_ids=[q.pk for q in drawn], seed="s", submitted_at=now,
            correct_count=right, total=len(drawn), percent=grading.attempt_percent(right, len(drawn)),
        ))
        planned.append(answers)
    open_attempt = PracticeAttempt(student=students[0], lesson=lesson, question_ids=[questions[0].pk], seed="s")
    attempts = PracticeAttempt.objects.bulk_create([*attempts, open_attempt])
    rows = [
        PracticeAnswer(attempt=attempt, question=q, response=raw, is_correct=_grade(keys[q.pk], raw))
        for attempt, answers in zip(attempts, planned, strict=False) for q, raw in answers
    ]
    rows.append(PracticeAnswer(attempt=open_attempt, question=questions[0], response=["zzz"], is_correct=False))
    for answer in PracticeAnswer.objects.bulk_create(rows):
        if answer.attempt.submitted_at is not None:
            data.records.append(Record(
                "practice", (answer.question_id,), answer.question_id, answer.attempt.percent, answer.pk,
                answer.is_correct, _picked(answer.response, keys[answer.question_id]),
            ))

    # Checks: an entry check over three questions per student; one skipped (not counted).
    learning_checks, planned = [], []
    for student in students[:checks]:
        drawn = rng.sample(questions, 3)
        answers = [(q, _respond(rng, keys[q.pk], rng.random() < ability[student.pk])) for q in drawn]
        right = sum(_grade(keys[q.pk], raw) for q, raw in answers)
        learning_checks.append(LearningCheck(
            student=student, kind=LearningCheck.Kind.ENTRY, submitted_at=now, correct_count=right,
            total=len(drawn), percent=grading.attempt_percent(right, len(drawn)),
        ))
        planned.append(answers)
    skipped = LearningCheck(student=students[-1], kind=LearningCheck.Kind.EXIT, skipped_at=now)
    learning_checks = LearningCheck.objects.bulk_create([*learning_checks, skipped])
    rows = [
        CheckAnswer(learning_check=check, question=q, response=raw, is_correct=_grade(keys[q.pk], raw))
        for check, answers in zip(learning_checks, planned, strict=False) for q, raw in answers
    ]
    rows.append(CheckAnswer(learning_check=skipped, question=questions[0], response=["zzz"], is_correct=False))
    for answer in CheckAnswer.objects.bulk_create(rows):
        if answer.learning_check.submitted_at is not None:
            data.records.append(Record(
                "check", (answer.question_id,), answer.question_id, answer.learning_check.percent, answer.pk,
                answer.is_correct, _picked(answer.response, keys[answer.question_id]),
            ))

    # Online: one contest drawing every question; one attempt still running (not counted).
    contest = make_online_contest(world, pools={quiz: len(questions)})
    online_attempts, planned = [], []
    for student in students[:online]:
        answers = [(q, _respond(rng, keys[q.pk], rng.random() < ability[student.pk])) for q in questions]
        score = sum(_grade(keys[q.pk], raw) for q, raw in answers)
        online_attempts.append(Attempt(
            contest=contest, student=student, school=world.school, classroom=world.classroom, seed="s",
            question_ids=[q.pk for q in questions], started_at=now - timedelta(minutes=10), deadline=now,
            finished_at=now, finish=Attempt.Finish.SUBMITTED, score=score,
        ))
        planned.append(answers)
    running = Attempt(
        contest=contest, student=students[-1] if online < total else world.students[0], school=world.school,
        classroom=world.classroom, seed="s", question_ids=[questions[0].pk], started_at=now, deadline=now,
    )
    online_attempts = Attempt.objects.bulk_create([*online_attempts, running])
    rows = [
        AttemptAnswer(attempt=attempt, question=q, response=raw, is_correct=_grade(keys[q.pk], raw), saved_at=now)
        for attempt, answers in zip(online_attempts, planned, strict=False) for q, raw in answers
    ]
    rows.append(AttemptAnswer(attempt=running, question=questions[0], response=["a"], is_correct=True, saved_at=now))
    for answer in AttemptAnswer.objects.bulk_create(rows):
        if answer.attempt.finished_at is not None:
            data.records.append(Record(
                "online", (contest.pk, answer.question_id), answer.question_id, answer.attempt.score, answer.pk,
                answer.is_correct, _picked(answer.response, keys[answer.question_id]),
            ))

    # Live: two contests over the quiz, the second with a snapshot from before choice keys were stored.
    for number in range(2):
        _live_contest(world, rng, quiz, students[:live], ability, data, old_snapshot=number == 1)
    return data


def _picked(response, key: grading.AnswerKey) -> frozenset:
    return frozenset(response) if key.kind in grading.CHOICE_KINDS else frozenset()


def _live_contest(world, rng, quiz, students, ability, data: Generated, *, old_snapshot: bool) -> None:
    now = timezone.now()
    contest = contest_services.contest_create(
        owner=world.teacher, school=world.school, quiz=quiz, title="Rung chuông vàng", access=Contest.Access.OPEN,
    )
    snapshot = contest.questions
    if old_snapshot:
        Contest.objects.filter(pk=contest.pk).update(
            questions=[{**q, "choices": [{"id": c["id"], "text": c["text"]} for c in q["choices"]]} for q in snapshot]
        )
    players = Player.objects.bulk_create(
        Player(contest=contest, user=s, nickname=f"p{i}", token=secrets.token_urlsafe(32), seed="s", joined_at=now,
               kicked=i == 0)
        for i, s in enumerate(students)
    )
    answers = []
    for player in players:
        for index, item in enumerate(snapshot):
            if rng.random() < 0.15:
                continue  # did not answer this one
            by_key = {c["key"]: c["id"] for c in item["choices"]}
            question = next(q for q in data.questions if q.pk == item["question_id"])
            key = question_answer_key(question)
            raw = _respond(rng, key, rng.random() < ability[player.user_id])
            chosen = [by_key[k] for k in raw]
            correct = engine.judge_answer(item["kind"], chosen, item["correct"])
            late = rng.random() < 0.1
            answers.append(LiveAnswer(
                player=player, question_index=index, choices=chosen, received_at=now, elapsed_ms=1000,
                correct=correct, late=late, points=100 if correct and not late else 0,
            ))
    answers = LiveAnswer.objects.bulk_create(answers)
    scored = defaultdict(int)
    for answer in answers:
        scored[answer.player_id] += answer.correct and not answer.late
    for answer in answers:
        if answer.player.kicked:
            continue
        item = snapshot[answer.question_index]
        to_key = {c["id"]: c["key"] for c in item["choices"]}
        question_id = item["question_id"]
        kind = item["kind"]
        data.records.append(Record(
            "live", (contest.pk, answer.question_index), question_id, scored[answer.player_id], answer.pk,
            answer.correct and not answer.late,
            frozenset(to_key[c] for c in answer.choices) if kind in grading.CHOICE_KINDS else frozenset(),
        ))


def enroll(students, classroom) -> None:
    Enrollment.objects.bulk_create(
        Enrollment(student=s, classroom=classroom, school_year=classroom.school_year) for s in students
    )


@dataclass
class Expected:
    answers: int = 0
    correct: int = 0
    upper_answers: int = 0
    upper_correct: int = 0
    lower_answers: int = 0
    lower_correct: int = 0
    picks: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    sources: dict = field(default_factory=lambda: defaultdict(int))


def recompute(records: list[Record]) -> dict[int, Expected]:
    """The figures from the records alone: sort each test's answers to a question, cut 27% at each end."""
    partitions = defaultdict(list)
    for record in records:
        partitions[(record.source, record.partition)].append(record)
    expected: dict[int, Expected] = defaultdict(Expected)
    for members in partitions.values():
        members.sort(key=lambda r: (-r.score, r.pk))
        n = len(members)
        cut = int(Fraction(27 * n, 100) + Fraction(1, 2))  # 27% rounded half up
        for position, record in enumerate(members):
            band = "upper" if position < cut else "lower" if position >= n - cut else "middle"
            item = expected[record.question_id]
            item.answers += 1
            item.correct += record.correct
            item.sources[record.source] += 1
            if band == "upper":
                item.upper_answers += 1
                item.upper_correct += record.correct
            elif band == "lower":
                item.lower_answers += 1
                item.lower_correct += record.correct
            for key in record.picked:
                item.picks[key][0] += 1
                item.picks[key][1] += band == "upper"
                item.picks[key][2] += band == "lower"
    return expected
