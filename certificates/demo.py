"""Demo data: hs.demo's course certificate, once the lessons demo has made them trained.

Idempotent: issuing is, so running the demo again creates nothing new.
"""

from certificates.services import certificate_issue_course
from lessons.models import CourseCompletion


def seed(world) -> None:
    student = world.students[0]
    completion = CourseCompletion.objects.filter(student=student).select_related("course").first()
    if completion is None:
        return
    certificate_issue_course(student=student, course=completion.course, issued_by=world.school_admin)
