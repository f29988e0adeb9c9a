"""Rules of "Đăng nhập và đọc thông tin thủ tục": every step, every wrong input, stale and bad posts."""

import pytest

from lessons import sim_procedure as sim
from lessons.sim_base import STALE_OR_BAD

LOGIN, FIND, SHEET = range(3)
DONE = len(sim.STEPS)


def post(step: str, **values) -> dict[str, list[str]]:
    return {"step": [step], **{name: value if isinstance(value, list) else [value] for name, value in values.items()}}


def assert_unchanged(outcome, state):
    assert outcome.state == state and not outcome.changed and not outcome.advanced


def test_walkthrough_reaches_done_and_leaves_no_state():
    step, state = 0, {}
    for data in sim.walkthrough():
        outcome = sim.submit(step, state, data)
        assert not outcome.errors and not outcome.feedback and not outcome.stale and outcome.changed
        step, state = step + outcome.advanced, outcome.state
    assert step == DONE and sim.step_name(step) == "done" and state == {}


def test_scan_then_confirm_with_the_guide_card_passcode():
    scanned = sim.submit(LOGIN, {}, post("login", action="scan"))
    assert scanned.state == {"scanned": True} and scanned.changed and not scanned.advanced
    confirmed = sim.submit(LOGIN, scanned.state, post("login", action="confirm", passcode=sim.MOCK_PASSCODE))
    assert confirmed.advanced and confirmed.state == {}
    assert sim.MOCK_PASSCODE not in str(confirmed.state)


def test_confirm_before_scanning_is_refused():
    outcome = sim.submit(LOGIN, {}, post("login", action="confirm", passcode=sim.MOCK_PASSCODE))
    assert "quét mã QR" in outcome.errors["passcode"]
    assert_unchanged(outcome, {})


@pytest.mark.parametrize(
    "passcode, message",
    [
        ("", "6 chữ số"),
        ("12345", "6 chữ số"),
        ("1234567", "6 chữ số"),
        ("abcdef", "6 chữ số"),
        ("２４６８１０", "6 chữ số"),  # full-width digits are not the passcode
        ("135790", "chưa đúng"),
        (["246810", "246810"], "6 chữ số"),  # a repeated field is not one value
    ],
)
def test_wrong_passcodes_are_refused(passcode, message):
    state = {"scanned": True}
    outcome = sim.submit(LOGIN, state, post("login", action="confirm", passcode=passcode))
    assert message in outcome.errors["passcode"]
    assert_unchanged(outcome, state)


def test_passcode_with_spaces_around_is_accepted():
    assert sim.submit(LOGIN, {"scanned": True}, post("login", action="confirm", passcode=" 246810 ")).advanced


def test_refusing_the_request_explains_when_to_refuse_and_asks_to_scan_again():
    outcome = sim.submit(LOGIN, {"scanned": True}, post("login", action="refuse"))
    assert outcome.state == {} and outcome.changed and not outcome.advanced
    assert "Từ chối" in outcome.feedback["login"] or "từ chối" in outcome.feedback["login"]


@pytest.mark.parametrize("action", ["", "login", "CONFIRM", ["scan", "confirm"]])
def test_unknown_login_actions_are_refused(action):
    outcome = sim.submit(LOGIN, {}, post("login", action=action))
    assert "không hợp lệ" in outcome.errors["action"]
    assert_unchanged(outcome, {})


@pytest.mark.parametrize("data", [{}, {"step": ["nope"]}, {"step": [""]}, {"step": ["login", "find"]}])
def test_posts_without_a_known_step_are_refused(data):
    outcome = sim.submit(LOGIN, {"scanned": True}, {**data, "action": ["scan"]})
    assert outcome.errors == {"step": STALE_OR_BAD}
    assert_unchanged(outcome, {"scanned": True})


@pytest.mark.parametrize(
    "step, data",
    [
        (FIND, post("login", action="confirm", passcode=sim.MOCK_PASSCODE)),  # double submit of the login
        (SHEET, post("find", procedure="tam-tru")),
        (DONE, post("sheet", question="agency", answer="cong-an-noi-den")),
        (LOGIN, post("find", procedure="tam-tru")),  # a form from a later step (another tab after a restart)
    ],
)
def test_posts_for_another_step_change_nothing(step, data):
    outcome = sim.submit(step, {}, data)
    assert outcome.stale and not outcome.errors
    assert_unchanged(outcome, {})


def test_the_right_procedure_advances():
    assert sim.submit(FIND, {}, post("find", procedure=sim.RIGHT_PROCEDURE)).advanced


@pytest.mark.parametrize("option", [o for o in sim.PROCEDURES if not o.correct], ids=lambda o: o.id)
def test_each_wrong_procedure_stays_and_says_why(option):
    outcome = sim.submit(FIND, {}, post("find", procedure=option.id))
    assert outcome.feedback == {"procedure": option.note} and option.note
    assert_unchanged(outcome, {})


@pytest.mark.parametrize("value", ["", "nope", ["tam-tru", "thuong-tru"], "TAM-TRU"])
def test_unknown_procedures_are_refused(value):
    outcome = sim.submit(FIND, {}, post("find", procedure=value))
    assert outcome.errors == {"procedure": "Em hãy chọn một thủ tục trong danh sách."}
    assert_unchanged(outcome, {})


def test_exactly_one_right_procedure_among_four():
    assert len(sim.PROCEDURES) == 4 and [o.id for o in sim.PROCEDURES if o.correct] == [sim.RIGHT_PROCEDURE]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", {"tam-tru", "thuong-tru", "tam-vang", "xac-nhan-cu-tru"}),
        ("tạm trú", {"tam-tru"}),
        ("tam tru", {"tam-tru"}),
        ("TẠM", {"tam-tru", "tam-vang"}),
        ("cư trú", {"xac-nhan-cu-tru"}),
        ("đăng ký", {"tam-tru", "thuong-tru"}),
        ("hộ chiếu", set()),
    ],
)
def test_search_is_forgiving_about_accents_and_case(query, expected):
    assert {o.id for o in sim.procedures_matching(query)} == expected


def right(question) -> list[str]:
    return sorted(question.correct)


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 1, 0), (1, 0, 2)])
def test_sheet_completes_when_every_question_is_right_in_any_order(order):
    state = {}
    for n, index in enumerate(order):
        question = sim.QUESTIONS[index]
        outcome = sim.submit(SHEET, state, post("sheet", question=question.id, answer=right(question)))
        assert outcome.changed and not outcome.feedback
        assert outcome.advanced == (n == len(order) - 1)
        state = outcome.state
    assert state == {}


def test_a_right_answer_is_kept_and_answering_it_again_changes_nothing():
    agency = sim.QUESTIONS_BY_ID["agency"]
    outcome = sim.submit(SHEET, {}, post("sheet", question="agency", answer=right(agency)))
    assert outcome.state == {"sheet_ok": ["agency"]}
    again = sim.submit(SHEET, outcome.state, post("sheet", question="agency", answer="truong"))
    assert again.stale
    assert_unchanged(again, {"sheet_ok": ["agency"]})


@pytest.mark.parametrize(
    "question, option",
    [(q, o) for q in sim.QUESTIONS if not q.multiple for o in q.options if not o.correct],
    ids=lambda value: value.id,
)
def test_each_wrong_single_answer_says_why(question, option):
    outcome = sim.submit(SHEET, {}, post("sheet", question=question.id, answer=option.id))
    assert outcome.feedback == {question.id: option.note}
    assert_unchanged(outcome, {})


def test_documents_missing_one_or_with_an_extra_get_their_own_explanations():
    documents = sim.QUESTIONS_BY_ID["documents"]
    missing = sim.submit(SHEET, {}, post("sheet", question="documents", answer=["to-khai"]))
    assert "còn thiếu" in missing.feedback["documents"]
    extra = sim.submit(SHEET, {}, post("sheet", question="documents", answer=[*right(documents), "so-ho-khau"]))
    assert "1/1/2023" in extra.feedback["documents"]
    both = sim.submit(SHEET, {}, post("sheet", question="documents", answer=["to-khai", "xac-nhan-truong"]))
    assert "không ghi giấy này" in both.feedback["documents"]
    for outcome in (missing, extra, both):
        assert_unchanged(outcome, {})


@pytest.mark.parametrize(
    "question, answer, message",
    [
        ("agency", [], "chọn một phương án"),
        ("agency", ["cong-an-noi-den", "truong"], "không hợp lệ"),  # one answer only
        ("agency", ["nope"], "không hợp lệ"),
        ("documents", ["to-khai", "to-khai"], "không hợp lệ"),
        ("documents", ["to-khai", "cho-o", "x"], "không hợp lệ"),
    ],
)
def test_malformed_answers_are_refused(question, answer, message):
    outcome = sim.submit(SHEET, {}, post("sheet", question=question, answer=answer))
    assert message in outcome.errors[question]
    assert_unchanged(outcome, {})


@pytest.mark.parametrize("question", ["", "nope", ["agency", "minor"]])
def test_unknown_questions_are_refused(question):
    outcome = sim.submit(SHEET, {}, post("sheet", question=question, answer="cong-an-noi-den"))
    assert "Câu hỏi không hợp lệ" in outcome.errors["question"]
    assert_unchanged(outcome, {})


def test_questions_have_varied_keys_and_the_sheet_states_what_they_ask():
    assert [len(q.correct) for q in sim.QUESTIONS] == [1, 2, 1]
    assert all(len(q.options) == 4 for q in sim.QUESTIONS)
    assert "Công an cấp xã" in sim.SHEET["agency"]
    assert "cha, mẹ hoặc người giám hộ" in sim.SHEET["minor"]
    assert "mô phỏng" in sim.SHEET["fee"]


def test_mock_qr_is_a_fixed_pattern():
    assert sim.qr_path() == sim.qr_path() and sim.qr_path().startswith("M0 0h1v1h-1z")
