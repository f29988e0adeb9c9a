from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from certificates.services import certificate_issue_on_training
from evidence import selectors as evidence_selectors
from lessons import (
    grading,
    item_stats,
    practice,
    question_io,
    selectors,
    services,
    sim_procedure,
    sim_tracking,
    simulations,
)
from lessons.forms import AssignmentForm, ImportForm, QuestionForm, QuestionReportForm, QuizForm, RatingForm
from lessons.keys import question_answer_key
from lessons.models import Lesson, PracticeAttempt, Question, Quiz
from schools.access import provinces_administered, students_managed
from schools.decorators import role_required
from schools.models import RoleAssignment, User
from schools.roles import active_role, user_roles
from schools.views import classroom_for_user_or_404

Role = RoleAssignment.Role
STAFF = (Role.TEACHER, Role.SCHOOL_ADMIN)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _is_student(request) -> bool:
    role = active_role(request)
    return role is not None and role.role == Role.STUDENT


def _is_teacher(request) -> bool:
    role = active_role(request)
    return role is not None and role.role == Role.TEACHER


def _errors(error: ValidationError) -> list[str]:
    return list(error.messages)


# Student pages --------------------------------------------------------------------


@login_required
def course_overview(request):
    course, lessons = selectors.course_default_lessons()
    progress = selectors.course_progress(student=request.user) if _is_student(request) else None
    checks = evidence_selectors.student_checks(student=request.user) if progress is not None else None
    return render(
        request, "lessons/course.html",
        {"course": course, "progress": progress, "lessons": lessons, "is_student": progress is not None,
         "checks": checks},
    )


def _lesson_page(request, lesson: Lesson, *, status=200, rating_form=None, errors=()):
    is_student = _is_student(request)
    context = {
        "lesson": lesson,
        "is_student": is_student,
        "errors": errors,
        "show_guide": not is_student,
        "can_run_live": _is_teacher(request) and getattr(lesson, "practice_quiz", None) is not None,
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
    current_stage = simulations.portal_stage_index(progress.step)
    context = {
        "progress": progress,
        "step": simulations.portal_step_name(progress.step),
        "stages": [
            {"key": key, "done": index < current_stage, "current": index == current_stage}
            for index, (key, _steps) in enumerate(simulations.PORTAL_STAGES)
        ],
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
        outcome = services.simulation_portal_submit(student=request.user, data=data)
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


def _posted(request) -> dict[str, list[str]]:
    return {name: values for name, values in request.POST.lists() if name != "csrfmiddlewaretoken"}


def _steps_response(request, outcome, page, url_name):
    """After a post: the page again with errors (400) or with feedback on a wrong choice, else back to the page."""
    if outcome.errors or outcome.feedback:
        return page(request, outcome, status=400 if outcome.errors else 200)
    return redirect(url_name)


def _procedure_page(request, outcome=None, *, status=200):
    progress = selectors.simulation_progress(student=request.user, simulation=sim_procedure.PROCEDURE)
    query = request.GET.get("q", "")[:100]
    matching = sim_procedure.procedures_matching(query)
    answered = set(progress.state.get("sheet_ok", []))
    posted = request.POST if outcome else {}
    questions = [
        {"q": q, "ok": q.id in answered, "feedback": outcome.feedback.get(q.id) if outcome else "",
         "error": outcome.errors.get(q.id) if outcome else "",
         "chosen": posted.getlist("answer") if posted and posted.get("question") == q.id else []}
        for q in sim_procedure.QUESTIONS
    ]
    context = {
        "progress": progress,
        "step": sim_procedure.step_name(progress.step),
        "steps": sim_procedure.STEPS,
        "sim": sim_procedure,
        "scanned": bool(progress.state.get("scanned")),
        "errors": outcome.errors if outcome else {},
        "feedback": outcome.feedback if outcome else {},
        "query": query,
        "procedures": matching or sim_procedure.PROCEDURES,
        "no_match": bool(query.strip()) and not matching,
        "chosen_procedure": posted.get("procedure", "") if posted else "",
        "questions": questions,
        "qr_path": sim_procedure.qr_path(),
        "lessons": Lesson.objects.filter(simulation=sim_procedure.PROCEDURE, is_active=True),
    }
    return render(request, "lessons/sim_procedure.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def simulation_procedure(request):
    if request.method == "GET":
        return _procedure_page(request)
    if "restart" in request.POST:
        services.simulation_procedure_restart(student=request.user)
        return redirect("simulation_procedure")
    outcome = services.simulation_procedure_submit(student=request.user, data=_posted(request))
    return _steps_response(request, outcome, _procedure_page, "simulation_procedure")


def _tracking_page(request, outcome=None, *, status=200):
    today = timezone.localdate()
    progress = selectors.simulation_progress(student=request.user, simulation=sim_tracking.TRACKING)
    received = sim_tracking.received_on(progress.state.get("code", ""))
    if received is None:
        progress = services.simulation_tracking_open(student=request.user, today=today)
        received = sim_tracking.received_on(progress.state["code"])
    step = sim_tracking.step_name(progress.step)
    posted = request.POST if outcome else {}
    context = {
        "progress": progress,
        "step": step,
        "steps": sim_tracking.STEPS,
        "sim": sim_tracking,
        "code": progress.state["code"],
        "dates": sim_tracking.dossier_dates(received),
        "timeline": sim_tracking.timeline(step),
        "errors": outcome.errors if outcome else {},
        "feedback": outcome.feedback if outcome else {},
        "chosen": {name: posted.get(name, "") for name in ("response", "meaning")} if posted else {},
        "typed_code": posted.get("code", "")[:40] if posted else "",
        "lessons": Lesson.objects.filter(simulation=sim_tracking.TRACKING, is_active=True),
    }
    return render(request, "lessons/sim_tracking.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def simulation_tracking(request):
    if request.method == "GET":
        return _tracking_page(request)
    today = timezone.localdate()
    if "restart" in request.POST:
        services.simulation_tracking_restart(student=request.user, today=today)
        return redirect("simulation_tracking")
    outcome = services.simulation_tracking_submit(student=request.user, data=_posted(request), today=today)
    return _steps_response(request, outcome, _tracking_page, "simulation_tracking")


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


# Questions to review and question reports -----------------------------------------

REVIEW_PERMISSION = "lessons.review_questions"


@login_required
@require_GET
def question_review(request):
    """Editors: every answer; teachers and school admins: read-only, their own students' answers."""
    editor = request.user.has_perm(REVIEW_PERMISSION)
    if not editor and not ({r.role for r in user_roles(request)} & set(STAFF)):
        raise PermissionDenied
    page = item_stats.question_review(
        questions=item_stats.questions_for_review(user=request.user),
        students=None if editor else students_managed(request.user), with_texts=editor,
    )
    return render(request, "lessons/question_review.html", {"page": page, "editor": editor})


@login_required
@require_POST
def question_reports_handle(request, pk):
    if not request.user.has_perm(REVIEW_PERMISSION):
        raise PermissionDenied
    question = get_object_or_404(Question, pk=pk)
    count = services.question_reports_handle(question=question, by=request.user)
    messages.success(request, _("Đã đánh dấu %(n)s báo lỗi là đã xử lý.") % {"n": count})
    return redirect("question_review")


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("course_overview")


@login_required
def question_report(request, pk):
    question = get_object_or_404(item_stats.questions_reportable(user=request.user), pk=pk)
    form = QuestionReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.question_report_create(user=request.user, question=question, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Cảm ơn bạn đã báo lỗi câu hỏi. Người biên soạn sẽ xem lại."))
                return redirect(_next_url(request))
        status = 400
    return render(
        request, "lessons/question_report.html",
        {"question": question, "form": form, "next": _next_url(request)}, status=status,
    )
