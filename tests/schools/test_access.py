"""Scoping functions: each role sees only its own classes, school or province."""

import pytest

from schools.access import classrooms_managed, is_staff_of_student, students_managed


@pytest.mark.django_db
def test_teacher_manages_only_their_classes(world):
    assert list(classrooms_managed(world.teacher)) == [world.classroom]
    assert set(students_managed(world.teacher)) == set(world.students)


@pytest.mark.django_db
def test_school_admin_manages_their_school_only(world):
    assert set(classrooms_managed(world.school_admin)) == {world.classroom, world.other_classroom}
    assert world.foreign_student not in students_managed(world.school_admin)


@pytest.mark.django_db
def test_province_admin_manages_no_class(world):
    assert not classrooms_managed(world.province_admin).exists()
    assert not is_staff_of_student(world.province_admin, world.students[0])
