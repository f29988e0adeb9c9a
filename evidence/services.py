"""Writes of the learning evidence: submitting or skipping a student's entry or exit check."""

from collections.abc import Mapping, Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evidence import rules, selectors
from evidence.models import LearningCheck
from lessons import grading
from lessons.keys import question_answer_key
from schools.models import User

ALREADY = "already"


def _refuse_unless_open(*, student: User, kind: str) -> None:
    reason = selectors.student_checks(student=student).refusal(kind)
    if reason:
        raise ValidationError(reason, code="refused")


def _create(**values) -> LearningCheck:
    try:
        with transaction.atomic():
            return LearningCheck.objects.create(**values)
    except IntegrityError as error:  # a second tab or a double click got there first
        raise ValidationError(_("Em đã làm hoặc đã bỏ qua bài kiểm tra này rồi."), code=ALREADY) from error


@transaction.atomic
def check_submit(
    *, student: User, kind: str, self_assessment: Mapping[str, int], responses: Mapping[int, Sequence[str]],
    now: datetime | None = None,
) -> LearningCheck:
    """Grade and store a whole check: every self-assessment item and every item of the form answered."""
    _refuse_unless_open(student=student, kind=kind)
    if not rules.valid_self_assessment(self_assessment):
        raise ValidationError(_("Phần tự đánh giá chưa đủ hoặc không hợp lệ."), code="self_assessment")
    questions = selectors.form_questions(kind)
    if set(responses) != {q.pk for q in questions}:
        raise ValidationError(
            _("Bài kiểm tra vừa được cập nhật. Em hãy tải lại trang và làm lại."), code="changed"
        )
    graded = []
    for number, question in enumerate(questions, start=1):
        key = question_answer_key(question)
        try:
            response = grading.parse_response(key, list(responses[question.pk]))
        except grading.InvalidResponse as error:
            raise ValidationError(_("Câu %(n)s: %(e)s") % {"n": number, "e": error.message},
                                  code=str(error.code)) from error
        graded.append((question, grading.response_to_raw(response), grading.grade(key, response)))
    correct = sum(ok for _q, _raw, ok in graded)
    check = _create(
        student=student, kind=kind, seed=selectors.check_seed(student=student, kind=kind),
        submitted_at=now or timezone.now(), self_assessment=dict(self_assessment),
        correct_count=correct, total=len(graded), percent=grading.attempt_percent(correct, len(graded)),
    )
    check.answers.bulk_create([
        check.answers.model(learning_check=check, question=question, response=raw, is_correct=ok)
        for question, raw, ok in graded
    ])
    return check


@transaction.atomic
def check_skip(*, student: User, kind: str, now: datetime | None = None) -> LearningCheck:
    """Record that the student skipped the check; the course page stops offering it."""
    _refuse_unless_open(student=student, kind=kind)
    return _create(student=student, kind=kind, skipped_at=now or timezone.now())
