"""Read and validate the curriculum files into plain specs, before anything is written.

Layout under the curriculum root (``lessons/curriculum/``)::

    course.yaml            key, title, version, draw_count, lessons: [{id, required, simulation_required}]
    sources.yaml           citation tokens: sections, seeds, sources, unverified
    lessons/NN-*.md        YAML front matter between '---' lines, then the Markdown body
    questions/*.yaml       lesson: <id>, questions: [{id, kind, text, choices|items|pairs, explanation, source}]

Every problem found is collected with its file and line; ``read_curriculum``
raises ``CurriculumError`` listing them all, or returns a ``CourseSpec`` whose
Markdown is already rendered to sanitised HTML. Nothing here touches the
database. Problems are written in Vietnamese for the people editing content.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from lessons import grading
from lessons.keys import answer_key
from lessons.rendering import markdown_to_html

SIMULATIONS = ("portal", "real-site", "procedure", "tracking")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
CHOICE_ID_PATTERN = re.compile(r"^[a-z0-9]{1,20}$")
TOKEN_SPLIT = re.compile(r"[/,]")
MAX_DURATION = 45  # a lesson fits one class period


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class CurriculumError(Exception):
    """The curriculum files are not valid; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


@dataclass
class ChoiceSpec:
    key: str
    text: str
    is_correct: bool = False
    position: int = 0
    match_text: str = ""


@dataclass
class QuestionSpec:
    key: str
    lesson_key: str
    kind: str
    text: str
    explanation: str
    source: str
    order: int
    choices: list[ChoiceSpec]
    check_form: str = ""
    file: str = ""
    line: int | None = None


@dataclass
class LessonSpec:
    key: str
    order: int
    title: str
    summary: str
    required: bool
    simulation_required: bool
    mastery: int
    duration: int
    simulation: str
    illustration: str
    illustration_alt: str
    objectives: list[str]
    takeaways: list[str]
    body_html: str
    teacher_guide_html: str
    source_file: str
    changes: str = ""


@dataclass
class CourseSpec:
    key: str
    title: str
    version: int
    draw_count: int
    content_date: date | None = None
    lessons: list[LessonSpec] = field(default_factory=list)
    questions: list[QuestionSpec] = field(default_factory=list)


class _Map(dict):
    """A YAML mapping that remembers its own line and the line of each value."""

    line: int = 0
    key_lines: dict


# libyaml's parser when available (ten times faster); marks carry lines either way.
class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    pass


def _construct_map(loader: _LineLoader, node: yaml.MappingNode) -> _Map:
    mapping = _Map()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"khóa '{key}' bị lặp lại", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = value_node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)


class _File:
    """Collects the problems of one file and checks typed fields of its mappings."""

    def __init__(self, label: str, problems: list[Problem], line_offset: int = 0) -> None:
        self.label = label
        self.problems = problems
        self.line_offset = line_offset

    def problem(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.label, line + self.line_offset if line else None, message))

    def parse_yaml(self, text: str):
        try:
            return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a safe loader subclass
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            self.problem(mark.line + 1 if mark else None, f"YAML không hợp lệ: {error.problem or error}")
        except yaml.YAMLError as error:
            self.problem(None, f"YAML không hợp lệ: {error}")
        return None

    def mapping(self, value, line: int | None, what: str) -> _Map | None:
        if isinstance(value, _Map):
            return value
        self.problem(line, f"{what} phải là một bảng khóa–giá trị")
        return None

    def only(self, mapping: _Map, allowed: set[str], what: str) -> None:
        for key in mapping:
            if key not in allowed:
                self.problem(mapping.key_lines[key], f"{what}: khóa lạ '{key}'")

    def get(self, mapping: _Map, name: str, kind: str, *, required: bool = True, default=None, max_length=None):
        """Return ``mapping[name]`` checked against ``kind`` ("str", "int", "bool", "strlist", "str?")."""
        if name not in mapping:
            if required:
                self.problem(mapping.line, f"thiếu trường '{name}'")
            return default
        value, line = mapping[name], mapping.key_lines[name]
        if kind == "bool" and not isinstance(value, bool):
            self.problem(line, f"'{name}' phải là true hoặc false")
            return default
        if kind == "int" and (isinstance(value, bool) or not isinstance(value, int)):
            self.problem(line, f"'{name}' phải là số nguyên")
            return default
        if kind == "str?" and value is None:
            return None
        if kind in ("str", "str?"):
            if not isinstance(value, str) or not value.strip():
                self.problem(line, f"'{name}' phải là chuỗi không rỗng")
                return default
            value = value.strip()
            if max_length and len(value) > max_length:
                self.problem(line, f"'{name}' dài quá {max_length} ký tự")
                return default
        if kind == "strlist":
            if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
                self.problem(line, f"'{name}' phải là danh sách các chuỗi không rỗng")
                return default
            value = [v.strip() for v in value]
        return value


@dataclass
class _Sources:
    known: set[str]
    unverified: set[str]
    latest_check: date | None = None


def _checked_date(description) -> date | None:
    """The ``checked`` date of a source mapping ``{title: text, checked: YYYY-MM-DD}``, or None."""
    value = description.get("checked") if isinstance(description, dict) else None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _source_problem(group: str, description) -> str | None:
    """What is wrong with a token's description: every text needs a title; a source also a check date."""
    title = description.get("title") if isinstance(description, dict) else description
    if not isinstance(title, str) or not title.strip():
        return "thiếu mô tả"
    if group == "sources" and _checked_date(description) is None:
        return "thiếu ngày kiểm tra (checked: YYYY-MM-DD)"
    return None


def _read_sources(root: Path, problems: list[Problem]) -> _Sources:
    check = _File("sources.yaml", problems)
    data = check.mapping(check.parse_yaml(_read(root / "sources.yaml", check)), 1, "sources.yaml")
    sources = _Sources(set(), set())
    if data is None:
        return sources
    check.only(data, {"sections", "seeds", "sources", "unverified"}, "sources.yaml")
    for group in ("sections", "seeds", "sources", "unverified"):
        tokens = check.mapping(data.get(group), data.key_lines.get(group, data.line), f"'{group}'")
        if tokens is None:
            continue
        for token, description in tokens.items():
            if not isinstance(token, str) or not re.fullmatch(r"[A-Z][0-9]{0,2}", token):
                check.problem(tokens.key_lines[token], f"mã nguồn '{token}' không hợp lệ")
            elif problem := _source_problem(group, description):
                check.problem(tokens.key_lines[token], f"mã nguồn '{token}' {problem}")
            elif token in sources.known or token in sources.unverified:
                check.problem(tokens.key_lines[token], f"mã nguồn '{token}' bị khai báo hai lần")
            else:
                (sources.unverified if group == "unverified" else sources.known).add(token)
                checked = _checked_date(description)
                if checked and (sources.latest_check is None or checked > sources.latest_check):
                    sources.latest_check = checked
    return sources


def _read(path: Path, check: _File) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        check.problem(None, "không tìm thấy tệp")
    except UnicodeDecodeError:
        check.problem(None, "tệp không phải UTF-8")
    return ""


@dataclass
class _CourseEntry:
    key: str
    required: bool
    simulation_required: bool
    line: int


def _read_course(root: Path, problems: list[Problem]) -> tuple[CourseSpec | None, list[_CourseEntry]]:
    check = _File("course.yaml", problems)
    data = check.mapping(check.parse_yaml(_read(root / "course.yaml", check)), 1, "course.yaml")
    if data is None:
        return None, []
    check.only(data, {"key", "title", "version", "draw_count", "lessons"}, "course.yaml")
    key = check.get(data, "key", "str", max_length=50)
    if key and not ID_PATTERN.match(key):
        check.problem(data.key_lines["key"], f"mã khóa học '{key}' chỉ gồm chữ thường, số và dấu gạch ngang")
    course = CourseSpec(
        key=key or "",
        title=check.get(data, "title", "str", max_length=200) or "",
        version=check.get(data, "version", "int", default=1),
        draw_count=check.get(data, "draw_count", "int", default=10),
    )
    if course.draw_count < 1:
        check.problem(data.key_lines.get("draw_count"), "'draw_count' phải lớn hơn 0")
    entries: list[_CourseEntry] = []
    raw_lessons = data.get("lessons")
    if not isinstance(raw_lessons, list) or not raw_lessons:
        check.problem(data.key_lines.get("lessons", data.line), "'lessons' phải là danh sách bài học không rỗng")
        return course, entries
    seen: set[str] = set()
    for item in raw_lessons:
        entry = check.mapping(item, data.key_lines["lessons"], "mỗi bài trong 'lessons'")
        if entry is None:
            continue
        check.only(entry, {"id", "required", "simulation_required"}, "bài học")
        lesson_key = check.get(entry, "id", "str")
        if lesson_key in seen:
            check.problem(entry.line, f"bài '{lesson_key}' được liệt kê hai lần")
        elif lesson_key:
            seen.add(lesson_key)
            entries.append(
                _CourseEntry(
                    lesson_key,
                    check.get(entry, "required", "bool", default=True),
                    check.get(entry, "simulation_required", "bool", required=False, default=False),
                    entry.line,
                )
            )
    return course, entries


LESSON_FIELDS = {
    "id", "order", "title", "summary", "required", "mastery", "duration", "simulation", "illustration",
    "illustration_alt", "objectives", "takeaways", "teacher_guide", "changes",
}


def _split_front_matter(text: str, check: _File) -> tuple[str, str] | None:
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        check.problem(1, "thiếu phần đầu YAML (tệp phải bắt đầu bằng dòng '---')")
        return None
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return "".join(lines[1:index]), "".join(lines[index + 1 :])
    check.problem(1, "phần đầu YAML không có dòng '---' kết thúc")
    return None


def _read_lesson(
    path: Path, root: Path, entries: dict[str, _CourseEntry], image_dir: Path, problems: list[Problem]
) -> LessonSpec | None:
    label = str(path.relative_to(root))
    check = _File(label, problems)
    parts = _split_front_matter(_read(path, check), check)
    if parts is None:
        return None
    front_text, body = parts
    front = _File(label, problems, line_offset=1)
    data = front.mapping(front.parse_yaml(front_text), 1, "phần đầu YAML")
    if data is None:
        return None
    front.only(data, LESSON_FIELDS, "bài học")
    key = front.get(data, "id", "str")
    entry = entries.get(key) if key else None
    if key and entry is None:
        front.problem(data.key_lines["id"], f"bài '{key}' không có trong course.yaml")
    required = front.get(data, "required", "bool", default=True)
    if entry and required != entry.required:
        front.problem(data.key_lines["required"], f"'required' mâu thuẫn với course.yaml (dòng {entry.line})")
    order = front.get(data, "order", "int", default=0)
    if order is not None and order < 1:
        front.problem(data.key_lines["order"], "'order' phải từ 1 trở lên")
    mastery = front.get(data, "mastery", "int", default=80)
    if mastery is not None and not 1 <= mastery <= 100:
        front.problem(data.key_lines["mastery"], "'mastery' phải từ 1 đến 100 (%)")
    duration = front.get(data, "duration", "int", default=MAX_DURATION)
    if duration is not None and not 1 <= duration <= MAX_DURATION:
        front.problem(data.key_lines["duration"], f"'duration' phải từ 1 đến {MAX_DURATION} phút (một tiết học)")
    simulation = front.get(data, "simulation", "str?", required=True)
    if simulation is not None and simulation not in SIMULATIONS:
        front.problem(data.key_lines["simulation"], f"'simulation' phải là null, {' hoặc '.join(SIMULATIONS)}")
    if entry and entry.simulation_required and not simulation:
        check.problem(None, f"course.yaml (dòng {entry.line}) bắt buộc mô phỏng nhưng bài không có mô phỏng")
    illustration = front.get(data, "illustration", "str", max_length=100)
    if illustration and ("/" in illustration or not (image_dir / illustration).is_file()):
        front.problem(data.key_lines["illustration"], f"không tìm thấy hình minh họa '{illustration}' trong {image_dir.name}/")
    illustration_alt = front.get(data, "illustration_alt", "str", max_length=600)
    teacher_guide = front.get(data, "teacher_guide", "str", required=False, default="")
    if not body.strip():
        check.problem(None, "nội dung bài học (sau phần đầu YAML) đang trống")
    return LessonSpec(
        key=key or "",
        order=order or 0,
        title=front.get(data, "title", "str", max_length=200) or "",
        summary=front.get(data, "summary", "str", max_length=300) or "",
        required=bool(required),
        simulation_required=bool(entry and entry.simulation_required),
        mastery=mastery or 80,
        duration=duration or MAX_DURATION,
        simulation=simulation or "",
        illustration=illustration or "",
        illustration_alt=illustration_alt or "",
        objectives=front.get(data, "objectives", "strlist", default=[]),
        takeaways=front.get(data, "takeaways", "strlist", default=[]),
        body_html=markdown_to_html(body),
        teacher_guide_html=markdown_to_html(teacher_guide) if teacher_guide else "",
        source_file=label,
        changes=front.get(data, "changes", "str", required=False, default="", max_length=1000),
    )


QUESTION_FIELDS = {"id", "kind", "text", "choices", "items", "pairs", "explanation", "source", "check"}
CHECK_FORMS = ("A", "B")
PARTS_BY_KIND = {
    grading.SINGLE: "choices", grading.MULTIPLE: "choices", grading.TRUEFALSE: "choices",
    grading.ORDERING: "items", grading.MATCHING: "pairs",
}
PART_FIELDS = {"choices": {"id", "text", "correct"}, "items": {"id", "text"}, "pairs": {"id", "left", "right"}}


def _read_choices(check: _File, question: _Map, kind: str) -> list[ChoiceSpec]:
    part = PARTS_BY_KIND[kind]
    for other in set(PART_FIELDS) - {part}:
        if other in question:
            check.problem(question.key_lines[other], f"câu hỏi loại '{kind}' không dùng '{other}'")
    raw = question.get(part)
    if not isinstance(raw, list) or not raw:
        check.problem(question.key_lines.get(part, question.line), f"câu hỏi loại '{kind}' cần danh sách '{part}'")
        return []
    choices = []
    seen: set[str] = set()
    for position, item in enumerate(raw):
        entry = check.mapping(item, question.key_lines[part], f"mỗi mục của '{part}'")
        if entry is None:
            continue
        check.only(entry, PART_FIELDS[part], f"mục của '{part}'")
        choice_id = entry.get("id")
        if not isinstance(choice_id, str) or not CHOICE_ID_PATTERN.match(choice_id):
            check.problem(entry.line, f"mã lựa chọn '{choice_id}' chỉ gồm chữ thường và số")
            continue
        if choice_id in seen:
            check.problem(entry.line, f"mã lựa chọn '{choice_id}' bị lặp lại")
            continue
        seen.add(choice_id)
        if part == "pairs":
            choices.append(ChoiceSpec(
                choice_id, check.get(entry, "left", "str", default="", max_length=500), position=position,
                match_text=check.get(entry, "right", "str", default="", max_length=500),
            ))
        else:
            choices.append(ChoiceSpec(
                choice_id, check.get(entry, "text", "str", default="", max_length=500),
                is_correct=check.get(entry, "correct", "bool", required=False, default=False), position=position,
            ))
    return choices


def _check_source(check: _File, question: _Map, source: str, sources: _Sources) -> None:
    line = question.key_lines["source"]
    tokens = [token.strip() for token in TOKEN_SPLIT.split(source) if token.strip()]
    if not tokens:
        check.problem(line, "'source' phải trích ít nhất một nguồn")
    for token in tokens:
        if token in sources.unverified:
            check.problem(line, f"câu hỏi trích dữ kiện chưa được kiểm chứng '{token}'")
        elif token not in sources.known:
            check.problem(line, f"mã nguồn lạ '{token}' (không có trong sources.yaml)")


def _read_questions(
    path: Path, root: Path, lesson_keys: set[str], sources: _Sources, seen_ids: set[str], problems: list[Problem]
) -> tuple[str | None, list[QuestionSpec]]:
    check = _File(str(path.relative_to(root)), problems)
    data = check.mapping(check.parse_yaml(_read(path, check)), 1, "tệp câu hỏi")
    if data is None:
        return None, []
    check.only(data, {"lesson", "questions"}, "tệp câu hỏi")
    lesson_key = check.get(data, "lesson", "str")
    if lesson_key and lesson_key not in lesson_keys:
        check.problem(data.key_lines["lesson"], f"bài '{lesson_key}' không có trong course.yaml")
    raw = data.get("questions")
    if not isinstance(raw, list) or not raw:
        check.problem(data.key_lines.get("questions", data.line), "'questions' phải là danh sách câu hỏi không rỗng")
        return lesson_key, []
    specs = []
    for order, item in enumerate(raw, start=1):
        question = check.mapping(item, data.key_lines["questions"], "mỗi câu hỏi")
        if question is None:
            continue
        check.only(question, QUESTION_FIELDS, "câu hỏi")
        key = check.get(question, "id", "str")
        if key and not ID_PATTERN.match(key):
            check.problem(question.key_lines["id"], f"mã câu hỏi '{key}' chỉ gồm chữ thường, số và dấu gạch ngang")
            key = None
        elif key in seen_ids:
            check.problem(question.key_lines["id"], f"mã câu hỏi '{key}' bị trùng")
            key = None
        elif key:
            seen_ids.add(key)
        kind = check.get(question, "kind", "str")
        if kind and kind not in grading.KINDS:
            check.problem(question.key_lines["kind"], f"loại câu hỏi '{kind}' không hợp lệ ({', '.join(grading.KINDS)})")
            kind = None
        text = check.get(question, "text", "str")
        explanation = check.get(question, "explanation", "str")
        source = check.get(question, "source", "str", max_length=100)
        if source:
            _check_source(check, question, source, sources)
        check_form = check.get(question, "check", "str", required=False, default="")
        if check_form and check_form not in CHECK_FORMS:
            check.problem(question.key_lines["check"], f"'check' chỉ nhận {' hoặc '.join(CHECK_FORMS)} (đề kiểm tra đầu vào/đầu ra)")
            check_form = ""
        choices = _read_choices(check, question, kind) if kind else []
        if kind and choices:
            try:
                answer_key(kind, choices)
            except ValueError as error:
                check.problem(question.line, f"đáp án không hợp lệ: {error}")
        if key and kind and text and explanation and source:
            specs.append(QuestionSpec(
                key, lesson_key or "", kind, text, explanation, source, order, choices, check_form,
                file=check.label, line=question.line,
            ))
    return lesson_key, specs


def read_curriculum(root: Path, *, image_dir: Path) -> CourseSpec:
    """Read every curriculum file under ``root``; raise ``CurriculumError`` on any problem."""
    problems: list[Problem] = []
    sources = _read_sources(root, problems)
    course, entries = _read_course(root, problems)
    by_key = {entry.key: entry for entry in entries}
    lesson_files = sorted((root / "lessons").glob("*.md"))
    lessons = [
        lesson for path in lesson_files if (lesson := _read_lesson(path, root, by_key, image_dir, problems))
    ]
    course_check = _File("course.yaml", problems)
    found = {lesson.key for lesson in lessons}
    for entry in entries:
        if entry.key not in found:
            course_check.problem(entry.line, f"không có tệp bài học cho '{entry.key}' trong lessons/")
    orders: dict[int, str] = {}
    position = {entry.key: index for index, entry in enumerate(entries, start=1)}
    for lesson in lessons:
        if lesson.order in orders:
            _File(lesson.source_file, problems).problem(
                None, f"'order' {lesson.order} trùng với {orders[lesson.order]}"
            )
        elif lesson.key in position and lesson.order != position[lesson.key]:
            _File(lesson.source_file, problems).problem(
                None, f"'order' {lesson.order} khác vị trí {position[lesson.key]} của bài trong course.yaml"
            )
        orders[lesson.order] = lesson.source_file
    questions: list[QuestionSpec] = []
    counts: dict[str, int] = {}
    seen_ids: set[str] = set()
    for path in sorted((root / "questions").glob("*.yaml")):
        lesson_key, specs = _read_questions(path, root, set(by_key), sources, seen_ids, problems)
        questions.extend(specs)
        if lesson_key:
            practice = sum(1 for spec in specs if not spec.check_form)
            counts[lesson_key] = counts.get(lesson_key, 0) + practice
    if course is not None:
        for entry in entries:
            if counts.get(entry.key, 0) < course.draw_count:
                course_check.problem(
                    entry.line,
                    f"bài '{entry.key}' cần ít nhất {course.draw_count} câu hỏi luyện tập hợp lệ (đang có {counts.get(entry.key, 0)})",
                )
    if problems or course is None:
        raise CurriculumError(problems)
    order_in_course = {entry.key: index for index, entry in enumerate(entries)}
    course.lessons = sorted(lessons, key=lambda lesson: order_in_course[lesson.key])
    course.questions = questions
    course.content_date = sources.latest_check
    return course
