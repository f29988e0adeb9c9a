"""Every write of the lessons app: curriculum loading, practice, completion, ratings,
simulations, assignments and teachers' own quizzes. Each runs in one transaction
and raises ``ValidationError`` with a Vietnamese message on bad input, changing nothing.
"""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coverage import summaries
from lessons import grading, sim_base, sim_procedure, sim_tracking, simulations, training
from lessons.content import CourseSpec, CurriculumError, Problem, read_curriculum
from lessons.keys import answer_key, question_answer_key
from lessons.models import (
    Choice,
    Course,
    CourseCompletion,
    Lesson,
    LessonAssignment,
    LessonCompletion,
    LessonRating,
    PracticeAnswer,
    PracticeAttempt,
    Question,
    QuestionReport,
    Quiz,
    SimulationProgress,
)
from quizsite import ratelimit
from schools.models import Classroom, School, User

CURRICULUM_ROOT = Path(__file__).resolve().parent / "curriculum"


def default_image_dir() -> Path:
    return Path(settings.BASE_DIR) / "static" / "lessons" / "img"


# Curriculum ------------------------------------------------------------------


@dataclass(frozen=True)
class LoadReport:
    course: Course
    created: int
    updated: int
    unchanged: int
    questions_retired: int
    lessons_retired: int
    questions_added: int = 0
    questions_changed: int = 0


def _sync(instance, values: dict) -> str:
    """Set ``values`` on a row and save it only when something changed."""
    if instance.pk is None:
        for name, value in values.items():
            setattr(instance, name, value)
        instance.save()
        return "created"
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    if changed:
        instance.save(update_fields=changed)
        return "updated"
    return "unchanged"


def curriculum_load(*, root: Path = CURRICULUM_ROOT, image_dir: Path | None = None) -> LoadReport:
    """Validate every curriculum file, then write them in one transaction (idempotent, stable ids).

    Questions missing from the files are retired, lessons missing from the course
    deactivated; attempts, answers and completions are never touched.
    """
    spec = read_curriculum(root, image_dir=image_dir or default_image_dir())
    return _curriculum_write(spec)


def _meaning(key: grading.AnswerKey) -> tuple:
    """What must not change under a question id: its kind and what is right (options may be reordered)."""
    return (key.kind, key.correct, key.order, tuple(sorted(key.pairs.items())))


def _answer_key_changes(spec: CourseSpec, existing: dict[str, Question]) -> list[Problem]:
    """Questions whose id is already stored (in use or retired) with another kind or answer key.

    Attempts, reports and contest results refer to a question by its id: an id keeps one meaning.
    """
    problems = []
    for qs in spec.questions:
        stored = existing.get(qs.key)
        if stored is not None and _meaning(question_answer_key(stored)) != _meaning(answer_key(qs.kind, qs.choices)):
            problems.append(Problem(qs.file, qs.line, (
                f"câu hỏi '{qs.key}' đã có với đáp án khác; đổi đáp án thì xóa câu cũ (câu cũ sẽ ngừng dùng, "
                "lịch sử được giữ) và thêm câu mới với mã mới"
            )))
    return problems


@transaction.atomic
def _curriculum_write(spec: CourseSpec) -> LoadReport:
    existing = {
        q.key: q for q in Question.objects.filter(key__in=[qs.key for qs in spec.questions]).prefetch_related("choices")
    }
    if problems := _answer_key_changes(spec, existing):
        raise CurriculumError(problems)
    tally = {"created": 0, "updated": 0, "unchanged": 0}
    question_tally = {"created": 0, "updated": 0, "unchanged": 0}
    course = Course.objects.filter(key=spec.key).first() or Course(key=spec.key)
    tally[_sync(course, {"title": spec.title, "version": spec.version, "content_date": spec.content_date})] += 1
    lessons = {lesson.key: lesson for lesson in Lesson.objects.filter(key__in=[ls.key for ls in spec.lessons])}
    for ls in spec.lessons:
        lesson = lessons.setdefault(ls.key, Lesson(key=ls.key))
        values = {
            name: getattr(ls, name)
            for name in (
                "order", "title", "summary", "required", "simulation_required", "mastery", "duration", "simulation",
                "illustration", "illustration_alt", "objectives", "takeaways", "body_html", "teacher_guide_html",
                "source_file", "changes",
            )
        }
        tally[_sync(lesson, {**values, "course": course, "is_active": True})] += 1
        quiz = Quiz.objects.filter(lesson=lesson).first() or Quiz(lesson=lesson)
        tally[_sync(quiz, {"title": ls.title, "draw_count": spec.draw_count})] += 1
    lessons_retired = course.lessons.exclude(key__in=lessons).filter(is_active=True).update(is_active=False)
    quizzes = {quiz.lesson.key: quiz for quiz in Quiz.objects.filter(lesson__course=course).select_related("lesson")}
    for qs in spec.questions:
        question = existing.get(qs.key) or Question(key=qs.key)
        values = {
            "quiz": quizzes[qs.lesson_key], "kind": qs.kind, "text": qs.text, "explanation": qs.explanation,
            "source": qs.source, "order": qs.order, "is_retired": False, "check_form": qs.check_form,
        }
        outcome = _sync(question, values)
        choices = {choice.key: choice for choice in question.choices.all()} if outcome != "created" else {}
        for cs in qs.choices:
            choice = choices.pop(cs.key, None) or Choice(question=question, key=cs.key)
            if _sync(choice, {"text": cs.text, "match_text": cs.match_text, "is_correct": cs.is_correct,
                              "position": cs.position}) != "unchanged" and outcome == "unchanged":
                outcome = "updated"
        if choices:
            Choice.objects.filter(pk__in=[choice.pk for choice in choices.values()]).delete()
            outcome = "updated" if outcome == "unchanged" else outcome
        tally[outcome] += 1
        question_tally[outcome] += 1
    questions_retired = (
        Question.objects.filter(quiz__lesson__course=course, key__isnull=False, is_retired=False)
        .exclude(key__in=[qs.key for qs in spec.questions])
        .update(is_retired=True)
    )
    return LoadReport(
        course, tally["created"], tally["updated"], tally["unchanged"], questions_retired, lessons_retired,
        questions_added=question_tally["created"], questions_changed=question_tally["updated"],
    )


# Completion -------------------------------------------------------------------


@dataclass(frozen=True)
class LessonCompletionResult:
    """What ``lesson_complete`` did: ``just_trained`` is true only on the call that made the student trained."""

    completion: LessonCompletion
    created: bool
    just_trained: bool
    course_completion: CourseCompletion | None


@transaction.atomic
def lesson_complete(
    *,
    student: User,
    lesson: Lesson,
    method: str = LessonCompletion.Method.ONLINE,
    percent: int = 0,
    recorded_by: User | None = None,
    completed_at: datetime | None = None,
) -> LessonCompletionResult:
    """Record that ``student`` completed ``lesson`` (online or in person); keep the best percent.

    The completion holds the lesson's first done moment (``lessons.training``): a
    back-dated record earlier than the stored one moves it earlier, with its method
    and recorder; a later one only raises ``best_percent``. When every required,
    active lesson of the course is then complete, the student becomes trained (a
    ``CourseCompletion``, created once, at the latest first done moment).
    """
    if method not in LessonCompletion.Method.values:
        raise ValidationError(_("Cách hoàn thành bài học không hợp lệ."))
    if not 0 <= percent <= 100:
        raise ValidationError(_("Điểm phải từ 0 đến 100%."))
    at = completed_at or timezone.now()
    completion = LessonCompletion.objects.select_for_update().filter(student=student, lesson=lesson).first()
    created = completion is None
    if created:
        try:
            with transaction.atomic():
                completion = LessonCompletion.objects.create(
                    student=student, lesson=lesson, method=method, completed_at=at, best_percent=percent,
                    recorded_by=recorded_by,
                )
        except IntegrityError:  # a concurrent completion won the race
            completion = LessonCompletion.objects.select_for_update().get(student=student, lesson=lesson)
            created = False
    if created:
        summaries.summary_lesson_completed(student=student, at=at)
    else:
        changed = []
        if percent > completion.best_percent:
            completion.best_percent = percent
            changed.append("best_percent")
        if at < completion.completed_at:
            completion.completed_at, completion.method, completion.recorded_by = at, method, recorded_by
            changed += ["completed_at", "method", "recorded_by"]
        if changed:
            completion.save(update_fields=changed)
        if "completed_at" in changed:
            summaries.summary_lesson_moved_earlier(student=student, at=at)
    course_completion, just_trained = _course_complete_if_trained(student=student, course=lesson.course)
    return LessonCompletionResult(completion, created, just_trained, course_completion)


def _course_complete_if_trained(*, student: User, course: Course) -> tuple[CourseCompletion | None, bool]:
    """Create, or move earlier, the student's course completion by ``lessons.training``'s rule."""
    required = list(course.lessons.filter(required=True, is_active=True).values_list("pk", flat=True))
    first_done_at = dict(
        LessonCompletion.objects.filter(student=student, lesson_id__in=required).values_list("lesson_id", "completed_at")
    )
    existing = CourseCompletion.objects.select_for_update().filter(student=student, course=course).first()
    if existing:
        kept = training.trained_moment_kept(stored=existing.trained_at, first_done_at=first_done_at, required=required)
        if kept < existing.trained_at:
            existing.trained_at = kept
            existing.save(update_fields=["trained_at"])
            summaries.summary_trained(student=student, at=kept)
        return existing, False
    moment = training.trained_moment(first_done_at, required)
    if moment is None:
        return None, False
    try:
        with transaction.atomic():
            course_completion = CourseCompletion.objects.create(student=student, course=course, trained_at=moment)
    except IntegrityError:
        return CourseCompletion.objects.get(student=student, course=course), False
    summaries.summary_trained(student=student, at=moment)
    return course_completion, True


# Practice ---------------------------------------------------------------------


def _simulation_done(student: User, simulation: str) -> bool:
    return SimulationProgress.objects.filter(
        student=student, simulation=simulation, completed_at__isnull=False
    ).exists()


@transaction.atomic
def attempt_start(*, student: User, lesson: Lesson, seed: str | None = None) -> PracticeAttempt:
    """Resume the student's open attempt on ``lesson`` or draw a new one from a fresh seed."""
    if not lesson.is_active:
        raise ValidationError(_("Bài học này không còn được sử dụng."))
    if lesson.simulation_required and not _simulation_done(student, lesson.simulation):
        raise ValidationError(
            _("Em cần hoàn thành phần mô phỏng của bài này trước khi làm bài luyện tập."), code="simulation"
        )
    open_attempt = PracticeAttempt.objects.filter(student=student, lesson=lesson, submitted_at__isnull=True).first()
    if open_attempt:
        return open_attempt
    quiz = lesson.practice_quiz
    pool = [str(pk) for pk in quiz.questions.filter(is_retired=False, check_form="").values_list("pk", flat=True)]
    if not pool:
        raise ValidationError(_("Bài học này chưa có câu hỏi luyện tập."))
    seed = seed or secrets.token_hex(8)
    drawn = [int(pk) for pk in grading.draw_questions(pool, quiz.draw_count, seed)]
    try:
        with transaction.atomic():
            attempt = PracticeAttempt.objects.create(
                student=student, lesson=lesson, question_ids=drawn, seed=seed, total=len(drawn)
            )
    except IntegrityError:  # a double click started one already
        return PracticeAttempt.objects.get(student=student, lesson=lesson, submitted_at__isnull=True)
    summaries.summary_attempt_started(student=student, at=attempt.started_at)
    return attempt


def _lock_open_attempt(attempt: PracticeAttempt) -> None:
    """Lock the attempt's row, so its answers and its submission queue behind each other; refuse a submitted one.

    Only that row: a FOR UPDATE over a join with the lesson would lock the lesson's
    row too and make every student of the lesson wait for each other's answers.
    """
    locked = PracticeAttempt.objects.select_for_update().filter(pk=attempt.pk)
    if locked.values_list("submitted_at", flat=True).get() is not None:
        raise ValidationError(_("Bài luyện tập này đã nộp; không thể thay đổi câu trả lời."), code="submitted")


@dataclass(frozen=True)
class RecordedAnswer:
    answer: PracticeAnswer
    answered_ids: frozenset[int]  # every question of the attempt answered so far, this one included


@transaction.atomic
def answer_record(*, attempt: PracticeAttempt, question: Question, raw: Sequence[str]) -> RecordedAnswer:
    """Grade and store one answer; it is locked at once (no second answer to the same question).

    ``question`` comes with its choices prefetched: the caller has loaded it anyway
    (the practice form is decoded against it), so it is not fetched twice.
    """
    _lock_open_attempt(attempt)  # its question ids and seed never change: the caller's copy serves
    if question.pk not in attempt.question_ids:
        raise ValidationError(_("Câu hỏi này không thuộc bài luyện tập của em."), code="not_in_attempt")
    answered_ids = set(attempt.answers.values_list("question_id", flat=True))
    if question.pk in answered_ids:
        raise ValidationError(_("Em đã trả lời câu này rồi; câu trả lời đã được khóa."), code="answered")
    key = question_answer_key(question)
    try:
        response = grading.parse_response(key, list(raw))
    except grading.InvalidResponse as error:
        raise ValidationError(error.message, code=str(error.code)) from error
    # No savepoint: the attempt's row lock already serialises answers, and a
    # duplicate that still got through leaves this transaction by the error below.
    try:
        answer = PracticeAnswer.objects.create(
            attempt=attempt, question=question, response=grading.response_to_raw(response),
            is_correct=grading.grade(key, response),
        )
    except IntegrityError as error:
        raise ValidationError(_("Em đã trả lời câu này rồi; câu trả lời đã được khóa."), code="answered") from error
    return RecordedAnswer(answer, frozenset(answered_ids | {question.pk}))


@dataclass(frozen=True)
class AttemptResult:
    attempt: PracticeAttempt
    completion: LessonCompletionResult | None


@transaction.atomic
def attempt_submit(*, attempt: PracticeAttempt) -> AttemptResult:
    """Score a fully answered attempt; a pass at the lesson's mastery completes the lesson."""
    _lock_open_attempt(attempt)
    attempt = PracticeAttempt.objects.select_related("lesson__course").get(pk=attempt.pk)
    answers = list(attempt.answers.values_list("is_correct", flat=True))
    missing = attempt.total - len(answers)
    if missing > 0:
        raise ValidationError(
            _("Em còn %(n)s câu chưa trả lời. Hãy trả lời hết rồi nộp bài.") % {"n": missing}, code="unanswered"
        )
    attempt.correct_count = sum(answers)
    attempt.percent = grading.attempt_percent(attempt.correct_count, attempt.total)
    attempt.passed = grading.passed(attempt.percent, attempt.lesson.mastery)
    attempt.submitted_at = timezone.now()
    attempt.save(update_fields=["correct_count", "percent", "passed", "submitted_at"])
    summaries.summary_attempt_submitted(student=attempt.student, percent=attempt.percent, at=attempt.submitted_at)
    completion = None
    if attempt.passed:
        completion = lesson_complete(
            student=attempt.student, lesson=attempt.lesson, percent=attempt.percent, completed_at=attempt.submitted_at
        )
    return AttemptResult(attempt, completion)


# Ratings ----------------------------------------------------------------------


@transaction.atomic
def lesson_rate(*, student: User, lesson: Lesson, stars: int, comment: str = "") -> LessonRating:
    """One rating per student and lesson (a new one replaces the old), only after completing it."""
    if not LessonCompletion.objects.filter(student=student, lesson=lesson).exists():
        raise ValidationError(_("Em hãy hoàn thành bài học trước khi đánh giá."))
    if not 1 <= stars <= 5:
        raise ValidationError(_("Số sao phải từ 1 đến 5."))
    summaries.summary_lock(student=student)  # one rating change per student at a time: the old stars stay true
    old_stars = LessonRating.objects.filter(student=student, lesson=lesson).values_list("stars", flat=True).first()
    rating, _created = LessonRating.objects.update_or_create(
        student=student, lesson=lesson, defaults={"stars": stars, "comment": comment.strip()[:500]}
    )
    summaries.summary_rating_changed(student=student, old_stars=old_stars, new_stars=stars)
    return rating


# Simulations ------------------------------------------------------------------


def _progress_locked(student: User, simulation: str) -> SimulationProgress:
    progress, _created = SimulationProgress.objects.select_for_update().get_or_create(
        student=student, simulation=simulation
    )
    return progress


def _save_progress(progress: SimulationProgress, *, step: int, state: dict, done: bool) -> None:
    progress.step, progress.state = step, state
    if done and progress.completed_at is None:
        progress.completed_at = timezone.now()
    progress.save()


@transaction.atomic
def simulation_portal_submit(*, student: User, data: dict[str, str]) -> simulations.Outcome:
    """Apply one step of the mock portal; only the step reached and what the mock generated are stored.

    The OTP of the mock bank is generated when the student reaches the bank step;
    nothing the student typed is kept.
    """
    progress = _progress_locked(student, simulations.PORTAL)
    outcome = simulations.portal_submit(progress.step, progress.state, data)
    if outcome.advanced:
        step = progress.step + 1
        if simulations.portal_step_name(step) == "bank":
            outcome.state["otp"] = f"{secrets.randbelow(10**6):06d}"
        done = step >= len(simulations.PORTAL_STEPS)
        _save_progress(progress, step=step, state=outcome.state, done=done)
    elif not outcome.errors and outcome.state != progress.state:
        _save_progress(progress, step=progress.step, state=outcome.state, done=False)
    return outcome


@transaction.atomic
def simulation_portal_restart(*, student: User) -> SimulationProgress:
    """Start the mock portal again; a completed simulation stays completed."""
    progress = _progress_locked(student, simulations.PORTAL)
    _save_progress(progress, step=0, state={}, done=False)
    return progress


@transaction.atomic
def simulation_site_classify(*, student: User, site_id: str, verdict: str) -> simulations.Outcome:
    """Record the student's verdict on one address of "Trang nào là thật?"."""
    progress = _progress_locked(student, simulations.REAL_SITE)
    outcome = simulations.site_classify(progress.state, site_id, verdict)
    if outcome.errors:
        raise ValidationError(outcome.errors["site"])
    done = simulations.sites_done(outcome.state)
    _save_progress(progress, step=simulations.sites_correct(outcome.state), state=outcome.state, done=done)
    return outcome


def _steps_submit(progress: SimulationProgress, outcome: sim_base.Outcome, steps: tuple[str, ...]) -> sim_base.Outcome:
    """Save what a step-by-step simulation's rules changed; refused, wrong or stale posts change nothing."""
    if outcome.changed and not outcome.errors:
        step = progress.step + (1 if outcome.advanced else 0)
        _save_progress(progress, step=step, state=outcome.state, done=step >= len(steps))
    return outcome


@transaction.atomic
def simulation_procedure_submit(*, student: User, data: sim_base.Data) -> sim_base.Outcome:
    """Apply one post to "Đăng nhập và đọc thông tin thủ tục"; the passcode and answers typed are not stored."""
    progress = _progress_locked(student, sim_procedure.PROCEDURE)
    outcome = sim_procedure.submit(progress.step, progress.state, data)
    return _steps_submit(progress, outcome, sim_procedure.STEPS)


@transaction.atomic
def simulation_procedure_restart(*, student: User) -> SimulationProgress:
    """Start the procedure-sheet simulation again; a completed simulation stays completed."""
    progress = _progress_locked(student, sim_procedure.PROCEDURE)
    _save_progress(progress, step=0, state={}, done=False)
    return progress


def _tracking_code(today: date) -> str:
    return sim_tracking.dossier_code(today, secrets.randbelow(100), secrets.randbelow(100), 1 + secrets.randbelow(9999))


@transaction.atomic
def simulation_tracking_open(*, student: User, today: date) -> SimulationProgress:
    """The student's tracking simulation, with a mock dossier code made once (received ``today``)."""
    progress = _progress_locked(student, sim_tracking.TRACKING)
    if sim_tracking.received_on(progress.state.get("code", "")) is None:
        progress.state = {**progress.state, "code": _tracking_code(today)}
        progress.save(update_fields=["state"])
    return progress


@transaction.atomic
def simulation_tracking_submit(*, student: User, data: sim_base.Data, today: date) -> sim_base.Outcome:
    """Apply one post to "Theo dõi hồ sơ và bổ sung giấy tờ"; only the step and the mock code are stored."""
    progress = simulation_tracking_open(student=student, today=today)
    outcome = sim_tracking.submit(progress.step, progress.state, data)
    return _steps_submit(progress, outcome, sim_tracking.STEPS)


@transaction.atomic
def simulation_tracking_restart(*, student: User, today: date) -> SimulationProgress:
    """Start the tracking simulation again with a new mock dossier; a completed simulation stays completed."""
    progress = _progress_locked(student, sim_tracking.TRACKING)
    _save_progress(progress, step=0, state={"code": _tracking_code(today)}, done=False)
    return progress


# Assignments ------------------------------------------------------------------


@transaction.atomic
def assignment_save(
    *, classroom: Classroom, lesson: Lesson, due_on: date | None, assigned_by: User
) -> LessonAssignment:
    """Assign ``lesson`` to ``classroom`` (again: only the due date changes)."""
    if not lesson.is_active:
        raise ValidationError(_("Bài học này không còn được sử dụng."))
    if due_on and due_on < classroom.school_year.starts_on:
        raise ValidationError(_("Hạn hoàn thành phải nằm trong năm học của lớp."))
    assignment, _created = LessonAssignment.objects.update_or_create(
        classroom=classroom, lesson=lesson, defaults={"due_on": due_on, "assigned_by": assigned_by}
    )
    return assignment


@transaction.atomic
def assignment_delete(*, assignment: LessonAssignment) -> None:
    assignment.delete()


# Teachers' quizzes ------------------------------------------------------------

QUIZ_KINDS = (Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.TRUEFALSE, Question.Kind.ORDERING)
CHOICE_KEYS = "abcdef"


@dataclass(frozen=True)
class QuestionData:
    """A teacher's question as (text, is_correct) choices.

    For ordering the choices are in the correct order and flags are ignored; for
    true/false they are exactly ``[("Đúng", is_true), ("Sai", not is_true)]``.
    """

    kind: str
    text: str
    explanation: str
    choices: list[tuple[str, bool]]


@dataclass(frozen=True)
class _ChoiceRow:
    key: str
    is_correct: bool
    position: int


def question_data_errors(data: QuestionData) -> list[str]:
    """Why a teacher's question cannot be saved (empty when it can)."""
    errors = []
    if data.kind not in QUIZ_KINDS:
        return [_("Loại câu hỏi không hợp lệ.")]
    if not data.text.strip():
        errors.append(_("Câu hỏi chưa có nội dung."))
    if not data.explanation.strip():
        errors.append(_("Hãy viết lời giải thích; học sinh xem sau khi trả lời."))
    if data.kind == Question.Kind.TRUEFALSE:
        if len(data.choices) != 2 or sum(flag for _text, flag in data.choices) != 1:
            errors.append(_("Câu Đúng/Sai cần chọn đúng một đáp án: Đúng hoặc Sai."))
        return errors
    if len(data.choices) > len(CHOICE_KEYS):
        errors.append(_("Tối đa %(n)s lựa chọn.") % {"n": len(CHOICE_KEYS)})
        return errors
    if any(not text.strip() or len(text) > 500 for text, _flag in data.choices):
        errors.append(_("Mỗi lựa chọn cần có nội dung, tối đa 500 ký tự."))
    rows = [_ChoiceRow(key, flag, i) for i, (key, (_text, flag)) in enumerate(zip(CHOICE_KEYS[: len(data.choices)], data.choices, strict=True))]
    try:
        answer_key(data.kind, rows)
    except ValueError:
        errors.append(
            {
                Question.Kind.SINGLE: _("Câu một lựa chọn cần ít nhất 2 lựa chọn và đúng 1 đáp án đúng."),
                Question.Kind.MULTIPLE: _("Câu nhiều lựa chọn cần ít nhất 2 đáp án đúng và ít nhất 1 đáp án sai."),
                Question.Kind.ORDERING: _("Câu sắp xếp cần ít nhất 2 mục, không trùng nhau."),
            }[data.kind]
        )
    if data.kind == Question.Kind.ORDERING and len({text.strip() for text, _f in data.choices}) != len(data.choices):
        errors.append(_("Các mục cần sắp xếp không được trùng nhau."))
    return errors


@transaction.atomic
def quiz_create(*, owner: User, school: School | None, title: str) -> Quiz:
    title = title.strip()
    if not title:
        raise ValidationError(_("Bộ câu hỏi cần có tên."))
    return Quiz.objects.create(owner=owner, school=school, title=title[:200])


def _question_create(quiz: Quiz, data: QuestionData, order: int) -> Question:
    question = Question.objects.create(
        quiz=quiz, kind=data.kind, text=data.text.strip(), explanation=data.explanation.strip(), order=order
    )
    if data.kind == Question.Kind.TRUEFALSE:
        is_true = data.choices[0][1]
        Choice.objects.bulk_create([
            Choice(question=question, key=grading.TRUE_ID, text=_("Đúng"), is_correct=is_true, position=0),
            Choice(question=question, key=grading.FALSE_ID, text=_("Sai"), is_correct=not is_true, position=1),
        ])
    else:
        Choice.objects.bulk_create([
            Choice(question=question, key=key, text=text.strip(), is_correct=flag and data.kind != Question.Kind.ORDERING,
                   position=position)
            for position, (key, (text, flag)) in enumerate(zip(CHOICE_KEYS[: len(data.choices)], data.choices, strict=True))
        ])
    return question


def _next_order(quiz: Quiz) -> int:
    last = quiz.questions.order_by("-order").values_list("order", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def question_create(*, quiz: Quiz, data: QuestionData) -> Question:
    """Add one question to a teacher's quiz."""
    if quiz.lesson_id:
        raise ValidationError(_("Câu hỏi của bài học được quản lý trong tệp nội dung, không sửa tại đây."))
    errors = question_data_errors(data)
    if errors:
        raise ValidationError(errors)
    return _question_create(quiz, data, _next_order(quiz))


@transaction.atomic
def question_retire(*, question: Question) -> Question:
    """Hide a question from future use; past answers keep pointing at it."""
    question.is_retired = True
    question.save(update_fields=["is_retired"])
    return question


@transaction.atomic
def quiz_import(*, quiz: Quiz, rows: Sequence[QuestionData]) -> list[Question]:
    """Add all rows or none: the caller has already reported per-row errors."""
    if quiz.lesson_id:
        raise ValidationError(_("Không thể nhập vào bộ câu hỏi của bài học."))
    problems = [
        _("Dòng %(row)s: %(error)s") % {"row": index, "error": " ".join(errors)}
        for index, row in enumerate(rows, start=2)
        if (errors := question_data_errors(row))
    ]
    if problems:
        raise ValidationError(problems)
    start = _next_order(quiz)
    return [_question_create(quiz, row, start + offset) for offset, row in enumerate(rows)]


# Question reports ("Báo lỗi câu hỏi") ---------------------------------------------

REPORT_WINDOW_SECONDS = 3600


def _report_throttle_key(user: User) -> str:
    return f"question-report:u:{user.pk}"


def question_report_create(
    *, user: User, question: Question, reason: str, text: str, now: datetime | None = None
) -> QuestionReport:
    """Record one report of ``question`` by ``user``; answers and scores are never touched.

    Refused (nothing stored) when the reason is unknown, the text empty or too
    long, the user already reported this question, or sent too many reports
    within the hour.
    """
    text = (text or "").strip()
    if reason not in QuestionReport.Reason.values:
        raise ValidationError(_("Hãy chọn loại lỗi: sai, lỗi thời hoặc khó hiểu."), code="reason")
    if not text:
        raise ValidationError(_("Hãy viết ngắn gọn lỗi em thấy ở câu hỏi."), code="text_empty")
    if len(text) > QuestionReport.TEXT_MAX:
        raise ValidationError(
            _("Mô tả lỗi dài quá: tối đa %(n)s ký tự.") % {"n": QuestionReport.TEXT_MAX}, code="text_long"
        )
    if QuestionReport.objects.filter(user=user, question=question).exists():
        raise ValidationError(_("Bạn đã báo lỗi câu hỏi này rồi. Cảm ơn bạn!"), code="duplicate")
    if ratelimit.count(_report_throttle_key(user)) >= int(getattr(settings, "QUESTION_REPORTS_PER_HOUR", 10)):
        raise ValidationError(_("Bạn đã gửi nhiều báo lỗi trong một giờ qua. Hãy thử lại sau."), code="throttled")
    report = QuestionReport(user=user, question=question, reason=reason, text=text, created_at=now or timezone.now())
    report.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as error:  # the same report sent twice at the same moment
        raise ValidationError(_("Bạn đã báo lỗi câu hỏi này rồi. Cảm ơn bạn!"), code="duplicate") from error
    ratelimit.hit(_report_throttle_key(user), REPORT_WINDOW_SECONDS)
    return report


@transaction.atomic
def question_reports_handle(*, question: Question, by: User, now: datetime | None = None) -> int:
    """Mark every open report of ``question`` handled; returns how many were open."""
    return QuestionReport.objects.filter(question=question, handled_at__isnull=True).update(
        handled_at=now or timezone.now(), handled_by=by
    )
