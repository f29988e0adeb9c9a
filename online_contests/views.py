import secrets

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from online_contests import exports, selectors, services
from online_contests.forms import ContestForm
from online_contests.models import Attempt, OnlineContest, Phase, RefusedRequest
from online_contests.questions import answer_text, question_seed, questions_load, sheet_question
from online_contests.services import ContestError
from quizsite.public import public_base_url
from schools.decorators import role_required
from schools.models import RoleAssignment, School
from schools.privacy import Audience, display_name

Role = RoleAssignment.Role
ORGANISERS = (Role.SCHOOL_ADMIN, Role.PROVINCE_ADMIN)


def _wants_json(request) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def _refused(request, error: ContestError, *, back: str = ""):
    """Answer a refused request: JSON for the sheet's script, a page otherwise; nothing changed."""
    if _wants_json(request):
        finished = error.reason in (RefusedRequest.Reason.LATE, RefusedRequest.Reason.FINISHED)
        return JsonResponse({"ok": False, "error": error.message, "finished": finished}, status=error.status)
    return render(request, "online_contests/refused.html", {"message": error.message, "back": back},
                  status=error.status)


def _managed_or_404(request, pk) -> OnlineContest:
    return get_object_or_404(selectors.contests_managed(user=request.user), pk=pk)


def _form_scope(contest_school: School | None, province) -> dict:
    """What the organiser may choose: a school contest has its school; a province contest the province's schools."""
    if contest_school is not None:
        return {"fixed_school": contest_school, "schools": School.objects.filter(pk=contest_school.pk),
                "quizzes": selectors.pool_quizzes(school=contest_school)}
    return {"schools": province.schools.order_by("name"), "quizzes": selectors.pool_quizzes(school=None)}


# Organisers -----------------------------------------------------------------


@role_required(*ORGANISERS)
def manage_list(request):
    contests = selectors.contests_managed(user=request.user).annotate(
        attempt_count=Count("attempts"), finished_count=Count("attempts", filter=Q(attempts__finished_at__isnull=False))
    )
    now = timezone.now()
    rows = [(contest, contest.phase(now)) for contest in contests]
    return render(request, "online_contests/manage_list.html", {"rows": rows})


@role_required(*ORGANISERS)
def contest_create(request):
    role = request.role
    school = role.school if role.role == Role.SCHOOL_ADMIN else None
    scope = _form_scope(school, role.province)
    with translation.override(settings.LANGUAGE_CODE):  # printed on the Vietnamese certificates
        organizer_name = _("Ban Tổ chức cuộc thi – %(scope)s") % {"scope": role.scope_name}
    initial = {"organizer_name": organizer_name, "time_limit_minutes": 15}
    form = ContestForm(request.POST or None, initial=initial, now=timezone.now(), **scope)
    if request.method == "POST":
        if form.is_valid():
            try:
                contest = services.contest_create(
                    created_by=request.user, school=school, province=None if school else role.province,
                    fields=form.contest_fields, schools=form.chosen_schools, pool_counts=form.pool_counts,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Đã tạo cuộc thi (bản nháp). Hãy xem thử đề rồi công bố."))
                return redirect("online_contests:manage_detail", contest.pk)
        return render(request, "online_contests/contest_form.html", {"form": form}, status=400)
    return render(request, "online_contests/contest_form.html", {"form": form})


@role_required(*ORGANISERS)
def contest_edit(request, pk):
    contest = _managed_or_404(request, pk)
    if contest.status != OnlineContest.Status.DRAFT:
        return _refused(request, ContestError(_("Cuộc thi đã công bố, không thể sửa nữa.")),
                        back=contest_manage_url(contest))
    scope = _form_scope(contest.school, contest.province)
    form = ContestForm(request.POST or None, instance=contest, now=timezone.now(), **scope)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.contest_update(contest=contest, fields=form.contest_fields, schools=form.chosen_schools,
                                        pool_counts=form.pool_counts)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Đã lưu thay đổi."))
                return redirect("online_contests:manage_detail", contest.pk)
        return render(request, "online_contests/contest_form.html", {"form": form, "contest": contest}, status=400)
    return render(request, "online_contests/contest_form.html", {"form": form, "contest": contest})


def contest_manage_url(contest: OnlineContest) -> str:
    return reverse("online_contests:manage_detail", args=[contest.pk])


@role_required(*ORGANISERS)
def manage_detail(request, pk):
    contest = _managed_or_404(request, pk)
    now = timezone.now()
    phase = contest.phase(now)
    counts = contest.attempts.aggregate(
        started=Count("pk"), finished=Count("pk", filter=Q(finished_at__isnull=False) | Q(deadline__lte=now))
    )
    show_results = phase in (Phase.CLOSED, Phase.PUBLISHED)
    return render(request, "online_contests/manage_detail.html", {
        "contest": contest, "phase": phase, "Phase": Phase, "counts": counts,
        "pools": contest.pools.select_related("quiz"),
        "schools": selectors.contest_school_participation(contest=contest),
        "standings": selectors.contest_standings(contest=contest) if show_results else None,
        "refusals": selectors.contest_refusals(contest=contest),
    })


@role_required(*ORGANISERS)
def contest_preview(request, pk):
    """A sample draw with the answers, as one student could get it."""
    contest = _managed_or_404(request, pk)
    seed = secrets.token_hex(8)
    ids = selectors.contest_draw(contest=contest, seed=f"{contest.draw_salt}:preview:{seed}")
    loaded = questions_load(ids)
    items = [
        (sheet_question(loaded[qid], number=n, seed=question_seed(seed, qid), saved=None), answer_text(loaded[qid]))
        for n, qid in enumerate(ids, start=1)
    ]
    return render(request, "online_contests/preview.html", {"contest": contest, "items": items})


def _organiser_action(request, pk, action, success: str):
    contest = _managed_or_404(request, pk)
    try:
        action(contest=contest, now=timezone.now())
    except ContestError as error:
        return _refused(request, error, back=contest_manage_url(contest))
    messages.success(request, success)
    return redirect("online_contests:manage_detail", contest.pk)


@role_required(*ORGANISERS)
@require_POST
def contest_schedule(request, pk):
    return _organiser_action(request, pk, services.contest_schedule,
                             _("Đã công bố cuộc thi. Học sinh thuộc phạm vi sẽ thấy cuộc thi trên trang của mình."))


@role_required(*ORGANISERS)
@require_POST
def contest_close(request, pk):
    return _organiser_action(request, pk, services.contest_close,
                             _("Đã đóng cuộc thi. Các bài đang làm được ghi nhận với câu trả lời đã lưu."))


@role_required(*ORGANISERS)
@require_POST
def contest_publish(request, pk):
    return _organiser_action(request, pk, services.contest_results_publish, _("Đã công bố kết quả."))


@role_required(*ORGANISERS)
@require_POST
def award_certificates_issue(request, pk):
    contest = _managed_or_404(request, pk)
    try:
        report = services.contest_award_certificates_issue(contest=contest, issued_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("online_contests:manage_detail", contest.pk)
    messages.success(request, _("Đã cấp %(n)s giấy chứng nhận đạt giải.") % {"n": len(report.issued)})
    for student, reason in report.skipped:
        messages.warning(request, f"{student.full_name}: {reason}")
    return redirect("online_contests:manage_detail", contest.pk)


def _closed_standings(request, pk):
    contest = _managed_or_404(request, pk)
    if contest.phase(timezone.now()) not in (Phase.CLOSED, Phase.PUBLISHED):
        raise ContestError(_("Kết quả chỉ có sau khi cuộc thi đóng."))
    return contest, selectors.contest_standings(contest=contest)


@role_required(*ORGANISERS)
def results_csv(request, pk):
    try:
        contest, standings = _closed_standings(request, pk)
    except ContestError as error:
        return _refused(request, error)
    return exports.csv_response(f"ket-qua-{contest.pk}.csv", exports.RESULT_HEADER, exports.result_rows(standings))


@role_required(*ORGANISERS)
def results_xlsx(request, pk):
    try:
        contest, standings = _closed_standings(request, pk)
    except ContestError as error:
        return _refused(request, error)
    schools = selectors.contest_school_participation(contest=contest)
    return exports.xlsx_response(f"ket-qua-{contest.pk}.xlsx", [
        (_("Kết quả"), [[contest.name], exports.RESULT_HEADER], exports.result_rows(standings)),
        (_("Theo trường"), [[contest.name], exports.SCHOOL_HEADER], exports.school_rows(schools)),
    ])


@role_required(*ORGANISERS)
def prizes_xlsx(request, pk):
    """The prize list attached to the decision (quyết định khen thưởng)."""
    try:
        contest, standings = _closed_standings(request, pk)
    except ContestError as error:
        return _refused(request, error)
    heading = [
        [contest.organizer_name.upper()],
        [_("DANH SÁCH HỌC SINH ĐẠT GIẢI")],
        [contest.name],
        [_("(Kèm theo Quyết định khen thưởng số …… ngày …… của ……)")],
        [],
        exports.PRIZE_HEADER,
    ]
    schools = [row for row in selectors.contest_school_participation(contest=contest) if row.awarded]
    return exports.xlsx_response(f"danh-sach-dat-giai-{contest.pk}.xlsx", [
        (_("Cá nhân đạt giải"), heading, exports.prize_rows(standings)),
        (_("Tập thể được khen"), [[contest.name], exports.SCHOOL_HEADER], exports.school_rows(schools)),
    ])


@role_required(Role.SCHOOL_ADMIN)
def school_summary_xlsx(request, pk):
    """A school admin's summary of their own school's participation (own school only)."""
    school = request.role.school
    contest = get_object_or_404(
        selectors.contests_with_school_administered(user=request.user).filter(schools=school), pk=pk
    )
    closed = contest.phase(timezone.now()) in (Phase.CLOSED, Phase.PUBLISHED)
    standings = [s for s in selectors.contest_standings(contest=contest) if s.attempt.school_id == school.pk]
    participation = [r for r in selectors.contest_school_participation(contest=contest) if r.school.pk == school.pk]
    header = exports.RESULT_HEADER if closed else [_("Họ và tên"), _("Lớp"), _("Trạng thái")]
    rows = exports.result_rows(standings) if closed else (
        [s.attempt.student.full_name, s.attempt.classroom.name,
         _("Đã nộp bài") if s.attempt.is_finished else _("Đang làm bài")] for s in standings
    )
    return exports.xlsx_response(f"tong-hop-{contest.pk}-{school.code}.xlsx", [
        (_("Tổng hợp"), [[contest.name], [school.name], exports.SCHOOL_HEADER], exports.school_rows(participation)),
        (_("Học sinh tham gia"), [[contest.name], header], rows),
    ])


# Students ----------------------------------------------------------------------


@role_required(Role.STUDENT)
def contest_detail(request, pk):
    contest = selectors.contest_for_student(student=request.user, pk=pk)
    if contest is None:
        raise Http404
    now = timezone.now()
    attempt = Attempt.objects.filter(contest=contest, student=request.user).first()
    if attempt is not None:
        services.attempt_finalise_if_expired(attempt=attempt, now=now)
    return render(request, "online_contests/contest_detail.html", {
        "contest": contest, "phase": contest.phase(now), "Phase": Phase, "attempt": attempt,
        "question_count": contest.pool_question_count,
    })


@role_required(Role.STUDENT)
@require_POST
def contest_start(request, pk):
    contest = get_object_or_404(OnlineContest.objects.exclude(status=OnlineContest.Status.DRAFT), pk=pk)
    try:
        attempt = services.attempt_start(contest=contest, student=request.user, now=timezone.now())
    except ContestError as error:
        return _refused(request, error)
    return redirect(attempt)


def _own_attempt_or_404(request, pk) -> Attempt:
    return get_object_or_404(Attempt.objects.select_related("contest", "student"), pk=pk, student=request.user)


@role_required(Role.STUDENT)
def attempt_sheet(request, pk):
    attempt = _own_attempt_or_404(request, pk)
    now = timezone.now()
    services.attempt_finalise_if_expired(attempt=attempt, now=now)
    if attempt.is_finished:
        return redirect(attempt.contest.get_absolute_url())
    loaded = questions_load(attempt.question_ids)
    saved = dict(attempt.answers.values_list("question_id", "response"))
    questions = [
        sheet_question(loaded[qid], number=n, seed=question_seed(attempt.seed, qid), saved=saved.get(qid))
        for n, qid in enumerate(attempt.question_ids, start=1)
    ]
    return render(request, "online_contests/attempt.html", {
        "attempt": attempt, "contest": attempt.contest, "questions": questions,
        "remaining": max(0, int((attempt.deadline - now).total_seconds())),
        "answered": len(saved),
    })


def _sheet_response(request, attempt: Attempt, message: str, *, anchor: str = ""):
    if _wants_json(request):
        remaining = max(0, int((attempt.deadline - timezone.now()).total_seconds()))
        return JsonResponse({"ok": True, "message": message, "remaining": remaining})
    messages.success(request, message)
    return redirect(attempt.get_absolute_url() + anchor)


@role_required(Role.STUDENT)
@require_POST
def answer_save(request, pk):
    attempt = _own_attempt_or_404(request, pk)
    try:
        question_id = int(request.POST.get("question", ""))
    except ValueError:
        return _refused(request, ContestError(_("Thiếu câu hỏi cần lưu.")), back=attempt.get_absolute_url())
    try:
        services.answer_save(attempt=attempt, question_id=question_id, values=request.POST.getlist("response"),
                             now=timezone.now())
    except ContestError as error:
        return _refused(request, error, back=attempt.get_absolute_url())
    number = attempt.question_ids.index(question_id) + 1
    return _sheet_response(request, attempt, _("Đã lưu câu %(n)d.") % {"n": number}, anchor=f"#q{number}")


@role_required(Role.STUDENT)
@require_POST
def estimate_save(request, pk):
    attempt = _own_attempt_or_404(request, pk)
    try:
        services.attempt_estimate_save(attempt=attempt, estimate=request.POST.get("estimate"), now=timezone.now())
    except ContestError as error:
        return _refused(request, error, back=attempt.get_absolute_url())
    return _sheet_response(request, attempt, _("Đã lưu số dự đoán."), anchor="#estimate")


@role_required(Role.STUDENT)
@require_POST
def attempt_submit(request, pk):
    attempt = _own_attempt_or_404(request, pk)
    try:
        services.attempt_submit(attempt=attempt, estimate=request.POST.get("estimate"), now=timezone.now())
    except ContestError as error:
        return _refused(request, error, back=attempt.contest.get_absolute_url())
    messages.success(request, _("Bài thi của em đã được ghi nhận."))
    return redirect(attempt.contest.get_absolute_url())


# Public ------------------------------------------------------------------------


def results(request, pk):
    """Published results: prize winners under the display-name rule for public pages, schools in full."""
    contest = get_object_or_404(OnlineContest.objects.select_related("school", "province"), pk=pk)
    if contest.status != OnlineContest.Status.PUBLISHED:
        raise Http404
    winners = [
        (a, display_name(a.student, audience=Audience.PUBLIC, school_name=a.school.name))
        for a in selectors.published_prize_winners(contest=contest).select_related("student__consent")
    ]
    return render(request, "online_contests/results.html", {
        "share_url": public_base_url(request) + request.path,
        "contest": contest, "winners": winners,
        "schools": selectors.contest_school_participation(contest=contest),
    })
