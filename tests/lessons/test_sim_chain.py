"""The procedure-sheet and dossier-tracking simulations through the services and the pages."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from lessons import selectors, services
from lessons import sim_procedure as procedure
from lessons import sim_tracking as tracking
from lessons.models import Lesson, PracticeAttempt, SimulationProgress
from tests.lessons.helpers import complete_simulation

TODAY = date(2026, 12, 7)
PROCEDURE_URL = reverse("simulation_procedure")
TRACKING_URL = reverse("simulation_tracking")


def snapshot(student, simulation):
    progress = SimulationProgress.objects.filter(student=student, simulation=simulation).first()
    return progress and (progress.step, progress.state, progress.completed_at)


@pytest.fixture
def student_client(client, student):
    client.force_login(student)
    return client


# Services ---------------------------------------------------------------------------


def test_procedure_walk_completes_and_stores_only_the_step(student):
    for data in procedure.walkthrough():
        services.simulation_procedure_submit(student=student, data=data)
    progress = SimulationProgress.objects.get(student=student, simulation="procedure")
    assert progress.completed_at and progress.step == len(procedure.STEPS) and progress.state == {}


def test_procedure_bad_wrong_and_repeated_posts_change_nothing(student):
    scan, confirm, find = procedure.walkthrough()[:3]
    services.simulation_procedure_submit(student=student, data=scan)
    before = snapshot(student, "procedure")
    bad = [
        {"step": ["login"], "action": ["confirm"], "passcode": ["000000"]},
        {"step": ["bogus"]},
        {"step": ["find"], "procedure": ["tam-tru"]},  # a later step's form
    ]
    for data in bad:
        services.simulation_procedure_submit(student=student, data=data)
        assert snapshot(student, "procedure") == before
    services.simulation_procedure_submit(student=student, data=confirm)
    after_login = snapshot(student, "procedure")
    assert services.simulation_procedure_submit(student=student, data=confirm).stale  # double submit
    assert services.simulation_procedure_submit(student=student, data={"step": ["find"], "procedure": ["thuong-tru"]}
                                                ).feedback
    assert snapshot(student, "procedure") == after_login
    services.simulation_procedure_submit(student=student, data=find)
    assert snapshot(student, "procedure")[0] == 2


def test_restart_keeps_completion_for_good(student):
    complete_simulation(student, "procedure")
    completed_at = snapshot(student, "procedure")[2]
    services.simulation_procedure_restart(student=student)
    assert snapshot(student, "procedure") == (0, {}, completed_at)
    complete_simulation(student, "procedure")
    assert snapshot(student, "procedure") == (len(procedure.STEPS), {}, completed_at)
    for data in procedure.walkthrough():  # posting again at "done" changes nothing
        assert services.simulation_procedure_submit(student=student, data=data).stale
    assert snapshot(student, "procedure") == (len(procedure.STEPS), {}, completed_at)


def test_tracking_code_is_made_once_and_renewed_on_restart(student):
    code = services.simulation_tracking_open(student=student, today=TODAY).state["code"]
    assert tracking.received_on(code) == TODAY
    assert services.simulation_tracking_open(student=student, today=date(2027, 1, 1)).state["code"] == code
    services.simulation_tracking_submit(student=student, data={"step": ["lookup"], "code": [code]}, today=TODAY)
    progress = services.simulation_tracking_restart(student=student, today=TODAY)
    assert progress.step == 0 and set(progress.state) == {"code"}
    assert tracking.received_on(progress.state["code"]) == TODAY


def test_tracking_walk_completes_and_stores_only_step_and_code(student):
    complete_simulation(student, "tracking")
    progress = SimulationProgress.objects.get(student=student, simulation="tracking")
    assert progress.completed_at and progress.step == len(tracking.STEPS) and set(progress.state) == {"code"}
    completed_at = progress.completed_at
    services.simulation_tracking_restart(student=student, today=TODAY)
    assert snapshot(student, "tracking")[2] == completed_at


def test_tracking_refused_posts_change_nothing(student):
    code = services.simulation_tracking_open(student=student, today=TODAY).state["code"]
    before = snapshot(student, "tracking")
    for data in ({"step": ["lookup"], "code": ["H00.00-000000-0000"]}, {"step": ["lookup"]}, {},
                 {"step": ["rate"], "stars": ["5"]}):
        services.simulation_tracking_submit(student=student, data=data, today=TODAY)
        assert snapshot(student, "tracking") == before
    services.simulation_tracking_submit(student=student, data={"step": ["lookup"], "code": [code.lower()]}, today=TODAY)
    assert snapshot(student, "tracking")[0] == 1 and snapshot(student, "tracking")[1] == {"code": code}


@pytest.mark.parametrize("simulation", ["procedure", "tracking"])
def test_practice_opens_only_after_the_lessons_simulation(student, course, simulation):
    lesson = Lesson.objects.get(simulation=simulation, is_active=True)
    assert lesson.simulation_required
    with pytest.raises(ValidationError, match="mô phỏng"):
        services.attempt_start(student=student, lesson=lesson)
    complete_simulation(student, simulation)
    assert selectors.lesson_for_student(student=student, lesson=lesson)["simulation_done"]
    assert services.attempt_start(student=student, lesson=lesson).pk


# Pages ------------------------------------------------------------------------------


def test_procedure_login_page_is_a_labelled_mock(student_client):
    page = student_client.get(PROCEDURE_URL).content.decode()
    for text in ("Mô phỏng — không phải hệ thống thật", "dichvucong.mophong", "<svg", "Ứng dụng VNeID (mô phỏng)",
                 "Quét mã QR", procedure.MOCK_PASSCODE, "Chỉ xác nhận một yêu cầu đăng nhập do chính em"):
        assert text in page
    assert 'name="passcode"' not in page  # the passcode field comes after scanning


def test_procedure_pages_walkthrough(student_client, student, course):
    assert student_client.post(PROCEDURE_URL, {"step": "login", "action": "scan"}).status_code == 302
    page = student_client.get(PROCEDURE_URL).content.decode()
    assert "Xác nhận đăng nhập Cổng Dịch vụ công quốc gia?" in page and procedure.MOCK_CITIZEN in page
    assert '<label for="passcode">' in page
    response = student_client.post(PROCEDURE_URL, {"step": "login", "action": "confirm", "passcode": "111111"})
    assert response.status_code == 400 and "Mã passcode chưa đúng" in response.content.decode()
    refused = student_client.post(PROCEDURE_URL, {"step": "login", "action": "refuse"})
    assert refused.status_code == 200 and "từ chối" in refused.content.decode()
    student_client.post(PROCEDURE_URL, {"step": "login", "action": "scan"})
    student_client.post(PROCEDURE_URL, {"step": "login", "action": "confirm", "passcode": procedure.MOCK_PASSCODE})
    page = student_client.get(PROCEDURE_URL).content.decode()
    assert procedure.SITUATION in page and page.count('name="procedure"') == 4
    searched = student_client.get(PROCEDURE_URL, {"q": "tam tru"}).content.decode()
    assert searched.count('name="procedure"') == 1
    nothing = student_client.get(PROCEDURE_URL, {"q": "hộ chiếu"}).content.decode()
    assert "Không tìm thấy thủ tục" in nothing and nothing.count('name="procedure"') == 4
    wrong = student_client.post(PROCEDURE_URL, {"step": "find", "procedure": "thuong-tru"})
    assert wrong.status_code == 200 and "Chưa phù hợp" in wrong.content.decode()
    assert 'value="thuong-tru" checked' in wrong.content.decode()
    assert student_client.post(PROCEDURE_URL, {"step": "find", "procedure": "x"}).status_code == 400
    student_client.post(PROCEDURE_URL, {"step": "find", "procedure": "tam-tru"})
    page = student_client.get(PROCEDURE_URL).content.decode()
    assert "Công an cấp xã nơi em đến ở" in page and "Thành phần hồ sơ" in page and "Lệ phí" in page
    wrong = student_client.post(PROCEDURE_URL, {"step": "sheet", "question": "documents", "answer": ["to-khai"]})
    assert wrong.status_code == 200 and "còn thiếu" in wrong.content.decode()
    for question in procedure.QUESTIONS:
        data = {"step": "sheet", "question": question.id, "answer": sorted(question.correct)}
        assert student_client.post(PROCEDURE_URL, data).status_code == 302
    page = student_client.get(PROCEDURE_URL).content.decode()
    assert "Hoàn thành!" in page and procedure.LEARNED[0] in page
    lesson = Lesson.objects.get(simulation="procedure")
    assert lesson.get_absolute_url() in page
    assert SimulationProgress.objects.get(student=student, simulation="procedure").completed_at


def test_tracking_pages_walkthrough(student_client, student, course):
    page = student_client.get(TRACKING_URL).content.decode()
    code = SimulationProgress.objects.get(student=student, simulation="tracking").state["code"]
    assert "Mô phỏng — không phải hệ thống thật" in page and code in page and "Giấy tiếp nhận hồ sơ" in page
    assert '<label for="code">' in page
    response = student_client.post(TRACKING_URL, {"step": "lookup", "code": "H99.99-990101-9999"})
    assert response.status_code == 400 and "Không tìm thấy hồ sơ" in response.content.decode()
    assert student_client.post(TRACKING_URL, {"step": "lookup", "code": code}).status_code == 302
    page = student_client.get(TRACKING_URL).content.decode()
    assert "Yêu cầu bổ sung hồ sơ" in page and tracking.MISSING_DOCUMENT in page and "Hạn bổ sung" in page
    wrong = student_client.post(TRACKING_URL, {"step": "respond", "response": "zalo"})
    assert wrong.status_code == 200 and "lừa đảo" in wrong.content.decode()
    student_client.post(TRACKING_URL, {"step": "respond", "response": "bo-sung"})
    assert student_client.post(TRACKING_URL, {"step": "attach", "attachment": "a.exe"}).status_code == 400
    student_client.post(TRACKING_URL, {"step": "attach", "attachment": "hop-dong.pdf"})
    page = student_client.get(TRACKING_URL).content.decode()
    assert "Quá hạn" in page and "Hôm nay (ngày mô phỏng)" in page
    student_client.post(TRACKING_URL, {"step": "overdue", "meaning": "co-quan-tre"})
    page = student_client.get(TRACKING_URL).content.decode()
    assert "có giá trị pháp lý như bản giấy" in page and "chữ ký số" in page
    student_client.post(TRACKING_URL, {"step": "result", "save": "on"})
    page = student_client.get(TRACKING_URL).content.decode()
    assert "Ví giấy tờ" in page and page.count('name="stars"') == 5
    assert student_client.post(TRACKING_URL, {"step": "rate", "stars": "9"}).status_code == 400
    student_client.post(TRACKING_URL, {"step": "rate", "stars": "4"})
    progress = SimulationProgress.objects.get(student=student, simulation="tracking")
    assert progress.completed_at and progress.state == {"code": code}
    page = student_client.get(TRACKING_URL).content.decode()
    assert "Hoàn thành!" in page and Lesson.objects.get(simulation="tracking").get_absolute_url() in page
    student_client.post(TRACKING_URL, {"restart": "1"})
    progress.refresh_from_db()
    assert progress.step == 0 and progress.completed_at and progress.state["code"] != code


@pytest.mark.parametrize("url", [PROCEDURE_URL, TRACKING_URL])
def test_posts_without_step_get_a_vietnamese_error(student_client, url):
    response = student_client.post(url, {"anything": "x"})
    assert response.status_code == 400 and "Yêu cầu không hợp lệ" in response.content.decode()


@pytest.mark.parametrize("url", [PROCEDURE_URL, TRACKING_URL])
def test_only_get_and_post(student_client, url):
    assert student_client.put(url).status_code == 405


@pytest.mark.parametrize("url", [PROCEDURE_URL, TRACKING_URL])
def test_csrf_is_checked(student, url):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    assert client.post(url, {"step": "login", "action": "scan"}).status_code == 403
    assert not SimulationProgress.objects.filter(student=student, step__gt=0).exists()


@pytest.mark.parametrize("url", [PROCEDURE_URL, TRACKING_URL])
def test_pages_need_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response["Location"]


@pytest.mark.parametrize(
    "simulation, url, title",
    [("procedure", PROCEDURE_URL, "đăng nhập bằng VNeID và đọc thông tin thủ tục"),
     ("tracking", TRACKING_URL, "theo dõi hồ sơ và bổ sung giấy tờ"),
     ("portal", reverse("simulation_portal"), "nộp hồ sơ trên cổng mô phỏng"),
     ("real-site", reverse("simulation_real_site"), "Trang nào là thật?")],
)
def test_lesson_page_links_and_titles_its_simulation(student_client, student, course, simulation, url, title):
    lesson = Lesson.objects.get(simulation=simulation, is_active=True)
    page = student_client.get(lesson.get_absolute_url()).content.decode()
    assert f'href="{url}"' in page and title in page
    assert "Bắt đầu luyện tập" not in page
    complete_simulation(student, simulation)
    page = student_client.get(lesson.get_absolute_url()).content.decode()
    assert "Đã hoàn thành mô phỏng" in page and "Bắt đầu luyện tập" in page
    response = student_client.post(reverse("practice_start", args=[lesson.key]))
    assert response.status_code == 302 and PracticeAttempt.objects.filter(student=student, lesson=lesson).exists()


def test_nothing_typed_is_stored(student_client, student):
    student_client.post(PROCEDURE_URL, {"step": "login", "action": "scan"})
    student_client.post(PROCEDURE_URL, {"step": "login", "action": "confirm", "passcode": procedure.MOCK_PASSCODE})
    student_client.get(TRACKING_URL)
    student_client.post(TRACKING_URL, {"step": "lookup", "code": "  h00.00-000000-0000  "})
    states = dict(SimulationProgress.objects.filter(student=student).values_list("simulation", "state"))
    assert states["procedure"] == {} and set(states["tracking"]) == {"code"}
    assert tracking.received_on(states["tracking"]["code"])
