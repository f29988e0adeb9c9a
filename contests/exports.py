"""Results of a finished contest as rows, CSV and XLSX (teacher-only: real names)."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import Workbook

from contests import selectors
from contests.models import Contest
from quizsite.spreadsheets import csv_row, xlsx_row
from schools.models import Enrollment
from schools.privacy import Audience, display_name


@dataclass(frozen=True)
class ResultRow:
    rank: int | None
    nickname: str
    name: str
    classroom: str
    team: str
    score: int
    correct: int
    answered: int
    time_s: float


def result_rows(contest: Contest, viewer) -> list[ResultRow]:
    """One row per player, with the real name only where the viewer may see it."""
    players = list(selectors.contest_results_players(contest))
    user_ids = [p.user_id for p in players if p.user_id]
    classes = dict(
        Enrollment.objects.filter(student_id__in=user_ids)
        .order_by("school_year__starts_on")
        .values_list("student_id", "classroom__name")
    )
    return [
        ResultRow(
            rank=p.final_rank,
            nickname=p.nickname,
            name=display_name(p.user, audience=Audience.PRIVATE, viewer=viewer) if p.user_id else "",
            classroom=classes.get(p.user_id, ""),
            team=p.team.name if p.team_id else "",
            score=p.score,
            correct=p.correct_count,
            answered=p.answered,
            time_s=round(p.answer_time_ms / 1000, 1),
        )
        for p in players
    ]


def _header() -> list[str]:
    return [
        _("Hạng"), _("Biệt danh"), _("Họ và tên"), _("Lớp"), _("Đội"), _("Điểm"), _("Số câu đúng"),
        _("Số câu đã trả lời"), _("Tổng thời gian trả lời đúng (giây)"),
    ]


def _values(row: ResultRow) -> list:
    return [row.rank, row.nickname, row.name, row.classroom, row.team, row.score, row.correct, row.answered, row.time_s]


def results_csv(contest: Contest, viewer) -> Iterator[str]:
    """CSV lines with a UTF-8 BOM so Excel shows Vietnamese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    for line in [_header(), *(_values(row) for row in result_rows(contest, viewer))]:
        writer.writerow(csv_row(line))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def results_xlsx(contest: Contest, viewer) -> bytes:
    workbook = Workbook(write_only=True)
    players = workbook.create_sheet(_("Người chơi"))
    players.append(xlsx_row(players, _header()))
    for row in result_rows(contest, viewer):
        players.append(xlsx_row(players, _values(row)))
    questions = workbook.create_sheet(_("Câu hỏi"))
    questions.append(xlsx_row(questions, [_("Câu"), _("Nội dung"), _("Số trả lời"), _("Số đúng"), _("% đúng"),
                                          _("Thời gian trung bình (giây)"), _("Độ khó")]))
    for stat in selectors.contest_question_stats(contest):
        mean = round(stat.mean_time_ms / 1000, 1) if stat.mean_time_ms is not None else None
        questions.append(xlsx_row(questions, [stat.index + 1, stat.text, stat.answered, stat.correct,
                                              stat.percent_correct, mean, stat.difficulty]))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
