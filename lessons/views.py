from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from certificates.services import certificate_issue_on_training
from lessons import grading, practice, question_io, selectors, services, simulations
from lessons.forms import AssignmentForm, ImportForm, QuestionForm, QuizForm, RatingForm
from lessons.keys import question_answer_key
from lessons.models import Lesson, PracticeAttempt, Question, Quiz
from schools.access import provinces_administered, students_managed
from schools.decorators import role_required
from schools.models import RoleAssignment, User
from schools.roles import active_role
from schools.views import classroom_for_user_or_404

Role = RoleAssignment.Role
STAFF = (Role.TEACHER, Role.SCHOOL_ADMIN)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _is_student(request) -> bool:
    role = active_role(request)
    return role is not None and role.role == Role.STUDENT


def _errors(error: ValidationError) -> list[str]:
    return list(error.messages)


# Student pages --------------------------------------------------------------------


@login_required
def course_overview(request):
    course, lessons = selectors.course_default_lessons()
    progress = selectors.course_progress(student=request.user) if _is_student(request) else None
    return render(
        request, "lessons/course.html",
        {"course": course, "progress": progress, "lessons": lessons, "is_student": progress is not None},
    )


def _lesson_page(request, lesson: Lesson, *, status=200, rating_form=None, errors=()):
    is_student = _is_student(request)
    context = {
        "lesson": lesson,
        "is_student": is_student,
        "errors": errors,
        "show_guide": not is_student,
        **(selectors.lesson_for_student(student=request.user, lesson=lesson) if is_student else {}),
    }
    if is_student and context["completion"]:
        rating = context["rating"]
        context["rating_form"] = rating_form or RatingForm(
            initial={"stars": rating.stars, "comment": rating.comment} if rating else None
        )
    return render(request, "lessons/lesson.html", context, status=status)


def _active_lesson_or_404(key) -> Lesson:
    """The active lesson with its practice quiz (the page shows the quiz's draw count): 1 query."""
    return get_object_or_404(Lesson.objects.select_related("practice_quiz"), key=key, is_active=True)


@login_required
def lesson_detail(request, key):
    return _lesson_page(request, _active_lesson_or_404(key))


@role_required(Role.STUDENT)
@require_POST
def practice_start(request, key):
    lesson = _active_lesson_or_404(key)
    try:
        attempt = services.attempt_start(student=request.user, lesson=lesson)
    except ValidationError as error:
        return _lesson_page(request, lesson, status=400, errors=_errors(error))
    return redirect("attempt_detail", attempt.pk)


def _own_attempt(request, pk) -> PracticeAttempt:
    return get_object_or_404(PracticeAttempt.objects.select_related("lesson"), pk=pk, student=request.user)


def _is_fetch(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _question_response(request, attempt, nav, view, *, error="", status=200):
    """The practice page, or only its question part for the page's script."""
    context = {
        "attempt": attempt,
        "nav": nav,
        "total": len(nav),
        "view": view,
        "answered_count": sum(item.answered for item in nav),
        "error": error,
    }
    if not _is_fetch(request):
        return render(request, "lessons/practice.html", context, status=status)
    # The fragment has no site header, so the context processors (roles and
    # messages for the header) are skipped; its forms still need the CSRF token.
    context["csrf_token"] = get_token(request)
    return HttpResponse(render_to_string("lessons/_question.html", context), status=status)


def _attempt_page(request, attempt, *, current=None, error="", status=200):
    views = selectors.attempt_question_views(attempt)
    if attempt.submitted_at:
        return render(request, "lessons/result.html", {"attempt": attempt, "views": views}, status=status)
    if current is None:
        requested = request.GET.get("q", "")
        number = int(requested) if requested.isascii() and requested.isdigit() else 0
        current = number if 1 <= number <= len(views) else None
    if current is None:
        current = next((v.number for v in views if not v.answered), len(views))
    nav = [practice.NavItem(v.number, v.answered) for v in views]
    return _question_response(request, attempt, nav, views[current - 1], error=error, status=status)


@role_required(Role.STUDENT)
@require_GET
def attempt_detail(request, pk):
    return _attempt_page(request, _own_attempt(request, pk))


@role_required(Role.STUDENT)
@require_POST
def answer_submit(request, pk):
    attempt = _own_attempt(request, pk)
    raw_id = request.POST.get("question", "")
    question_id = int(raw_id) if raw_id.isascii() and raw_id.isdigit() else None
    if question_id not in attempt.question_ids:
        return _attempt_page(request, attempt, error=_("Câu hỏi này không thuộc bài luyện tập của em."), status=400)
    current = attempt.question_ids.index(question_id) + 1
    question = Question.objects.prefetch_related("choices").get(pk=question_id)
    seed = practice.question_seed(attempt.seed, question.pk)
    try:
        raw = practice.decode_post(question_answer_key(question), seed, dict(request.POST.lists()))
        recorded = services.answer_record(attempt=attempt, question=question, raw=raw)
    except grading.InvalidResponse as error:
        return _attempt_page(request, attempt, current=current, error=error.message, status=400)
    except ValidationError as error:
        return _attempt_page(request, attempt, current=current, error=" ".join(_errors(error)), status=400)
    if _is_fetch(request):  # only the answered question is rendered again; the others are not loaded
        nav = practice.nav_items(attempt.question_ids, recorded.answered_ids)
        view = practice.question_view(current, question, attempt.seed, recorded.answer)
        return _question_response(request, attempt, nav, view)
    return redirect(f"{reverse('attempt_detail', args=[attempt.pk])}?q={current}")


@role_required(Role.STUDENT)
@require_POST
def attempt_submit(request, pk):
    attempt = _own_attempt(request, pk)
    try:
        result = services.attempt_submit(attempt=attempt)
    except ValidationError as error:
        attempt.refresh_from_db()
        return _attempt_page(request, attempt, error=" ".join(_errors(error)), status=400)
    if result.completion and result.completion.just_trained:
        certificate_issue_on_training(completion=result.completion)
        messages.success(request, _("Chúc mừng em! Em đã hoàn thành mọi bài bắt buộc và được công nhận đã được phổ cập kỹ năng sử dụng dịch vụ công trực tuyến."))
    elif result.attempt.passed:
        messages.success(request, _("Em đã đạt yêu cầu và hoàn thành bài học này."))
    return redirect("attempt_detail", attempt.pk)


@role_required(Role.STUDENT)
@require_POST
def lesson_rate(request, key):
    lesson = _active_lesson_or_404(key)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.lesson_rate(student=request.user, lesson=lesson, **form.cleaned_data)
        except ValidationError as error:
            return _lesson_page(request, lesson, status=400, errors=_errors(error))
        messages.success(request, _("Cảm ơn em đã đánh giá bài học!"))
        return redirect(lesson)
    return _lesson_page(request, lesson, status=400, rating_form=form)


# Simulations ------------------------------------------------------------------------


def _portal_page(request, *, errors=None, status=200):
    progress = selectors.simulation_progress(student=request.user, simulation=simulations.PORTAL)
    step = simulations.portal_step_name(progress.step)
    context = {
        "progress": progress,
        "step": step,
        "step_number": min(progress.step + 1, len(simulations.PORTAL_STEPS)),
        "steps": simulations.PORTAL_STEPS,
        "state": progress.state,
        "errors": errors or {},
        "data": request.POST if errors else {},
        "sim": simulations,
        "procedure": simulations.PROCEDURES.get(progress.state.get("procedure", "")),
        "track_index": progress.state.get("track", 0),
        "lessons": Lesson.objects.filter(simulation=simulations.PORTAL, is_active=True),
    }
    return render(request, "lessons/sim_portal.html", context, status=status)


@login_required
def simulation_portal(request):
    if request.method == "POST":
        if request.POST.get("action") == "restart":
            services.simulation_portal_restart(student=request.user)
            return redirect("simulation_portal")
        data = {name: request.POST.get(name, "") for name in request.POST if name != "csrfmiddlewaretoken"}
        outcome = services.simulation_portal_submit(student=request.user, data=data, today=timezone.localdate())
        if outcome.errors:
            return _portal_page(request, errors=outcome.errors, status=400)
        return redirect("simulation_portal")
    return _portal_page(request)


@login_required
def simulation_real_site(request):
    error, status = "", 200
    if request.method == "POST":
        try:
            services.simulation_site_classify(
                student=request.user, site_id=request.POST.get("site", ""), verdict=request.POST.get("verdict", "")
            )
        except ValidationError as exc:
            error, status = " ".join(_errors(exc)), 400
        else:
            return redirect(f"{request.path}#site-{request.POST['site']}")
    progress = selectors.simulation_progress(student=request.user, simulation=simulations.REAL_SITE)
    answers = progress.state.get("answers", {})
    items = [
        {"site": site, "verdict": answers.get(site.id),
         "ok": answers.get(site.id) == ("real" if site.is_real else "fake")}
        for site in simulations.SITES
    ]
    return render(
        request, "lessons/sim_real_site.html",
        {"items": items, "progress": progress, "error": error, "correct": simulations.sites_correct(progress.state),
         "total": len(simulations.SITES),
         "lessons": Lesson.objects.filter(simulation=simulations.REAL_SITE, is_active=True)},
        status=status,
    )


# Teachers ---------------------------------------------------------------------------


@role_required(*STAFF)
def classroom_lessons(request, pk):
    classroom = classroom_for_user_or_404(request.user, pk)
    course = selectors.course_default()
    lessons = selectors.course_lessons(course) if course else Lesson.objects.none()
    form = AssignmentForm(request.POST or None, lessons=lessons)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.assignment_save(classroom=classroom, assigned_by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Đã giao bài cho lớp %(c)s.") % {"c": classroom.name})
                return redirect("classroom_lessons", classroom.pk)
        status = 400
    grid = selectors.classroom_completion_grid(classroom=classroom, course=course)
    return render(
        request, "lessons/classroom_lessons.html", {"classroom": classroom, "form": form, "grid": grid}, status=status
    )


@role_required(*STAFF)
@require_POST
def assignment_delete(request, pk, assignment_pk):
    classroom = classroom_for_user_or_404(request.user, pk)
    assignment = get_object_or_404(classroom.lesson_assignments, pk=assignment_pk)
    services.assignment_delete(assignment=assignment)
    messages.success(request, _("Đã bỏ giao bài “%(t)s”.") % {"t": assignment.lesson.title})
    return redirect("classroom_lessons", classroom.pk)


@role_required(Role.TEACHER, Role.SCHOOL_ADMIN, Role.PROVINCE_ADMIN)
def ratings(request):
    if request.role.role == Role.PROVINCE_ADMIN:
        students = User.objects.filter(enrollments__classroom__school__province__in=provinces_administered(request.user))
        comments = None  # free text may name people: province admins see totals only
    else:
        students = students_managed(request.user)
        comments = selectors.lesson_rating_comments(students=students)
    return render(
        request, "lessons/ratings.html",
        {"summary": selectors.lesson_rating_summary(students=students),
         "overall": selectors.lesson_satisfaction(students=students), "comments": comments},
    )


# Teachers' quizzes --------------------------------------------------------------


def _own_quiz(request, pk) -> Quiz:
    return get_object_or_404(Quiz, pk=pk, owner=request.user, lesson__isnull=True)


@role_required(*STAFF)
def quiz_list(request):
    form = QuizForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        quiz = services.quiz_create(owner=request.user, school=request.role.school, title=form.cleaned_data["title"])
        messages.success(request, _("Đã tạo bộ câu hỏi. Hãy thêm câu hỏi hoặc nhập từ tệp."))
        return redirect("quiz_detail", quiz.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "lessons/quiz_list.html", {"quizzes": selectors.quizzes_owned(user=request.user), "form": form},
        status=status,
    )


def _quiz_page(request, quiz, *, question_form=None, import_form=None, import_errors=(), status=200):
    return render(
        request, "lessons/quiz_detail.html",
        {"quiz": quiz, "questions": selectors.quiz_questions(quiz=quiz),
         "question_form": question_form or QuestionForm(), "import_form": import_form or ImportForm(),
         "import_errors": import_errors},
        status=status,
    )


@role_required(*STAFF)
@require_GET
def quiz_detail(request, pk):
    return _quiz_page(request, _own_quiz(request, pk))


@role_required(*STAFF)
@require_POST
def question_add(request, pk):
    quiz = _own_quiz(request, pk)
    form = QuestionForm(request.POST)
    if form.is_valid():
        services.question_create(quiz=quiz, data=form.question_data)
        messages.success(request, _("Đã thêm câu hỏi."))
        return redirect("quiz_detail", quiz.pk)
    return _quiz_page(request, quiz, question_form=form, status=400)


@role_required(*STAFF)
@require_POST
def question_retire(request, pk, question_pk):
    quiz = _own_quiz(request, pk)
    services.question_retire(question=get_object_or_404(quiz.questions, pk=question_pk, is_retired=False))
    messages.success(request, _("Đã ẩn câu hỏi khỏi bộ câu hỏi."))
    return redirect("quiz_detail", quiz.pk)


@role_required(*STAFF)
@require_POST
def quiz_import(request, pk):
    quiz = _own_quiz(request, pk)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _quiz_page(request, quiz, import_form=form, status=400)
    rows, errors = question_io.parse_upload(form.cleaned_data["file"])
    if not errors:
        try:
            services.quiz_import(quiz=quiz, rows=rows)
        except ValidationError as error:
            errors = _errors(error)
    if errors:
        return _quiz_page(request, quiz, import_form=form, import_errors=errors, status=400)
    messages.success(request, _("Đã nhập %(n)s câu hỏi.") % {"n": len(rows)})
    return redirect("quiz_detail", quiz.pk)


def _download(content, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@role_required(*STAFF)
@require_GET
def quiz_export(request, pk):
    quiz = _own_quiz(request, pk)
    return _download(question_io.export_xlsx(selectors.quiz_questions(quiz=quiz)), f"bo-cau-hoi-{quiz.pk}.xlsx", XLSX)


@role_required(*STAFF)
@require_GET
def quiz_template(request, fmt):
    if fmt == "csv":
        return _download(question_io.template_csv(), "mau-cau-hoi.csv", "text/csv; charset=utf-8")
    if fmt == "xlsx":
        return _download(question_io.template_xlsx(), "mau-cau-hoi.xlsx", XLSX)
    raise Http404
