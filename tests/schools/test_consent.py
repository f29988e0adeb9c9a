"""Recording consent on the class page, and the printable consent form of a class."""

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from schools import services
from schools.models import Consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_student(world):
    """A student just added to 10A1: no consent recorded."""
    student, _password = services.student_create(classroom=world.classroom, full_name="Kim Thị Chưa")
    return student


def consent_url(world):
    return reverse("classroom_consent", args=[world.classroom.pk])


def ticks(world, **overrides) -> dict:
    """The form as it stands (everyone's current consent), with ``overrides`` such as guardian_12="on"."""
    data = {"recorded_on": "2025-11-20"}
    for student in world.classroom.enrollments.values_list("student", flat=True):
        consent = Consent.objects.get(student_id=student)
        if consent.guardian_given:
            data[f"guardian_{student}"] = "on"
        if consent.student_given:
            data[f"student_{student}"] = "on"
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


class TestConsentPage:
    def test_consent_is_never_on_by_default(self, client, world, fresh_student):
        client.force_login(world.teacher)
        body = client.get(consent_url(world)).content.decode()
        assert "Kim Thị Chưa" in body
        assert f'name="guardian_{fresh_student.pk}" id="id_guardian_{fresh_student.pk}">' in body
        assert f'name="guardian_{world.students[0].pk}" id="id_guardian_{world.students[0].pk}" checked>' in body

    def test_ticking_records_each_side_with_date_and_recorder(self, client, world, fresh_student):
        client.force_login(world.teacher)
        response = client.post(consent_url(world), ticks(world, **{f"guardian_{fresh_student.pk}": "on"}))
        assert response.status_code == 302 and response["Location"] == world.classroom.get_absolute_url()
        consent = Consent.objects.get(student=fresh_student)
        assert (consent.guardian_given, consent.guardian_recorded_on, consent.guardian_recorded_by) == (
            True, date(2025, 11, 20), world.teacher
        )
        assert not consent.student_given and consent.student_recorded_on is None
        others = Consent.objects.get(student=world.students[0])
        assert others.guardian_recorded_by == world.students[0], "unchanged students keep their record"

        client.post(consent_url(world), ticks(world, **{f"student_{fresh_student.pk}": "on"}))
        consent.refresh_from_db()
        assert consent.is_complete(date(2025, 11, 20))
        page = client.get(world.classroom.get_absolute_url()).content.decode()
        assert page.count("Đã đồng ý") >= 4

    def test_unticking_records_a_withdrawal(self, client, world):
        student = world.students[1]
        client.force_login(world.school_admin)
        client.post(consent_url(world), ticks(world, **{f"guardian_{student.pk}": None}))
        consent = Consent.objects.get(student=student)
        assert not consent.guardian_given and consent.student_given
        assert consent.guardian_recorded_by == world.school_admin

    def test_a_date_in_the_future_is_refused_and_nothing_changes(self, client, world, fresh_student):
        client.force_login(world.teacher)
        tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
        response = client.post(consent_url(world), ticks(world, recorded_on=tomorrow, **{f"guardian_{fresh_student.pk}": "on"}))
        assert response.status_code == 400
        assert "không được ở sau hôm nay" in response.content.decode()
        assert not Consent.objects.get(student=fresh_student).guardian_given

    def test_ticks_for_students_outside_the_class_are_ignored(self, client, world):
        foreign = world.foreign_student
        services.consent_record(student=foreign, guardian_given=False, student_given=False, recorded_by=foreign,
                                on=date(2025, 10, 1))
        client.force_login(world.teacher)
        client.post(consent_url(world), ticks(world, **{f"guardian_{foreign.pk}": "on", f"student_{foreign.pk}": "on"}))
        assert not Consent.objects.get(student=foreign).guardian_given

    def test_a_colleague_cannot_record_consent_for_the_class(self, client, world, fresh_student):
        client.force_login(world.other_teacher)
        response = client.post(consent_url(world), ticks(world, **{f"guardian_{fresh_student.pk}": "on"}))
        assert response.status_code == 404
        assert not Consent.objects.get(student=fresh_student).guardian_given


class TestConsentForm:
    def test_the_form_has_one_page_per_student_explaining_what_is_collected(self, client, world, fresh_student):
        client.force_login(world.teacher)
        response = client.get(reverse("classroom_consent_form", args=[world.classroom.pk]))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        pages = [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]
        assert len(pages) == 4
        first = pages[0]
        for text in ("PHIẾU LẤY Ý KIẾN ĐỒNG Ý XỬ LÝ DỮ LIỆU CÁ NHÂN CỦA HỌC SINH", "91/2025/QH15", "356/2025/NĐ-CP",
                     "Dữ liệu được xử lý", "Mã định danh Bộ GD&ĐT", "căn cước công dân", "Không đồng ý",
                     "Ký và ghi rõ họ tên", world.school.name.upper(), "Lớp: 10A1"):
            assert text in first, text
        names = {"Trần Văn An", "Lê Đức Bình", "Nguyễn Thị Hằng", "Kim Thị Chưa"}
        assert {name for name in names for page in pages if name in page} == names

    def test_an_empty_class_gets_one_blank_form(self, client, world):
        client.force_login(world.other_teacher)
        response = client.get(reverse("classroom_consent_form", args=[world.other_classroom.pk]))
        pages = PdfReader(io.BytesIO(response.content)).pages
        assert len(pages) == 1 and "Họ và tên học sinh: ……" in pages[0].extract_text()
