"""Participation exports (CSV and XLSX), streamed; each role exports only its own scope.

A class or school export has one row per enrolled student (their teachers and
school admins may see names); a province export has one row per class and no
student names. Cells go through ``quizsite.spreadsheets``: text is never read
as a formula (an apostrophe in CSV, a string-typed cell in XLSX).
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, timedelta

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from coverage import selectors
from coverage.selectors import Indicators, Scope
from quizsite.spreadsheets import csv_row, xlsx_row
from schools.models import Classroom

STUDENT_HEADERS = [
    "STT", "Họ và tên", "Mã học sinh", "Lớp", "Số lần luyện tập", "Bài hoàn thành trực tuyến",
    "Bài hoàn thành trực tiếp", "Điểm luyện tập trung bình (%)", "Đã được phổ cập", "Ngày phổ cập",
    "Số người thân đã hướng dẫn",
]
CLASS_HEADERS = [
    "STT", "Trường", "Lớp", "Khối", "Sĩ số", "Đã tham gia (học hoặc thi)", "Đã được phổ cập", "Tỷ lệ phổ cập (%)",
    "Phổ cập trong kỳ", "Số lượt bài đã hoàn thành", "Điểm luyện tập trung bình (%)", "Người thân được hướng dẫn",
    "Tham gia cuộc thi trong năm học",
]


def student_rows(scope: Scope, *, date_from: date, date_to: date) -> Iterator[list]:
    rows = selectors.participation_rows(scope, date_from=date_from, date_to=date_to)
    for index, row in enumerate(rows, start=1):
        trained_on = timezone.localdate(row.trained_at) if row.trained_at else None
        trained = trained_on is not None and trained_on <= date_to
        student = row.enrollment.student
        yield [
            index, student.full_name, student.student_key or "", row.enrollment.classroom.name, row.attempts,
            row.online_done, row.in_person_done, None if row.mean_score is None else round(row.mean_score, 1),
            "Có" if trained else "Chưa", trained_on.strftime("%d/%m/%Y") if trained else "", row.guided,
        ]


def class_rows(scope: Scope, *, date_from: date, date_to: date) -> Iterator[list]:
    """Per-class aggregates for a province (a dozen grouped queries, whatever the size of the province)."""
    at_end = selectors.indicators_by(scope, cutoff=date_to, group="classroom")
    before = selectors.trained_by(scope, cutoff=date_from - timedelta(days=1), group="classroom")
    classrooms = (
        Classroom.objects.filter(school_year=scope.school_year, school__province_id=scope.obj_id)
        .select_related("school").order_by("school__name", "grade", "name")
    )
    for index, classroom in enumerate(classrooms, start=1):
        figures = at_end.get(classroom.pk, Indicators())
        yield [
            index, classroom.school.name, classroom.name, classroom.grade, figures.enrolled, figures.participated,
            figures.trained, round(figures.coverage, 1), figures.trained - before.get(classroom.pk, 0),
            figures.lessons_completed, None if figures.mean_score is None else round(figures.mean_score, 1),
            figures.guided, figures.contest_participants,
        ]


def table(scope: Scope, *, date_from: date, date_to: date) -> tuple[list[str], Iterator[list]]:
    if scope.level == "province":
        return CLASS_HEADERS, class_rows(scope, date_from=date_from, date_to=date_to)
    return STUDENT_HEADERS, student_rows(scope, date_from=date_from, date_to=date_to)


class _Echo:
    def write(self, value):
        return value


def csv_chunks(headers: list[str], rows: Iterable[list]) -> Iterator[str]:
    """CSV lines with a UTF-8 BOM first, so Excel shows Vietnamese letters."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(headers)
    for row in rows:
        yield writer.writerow(csv_row(row))


def xlsx_file(headers: list[str], rows: Iterable[list], title: str):
    """A write-only workbook spooled to a temporary file (memory stays flat), rewound for reading."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    sheet.append(xlsx_row(sheet, headers, font=Font(bold=True)))
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    handle = tempfile.TemporaryFile()
    workbook.save(handle)
    handle.seek(0)
    return handle
