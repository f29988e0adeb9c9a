"""The curriculum loader refuses bad files, naming the file, line and problem, and writes nothing."""

import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lessons import services
from lessons.content import CurriculumError
from lessons.models import Course, Lesson, Question

# The package loads the real curriculum once; the loader is tested from an empty one.
pytestmark = pytest.mark.usefixtures("no_curriculum")


def load(root):
    return services.curriculum_load(root=root)


def edit(path, old, new, count=1):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(path, needle):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def problems_of(root):
    with pytest.raises(CurriculumError) as info:
        load(root)
    return info.value.problems


def assert_problem(root, file, line, fragment):
    problems = problems_of(root)
    assert any(p.file == file and p.line == line and fragment in p.message for p in problems), [
        str(p) for p in problems
    ]


Q1 = "questions/l1.yaml"
L1 = "lessons/01-dich-vu-cong-truc-tuyen.md"


@pytest.mark.django_db
def test_markdown_is_rendered_once_and_sanitised(curriculum_copy):
    path = curriculum_copy / L1
    edit(path, "## Năm lợi ích chính", '<script>alert(1)</script>\n\n[x](javascript:alert(1))\n\n## Năm lợi ích chính')
    load(curriculum_copy)
    body = Lesson.objects.get(key="l1").body_html
    assert "<script" not in body and "javascript:" not in body
    assert '<div class="admonition tip">' in body and "<table>" in body
    assert "<strong>" in Lesson.objects.get(key="l1").teacher_guide_html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "file, old, new, needle, fragment",
    [
        (Q1, '    explanation: "Dịch vụ công trực tuyến là làm', '    note: "Dịch vụ công trực tuyến là làm',
         "    note: ", "khóa lạ 'note'"),
        (Q1, 'source: "L1 / S1"', 'source: "L1 / E99"', 'source: "L1 / E99"', "mã nguồn lạ 'E99'"),
        (Q1, 'source: "L1 / S1"', 'source: "L1 / U3"', 'source: "L1 / U3"', "chưa được kiểm chứng 'U3'"),
        (Q1, 'source: "L1 / S1"', 'source: " / "', 'source: " / "', "ít nhất một nguồn"),
        (Q1, "kind: single", "kind: essay", "kind: essay", "loại câu hỏi 'essay'"),
        (Q1, "  - id: l1-q02", "  - id: l1-q01  # dup", "# dup", "bị trùng"),
        (Q1, "{id: a, text: \"Quyết định 06/QĐ-TTg ngày 06/01/2022\", correct: true}",
         "{id: a, text: \"Quyết định 06/QĐ-TTg ngày 06/01/2022\", correct: yes-please}",
         "correct: yes-please", "true hoặc false"),
        (L1, "mastery: 80", "mastery: 180", "mastery: 180", "'mastery' phải từ 1 đến 100"),
        (L1, "duration: 45", "duration: 90", "duration: 90", "một tiết học"),
        (L1, "simulation: null", "simulation: game", "simulation: game", "'simulation' phải là null"),
        (L1, "illustration: l1-loi-ich.svg", "illustration: missing.svg", "illustration: missing.svg",
         "không tìm thấy hình minh họa"),
        (L1, "required: true", "required: false", "required: false", "mâu thuẫn với course.yaml"),
        (L1, "order: 1", "order: first", "order: first", "số nguyên"),
    ],
)
def test_bad_field_names_file_line_and_problem(curriculum_copy, file, old, new, needle, fragment):
    path = curriculum_copy / file
    edit(path, old, new)
    assert_problem(curriculum_copy, file, line_of(path, needle), fragment)


@pytest.mark.django_db
def test_question_without_source_is_refused(curriculum_copy):
    path = curriculum_copy / Q1
    start = line_of(path, "  - id: l1-q01")
    edit(path, '    source: "L1 / S1"\n', "")
    assert_problem(curriculum_copy, Q1, start, "thiếu trường 'source'")


@pytest.mark.django_db
def test_question_without_explanation_is_refused(curriculum_copy):
    path = curriculum_copy / Q1
    start = line_of(path, "  - id: l1-q01")
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'    explanation: "Dịch vụ công trực tuyến là làm[^\n]*\n', "", text, count=1)
    path.write_text(text, encoding="utf-8")
    assert_problem(curriculum_copy, Q1, start, "thiếu trường 'explanation'")


@pytest.mark.django_db
def test_invalid_answer_key_is_refused(curriculum_copy):
    """A single-choice question with two correct answers fails grading.AnswerKey."""
    path = curriculum_copy / Q1
    edit(path, '{id: b, text: "Dịch vụ mua bán hàng hóa', '{id: b, correct: true, text: "Dịch vụ mua bán hàng hóa')
    assert_problem(curriculum_copy, Q1, line_of(path, "  - id: l1-q01"), "đáp án không hợp lệ")


@pytest.mark.django_db
def test_wrong_parts_for_kind_are_refused(curriculum_copy):
    path = curriculum_copy / Q1
    edit(path, "    kind: single\n    text: \"Câu nào mô tả", "    kind: ordering\n    text: \"Câu nào mô tả")
    problems = problems_of(curriculum_copy)
    assert any("không dùng 'choices'" in p.message for p in problems)


@pytest.mark.django_db
def test_yaml_syntax_error_names_line(curriculum_copy):
    path = curriculum_copy / Q1
    edit(path, "  - id: l1-q03", "  - id: [l1-q03")
    problems = problems_of(curriculum_copy)
    assert any(p.file == Q1 and "YAML không hợp lệ" in p.message and p.line for p in problems)


@pytest.mark.django_db
def test_duplicate_yaml_key_is_refused(curriculum_copy):
    path = curriculum_copy / Q1
    edit(path, "    kind: single\n", "    kind: single\n    kind: multiple\n")
    problems = problems_of(curriculum_copy)
    assert any(p.file == Q1 and "bị lặp lại" in p.message for p in problems)


@pytest.mark.django_db
def test_missing_front_matter_is_refused(curriculum_copy):
    path = curriculum_copy / L1
    path.write_text(path.read_text(encoding="utf-8").replace("---\n", "", 1), encoding="utf-8")
    assert_problem(curriculum_copy, L1, 1, "thiếu phần đầu YAML")


@pytest.mark.django_db
def test_course_lesson_without_file_is_refused(curriculum_copy):
    (curriculum_copy / "lessons" / "08-du-lieu-ca-nhan-va-gop-y.md").unlink()
    path = curriculum_copy / "course.yaml"
    assert_problem(curriculum_copy, "course.yaml", line_of(path, "{id: l8"), "không có tệp bài học")


@pytest.mark.django_db
def test_lesson_with_too_few_questions_is_refused(curriculum_copy):
    (curriculum_copy / "questions" / "l2.yaml").unlink()
    path = curriculum_copy / "course.yaml"
    assert_problem(curriculum_copy, "course.yaml", line_of(path, "{id: l2"), "cần ít nhất 10 câu hỏi")


@pytest.mark.django_db
def test_unknown_lesson_in_question_file_is_refused(curriculum_copy):
    path = curriculum_copy / Q1
    edit(path, "lesson: l1", "lesson: l99")
    assert_problem(curriculum_copy, Q1, 1, "bài 'l99' không có trong course.yaml")


@pytest.mark.django_db
def test_simulation_required_without_simulation_is_refused(curriculum_copy):
    edit(curriculum_copy / "course.yaml", "{id: l1, required: true}", "{id: l1, required: true, simulation_required: true}")
    problems = problems_of(curriculum_copy)
    assert any(p.file == L1 and "bắt buộc mô phỏng" in p.message for p in problems)


@pytest.mark.django_db
def test_bad_sources_file_is_refused(curriculum_copy):
    edit(curriculum_copy / "sources.yaml", '  E24: {title: "canxem.com (VssID, nguồn yếu)", checked: "2026-11-22"}', '  E24: ""')
    assert_problem(curriculum_copy, "sources.yaml", line_of(curriculum_copy / "sources.yaml", "  E24:"), "thiếu mô tả")


@pytest.mark.django_db
def test_error_loads_nothing_even_after_a_good_load(curriculum_copy):
    """One transaction, validation first: a broken file leaves the previous load untouched."""
    load(curriculum_copy)
    before = list(Question.objects.order_by("pk").values_list("pk", "text", "is_retired"))
    edit(curriculum_copy / Q1, "Câu nào mô tả đúng nhất", "Câu mới")
    edit(curriculum_copy / "questions" / "l2.yaml", "kind: single", "kind: essay")
    with pytest.raises(CurriculumError):
        load(curriculum_copy)
    assert list(Question.objects.order_by("pk").values_list("pk", "text", "is_retired")) == before


@pytest.mark.django_db
def test_first_load_with_error_writes_nothing(curriculum_copy):
    edit(curriculum_copy / Q1, "kind: single", "kind: essay")
    with pytest.raises(CurriculumError):
        load(curriculum_copy)
    assert not Course.objects.exists() and not Question.objects.exists()


@pytest.mark.django_db
def test_command_reports_problems_and_fails(curriculum_copy):
    edit(curriculum_copy / Q1, 'source: "L1 / S1"', 'source: "L1 / U1"')
    with pytest.raises(CommandError) as info:
        call_command("load_curriculum", path=curriculum_copy)
    assert "questions/l1.yaml:" in str(info.value) and "U1" in str(info.value)
    assert not Course.objects.exists()


@pytest.mark.django_db
def test_source_without_check_date_is_refused(curriculum_copy):
    path = curriculum_copy / "sources.yaml"
    edit(path, '{title: "canxem.com (VssID, nguồn yếu)", checked: "2026-11-22"}', '{title: "canxem.com (VssID, nguồn yếu)"}')
    assert_problem(curriculum_copy, "sources.yaml", line_of(path, "  E24:"), "thiếu ngày kiểm tra")
    edit(path, '{title: "canxem.com (VssID, nguồn yếu)"}', '{title: "canxem.com (VssID, nguồn yếu)", checked: "hôm qua"}')
    assert_problem(curriculum_copy, "sources.yaml", line_of(path, "  E24:"), "thiếu ngày kiểm tra")
