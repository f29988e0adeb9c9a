"""The display-name rule."""

import pytest

from schools import services
from schools.privacy import Audience, display_name, has_consent
from tests.factories import make_student


@pytest.mark.django_db
class TestDisplayName:
    def test_own_teacher_and_school_admin_see_the_full_name(self, world):
        student = world.students[0]
        assert display_name(student, audience=Audience.PRIVATE, viewer=world.teacher) == student.full_name
        assert display_name(student, audience=Audience.PRIVATE, viewer=world.school_admin) == student.full_name

    def test_the_student_sees_their_own_name(self, world):
        student = world.students[0]
        assert display_name(student, audience=Audience.PRIVATE, viewer=student) == student.full_name

    def test_other_teachers_classmates_and_province_admins_see_no_name(self, world):
        student = world.students[0]
        for viewer in (world.other_teacher, world.students[1], world.province_admin, world.foreign_province_admin):
            assert display_name(student, audience=Audience.PRIVATE, viewer=viewer) == "Học sinh"

    def test_shared_screens_show_only_the_nickname_even_to_the_teacher(self, world):
        student = world.students[0]
        shown = display_name(student, audience=Audience.SHARED_SCREEN, viewer=world.teacher, nickname="Cá Heo 7")
        assert shown == "Cá Heo 7"

    def test_public_pages_mask_the_name_with_consent(self, world):
        student = world.students[0]  # "Nguyễn Thị Hằng", consent recorded
        shown = display_name(student, audience=Audience.PUBLIC, school_name=world.school.name)
        assert shown == f"N. T. Hằng – {world.school.name}"

    def test_public_pages_show_no_name_without_consent(self, world):
        student = make_student(world.classroom, "Phan Văn Kiên", consent=False)
        assert not has_consent(student)
        shown = display_name(student, audience=Audience.PUBLIC, school_name=world.school.name)
        assert shown == f"một học sinh trường {world.school.name}"
        assert "Kiên" not in shown

    def test_under_18_needs_both_guardian_and_student(self, world, today):
        student = make_student(world.classroom, "Phan Văn Kiên", consent=False)
        services.consent_record(student=student, guardian_given=True, student_given=False, recorded_by=world.teacher,
                                on=today)
        assert not has_consent(student, on=today)
        services.consent_record(student=student, guardian_given=True, student_given=True, recorded_by=world.teacher,
                                on=today)
        assert has_consent(student, on=today)

    def test_at_18_the_student_alone_decides(self, world, today):
        student = make_student(world.classroom, "Phan Văn Kiên", consent=False)
        student.birth_date = today.replace(year=today.year - 18)
        student.save()
        services.consent_record(student=student, guardian_given=False, student_given=True, recorded_by=world.teacher,
                                on=today)
        assert has_consent(student, on=today)

    def test_consent_is_never_on_by_default(self, world):
        student, _password = services.student_create(classroom=world.classroom, full_name="Mai Thị Lan")
        assert not student.consent.guardian_given and not student.consent.student_given
        assert not has_consent(student)
