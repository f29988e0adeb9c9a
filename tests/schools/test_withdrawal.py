"""Withdrawal of consent: the student is de-identified everywhere, anonymous counts stay."""

from datetime import date

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse

from schools import selectors, services
from schools.models import Consent, Enrollment, User
from schools.privacy import Audience, display_name
from schools.signals import student_deidentified
from tests.factories import PASSWORD, make_user
from tests.schools.roster_helpers import found_in_database

pytestmark = pytest.mark.django_db
ON = date(2025, 11, 20)


@pytest.fixture
def identified(world):
    """A student with a MOET code, birth date and sex, and an admin log entry quoting her name."""
    student = world.students[0]
    student.full_name = "Nguyễn Thị Riêng Tư"
    student.student_key = "6400777001"
    student.key_kind = User.KeyKind.MOET
    student.birth_date = date(2009, 3, 4)
    student.sex = User.Sex.FEMALE
    student.save()
    LogEntry.objects.log_actions(
        user_id=world.school_admin.pk, queryset=[student], action_flag=CHANGE, change_message="sửa họ tên"
    )
    LogEntry.objects.create(
        user=world.school_admin, content_type=ContentType.objects.get_for_model(Consent),
        object_id=str(student.consent.pk), object_repr=str(student.consent), action_flag=CHANGE,
    )
    return student


def test_deidentifying_leaves_no_trace_of_the_name_or_code_in_the_database(world, identified):
    old_username = identified.username
    assert found_in_database("Nguyễn Thị Riêng Tư", "6400777001"), "the scan finds what is there"
    services.student_deidentify(student=identified, withdrawn_by=world.school_admin, on=ON)
    assert found_in_database("Nguyễn Thị Riêng Tư", "6400777001", old_username) == []


def test_what_is_kept_is_anonymous_and_still_counted(world, identified):
    enrolled = selectors.school_student_count(world.school, world.year)
    student = services.student_deidentify(student=identified, withdrawn_by=world.school_admin, on=ON)
    assert student.full_name.startswith("Học sinh đã ẩn danh #") and student.is_deidentified
    assert (student.student_key, student.key_kind, student.birth_date, student.sex) == (None, "", None, "")
    assert not student.has_usable_password() and not student.check_password(PASSWORD)
    assert student.username.startswith("an-danh-")
    assert Enrollment.objects.filter(student=student, classroom=world.classroom).exists()
    assert selectors.school_student_count(world.school, world.year) == enrolled
    consent = Consent.objects.get(student=student)
    assert (consent.guardian_given, consent.student_given) == (False, False)
    assert consent.guardian_recorded_by == world.school_admin and consent.guardian_recorded_on == ON
    assert display_name(student, audience=Audience.PUBLIC, school_name="THPT X") == "một học sinh trường THPT X"


def test_the_student_can_no_longer_log_in(client, world, identified):
    old_username = identified.username
    services.student_deidentify(student=identified, withdrawn_by=world.school_admin, on=ON)
    assert not client.login(username=old_username, password=PASSWORD)


def test_apps_holding_copies_are_told_inside_the_transaction(world, identified):
    received = []

    def receiver(sender, student, **kwargs):
        received.append((student.pk, student.full_name))

    student_deidentified.connect(receiver)
    try:
        services.student_deidentify(student=identified, withdrawn_by=world.school_admin, on=ON)
    finally:
        student_deidentified.disconnect(receiver)
    assert received == [(identified.pk, User.objects.get(pk=identified.pk).full_name)]


def test_staff_accounts_and_already_anonymous_students_are_refused(world, identified):
    with pytest.raises(ValidationError):
        services.student_deidentify(student=world.teacher, withdrawn_by=world.school_admin, on=ON)
    services.student_deidentify(student=identified, withdrawn_by=world.school_admin, on=ON)
    with pytest.raises(ValidationError):
        services.student_deidentify(student=identified, withdrawn_by=world.school_admin, on=ON)
    assert User.objects.get(pk=world.teacher.pk).full_name == "Phạm Thị Lan"


def test_anonymous_students_leave_the_consent_and_slip_pages(client, world, identified):
    services.student_deidentify(student=identified, withdrawn_by=world.school_admin, on=ON)
    client.force_login(world.teacher)
    for name in ("classroom_consent", "classroom_slips"):
        body = client.get(reverse(name, args=[world.classroom.pk])).content.decode()
        assert "ẩn danh" not in body and "Trần Văn An" in body


class TestAdminAction:
    @pytest.fixture
    def superuser_client(self, client):
        superuser = make_user("quantri", "Quản Trị Viên")
        superuser.is_staff = superuser.is_superuser = True
        superuser.save()
        client.force_login(superuser)
        return client

    def test_the_action_asks_for_confirmation_then_deidentifies(self, superuser_client, world, identified):
        url = reverse("admin:schools_user_changelist")
        data = {"action": "deidentify_students", "_selected_action": [identified.pk, world.teacher.pk]}
        page = superuser_client.post(url, data)
        assert page.status_code == 200 and "Không thể hoàn tác" in page.content.decode()
        assert not User.objects.get(pk=identified.pk).is_deidentified

        response = superuser_client.post(url, {**data, "confirm": "yes"}, follow=True)
        body = response.content.decode()
        assert "Đã ẩn danh 1 học sinh." in body and "Chỉ ẩn danh được tài khoản học sinh." in body
        assert User.objects.get(pk=identified.pk).is_deidentified
        assert not User.objects.get(pk=world.teacher.pk).is_deidentified
        assert found_in_database("Nguyễn Thị Riêng Tư", "6400777001") == []


def test_issued_certificates_forget_the_holder_name(world, identified):
    from tests.certificates.factories import issue_course

    certificate = issue_course(identified)
    assert certificate.holder_name == "Nguyễn Thị Riêng Tư"
    services.student_deidentify(student=identified, withdrawn_by=world.school_admin, on=ON)
    certificate.refresh_from_db()
    identified.refresh_from_db()
    assert certificate.holder_name == identified.full_name != "Nguyễn Thị Riêng Tư"
    assert found_in_database("Nguyễn Thị Riêng Tư") == []
