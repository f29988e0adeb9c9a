"""Student pages of the entry and exit checks: parse, check, call one service or selector, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evidence import rules, selectors, services
from evidence.forms import field_prefix, parse_check_post
from lessons import practice
from schools.decorators import role_required
from schools.models import RoleAssignment

STUDENT = RoleAssignment.Role.STUDENT


def _check_page(request, kind: str, *, error: str = "", status: int = 200):
    state = selectors.student_checks(student=request.user)
    refusal = state.refusal(kind)
    questions = [] if refusal else selectors.form_questions(kind)
    seed = selectors.check_seed(student=request.user, kind=kind)
    views = [
        (field_prefix(q.pk), practice.question_view(number, q, seed))
        for number, q in enumerate(questions, start=1)
    ]
    return render(request, "evidence/check.html", {
        "kind": kind, "is_entry": kind == rules.ENTRY, "refusal": refusal, "error": error,
        "views": views,
        "self_assessment": [(item, request.POST.get(item.field_name, "")) for item in rules.SELF_ASSESSMENT],
    }, status=400 if refusal and request.method == "POST" else status)


@role_required(STUDENT)
def check_take(request, kind):
    if request.method != "POST":
        return _check_page(request, kind)
    questions = selectors.form_questions(kind)
    try:
        levels, responses = parse_check_post(
            dict(request.POST.lists()), questions,
            selectors.check_seed(student=request.user, kind=kind),
        )
        check = services.check_submit(student=request.user, kind=kind, self_assessment=levels, responses=responses)
    except rules.InvalidCheck as error:
        return _check_page(request, kind, error=error.message, status=400)
    except ValidationError as error:
        return _check_page(request, kind, error=" ".join(error.messages), status=400)
    messages.success(request, _("Đã ghi nhận bài kiểm tra: em trả lời đúng %(c)s/%(t)s câu.")
                     % {"c": check.correct_count, "t": check.total})
    return redirect("evidence_mine")


@role_required(STUDENT)
@require_POST
def check_skip(request, kind):
    try:
        services.check_skip(student=request.user, kind=kind)
    except ValidationError as error:
        return _check_page(request, kind, error=" ".join(error.messages), status=400)
    messages.info(request, _("Em đã bỏ qua bài kiểm tra. Em vẫn học khóa học bình thường."))
    return redirect("course_overview")


@role_required(STUDENT)
def mine(request):
    return render(request, "evidence/mine.html", {"checks": selectors.student_checks(student=request.user)})
