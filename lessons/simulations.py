"""Rules of the hands-on simulations, as pure functions over plain data.

Both simulations are clearly mock systems: nothing typed into them is stored
(only which step the student reached and what the mock server itself generated),
and no real login, payment, upload or OTP exists. ``state`` is the JSON kept in
``SimulationProgress.state``.

- Mock portal (lesson 4): log in with the mock VNeID app (scan the portal's QR
  code, confirm with the passcode printed on the guide card) → choose a
  procedure → check the e-Form pre-filled from the identity data and complete
  the rest → attach a file (only its name travels) or reuse a document from the
  personal data store → recognise a scam message asking for the fee → pay from
  the portal's own payment step, which hands over to a mock bank (check the
  payee and the amount, confirm with the OTP shown on screen) → keep the
  e-receipt → track the dossier → receive and save the digitally signed result.
- "Which site is real?" (lesson 7): classify each address (some reached from a
  message or an app store) as real or fake; every answer gets feedback; the
  simulation is complete when every address has been classified correctly.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from lessons.sim_base import file_name_error

PORTAL = "portal"
REAL_SITE = "real-site"

PORTAL_STEPS = ("login", "vneid", "procedure", "form", "attach", "trap", "pay", "bank", "receipt", "track", "result")
# What the step bar shows: several steps make one stage a student recognises.
PORTAL_STAGES = (
    ("login", ("login", "vneid")),
    ("procedure", ("procedure",)),
    ("form", ("form",)),
    ("attach", ("attach",)),
    ("pay", ("trap", "pay", "bank", "receipt")),
    ("track", ("track",)),
    ("result", ("result",)),
)
MOCK_PASSCODE = "135790"  # printed on the guide card on purpose; compared, never stored
MOCK_CITIZEN = {
    "full_name": "Nguyễn Văn A",
    "birth_date": "15/03/2008",
    "id_number": "000000000000",
}


@dataclass(frozen=True)
class Procedure:
    title: str
    payee: str
    fee: str


PROCEDURES = {
    "tam-tru": Procedure("Đăng ký tạm trú", "Công an phường Thử Nghiệm (mô phỏng)", "15.000 đồng"),
    "trich-luc-khai-sinh": Procedure(
        "Cấp bản sao trích lục khai sinh", "UBND phường Thử Nghiệm (mô phỏng)", "8.000 đồng"
    ),
    "ly-lich-tu-phap": Procedure("Cấp phiếu lý lịch tư pháp", "Sở Tư pháp tỉnh Mô Phỏng (mô phỏng)", "100.000 đồng"),
}
TRACK_STATES = ("Đã tiếp nhận", "Đang xử lý", "Có kết quả")
ATTACH_SOURCES = ("upload", "store")
STORED_DOCUMENTS = {
    "trich-luc-khai-sinh": "Bản sao trích lục khai sinh (bản điện tử có chữ ký số)",
    "xac-nhan-cu-tru": "Giấy xác nhận thông tin về cư trú (bản điện tử có chữ ký số)",
}
DELIVERY = ("online", "post")
PAY_METHODS = ("app", "web", "qr")
TRAP_SAFE = "ignore"
TRAP_CHOICES = {
    "click": "Bấm vào đường link để nộp phí cho kịp, vì tin nhắn nói là gấp.",
    "reply": "Trả lời tin nhắn, gửi số định danh để người nhắn kiểm tra giúp hồ sơ.",
    TRAP_SAFE: "Không bấm; chỉ thanh toán trong bước thanh toán của cổng.",
}
TRAP_FEEDBACK = {
    "click": "Đây là tin nhắn lừa đảo: đường link trong tin nhắn đòi nộp phí gấp dẫn tới trang giả để lấy tiền "
             "hoặc mật khẩu, dù trông giống thật. Phí chỉ nộp trong bước thanh toán của chính cổng, nơi em tự mở.",
    "reply": "Đừng trả lời và đừng gửi thông tin cá nhân cho người lạ: kẻ gian dùng chính số định danh đó để lừa em "
             "hoặc người khác. Phí chỉ nộp trong bước thanh toán của chính cổng, nơi em tự mở.",
}


@dataclass
class Outcome:
    """The new state, and field errors (field name → message) when the step was refused."""

    state: dict
    errors: dict[str, str] = field(default_factory=dict)
    advanced: bool = False


def portal_step_name(step: int) -> str:
    """Name of the step a student at ``step`` is on; "done" after the last one."""
    return PORTAL_STEPS[step] if step < len(PORTAL_STEPS) else "done"


def portal_stage_index(step: int) -> int:
    """Index in ``PORTAL_STAGES`` of the stage holding ``step``; past the last stage when done."""
    name = portal_step_name(step)
    return next((i for i, (_stage, steps) in enumerate(PORTAL_STAGES) if name in steps), len(PORTAL_STAGES))


def _check_login(data: Mapping[str, str], state: dict) -> dict[str, str]:
    if data.get("action") != "scan":
        return {"scan": "Em hãy bấm “Quét mã QR” trên điện thoại mô phỏng để đăng nhập bằng VNeID."}
    return {}


def _check_vneid(data: Mapping[str, str], state: dict) -> dict[str, str]:
    decision = data.get("decision")
    if decision == "deny":
        return {"decision": "Em vừa từ chối đăng nhập. Chỉ từ chối khi em không tự bắt đầu đăng nhập; lần này chính "
                            "em vừa quét mã QR trên cổng, nên em có thể xác nhận."}
    if decision != "confirm":
        return {"decision": "Em hãy chọn “Xác nhận” hoặc “Từ chối” trên ứng dụng VNeID mô phỏng."}
    passcode = data.get("passcode", "").strip()
    if not re.fullmatch(r"\d{6}", passcode):
        return {"passcode": "Mã xác nhận (passcode) gồm đúng 6 chữ số."}
    if passcode != MOCK_PASSCODE:
        return {"passcode": "Mã xác nhận (passcode) chưa đúng. Hãy xem lại thẻ hướng dẫn."}
    return {}


def _check_procedure(data: Mapping[str, str], state: dict) -> dict[str, str]:
    procedure = data.get("procedure", "")
    if procedure not in PROCEDURES:
        return {"procedure": "Em hãy chọn một thủ tục trong danh sách."}
    state["procedure"] = procedure
    return {}


def portal_form_errors(data: Mapping[str, str]) -> dict[str, str]:
    """Validate the part of the mock e-Form the student completes; the values are never stored.

    Name, date of birth and personal ID number come pre-filled from the identity
    account, as on the real portal, so they are not read from ``data`` at all.
    """
    errors = {}
    if data.get("identity_ok") != "on":
        errors["identity_ok"] = "Em cần kiểm tra và đánh dấu rằng thông tin định danh tự điền là đúng."
    if len(" ".join(data.get("address", "").split())) < 5:
        errors["address"] = "Em cần ghi địa chỉ nơi ở (ít nhất 5 ký tự)."
    if not re.fullmatch(r"0\d{9}", data.get("phone", "").strip()):
        errors["phone"] = "Số điện thoại gồm 10 chữ số và bắt đầu bằng số 0."
    email = data.get("email", "").strip()
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        errors["email"] = "Thư điện tử chưa đúng dạng, ví dụ ten@example.com; em có thể để trống."
    if data.get("delivery") not in DELIVERY:
        errors["delivery"] = "Em hãy chọn cách nhận kết quả."
    if data.get("confirm") != "on":
        errors["confirm"] = "Em cần đánh dấu cam đoan thông tin đã khai là đúng."
    return errors


def _check_form(data: Mapping[str, str], state: dict) -> dict[str, str]:
    return portal_form_errors(data)


def _check_attach(data: Mapping[str, str], state: dict) -> dict[str, str]:
    source = data.get("source")
    if source not in ATTACH_SOURCES:
        return {"source": "Em hãy chọn tải tệp lên hoặc dùng lại giấy tờ đã có trong kho dữ liệu."}
    if source == "store":
        if data.get("stored_document") not in STORED_DOCUMENTS:
            return {"stored_document": "Em hãy chọn một giấy tờ trong kho dữ liệu."}
        return {}
    error = file_name_error(data.get("attachment", ""))
    return {"attachment": error} if error else {}


def _check_trap(data: Mapping[str, str], state: dict) -> dict[str, str]:
    choice = data.get("choice")
    if choice == TRAP_SAFE:
        return {}
    return {"choice": TRAP_FEEDBACK.get(choice, "Em hãy chọn một cách xử lý tin nhắn này.")}


def _check_pay(data: Mapping[str, str], state: dict) -> dict[str, str]:
    method = data.get("method")
    if method not in PAY_METHODS:
        return {"method": "Em hãy chọn một cách thanh toán của cổng."}
    state["method"] = method
    return {}


def _check_bank(data: Mapping[str, str], state: dict) -> dict[str, str]:
    errors = {}
    if data.get("check_payee") != "on":
        errors["check_payee"] = "Em cần đối chiếu cơ quan thu (đơn vị thụ hưởng) trên màn hình ngân hàng với cổng."
    if data.get("check_amount") != "on":
        errors["check_amount"] = "Em cần đối chiếu số tiền trên màn hình ngân hàng với số tiền cổng đã báo."
    if not state.get("otp") or data.get("otp", "").strip() != state["otp"]:
        errors["otp"] = "Mã OTP chưa khớp với mã trong tin nhắn mô phỏng của ngân hàng."
    return errors


def _check_save(what: str):
    def check(data: Mapping[str, str], state: dict) -> dict[str, str]:
        return {} if data.get("save") == "on" else {"save": f"Em hãy lưu {what}."}

    return check


def _check_track(data: Mapping[str, str], state: dict) -> dict[str, str]:
    return {} if data.get("refresh") == "1" else {"refresh": "Em hãy bấm “Làm mới trạng thái” để xem hồ sơ."}


PORTAL_CHECKS = {
    "login": _check_login,
    "vneid": _check_vneid,
    "procedure": _check_procedure,
    "form": _check_form,
    "attach": _check_attach,
    "trap": _check_trap,
    "pay": _check_pay,
    "bank": _check_bank,
    "receipt": _check_save("biên lai điện tử vào kho dữ liệu"),
    "track": _check_track,
    "result": _check_save("kết quả điện tử vào kho dữ liệu"),
}


def portal_submit(step: int, state: dict, data: Mapping[str, str]) -> Outcome:
    """Apply the student's input to the current step; advance when it is valid.

    A refused step returns the state unchanged, with one Vietnamese message per field.
    """
    name = portal_step_name(step)
    if name == "done":
        return Outcome(dict(state))
    new_state = dict(state)
    errors = PORTAL_CHECKS[name](data, new_state)
    if errors:
        return Outcome(dict(state), errors)
    if name == "track":
        # Each refresh moves the dossier one state on; the step ends once the result is ready.
        new_state["track"] = min(state.get("track", 0) + 1, len(TRACK_STATES) - 1)
        return Outcome(new_state, advanced=new_state["track"] == len(TRACK_STATES) - 1)
    return Outcome(new_state, advanced=True)


@dataclass(frozen=True)
class Site:
    """One case to judge: an address, and where the student met it (``context``, may be empty).

    ``explanation`` is shown after a right verdict, ``hint`` after a wrong one
    (a pointer to what to read again, without giving the answer away).
    """

    id: str
    address: str
    is_real: bool
    explanation: str
    hint: str
    context: str = ""


# The rule taught: the real domain is the part just before the first single "/",
# read right to left; take the address from an official source and type it
# yourself; a link sent in a message asking to pay or log in is a scam even when
# it looks right. Invented examples carry "mophong" in their names.
SITES = (
    Site("s1", "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html", True,
         "Tên miền là phần ngay trước dấu “/” đơn đầu tiên: dichvucong.gov.vn, Cổng Dịch vụ công quốc gia. "
         "Em lấy địa chỉ từ nguồn chính thức và tự gõ, nên có thể tin.",
         "Tìm dấu “/” đơn đầu tiên sau “https://” rồi đọc phần đứng ngay trước nó.",
         "Em tự gõ địa chỉ Cổng Dịch vụ công quốc gia mà thầy cô ghi trên bảng."),
    Site("s2", "https://dichvucong.cvgov.com/dang-nhap", False,
         "Đọc từ phải sang trái: .com, rồi cvgov. Chữ “gov” xen vào chỉ để trông giống thật. "
         "Đây là trang giả mạo Cổng Dịch vụ công đã được cảnh báo.",
         "Đọc tên miền từ phải sang trái, từng phần một: phần cuối cùng và phần ngay trước nó là gì?"),
    Site("s3", "http://viet.lgovn.cc/dich-vu-cong", False,
         "“lgovn” chỉ trông giống “gov.vn”; đọc từ phải sang trái thì tên miền là lgovn.cc. "
         "Đây là trang giả mạo đã được cảnh báo.",
         "Nhìn kỹ từng chữ: có chữ nào viết na ná một tên quen thuộc không?"),
    Site("s4", "https://dichvucongs.top/ho-so", False,
         "Tên bị thêm chữ “s” (dichvucongs) và đuôi lạ .top. Đây là trang giả mạo đã được cảnh báo.",
         "So từng chữ với tên cổng thật, và xem đuôi của tên miền."),
    Site("s5", "https://congan.quangngai.gov.vn", True,
         "Đọc từ phải sang trái: .gov.vn, rồi quangngai, rồi congan: trang của một cơ quan nhà nước tỉnh Quảng Ngãi. "
         "Dù vậy, đuôi không phải điều duy nhất cần xem: hãy lấy địa chỉ từ nguồn chính thức, như văn bản của cơ quan.",
         "Tên miền ở đây không có đường dẫn phía sau: đọc cả địa chỉ từ phải sang trái.",
         "Địa chỉ in trong văn bản cơ quan công an gửi về trường."),
    Site("s6", "https://dichvucong.gov.vn.xac-thuc-tai-khoan.com/login", False,
         "Tên miền thật là phần ngay trước dấu “/” đầu tiên, đọc từ phải sang trái: xac-thuc-tai-khoan.com. "
         "Phần “dichvucong.gov.vn” đứng trước chỉ để đánh lừa.",
         "Đừng dừng ở phần đầu quen mắt: tên miền kết thúc ở đâu, ngay trước dấu “/” nào?"),
    Site("s7", "https://vneid-kich-hoat.app/cai-dat", False,
         "VNeID chỉ tải từ App Store hoặc CH Play; trang mời tải ứng dụng “kích hoạt” như thế này là lừa đảo.",
         "Ứng dụng VNeID thật được tải từ đâu?"),
    Site("s8", "https://dichvucong.gov.vn/thanh-toan-phi", False,
         "Đường link được gửi trong tin nhắn đòi nộp phí gấp là lừa đảo, kể cả khi chữ trông đúng: chữ hiển thị "
         "có thể dẫn tới nơi khác. Em không bấm; em tự mở cổng bằng địa chỉ mình gõ và chỉ thanh toán trong bước "
         "thanh toán của cổng.",
         "Đừng chỉ nhìn chữ: ai gửi đường link này, và họ muốn em làm gì?",
         "Tin nhắn từ số lạ: “Hồ sơ của bạn cần nộp phí gấp trong hôm nay, nếu không sẽ bị hủy. Bấm link:”"),
    Site("s9", "https://thanhtoan.nganhangmophong.vn/cong-dich-vu-cong", True,
         "Bình thường: chính em bấm “Thanh toán” trong bước thanh toán của cổng, và cổng chuyển em sang trang "
         "của ngân hàng. Trước khi nhập OTP, em đối chiếu cơ quan thu và số tiền với cổng.",
         "Em đến trang này bằng cách nào: tự bắt đầu từ cổng, hay từ một tin nhắn?",
         "Em đang ở bước thanh toán của Cổng Dịch vụ công quốc gia, bấm “Thanh toán” và chọn ngân hàng; cổng "
         "chuyển em sang trang thanh toán của ngân hàng (tên ngân hàng mô phỏng):"),
    Site("s10", "https://taiungdung-mophong.cc/VNeID.apk", False,
         "Tệp .apk tải qua đường link là ứng dụng giả: nó có thể đọc tin nhắn, lấy mã OTP. VNeID chỉ tải từ "
         "App Store hoặc CH Play.",
         "Ứng dụng thật được cài từ đâu? Một tệp gửi qua đường link có phải là nơi đó không?",
         "Tin nhắn Zalo từ người xưng là cán bộ: “Cài bản VNeID mới để kích hoạt mức 2 tại nhà:”"),
    Site("s11", "Ứng dụng “VNeID” — nhà phát triển: Dinh Danh Mophong Studio", False,
         "Tên ứng dụng trùng không có nghĩa là ứng dụng thật: hãy xem nhà phát triển. VNeID do Trung tâm dữ liệu "
         "quốc gia về dân cư (Bộ Công an) phát triển; ứng dụng cùng tên của một nhà phát triển lạ là ứng dụng giả.",
         "Trên cửa hàng ứng dụng, ngoài tên ứng dụng còn cần xem dòng nào?",
         "Em tìm “VNeID” trên cửa hàng ứng dụng và thấy kết quả này:"),
    Site("s12", "https://thpt-mophong.edu.vn/thong-bao", True,
         "Địa chỉ lấy từ thông báo chính thức của trường và em tự gõ: tên miền thpt-mophong.edu.vn đọc rõ ràng, "
         "không có chữ na ná hay đuôi lạ. Trang chính thức không phải lúc nào cũng có đuôi .gov.vn.",
         "Địa chỉ này đến từ nguồn nào? Tên miền có chữ nào lạ không?",
         "Sổ liên lạc điện tử của trường ghi địa chỉ trang thông báo của trường (tên trường mô phỏng); em tự gõ vào trình duyệt:"),
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
