"""Pages of live contests: create, host screen, join and play, results, a student's history."""

import io
import random

import segno
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from contests import exports, selectors, services, throttle
from contests.engine import EngineError
from contests.forms import ContestCreateForm, JoinForm
from contests.models import Contest
from contests.nicknames import generate_nickname
from quizsite.errors import too_many_requests
from quizsite.public import public_base_url
from schools.decorators import role_required
from schools.models import RoleAssignment
from schools.throttle import client_ip

Role = RoleAssignment.Role


def screen_strings() -> dict[str, str]:
    """Words the contest scripts show, translated here so the scripts stay language-free."""
    return {
        "connecting": _("Đang kết nối…"),
        "connected": _("Đã kết nối."),
        "reconnecting": _("Mất kết nối, đang thử lại…"),
        "question": _("Câu"),
        "of": _("trên"),
        "seconds": _("giây"),
        "paused": _("Đang tạm dừng"),
        "kick": _("Mời ra"),
        "kickConfirm": _("Mời người chơi này ra khỏi cuộc thi?"),
        "endConfirm": _("Kết thúc cuộc thi ngay bây giờ?"),
        "points": _("điểm"),
        "rank": _("Hạng"),
        "rightAnswer": _("đáp án đúng"),
        "tied": _("đồng hạng"),
        "tieNote": _("Cùng điểm thì cùng hạng; trong cùng hạng, ai trả lời nhanh hơn được xếp trước."),
        "tieNoteTeams": _("Cùng điểm thì cùng hạng; trong cùng hạng, đội có số thứ tự nhỏ hơn được xếp trước."),
        "correct": _("Chính xác!"),
        "wrong": _("Chưa đúng"),
        "noAnswer": _("Em chưa trả lời câu này"),
        "late": _("Trả lời sau khi hết giờ"),
        "sent": _("Đã gửi câu trả lời. Chờ kết quả…"),
        "sending": _("Đang gửi…"),
        "answered": _("Em đã trả lời câu này."),
        "submit": _("Gửi câu trả lời"),
        "reset": _("Chọn lại"),
        "orderHint": _("Chạm lần lượt theo đúng thứ tự."),
        "multiHint": _("Chọn tất cả đáp án đúng rồi bấm Gửi."),
        "waitNext": _("Chờ câu tiếp theo…"),
        "score": _("Tổng điểm"),
        "finished": _("Cuộc thi đã kết thúc."),
        "players": _("người chơi"),
        "team": _("Đội"),
    }


def _own_contest_or_404(request, pk) -> Contest:
    return get_object_or_404(Contest.objects.filter(owner=request.user), pk=pk)


def join_url(request, pin: str) -> str:
    return public_base_url(request) + reverse("contest_play", args=[pin])


@role_required(Role.TEACHER)
@require_GET
def contest_list(request):
    return render(request, "contests/list.html", {"contests": selectors.teacher_contests(request.user)})


@role_required(Role.TEACHER)
@require_http_methods(["GET", "POST"])
def contest_create(request):
    school = request.role.school
    initial = {}
    if request.GET.get("classroom", "").isdigit():
        initial["classrooms"] = [int(request.GET["classroom"])]
    if request.GET.get("quiz", "").isdigit():  # "run this lesson live" from a lesson page
        initial["quiz"] = int(request.GET["quiz"])
    form = ContestCreateForm(request.POST or None, user=request.user, school=school, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contest = services.contest_create(
                owner=request.user, school=school, quiz=data["quiz"], title=data["title"], access=data["access"],
                classrooms=list(data["classrooms"]), play_mode=data["play_mode"], team_count=data["team_count"] or 0,
                time_limit_s=data["time_limit_s"], shuffle_questions=data["shuffle_questions"],
                shuffle_choices=data["shuffle_choices"], show_leaderboard=data["show_leaderboard"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("contest_host", contest.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "contests/form.html", {"form": form}, status=status)


@role_required(Role.TEACHER)
@require_GET
def contest_host(request, pk):
    contest = _own_contest_or_404(request, pk)
    if contest.is_finished:
        return redirect("contest_results", contest.pk)
    config = {
        "pin": contest.pin,
        "socket": f"/ws/contests/{contest.pin}/host/",
        "join_url": join_url(request, contest.pin),
        "shuffle_choices": contest.shuffle_choices,
    }
    return render(
        request,
        "contests/host.html",
        {"contest": contest, "config": config, "join_url": config["join_url"], "strings": screen_strings()},
    )


@role_required(Role.TEACHER)
@require_GET
def contest_qr(request, pk):
    contest = _own_contest_or_404(request, pk)
    if contest.is_finished:
        raise Http404
    svg = io.BytesIO()
    segno.make(join_url(request, contest.pin), error="m").save(svg, kind="svg", scale=8, border=2, title=_("Mã QR tham gia"))
    return HttpResponse(svg.getvalue(), content_type="image/svg+xml")


@role_required(Role.TEACHER)
@require_GET
def contest_results(request, pk):
    contest = _own_contest_or_404(request, pk)
    context = {"contest": contest}
    if contest.is_finished:
        context |= {
            "rows": exports.result_rows(contest, request.user),
            "questions": selectors.contest_question_stats(contest),
        }
    return render(request, "contests/results.html", context)


@role_required(Role.TEACHER)
@require_GET
def contest_export(request, pk, fmt):
    contest = _own_contest_or_404(request, pk)
    if not contest.is_finished or fmt not in ("csv", "xlsx"):
        raise Http404
    filename = f"ket-qua-cuoc-thi-{contest.pk}"
    if fmt == "csv":
        response = StreamingHttpResponse(exports.results_csv(contest, request.user), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.results_xlsx(contest, request.user),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def _player_session_key(request) -> str:
    """A browser session for the player socket: kicks and PIN limits are kept per session."""
    if not request.session.session_key:
        request.session["contest_player"] = True
        request.session.save()
    return request.session.session_key


def _find_running(request, pin: str) -> Contest | None:
    """The running contest for `pin`, counting failures against this session and address."""
    session_key = _player_session_key(request)
    ip = client_ip(request)
    if throttle.pin_guessing_blocked(session_key=session_key, ip=ip):
        raise _TooManyAttempts
    try:
        return services.contest_find_open(pin=pin)
    except EngineError:
        throttle.pin_guess_failed(session_key=session_key, ip=ip)
        return None


class _TooManyAttempts(Exception):
    pass


@require_http_methods(["GET", "POST"])
def contest_join(request):
    """The PIN form students type into (also reached without the QR)."""
    form = JoinForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                contest = _find_running(request, form.cleaned_data["pin"])
            except _TooManyAttempts:
                return _too_many_pins(request)
            if contest is not None:
                return redirect("contest_play", contest.pin)
            form.add_error("pin", _("Không tìm thấy cuộc thi với mã PIN này, hoặc cuộc thi đã kết thúc."))
    return render(request, "contests/join.html", {"form": form}, status=status)


def _too_many_pins(request):
    return too_many_requests(
        request, message=_("Em đã thử quá nhiều mã PIN. Hãy đợi vài phút rồi thử lại."),
        note=_("Giới hạn này chặn việc dò mã PIN của các cuộc thi đang diễn ra."),
        retry_after=throttle.WINDOW_SECONDS, back=reverse("contest_join"),
    )


@require_GET
def contest_play(request, pin):
    """The player screen; the join URL in the QR code lands here."""
    try:
        contest = _find_running(request, pin)
    except _TooManyAttempts:
        return _too_many_pins(request)
    if contest is None:
        error = _("Không tìm thấy cuộc thi với mã PIN này, hoặc cuộc thi đã kết thúc.")
        return render(request, "contests/join.html", {"form": JoinForm(), "error": error}, status=404)
    needs_login = contest.access == Contest.Access.CLASSES and not request.user.is_authenticated
    config = {"pin": contest.pin, "socket": f"/ws/contests/{contest.pin}/play/"}
    return render(
        request,
        "contests/play.html",
        {
            "contest": contest, "config": config, "needs_login": needs_login, "strings": screen_strings(),
            "suggested": generate_nickname(random.SystemRandom()),
        },
    )


@role_required(Role.STUDENT)
@require_GET
def contest_history(request):
    return render(request, "contests/history.html", {"entries": selectors.student_contest_history(request.user)})

