"""Rules of "Theo dõi hồ sơ và bổ sung giấy tờ": every step, every wrong input, stale and bad posts, dates."""

from datetime import date

import pytest

from lessons import sim_tracking as sim
from lessons.sim_base import STALE_OR_BAD

CODE = "H12.34-261207-0007"
STATE = {"code": CODE}
STEP = {name: index for index, name in enumerate(sim.STEPS)}
DONE = len(sim.STEPS)


def post(step: str, **values) -> dict[str, list[str]]:
    return {"step": [step], **{name: value if isinstance(value, list) else [value] for name, value in values.items()}}


def assert_unchanged(outcome):
    assert outcome.state == STATE and not outcome.changed and not outcome.advanced


def test_walkthrough_reaches_done_and_keeps_only_the_code():
    step, state = 0, dict(STATE)
    for data in sim.walkthrough(CODE):
        outcome = sim.submit(step, state, data)
        assert outcome.advanced and not outcome.errors and not outcome.feedback
        step, state = step + 1, outcome.state
    assert sim.step_name(step) == "done" and state == STATE


def test_code_shape_and_date_round_trip():
    code = sim.dossier_code(date(2026, 12, 7), 12, 34, 7)
    assert code == CODE and sim.received_on(code) == date(2026, 12, 7)
    assert sim.dossier_code(date(2026, 1, 2), 123, 5, 12345) == "H23.05-260102-2345"


@pytest.mark.parametrize("code", ["", "H12.34-261332-0007", "h12.34-261207-0007", "H12.34-261207-007", "X", None])
def test_codes_that_are_not_mock_codes_have_no_date(code):
    assert sim.received_on(code) is None


def test_working_days_skip_weekends():
    friday = date(2026, 12, 11)
    assert sim.add_working_days(friday, 1) == date(2026, 12, 14)
    assert sim.add_working_days(friday, 3) == date(2026, 12, 16)
    assert sim.add_working_days(friday, 0) == friday


def test_mock_dates_tell_a_consistent_story():
    dates = sim.dossier_dates(date(2026, 12, 7))
    assert dates.received < dates.request < dates.supplemented <= dates.supplement_by
    assert dates.new_due == sim.add_working_days(dates.supplemented, 3)  # 3 working days from a complete file
    assert dates.due == sim.add_working_days(dates.received, 3)
    assert dates.new_due < dates.today < dates.result  # "today" is past the date for results: overdue


@pytest.mark.parametrize(
    "step, labels, current",
    [
        ("lookup", ["Đã tiếp nhận"], "Đã tiếp nhận"),
        ("respond", ["Đã tiếp nhận", "Đang xử lý", "Yêu cầu bổ sung hồ sơ"], "Yêu cầu bổ sung hồ sơ"),
        ("attach", ["Đã tiếp nhận", "Đang xử lý", "Yêu cầu bổ sung hồ sơ"], "Yêu cầu bổ sung hồ sơ"),
        ("overdue", ["Đã tiếp nhận", "Đang xử lý", "Yêu cầu bổ sung hồ sơ", "Đang xử lý"], "Đang xử lý"),
        ("result", list(sim.TIMELINE), "Có kết quả"),
        ("rate", list(sim.TIMELINE), "Có kết quả"),
        ("done", list(sim.TIMELINE), None),
    ],
)
def test_timeline_shows_the_history_up_to_the_current_status(step, labels, current):
    rows = sim.timeline(step)
    assert [label for label, _status in rows] == labels
    assert [label for label, status in rows if status == "current"] == ([current] if current else [])


@pytest.mark.parametrize("typed", [CODE, CODE.lower(), f"  {CODE} ", "H12.34 - 261207 - 0007"])
def test_lookup_accepts_the_code_as_printed_whatever_the_case_and_spaces(typed):
    assert sim.submit(STEP["lookup"], STATE, post("lookup", code=typed)).advanced


@pytest.mark.parametrize(
    "typed, message",
    [("", "Em hãy nhập mã hồ sơ"), ("H12.34-261207-0008", "Không tìm thấy"), ("H1234-261207-0007", "Không tìm thấy"),
     ([CODE, CODE], "Em hãy nhập mã hồ sơ")],
)
def test_lookup_refuses_other_codes(typed, message):
    outcome = sim.submit(STEP["lookup"], STATE, post("lookup", code=typed))
    assert message in outcome.errors["code"]
    assert_unchanged(outcome)


def test_lookup_without_a_code_in_state_finds_nothing():
    outcome = sim.submit(STEP["lookup"], {}, post("lookup", code=CODE))
    assert "Không tìm thấy" in outcome.errors["code"] and not outcome.changed


@pytest.mark.parametrize(
    "step, field, options",
    [("respond", "response", sim.RESPONSES), ("overdue", "meaning", sim.OVERDUE)],
)
def test_choice_steps_have_one_right_option_and_explain_every_wrong_one(step, field, options):
    assert len(options) == 4 and sum(o.correct for o in options) == 1
    for option in options:
        outcome = sim.submit(STEP[step], STATE, post(step, **{field: option.id}))
        if option.correct:
            assert outcome.advanced
        else:
            assert outcome.feedback == {field: option.note} and option.note
            assert_unchanged(outcome)


@pytest.mark.parametrize("step, field", [("respond", "response"), ("overdue", "meaning")])
@pytest.mark.parametrize("value", ["", "nope", ["bo-sung", "co-quan-tre"]])
def test_choice_steps_refuse_unknown_values(step, field, value):
    outcome = sim.submit(STEP[step], STATE, post(step, **{field: value}))
    assert outcome.errors == {field: "Em hãy chọn một cách trong danh sách."}
    assert_unchanged(outcome)


def test_the_right_response_is_supplementing_this_file_and_overdue_means_the_agency_is_late():
    assert [o.id for o in sim.RESPONSES if o.correct] == ["bo-sung"]
    assert [o.id for o in sim.OVERDUE if o.correct] == ["co-quan-tre"]
    assert "phản ánh" in next(o.text for o in sim.OVERDUE if o.correct)


@pytest.mark.parametrize("name", ["hop-dong.pdf", "ANH.JPG", "a.jpeg", "scan.png"])
def test_attach_takes_a_pdf_or_picture_name(name):
    assert sim.submit(STEP["attach"], STATE, post("attach", attachment=name)).advanced


@pytest.mark.parametrize(
    "name, message",
    [("", "chưa chọn tệp"), ("virus.exe", "Chỉ đính kèm"), ("hop-dong.pdf.apk", "Chỉ đính kèm"),
     ("x" * 300 + ".pdf", "Chỉ đính kèm"), (["a.pdf", "b.pdf"], "chưa chọn tệp")],
)
def test_attach_refuses_other_files(name, message):
    outcome = sim.submit(STEP["attach"], STATE, post("attach", attachment=name))
    assert message in outcome.errors["attachment"]
    assert_unchanged(outcome)


@pytest.mark.parametrize("value", ["", "off", "yes"])
def test_result_must_be_saved(value):
    outcome = sim.submit(STEP["result"], STATE, post("result", save=value))
    assert "kho dữ liệu" in outcome.errors["save"]
    assert_unchanged(outcome)


@pytest.mark.parametrize("stars", list(sim.STARS))
def test_any_rating_from_one_to_five_finishes(stars):
    outcome = sim.submit(STEP["rate"], STATE, post("rate", stars=stars))
    assert outcome.advanced and outcome.state == STATE


@pytest.mark.parametrize("stars", ["", "0", "6", "3.5", "-1", "５", ["4", "5"]])
def test_other_ratings_are_refused(stars):
    outcome = sim.submit(STEP["rate"], STATE, post("rate", stars=stars))
    assert outcome.errors == {"stars": "Em hãy chọn từ 1 đến 5 sao."}
    assert_unchanged(outcome)


@pytest.mark.parametrize("data", [{}, {"step": ["nope"]}, {"step": ["lookup", "respond"]}])
def test_posts_without_a_known_step_are_refused(data):
    outcome = sim.submit(STEP["respond"], STATE, {**data, "response": ["bo-sung"]})
    assert outcome.errors == {"step": STALE_OR_BAD}
    assert_unchanged(outcome)


@pytest.mark.parametrize("at", [*range(1, len(sim.STEPS)), DONE])
def test_a_second_submit_of_an_earlier_step_changes_nothing(at):
    earlier = sim.walkthrough(CODE)[at - 1]
    outcome = sim.submit(at, STATE, earlier)
    assert outcome.stale and not outcome.errors
    assert_unchanged(outcome)
