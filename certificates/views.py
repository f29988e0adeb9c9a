from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from certificates import selectors, services
from certificates.codes import code_display
from certificates.documents import certificate_document, certificate_filename, class_filename, verify_url
from certificates.forms import ClassFilterForm, ClassIssueForm, RevokeForm, VerifyForm
from certificates.models import Certificate
from certificates.pdf import render_certificate, write_certificates
from certificates.throttle import verify_lookup_allowed
from quizsite.errors import too_many_requests
from schools.decorators import role_required
from schools.models import Classroom, RoleAssignment
from schools.throttle import client_ip

Role = RoleAssignment.Role
PAGE_SIZE = 50


def _pdf_response(filename: str) -> HttpResponse:
    response = HttpResponse(content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


# Public verification -------------------------------------------------------


def _verify(request, raw_code: str | None):
    """Answer a lookup: the same query and template whether the code exists or not."""
    context = {"form": VerifyForm(), "state": None}
    if raw_code is None:
        return render(request, "certificates/verify.html", context)
    allowed, retry_after = verify_lookup_allowed(client_ip(request))
    if not allowed:
        return too_many_requests(
            request,
            message=_("Từ địa chỉ mạng này đã có quá nhiều lượt tra cứu giấy chứng nhận."),
            note=_("Giới hạn này bảo vệ thông tin của học sinh khỏi việc dò mã tự động."),
            retry_after=retry_after, back=reverse("certificate_verify"),
        )
    form = VerifyForm({"code": raw_code})
    context["form"] = form
    if not form.is_valid():
        return render(request, "certificates/verify.html", context, status=400)
    code = form.cleaned_data["code"]
    context["code_display"] = code_display(code)
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        context["state"] = "unknown"
        return render(request, "certificates/verify.html", context, status=404)
    context.update(
        state="revoked" if certificate.is_revoked else "valid",
        certificate=certificate,
        holder=selectors.certificate_public_holder(certificate),
    )
    return render(request, "certificates/verify.html", context)


@require_GET
def verify(request):
    return _verify(request, request.GET.get("code"))


@require_GET
def verify_code(request, code):
    return _verify(request, code)


# The student's own certificates, and downloads -----------------------------


@role_required(Role.STUDENT)
def own_list(request):
    certificates = list(selectors.certificates_of_student(request.user))
    for certificate in certificates:
        certificate.verify_url = verify_url(certificate.code, request)  # the public page: code only, no name
    return render(request, "certificates/own_list.html", {"certificates": certificates})


@login_required
@require_GET
def certificate_pdf(request, pk):
    """One certificate as a PDF: for its holder and their school's staff; never once revoked."""
    certificate = get_object_or_404(
        selectors.certificates_visible_to(request.user).filter(revoked_at__isnull=True), pk=pk
    )
    response = _pdf_response(certificate_filename(certificate))
    response.write(render_certificate(certificate_document(certificate, request)))
    return response


# The school admin's certificate book ----------------------------------------


def _school_page(request, *, status=200, issue_form=None):
    school = request.role.school
    # Both forms have a class field: distinct ids keep their labels apart.
    filter_form = ClassFilterForm(request.GET or None, school=school, auto_id="filter_%s")
    classroom = filter_form.cleaned_data["classroom"] if filter_form.is_valid() else None
    page = Paginator(selectors.school_certificates(school, classroom=classroom), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "school": school,
        "filter_form": filter_form,
        "classroom": classroom,
        "page": page,
        "issue_form": issue_form or ClassIssueForm(school=school, initial={"classroom": classroom}),
        "counts": selectors.school_certificate_counts(school),
    }
    return render(request, "certificates/school_list.html", context, status=status)


@role_required(Role.SCHOOL_ADMIN)
@require_GET
def school_list(request):
    return _school_page(request)


@role_required(Role.SCHOOL_ADMIN)
@require_POST
def issue_class(request):
    form = ClassIssueForm(request.POST, school=request.role.school)
    if not form.is_valid():
        return _school_page(request, status=400, issue_form=form)
    classroom = form.cleaned_data["classroom"]
    report = services.certificate_issue_class(
        classroom=classroom, course=form.cleaned_data["course"], issued_by=request.user
    )
    return render(request, "certificates/issue_report.html", {"classroom": classroom, "report": report})


@role_required(Role.SCHOOL_ADMIN)
@require_POST
def revoke(request, pk):
    certificate = get_object_or_404(Certificate.objects.filter(school=request.role.school), pk=pk)
    form = RevokeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Hãy ghi lý do thu hồi."))
        services.certificate_revoke(
            certificate=certificate, reason=form.cleaned_data["reason"], revoked_by=request.user
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _school_page(request, status=400)
    messages.success(
        request,
        _("Đã thu hồi giấy chứng nhận số %(number)s của %(name)s.")
        % {"number": certificate.number, "name": certificate.holder_name},
    )
    return redirect(reverse("certificate_school_list") + _back_query(request))


def _back_query(request) -> str:
    """Return to the filtered list the form was posted from."""
    classroom = request.POST.get("classroom", "")
    return f"?classroom={int(classroom)}" if classroom.isdigit() else ""


@role_required(Role.SCHOOL_ADMIN)
@require_GET
def class_pdf(request, pk):
    """Every valid certificate of a class, one page each, in one PDF."""
    classroom = get_object_or_404(
        Classroom.objects.filter(school=request.role.school).select_related("school_year"), pk=pk
    )
    certificates = list(selectors.class_certificates(classroom))
    if not certificates:
        messages.info(request, _("Lớp %(name)s chưa có giấy chứng nhận nào để in.") % {"name": classroom.name})
        return redirect(reverse("certificate_school_list") + f"?classroom={classroom.pk}")
    response = _pdf_response(class_filename(classroom.name, classroom.school_year.name))
    write_certificates(
        (certificate_document(certificate, request) for certificate in certificates),
        response,
        title=_("Giấy chứng nhận lớp %(name)s, năm học %(year)s")
        % {"name": classroom.name, "year": classroom.school_year.name},
    )
    return response
