"""Teachers' questions in and out of spreadsheets (XLSX or CSV), one question per row.

Columns: Loại | Câu hỏi | Lựa chọn A … F | Đáp án đúng | Giải thích. "Đáp án đúng"
holds letters ("B", "A, C"), "Đúng"/"Sai" for true/false, and stays empty for
ordering (the choices are written in the correct order). The export uses the
same layout, so an exported file imports again unchanged.
"""

import csv
import io
import unicodedata
import zipfile
from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from lessons.models import Question
from lessons.services import CHOICE_KEYS, QUIZ_KINDS, QuestionData, question_data_errors
from quizsite.spreadsheets import (
    MAX_UNZIPPED_BYTES,
    CellBudget,
    TooManyCells,
    csv_row,
    unzipped_bytes,
    xlsx_row,
    xlsx_rows,
)
from quizsite.text_encoding import decode_unicode

LETTERS = CHOICE_KEYS.upper()
HEADERS = ["Loại", "Câu hỏi", *[f"Lựa chọn {letter}" for letter in LETTERS], "Đáp án đúng", "Giải thích"]
KIND_LABELS = {
    Question.Kind.SINGLE: "Một lựa chọn",
    Question.Kind.MULTIPLE: "Nhiều lựa chọn",
    Question.Kind.TRUEFALSE: "Đúng/Sai",
    Question.Kind.ORDERING: "Sắp xếp thứ tự",
}
MAX_ROWS = 500
MAX_BYTES = 2 * 1024 * 1024
TRUE_WORDS = {"đúng", "d", "true", "t"}
FALSE_WORDS = {"sai", "s", "false", "f"}
EXAMPLES = [
    ["Một lựa chọn", "Cổng Dịch vụ công quốc gia có địa chỉ nào?", "dichvucong.gov.vn", "dichvucong.cvgov.com",
     "dichvucongs.top", "", "", "", "A",
     "Tên miền của cổng là dichvucong.gov.vn; lấy địa chỉ từ nguồn chính thức và tự gõ."],
    ["Nhiều lựa chọn", "Những việc nào em KHÔNG được làm?", "Cho người khác biết mã OTP", "Tự gõ địa chỉ trang",
     "Đưa mật khẩu cho người gọi điện tự xưng công an", "", "", "", "A, C",
     "Không bao giờ chia sẻ mã OTP hay mật khẩu, kể cả với người xưng là cán bộ."],
    ["Đúng/Sai", "Công an có thể gọi điện để kích hoạt tài khoản định danh điện tử giúp em.", "", "", "", "", "", "",
     "Sai", "Công an không kích hoạt tài khoản qua điện thoại; đó là chiêu lừa đảo."],
    ["Sắp xếp thứ tự", "Sắp xếp các bước nộp hồ sơ trực tuyến.", "Đăng nhập bằng VNeID", "Điền biểu mẫu điện tử",
     "Thanh toán phí, lệ phí", "Nhận kết quả", "", "", "", "Đăng nhập, nộp hồ sơ, thanh toán rồi nhận kết quả."],
]


def _norm(value: object) -> str:
    return unicodedata.normalize("NFC", str(value if value is not None else "")).strip()


def _kind(value: str) -> str | None:
    wanted = value.casefold()
    for kind in QUIZ_KINDS:
        if wanted in (kind.value, KIND_LABELS[kind].casefold()):
            return kind
    return None


def _row_to_data(cells: list[str]) -> tuple[QuestionData | None, list[str]]:
    cells = (cells + [""] * len(HEADERS))[: len(HEADERS)]
    kind_text, text, *choices, answer, explanation = cells
    kind = _kind(kind_text)
    if kind is None:
        return None, [_("Loại câu hỏi “%(k)s” không hợp lệ (dùng: %(all)s).") % {
            "k": kind_text, "all": ", ".join(KIND_LABELS.values())}]
    if kind == Question.Kind.TRUEFALSE:
        word = answer.casefold()
        if word not in TRUE_WORDS | FALSE_WORDS:
            return None, [_("Câu Đúng/Sai cần ghi “Đúng” hoặc “Sai” ở cột Đáp án đúng.")]
        is_true = word in TRUE_WORDS
        return QuestionData(kind, text, explanation, [(_("Đúng"), is_true), (_("Sai"), not is_true)]), []
    filled = [(LETTERS[i], choice) for i, choice in enumerate(choices) if choice]
    if [letter for letter, _c in filled] != list(LETTERS[: len(filled)]):
        return None, [_("Các lựa chọn phải điền liền nhau từ cột A.")]
    letters = {part.strip().upper() for part in answer.replace(";", ",").split(",") if part.strip()}
    if kind != Question.Kind.ORDERING and not letters <= {letter for letter, _c in filled}:
        return None, [_("Đáp án đúng “%(a)s” không khớp với các lựa chọn đã điền.") % {"a": answer}]
    return QuestionData(kind, text, explanation, [(choice, letter in letters) for letter, choice in filled]), []


MAX_CELLS = 50_000
"""Cells read per question-bank upload: 500 questions × 10 columns, with room for blank rows."""


def _read_rows(upload) -> list[list[str]]:
    name = upload.name.lower()
    content = upload.read()
    budget = CellBudget(MAX_CELLS)
    try:
        if name.endswith(".csv"):
            try:
                text = decode_unicode(content)
            except UnicodeDecodeError:
                text = None
            if text is None:
                raise ValueError(_("Tệp CSV phải được lưu với mã hóa UTF-8 (hoặc Unicode UTF-16)."))
            return [_charged(row[: len(HEADERS)], budget) for row in csv.reader(io.StringIO(text))]
        if name.endswith(".xlsx"):
            return _xlsx_rows(content, budget)
    except TooManyCells as error:
        raise ValueError(error.message) from error
    raise ValueError(_("Chỉ nhận tệp .xlsx hoặc .csv."))


def _charged(cells: list, budget: CellBudget) -> list[str]:
    budget.charge(len(cells))
    return [_norm(cell) for cell in cells]


def _xlsx_rows(content: bytes, budget: CellBudget) -> list[list[str]]:
    unreadable = _("Không đọc được tệp Excel. Hãy dùng tệp mẫu và lưu dạng .xlsx.")
    try:
        too_big = unzipped_bytes(content) > MAX_UNZIPPED_BYTES
        workbook = None if too_big else load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ValueError(unreadable) from error
    if workbook is None:
        raise ValueError(_("Tệp Excel quá lớn khi giải nén. Hãy chỉ giữ lại các câu hỏi rồi lưu lại."))
    try:
        rows = xlsx_rows(workbook.worksheets[0], budget=budget, max_col=len(HEADERS))
        return [[_norm(None if cell is None else cell.value) for cell in row] for row in rows]
    except TooManyCells:
        raise
    except Exception as error:  # sheets are parsed lazily: damage shows up here
        raise ValueError(unreadable) from error
    finally:
        workbook.close()


def parse_upload(upload) -> tuple[list[QuestionData], list[str]]:
    """Read an uploaded file into questions; return them with every row's errors ("Dòng 3: …")."""
    if upload.size > MAX_BYTES:
        return [], [_("Tệp quá lớn (tối đa 2 MB).")]
    try:
        rows = _read_rows(upload)
    except ValueError as error:
        return [], [str(error)]
    if not rows or [cell.casefold() for cell in rows[0][:2]] != [h.casefold() for h in HEADERS[:2]]:
        return [], [_("Dòng tiêu đề không đúng mẫu. Hãy tải tệp mẫu và giữ nguyên dòng đầu tiên.")]
    body = [(number, row) for number, row in enumerate(rows[1:], start=2) if any(row)]
    if not body:
        return [], [_("Tệp không có câu hỏi nào.")]
    if len(body) > MAX_ROWS:
        return [], [_("Mỗi lần nhập tối đa %(n)s câu hỏi.") % {"n": MAX_ROWS}]
    questions, errors = [], []
    for number, row in body:
        data, row_errors = _row_to_data(row)
        row_errors = row_errors or question_data_errors(data)
        if row_errors:
            errors.append(_("Dòng %(row)s: %(error)s") % {"row": number, "error": " ".join(row_errors)})
        else:
            questions.append(data)
    return questions, errors


def _rows(questions: Iterable[Question]) -> Iterable[list[str]]:
    for question in questions:
        choices = list(question.choices.all())
        if question.kind == Question.Kind.TRUEFALSE:
            texts = [""] * len(LETTERS)
            answer = "Đúng" if any(c.key == "t" and c.is_correct for c in choices) else "Sai"
        else:
            texts = [c.text for c in choices] + [""] * (len(LETTERS) - len(choices))
            answer = ", ".join(LETTERS[i] for i, c in enumerate(choices) if c.is_correct)
        yield [KIND_LABELS[question.kind], question.text, *texts, answer, question.explanation]


def _workbook(rows: Iterable[list[str]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Câu hỏi")
    sheet.append(xlsx_row(sheet, HEADERS))
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_xlsx() -> bytes:
    return _workbook(EXAMPLES)


def template_csv() -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(csv_row(HEADERS))
    writer.writerows(csv_row(row) for row in EXAMPLES)
    return "\ufeff" + buffer.getvalue()


def export_xlsx(questions: Iterable[Question]) -> bytes:
    """The quiz's live questions in the import layout (matching questions are not exported)."""
    return _workbook(_rows(q for q in questions if q.kind in KIND_LABELS))
