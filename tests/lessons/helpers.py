"""Helpers for the lessons tests: answer questions rightly or wrongly, finish simulations."""

from django.utils import timezone

from lessons import demo, grading, services
from lessons.keys import question_answer_key
from lessons.models import Question


def load_question(question_id: int) -> Question:
    """The question with its choices, as ``services.answer_record`` takes it."""
    return Question.objects.prefetch_related("choices").get(pk=question_id)


def _key(question_id: int) -> grading.AnswerKey:
    return question_answer_key(load_question(question_id))


def correct_raw(question_id: int) -> list[str]:
    return grading.response_to_raw(grading.correct_response(_key(question_id)))


def wrong_raw(question_id: int) -> list[str]:
    return demo.wrong_raw(_key(question_id))


def answer_all(attempt, *, wrong: int = 0) -> None:
    """Answer every question of ``attempt`` through the service, the first ``wrong`` ones wrongly."""
    for index, pk in enumerate(attempt.question_ids):
        services.answer_record(
            attempt=attempt, question=load_question(pk), raw=wrong_raw(pk) if index < wrong else correct_raw(pk)
        )


def complete_simulation(student, simulation: str) -> None:
    demo.complete_simulation(student, simulation, timezone.localdate())


def pass_lesson(student, lesson, *, wrong: int = 0):
    """Complete any simulation the lesson requires, then pass (or fail) its practice."""
    if lesson.simulation_required:
        complete_simulation(student, lesson.simulation)
    attempt = services.attempt_start(student=student, lesson=lesson)
    answer_all(attempt, wrong=wrong)
    return services.attempt_submit(attempt=attempt)


def form_data(attempt, question_id: int, *, correct: bool = True) -> dict:
    """The POST a browser sends for a right (or wrong) answer, in display positions."""
    from lessons import practice

    key = _key(question_id)
    shown = grading.display_ids(key, practice.question_seed(attempt.seed, question_id))
    raw = correct_raw(question_id) if correct else wrong_raw(question_id)
    data: dict = {"question": str(question_id)}
    if key.kind in grading.CHOICE_KINDS:
        data["answer"] = [str(shown.index(item)) for item in raw]
    elif key.kind == grading.ORDERING:
        for i, item in enumerate(shown):
            data[f"pos_{i}"] = str(raw.index(item) + 1)
    else:
        chosen = dict(pair.split(":") for pair in raw)
        for j, left in enumerate(key.pairs):
            data[f"match_{j}"] = str(shown.index(chosen[left]))
    return data
