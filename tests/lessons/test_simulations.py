"""The mock portal and "Trang nào là thật?": pure rules, services and pages."""

import re

import pytest
from django.urls import reverse

from lessons import selectors, services, simulations
from lessons.models import SimulationProgress
from tests.lessons.helpers import complete_simulation

STEP = {name: index for index, name in enumerate(simulations.PORTAL_STEPS)}
STATE = {"procedure": "tam-tru", "method": "app", "otp": "123456"}
FORM_OK = {
    "identity_ok": "on", "address": "Số 1, đường Mô Phỏng", "phone": "0912345678", "email": "",
    "delivery": "online", "confirm": "on",
}
BANK_OK = {"check_payee": "on", "check_amount": "on", "otp": "123456"}
# One valid input per step, in order: walking them through completes the portal.
VALID = {
    "login": {"action": "scan"},
    "vneid": {"decision": "confirm", "passcode": simulations.MOCK_PASSCODE},
    "procedure": {"procedure": "tam-tru"},
    "form": FORM_OK,
    "attach": {"source": "upload", "attachment": "Giay-To.PDF"},
    "trap": {"choice": simulations.TRAP_SAFE},
    "pay": {"method": "qr"},
    "bank": BANK_OK,
    "receipt": {"save": "on"},
    "track": {"refresh": "1"},
    "result": {"save": "on"},
}
VIETNAMESE = re.compile(r"[ăâđêôơưàáạảãèéẹẻẽìíịỉĩòóọỏõùúụủũỳýỵỷỹ]", re.IGNORECASE)


def submit(name: str, data: dict, state: dict | None = None) -> simulations.Outcome:
    return simulations.portal_submit(STEP[name], dict(STATE if state is None else state), data)


# Portal rules ---------------------------------------------------------------------


def test_every_step_has_a_rule_and_a_stage():
    """Each step is checked by a rule and shown inside exactly one stage of the step bar."""
    assert set(simulations.PORTAL_CHECKS) == set(simulations.PORTAL_STEPS) == set(VALID)
    staged = [step for _key, steps in simulations.PORTAL_STAGES for step in steps]
    assert staged == list(simulations.PORTAL_STEPS)


def test_stage_index_follows_the_steps():
    assert simulations.portal_stage_index(STEP["login"]) == simulations.portal_stage_index(STEP["vneid"]) == 0
    assert simulations.portal_stage_index(STEP["trap"]) == simulations.portal_stage_index(STEP["receipt"]) == 4
    assert simulations.portal_stage_index(len(simulations.PORTAL_STEPS)) == len(simulations.PORTAL_STAGES)


@pytest.mark.parametrize("name", simulations.PORTAL_STEPS)
def test_valid_input_advances_each_step(name):
    """The valid input of every step advances it (the track step once the result is ready)."""
    state = {**STATE, "track": len(simulations.TRACK_STATES) - 2} if name == "track" else STATE
    outcome = submit(name, VALID[name], state)
    assert outcome.advanced and not outcome.errors


BAD_INPUTS = [
    ("login", {}, "scan"),
    ("login", {"action": "restart-now"}, "scan"),
    ("vneid", {}, "decision"),
    ("vneid", {"decision": "maybe", "passcode": simulations.MOCK_PASSCODE}, "decision"),
    ("vneid", {"decision": "deny", "passcode": simulations.MOCK_PASSCODE}, "decision"),
    ("vneid", {"decision": "confirm"}, "passcode"),
    ("vneid", {"decision": "confirm", "passcode": "12345"}, "passcode"),
    ("vneid", {"decision": "confirm", "passcode": "abcdef"}, "passcode"),
    ("vneid", {"decision": "confirm", "passcode": "000000"}, "passcode"),
    ("procedure", {}, "procedure"),
    ("procedure", {"procedure": "nope"}, "procedure"),
    ("form", {**FORM_OK, "identity_ok": ""}, "identity_ok"),
    ("form", {**FORM_OK, "address": "  a  "}, "address"),
    ("form", {**FORM_OK, "phone": "912345678"}, "phone"),
    ("form", {**FORM_OK, "phone": "09123456789"}, "phone"),
    ("form", {**FORM_OK, "phone": "09123x5678"}, "phone"),
    ("form", {**FORM_OK, "email": "ten@miền"}, "email"),
    ("form", {**FORM_OK, "email": "a b@c.vn"}, "email"),
    ("form", {**FORM_OK, "delivery": ""}, "delivery"),
    ("form", {**FORM_OK, "delivery": "pigeon"}, "delivery"),
    ("form", {**FORM_OK, "confirm": "yes"}, "confirm"),
    ("attach", {}, "source"),
    ("attach", {"source": "cloud", "attachment": "a.pdf"}, "source"),
    ("attach", {"source": "upload"}, "attachment"),
    ("attach", {"source": "upload", "attachment": "   "}, "attachment"),
    ("attach", {"source": "upload", "attachment": "virus.exe"}, "attachment"),
    ("attach", {"source": "upload", "attachment": "pdf"}, "attachment"),
    ("attach", {"source": "store"}, "stored_document"),
    ("attach", {"source": "store", "stored_document": "ho-chieu"}, "stored_document"),
    ("trap", {}, "choice"),
    ("trap", {"choice": "click"}, "choice"),
    ("trap", {"choice": "reply"}, "choice"),
    ("trap", {"choice": "other"}, "choice"),
    ("pay", {}, "method"),
    ("pay", {"method": "cash"}, "method"),
    ("bank", {**BANK_OK, "check_payee": ""}, "check_payee"),
    ("bank", {**BANK_OK, "check_amount": ""}, "check_amount"),
    ("bank", {**BANK_OK, "otp": "654321"}, "otp"),
    ("bank", {**BANK_OK, "otp": ""}, "otp"),
    ("receipt", {}, "save"),
    ("receipt", {"save": "off"}, "save"),
    ("track", {}, "refresh"),
    ("track", {"refresh": "yes"}, "refresh"),
    ("result", {}, "save"),
]


@pytest.mark.parametrize("name, data, field", BAD_INPUTS)
def test_bad_input_is_refused_in_vietnamese_and_changes_nothing(name, data, field):
    state = dict(STATE)
    outcome = simulations.portal_submit(STEP[name], state, data)
    assert not outcome.advanced
    assert field in outcome.errors and VIETNAMESE.search(outcome.errors[field])
    assert outcome.state == STATE and state == STATE


def test_bad_inputs_cover_every_step():
    assert {name for name, _data, _field in BAD_INPUTS} == set(simulations.PORTAL_STEPS)


def test_bank_without_a_generated_otp_refuses_even_an_empty_code():
    outcome = simulations.portal_submit(STEP["bank"], {"procedure": "tam-tru"}, {**BANK_OK, "otp": ""})
    assert "otp" in outcome.errors


def test_trap_wrong_choices_explain_why():
    """A wrong choice on the scam message explains itself and points to the portal's own payment step."""
    for choice in ("click", "reply"):
        message = submit("trap", {"choice": choice}).errors["choice"]
        assert message == simulations.TRAP_FEEDBACK[choice] and "bước thanh toán của chính cổng" in message
    assert "Không bấm; chỉ thanh toán trong bước thanh toán của cổng" in simulations.TRAP_CHOICES[simulations.TRAP_SAFE]


def test_form_accepts_the_valid_variants():
    assert simulations.portal_form_errors({**FORM_OK, "email": "hs@truong.edu.vn", "delivery": "post"}) == {}
    assert simulations.portal_form_errors({**FORM_OK, "phone": " 0912345678 "}) == {}


def test_form_never_reads_the_prefilled_identity():
    """Name, birth date and ID number come from the identity account, so typed values are ignored."""
    assert simulations.portal_form_errors({**FORM_OK, "full_name": "1", "id_number": "x"}) == {}
    assert set(simulations.portal_form_errors({})) == {"identity_ok", "address", "phone", "delivery", "confirm"}


def test_attach_from_the_data_store_is_a_valid_path():
    for code in simulations.STORED_DOCUMENTS:
        assert submit("attach", {"source": "store", "stored_document": code}).advanced


def test_state_keeps_only_what_the_mock_generated():
    """Walking every step keeps the procedure, payment method, OTP and tracking index, nothing typed."""
    state, step = {}, 0
    while simulations.portal_step_name(step) != "done":
        name = simulations.portal_step_name(step)
        if name == "bank":
            state["otp"] = "123456"
        outcome = simulations.portal_submit(step, state, VALID[name])
        assert not outcome.errors, name
        state, step = outcome.state, step + outcome.advanced
    assert set(state) == {"procedure", "method", "otp", "track"}
    typed = {value for data in VALID.values() for key, value in data.items() if key in ("address", "phone", "passcode")}
    assert not typed & {str(value) for value in state.values()}


def test_track_moves_through_states():
    outcome = submit("track", {"refresh": "1"})
    assert outcome.state["track"] == 1 and not outcome.advanced and not outcome.errors
    outcome = submit("track", {"refresh": "1"}, outcome.state)
    assert outcome.advanced and simulations.TRACK_STATES[outcome.state["track"]] == "Có kết quả"


def test_done_portal_ignores_input():
    outcome = simulations.portal_submit(len(simulations.PORTAL_STEPS), STATE, {"action": "scan"})
    assert outcome.state == STATE and not outcome.advanced and not outcome.errors


def test_wording_is_vneid_login_not_account_creation():
    """No portal username or password, and no account creation, anywhere in the portal simulation."""
    assert not hasattr(simulations, "MOCK_USERNAME") and not hasattr(simulations, "MOCK_PASSWORD")
    with open("templates/lessons/sim_portal.html", encoding="utf-8") as template:
        text = template.read()
    assert "tài khoản định danh điện tử do Bộ Công an cấp (VNeID)" in text
    for outdated in ("đăng ký tài khoản", "Tên đăng nhập", "Mật khẩu", "tạo tài khoản mới"):
        assert outdated.lower() not in text.lower()


# Portal services --------------------------------------------------------------------


def test_service_generates_the_otp_at_the_bank_step(student):
    for name in simulations.PORTAL_STEPS[: STEP["bank"]]:
        assert "otp" not in selectors.simulation_progress(student=student, simulation="portal").state
        services.simulation_portal_submit(student=student, data=VALID[name])
    progress = selectors.simulation_progress(student=student, simulation="portal")
    assert simulations.portal_step_name(progress.step) == "bank"
    assert re.fullmatch(r"\d{6}", progress.state["otp"])


def test_service_refusal_changes_nothing(student):
    services.simulation_portal_submit(student=student, data=VALID["login"])
    before = SimulationProgress.objects.get(student=student, simulation="portal")
    outcome = services.simulation_portal_submit(student=student, data={"decision": "confirm", "passcode": "000000"})
    after = SimulationProgress.objects.get(student=student, simulation="portal")
    assert outcome.errors and (after.step, after.state) == (before.step, before.state)


def test_completed_portal_stays_completed_after_restart(student):
    complete_simulation(student, "portal")
    progress = SimulationProgress.objects.get(student=student, simulation="portal")
    assert progress.completed_at and progress.step == len(simulations.PORTAL_STEPS)
    services.simulation_portal_restart(student=student)
    progress.refresh_from_db()
    assert progress.step == 0 and progress.state == {} and progress.completed_at is not None


# Portal pages -----------------------------------------------------------------------


def test_portal_pages_walkthrough(client, student):
    client.force_login(student)
    url = reverse("simulation_portal")
    page = client.get(url).content.decode()
    assert "Mô phỏng — không phải hệ thống thật" in page and simulations.MOCK_PASSCODE in page
    assert "Đăng nhập bằng tài khoản định danh điện tử (VNeID)" in page and "Quét mã QR" in page
    for name in simulations.PORTAL_STEPS[: STEP["bank"]]:
        assert client.post(url, VALID[name]).status_code == 302, name
    progress = selectors.simulation_progress(student=student, simulation="portal")
    page = client.get(url).content.decode()
    procedure = simulations.PROCEDURES["tam-tru"]
    assert progress.state["otp"] in page and "KHÔNG BAO GIỜ" in page
    assert page.count(procedure.payee) >= 2 and page.count(procedure.fee) >= 2  # the portal's and the bank's
    assert client.post(url, {**BANK_OK, "otp": progress.state["otp"]}).status_code == 302
    assert "Biên lai" in client.get(url).content.decode()
    client.post(url, {"save": "on"})
    client.post(url, {"refresh": "1"})
    assert "Đang xử lý" in client.get(url).content.decode()
    client.post(url, {"refresh": "1"})
    assert "chữ ký số" in client.get(url).content.decode()
    client.post(url, {"save": "on"})
    progress = SimulationProgress.objects.get(student=student, simulation="portal")
    assert progress.completed_at is not None and progress.step == len(simulations.PORTAL_STEPS)
    assert "Hoàn thành!" in client.get(url).content.decode()
    client.post(url, {"action": "restart"})
    progress.refresh_from_db()
    assert progress.step == 0 and progress.completed_at is not None


@pytest.mark.parametrize("name, data, field", [row for row in BAD_INPUTS if row[0] != "bank"])
def test_portal_view_refuses_bad_post_values(client, student, name, data, field):
    """A bad value is answered 400 with its Vietnamese message, and the step stays where it was."""
    progress = SimulationProgress.objects.create(
        student=student, simulation="portal", step=STEP[name], state=dict(STATE)
    )
    client.force_login(student)
    response = client.post(reverse("simulation_portal"), data)
    assert response.status_code == 400
    message = simulations.portal_submit(STEP[name], dict(STATE), data).errors[field]
    assert message in response.content.decode()
    progress.refresh_from_db()
    assert (progress.step, progress.state) == (STEP[name], STATE)


def test_portal_view_refuses_a_wrong_otp(client, student):
    SimulationProgress.objects.create(student=student, simulation="portal", step=STEP["bank"], state=dict(STATE))
    client.force_login(student)
    response = client.post(reverse("simulation_portal"), {**BANK_OK, "otp": "999999"})
    assert response.status_code == 400 and "Mã OTP chưa khớp" in response.content.decode()
    assert 'name="check_payee" checked' in response.content.decode()  # ticked boxes survive the error


def test_every_step_page_renders(client, student):
    """Each step shows its own screen inside the mock browser, with the banner."""
    marks = {
        "login": "Quét mã QR", "vneid": "Xác nhận đăng nhập", "procedure": "Em muốn làm thủ tục nào?",
        "form": "cổng tự điền từ tài khoản VNeID", "attach": "Dùng lại giấy tờ đã có trong kho dữ liệu",
        "trap": "nộp phí gấp", "pay": "Cơ quan thu", "bank": "Đơn vị thụ hưởng", "receipt": "Biên lai",
        "track": "Làm mới trạng thái", "result": "chữ ký số",
    }
    progress = SimulationProgress.objects.create(student=student, simulation="portal", state=dict(STATE))
    client.force_login(student)
    for name, mark in marks.items():
        progress.step = STEP[name]
        progress.save()
        page = client.get(reverse("simulation_portal")).content.decode()
        assert mark in page and "Mô phỏng — không phải hệ thống thật" in page, name


# "Which site is real?" ----------------------------------------------------------------


def test_site_classification_needs_every_site_right():
    state = {}
    for site in simulations.SITES:
        state = simulations.site_classify(state, site.id, "real").state
    assert not simulations.sites_done(state)
    assert simulations.sites_correct(state) == sum(site.is_real for site in simulations.SITES)
    for site in simulations.SITES:
        state = simulations.site_classify(state, site.id, "real" if site.is_real else "fake").state
    assert simulations.sites_done(state)


@pytest.mark.parametrize("site_id, verdict", [("nope", "real"), ("s1", "maybe"), ("", ""), ("s1", "REAL")])
def test_site_classify_refuses_bad_values(site_id, verdict):
    state = {"answers": {"s1": "real"}}
    outcome = simulations.site_classify(state, site_id, verdict)
    assert outcome.errors["site"] == "Địa chỉ hoặc lựa chọn không hợp lệ." and outcome.state == state


def test_known_fakes_are_included():
    addresses = " ".join(site.address for site in simulations.SITES if not site.is_real)
    for fake in ("dichvucong.cvgov.com", "viet.lgovn.cc", "dichvucongs.top"):
        assert fake in addresses


def test_every_site_has_feedback_both_ways():
    for site in simulations.SITES:
        assert site.explanation and site.hint and site.explanation != site.hint


def test_sites_do_not_teach_that_official_means_gov_vn():
    """Explanations never say an official site always ends in .gov.vn; some real cases live elsewhere."""
    text = " ".join(f"{site.explanation} {site.hint} {site.context}" for site in simulations.SITES).lower()
    for outdated in ("không phải .gov.vn", "kết thúc bằng .gov.vn", "kiểm tra đuôi .gov.vn", "luôn có đuôi .gov.vn"):
        assert outdated not in text
    assert any(site.is_real and ".gov.vn" not in site.address for site in simulations.SITES)


def test_sites_cover_the_2026_cases():
    """A payment link in a message (fake), the portal's bank hand-over (real), a fake VNeID app and APK."""
    by_context = {site.id: site for site in simulations.SITES if site.context}
    message = [s for s in by_context.values() if "Tin nhắn" in s.context and "nộp phí" in s.context]
    assert message and not any(s.is_real for s in message)
    handover = [s for s in by_context.values() if "bước thanh toán" in s.context]
    assert handover and all(s.is_real for s in handover)
    assert any(site.address.endswith(".apk") and not site.is_real for site in simulations.SITES)
    assert any("nhà phát triển" in site.address and not site.is_real for site in simulations.SITES)


def test_real_site_page(client, student):
    client.force_login(student)
    url = reverse("simulation_real_site")
    page = client.get(url).content.decode()
    assert "dichvucong.cvgov.com" in page and "kiểm tra đuôi .gov.vn" not in page
    assert client.post(url, {"site": "s2", "verdict": "real"}).status_code == 302
    page = client.get(url).content.decode()
    assert "Chưa đúng" in page and "Gợi ý:" in page
    assert client.post(url, {"site": "s2", "verdict": "fake"}).status_code == 302
    assert "Chính xác" in client.get(url).content.decode()
    complete_simulation(student, "real-site")
    assert SimulationProgress.objects.get(student=student, simulation="real-site").completed_at


@pytest.mark.parametrize("data", [{"site": "s999", "verdict": "real"}, {"site": "s2", "verdict": "maybe"}, {}])
def test_real_site_view_refuses_bad_post_values(client, student, data):
    client.force_login(student)
    client.post(reverse("simulation_real_site"), {"site": "s1", "verdict": "real"})
    response = client.post(reverse("simulation_real_site"), data)
    assert response.status_code == 400 and "Địa chỉ hoặc lựa chọn không hợp lệ." in response.content.decode()
    progress = SimulationProgress.objects.get(student=student, simulation="real-site")
    assert progress.state == {"answers": {"s1": "real"}}


def test_simulations_need_login(client):
    assert client.get(reverse("simulation_portal")).status_code == 302
    assert client.get(reverse("simulation_real_site")).status_code == 302
