"""The periodic reports schools and provinces file: an editable DOCX in Vietnamese administrative
format (Decree 30/2020) and an XLSX annex of figures.

Figures come from ``coverage.selectors``; this module only lays them out.
"""

import io
from dataclasses import dataclass
from datetime import date

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from coverage import selectors
from coverage.selectors import Indicators, Scope, TargetView
from evidence import rules as evidence_rules
from evidence import selectors as evidence_selectors
from evidence.selectors import Gain
from quizsite.spreadsheets import xlsx_row
from schools.models import Classroom, Province, School, SchoolYear

FONT = "Times New Roman"
SUBJECT = "V/v báo cáo kết quả phổ cập kỹ năng sử dụng dịch vụ công trực tuyến cho học sinh"
PLACEHOLDER = "…" * 40


def document_date_line(place: str, day: date) -> str:
    """'Pleiku, ngày 05 tháng 01 năm 2026': days below 10 and months 1–2 get a leading zero (Decree 30/2020)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def percent_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",")


@dataclass
class ReportData:
    parent_org: str
    org: str
    doc_code: str
    place: str
    issued_on: date
    recipient: str
    signer_title: str
    signer_name: str
    school_year: SchoolYear
    cutoff: date
    period: str
    totals: Indicators
    targets: TargetView
    group_header: str
    groups: list[tuple[str, Indicators]]
    contests: selectors.ContestsHeld | None = None
    gain: Gain | None = None
    gain_groups: list[tuple[str, Gain]] | None = None


def period_label(school_year: SchoolYear, cutoff: date) -> str:
    if cutoff == school_year.first_term_ends_on:
        return f"Học kỳ I năm học {school_year.name}"
    if cutoff == school_year.ends_on:
        return f"Năm học {school_year.name}"
    return f"Năm học {school_year.name}, tính đến ngày {cutoff:%d/%m/%Y}"


def _parent_of_department(province: Province) -> str:
    prefix = "Sở Giáo dục và Đào tạo "
    name = province.department_name
    return f"UBND {name[len(prefix):]}" if name.startswith(prefix) else f"UBND {province.name}"


def school_report(school: School, school_year: SchoolYear, cutoff: date, issued_on: date) -> ReportData:
    scope = Scope.of(school, school_year)
    by_grade = selectors.indicators_by(scope, cutoff=cutoff, group="grade")
    totals = selectors.total(by_grade)
    gain_by_grade = evidence_selectors.gain_by(scope, cutoff=cutoff, group="grade")
    return ReportData(
        parent_org=school.province.department_name, org=school.name, doc_code=school.code, place=school.place_name,
        issued_on=issued_on, recipient=school.province.department_name, signer_title=school.principal_title,
        signer_name=school.principal_name, school_year=school_year, cutoff=cutoff,
        period=period_label(school_year, cutoff), totals=totals,
        targets=selectors.target_view(scope, school.province, totals, cutoff=cutoff),
        group_header="Khối", groups=[(f"Khối {g}", by_grade[g]) for g in sorted(by_grade)],
        contests=selectors.contests_held(scope, cutoff=cutoff),
        gain=evidence_selectors.gain_total(gain_by_grade),
        gain_groups=[(f"Khối {g}", gain_by_grade.get(g, _no_gain())) for g in sorted(by_grade)],
    )


def _no_gain() -> Gain:
    return Gain(min_group=evidence_selectors.min_group())


def _school_gain_rows(province: Province, school_year: SchoolYear, cutoff: date) -> list[tuple[str, Gain]]:
    by_school = evidence_selectors.gain_by(Scope.of(province, school_year), cutoff=cutoff, group="school")
    return [(s.name, by_school.get(s.pk, _no_gain())) for s in province.schools.order_by("name")]


def _school_rows(province: Province, school_year: SchoolYear, cutoff: date) -> list[tuple[str, Indicators]]:
    by_school = selectors.indicators_by(Scope.of(province, school_year), cutoff=cutoff, group="school")
    return [(s.name, by_school.get(s.pk, Indicators())) for s in province.schools.order_by("name")]


def province_report(province: Province, school_year: SchoolYear, cutoff: date, issued_on: date) -> ReportData:
    groups = _school_rows(province, school_year, cutoff)
    gain_groups = _school_gain_rows(province, school_year, cutoff)
    totals = sum((f for _label, f in groups), Indicators())
    return ReportData(
        parent_org=_parent_of_department(province), org="Sở Giáo dục và Đào tạo", doc_code="SGDĐT",
        place=province.name, issued_on=issued_on, recipient="Bộ Giáo dục và Đào tạo", signer_title="GIÁM ĐỐC",
        signer_name="", school_year=school_year, cutoff=cutoff, period=period_label(school_year, cutoff),
        totals=totals,
        targets=selectors.target_view(Scope.of(province, school_year), province, totals, cutoff=cutoff),
        group_header="Trường", groups=groups,
        contests=selectors.contests_held(Scope.of(province, school_year), cutoff=cutoff),
        gain=sum((g for _label, g in gain_groups), _no_gain()), gain_groups=gain_groups,
    )


# --- DOCX -------------------------------------------------------------------------------------------


def _paragraph(container, text: str = "", *, bold=False, italic=False, size=13, align=None, space_after=3):
    paragraph = container.add_paragraph()
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic, run.font.size, run.font.name = bold, italic, Pt(size), FONT
    paragraph.paragraph_format.space_after = Pt(space_after)
    if align is not None:
        paragraph.alignment = align
    return paragraph


def _two_columns(document, widths=(7.5, 9)):
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    left, right = table.rows[0].cells
    left.width, right.width = Cm(widths[0]), Cm(widths[1])
    for cell in (left, right):
        cell.paragraphs[0]._element.getparent().remove(cell.paragraphs[0]._element)
    return left, right


def _target_sentences(data: ReportData) -> list[str]:
    lines = []
    for outcome in data.targets.outcomes:
        verdict = "đạt" if outcome.met else "chưa đạt"
        lines.append(
            f"Mục tiêu {outcome.target.share_percent}% đến ngày {outcome.target.deadline:%d/%m/%Y}: {verdict} "
            f"({percent_text(outcome.achieved_percent)}%, {'+' if outcome.margin_points >= 0 else ''}"
            f"{percent_text(outcome.margin_points)} điểm phần trăm)."
        )
    plan = data.targets.forecast
    if plan.target is not None:
        line = (
            f"Mục tiêu hiện hành: {plan.target.share_percent}% đến ngày {plan.target.deadline:%d/%m/%Y} "
            f"(cần {plan.needed_students} học sinh, còn thiếu {plan.missing_students}). "
            f"Tiến độ 4 tuần gần nhất: {percent_text(plan.pace_per_week)} học sinh/tuần"
        )
        if plan.needed_pace_per_week:
            line += f"; cần {percent_text(plan.needed_pace_per_week)} học sinh/tuần để kịp thời hạn"
        lines.append(line + ".")
    return lines


NOT_ENOUGH = "chưa đủ dữ liệu"


def _gain_cells(gain: Gain) -> list[str]:
    if not gain.enough:
        return [str(gain.pairs), NOT_ENOUGH, "", ""]
    shares = "; ".join(f"{percent_text(s.before)} → {percent_text(s.after)}" for s in gain.items)
    return [str(gain.pairs), percent_text(gain.mean_before), percent_text(gain.mean_after), shares]


def _gain_docx(document, data: ReportData) -> None:
    """Section I.7: what students could do before and after the course, with its denominator."""
    gain = data.gain
    _paragraph(document, "")
    number = 7 if _target_sentences(data) else 6
    _paragraph(document, f"{number}. Kết quả trước và sau khóa học (bài kiểm tra đầu vào và cuối khóa)", bold=True)
    line = (f"Số học sinh có cả bài kiểm tra đầu vào và cuối khóa: {gain.pairs} "
            f"(đã làm bài đầu vào: {gain.entries}; đã làm bài cuối khóa: {gain.exits}).")
    if gain.enough:
        line += (f" Điểm trung bình bài kiểm tra kiến thức: {percent_text(gain.mean_before)}% trước khóa học, "
                 f"{percent_text(gain.mean_after)}% sau khóa học ({'+' if gain.mean_gain >= 0 else ''}"
                 f"{percent_text(gain.mean_gain)} điểm phần trăm).")
    else:
        line += f" Chưa đủ dữ liệu để nêu tỷ lệ (cần ít nhất {gain.min_group} học sinh có cả hai bài)."
    _paragraph(document, line)
    if gain.enough:
        for share in gain.items:
            _paragraph(document, f"- {share.item.text} Tỷ lệ chọn “{share.item.can_do_label}”: "
                                 f"{percent_text(share.before)}% trước, {percent_text(share.after)}% sau.")
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    headers = [data.group_header, "Có cả hai bài", "Điểm TB trước (%)", "Điểm TB sau (%)",
               "Tỷ lệ “tự làm được” trước → sau (%), theo " + str(len(evidence_rules.SELF_ASSESSMENT)) + " câu"]
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = header
        cell.paragraphs[0].runs[0].bold = True
    for label, figures in [*(data.gain_groups or []), ("Tổng cộng", gain)]:
        for cell, value in zip(table.add_row().cells, [label, *_gain_cells(figures)], strict=True):
            cell.text = value
    _paragraph(document, (f"Điểm và tỷ lệ tính trên các học sinh có cả hai bài kiểm tra nộp trước hết ngày "
                          f"{data.cutoff:%d/%m/%Y}; đơn vị có dưới {gain.min_group} học sinh như vậy ghi "
                          f"“{NOT_ENOUGH}”."), italic=True, size=11)


def report_docx(data: ReportData) -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(13)

    center = WD_ALIGN_PARAGRAPH.CENTER
    left, right = _two_columns(document)
    _paragraph(left, data.parent_org.upper(), size=12, align=center, space_after=0)
    _paragraph(left, data.org.upper(), bold=True, size=12, align=center)
    _paragraph(left, f"Số: …/BC-{data.doc_code}", size=13, align=center)
    _paragraph(left, SUBJECT, size=12, align=center)
    _paragraph(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12, align=center, space_after=0)
    _paragraph(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13, align=center)
    _paragraph(right, document_date_line(data.place, data.issued_on), italic=True, size=13, align=center)

    _paragraph(document, "")
    _paragraph(document, "BÁO CÁO", bold=True, size=14, align=center, space_after=0)
    _paragraph(document, "Kết quả phổ cập kỹ năng sử dụng dịch vụ công trực tuyến cho học sinh",
               bold=True, size=14, align=center, space_after=0)
    _paragraph(document, data.period, italic=True, align=center)
    _paragraph(document, f"Kính gửi: {data.recipient}.", align=center)

    t = data.totals
    _paragraph(document, (
        f"{data.org} báo cáo kết quả phổ cập kỹ năng sử dụng dịch vụ công trực tuyến cho học sinh, "
        f"số liệu tính đến hết ngày {data.cutoff:%d/%m/%Y}, như sau:"
    ))
    _paragraph(document, "I. KẾT QUẢ ĐẠT ĐƯỢC", bold=True)
    results = [
        f"1. Tổng số học sinh: {t.enrolled}; số học sinh đã được phổ cập (hoàn thành tất cả bài học bắt buộc, "
        f"học trực tuyến hoặc trực tiếp): {t.trained}, đạt tỷ lệ {percent_text(t.coverage)}%.",
        f"2. Số học sinh đã tham gia học tập hoặc cuộc thi: {t.participated} ({percent_text(t.participation)}%); "
        f"số lượt bài học đã hoàn thành: {t.lessons_completed}; điểm luyện tập trung bình: "
        f"{percent_text(t.mean_score)}%.",
        f"3. Mức độ hài lòng của học sinh với bài học: trung bình {percent_text(t.rating_mean)}/5 sao, "
        f"{percent_text(t.rating_high_share)}% lượt đánh giá 4–5 sao ({t.stars_count} lượt đánh giá).",
        f"4. Số người thân, hàng xóm được học sinh hướng dẫn sử dụng dịch vụ công trực tuyến: {t.guided} "
        f"(trong đó {t.guided_fully_online} trường hợp thực hiện toàn trình).",
        f"5. Số học sinh tham gia cuộc thi tìm hiểu: {t.contest_participants} ({percent_text(t.contest_share)}%)"
        + (f"; đã tổ chức {data.contests.live} cuộc thi trực tiếp và {data.contests.online} cuộc thi trực tuyến."
           if data.contests else "."),
        *[f"6. {line}" if i == 0 else line for i, line in enumerate(_target_sentences(data))],
    ]
    for line in results:
        _paragraph(document, line)

    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    headers = [data.group_header, "Sĩ số", "Đã được phổ cập", "Tỷ lệ (%)", "Đã tham gia (học hoặc thi)"]
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = header
        cell.paragraphs[0].runs[0].bold = True
    for label, figures in [*data.groups, ("Tổng cộng", t)]:
        cells = table.add_row().cells
        values = [label, str(figures.enrolled), str(figures.trained), percent_text(figures.coverage),
                  str(figures.participated)]
        for cell, value in zip(cells, values, strict=True):
            cell.text = value

    if data.gain is not None:
        _gain_docx(document, data)

    _paragraph(document, "")
    _paragraph(document, "II. TỒN TẠI, HẠN CHẾ", bold=True)
    _paragraph(document, f"1. Còn {t.untrained} học sinh chưa hoàn thành khóa học.")
    _paragraph(document, f"2. {PLACEHOLDER}")
    _paragraph(document, "III. ĐỀ XUẤT, KIẾN NGHỊ", bold=True)
    _paragraph(document, f"1. {PLACEHOLDER}")
    _paragraph(document, f"2. {PLACEHOLDER}")
    _paragraph(document, f"Trên đây là báo cáo kết quả phổ cập kỹ năng sử dụng dịch vụ công trực tuyến cho học sinh "
                         f"của {data.org}./.")

    receivers, signature = _two_columns(document, widths=(8, 8.5))
    _paragraph(receivers, "Nơi nhận:", bold=True, italic=True, size=12, space_after=0)
    _paragraph(receivers, "- Như trên;", size=11, space_after=0)
    _paragraph(receivers, "- Lưu: VT.", size=11, space_after=0)
    _paragraph(signature, data.signer_title.upper(), bold=True, size=13, align=center, space_after=0)
    _paragraph(signature, "(Ký, ghi rõ họ tên và đóng dấu)", italic=True, size=12, align=center, space_after=48)
    _paragraph(signature, data.signer_name, bold=True, size=13, align=center)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- XLSX annex -------------------------------------------------------------------------------------

ANNEX_HEADERS = [
    "STT", None, "Sĩ số", "Đã được phổ cập", "Tỷ lệ phổ cập (%)", "Đã tham gia (học hoặc thi)", "Tỷ lệ tham gia (%)",
    "Số lượt bài đã hoàn thành", "Điểm luyện tập trung bình (%)", "Hài lòng với bài học (sao, TB)",
    "Người thân được hướng dẫn", "Tham gia cuộc thi",
]


def _annex_values(figures: Indicators) -> list:
    def rounded(value):
        return None if value is None else round(value, 1)

    return [
        figures.enrolled, figures.trained, rounded(figures.coverage), figures.participated,
        rounded(figures.participation), figures.lessons_completed, rounded(figures.mean_score),
        rounded(figures.rating_mean), figures.guided, figures.contest_participants,
    ]


def _annex_sheet(workbook: Workbook, title: str, group_header: str, rows: list[tuple[str, Indicators]]):
    sheet = workbook.create_sheet(title=title[:31])
    bold = Font(bold=True)
    sheet.append(xlsx_row(sheet, [group_header if h is None else h for h in ANNEX_HEADERS]))
    for cell in sheet[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.fill = PatternFill("solid", fgColor="DDE5F0")
    for index, (label, figures) in enumerate(rows, start=1):
        sheet.append(xlsx_row(sheet, [index, label, *_annex_values(figures)]))
    sheet.append(xlsx_row(sheet, [None, "Tổng cộng", *_annex_values(sum((f for _l, f in rows), Indicators()))]))
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["B"].width = 32
    for column in "CDEFGHIJKL":
        sheet.column_dimensions[column].width = 16


def _gain_sheet(workbook: Workbook, group_header: str, rows: list[tuple[str, Gain]]):
    """The annex's before/after sheet: denominators always, figures only from the minimum group size."""
    sheet = workbook.create_sheet(title="Trước và sau khóa học")
    headers = ["STT", group_header, "Đã làm bài đầu vào", "Đã làm bài cuối khóa", "Có cả hai bài",
               "Điểm TB trước (%)", "Điểm TB sau (%)", "Chênh lệch (điểm %)"]
    for index in range(1, len(evidence_rules.SELF_ASSESSMENT) + 1):
        headers += [f"Câu {index} “tự làm được” trước (%)", f"Câu {index} “tự làm được” sau (%)"]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.fill = PatternFill("solid", fgColor="DDE5F0")

    def values(gain: Gain) -> list:
        counts = [gain.entries, gain.exits, gain.pairs]
        if not gain.enough:
            return [*counts, NOT_ENOUGH]
        shares = [round(v, 1) for s in gain.items for v in (s.before, s.after)]
        return [*counts, round(gain.mean_before, 1), round(gain.mean_after, 1), round(gain.mean_gain, 1), *shares]

    for index, (label, gain) in enumerate(rows, start=1):
        sheet.append([index, label, *values(gain)])
    sheet.append([None, "Tổng cộng", *values(sum((g for _l, g in rows), _no_gain()))])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.append([])
    for index, item in enumerate(evidence_rules.SELF_ASSESSMENT, start=1):
        sheet.append([None, f"Câu {index}: {item.text} — “tự làm được”: {item.can_do_label}"])
    sheet.append([None, (f"Điểm và tỷ lệ tính trên các học sinh có cả hai bài kiểm tra; đơn vị có dưới "
                         f"{evidence_selectors.min_group()} học sinh như vậy ghi “{NOT_ENOUGH}”.")])
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["B"].width = 32


def school_annex_xlsx(school: School, school_year: SchoolYear, cutoff: date) -> bytes:
    """One sheet per grade (its classes), plus a summary sheet by grade."""
    scope = Scope.of(school, school_year)
    by_class = selectors.indicators_by(scope, cutoff=cutoff, group="classroom")
    classrooms = Classroom.objects.filter(school=school, school_year=school_year).order_by("grade", "name")
    workbook = Workbook()
    workbook.remove(workbook.active)
    grades: dict[int, list[tuple[str, Indicators]]] = {}
    for classroom in classrooms:
        grades.setdefault(classroom.grade, []).append((classroom.name, by_class.get(classroom.pk, Indicators())))
    _annex_sheet(workbook, "Tổng hợp", "Khối",
                 [(f"Khối {g}", sum((f for _l, f in rows), Indicators())) for g, rows in grades.items()])
    for grade, rows in grades.items():
        _annex_sheet(workbook, f"Khối {grade}", "Lớp", rows)
    gain_by_class = evidence_selectors.gain_by(scope, cutoff=cutoff, group="classroom")
    _gain_sheet(workbook, "Lớp", [(c.name, gain_by_class.get(c.pk, _no_gain())) for c in classrooms])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def province_annex_xlsx(province: Province, school_year: SchoolYear, cutoff: date) -> bytes:
    """One sheet of the province's schools (no student names)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    _annex_sheet(workbook, "Các trường", "Trường", _school_rows(province, school_year, cutoff))
    _gain_sheet(workbook, "Trường", _school_gain_rows(province, school_year, cutoff))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
