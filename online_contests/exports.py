"""Result exports: full results (CSV streamed, XLSX), the prize list for the decision, per-school summaries.

Every cell goes through ``quizsite.spreadsheets``: text is never read as a
formula (an apostrophe in CSV, a string-typed cell in XLSX).
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator
from datetime import timedelta

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from online_contests.selectors import SchoolParticipation, Standing
from quizsite.spreadsheets import csv_row, xlsx_row

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def duration_text(value: timedelta | None) -> str:
    """12 phút 05 giây, from a time used."""
    if value is None:
        return ""
    total = int(value.total_seconds())
    return _("%(m)d phút %(s)02d giây") % {"m": total // 60, "s": total % 60}


def _local(moment) -> str:
    return date_format(timezone.localtime(moment), "d/m/Y H:i:s") if moment else ""


RESULT_HEADER = [
    gettext_lazy("Hạng"), gettext_lazy("Giải"), gettext_lazy("Họ và tên"), gettext_lazy("Mã học sinh"), gettext_lazy("Lớp"), gettext_lazy("Trường"), gettext_lazy("Số câu đúng"), gettext_lazy("Tổng số câu"),
    gettext_lazy("Thời gian làm bài"), gettext_lazy("Thời gian (giây)"), gettext_lazy("Bắt đầu"), gettext_lazy("Kết thúc"), gettext_lazy("Cách kết thúc"), gettext_lazy("Dự đoán số người tham gia"),
]


def result_rows(standings: Iterable[Standing]) -> Iterator[list]:
    for s in standings:
        a = s.attempt
        ended = a.finished_at or a.deadline
        used = s.time_used
        yield [
            s.rank, s.prize_label, a.student.full_name, a.student.student_key or "", a.classroom.name, a.school.name,
            s.score, len(a.question_ids), duration_text(used), round(used.total_seconds(), 3), _local(a.started_at),
            _local(ended), a.get_finish_display() or _("Hết giờ, hệ thống tự nộp"),
            "" if a.tiebreak_estimate is None else a.tiebreak_estimate,
        ]


class _Echo:
    def write(self, value):
        return value


def csv_response(filename: str, header: list[str], rows: Iterable[list]) -> StreamingHttpResponse:
    """Stream a CSV with a UTF-8 BOM (so Excel shows Vietnamese) and neutralised cells."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow([str(title) for title in header])
        for row in rows:
            yield writer.writerow(csv_row(row))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(filename: str, sheets: Iterable[tuple[str, list[list], Iterable[list]]]) -> FileResponse:
    """A write-only workbook of (title, heading rows, table rows) sheets, spooled to a temporary file."""
    workbook = Workbook(write_only=True)
    for title, heading, rows in sheets:
        sheet = workbook.create_sheet(title[:31])
        for line in heading:
            sheet.append(xlsx_row(sheet, line))
        for row in rows:
            sheet.append(xlsx_row(sheet, row))
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


PRIZE_HEADER = [gettext_lazy("STT"), gettext_lazy("Họ và tên"), gettext_lazy("Ngày sinh"), gettext_lazy("Lớp"), gettext_lazy("Trường"), gettext_lazy("Số câu đúng"), gettext_lazy("Thời gian làm bài"), gettext_lazy("Giải")]


def prize_rows(standings: Iterable[Standing]) -> Iterator[list]:
    for number, s in enumerate((s for s in standings if s.prize), start=1):
        a = s.attempt
        yield [
            number, a.student.full_name, a.student.birth_date.strftime("%d/%m/%Y") if a.student.birth_date else "",
            a.classroom.name, a.school.name, s.score, duration_text(s.time_used),
            s.prize_label,
        ]


SCHOOL_HEADER = [gettext_lazy("Hạng"), gettext_lazy("Trường"), gettext_lazy("Số học sinh thuộc phạm vi"), gettext_lazy("Số học sinh tham gia"), gettext_lazy("Tỉ lệ (%)"), gettext_lazy("Khen thưởng")]


def school_rows(rows: Iterable[SchoolParticipation]) -> Iterator[list]:
    for row in rows:
        yield [row.rank, row.school.name, row.enrolled, row.participants, float(row.share_percent),
               _("Được khen") if row.awarded else ""]

