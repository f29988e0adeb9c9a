"""The student's path through the course page, the check page and their own before/after."""

import pytest
from django.urls import reverse

from evidence import selectors
from evidence.forms import field_prefix
from evidence.models import LearningCheck
from lessons import practice
from tests.coverage.helpers import at, train


@pytest.fixture
def student(world):
    return world.students[0]


@pytest.fixture
def student_client(client, student):
    client.force_login(student)
    return client


def filled(student, kind, *, level="2", wrong=()):
    """A complete POST of the check page: option positions found as the page shows them."""
    seed = selectors.check_seed(student=student, kind=kind)
    data = {f"sa_{key}": level for key in ("online", "vneid", "portal")}
    for number, question in enumerate(selectors.form_questions(kind), start=1):
        view = practice.question_view(number, question, seed)
        wanted = "Lựa chọn b" if question.pk in wrong else "Lựa chọn a"
        data[field_prefix(question.pk) + "answer"] = str(next(o.index for o in view.options if o.text == wanted))
    return data


def test_new_student_is_offered_the_entry_check(student_client, items):
    body = student_client.get(reverse("course_overview")).content.decode()
    assert "bài kiểm tra đầu vào" in body and "Bỏ qua" in body


def test_check_page_shows_self_assessment_and_items_without_ids(student_client, items):
    body = student_client.get(reverse("evidence_check", args=["entry"])).content.decode()
    assert "Em có tài khoản VNeID mức 2 chưa?" in body
    assert all(q.text in body for q in items["A"]) and not any(q.text in body for q in items["B"])
    assert 'value="a"' not in body  # options travel as display positions


def test_completed_entry_then_course_page_stops_offering_it(student_client, student, items):
    response = student_client.post(reverse("evidence_check", args=["entry"]),
                                   filled(student, "entry", wrong={items["A"][0].pk}))
    assert response.status_code == 302 and response["Location"] == reverse("evidence_mine")
    check = LearningCheck.objects.get(student=student, kind="entry")
    assert (check.correct_count, check.total) == (2, 3)
    body = student_client.get(reverse("course_overview")).content.decode()
    assert "Làm bài kiểm tra đầu vào" not in body and "Xem kết quả của em" in body


def test_skip_records_and_returns_to_the_course(student_client, student, items):
    response = student_client.post(reverse("evidence_skip", args=["entry"]))
    assert response.status_code == 302 and response["Location"] == reverse("course_overview")
    assert LearningCheck.objects.get(student=student).skipped
    assert "Làm bài kiểm tra đầu vào" not in student_client.get(reverse("course_overview")).content.decode()


@pytest.mark.parametrize("tamper", [
    lambda data, items: data.pop("sa_portal"),
    lambda data, items: data.update(sa_online="9"),
    lambda data, items: data.pop(field_prefix(items["A"][1].pk) + "answer"),
    lambda data, items: data.update({field_prefix(items["A"][1].pk) + "answer": "7"}),
    lambda data, items: data.update({field_prefix(items["A"][1].pk) + "answer": "-1"}),
])
def test_bad_post_gets_a_vietnamese_error_and_changes_nothing(student_client, student, items, tamper):
    data = filled(student, "entry")
    tamper(data, items)
    response = student_client.post(reverse("evidence_check", args=["entry"]), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'role="alert"' in body and ("Câu" in body or "tự đánh giá" in body)
    assert not LearningCheck.objects.exists()


def test_exit_check_is_refused_before_training(student_client, items):
    response = student_client.post(reverse("evidence_check", args=["exit"]), {})
    assert response.status_code == 400
    assert "hoàn thành mọi bài học bắt buộc" in response.content.decode()
    assert not LearningCheck.objects.exists()


def test_trained_student_is_offered_the_exit_check_and_sees_before_after(student_client, student, course, items):
    student_client.post(reverse("evidence_check", args=["entry"]), filled(student, "entry", level="1",
                                                                           wrong={q.pk for q in items["A"]}))
    train(student, course, at(2025, 10, 1))
    body = student_client.get(reverse("course_overview")).content.decode()
    assert "Làm bài kiểm tra cuối khóa" in body
    response = student_client.post(reverse("evidence_check", args=["exit"]), filled(student, "exit", level="4"))
    assert response.status_code == 302
    body = student_client.get(reverse("evidence_mine")).content.decode()
    assert "0% trước khóa học, 100% sau khóa học" in body
    assert "Chưa, em chưa biết cách làm" in body and "Đã tự làm được" in body


def test_teacher_has_no_check_page(client, world, items):
    client.force_login(world.teacher)
    assert client.get(reverse("evidence_check", args=["entry"])).status_code == 403
