"""Rules of the hands-on simulations, as pure functions over plain data.

Both simulations are clearly mock systems: nothing typed into them is stored
(only which step the student reached), and no real payment, upload or OTP
exists. ``state`` is the JSON kept in ``SimulationProgress.state``.

- Mock portal (lesson 4): sign in with the mock account → choose a procedure →
  fill the e-Form → attach a file (only its name travels) → pay a mock fee with
  an OTP shown on screen → track the file through its states → receive the
  electronic result.
- "Which site is real?" (lesson 7): classify each address as real or fake;
  every answer gets feedback; the simulation is complete when every address has
  been classified correctly.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

PORTAL = "portal"
REAL_SITE = "real-site"

PORTAL_STEPS = ("login", "procedure", "form", "attach", "pay", "track", "result")
MOCK_USERNAME = "nguyenvana.mophong"
MOCK_PASSWORD = "MoPhong@2025"  # noqa: S105 - printed on the mock sign-in page on purpose
MOCK_CITIZEN = {
    "full_name": "Nguyễn Văn A",
    "birth_date": "15/03/2008",
    "id_number": "000000000000",
    "address": "Số 1, đường Mô Phỏng, phường Thử Nghiệm",
}
PROCEDURES = {
    "tam-tru": "Đăng ký tạm trú",
    "trich-luc-khai-sinh": "Cấp bản sao trích lục khai sinh",
    "ly-lich-tu-phap": "Cấp phiếu lý lịch tư pháp",
}
TRACK_STATES = ("Đã tiếp nhận", "Đang xử lý", "Có kết quả")
ATTACHMENT_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png")
MOCK_FEE = "0 đồng (lệ phí mô phỏng, không thu tiền thật)"


@dataclass
class Outcome:
    """The new state, and field errors (field name → message) when the step was refused."""

    state: dict
    errors: dict[str, str] = field(default_factory=dict)
    advanced: bool = False


def portal_step_name(step: int) -> str:
    """Name of the step a student at ``step`` is on; "done" after the last one."""
    return PORTAL_STEPS[step] if step < len(PORTAL_STEPS) else "done"


def _check_login(data: Mapping[str, str], state: dict) -> dict[str, str]:
    if data.get("username", "").strip() != MOCK_USERNAME or data.get("password", "") != MOCK_PASSWORD:
        return {"password": "Tên đăng nhập hoặc mật khẩu của tài khoản mô phỏng chưa đúng. Hãy xem lại thẻ hướng dẫn."}
    return {}


def _check_procedure(data: Mapping[str, str], state: dict) -> dict[str, str]:
    procedure = data.get("procedure", "")
    if procedure not in PROCEDURES:
        return {"procedure": "Em hãy chọn một thủ tục trong danh sách."}
    state["procedure"] = procedure
    return {}


def _parse_date(value: str) -> date | None:
    try:
        return datetime.strptime(value.strip(), "%d/%m/%Y").date()  # noqa: DTZ007 - a calendar date, no time
    except ValueError:
        return None


def portal_form_errors(data: Mapping[str, str], today: date) -> dict[str, str]:
    """Validate the mock e-Form the way a real one would; the values are never stored."""
    errors = {}
    name = " ".join(data.get("full_name", "").split())
    if len(name.split()) < 2 or not all(part.isalpha() for part in name.split()):
        errors["full_name"] = "Họ và tên cần ít nhất hai chữ và chỉ gồm chữ cái."
    born = _parse_date(data.get("birth_date", ""))
    if born is None:
        errors["birth_date"] = "Ngày sinh cần đúng dạng ngày/tháng/năm, ví dụ 15/03/2008."
    elif born >= today:
        errors["birth_date"] = "Ngày sinh phải trước ngày hôm nay."
    if not re.fullmatch(r"\d{12}", data.get("id_number", "").strip()):
        errors["id_number"] = "Số định danh cá nhân gồm đúng 12 chữ số."
    if len(data.get("address", "").strip()) < 5:
        errors["address"] = "Em cần ghi địa chỉ nơi ở."
    if data.get("confirm") != "on":
        errors["confirm"] = "Em cần đánh dấu cam đoan thông tin đã khai là đúng."
    return errors


def _check_attach(data: Mapping[str, str], state: dict) -> dict[str, str]:
    name = data.get("attachment", "").strip().lower()
    if not name:
        return {"attachment": "Em chưa chọn tệp giấy tờ để đính kèm."}
    if not name.endswith(ATTACHMENT_EXTENSIONS):
        return {"attachment": "Chỉ đính kèm tệp PDF hoặc ảnh (JPG, PNG)."}
    return {}


def _check_pay(data: Mapping[str, str], state: dict) -> dict[str, str]:
    errors = {}
    if data.get("method") not in ("bank", "wallet"):
        errors["method"] = "Em hãy chọn một cách thanh toán."
    if data.get("otp", "").strip() != state.get("otp"):
        errors["otp"] = "Mã OTP chưa khớp với mã hiện trên màn hình mô phỏng."
    return errors


def portal_submit(step: int, state: dict, data: Mapping[str, str], *, today: date) -> Outcome:
    """Apply the student's input to the current step; advance when it is valid."""
    state = dict(state)
    name = portal_step_name(step)
    if name == "done":
        return Outcome(state)
    if name == "form":
        errors = portal_form_errors(data, today)
    elif name == "track":
        # Each refresh moves the file one state on; the step ends once the result is ready.
        state["track"] = min(state.get("track", 0) + 1, len(TRACK_STATES) - 1)
        return Outcome(state, advanced=state["track"] == len(TRACK_STATES) - 1)
    elif name == "result":
        errors = {} if data.get("save") == "on" else {"save": "Em hãy lưu kết quả điện tử vào kho dữ liệu."}
    else:
        errors = {
            "login": _check_login, "procedure": _check_procedure, "attach": _check_attach, "pay": _check_pay,
        }[name](data, state)
    return Outcome(state, errors, advanced=not errors)


@dataclass(frozen=True)
class Site:
    id: str
    address: str
    is_real: bool
    explanation: str


SITES = (
    Site("s1", "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html", True,
         "Tên miền là dichvucong.gov.vn, kết thúc bằng .gov.vn: đây là Cổng Dịch vụ công quốc gia."),
    Site("s2", "https://dichvucong.cvgov.com/dang-nhap", False,
         "Chữ “gov” nằm ở giữa không có ý nghĩa; đuôi thật là .com. Đây là trang giả đã được cảnh báo."),
    Site("s3", "http://viet.lgovn.cc/dich-vu-cong", False,
         "“lgovn” chỉ trông giống “gov.vn”; đuôi thật là .cc. Đây là trang giả đã được cảnh báo."),
    Site("s4", "https://dichvucongs.top/ho-so", False,
         "Tên bị thêm chữ “s” và đuôi là .top, không phải .gov.vn. Đây là trang giả đã được cảnh báo."),
    Site("s5", "https://congan.quangngai.gov.vn", True,
         "Đọc tên miền từ phải sang trái: .gov.vn, rồi quangngai: trang của cơ quan nhà nước tỉnh Quảng Ngãi."),
    Site("s6", "https://dichvucong.gov.vn.xac-thuc-tai-khoan.com/login", False,
         "Tên miền thật là phần cuối: xac-thuc-tai-khoan.com. Phần “dichvucong.gov.vn” phía trước chỉ là tên giả để đánh lừa."),
    Site("s7", "https://vneid-kich-hoat.app/cai-dat", False,
         "VNeID chỉ tải từ App Store hoặc CH Play; trang mời tải ứng dụng “kích hoạt” như thế này là lừa đảo."),
)
SITES_BY_ID = {site.id: site for site in SITES}
VERDICTS = ("real", "fake")


def site_classify(state: dict, site_id: str, verdict: str) -> Outcome:
    """Record a verdict for one address; feedback is whether it matches."""
    site = SITES_BY_ID.get(site_id)
    if site is None or verdict not in VERDICTS:
        return Outcome(dict(state), {"site": "Địa chỉ hoặc lựa chọn không hợp lệ."})
    answers = dict(state.get("answers", {}))
    answers[site_id] = verdict
    return Outcome({**state, "answers": answers}, advanced=True)


def sites_correct(state: dict) -> int:
    """How many addresses are currently classified correctly."""
    answers = state.get("answers", {})
    return sum(1 for site in SITES if answers.get(site.id) == ("real" if site.is_real else "fake"))


def sites_done(state: dict) -> bool:
    return sites_correct(state) == len(SITES)
