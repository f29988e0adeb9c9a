"""Coverage pages, reports and exports: parse, check scope, call a selector or service, respond."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coverage import charts, exports, reports, selectors, services
from coverage.forms import (
    CutoffForm,
    DateRangeForm,
    GuidedPersonForm,
    RolloverForm,
    TargetForm,
    TrainingSessionForm,
)
from coverage.models import ExportLog, GuidedPerson, Target
from coverage.selectors import Scope
from evidence import selectors as evidence_selectors
from schools.access import classrooms_managed
from schools.decorators import role_required
from schools.models import Classroom, RoleAssignment, SchoolYear, User
from schools.views import classroom_for_user_or_404

Role = RoleAssignment.Role
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class BadRequest(Exception):
    """Bad query parameters: answered with the form's errors and status 400."""

    def __init__(self, form):
        self.form = form


def _errors_page(request, form):
    return render(request, "coverage/form_error.html", {"form": form}, status=400)


def _cutoff(request) -> tuple[CutoffForm, SchoolYear, date]:
    form = CutoffForm(request.GET)
    if not form.is_valid():
        raise BadRequest(form)
    year = form.school_year()
    if year is None:
        form.add_error(None, _("Chưa có năm học hiện tại. Hãy nhờ quản trị hệ thống tạo năm học."))
        raise BadRequest(form)
    return form, year, form.cutoff(timezone.localdate())


def handles_bad_request(view):
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BadRequest as error:
            return _errors_page(request, error.form)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


# --- dashboards ---------------------------------------------------------------------------------------


def _classroom_context(request, classroom: Classroom, session_form=None):
    form, _year, cutoff = _cutoff(request)
    figures = selectors.indicators_by(Scope.of(classroom, classroom.school_year), cutoff=cutoff, group="classroom")
    totals = selectors.total(figures)
    target_view = selectors.target_view(Scope.of(classroom, classroom.school_year), classroom.school.province,
                                        totals, cutoff=cutoff)
    lessons, progress = selectors.classroom_progress(classroom, cutoff=cutoff)
    students = [p.student for p in progress]
    return {
        "classroom": classroom,
        "cutoff_form": form,
        "cutoff": cutoff,
        "totals": totals,
        "targets": target_view,
        "bar": charts.bar_chart([(classroom.name, totals.coverage)], _target_percent(target_view)),
        "gain": evidence_selectors.gain_section(Scope.of(classroom, classroom.school_year), cutoff=cutoff,
                                                group="classroom"),
        "lessons": lessons,
        "progress": progress,
        "lesson_counts": [sum(1 for p in progress if lesson.pk in p.done) for lesson in lessons],
        "untrained": [p for p in progress if p.trained_at is None],
        "session_form": session_form or TrainingSessionForm(
            lessons=selectors.required_lessons(), students=User.objects.filter(pk__in=[s.pk for s in students]),
            initial={"held_on": min(timezone.localdate(), classroom.school_year.ends_on)},
        ),
        "sessions": classroom.training_sessions.select_related("lesson", "recorded_by").prefetch_related(
            "attendees")[:10],
        "guided": selectors.guided_for_classroom(classroom),
        "range_form": DateRangeForm(initial={"date_from": classroom.school_year.starts_on, "date_to": cutoff}),
    }


def _target_percent(target_view: selectors.TargetView) -> int | None:
    return target_view.current.share_percent if target_view.current else None


def _chart_context(dashboard: selectors.Dashboard) -> dict:
    return {
        "bars": charts.bar_chart([(obj.name, f.coverage) for obj, f in dashboard.rows], dashboard.target_percent),
        "trend": charts.line_chart(dashboard.trend, dashboard.target_percent),
    }


@login_required
@handles_bad_request
def classroom_dashboard(request, pk):
    classroom = classroom_for_user_or_404(request.user, pk)
    return render(request, "coverage/classroom.html", _classroom_context(request, classroom))


@login_required
@require_POST
@handles_bad_request
def training_session_create(request, pk):
    classroom = classroom_for_user_or_404(request.user, pk)
    students = User.objects.filter(enrollments__classroom=classroom)
    form = TrainingSessionForm(request.POST, lessons=selectors.required_lessons(), students=students)
    if form.is_valid():
        try:
            session = services.training_session_record(classroom=classroom, recorded_by=request.user,
                                                       **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Đã ghi nhận buổi dạy trực tiếp bài “%(l)s” cho %(n)s học sinh.")
                             % {"l": session.lesson.title, "n": len(form.cleaned_data["attendees"])})
            return redirect("coverage_classroom", classroom.pk)
    return render(request, "coverage/classroom.html", _classroom_context(request, classroom, form), status=400)


@login_required
@require_POST
def guided_check(request, pk):
    entry = get_object_or_404(GuidedPerson, pk=pk, classroom__in=classrooms_managed(request.user))
    services.guided_person_check(entry=entry, checked_by=request.user)
    messages.success(request, _("Đã xác nhận một trường hợp học sinh hướng dẫn người thân."))
    return redirect("coverage_classroom", entry.classroom_id)


@role_required(Role.SCHOOL_ADMIN)
@handles_bad_request
def school_dashboard(request):
    school = request.role.school
    form, year, cutoff = _cutoff(request)
    dashboard = selectors.school_dashboard(school, year, cutoff=cutoff)
    gain = evidence_selectors.gain_section(Scope.of(school, year), cutoff=cutoff, group="classroom",
                                           objects=[classroom for classroom, _figures in dashboard.rows])
    return render(request, "coverage/school.html", {"gain": gain,
        "school": school, "cutoff_form": form, "dashboard": dashboard,
        "grades": selectors.grade_totals(dashboard.rows), "behind": selectors.most_behind(dashboard.rows),
        "range_form": DateRangeForm(initial={"date_from": year.starts_on, "date_to": cutoff}),
        "query": request.GET.urlencode(), **_chart_context(dashboard),
    })


@role_required(Role.PROVINCE_ADMIN)
@handles_bad_request
def province_dashboard(request):
    province = request.role.province
    form, year, cutoff = _cutoff(request)
    dashboard = selectors.province_dashboard(province, year, cutoff=cutoff)
    gain = evidence_selectors.gain_section(Scope.of(province, year), cutoff=cutoff, group="school",
                                           objects=[school for school, _figures in dashboard.rows])
    return render(request, "coverage/province.html", {"gain": gain,
        "province": province, "cutoff_form": form, "dashboard": dashboard,
        "range_form": DateRangeForm(initial={"date_from": year.starts_on, "date_to": cutoff}),
        "query": request.GET.urlencode(), **_chart_context(dashboard),
    })


# --- targets ------------------------------------------------------------------------------------------


@role_required(Role.PROVINCE_ADMIN)
def targets(request, pk=None):
    province = request.role.province
    target = get_object_or_404(Target, pk=pk, province=province) if pk else None
    form = TargetForm(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        try:
            services.target_save(province=province, target=target, updated_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Đã lưu mục tiêu."))
            return redirect("coverage_targets")
    return render(request, "coverage/targets.html", {
        "province": province, "form": form, "editing": target,
        "national": Target.objects.filter(province__isnull=True),
        "own": Target.objects.filter(province=province),
        "applicable": selectors.target_specs(province),
    }, status=400 if request.method == "POST" else 200)


# --- people guided ------------------------------------------------------------------------------------


@role_required(Role.STUDENT)
def guided_people(request):
    form = GuidedPersonForm(request.POST or None)
    year = SchoolYear.current()
    if request.method == "POST" and form.is_valid():
        try:
            services.guided_person_create(student=request.user, school_year=year, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Cảm ơn em! Đã ghi lại một người em hướng dẫn."))
            return redirect("coverage_guided")
    return render(request, "coverage/guided.html", {
        "form": form,
        "entries": GuidedPerson.objects.filter(student=request.user),
        "trained": request.user.course_completions.exists(),
    }, status=400 if request.method == "POST" else 200)


# --- school year rollover -----------------------------------------------------------------------------


@role_required(Role.SCHOOL_ADMIN)
def rollover(request):
    school = request.role.school
    source = SchoolYear.current()
    if source is None:
        messages.error(request, _("Chưa có năm học hiện tại."))
        return redirect("coverage_school")
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = RolloverForm(data, source=source)
    context = {"school": school, "source": source, "form": form}
    if form.is_bound and form.is_valid():
        target = form.cleaned_data["target_year"]
        if request.method == "POST":
            try:
                plan = services.school_year_rollover(school=school, source=source, target=target)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                promoted = sum(row.students for row in plan if not row.graduates)
                messages.success(request, _("Đã chuyển %(n)s học sinh lên lớp trong năm học %(y)s.")
                                 % {"n": promoted, "y": target})
                return redirect("coverage_school")
        context.update(
            target=target,
            plan=services.rollover_plan(school=school, source=source, target=target),
            problems=services.rollover_problems(school=school, source=source, target=target),
        )
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "coverage/rollover.html", context, status=status)


# --- reports and exports ------------------------------------------------------------------------------


def _log(request, *, kind, file_format, scope: str, obj, date_from, date_to):
    services.export_log_record(
        user=request.user, kind=kind, file_format=file_format, scope=scope, scope_id=obj.pk,
        scope_label=str(obj.name), date_from=date_from, date_to=date_to,
    )


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _report_download(request, *, file_format: str, scope: str, obj, build_report, build_annex) -> HttpResponse:
    """The periodic report (DOCX) or its annex (XLSX) of a school or province, as of the chosen cut-off; audited."""
    _form, year, cutoff = _cutoff(request)
    if file_format == "docx":
        data = build_report(obj, year, cutoff, timezone.localdate())
        content, content_type, kind = reports.report_docx(data), DOCX, ExportLog.Kind.REPORT
    else:
        content, content_type, kind = build_annex(obj, year, cutoff), XLSX, ExportLog.Kind.ANNEX
    _log(request, kind=kind, file_format=file_format, scope=scope, obj=obj, date_from=None, date_to=cutoff)
    return _download(content, content_type, f"bao-cao-{obj.code}-{cutoff:%Y%m%d}.{file_format}")


@role_required(Role.SCHOOL_ADMIN)
@handles_bad_request
def school_report(request, file_format):
    return _report_download(
        request, file_format=file_format, scope=ExportLog.Scope.SCHOOL, obj=request.role.school,
        build_report=reports.school_report, build_annex=reports.school_annex_xlsx,
    )


@role_required(Role.PROVINCE_ADMIN)
@handles_bad_request
def province_report(request, file_format):
    return _report_download(
        request, file_format=file_format, scope=ExportLog.Scope.PROVINCE, obj=request.role.province,
        build_report=reports.province_report, build_annex=reports.province_annex_xlsx,
    )


def _export(request, *, scope_kind: str, obj, school_year: SchoolYear, file_format: str, slug: str):
    form = DateRangeForm(request.GET)
    if not form.is_valid():
        return _errors_page(request, form)
    date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    headers, rows = exports.table(Scope.of(obj, school_year), date_from=date_from, date_to=date_to)
    _log(request, kind=ExportLog.Kind.PARTICIPATION, file_format=file_format, scope=scope_kind, obj=obj,
         date_from=date_from, date_to=date_to)
    filename = f"tham-gia-{slugify(slug)}-{date_from:%Y%m%d}-{date_to:%Y%m%d}.{file_format}"
    if file_format == "csv":
        response = StreamingHttpResponse(exports.csv_chunks(headers, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return FileResponse(exports.xlsx_file(headers, rows, "Tham gia"), as_attachment=True, filename=filename,
                        content_type=XLSX)


@login_required
def export_classroom(request, pk, file_format):
    classroom = classroom_for_user_or_404(request.user, pk)
    return _export(request, scope_kind=ExportLog.Scope.CLASSROOM, obj=classroom, school_year=classroom.school_year,
                   file_format=file_format, slug=f"{classroom.school.code}-{classroom.name}")


@role_required(Role.SCHOOL_ADMIN)
@handles_bad_request
def export_school(request, file_format):
    school = request.role.school
    _form, year, _cutoff_day = _cutoff(request)
    return _export(request, scope_kind=ExportLog.Scope.SCHOOL, obj=school, school_year=year,
                   file_format=file_format, slug=school.code)


@role_required(Role.PROVINCE_ADMIN)
@handles_bad_request
def export_province(request, file_format):
    province = request.role.province
    _form, year, _cutoff_day = _cutoff(request)
    return _export(request, scope_kind=ExportLog.Scope.PROVINCE, obj=province, school_year=year,
                   file_format=file_format, slug=province.code)
