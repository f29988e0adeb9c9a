"""Roster import, login slips and consent pages.

Between the preview and the confirmation, and between a result page and its
downloads, the data travels in a signed form field bound to the user (and to
the role, for imports), never in the database or on disk: the import holds only
the parsed rows (forbidden columns were dropped while reading), and the slip
passwords exist only in the response that shows them and in its downloads.
"""

import base64
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from quizsite.public import public_base_url
from schools import rosters, selectors, services
from schools.decorators import role_required
from schools.forms_rosters import ClassConsentForm, RosterUploadForm, SlipReissueForm
from schools.models import RoleAssignment
from schools.roster_parsing import RosterFileError, RosterRow, bad_rows_xlsx, parse_roster, template_csv, template_xlsx
from schools.slips import ConsentFormDocument, Slip, consent_form_pdf, slips_pdf, slips_xlsx
from schools.views import classroom_for_user_or_404

Role = RoleAssignment.Role
IMPORT_SALT = "schools.rosters.import"
DOWNLOAD_SALT = "schools.rosters.download"
PAYLOAD_MAX_AGE = 3 * 3600
ERRORS_SHOWN = 300
CHANGES_SHOWN = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"xlsx": XLSX, "pdf": "application/pdf", "csv": "text/csv; charset=utf-8"}
EXPIRED = gettext_lazy("Bản xem trước đã hết hạn hoặc không hợp lệ. Hãy tải tệp danh sách lên lại.")


# --- Signed payloads ------------------------------------------------------------------------------


def _sign(request, salt: str, **payload) -> str:
    return signing.dumps({**payload, "user": request.user.pk}, salt=salt, compress=True)


def _unsign(request, salt: str) -> dict | None:
    """The payload posted back by the same user, or None when forged, expired or someone else's."""
    try:
        payload = signing.loads(request.POST.get("payload", ""), salt=salt, max_age=PAYLOAD_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("user") != request.user.pk:
        return None
    return payload


def _rows_dump(rows: list[RosterRow]) -> list[list]:
    return [
        [r.row_number, r.key, r.key_kind, r.full_name, r.class_name, r.birth_date and r.birth_date.isoformat(), r.sex,
         r.guardian_consent, r.student_consent]
        for r in rows
    ]


def _rows_load(data: list[list]) -> list[RosterRow]:
    return [
        RosterRow(number, key, kind, name, class_name, born and date.fromisoformat(born), sex, guardian, own)
        for number, key, kind, name, class_name, born, sex, guardian, own in data
    ]


def _slips_payload(request, slips: list[Slip], name: str) -> str:
    rows = [(s.school_name, s.class_name, s.full_name, s.username, s.password) for s in slips]
    return _sign(request, DOWNLOAD_SALT, kind="slips", name=name, slips=rows)


def _login_url(request) -> str:
    return public_base_url(request) + reverse("login")


def _attachment(content: bytes, filename: str, file_format: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


# --- Import ---------------------------------------------------------------------------------------


def _upload_page(request, form, *, status=200, error=""):
    context = {"form": form, "role": request.role, "page_error": error}
    return render(request, "schools/rosters/import.html", context, status=status)


@role_required(Role.TEACHER, Role.SCHOOL_ADMIN)
def roster_import(request):
    """Upload a roster and see what importing it would do (or what is wrong with it)."""
    if request.method != "POST":
        return _upload_page(request, RosterUploadForm())
    form = RosterUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, form, status=400)
    upload = form.cleaned_data["file"]
    data = upload.read()
    try:
        scope = rosters.roster_scope(user=request.user, role=request.role)
        parsed = parse_roster(data, upload.name, today=timezone.localdate())
    except ValidationError as error:
        return _upload_page(request, form, status=400, error=" ".join(error.messages))
    except RosterFileError as error:
        form.add_error("file", error.message)
        return _upload_page(request, form, status=400)
    plan = rosters.roster_plan(rows=parsed.rows, scope=scope)
    errors = sorted([*parsed.errors, *plan.errors], key=lambda error: error.row_number)
    context = {"parsed": parsed, "plan": plan, "scope": scope, "filename": upload.name, "role": request.role,
               "changes_shown": CHANGES_SHOWN}
    if errors:
        bad_rows = bad_rows_xlsx(parsed, errors)
        context.update(
            errors=errors[:ERRORS_SHOWN],
            error_count=len(errors),
            bad_row_count=len({error.row_number for error in errors}),
            bad_rows_payload=_sign(request, DOWNLOAD_SALT, kind="bad_rows", data=base64.b64encode(bad_rows).decode()),
            form=RosterUploadForm(),
        )
        return render(request, "schools/rosters/preview.html", context, status=400)
    context["payload"] = _sign(
        request, IMPORT_SALT, role=request.role.pk, rows=_rows_dump(parsed.rows), ignored=parsed.ignored_columns
    )
    return render(request, "schools/rosters/preview.html", context)


@role_required(Role.TEACHER, Role.SCHOOL_ADMIN)
@require_POST
def roster_confirm(request):
    """Import the previewed rows, all or nothing, and show the new students' login slips once."""
    payload = _unsign(request, IMPORT_SALT)
    form = RosterUploadForm()
    if payload is None or payload.get("role") != request.role.pk:
        return _upload_page(request, form, status=400, error=EXPIRED)
    try:
        scope = rosters.roster_scope(user=request.user, role=request.role)
        result = rosters.roster_import(
            rows=_rows_load(payload["rows"]), scope=scope, imported_by=request.user, on=timezone.localdate()
        )
    except ValidationError as error:
        return _upload_page(request, form, status=400, error=" ".join(error.messages))
    except rosters.RosterImportError as error:
        context = {"errors": error.errors[:ERRORS_SHOWN], "error_count": len(error.errors), "form": form,
                   "role": request.role, "changed_meanwhile": True}
        return render(request, "schools/rosters/preview.html", context, status=400)
    except IntegrityError:
        error = _("Dữ liệu vừa bị thay đổi trong lúc nhập nên chưa có gì được lưu. Hãy tải tệp lên lại.")
        return _upload_page(request, form, status=400, error=error)
    context = {"result": result, "ignored_columns": payload.get("ignored", []), "login_url": _login_url(request)}
    if result.slips:
        context["slips_payload"] = _slips_payload(request, result.slips, "phieu-dang-nhap")
    return render(request, "schools/rosters/result.html", context)


@role_required(Role.TEACHER, Role.SCHOOL_ADMIN)
def roster_template(request, file_format):
    """Our roster template, to fill in when the school has no CSDL export at hand."""
    if file_format == "xlsx":
        return _attachment(template_xlsx(today=timezone.localdate()), "mau-danh-sach-hoc-sinh.xlsx", "xlsx")
    if file_format == "csv":
        return _attachment(template_csv(today=timezone.localdate()), "mau-danh-sach-hoc-sinh.csv", "csv")
    raise Http404


@role_required(Role.TEACHER, Role.SCHOOL_ADMIN)
@require_POST
def roster_download(request):
    """A file offered by a result page: login slips (PDF or XLSX) or the bad rows of a refused roster."""
    payload = _unsign(request, DOWNLOAD_SALT)
    if payload is None:
        return HttpResponse(_("Liên kết tải đã hết hạn. Hãy làm lại thao tác để có tệp mới."), status=400,
                            content_type="text/plain; charset=utf-8")
    if payload.get("kind") == "bad_rows":
        return _attachment(base64.b64decode(payload["data"]), "dong-loi-danh-sach.xlsx", "xlsx")
    file_format = request.POST.get("format")
    if payload.get("kind") != "slips" or file_format not in {"pdf", "xlsx"}:
        return HttpResponse(_("Yêu cầu không hợp lệ."), status=400, content_type="text/plain; charset=utf-8")
    slips = [Slip(*values) for values in payload["slips"]]
    render_file = slips_pdf if file_format == "pdf" else slips_xlsx
    return _attachment(render_file(slips, login_url=_login_url(request)), f"{payload['name']}.{file_format}", file_format)


# --- Class pages: slips and consent ---------------------------------------------------------------


def _class_students(classroom):
    """The class's identifiable students (not de-identified), in Vietnamese name order, with consent."""
    return (
        selectors.classroom_students(classroom)
        .filter(is_deidentified=False)
        .select_related("consent__guardian_recorded_by", "consent__student_recorded_by")
    )


@login_required
def classroom_slips(request, pk):
    """Reprint slips: choose students, confirm, and they get new temporary passwords on new slips."""
    classroom = classroom_for_user_or_404(request.user, pk)
    posted = request.POST if request.method == "POST" else None
    form = SlipReissueForm(posted, students=_class_students(classroom))
    context = {"classroom": classroom, "form": form}
    if request.method != "POST":
        return render(request, "schools/rosters/slips_select.html", context)
    if not form.is_valid():
        return render(request, "schools/rosters/slips_select.html", context, status=400)
    chosen = list(form.cleaned_data["students"])
    if not form.cleaned_data["confirm"]:
        return render(request, "schools/rosters/slips_confirm.html", {**context, "chosen": chosen})
    slips = rosters.slips_reissue(classroom=classroom, students=chosen)
    name = f"phieu-dang-nhap-{slugify(classroom.name) or 'lop'}"
    return render(
        request,
        "schools/rosters/slips.html",
        {"classroom": classroom, "slips": slips, "slips_payload": _slips_payload(request, slips, name),
         "login_url": _login_url(request)},
    )


@login_required
def classroom_consent(request, pk):
    """Record the guardian's and the student's consent for the students of a class."""
    classroom = classroom_for_user_or_404(request.user, pk)
    posted = request.POST if request.method == "POST" else None
    form = ClassConsentForm(posted, students=list(_class_students(classroom)))
    if request.method == "POST" and form.is_valid():
        changed = services.consents_record(
            entries=form.entries(), recorded_by=request.user, on=form.cleaned_data["recorded_on"]
        )
        messages.success(request, _("Đã ghi nhận đồng ý của %(n)d học sinh.") % {"n": changed})
        return redirect(classroom.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    context = {"classroom": classroom, "form": form, "today": timezone.localdate()}
    return render(request, "schools/rosters/consent.html", context, status=status)


@login_required
def classroom_consent_form(request, pk):
    """The printable consent form of a class: one page per student, to take home and sign."""
    classroom = classroom_for_user_or_404(request.user, pk)
    document = ConsentFormDocument(
        department_name=classroom.school.province.department_name,
        school_name=classroom.school.name,
        class_name=classroom.name,
        school_year=classroom.school_year.name,
        student_names=tuple(_class_students(classroom).values_list("full_name", flat=True)),
    )
    filename = f"phieu-dong-y-du-lieu-{slugify(classroom.name) or 'lop'}.pdf"
    return _attachment(consent_form_pdf(document), filename, "pdf")
