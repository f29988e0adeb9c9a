"""Practice, completion, ratings, assignments and teachers' quizzes, through the services."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from lessons import selectors, services
from lessons.models import (
    CourseCompletion,
    Lesson,
    LessonAssignment,
    LessonCompletion,
    LessonRating,
    PracticeAnswer,
    PracticeAttempt,
)
from tests.lessons.helpers import answer_all, complete_simulation, correct_raw, load_question, pass_lesson


def test_start_draws_ten_distinct_questions_and_resumes(student, lesson):
    attempt = services.attempt_start(student=student, lesson=lesson)
    assert len(attempt.question_ids) == attempt.total == 10
    assert len(set(attempt.question_ids)) == 10
    assert services.attempt_start(student=student, lesson=lesson).pk == attempt.pk


def test_a_retry_draws_a_different_set(student, lesson):
    first = services.attempt_start(student=student, lesson=lesson, seed="one")
    answer_all(first)
    services.attempt_submit(attempt=first)
    second = services.attempt_start(student=student, lesson=lesson, seed="two")
    assert second.pk != first.pk and second.question_ids != first.question_ids


def test_answer_is_graded_and_locked(student, lesson):
    attempt = services.attempt_start(student=student, lesson=lesson)
    pk = attempt.question_ids[0]
    recorded = services.answer_record(attempt=attempt, question=load_question(pk), raw=correct_raw(pk))
    assert recorded.answer.is_correct and recorded.answered_ids == {pk}
    with pytest.raises(ValidationError, match="đã trả lời câu này"):
        services.answer_record(attempt=attempt, question=load_question(pk), raw=correct_raw(pk))
    assert PracticeAnswer.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's; SQLite locks the file")
def test_an_answer_locks_its_attempt_not_the_lesson(student, lesson):
    """Students of one lesson answer side by side: an answer's transaction holds no lock on the lesson or course."""
    attempt = services.attempt_start(student=student, lesson=lesson)
    pk = attempt.question_ids[0]
    services.answer_record(attempt=attempt, question=load_question(pk), raw=correct_raw(pk))
    # The test's transaction is still open, so the answer's row locks are still held.
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT 1 FROM lessons_lesson WHERE id = %s FOR UPDATE NOWAIT", [lesson.pk])
            assert cursor.fetchone() == (1,)
            cursor.execute("SELECT 1 FROM lessons_course WHERE id = %s FOR UPDATE NOWAIT", [lesson.course_id])
            assert cursor.fetchone() == (1,)
    finally:
        other.close()


@pytest.mark.parametrize(
    "question, raw, message",
    [
        ("foreign", None, "không thuộc bài luyện tập"),
        ("first", ["zz"], "lựa chọn không tồn tại"),
        ("first", [], "chưa trả lời"),
    ],
)
def test_bad_answers_change_nothing(student, lesson, question, raw, message):
    attempt = services.attempt_start(student=student, lesson=lesson)
    if question == "foreign":
        pk = lesson.practice_quiz.questions.exclude(pk__in=attempt.question_ids).values_list("pk", flat=True)[0]
        raw = correct_raw(pk)
    else:
        pk = attempt.question_ids[0]
    with pytest.raises(ValidationError, match=message):
        services.answer_record(attempt=attempt, question=load_question(pk), raw=raw)
    assert not PracticeAnswer.objects.exists()


def test_submit_needs_every_answer(student, lesson):
    attempt = services.attempt_start(student=student, lesson=lesson)
    with pytest.raises(ValidationError, match="còn 10 câu"):
        services.attempt_submit(attempt=attempt)
    assert PracticeAttempt.objects.get(pk=attempt.pk).submitted_at is None


def test_pass_at_mastery_completes_the_lesson(student, lesson):
    result = pass_lesson(student, lesson, wrong=2)  # 8/10 = 80% = mastery
    assert result.attempt.percent == 80 and result.attempt.passed
    assert result.completion.created and not result.completion.just_trained
    assert LessonCompletion.objects.get(student=student, lesson=lesson).best_percent == 80


def test_below_mastery_does_not_complete(student, lesson):
    result = pass_lesson(student, lesson, wrong=3)
    assert result.attempt.percent == 70 and not result.attempt.passed and result.completion is None
    assert not LessonCompletion.objects.exists()


def test_best_percent_is_kept_and_every_attempt_kept(student, lesson):
    pass_lesson(student, lesson, wrong=0)
    pass_lesson(student, lesson, wrong=2)
    pass_lesson(student, lesson, wrong=5)
    assert LessonCompletion.objects.get(student=student, lesson=lesson).best_percent == 100
    assert PracticeAttempt.objects.filter(student=student, lesson=lesson).count() == 3


def test_answers_after_submit_are_refused(student, lesson):
    attempt = services.attempt_start(student=student, lesson=lesson)
    answer_all(attempt)
    services.attempt_submit(attempt=attempt)
    with pytest.raises(ValidationError, match="đã nộp"):
        services.attempt_submit(attempt=attempt)
    with pytest.raises(ValidationError, match="đã nộp"):
        services.answer_record(attempt=attempt, question=load_question(attempt.question_ids[0]), raw=["a"])


def test_simulation_required_before_practice(student, course):
    l4 = Lesson.objects.get(key="l4")
    with pytest.raises(ValidationError, match="mô phỏng"):
        services.attempt_start(student=student, lesson=l4)
    complete_simulation(student, "portal")
    assert services.attempt_start(student=student, lesson=l4).pk


def test_just_trained_only_once(student, course):
    lessons = list(Lesson.objects.filter(required=True).order_by("order"))
    results = [pass_lesson(student, lesson) for lesson in lessons]
    assert [r.completion.just_trained for r in results] == [False] * (len(lessons) - 1) + [True]
    assert selectors.student_is_trained(student=student)
    again = pass_lesson(student, lessons[0])
    assert not again.completion.just_trained
    assert CourseCompletion.objects.filter(student=student).count() == 1


def test_in_person_completion_counts_toward_trained(world, student, course):
    lessons = list(Lesson.objects.filter(required=True).order_by("order"))
    for lesson in lessons[:-1]:
        services.lesson_complete(student=student, lesson=lesson, method="in_person", recorded_by=world.teacher)
    result = pass_lesson(student, lessons[-1])
    assert result.completion.just_trained
    first = LessonCompletion.objects.get(student=student, lesson=lessons[0])
    assert first.method == "in_person" and first.recorded_by == world.teacher


def test_lesson_complete_rejects_bad_input(student, lesson):
    with pytest.raises(ValidationError):
        services.lesson_complete(student=student, lesson=lesson, method="carrier-pigeon")
    with pytest.raises(ValidationError):
        services.lesson_complete(student=student, lesson=lesson, percent=101)
    assert not LessonCompletion.objects.exists()


def test_rating_needs_completion_and_replaces(student, lesson):
    with pytest.raises(ValidationError, match="hoàn thành bài học"):
        services.lesson_rate(student=student, lesson=lesson, stars=5)
    pass_lesson(student, lesson)
    services.lesson_rate(student=student, lesson=lesson, stars=5, comment="Hay")
    services.lesson_rate(student=student, lesson=lesson, stars=4)
    rating = LessonRating.objects.get(student=student, lesson=lesson)
    assert rating.stars == 4
    with pytest.raises(ValidationError):
        services.lesson_rate(student=student, lesson=lesson, stars=6)


def test_assignment_save_updates_due_date(world, lesson):
    services.assignment_save(classroom=world.classroom, lesson=lesson, due_on=date(2025, 10, 1), assigned_by=world.teacher)
    services.assignment_save(classroom=world.classroom, lesson=lesson, due_on=date(2025, 10, 8), assigned_by=world.teacher)
    assert LessonAssignment.objects.get().due_on == date(2025, 10, 8)
    with pytest.raises(ValidationError):
        services.assignment_save(classroom=world.classroom, lesson=lesson, due_on=date(2020, 1, 1),
                                 assigned_by=world.teacher)


def test_course_progress_and_grid(world, student, course, django_assert_max_num_queries):
    first, second = Lesson.objects.filter(course=course, is_active=True).order_by("order")[:2]
    services.assignment_save(classroom=world.classroom, lesson=second, due_on=date(2025, 10, 1), assigned_by=world.teacher)
    pass_lesson(student, first)
    with django_assert_max_num_queries(8):
        progress = selectors.course_progress(student=student)
    assert progress.required_done == 1 and progress.required_total == 8 and progress.percent == 12
    assert progress.next_lesson == second and progress.due_soon[0].lesson == second
    with django_assert_max_num_queries(6):
        grid = selectors.classroom_completion_grid(classroom=world.classroom)
    done = {row.student.pk: [bool(cell) for cell in row.cells] for row in grid.rows}
    assert done[student.pk][0] and not done[student.pk][1]
    assert grid.done_by_lesson[0] == 1
    names = [row.student.name_sort for row in grid.rows]
    assert names == sorted(names)


def test_rating_summary(world, course):
    lesson = Lesson.objects.get(key="l1")
    for student, stars in zip(world.students, (5, 4, 2), strict=True):
        pass_lesson(student, lesson)
        services.lesson_rate(student=student, lesson=lesson, stars=stars)
    summary = selectors.lesson_rating_summary(students=world.students[0].__class__.objects.all())
    row = next(r for r in summary if r.lesson == lesson)
    assert row.count == 3 and row.satisfied_percent == 67 and round(row.average, 2) == 3.67
    assert selectors.lesson_satisfaction(students=world.students[0].__class__.objects.all())["percent"] == 67


def test_teacher_question_validation(world):
    quiz = services.quiz_create(owner=world.teacher, school=world.school, title="Ôn tập")
    bad = services.QuestionData("single", "Câu?", "Vì.", [("A", True), ("B", True)])
    with pytest.raises(ValidationError, match="đúng 1 đáp án"):
        services.question_create(quiz=quiz, data=bad)
    good = services.QuestionData("ordering", "Xếp", "Vì.", [("Một", False), ("Hai", False), ("Ba", False)])
    question = services.question_create(quiz=quiz, data=good)
    assert [c.key for c in question.choices.order_by("position")] == ["a", "b", "c"]
    assert list(selectors.quiz_live_questions(quiz=quiz)) == [question]


def test_quiz_import_is_all_or_nothing(world):
    quiz = services.quiz_create(owner=world.teacher, school=world.school, title="Ôn tập")
    rows = [
        services.QuestionData("truefalse", "OTP được chia sẻ?", "Không.", [("Đúng", False), ("Sai", True)]),
        services.QuestionData("multiple", "Chọn", "Vì.", [("A", True), ("B", False)]),
    ]
    with pytest.raises(ValidationError, match="Dòng 3"):
        services.quiz_import(quiz=quiz, rows=rows)
    assert not quiz.questions.exists()
    services.quiz_import(quiz=quiz, rows=rows[:1])
    question = quiz.questions.get()
    assert question.choices.get(key="f").is_correct


def test_quizzes_usable_by_teacher(world, lesson):
    own = services.quiz_create(owner=world.teacher, school=world.school, title="Của tôi")
    colleague = services.quiz_create(owner=world.other_teacher, school=world.school, title="Đồng nghiệp")
    foreign = services.quiz_create(owner=world.foreign_province_admin, school=world.other_school, title="Trường khác")
    usable = set(selectors.quizzes_usable_by(user=world.teacher))
    assert {own, colleague, lesson.practice_quiz} <= usable and foreign not in usable
