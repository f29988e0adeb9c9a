"""Submitting and skipping checks: who may, what is stored, and bad input that changes nothing."""

import pytest
from django.core.exceptions import ValidationError

from evidence import services
from evidence.models import CheckAnswer, LearningCheck
from tests.coverage.helpers import at, complete, train
from tests.evidence.factories import all_levels


def right(items, form):
    return {q.pk: ["a"] for q in items[form]}


def test_entry_check_is_graded_and_stored(world, items):
    student = world.students[0]
    responses = right(items, "A") | {items["A"][0].pk: ["b"]}
    check = services.check_submit(student=student, kind="entry", self_assessment=all_levels(2), responses=responses)
    assert (check.correct_count, check.total, check.percent) == (2, 3, 67)
    assert check.self_assessment == all_levels(2)
    assert CheckAnswer.objects.filter(learning_check=check).count() == 3
    assert CheckAnswer.objects.get(learning_check=check, question=items["A"][0]).is_correct is False


def test_exit_check_uses_form_b_and_opens_when_trained(world, course, items):
    student = world.students[0]
    with pytest.raises(ValidationError, match="hoàn thành mọi bài học bắt buộc"):
        services.check_submit(student=student, kind="exit", self_assessment=all_levels(4), responses=right(items, "B"))
    train(student, course, at(2025, 10, 1))
    with pytest.raises(ValidationError, match="cập nhật"):  # form A items are not the exit check
        services.check_submit(student=student, kind="exit", self_assessment=all_levels(4), responses=right(items, "A"))
    check = services.check_submit(student=student, kind="exit", self_assessment=all_levels(4),
                                  responses=right(items, "B"))
    assert check.percent == 100
    assert not set(check.answers.values_list("question_id", flat=True)) & {q.pk for q in items["A"]}


def test_one_entry_per_student(world, items):
    student = world.students[0]
    services.check_submit(student=student, kind="entry", self_assessment=all_levels(1), responses=right(items, "A"))
    with pytest.raises(ValidationError, match="rồi"):
        services.check_submit(student=student, kind="entry", self_assessment=all_levels(1),
                              responses=right(items, "A"))
    with pytest.raises(ValidationError, match="rồi"):
        services.check_skip(student=student, kind="entry")
    assert LearningCheck.objects.filter(student=student).count() == 1


def test_database_refuses_a_second_entry_row(world, items):
    """The unique constraint holds even when the service's own check is bypassed (two requests at once)."""
    student = world.students[0]
    services.check_skip(student=student, kind="entry")
    with pytest.raises(ValidationError, match="rồi"):
        services._create(student=student, kind="entry", skipped_at=LearningCheck.objects.get().skipped_at)


def test_entry_closes_once_a_lesson_is_complete(world, course, items):
    student = world.students[0]
    complete(student, course.lessons.all()[:1], at(2025, 10, 1))
    with pytest.raises(ValidationError, match="trước khi em hoàn thành bài học đầu tiên"):
        services.check_skip(student=student, kind="entry")
    assert not LearningCheck.objects.exists()


@pytest.mark.parametrize("levels", [{}, {"online": 1, "vneid": 2}, all_levels(5), {**all_levels(1), "x": 1}])
def test_bad_self_assessment_changes_nothing(world, items, levels):
    with pytest.raises(ValidationError, match="tự đánh giá"):
        services.check_submit(student=world.students[0], kind="entry", self_assessment=levels,
                              responses=right(items, "A"))
    assert not LearningCheck.objects.exists()


def test_missing_or_bad_response_changes_nothing(world, items):
    student = world.students[0]
    partial = right(items, "A")
    partial.pop(items["A"][1].pk)
    with pytest.raises(ValidationError, match="tải lại"):
        services.check_submit(student=student, kind="entry", self_assessment=all_levels(1), responses=partial)
    with pytest.raises(ValidationError, match="Câu 2"):  # lesson order: A1 and A3 (first lesson), then A2
        services.check_submit(student=student, kind="entry", self_assessment=all_levels(1),
                              responses=right(items, "A") | {items["A"][2].pk: ["zz"]})
    assert not LearningCheck.objects.exists() and not CheckAnswer.objects.exists()


def test_no_items_no_check(world, course):
    with pytest.raises(ValidationError, match="chưa có câu hỏi"):
        services.check_submit(student=world.students[0], kind="entry", self_assessment=all_levels(1), responses={})


def test_retired_items_leave_the_form(world, items):
    retired = items["A"][0]
    retired.is_retired = True
    retired.save()
    responses = right(items, "A")
    responses.pop(retired.pk)
    check = services.check_submit(student=world.students[0], kind="entry", self_assessment=all_levels(1),
                                  responses=responses)
    assert check.total == 2


def test_trained_student_may_skip_the_exit_check(world, course, items):
    student = world.students[0]
    train(student, course, at(2025, 10, 1))
    with pytest.raises(ValidationError, match="đã hoàn thành khóa học"):
        services.check_skip(student=student, kind="entry")
    check = services.check_skip(student=student, kind="exit")
    assert check.skipped and check.percent is None
