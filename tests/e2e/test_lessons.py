"""A student reads lesson 4, completes the mock portal, practises (ordering question included),
reloads mid-quiz, passes and rates the lesson; the teacher then sees the completion. On a 360×640
phone, students complete the procedure-sheet and dossier-tracking simulations and their lessons'
practice opens."""

import json
import subprocess
import sys

import pytest

from tests.e2e.conftest import ROOT, assert_accessible, login, logout

pytestmark = pytest.mark.e2e

STUDENT = "hs015"  # a demo student of 10A1 who has not started any lesson
MARK = "E2E-JSON:"

# Run inside the server's database: open the student's attempt on lesson 4 with its
# ordering question first (resumed by "Bắt đầu luyện tập"), and print the form answers.
SETUP = """
import json
from lessons import grading, practice
from lessons.keys import question_answer_key
from lessons.models import Lesson, PracticeAttempt, Question
from schools.models import User
student = User.objects.get(username="%(student)s")
lesson = Lesson.objects.get(key="l4")
ordering = Question.objects.get(quiz__lesson=lesson, kind="ordering", is_retired=False)
others = list(lesson.practice_quiz.questions.filter(is_retired=False).exclude(pk=ordering.pk)
              .values_list("pk", flat=True)[:9])
attempt = PracticeAttempt.objects.create(student=student, lesson=lesson, question_ids=[ordering.pk, *others],
                                         seed="e2e", total=10)
answers = {}
for question in Question.objects.filter(pk__in=attempt.question_ids).prefetch_related("choices"):
    key = question_answer_key(question)
    shown = grading.display_ids(key, practice.question_seed(attempt.seed, question.pk))
    raw = grading.response_to_raw(grading.correct_response(key))
    if key.kind in grading.CHOICE_KINDS:
        answers[question.pk] = {"kind": "choice", "values": [str(shown.index(i)) for i in raw]}
    elif key.kind == grading.ORDERING:
        answers[question.pk] = {"kind": "ordering", "places": {str(i): raw.index(item) + 1 for i, item in enumerate(shown)}}
    else:
        answers[question.pk] = {"kind": "matching", "values": {str(j): str(shown.index(key.pairs[left]))
                                                               for j, left in enumerate(key.pairs)}}
print("%(mark)s" + json.dumps({"attempt": attempt.pk, "name": student.full_name, "answers": answers}))
"""


def server_shell(server, code: str) -> dict:
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=server.env, check=True,
        capture_output=True, text=True,
    )
    line = next(line for line in result.stdout.splitlines() if line.startswith(MARK))
    return json.loads(line[len(MARK):])


def answer_current(page, answers: dict) -> None:
    """Fill in the question on screen the right way and submit it (the page updates in place)."""
    form = page.locator("form.answer-form")
    qid = form.locator("input[name=question]").input_value()
    answer = answers[qid]
    if answer["kind"] == "choice":
        for value in answer["values"]:
            form.locator(f"input[name=answer][value='{value}']").check()
    elif answer["kind"] == "ordering":
        # Choosing a place moves the item there; going through places 1..n leaves the right order.
        by_place = sorted(answer["places"].items(), key=lambda item: item[1])
        for index, place in by_place:
            form.locator(f"select[name=pos_{index}]").select_option(str(place))
    else:
        for j, value in answer["values"].items():
            form.locator(f"select[name=match_{j}]").select_option(value)
    form.locator("button[type=submit]").click()
    page.locator(".explanation").wait_for()
    assert page.locator(".verdict").inner_text().strip().endswith("Đúng")


def test_lesson_simulation_practice_rating_and_teacher_grid(page, live_server_url):
    server = live_server_url
    login(page, server, STUDENT)
    page.goto(server.url + "/lessons/")
    page.click("a:has-text('Bài 4.')")
    assert page.locator("h1").inner_text().startswith("Nộp một hồ sơ")
    assert page.locator("figure.lesson-figure img").get_attribute("alt")
    assert page.locator("text=Mô phỏng — không phải hệ thống thật").count() == 1
    assert page.locator("button:has-text('Bắt đầu luyện tập')").count() == 0
    assert_accessible(page)

    # The mock portal, step by step.
    page.click("a:has-text('Mở phần mô phỏng')")
    assert_accessible(page)
    page.fill("#username", "nguyenvana.mophong")
    page.fill("#password", "MoPhong@2025")
    page.click("button:has-text('Đăng nhập')")
    page.check("input[name=procedure][value=tam-tru]")
    page.click("button:has-text('Nộp hồ sơ trực tuyến')")
    page.click("button:has-text('Tiếp tục')")  # empty e-Form: refused with messages
    assert page.locator(".error").count() >= 4
    page.fill("#full_name", "Nguyễn Văn A")
    page.fill("#birth_date", "15/03/2008")
    page.fill("#id_number", "000000000000")
    page.fill("#address", "Số 1, đường Mô Phỏng")
    page.check("input[name=confirm]")
    page.click("button:has-text('Tiếp tục')")
    page.set_input_files("#attachment", files=[{"name": "giay-to.pdf", "mimeType": "application/pdf",
                                                 "buffer": b"%PDF-1.4 demo"}])
    assert "không được tải lên" in page.locator("#attach-info").inner_text()
    page.click("button:has-text('Đính kèm và tiếp tục')")
    otp = page.locator(".otp").inner_text().strip()
    page.check("input[name=method][value=bank]")
    page.fill("#otp", otp)
    page.click("button:has-text('Xác nhận thanh toán')")
    page.click("button:has-text('Làm mới trạng thái')")
    assert page.locator(".track li.is-done").count() == 2
    page.click("button:has-text('Làm mới trạng thái')")
    page.click("button:has-text('Lưu kết quả vào kho dữ liệu')")
    assert page.locator("text=Hoàn thành!").count() == 1

    # Practice is open now; the attempt is prepared with the ordering question first and resumed.
    page.goto(server.url + "/lessons/l4/")
    assert page.locator("button:has-text('Bắt đầu luyện tập')").count() == 1
    setup = server_shell(server, SETUP % {"student": STUDENT, "mark": MARK})
    answers = {str(k): v for k, v in setup["answers"].items()}
    page.reload()
    page.click("button:has-text('Làm tiếp bài luyện tập')")
    page.wait_for_url(f"**/lessons/practice/{setup['attempt']}/")
    assert page.locator("select[name=pos_0]").count() == 1
    assert page.locator(".order-move.up").count() >= 2  # buttons for phones, no dragging
    assert_accessible(page)
    for _ in range(3):
        answer_current(page, answers)
        page.click("a:has-text('Câu tiếp theo')")
    page.reload()
    assert "Đã trả lời 3/10 câu" in page.locator(".q-nav").inner_text()
    assert "Câu 4/10" in page.locator(".question").inner_text()
    for number in range(4, 11):
        answer_current(page, answers)
        if number < 10:
            page.click("a:has-text('Câu tiếp theo')")
    page.click("button:has-text('Nộp bài và xem kết quả')")
    assert page.locator(".score").inner_text() == "100%"
    assert_accessible(page)

    # Rate the lesson.
    page.click("a:has-text('Về bài học để đánh giá')")
    page.click("label.star:has-text('★★★★★')")
    page.fill("textarea[name=comment]", "Phần mô phỏng rất dễ hiểu")
    page.click("button:has-text('Gửi đánh giá')")
    assert page.locator("text=Cảm ơn em đã đánh giá bài học!").count() == 1
    logout(page)

    # The teacher sees the completion on the class page.
    login(page, server, "gv.lan")
    page.goto(server.url + "/teacher/")
    page.click("a:has-text('10A1')")
    row = page.locator("table.completion-grid tr", has_text=setup["name"])
    assert "✓ 100%" in row.inner_text()
    assert_accessible(page)
    page.goto(server.url + "/lessons/ratings/")
    assert page.locator("text=Phần mô phỏng rất dễ hiểu").count() == 1


def test_which_site_is_real(page, live_server_url):
    server = live_server_url
    login(page, server, "hs017")
    page.goto(server.url + "/lessons/simulations/real-site/")
    item = page.locator("#site-s2")
    item.locator("button:has-text('Trang thật')").click()
    assert "Chưa đúng" in page.locator("#site-s2 .feedback").inner_text()
    page.locator("#site-s2 button:has-text('Trang giả')").click()
    assert "Chính xác" in page.locator("#site-s2 .feedback").inner_text()
    assert_accessible(page)


PHONE = {"width": 360, "height": 640}


def assert_fits_phone(page) -> None:
    """No horizontal scrolling, and every visible button of the page's content is at least 44 px tall."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    heights = page.eval_on_selector_all(
        "main button, main .btn", "els => els.filter(e => e.offsetParent).map(e => e.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 44, heights


def seen(page, selector: str) -> None:
    """The element is scrolled to (as a student would) and then wholly inside the 360×640 viewport."""
    from playwright.sync_api import expect

    locator = page.locator(selector).first
    locator.scroll_into_view_if_needed()
    expect(locator).to_be_in_viewport()


def test_procedure_sheet_simulation_on_a_phone_opens_lesson_practice(new_page, live_server_url):
    server = live_server_url
    page = new_page(PHONE)
    login(page, server, "hs023")
    page.goto(server.url + "/lessons/")
    lesson_link = page.locator("a[href$='/lessons/l2/']").first
    lesson_link.click()
    assert page.locator("button:has-text('Bắt đầu luyện tập')").count() == 0
    seen(page, "h2#sim-title:has-text('đăng nhập bằng VNeID')")
    page.click("a:has-text('Mở phần mô phỏng')")
    seen(page, ".sim-banner")
    seen(page, ".mock-qr svg")
    assert_fits_phone(page)
    assert_accessible(page)
    page.click("button:has-text('Quét mã QR')")
    seen(page, "text=Xác nhận đăng nhập Cổng Dịch vụ công quốc gia?")
    passcode = page.locator(".guide-card code").inner_text().strip()
    page.fill("#passcode", "000000")
    page.click("button:has-text('Xác nhận')")
    seen(page, "#passcode-error")
    page.focus("#passcode")  # keyboard only from here: type the code and press Enter
    page.keyboard.type(passcode)
    page.keyboard.press("Enter")
    seen(page, ".situation")
    page.fill("#q", "tam tru")
    page.press("#q", "Enter")
    assert page.locator("input[name=procedure]").count() == 1
    page.goto(server.url + "/lessons/simulations/procedure/")
    page.check("input[name=procedure][value=thuong-tru]")
    page.click("button:has-text('Xem thủ tục này')")
    seen(page, ".feedback.is-wrong")
    page.check("input[name=procedure][value=tam-tru]")
    page.click("button:has-text('Xem thủ tục này')")
    seen(page, ".proc-sheet")
    assert_fits_phone(page)
    assert_accessible(page)
    page.check("#q-agency input[value=cong-an-noi-den]")
    page.click("#q-agency button:has-text('Trả lời')")
    seen(page, "#q-agency .feedback.is-correct")
    page.check("#q-documents input[value=to-khai]")
    page.click("#q-documents button:has-text('Trả lời')")
    seen(page, "#q-documents .feedback.is-wrong")
    page.check("#q-documents input[value=cho-o]")
    page.click("#q-documents button:has-text('Trả lời')")
    page.check("#q-minor input[value=y-kien-cha-me]")
    page.click("#q-minor button:has-text('Trả lời')")
    seen(page, "h2:has-text('Hoàn thành!')")
    assert_fits_phone(page)
    page.locator("a.btn:has-text('Về bài học')").click()
    seen(page, "text=Đã hoàn thành mô phỏng")
    seen(page, "button:has-text('Bắt đầu luyện tập')")
    page.click("button:has-text('Bắt đầu luyện tập')")
    page.wait_for_url("**/lessons/practice/*/")
    seen(page, "form.answer-form")


def test_tracking_simulation_on_a_phone_opens_lesson_practice(new_page, live_server_url):
    server = live_server_url
    page = new_page(PHONE)
    login(page, server, "hs025")
    page.goto(server.url + "/lessons/l5/")
    assert page.locator("button:has-text('Bắt đầu luyện tập')").count() == 0
    seen(page, "h2#sim-title:has-text('theo dõi hồ sơ')")
    page.click("a:has-text('Mở phần mô phỏng')")
    seen(page, ".sim-banner")
    seen(page, ".mock-receipt .dossier-code")
    assert_fits_phone(page)
    assert_accessible(page)
    code = page.locator(".dossier-code").inner_text().strip()
    page.fill("#code", code.replace("7", "1") if "7" in code else code + "1")
    page.click("button:has-text('Tra cứu')")
    seen(page, "#code-error")
    page.fill("#code", code.lower())
    page.press("#code", "Enter")
    seen(page, ".timeline li.is-current:has-text('Yêu cầu bổ sung hồ sơ')")
    seen(page, ".notice")
    page.check("input[name=response][value=zalo]")
    page.click("button:has-text('Chọn cách này')")
    seen(page, ".feedback.is-wrong")
    page.check("input[name=response][value=bo-sung]")
    page.click("button:has-text('Chọn cách này')")
    page.set_input_files("#attachment", files=[{"name": "hop-dong.pdf", "mimeType": "application/pdf",
                                                 "buffer": b"%PDF-1.4 demo"}])
    assert "không được tải lên" in page.locator("#attach-info").inner_text()
    page.click("button:has-text('Gửi bổ sung')")
    seen(page, ".badge-late")
    assert_fits_phone(page)
    page.check("input[name=meaning][value=bi-huy]")
    page.click("button:has-text('Trả lời')")
    seen(page, ".feedback.is-wrong")
    page.check("input[name=meaning][value=co-quan-tre]")
    page.click("button:has-text('Trả lời')")
    seen(page, ".mock-result .signature")
    page.click("button:has-text('Lưu kết quả vào kho dữ liệu')")
    seen(page, ".wallet")
    assert_fits_phone(page)
    assert_accessible(page)
    page.click("label[for=star-5]")
    page.click("button:has-text('Gửi đánh giá')")
    seen(page, "h2:has-text('Hoàn thành!')")
    page.locator("a.btn:has-text('Về bài học')").click()
    seen(page, "button:has-text('Bắt đầu luyện tập')")
    page.click("button:has-text('Bắt đầu luyện tập')")
    page.wait_for_url("**/lessons/practice/*/")
    seen(page, "form.answer-form")
