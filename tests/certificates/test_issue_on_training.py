"""A course certificate is issued the moment a completion makes a student trained."""

import pytest
from django.urls import reverse

from certificates.models import Certificate
from certificates.services import certificate_issue_on_training
from coverage import services as coverage_services
from lessons import services as lessons_services
from lessons.models import Lesson
from tests.factories import make_student
from tests.lessons.helpers import complete_simulation, form_data, pass_lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(db):
    return lessons_services.curriculum_load().course


def _pass_all_but_last(student, course):
    lessons = list(Lesson.objects.filter(course=course, required=True).order_by("order"))
    for lesson in lessons[:-1]:
        pass_lesson(student, lesson)
    return lessons[-1]


def test_passing_the_last_required_lesson_issues_the_certificate(client, world, course):
    student = world.students[0]
    last = _pass_all_but_last(student, course)
    assert not Certificate.objects.filter(student=student).exists()
    if last.simulation_required:
        complete_simulation(student, last.simulation)
    attempt = lessons_services.attempt_start(student=student, lesson=last)
    client.force_login(student)
    for question_id in attempt.question_ids:
        client.post(reverse("answer_submit", args=[attempt.pk]), form_data(attempt, question_id))
    response = client.post(reverse("attempt_submit", args=[attempt.pk]))
    assert response.status_code == 302
    certificate = Certificate.objects.get(student=student)
    assert certificate.kind == Certificate.Kind.COURSE and certificate.holder_name == student.full_name


def test_without_consent_the_course_completes_but_no_certificate_is_issued(world, course):
    student = make_student(world.classroom, "Hà Văn Chưa", consent=False)
    last = _pass_all_but_last(student, course)
    result = pass_lesson(student, last)
    assert result.completion.just_trained
    assert certificate_issue_on_training(completion=result.completion) is None
    assert not Certificate.objects.filter(student=student).exists()


def test_an_in_person_session_that_finishes_the_course_issues_the_certificate(world, course):
    student = world.students[1]
    last = _pass_all_but_last(student, course)
    coverage_services.training_session_record(
        classroom=world.classroom, lesson=last, held_on=world.year.starts_on.replace(month=10),
        attendees=[student], recorded_by=world.teacher,
    )
    assert Certificate.objects.filter(student=student, kind=Certificate.Kind.COURSE).count() == 1
