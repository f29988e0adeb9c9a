"""Builders for evidence tests: check items in the bank and checks written as real rows."""

import itertools
from datetime import datetime

from evidence import rules
from evidence.models import LearningCheck
from lessons.models import Choice, Course, Lesson, Question, Quiz
from tests.coverage.helpers import at

_counter = itertools.count(1)


def make_check_items(course: Course, *, per_form: int = 2, lessons: int = 2) -> dict[str, list[Question]]:
    """``per_form`` single-choice items of forms A and B spread over ``lessons`` new lessons; the key is "a"."""
    made = {"A": [], "B": []}
    quizzes = []
    for _ in range(lessons):
        n = next(_counter)
        lesson = Lesson.objects.create(course=course, key=f"ev{n}", order=100 + n, title=f"Bài {n}", summary="…",
                                       required=False, body_html="<p>…</p>")
        quizzes.append(Quiz.objects.create(title=f"Luyện tập {n}", lesson=lesson))
    for form in ("A", "B"):
        for i in range(per_form):
            question = Question.objects.create(
                quiz=quizzes[i % lessons], kind=Question.Kind.SINGLE, text=f"Câu {form}{i + 1}: chọn đáp án đúng",
                order=i, check_form=form,
            )
            for position, (key, right) in enumerate((("a", True), ("b", False), ("c", False))):
                Choice.objects.create(question=question, key=key, text=f"Lựa chọn {key}", is_correct=right,
                                      position=position)
            made[form].append(question)
    return made


def all_levels(level: int) -> dict[str, int]:
    return {key: level for key in rules.ITEM_KEYS}


def write_check(student, kind: str, *, percent: int | None, when: datetime, levels: dict | None = None,
                skipped: bool = False) -> LearningCheck:
    """A check row with chosen figures (no answers), as the synthetic data and the recomputation tests need."""
    if skipped:
        return LearningCheck.objects.create(student=student, kind=kind, skipped_at=when)
    return LearningCheck.objects.create(
        student=student, kind=kind, submitted_at=when, self_assessment=levels or all_levels(1),
        correct_count=0, total=10, percent=percent,
    )


def pair(student, before=20, after=80, levels_before=1, levels_after=4):
    write_check(student, "entry", percent=before, when=at(2025, 9, 10), levels=all_levels(levels_before))
    write_check(student, "exit", percent=after, when=at(2025, 11, 10), levels=all_levels(levels_after))
