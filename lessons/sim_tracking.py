"""Rules of "Theo dõi hồ sơ và bổ sung giấy tờ" (lesson l5), a clearly mock portal.

The story continues lesson l2's: the student's temporary-residence file was
received; the receipt carries a mock dossier code, made by the server and kept in
``state["code"]`` (the only value stored besides the step). Its date part is the
day of receipt, from which every other mock date follows.

1. lookup — type the code from the receipt into "Tra cứu hồ sơ" (compared, not stored).
2. respond — the file asks for a missing document; choose what to do among four.
3. attach — add the document to this same file (only a file name travels; nothing uploaded).
4. overdue — the file is past its date for results; say what that means and what one may do.
5. result — the electronic result, digitally signed (mock), saved to the data store.
6. rate — 1 to 5 stars (the rating is not stored); then done.

Facts: 3 working days from a complete, valid file; when a file is incomplete the
agency asks for more (Luật Cư trú 2020 Art. 28 via giadinh.suckhoedoisong.vn,
9/12/2025). A digitally signed electronic result is as valid as paper (brief: Luật
Giao dịch điện tử 2023).
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from lessons.sim_base import Data, Option, Outcome, attachment_error, choice_feedback, one, step_check

TRACKING = "tracking"
STEPS = ("lookup", "respond", "attach", "overdue", "result", "rate")
PROCEDURE_NAME = "Đăng ký tạm trú"
MISSING_DOCUMENT = "Giấy tờ chứng minh chỗ ở hợp pháp (hợp đồng thuê phòng trọ có chữ ký của chủ nhà)"
CODE_RE = re.compile(r"H(\d{2})\.(\d{2})-(\d{6})-(\d{4})")
STARS = ("1", "2", "3", "4", "5")

RESPONSES = (
    Option("bo-sung", "Bổ sung đúng giấy tờ được yêu cầu ngay trên hồ sơ này trên Cổng, trước hạn bổ sung", True,
           "Đúng. Em bổ sung trên chính hồ sơ đang có, đúng giấy tờ được yêu cầu và trước hạn."),
    Option("nop-moi", "Nộp một hồ sơ mới có đủ giấy tờ, để hồ sơ cũ tự hết hạn", False,
           "Hồ sơ mới phải tiếp nhận lại từ đầu, còn hồ sơ cũ vẫn đang chờ em. Cổng cho em bổ sung ngay trên hồ sơ "
           "đang có."),
    Option("zalo", "Gửi ảnh giấy tờ qua Zalo cho “cán bộ” vừa gọi điện nhắc em bổ sung", False,
           "Yêu cầu bổ sung chính thức nằm trên trang hồ sơ của em trên Cổng. Người gọi điện xin ảnh giấy tờ qua "
           "tin nhắn có thể là kẻ lừa đảo; ảnh giấy tờ của em có thể bị dùng để mạo danh em."),
    Option("cho", "Chờ cơ quan tự tìm giấy tờ còn thiếu trong cơ sở dữ liệu", False,
           "Thông báo đã ghi rõ giấy tờ em cần bổ sung và hạn bổ sung. Nếu em không bổ sung, hồ sơ không được giải "
           "quyết tiếp."),
)

OVERDUE = (
    Option("co-quan-tre", "Cơ quan đã trễ hạn trả kết quả; hồ sơ vẫn được giải quyết, em có thể hỏi hoặc gửi phản "
           "ánh, kiến nghị trên Cổng", True,
           "Đúng. “Quá hạn” nghĩa là đã qua hạn trả kết quả mà cơ quan chưa trả. Hồ sơ của em vẫn còn; em có thể hỏi "
           "hoặc gửi phản ánh, kiến nghị trên Cổng Dịch vụ công."),
    Option("bi-huy", "Hồ sơ đã tự bị hủy vì quá hạn, em phải nộp lại một hồ sơ mới từ đầu", False,
           "Quá hạn không làm hồ sơ bị hủy: đó là cơ quan trả kết quả chậm hơn hạn đã hẹn, còn hồ sơ vẫn đang được "
           "giải quyết."),
    Option("em-tre", "Em đã bổ sung muộn nên phải nộp thêm một khoản lệ phí thì hồ sơ mới được xử lý", False,
           "Em đã bổ sung trước hạn. “Quá hạn” ở đây là hạn trả kết quả của cơ quan, và không có khoản tiền nào "
           "phải nộp thêm vì chuyện đó."),
    Option("nho-nguoi", "Em nên nhờ người quen đưa tiền cho cán bộ để hồ sơ được xử lý nhanh hơn", False,
           "Không đưa tiền ngoài lệ phí ghi trên bản thông tin thủ tục. Khi hồ sơ trễ hạn, em hỏi hoặc gửi phản ánh, "
           "kiến nghị trên Cổng."),
)

LEARNED = (
    "Giữ giấy tiếp nhận và tra cứu hồ sơ bằng mã hồ sơ trên Cổng Dịch vụ công.",
    "Khi có “Yêu cầu bổ sung hồ sơ”: bổ sung đúng giấy tờ trên chính hồ sơ đó, trước hạn; không gửi giấy tờ qua "
    "tin nhắn cho người lạ.",
    "“Quá hạn” là cơ quan trả kết quả chậm; hồ sơ vẫn còn, em có thể hỏi hoặc gửi phản ánh, kiến nghị.",
    "Kết quả điện tử có chữ ký số có giá trị pháp lý như bản giấy và được lưu trong kho dữ liệu để dùng lại.",
    "Đánh giá mức độ hài lòng sau khi nhận kết quả giúp cơ quan làm tốt hơn.",
)

TIMELINE = ("Đã tiếp nhận", "Đang xử lý", "Yêu cầu bổ sung hồ sơ", "Đang xử lý", "Có kết quả")
# How far along the timeline the file is at each step (index of the current status).
STATUS_AT = {"lookup": 0, "respond": 2, "attach": 2, "overdue": 3, "result": 4, "rate": 4, "done": 4}


def step_name(step: int) -> str:
    """Name of the step a student at ``step`` is on; "done" after the last one."""
    return STEPS[step] if step < len(STEPS) else "done"


def dossier_code(received: date, area: int, office: int, serial: int) -> str:
    """A mock dossier code in the portal's shape, e.g. "H12.34-261207-0007"."""
    return f"H{area % 100:02d}.{office % 100:02d}-{received:%y%m%d}-{serial % 10000:04d}"


def received_on(code: str) -> date | None:
    """The day of receipt written in a mock dossier code."""
    match = CODE_RE.fullmatch(code or "")
    if not match:
        return None
    try:
        return datetime.strptime(match.group(3), "%y%m%d").date()  # noqa: DTZ007 - a calendar date, no time
    except ValueError:
        return None


def add_working_days(start: date, days: int) -> date:
    """``days`` working days (Monday to Friday) after ``start``; public holidays are ignored in the mock."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


@dataclass(frozen=True)
class Dates:
    received: date
    due: date  # date for results on the receipt
    request: date  # the agency asks for a missing document
    supplement_by: date
    supplemented: date
    new_due: date  # 3 working days after the file became complete
    today: date  # the mock "today" of the overdue step, past new_due
    result: date


def dossier_dates(received: date) -> Dates:
    request = add_working_days(received, 1)
    supplemented = add_working_days(request, 1)
    new_due = add_working_days(supplemented, 3)
    today = add_working_days(new_due, 2)
    return Dates(
        received=received, due=add_working_days(received, 3), request=request,
        supplement_by=add_working_days(request, 5), supplemented=supplemented, new_due=new_due, today=today,
        result=add_working_days(today, 1),
    )


def timeline(step: str) -> list[tuple[str, str]]:
    """The file's history at ``step``, as a real portal shows it: (label, "done" | "current"), latest last."""
    at = STATUS_AT[step]
    return [(label, "done" if i < at or step == "done" else "current") for i, label in enumerate(TIMELINE[: at + 1])]


def _lookup(state: dict, data: Data) -> Outcome:
    typed = "".join(one(data, "code").split()).upper()
    if not typed:
        return Outcome(state, errors={"code": "Em hãy nhập mã hồ sơ ghi trên giấy tiếp nhận."})
    if typed != state.get("code"):
        return Outcome(state, errors={"code": "Không tìm thấy hồ sơ có mã này. Em hãy chép đúng mã trên giấy tiếp "
                                              "nhận, kể cả dấu chấm và dấu gạch ngang."})
    return Outcome(state, advanced=True, changed=True)


def _choose(options, field_name: str):
    def check(state: dict, data: Data) -> Outcome:
        option, note = choice_feedback(options, one(data, field_name))
        if option is None:
            return Outcome(state, errors={field_name: "Em hãy chọn một cách trong danh sách."})
        if note:
            return Outcome(state, feedback={field_name: note})
        return Outcome(state, advanced=True, changed=True)

    return check


def _attach(state: dict, data: Data) -> Outcome:
    error = attachment_error(data)
    if error:
        return Outcome(state, errors={"attachment": error})
    return Outcome(state, advanced=True, changed=True)


def _result(state: dict, data: Data) -> Outcome:
    if one(data, "save") != "on":
        return Outcome(state, errors={"save": "Em hãy lưu kết quả điện tử vào kho dữ liệu."})
    return Outcome(state, advanced=True, changed=True)


def _rate(state: dict, data: Data) -> Outcome:
    if one(data, "stars") not in STARS:
        return Outcome(state, errors={"stars": "Em hãy chọn từ 1 đến 5 sao."})
    return Outcome(state, advanced=True, changed=True)


CHECKS = {
    "lookup": _lookup, "respond": _choose(RESPONSES, "response"), "attach": _attach,
    "overdue": _choose(OVERDUE, "meaning"), "result": _result, "rate": _rate,
}


def submit(step: int, state: dict, data: Data) -> Outcome:
    """Apply one post to the student's current step."""
    state = dict(state)
    checked = step_check(STEPS, step, data, state)
    if checked is not None:
        return checked
    return CHECKS[STEPS[step]](state, data)


def walkthrough(code: str) -> list[dict[str, list[str]]]:
    """The posts that take a student with dossier ``code`` from the first step to done with right answers."""
    right = {options: next(o.id for o in options if o.correct) for options in (RESPONSES, OVERDUE)}
    return [
        {"step": ["lookup"], "code": [code]},
        {"step": ["respond"], "response": [right[RESPONSES]]},
        {"step": ["attach"], "attachment": ["hop-dong-thue-phong.pdf"]},
        {"step": ["overdue"], "meaning": [right[OVERDUE]]},
        {"step": ["result"], "save": ["on"]},
        {"step": ["rate"], "stars": ["5"]},
    ]
