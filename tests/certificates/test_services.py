"""Issuing, numbering, idempotence, consent and revocation of certificates."""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from certificates import pdf
from certificates.documents import certificate_document, verify_url
from certificates.models import Certificate, CertificateCounter
from certificates.services import (
    certificate_issue_award,
    certificate_issue_class,
    certificate_issue_course,
    certificate_revoke,
)
from schools import services as school_services
from tests.certificates.factories import course, issue_award, issue_course, make_trained
from tests.factories import make_school, make_student

pytestmark = pytest.mark.django_db

Kind = Certificate.Kind


def test_course_certificate_snapshots_what_it_prints(world):
    """Title, holder, class, school, year, signer and number are stored as printed."""
    student = world.students[0]
    certificate = issue_course(student, issued_by=world.school_admin)

    assert certificate.title_text == (
        "Giấy chứng nhận hoàn thành khóa học Kỹ năng sử dụng dịch vụ công trực tuyến"
    )
    assert certificate.holder_name == student.full_name
    assert certificate.class_name == "10A1"
    assert certificate.school_name == world.school.name
    assert certificate.department_name == world.province.department_name
    assert certificate.school_year == "2025-2026"
    assert certificate.signer_title == world.school.principal_title
    assert certificate.signer_name == world.school.principal_name
    assert certificate.number == f"1/GCN-{world.school.code}"
    assert certificate.kind == Kind.COURSE
    assert certificate.issued_by == world.school_admin
    assert "Kỹ năng sử dụng dịch vụ công trực tuyến" in certificate.achievement


def test_numbers_are_sequential_per_school_and_year(world):
    """Each school counts from 1 in each calendar year, independently."""
    first = [issue_course(student) for student in world.students]
    foreign = issue_course(world.foreign_student)

    assert [c.serial for c in first] == [1, 2, 3]
    assert [c.number for c in first] == [f"{n}/GCN-{world.school.code}" for n in (1, 2, 3)]
    assert foreign.serial == 1
    assert foreign.number == f"1/GCN-{world.other_school.code}"


def test_a_new_calendar_year_starts_again_at_one(world):
    """Last year's counter does not continue into this year's numbers."""
    this_year = issue_course(world.students[0]).year
    CertificateCounter.objects.create(school=world.school, year=this_year - 1, last_serial=250)

    assert issue_course(world.students[1]).serial == 2
    assert CertificateCounter.objects.get(school=world.school, year=this_year - 1).last_serial == 250


def test_issuing_twice_returns_the_same_certificate(world):
    """Idempotent: the same achievement never gets a second number."""
    student = world.students[0]
    first = issue_course(student)
    again = certificate_issue_course(student=student, course=course())

    assert again.pk == first.pk
    assert Certificate.objects.count() == 1
    assert CertificateCounter.objects.get(school=world.school).last_serial == 1


def test_course_certificate_is_refused_without_consent(world):
    """No consent recorded: a Vietnamese error and nothing written."""
    student = make_student(world.classroom, "Đặng Văn Chưa", consent=False)

    with pytest.raises(ValidationError) as caught:
        issue_course(student)

    assert "đồng ý" in caught.value.messages[0]
    assert not Certificate.objects.exists()
    assert not CertificateCounter.objects.exists()


def test_half_consent_is_not_consent(world):
    """A minor needs both the guardian and the student."""
    student = make_student(world.classroom, "Đặng Văn Nửa", consent=False)
    school_services.consent_record(
        student=student, guardian_given=True, student_given=False, recorded_by=world.teacher, on=date(2025, 9, 10)
    )

    with pytest.raises(ValidationError):
        issue_course(student)


def test_course_certificate_needs_the_course_completed(world):
    with pytest.raises(ValidationError) as caught:
        certificate_issue_course(student=world.students[0], course=course())

    assert "chưa hoàn thành" in caught.value.messages[0]
    assert not Certificate.objects.exists()


def test_renames_after_issue_do_not_change_the_certificate(world):
    """The student, class and school may be renamed; the issued record keeps what it printed."""
    student = world.students[0]
    certificate = issue_course(student)
    school_name = world.school.name
    student.full_name = "Nguyễn Thị Hằng Mới"
    student.save()
    world.classroom.name = "10A9"
    world.classroom.save()
    world.school.name = "Trường THPT Đổi Tên"
    world.school.save()
    certificate.refresh_from_db()

    document = certificate_document(certificate)
    assert document.holder_name == "Nguyễn Thị Hằng"
    assert document.class_name == "10A1"
    assert document.school_name == school_name.upper()


def test_consecutive_certificates_have_unrelated_codes(world):
    """Codes of consecutive certificates differ almost everywhere: nothing to count up from."""
    first, second, third = (issue_course(student).code for student in world.students)

    for a, b in ((first, second), (second, third)):
        assert len(a) == len(b) == 28
        assert sum(x != y for x, y in zip(a, b, strict=True)) > 14


def test_stored_qr_matrix_is_the_verify_url(world):
    """The QR computed at issue encodes the public verification address."""
    certificate = issue_course(world.students[0])

    assert certificate.qr_url == verify_url(certificate.code)
    assert pdf.qr_unpack(certificate.qr_matrix) == pdf.qr_matrix(certificate.qr_url)


@pytest.mark.parametrize(
    ("kind", "title"),
    [
        (Kind.AWARD_FIRST, "Giấy chứng nhận đạt giải Nhất"),
        (Kind.AWARD_SECOND, "Giấy chứng nhận đạt giải Nhì"),
        (Kind.AWARD_THIRD, "Giấy chứng nhận đạt giải Ba"),
        (Kind.AWARD_CONSOLATION, "Giấy chứng nhận đạt giải Khuyến khích"),
        (Kind.PARTICIPATION, "Giấy chứng nhận đã tham gia cuộc thi"),
    ],
)
def test_contest_certificates_carry_their_prize(world, kind, title):
    certificate = issue_award(world.students[0], world.school, kind=kind, source_key=f"online-contest:7:{kind}")

    assert certificate.title_text == title
    assert "Giấy khen" not in certificate.title_text
    assert certificate.certifier_line == "Ban Tổ chức cuộc thi chứng nhận"
    assert certificate.signer_title == "TRƯỞNG BAN TỔ CHỨC"
    assert certificate.achievement_lines == ["Cuộc thi trực tuyến «Em yêu dịch vụ công» năm 2025"]


def test_contest_and_course_certificates_share_the_school_numbering(world):
    student = world.students[0]
    award = issue_award(student, world.school)
    trained = issue_course(student)

    assert (award.serial, trained.serial) == (1, 2)
    assert issue_award(student, world.school).pk == award.pk


@pytest.mark.parametrize(
    "overrides",
    [
        {"kind": "giay_khen"},
        {"kind": Kind.COURSE},
        {"achievement_lines": []},
        {"achievement_lines": ["  "]},
        {"achievement_lines": ["x" * 201]},
        {"achievement_lines": ["một", "hai", "ba", "bốn", "năm"]},
        {"issuer_line": " "},
        {"signer_title": ""},
        {"source_key": ""},
        {"source_key": "x" * 121},
    ],
)
def test_bad_contest_input_is_refused_and_writes_nothing(world, overrides):
    arguments = {
        "student": world.students[0],
        "school": world.school,
        "kind": Kind.AWARD_FIRST,
        "achievement_lines": ["Cuộc thi trực tuyến năm 2025"],
        "issuer_line": "Ban Tổ chức cuộc thi chứng nhận",
        "signer_title": "TRƯỞNG BAN",
        "signer_name": "Trần Văn Hiệu",
        "source_key": "online-contest:1:first",
        **overrides,
    }
    with pytest.raises(ValidationError):
        certificate_issue_award(**arguments)

    assert not Certificate.objects.exists()


def test_contest_certificate_only_for_a_student_of_that_school(world):
    with pytest.raises(ValidationError) as caught:
        issue_award(world.foreign_student, world.school)

    assert "không phải học sinh" in caught.value.messages[0]


def test_contest_certificate_is_refused_without_consent(world):
    student = make_student(world.classroom, "Đặng Văn Chưa", consent=False)

    with pytest.raises(ValidationError):
        issue_award(student, world.school)
    assert not Certificate.objects.exists()


def test_revocation_records_when_why_and_who(world):
    certificate = issue_course(world.students[0])

    revoked = certificate_revoke(certificate=certificate, reason="  Ghi  sai họ tên ", revoked_by=world.school_admin)

    assert revoked.is_revoked
    assert revoked.revocation_reason == "Ghi sai họ tên"
    assert revoked.revoked_by == world.school_admin


@pytest.mark.parametrize("reason", ["", "   ", "sai", "x" * 501])
def test_revocation_needs_a_reason(world, reason):
    certificate = issue_course(world.students[0])

    with pytest.raises(ValidationError):
        certificate_revoke(certificate=certificate, reason=reason, revoked_by=world.school_admin)

    certificate.refresh_from_db()
    assert not certificate.is_revoked


def test_revoking_twice_is_refused_and_keeps_the_first_record(world):
    certificate = issue_course(world.students[0])
    certificate_revoke(certificate=certificate, reason="Ghi sai họ tên", revoked_by=world.school_admin)

    with pytest.raises(ValidationError) as caught:
        certificate_revoke(certificate=certificate, reason="Lý do khác nữa", revoked_by=world.teacher)

    assert "đã bị thu hồi" in caught.value.messages[0]
    certificate.refresh_from_db()
    assert certificate.revocation_reason == "Ghi sai họ tên"
    assert certificate.revoked_by == world.school_admin


def test_a_revoked_certificate_may_be_replaced_with_a_new_number(world):
    """After revocation the achievement can be certified again, under a new number and code."""
    student = world.students[0]
    first = issue_course(student)
    certificate_revoke(certificate=first, reason="Ghi sai họ tên", revoked_by=world.school_admin)

    second = issue_course(student)

    assert second.pk != first.pk
    assert second.serial == 2
    assert second.code != first.code


def test_class_issue_reports_who_was_skipped_and_why(world):
    """Trained students with consent get certificates; the others are listed with a reason."""
    trained_with_consent, already, untrained = world.students
    no_consent = make_student(world.classroom, "Đặng Văn Chưa", consent=False)
    make_trained(trained_with_consent)
    make_trained(no_consent)
    existing = issue_course(already)

    report = certificate_issue_class(classroom=world.classroom, course=course(), issued_by=world.school_admin)

    assert [c.student for c in report.issued] == [trained_with_consent]
    assert report.already == [existing]
    skipped = dict(report.skipped)
    assert set(skipped) == {untrained, no_consent}
    assert "hoàn thành" in skipped[untrained]
    assert "đồng ý" in skipped[no_consent]
    assert Certificate.objects.count() == 2


def test_class_issue_again_issues_nothing_new(world):
    for student in world.students:
        make_trained(student)
    certificate_issue_class(classroom=world.classroom, course=course(), issued_by=world.school_admin)

    report = certificate_issue_class(classroom=world.classroom, course=course(), issued_by=world.school_admin)

    assert report.issued == []
    assert len(report.already) == 3
    assert Certificate.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_get_distinct_sequential_numbers():
    """On PostgreSQL, simultaneous issues at one school lock the counter and never share a number."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (set TEST_DATABASE_URL)")
    from tests.factories import make_province, make_year

    make_year()
    school = make_school(make_province())
    classroom = school_services.classroom_create(school=school, school_year=make_year(), name="10A1")
    students = [make_student(classroom, f"Học Sinh Số {index}") for index in range(8)]
    barrier = threading.Barrier(len(students))
    errors = []

    def issue(student):
        try:
            barrier.wait(timeout=10)
            issue_award(student, school)
            issue_award(student, school)  # idempotent under concurrency too
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(student,)) for student in students]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    serials = sorted(Certificate.objects.filter(school=school).values_list("serial", flat=True))
    assert serials == list(range(1, len(students) + 1))
    assert CertificateCounter.objects.get(school=school).last_serial == len(students)


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_for_one_achievement_give_one_certificate():
    """Two requests issuing the same student's certificate at once still yield a single record."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (set TEST_DATABASE_URL)")
    from tests.factories import make_province, make_year

    school = make_school(make_province())
    classroom = school_services.classroom_create(school=school, school_year=make_year(), name="10A1")
    student = make_student(classroom, "Nguyễn Thị Hằng")
    barrier = threading.Barrier(4)
    results, errors = [], []

    def issue():
        try:
            barrier.wait(timeout=10)
            results.append(issue_award(student, school).pk)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(set(results)) == 1
    assert Certificate.objects.filter(student=student).count() == 1
