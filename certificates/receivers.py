"""Receivers of the schools app's documented extension points."""

from schools.signals import student_deidentified


def forget_holder(sender, *, student, **kwargs):
    """A withdrawal of consent leaves no printed name behind: certificates keep only the anonymous one."""
    from certificates.models import Certificate

    Certificate.objects.filter(student=student).update(holder_name=student.full_name, class_name="")


def connect() -> None:
    student_deidentified.connect(forget_holder, dispatch_uid="certificates.forget_holder")
