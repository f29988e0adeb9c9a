"""Login slips (XLSX and PDF) and the class consent form (PDF), drawn from plain data.

Nothing here touches the database: views and services build ``Slip`` and
``ConsentFormDocument`` values and hand them over. PDFs embed Be Vietnam Pro,
registered once per process by the certificates renderer, whose lock also
keeps two documents from sharing reportlab's font objects at the same time.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib.colors import Color, black
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from certificates.pdf import BOLD, ITALIC, REGULAR, fit_size, nfc, register_fonts, render_lock
from quizsite.spreadsheets import xlsx_row

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 1.0 * cm
SLIP_COLUMNS = 2
SLIP_ROWS = 5
SLIPS_PER_PAGE = SLIP_COLUMNS * SLIP_ROWS
SLIP_WIDTH = (PAGE_WIDTH - 2 * MARGIN) / SLIP_COLUMNS
SLIP_HEIGHT = (PAGE_HEIGHT - 2 * MARGIN) / SLIP_ROWS
SLIP_PADDING = 12
CUT_LINE = Color(0.55, 0.55, 0.55)
MUTED = Color(0.3, 0.3, 0.3)

SLIP_TITLE = "PHIẾU ĐĂNG NHẬP"
SLIP_NOTE = "Em hãy đổi mật khẩu ở lần đăng nhập đầu và không cho ai biết mật khẩu mới."
SLIP_HEADERS = ("Lớp", "Họ và tên", "Tên đăng nhập", "Mật khẩu tạm", "Địa chỉ đăng nhập")


@dataclass(frozen=True, slots=True)
class Slip:
    """What one login slip shows; the password exists only here, never in the database."""

    school_name: str
    class_name: str
    full_name: str
    username: str
    password: str


# --- XLSX -----------------------------------------------------------------------------------------


def slips_xlsx(slips: Sequence[Slip], *, login_url: str) -> bytes:
    """One row per student: class, name, username, temporary password, where to log in."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet("Phiếu đăng nhập")
    for letter, width in zip("ABCDE", (12, 30, 20, 18, 40), strict=True):
        worksheet.column_dimensions[letter].width = width
    worksheet.freeze_panes = "A2"
    worksheet.append(xlsx_row(worksheet, SLIP_HEADERS, font=Font(bold=True)))
    for slip in slips:
        worksheet.append(xlsx_row(worksheet, (slip.class_name, slip.full_name, slip.username, slip.password, login_url)))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Slips PDF ------------------------------------------------------------------------------------


def slips_pdf(slips: Sequence[Slip], *, login_url: str, title: str = SLIP_TITLE) -> bytes:
    """Slips to cut out, ten to an A4 page (two columns, five rows). Raises ValueError when empty."""
    if not slips:
        raise ValueError("no slips to write")
    register_fonts()
    buffer = io.BytesIO()
    with render_lock:
        canvas = Canvas(buffer, pagesize=A4, pageCompression=1, initialFontName=REGULAR)
        canvas.setTitle(nfc(title))
        canvas.setAuthor(nfc(slips[0].school_name))
        for start in range(0, len(slips), SLIPS_PER_PAGE):
            for index, slip in enumerate(slips[start : start + SLIPS_PER_PAGE]):
                column, row = index % SLIP_COLUMNS, index // SLIP_COLUMNS
                x = MARGIN + column * SLIP_WIDTH
                y = PAGE_HEIGHT - MARGIN - (row + 1) * SLIP_HEIGHT
                _draw_slip(canvas, slip, x, y, login_url)
            canvas.showPage()
        canvas.save()
    return buffer.getvalue()


def _text(canvas: Canvas, text: str, x: float, y: float, font: str, size: float, max_width: float) -> None:
    """Draw ``text`` from ``x``, shrunk to fit ``max_width``."""
    text = nfc(text)
    canvas.setFont(font, fit_size(text, font, size, max_width))
    canvas.drawString(x, y, text)


def _draw_slip(canvas: Canvas, slip: Slip, x: float, y: float, login_url: str) -> None:
    canvas.saveState()
    canvas.setStrokeColor(CUT_LINE)
    canvas.setDash(3, 3)
    canvas.setLineWidth(0.5)
    canvas.rect(x, y, SLIP_WIDTH, SLIP_HEIGHT)
    canvas.restoreState()

    left = x + SLIP_PADDING
    width = SLIP_WIDTH - 2 * SLIP_PADDING
    top = y + SLIP_HEIGHT - SLIP_PADDING
    canvas.setFillColor(MUTED)
    _text(canvas, slip.school_name, left, top - 8, REGULAR, 8.5, width)
    canvas.setFillColor(black)
    class_line = nfc(f"Lớp {slip.class_name}")
    class_size = fit_size(class_line, BOLD, 11, width / 2)
    canvas.setFont(BOLD, class_size)
    canvas.drawRightString(left + width, top - 23, class_line)
    _text(canvas, SLIP_TITLE, left, top - 23, BOLD, 11, width / 2)
    _text(canvas, slip.full_name, left, top - 43, BOLD, 12.5, width)

    label_width = 82
    for offset, label, value in ((63, "Tên đăng nhập:", slip.username), (83, "Mật khẩu tạm:", slip.password)):
        _text(canvas, label, left, top - offset, REGULAR, 9.5, label_width - 4)
        _text(canvas, value, left + label_width, top - offset, BOLD, 14, width - label_width)

    canvas.setFillColor(MUTED)
    _text(canvas, f"Đăng nhập tại: {login_url}", left, top - 104, REGULAR, 8.5, width)
    _text(canvas, SLIP_NOTE, left, top - 118, ITALIC, 8, width)
    canvas.setFillColor(black)


# --- Consent form PDF -----------------------------------------------------------------------------

CONSENT_TITLE = "PHIẾU LẤY Ý KIẾN ĐỒNG Ý XỬ LÝ DỮ LIỆU CÁ NHÂN CỦA HỌC SINH"
CONSENT_BASIS = (
    "(theo Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 và Nghị định số 356/2025/NĐ-CP)"
)
CONSENT_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "1. Mục đích",
        (
            "Nhà trường dùng nền tảng học trực tuyến để học sinh học và thực hành sử dụng dịch vụ công trực tuyến "
            "(Cổng Dịch vụ công quốc gia, định danh điện tử, nộp hồ sơ thủ tục hành chính), làm bài luyện tập, "
            "tham gia cuộc thi và nhận giấy chứng nhận; nhà trường và Sở GD&ĐT theo dõi tỉ lệ học sinh đã được "
            "phổ cập kỹ năng này.",
        ),
    ),
    (
        "2. Dữ liệu được xử lý",
        (
            "Họ và tên, lớp, năm học;",
            "Mã định danh Bộ GD&ĐT hoặc mã học sinh do trường cấp (để nhận đúng học sinh khi nhập danh sách, "
            "kể cả khi chuyển trường);",
            "Ngày sinh và giới tính, nếu nhà trường cung cấp (để biết học sinh đã đủ 18 tuổi và lập báo cáo theo "
            "yêu cầu của ngành);",
            "Tên đăng nhập; mật khẩu chỉ được lưu ở dạng mã hóa, không ai đọc được;",
            "Kết quả học trên nền tảng: bài đã học, bài luyện tập và câu trả lời, cuộc thi, giấy chứng nhận.",
        ),
    ),
    (
        "3. Dữ liệu không thu thập",
        (
            "Số định danh cá nhân/căn cước công dân, dân tộc, tôn giáo, số điện thoại, địa chỉ, họ tên cha mẹ. "
            "Nếu tệp danh sách của nhà trường có các cột này, hệ thống bỏ qua khi đọc và không lưu.",
        ),
    ),
    (
        "4. Ai được xem",
        (
            "Giáo viên dạy lớp và cán bộ quản lý của trường thấy họ tên và kết quả; Sở GD&ĐT chỉ thấy số liệu tổng "
            "hợp, không thấy tên học sinh. Màn chiếu và bảng xếp hạng trong lớp chỉ hiện biệt danh. Trang công khai "
            "(tra cứu giấy chứng nhận, danh sách đạt giải) chỉ hiện tên viết tắt, ví dụ “N. T. Hằng”, và chỉ khi đã "
            "có đồng ý; khi chưa có đồng ý, tên học sinh không xuất hiện ở đó.",
        ),
    ),
    (
        "5. Quyền của học sinh và cha mẹ",
        (
            "Đồng ý hoặc không đồng ý; xem và yêu cầu sửa dữ liệu qua giáo viên chủ nhiệm; rút lại đồng ý bất cứ "
            "lúc nào. Khi rút lại đồng ý, họ tên, mã học sinh, ngày sinh và giới tính bị xóa khỏi hệ thống; chỉ "
            "giữ lại số liệu ẩn danh để thống kê.",
        ),
    ),
)
TICK_LINES = (
    "Ý kiến của cha mẹ hoặc người giám hộ:",
    "Ý kiến của học sinh:",
)
SIGNERS = (
    ("CHA MẸ HOẶC NGƯỜI GIÁM HỘ", "(Ký và ghi rõ họ tên)"),
    ("HỌC SINH", "(Ký và ghi rõ họ tên)"),
)
BLANK = "…………………………………………"


@dataclass(frozen=True)
class ConsentFormDocument:
    """The consent form of one class: one page per student (one blank page for an empty class)."""

    department_name: str
    school_name: str
    class_name: str
    school_year: str
    student_names: tuple[str, ...]


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=10, leading=13.5, spaceAfter=2)
    return {
        "body": body,
        "bullet": ParagraphStyle("bullet", parent=body, leftIndent=12, bulletIndent=2),
        "heading": ParagraphStyle("heading", parent=body, fontName=BOLD, spaceBefore=5),
        "centre": ParagraphStyle("centre", parent=body, alignment=TA_CENTER),
        "centre_bold": ParagraphStyle("centre_bold", parent=body, alignment=TA_CENTER, fontName=BOLD),
        "title": ParagraphStyle("title", parent=body, alignment=TA_CENTER, fontName=BOLD, fontSize=12.5, leading=16),
        "note": ParagraphStyle("note", parent=body, alignment=TA_CENTER, fontName=ITALIC, fontSize=9, leading=12),
        "date": ParagraphStyle("date", parent=body, alignment=TA_RIGHT, fontName=ITALIC),
    }


def _p(text: str, style: ParagraphStyle, **kwargs) -> Paragraph:
    """A paragraph of plain text: escaped, so a name can never inject markup."""
    return Paragraph(escape(nfc(text)), style, **kwargs)


def _consent_page(doc: ConsentFormDocument, student_name: str, styles: dict[str, ParagraphStyle]) -> list:
    header = Table(
        [
            [_p(doc.department_name.upper(), styles["centre"]), _p("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", styles["centre_bold"])],
            [_p(doc.school_name.upper(), styles["centre_bold"]), _p("Độc lập - Tự do - Hạnh phúc", styles["centre_bold"])],
        ],
        colWidths=[8 * cm, 10 * cm],
    )
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    story: list = [header, Spacer(1, 12), _p(CONSENT_TITLE, styles["title"]), _p(CONSENT_BASIS, styles["note"])]
    story.append(Spacer(1, 8))
    story.append(_p(f"Họ và tên học sinh: {student_name or BLANK}", styles["body"]))
    story.append(_p(f"Lớp: {doc.class_name} · Năm học: {doc.school_year} · {doc.school_name}", styles["body"]))
    for heading, lines in CONSENT_SECTIONS:
        story.append(_p(heading, styles["heading"]))
        for line in lines:
            story.append(_p(line, styles["bullet"], bulletText="–") if len(lines) > 1 else _p(line, styles["body"]))
    story.append(_p("6. Ý kiến (đánh dấu X vào một ô)", styles["heading"]))
    for label in TICK_LINES:
        ticks = Table(
            [[_p(label, styles["body"]), "", _p("Đồng ý", styles["body"]), "", _p("Không đồng ý", styles["body"])]],
            colWidths=[7.5 * cm, 0.55 * cm, 2.5 * cm, 0.55 * cm, 3 * cm],
            rowHeights=[0.55 * cm],
        )
        ticks.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("BOX", (1, 0), (1, 0), 0.8, black),
                    ("BOX", (3, 0), (3, 0), 0.8, black),
                    ("LEFTPADDING", (2, 0), (2, 0), 8),
                    ("LEFTPADDING", (4, 0), (4, 0), 8),
                ]
            )
        )
        story += [ticks, Spacer(1, 6)]
    story += [Spacer(1, 4), _p("…………………, ngày …… tháng …… năm 20……", styles["date"]), Spacer(1, 4)]
    signatures = Table(
        [
            [_p(title, styles["centre_bold"]) for title, _hint in SIGNERS],
            [_p(hint, styles["note"]) for _title, hint in SIGNERS],
            ["", ""],
            [_p(BLANK, styles["centre"]), _p(student_name or BLANK, styles["centre"])],
        ],
        colWidths=[9 * cm, 9 * cm],
        rowHeights=[None, None, 2.2 * cm, None],
    )
    story.append(signatures)
    return story


def consent_form_pdf(doc: ConsentFormDocument) -> bytes:
    """The printable consent form, one A4 page per student, in Vietnamese."""
    register_fonts()
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD)
    styles = _styles()
    story: list = []
    for index, name in enumerate(doc.student_names or ("",)):
        if index:
            story.append(PageBreak())
        story += _consent_page(doc, name, styles)
    buffer = io.BytesIO()
    with render_lock:
        SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=1.6 * cm,
            rightMargin=1.6 * cm,
            topMargin=1.3 * cm,
            bottomMargin=1.2 * cm,
            title=nfc(f"Phiếu đồng ý xử lý dữ liệu cá nhân – lớp {doc.class_name}"),
            author=nfc(doc.school_name),
            initialFontName=REGULAR,
        ).build(story)
    return buffer.getvalue()
