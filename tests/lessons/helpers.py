"""Helpers for the lessons tests: answer questions rightly or wrongly, finish simulations."""

from django.utils import timezone

from lessons import demo, grading, services
from lessons.keys import question_answer_key
from lessons.models import Question


def _key(question_id: int) -> grading.AnswerKey:
    return question_answer_key(Question.objects.prefetch_related("choices").get(pk=question_id))


def correct_raw(question_id: int) -> list[str]:
    return grading.response_to_raw(grading.correct_response(_key(question_id)))


def wrong_raw(question_id: int) -> list[str]:
    return demo.wrong_raw(_key(question_id))


def answer_all(attempt, *, wrong: int = 0) -> None:
    """Answer every question of ``attempt`` through the service, the first ``wrong`` ones wrongly."""
    for index, pk in enumerate(attempt.question_ids):
        services.answer_record(attempt=attempt, question_id=pk, raw=wrong_raw(pk) if index < wrong else correct_raw(pk))


def complete_simulation(student, simulation: str) -> None:
    demo.complete_simulation(student, simulation, timezone.localdate())


def pass_lesson(student, lesson, *, wrong: int = 0):
    """Complete any simulation the lesson requires, then pass (or fail) its practice."""
    if lesson.simulation_required:
        complete_simulation(student, lesson.simulation)
    attempt = services.attempt_start(student=student, lesson=lesson)
    answer_all(attempt, wrong=wrong)
    return services.attempt_submit(attempt=attempt)
