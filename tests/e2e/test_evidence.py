"""On a 360 px phone: a new student is offered the entry check, completes it, is trained, takes the exit
check and sees their own before/after; another new student skips the entry check and carries on."""

import pytest

from tests.e2e.conftest import assert_accessible, login
from tests.e2e.test_lessons import MARK, server_shell

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}

# Two demo students who have not started the course and whom no other browser test uses.
FRESH = """
import json
from schools.models import User
used = {"hs015", "hs017"}
fresh = (User.objects.filter(roles__role="student", lesson_completions__isnull=True, practice_attempts__isnull=True,
                             evidence_checks__isnull=True, must_change_password=False)
         .exclude(username__in=used).order_by("-username").values_list("username", flat=True).distinct()[:2])
print("%(mark)s" + json.dumps(list(fresh)))
"""

# Train the student as if every required lesson had been passed online (the lesson pages have their own test).
TRAIN = """
import json
from django.utils import timezone
from coverage.summaries import summaries_rebuild
from lessons import selectors
from lessons.models import CourseCompletion, LessonCompletion
from schools.models import User
student = User.objects.get(username="%(student)s")
course = selectors.course_default()
now = timezone.now()
for lesson in course.lessons.filter(required=True, is_active=True):
    LessonCompletion.objects.get_or_create(student=student, lesson=lesson,
                                           defaults={"method": "online", "completed_at": now, "best_percent": 90})
CourseCompletion.objects.get_or_create(student=student, course=course, defaults={"trained_at": now})
summaries_rebuild(student_ids=[student.pk])
print("%(mark)s" + json.dumps({"ok": True}))
"""


def no_horizontal_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def answer_check(page, level: int) -> int:
    """Choose ``level`` on every self-assessment item and the first option of every question; submit."""
    for name in ("sa_online", "sa_vneid", "sa_portal"):
        page.locator(f"input[name={name}][value='{level}']").check()
    questions = page.locator("fieldset.check-question")
    for i in range(questions.count()):
        questions.nth(i).locator("input").first.check()
    count = questions.count()
    page.click("button:has-text('Nộp bài')")
    page.wait_for_load_state("networkidle")
    return count


def test_entry_check_exit_check_and_own_before_after_on_a_phone(live_server_url, new_page):
    server = live_server_url
    student, skipper = server_shell(server, FRESH % {"mark": MARK})
    page = new_page(PHONE)
    login(page, server, student)
    page.goto(server.url + "/lessons/")
    offer = page.locator("section.evidence-offer")
    assert "bài kiểm tra đầu vào" in offer.inner_text()
    no_horizontal_scroll(page)
    offer.locator("a:has-text('Làm bài kiểm tra đầu vào')").click()
    assert page.locator("h1").inner_text() == "Bài kiểm tra đầu vào"
    assert page.locator("text=Em có tài khoản VNeID mức 2 chưa?").count() == 1
    no_horizontal_scroll(page)
    assert_accessible(page)

    # An incomplete form is refused with a message and nothing is recorded.
    page.locator("input[name=sa_online][value='1']").check()
    page.evaluate("document.querySelector('form.check-form').noValidate = true")
    page.click("button:has-text('Nộp bài')")
    assert "tự đánh giá" in page.locator("[role=alert]").inner_text()

    asked = answer_check(page, 1)
    assert asked >= 1
    assert page.locator("h1").inner_text() == "Em trước và sau khóa học"
    assert "Chưa làm" in page.locator(".own-evidence").inner_text()  # no exit check yet
    no_horizontal_scroll(page)

    server_shell(server, TRAIN % {"student": student, "mark": MARK})
    page.goto(server.url + "/lessons/")
    assert page.locator("section.evidence-offer a:has-text('Làm bài kiểm tra cuối khóa')").count() == 1
    page.click("section.evidence-offer a:has-text('Làm bài kiểm tra cuối khóa')")
    assert page.locator("h1").inner_text() == "Bài kiểm tra cuối khóa"
    answer_check(page, 4)
    own = page.locator(".own-evidence").inner_text()
    assert "Chưa, em chưa biết cách làm" in own and "Đã tự làm được" in own
    assert "trước khóa học" in page.locator(".own-evidence .callout").inner_text()
    no_horizontal_scroll(page)
    assert_accessible(page)
    page.goto(server.url + "/lessons/")
    assert page.locator("section.evidence-offer").count() == 0
    assert page.locator("a:has-text('Xem kết quả của em trước và sau khóa học')").count() == 1

    other = new_page(PHONE)
    login(other, server, skipper)
    other.goto(server.url + "/lessons/")
    other.click("section.evidence-offer button:has-text('Bỏ qua')")
    assert other.locator("section.evidence-offer").count() == 0
    assert "Em vẫn học khóa học bình thường" in other.locator(".messages").inner_text()
    assert other.locator("a:has-text('Học tiếp')").count() == 1
