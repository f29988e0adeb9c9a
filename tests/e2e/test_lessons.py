"""A student reads lesson 4, completes the mock portal on a 360×640 phone, practises (ordering question
included), reloads mid-quiz, passes and rates the lesson; the teacher then sees the completion. Another
student sorts every case of "Trang nào là thật?" on the same phone size. Students complete the
procedure-sheet and dossier-tracking simulations on a 360×640 phone and their lessons' practice opens."""

import json
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, assert_accessible, login, logout

pytestmark = pytest.mark.e2e

STUDENT = "hs015"  # a demo student of 10A1 who has not started any lesson
MARK = "E2E-JSON:"
PHONE = {"width": 360, "height": 640}

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


def assert_in_view(locator, *, whole: bool = True) -> None:
    """The element is on screen once scrolled to (wholly, for buttons and fields), and the page has no
    horizontal scroll at phone width; buttons are at least 44 px tall."""
    locator.scroll_into_view_if_needed()
    expect(locator).to_be_visible()
    expect(locator).to_be_in_viewport(ratio=1 if whole else 0.1)
    page = locator.page
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    if locator.evaluate("e => e.tagName") == "BUTTON":
        assert locator.bounding_box()["height"] >= 44


def assert_error_shown(page, text: str) -> None:
    """A refused step answers with its message in the alert at the top, visible without scrolling."""
    alert = page.locator("#sim-errors")
    expect(alert).to_contain_text(text)
    expect(alert).to_be_in_viewport()


def walk_portal(page) -> None:
    """Go through every step of the mock portal on a phone, trying one wrong input on the way where it teaches."""
    assert_in_view(page.locator(".sim-banner"))
    assert_in_view(page.locator("svg.mock-qr"))
    passcode = page.locator(".guide-card .passcode").inner_text().strip()
    assert_in_view(page.locator(".mock-phone button:has-text('Quét mã QR')"))
    page.click(".mock-phone button:has-text('Quét mã QR')")
    assert_in_view(page.locator(".mock-phone", has_text="Xác nhận đăng nhập Cổng Dịch vụ công quốc gia"), whole=False)
    page.fill("#passcode", "000000")
    page.click("button:has-text('Xác nhận')")
    assert_error_shown(page, "Mã xác nhận (passcode) chưa đúng")
    page.fill("#passcode", passcode)
    assert_in_view(page.locator("button[value=confirm]"))
    page.click("button[value=confirm]")

    page.check("input[name=procedure][value=tam-tru]")
    page.click("button:has-text('Nộp hồ sơ trực tuyến')")

    prefilled = page.locator(".prefilled")
    assert_in_view(prefilled, whole=False)
    assert "Nguyễn Văn A" in prefilled.inner_text() and "000000000000" in prefilled.inner_text()
    page.click("button:has-text('Tiếp tục')")  # nothing checked or completed: refused with messages
    assert page.locator(".error").count() >= 4
    assert_error_shown(page, "Số điện thoại gồm 10 chữ số")
    page.check("input[name=identity_ok]")
    page.fill("#address", "Số 1, đường Mô Phỏng")
    page.fill("#phone", "0912345678")
    page.check("input[name=delivery][value=online]")
    page.check("input[name=confirm]")
    assert_in_view(page.locator("button:has-text('Tiếp tục')"))
    page.click("button:has-text('Tiếp tục')")

    page.set_input_files("#attachment", files=[{"name": "giay-to.pdf", "mimeType": "application/pdf",
                                                 "buffer": b"%PDF-1.4 demo"}])
    assert "không được tải lên" in page.locator("#attach-info").inner_text()
    page.check("input[name=source][value=store]")
    assert_in_view(page.locator("#stored_document"))
    page.click("button:has-text('Đính kèm và nộp hồ sơ')")

    assert_in_view(page.locator(".mock-sms .sms-text"))
    page.check("input[name=choice][value=click]")
    page.click(".mock-page button:has-text('Chọn')")
    assert_error_shown(page, "Đây là tin nhắn lừa đảo")
    page.check("input[name=choice][value=ignore]")
    page.click(".mock-page button:has-text('Chọn')")

    payee = page.locator(".portal-payee").inner_text()
    amount = page.locator(".portal-amount").inner_text()
    page.check("input[name=method][value=app]")
    assert_in_view(page.locator("button:has-text('Thanh toán')"))
    page.click("button:has-text('Thanh toán')")

    assert_in_view(page.locator(".mock-bank-title"))
    assert page.locator(".bank-payee").inner_text() == payee and page.locator(".bank-amount").inner_text() in amount
    otp = page.locator(".otp").inner_text().strip()
    assert_in_view(page.locator(".otp"))
    page.fill("#otp", otp)
    page.click("button:has-text('Xác nhận thanh toán')")  # payee and amount not ticked: refused
    assert_error_shown(page, "Em cần đối chiếu cơ quan thu")
    page.check("input[name=check_payee]")
    page.check("input[name=check_amount]")
    page.fill("#otp", otp)
    page.click("button:has-text('Xác nhận thanh toán')")

    assert_in_view(page.locator(".receipt"), whole=False)
    page.click("button:has-text('Lưu biên lai vào kho dữ liệu')")
    page.click("button:has-text('Làm mới trạng thái')")
    assert page.locator(".track li.is-done").count() == 2
    page.click("button:has-text('Làm mới trạng thái')")
    assert_in_view(page.locator(".mock-result"), whole=False)
    assert "chữ ký số" in page.locator(".mock-result").inner_text()
    page.click("button:has-text('Lưu kết quả vào kho dữ liệu')")
    assert_in_view(page.locator("h2:has-text('Hoàn thành!')"))


def test_lesson_simulation_practice_rating_and_teacher_grid(page, live_server_url):
    server = live_server_url
    page.set_viewport_size(PHONE)
    login(page, server, STUDENT)
    page.goto(server.url + "/lessons/")
    page.click("a:has-text('Bài 4.')")
    assert page.locator("h1").inner_text().startswith("Nộp hồ sơ")
    assert page.locator("figure.lesson-figure img").get_attribute("alt")
    assert page.locator("text=Mô phỏng — không phải hệ thống thật").count() == 1
    assert page.locator("button:has-text('Bắt đầu luyện tập')").count() == 0
    assert_accessible(page)

    # The mock portal, step by step.
    page.click("a:has-text('Mở phần mô phỏng')")
    assert_accessible(page)
    walk_portal(page)

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
    """On a phone, a wrong verdict gets a hint, a right one the explanation; all right completes it."""
    server = live_server_url
    page.set_viewport_size(PHONE)
    login(page, server, "hs017")
    page.goto(server.url + "/lessons/simulations/real-site/")
    item = page.locator("#site-s2")
    assert_in_view(item.locator(".site-address"))
    item.locator("button:has-text('Thật, an toàn')").click()
    feedback = page.locator("#site-s2 .feedback")
    assert_in_view(feedback)
    assert "Chưa đúng" in feedback.inner_text() and "Gợi ý" in feedback.inner_text()
    page.locator("#site-s2 button:has-text('Giả, lừa đảo')").click()
    assert "Chính xác" in page.locator("#site-s2 .feedback").inner_text()
    # The message with a payment link that looks right is a scam; the portal's own hand-over is normal.
    for site_id, label in (("s8", "Giả, lừa đảo"), ("s9", "Thật, an toàn"), ("s10", "Giả, lừa đảo"),
                           ("s11", "Giả, lừa đảo")):
        page.locator(f"#site-{site_id} button:has-text('{label}')").click()
        feedback = page.locator(f"#site-{site_id} .feedback")
        assert_in_view(feedback, whole=False)
        assert "Chính xác" in feedback.inner_text()
    for site_id, label in (("s1", "Thật, an toàn"), ("s3", "Giả, lừa đảo"), ("s4", "Giả, lừa đảo"),
                           ("s5", "Thật, an toàn"), ("s6", "Giả, lừa đảo"), ("s7", "Giả, lừa đảo"),
                           ("s12", "Thật, an toàn")):
        page.locator(f"#site-{site_id} button:has-text('{label}')").click()
    assert_in_view(page.locator("text=Em đã hoàn thành phần mô phỏng này."))
    assert "12/12" in page.locator(".lead").inner_text()
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
