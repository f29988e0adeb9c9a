"""Teacher pages: assignments, the class completion grid, ratings and the question bank."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from lessons import question_io, services
from lessons.models import LessonAssignment, Question, Quiz
from tests.lessons.helpers import pass_lesson


@pytest.fixture
def teacher_client(client, world):
    client.force_login(world.teacher)
    return client


def test_assign_lesson_with_due_date(teacher_client, world, lesson):
    url = reverse("classroom_lessons", args=[world.classroom.pk])
    response = teacher_client.post(url, {"lesson": lesson.pk, "due_on": "2025-11-30"})
    assert response.status_code == 302
    assignment = LessonAssignment.objects.get()
    assert str(assignment.due_on) == "2025-11-30" and assignment.assigned_by == world.teacher
    assert teacher_client.post(url, {"lesson": "999999"}).status_code == 400
    assert teacher_client.post(url, {"lesson": lesson.pk, "due_on": "hôm qua"}).status_code == 400
    delete = reverse("assignment_delete", args=[world.classroom.pk, assignment.pk])
    assert teacher_client.post(delete).status_code == 302
    assert not LessonAssignment.objects.exists()


def test_assignment_of_another_class_is_404(teacher_client, world, lesson):
    other = services.assignment_save(classroom=world.other_classroom, lesson=lesson, due_on=None,
                                     assigned_by=world.other_teacher)
    assert teacher_client.post(reverse("assignment_delete", args=[world.classroom.pk, other.pk])).status_code == 404
    assert teacher_client.post(reverse("assignment_delete", args=[world.other_classroom.pk, other.pk])).status_code == 404
    assert LessonAssignment.objects.filter(pk=other.pk).exists()


def test_class_page_shows_completion_grid(teacher_client, world, lesson):
    pass_lesson(world.students[1], lesson)
    body = teacher_client.get(reverse("classroom_detail", args=[world.classroom.pk])).content.decode()
    assert "Tiến độ bài học" in body and "✓ 100%" in body and "Giao bài học" in body


def test_teacher_home_panel_and_ratings(teacher_client, world, lesson):
    pass_lesson(world.students[0], lesson)
    services.lesson_rate(student=world.students[0], lesson=lesson, stars=5, comment="Rất hay")
    pass_lesson(world.foreign_student, lesson)
    services.lesson_rate(student=world.foreign_student, lesson=lesson, stars=1, comment="Trường khác")
    assert "100%" in teacher_client.get(reverse("teacher_home")).content.decode()
    body = teacher_client.get(reverse("lesson_ratings")).content.decode()
    assert "Rất hay" in body and "Trường khác" not in body


def test_province_admin_sees_totals_without_comments(client, world, lesson):
    pass_lesson(world.students[0], lesson)
    services.lesson_rate(student=world.students[0], lesson=lesson, stars=5, comment="Bình luận riêng")
    client.force_login(world.province_admin)
    body = client.get(reverse("lesson_ratings")).content.decode()
    assert "1 lượt đánh giá" in body and "Bình luận riêng" not in body


def test_quiz_create_and_add_question(teacher_client, world):
    response = teacher_client.post(reverse("quiz_list"), {"title": "Ôn tập bài 7"})
    quiz = Quiz.objects.get(owner=world.teacher)
    assert response.status_code == 302 and quiz.school == world.school
    url = reverse("question_add", args=[quiz.pk])
    bad = {"kind": "single", "text": "Câu?", "explanation": "Vì", "choice_a": "X", "correct_a": "on",
           "choice_b": "Y", "correct_b": "on"}
    assert teacher_client.post(url, bad).status_code == 400
    good = {**bad, "correct_b": ""}
    assert teacher_client.post(url, good).status_code == 302
    tf = {"kind": "truefalse", "text": "Đúng không?", "explanation": "Vì", "truefalse_answer": "f"}
    assert teacher_client.post(url, tf).status_code == 302
    assert quiz.questions.count() == 2
    question = quiz.questions.get(kind="truefalse")
    assert question.choices.get(key="f").is_correct
    retire = reverse("question_retire", args=[quiz.pk, question.pk])
    assert teacher_client.post(retire).status_code == 302
    assert Question.objects.get(pk=question.pk).is_retired


def test_other_teachers_quiz_is_404(client, world):
    quiz = services.quiz_create(owner=world.teacher, school=world.school, title="Riêng")
    client.force_login(world.other_teacher)
    assert client.get(reverse("quiz_detail", args=[quiz.pk])).status_code == 404
    assert client.post(reverse("question_add", args=[quiz.pk]), {}).status_code == 404
    assert client.get(reverse("quiz_export", args=[quiz.pk])).status_code == 404


def test_lesson_quiz_cannot_be_edited_by_teacher(teacher_client, lesson):
    assert teacher_client.get(reverse("quiz_detail", args=[lesson.practice_quiz.pk])).status_code == 404


def _xlsx(rows) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("cau-hoi.xlsx", buffer.getvalue())


def test_template_downloads(teacher_client):
    response = teacher_client.get(reverse("quiz_template", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == question_io.HEADERS
    response = teacher_client.get(reverse("quiz_template", args=["csv"]))
    assert response.content.decode("utf-8").startswith("\ufeffLoại")
    assert teacher_client.get(reverse("quiz_template", args=["pdf"])).status_code == 404


def test_import_template_then_export_roundtrip(teacher_client, world):
    quiz = services.quiz_create(owner=world.teacher, school=world.school, title="Nhập")
    upload = SimpleUploadedFile("mau.xlsx", question_io.template_xlsx())
    response = teacher_client.post(reverse("quiz_import", args=[quiz.pk]), {"file": upload})
    assert response.status_code == 302
    assert quiz.questions.count() == len(question_io.EXAMPLES)
    assert set(quiz.questions.values_list("kind", flat=True)) == {"single", "multiple", "truefalse", "ordering"}
    exported = teacher_client.get(reverse("quiz_export", args=[quiz.pk])).content
    rows = list(load_workbook(io.BytesIO(exported)).active.iter_rows(values_only=True))
    assert [["" if v is None else v for v in row] for row in rows[1:]] == question_io.EXAMPLES


def test_export_keeps_formula_like_text_as_text(teacher_client, world):
    """A question or choice starting with "=" is a string cell in the XLSX, unchanged, and imports back the same."""
    quiz = services.quiz_create(owner=world.teacher, school=world.school, title="Công thức")
    services.question_create(quiz=quiz, data=services.QuestionData(
        "single", "=1+1 bằng mấy?", "-Vì cộng.", [("=2", True), ("@3", False)]))
    exported = teacher_client.get(reverse("quiz_export", args=[quiz.pk])).content
    sheet = load_workbook(io.BytesIO(exported)).active
    cells = {cell.value: cell.data_type for cell in sheet[2] if cell.value}
    assert cells == {"Một lựa chọn": "s", "=1+1 bằng mấy?": "s", "=2": "s", "@3": "s", "A": "s", "-Vì cộng.": "s"}
    again = services.quiz_create(owner=world.teacher, school=world.school, title="Nhập lại")
    upload = SimpleUploadedFile("lai.xlsx", exported)
    assert teacher_client.post(reverse("quiz_import", args=[again.pk]), {"file": upload}).status_code == 302
    question = again.questions.get()
    assert question.text == "=1+1 bằng mấy?" and [c.text for c in question.choices.order_by("position")] == ["=2", "@3"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-16-le", "utf-16-be"])
def test_import_csv(teacher_client, world, encoding):
    """UTF-8, or UTF-16 as Excel's "Unicode Text" saves it (with or without a BOM)."""
    quiz = services.quiz_create(owner=world.teacher, school=world.school, title="CSV")
    upload = SimpleUploadedFile("mau.csv", question_io.template_csv().removeprefix("\ufeff").encode(encoding))
    assert teacher_client.post(reverse("quiz_import", args=[quiz.pk]), {"file": upload}).status_code == 302
    assert quiz.questions.count() == len(question_io.EXAMPLES)


def test_import_errors_per_row_and_nothing_saved(teacher_client, world):
    quiz = services.quiz_create(owner=world.teacher, school=world.school, title="Lỗi")
    rows = [
        question_io.HEADERS,
        question_io.EXAMPLES[0],
        ["Tự luận", "Viết gì đó", "", "", "", "", "", "", "", "Vì"],
        ["Một lựa chọn", "Câu?", "X", "Y", "", "", "", "", "C", "Vì"],
        ["Đúng/Sai", "Câu?", "", "", "", "", "", "", "Có lẽ", "Vì"],
        ["Nhiều lựa chọn", "Câu?", "X", "Y", "", "", "", "", "A", ""],
    ]
    response = teacher_client.post(reverse("quiz_import", args=[quiz.pk]), {"file": _xlsx(rows)})
    assert response.status_code == 400
    body = response.content.decode()
    for row in ("Dòng 3", "Dòng 4", "Dòng 5", "Dòng 6"):
        assert row in body
    assert "Dòng 2:" not in body
    assert not quiz.questions.exists()


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("x.txt", b"hello"), "Chỉ nhận tệp"),
        (SimpleUploadedFile("x.xlsx", b"not a zip"), "Không đọc được tệp Excel"),
        (SimpleUploadedFile("x.csv", "Sai,tiêu đề\n".encode()), "Dòng tiêu đề"),
        (SimpleUploadedFile("x.csv", "Loai,Cau hoi,Đáp\n".encode("cp1258")), "UTF-8"),
    ],
)
def test_bad_files_are_refused(teacher_client, world, upload, message):
    quiz = services.quiz_create(owner=world.teacher, school=world.school, title="Tệp")
    response = teacher_client.post(reverse("quiz_import", args=[quiz.pk]), {"file": upload})
    assert response.status_code == 400 and message in response.content.decode()
    assert not quiz.questions.exists()


def test_csv_reader_handles_vietnamese(world):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([question_io.HEADERS, question_io.EXAMPLES[2]])
    rows, errors = question_io.parse_upload(SimpleUploadedFile("a.csv", buffer.getvalue().encode("utf-8")))
    assert not errors and rows[0].kind == "truefalse" and rows[0].choices[1][1]


def _wide_bank(rows: int, junk: int) -> bytes:
    workbook = Workbook()
    workbook.active.append(question_io.HEADERS)
    for n in range(rows):
        workbook.active.append(["Một lựa chọn", f"Câu {n}?", "Có", "Không", "", "", "", "", "A", "Vì vậy.",
                                *["rác"] * junk])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_question_bank_is_read_only_up_to_its_last_column(monkeypatch):
    from openpyxl.worksheet._reader import WorkSheetParser

    converted = []
    original = WorkSheetParser.parse_cell

    def counting(self, element):
        converted.append(1)
        return original(self, element)

    monkeypatch.setattr(WorkSheetParser, "parse_cell", counting)
    questions, errors = question_io.parse_upload(SimpleUploadedFile("a.xlsx", _wide_bank(30, 200)))
    assert not errors and len(questions) == 30
    assert len(converted) == 31 * len(question_io.HEADERS)


def test_a_question_bank_with_too_many_cells_is_refused(monkeypatch):
    monkeypatch.setattr(question_io, "MAX_CELLS", 100)
    questions, errors = question_io.parse_upload(SimpleUploadedFile("a.xlsx", _wide_bank(30, 0)))
    assert questions == [] and "quá nhiều ô" in errors[0]


def test_a_question_bank_that_inflates_too_much_is_refused(monkeypatch):
    monkeypatch.setattr(question_io, "MAX_UNZIPPED_BYTES", 1000)
    questions, errors = question_io.parse_upload(SimpleUploadedFile("a.xlsx", _wide_bank(3, 0)))
    assert questions == [] and "quá lớn khi giải nén" in errors[0]
