"""Rules of "Đăng nhập và đọc thông tin thủ tục" (lesson l2), a clearly mock portal.

1. login — the mock portal shows a QR code; the mock VNeID app on the phone panel
   scans it, asks to confirm the login for the mock citizen, and takes the mock
   passcode printed on the guide card (compared, never stored).
2. find — a situation card; the student picks the procedure that fits among four.
3. sheet — the student reads the procedure's sheet and answers three questions on
   it; each right answer is kept (as the question's id); the step ends when all are.
Then the simulation is done.

Facts (Luật Cư trú 2020 Art. 28 as restated by giadinh.suckhoedoisong.vn,
9/12/2025, and the procedure sheet on huyennampo.dienbien.gov.vn): the file goes to
the commune police where the person will stay, online on the national portal or
VNeID, or in person; it holds the residence-change declaration (for a minor, with
the parent's or guardian's agreement written in it) and a paper proving lawful
residence; 3 working days from a complete file; the fee is set by the province.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from lessons.sim_base import Data, Option, Outcome, choice_feedback, one, step_check
from schools.names import fold

PROCEDURE = "procedure"
STEPS = ("login", "find", "sheet")
MOCK_PASSCODE = "246810"  # printed on the guide card on purpose; never a real passcode
MOCK_CITIZEN = "Lê Minh An"

SITUATION = (
    "Em 17 tuổi, nhà ở một xã miền núi. Năm học tới em lên thành phố học và thuê một phòng trọ gần trường "
    "để ở cả năm học. Em cần làm thủ tục gì để khai báo nơi ở mới này?"
)

PROCEDURES = (
    Option("tam-tru", "Đăng ký tạm trú", True,
           "Đúng. Em đến ở một nơi ngoài nơi thường trú từ 30 ngày trở lên để học tập, nên em đăng ký tạm trú."),
    Option("thuong-tru", "Đăng ký thường trú", False,
           "Thường trú là nơi em sinh sống ổn định, lâu dài. Phòng trọ thuê cho một năm học là nơi ở có thời hạn, "
           "nên đây chưa phải thủ tục phù hợp."),
    Option("tam-vang", "Khai báo tạm vắng", False,
           "Khai báo tạm vắng là báo việc mình vắng mặt ở nơi cư trú trong một số trường hợp luật quy định. "
           "Nó không thay cho việc đăng ký nơi em đến ở."),
    Option("xac-nhan-cu-tru", "Xác nhận thông tin về cư trú", False,
           "Thủ tục này cấp giấy xác nhận thông tin cư trú đã có (ví dụ để nộp cho một cơ quan). "
           "Nó không đăng ký nơi ở mới của em."),
)
RIGHT_PROCEDURE = "tam-tru"


@dataclass(frozen=True)
class SheetQuestion:
    id: str
    text: str
    multiple: bool
    options: tuple[Option, ...]
    explanation: str

    @property
    def correct(self) -> frozenset[str]:
        return frozenset(o.id for o in self.options if o.correct)


SHEET = {
    "name": "Đăng ký tạm trú",
    "agency": "Công an cấp xã nơi em đến ở (nơi dự kiến tạm trú)",
    "ways": "Trực tuyến trên Cổng Dịch vụ công quốc gia hoặc ứng dụng VNeID; hoặc nộp trực tiếp tại Công an cấp xã",
    "documents": (
        "Tờ khai thay đổi thông tin cư trú",
        "Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp (ví dụ: hợp đồng thuê nhà)",
    ),
    "minor": "Với người chưa thành niên: trong tờ khai phải ghi rõ ý kiến đồng ý của cha, mẹ hoặc người giám hộ "
             "(trừ khi đã có ý kiến đồng ý bằng văn bản)",
    "time": "03 ngày làm việc kể từ khi nhận đủ hồ sơ hợp lệ",
    "fee": "Theo mức do tỉnh quy định (mô phỏng: 0 đồng)",
}

QUESTIONS = (
    SheetQuestion(
        "agency", "Cơ quan nào giải quyết thủ tục này cho em?", False,
        (
            Option("cong-an-noi-den", "Công an cấp xã nơi em đến ở", True, ""),
            Option("cong-an-que", "Công an cấp xã nơi em thường trú ở quê", False,
                   "Bản thông tin ghi: nơi em dự kiến tạm trú, tức là nơi em đến ở, không phải nơi thường trú."),
            Option("truong", "Nhà trường nơi em theo học", False,
                   "Nhà trường không giải quyết thủ tục này; bản thông tin ghi cơ quan thực hiện là Công an cấp xã."),
            Option("ubnd-tinh", "Ủy ban nhân dân cấp tỉnh", False,
                   "Đọc lại dòng “Cơ quan thực hiện”: đó là Công an cấp xã nơi em đến ở."),
        ),
        "Cơ quan thực hiện là Công an cấp xã nơi em đến ở. Em có thể nộp trực tuyến, không cần về quê.",
    ),
    SheetQuestion(
        "documents", "Hồ sơ gồm những giấy tờ nào? (chọn tất cả giấy tờ bản thông tin có ghi)", True,
        (
            Option("to-khai", "Tờ khai thay đổi thông tin cư trú", True,
                   "Em còn thiếu một giấy tờ mà bản thông tin có ghi."),
            Option("cho-o", "Giấy tờ chứng minh chỗ ở hợp pháp, như hợp đồng thuê phòng", True,
                   "Em còn thiếu một giấy tờ mà bản thông tin có ghi."),
            Option("so-ho-khau", "Sổ hộ khẩu của gia đình ở quê", False,
                   "Sổ hộ khẩu giấy không còn giá trị sử dụng từ ngày 1/1/2023, và bản thông tin không ghi giấy này."),
            Option("xac-nhan-truong", "Giấy xác nhận đang học của nhà trường", False,
                   "Bản thông tin không ghi giấy này. Chỉ chuẩn bị đúng những gì bản thông tin thủ tục yêu cầu."),
        ),
        "Hồ sơ gồm tờ khai thay đổi thông tin cư trú và giấy tờ chứng minh chỗ ở hợp pháp.",
    ),
    SheetQuestion(
        "minor", "Em 17 tuổi, tức là người chưa thành niên. Em cần thêm điều gì?", False,
        (
            Option("y-kien-cha-me", "Ý kiến đồng ý của cha, mẹ hoặc người giám hộ ghi trong tờ khai", True, ""),
            Option("cha-me-nop", "Cha mẹ phải tự đến Công an nộp thay, em không được tự nộp", False,
                   "Bản thông tin không yêu cầu cha mẹ nộp thay; em cần ý kiến đồng ý của cha, mẹ hoặc người giám hộ "
                   "ghi trong tờ khai."),
            Option("khong-can", "Không cần thêm gì vì em đã có thẻ căn cước", False,
                   "Có thẻ căn cước chưa đủ: với người chưa thành niên, tờ khai phải ghi ý kiến đồng ý của cha, mẹ "
                   "hoặc người giám hộ."),
            Option("giay-chu-nha", "Giấy đồng ý của chủ nhà trọ thay cho ý kiến của cha mẹ", False,
                   "Giấy tờ về chỗ ở không thay được ý kiến đồng ý của cha, mẹ hoặc người giám hộ."),
        ),
        "Với người chưa thành niên, tờ khai ghi rõ ý kiến đồng ý của cha, mẹ hoặc người giám hộ.",
    ),
)
QUESTIONS_BY_ID = {q.id: q for q in QUESTIONS}

LEARNED = (
    "Đăng nhập Cổng Dịch vụ công quốc gia bằng tài khoản định danh điện tử VNeID: quét mã QR rồi xác nhận trong "
    "ứng dụng. Chỉ xác nhận yêu cầu đăng nhập do chính em vừa thực hiện trên trang thật.",
    "Chọn đúng thủ tục theo hoàn cảnh: đi học xa nhà, thuê phòng ở cả năm học thì đăng ký tạm trú.",
    "Đọc bản thông tin thủ tục trước khi nộp: cơ quan thực hiện, cách thực hiện, thành phần hồ sơ, thời hạn, lệ phí.",
    "Người chưa thành niên cần ý kiến đồng ý của cha, mẹ hoặc người giám hộ ghi trong tờ khai.",
)


def step_name(step: int) -> str:
    """Name of the step a student at ``step`` is on; "done" after the last one."""
    return STEPS[step] if step < len(STEPS) else "done"


def procedures_matching(query: str) -> tuple[Option, ...]:
    """The procedures whose name contains every word of ``query``, accents ignored ("tam tru" finds "Tạm trú");
    all of them for an empty query."""
    words = fold(query).split()[:10]
    return tuple(p for p in PROCEDURES if all(w in fold(p.text) for w in words))


def _login(state: dict, data: Data) -> Outcome:
    action = one(data, "action")
    if action == "scan":
        return Outcome({**state, "scanned": True}, changed=True)
    if action == "refuse":
        state = {k: v for k, v in state.items() if k != "scanned"}
        return Outcome(state, changed=True, feedback={
            "login": "Em đã từ chối yêu cầu đăng nhập. Khi em không tự đăng nhập mà vẫn thấy yêu cầu như thế, từ chối là "
                     "đúng. Lần này chính em đang đăng nhập: hãy quét lại mã QR và xác nhận."})
    if action != "confirm":
        return Outcome(state, errors={"action": "Thao tác không hợp lệ. Em hãy quét mã QR rồi xác nhận."})
    if not state.get("scanned"):
        return Outcome(state, errors={"passcode": "Em cần quét mã QR trên cổng bằng ứng dụng VNeID trước."})
    passcode = one(data, "passcode")
    if not (len(passcode) == 6 and passcode.isascii() and passcode.isdigit()):
        return Outcome(state, errors={"passcode": "Mã passcode gồm đúng 6 chữ số."})
    if passcode != MOCK_PASSCODE:
        return Outcome(state, errors={"passcode": "Mã passcode chưa đúng. Em hãy xem lại thẻ hướng dẫn."})
    return Outcome({k: v for k, v in state.items() if k != "scanned"}, advanced=True, changed=True)


def _find(state: dict, data: Data) -> Outcome:
    chosen = one(data, "procedure")
    option, note = choice_feedback(PROCEDURES, chosen)
    if option is None:
        return Outcome(state, errors={"procedure": "Em hãy chọn một thủ tục trong danh sách."})
    if note:
        return Outcome(state, feedback={"procedure": note})
    return Outcome(state, advanced=True, changed=True)


def answer_feedback(question: SheetQuestion, chosen: Sequence[str]) -> str:
    """Why ``chosen`` is not the answer to ``question`` ("" when it is); ``chosen`` holds valid ids."""
    picked = set(chosen)
    if picked == question.correct:
        return ""
    by_id = {o.id: o for o in question.options}
    wrong = [by_id[i].note for i in sorted(picked - question.correct)]
    if wrong:
        return " ".join(wrong)
    return by_id[next(iter(question.correct - picked))].note


def _sheet(state: dict, data: Data) -> Outcome:
    question = QUESTIONS_BY_ID.get(one(data, "question"))
    if question is None:
        return Outcome(state, errors={"question": "Câu hỏi không hợp lệ. Em hãy tải lại trang."})
    done = list(state.get("sheet_ok", []))
    if question.id in done:
        return Outcome(state, stale=True)
    chosen = [value.strip() for value in data.get("answer", ())]
    valid = {o.id for o in question.options}
    if not chosen:
        return Outcome(state, errors={question.id: "Em hãy chọn một phương án."})
    if any(c not in valid for c in chosen) or len(set(chosen)) != len(chosen) or (
        not question.multiple and len(chosen) != 1
    ):
        return Outcome(state, errors={question.id: "Phương án không hợp lệ. Em hãy chọn trong danh sách."})
    note = answer_feedback(question, chosen)
    if note:
        return Outcome(state, feedback={question.id: note})
    done.append(question.id)
    ok = {q.id for q in QUESTIONS} <= set(done)
    state = {**state, "sheet_ok": done}
    if ok:
        state.pop("sheet_ok")
    return Outcome(state, advanced=ok, changed=True)


def submit(step: int, state: dict, data: Data) -> Outcome:
    """Apply one post to the student's current step."""
    state = dict(state)
    checked = step_check(STEPS, step, data, state)
    if checked is not None:
        return checked
    return {"login": _login, "find": _find, "sheet": _sheet}[STEPS[step]](state, data)


def qr_path(size: int = 25) -> str:
    """An SVG path drawing a QR-like pattern (three finder squares and fixed noise); it encodes nothing."""
    cells = set()
    for ox, oy in ((0, 0), (size - 7, 0), (0, size - 7)):
        for i in range(7):
            for j in range(7):
                if i in (0, 6) or j in (0, 6) or (2 <= i <= 4 and 2 <= j <= 4):
                    cells.add((ox + i, oy + j))
    for x in range(size):
        for y in range(size):
            near_finder = (x < 8 and y < 8) or (x >= size - 8 and y < 8) or (x < 8 and y >= size - 8)
            if not near_finder and (x * 7 + y * 13 + x * y) % 5 < 2:
                cells.add((x, y))
    return "".join(f"M{x} {y}h1v1h-1z" for x, y in sorted(cells))


def walkthrough() -> list[dict[str, list[str]]]:
    """The posts that take a student from the first step to done with right answers."""
    posts = [
        {"step": ["login"], "action": ["scan"]},
        {"step": ["login"], "action": ["confirm"], "passcode": [MOCK_PASSCODE]},
        {"step": ["find"], "procedure": [RIGHT_PROCEDURE]},
    ]
    posts += [{"step": ["sheet"], "question": [q.id], "answer": sorted(q.correct)} for q in QUESTIONS]
    return posts
