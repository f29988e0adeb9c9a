"""Demo coverage data for `make run`: a province target, an in-person session, a few people guided.

Runs after the lessons demo (which trains some students and then moves their
records back in time). Idempotent: each piece is looked up first and created only
when missing; the demo students' summaries are rebuilt from their records last.
"""

from datetime import date

from coverage import services, summaries
from coverage.models import GuidedPerson, Target, TrainingSession
from lessons.models import CourseCompletion, Lesson
from schools.models import Enrollment

SESSION_DAY = date(2025, 10, 14)
GUIDED = [
    ("parent", "vneid", date(2025, 11, 2), True),
    ("grandparent", "insurance", date(2025, 11, 16), False),
    ("neighbour", "residence", date(2025, 12, 7), True),
    ("relative", "birth", date(2026, 1, 4), True),
]


def seed(world) -> None:
    Target.objects.get_or_create(
        province=world.province, deadline=date(2026, 5, 31),
        defaults={"share_percent": 90, "label": "Kế hoạch của Sở GD&ĐT: 90% học sinh THPT trong năm học 2025-2026"},
    )
    classroom = world.classrooms[1]  # 10A2, taught by gv.lan
    lesson = Lesson.objects.filter(required=True, is_active=True).order_by("course_id", "order").first()
    if lesson and not TrainingSession.objects.filter(classroom=classroom, lesson=lesson, held_on=SESSION_DAY).exists():
        attendees = [e.student for e in Enrollment.objects.filter(classroom=classroom).select_related("student")][:10]
        services.training_session_record(
            classroom=classroom, lesson=lesson, held_on=SESSION_DAY, attendees=attendees, recorded_by=world.teacher
        )
    trained_ids = set(CourseCompletion.objects.filter(student__in=world.students).values_list("student_id", flat=True))
    helpers = [s for s in world.students if s.pk in trained_ids][: len(GUIDED)]
    for student, (relationship, procedure, day, online) in zip(helpers, GUIDED, strict=False):
        if not GuidedPerson.objects.filter(student=student).exists():
            entry = services.guided_person_create(
                student=student, school_year=world.year, relationship=relationship, procedure=procedure,
                guided_on=day, fully_online=online,
            )
            if online:
                services.guided_person_check(entry=entry, checked_by=world.teacher)
    summaries.summaries_rebuild(student_ids=[s.pk for s in world.students])
