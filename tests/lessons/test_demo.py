"""Demo data: hs.demo is trained online with real attempts; others partway or not started; idempotent."""

import pytest

from lessons import demo as lessons_demo
from lessons import selectors
from lessons.models import LessonCompletion, LessonRating, PracticeAttempt
from schools import demo as schools_demo


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_seed_is_realistic_and_idempotent():
    world = schools_demo.seed()
    lessons_demo.seed(world)
    hs = world.students[0]
    assert hs.username == "hs.demo" and selectors.student_is_trained(student=hs)
    required = selectors.course_default().lessons.filter(required=True)
    for lesson in required:
        completion = LessonCompletion.objects.get(student=hs, lesson=lesson)
        assert completion.method == "online"
        assert PracticeAttempt.objects.filter(student=hs, lesson=lesson, passed=True).exists()
    progress = [selectors.course_progress(student=s) for s in world.students]
    assert any(0 < p.required_done < p.required_total for p in progress)
    assert any(p.done_count == 0 for p in progress)
    assert LessonRating.objects.exists()
    counts = (PracticeAttempt.objects.count(), LessonCompletion.objects.count())
    lessons_demo.seed(world)
    assert (PracticeAttempt.objects.count(), LessonCompletion.objects.count()) == counts
