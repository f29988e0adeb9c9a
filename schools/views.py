import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lessons import selectors as lesson_selectors
from online_contests import selectors as online_selectors
from schools import selectors, services, throttle
from schools.access import classrooms_managed, classrooms_taught
from schools.decorators import role_required
from schools.forms import (
    ClassroomCreateForm,
    StudentCreateForm,
    TeacherAssignForm,
    TeacherCreateForm,
    ThrottledAuthenticationForm,
)
from schools.middleware import ACTIVITY_KEY
from schools.models import Classroom, RoleAssignment, SchoolYear
from schools.roles import active_role, set_active_role

Role = RoleAssignment.Role

def classroom_for_user_or_404(user, pk) -> Classroom:
    """Shared by other apps: a class the user manages, or 404."""
    return get_object_or_404(classrooms_managed(user).select_related("school__province", "school_year"), pk=pk)


HOME_BY_ROLE = {
    Role.STUDENT: "student_home",
    Role.TEACHER: "teacher_home",
    Role.SCHOOL_ADMIN: "school_admin_home",
    Role.PROVINCE_ADMIN: "province_admin_home",
}


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        return self._with_client_cookie(super().form_invalid(form), form.login_client)

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        client = throttle.client_from_cookie(request.COOKIES.get(throttle.CLIENT_COOKIE))
        return response if client.id else self._with_client_cookie(response, client)

    def _with_client_cookie(self, response, client, *, trust_username=None):
        """Give the browser its login cookie: failures are counted per browser, and a login marks it trusted."""
        if client.id and trust_username is None:
            return response
        response.set_cookie(
            throttle.CLIENT_COOKIE,
            throttle.client_cookie_value(client, trust_username=trust_username),
            max_age=throttle.CLIENT_COOKIE_MAX_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        return response

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        self._with_client_cookie(response, form.login_client, trust_username=user.get_username())
        if user.roles.filter(role=Role.STUDENT).exists() and not user.roles.exclude(role=Role.STUDENT).exists():
            # Shared lab PCs: a student's session ends with the browser.
            self.request.session.set_expiry(0)
            self.request.session["is_student"] = True
            self.request.session[ACTIVITY_KEY] = int(time.time())
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.user.must_change_password:
            form.user.must_change_password = False
            form.user.save(update_fields=["must_change_password"])
        messages.success(self.request, _("Đã đổi mật khẩu. Hãy ghi nhớ mật khẩu mới và không chia sẻ cho ai."))
        return response


@login_required
def home(request):
    role = active_role(request)
    if role is None:
        if request.user.is_staff:
            return redirect("admin:index")
        return render(request, "schools/no_role.html", status=403)
    return redirect(HOME_BY_ROLE[role.role])


@login_required
@require_POST
def role_switch(request):
    role = get_object_or_404(RoleAssignment, pk=request.POST.get("role"), user=request.user)
    set_active_role(request, role)
    return redirect(HOME_BY_ROLE[role.role])


@role_required(Role.STUDENT)
def student_home(request):
    # This year's class (the panels need it too, so it is read once); else the latest one.
    enrollment = selectors.student_current_enrollment(request.user) or request.user.enrollments.select_related(
        "classroom__school", "school_year"
    ).order_by("-school_year__starts_on").first()
    context = {
        "enrollment": enrollment,
        "open_practice": lesson_selectors.student_open_practice(student=request.user),
        "open_attempt": online_selectors.student_open_attempt(student=request.user, now=timezone.now()),
    }
    return render(request, "schools/student_home.html", context)


@role_required(Role.TEACHER)
def teacher_home(request):
    classrooms = selectors.classroom_list_with_counts(
        classrooms_taught(request.user).filter(school=request.role.school)
    ).order_by("-school_year__starts_on", "grade", "name")
    return render(request, "schools/teacher_home.html", {"classrooms": classrooms})


@login_required
def classroom_detail(request, pk):
    classroom = classroom_for_user_or_404(request.user, pk)
    return render(
        request,
        "schools/classroom_detail.html",
        {
            "classroom": classroom,
            "students": selectors.classroom_students(classroom),
            "teachers": classroom.teachers.select_related("teacher"),
        },
    )


def _school_admin_context(request, **extra):
    school = request.role.school
    year = SchoolYear.current()
    classrooms = selectors.classroom_list_with_counts(school.classrooms.filter(school_year=year))
    teachers = selectors.school_teachers(school)
    return {
        "school": school,
        "school_year": year,
        "classrooms": classrooms,
        "teachers": teachers,
        "student_count": selectors.school_student_count(school, year),
        "teacher_form": TeacherCreateForm(),
        "classroom_form": ClassroomCreateForm(),
        "assign_form": TeacherAssignForm(teachers=teachers, classrooms=classrooms),
        **extra,
    }


@role_required(Role.SCHOOL_ADMIN)
def school_admin_home(request):
    return render(request, "schools/school_admin_home.html", _school_admin_context(request))


def _handle_admin_form(request, form, action, success_message):
    """Run a school admin's form action; re-render the page with errors on bad input."""
    if form.is_valid():
        try:
            result = action(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, success_message(result))
            return redirect("school_admin_home")
    context = _school_admin_context(request, **{form.context_name: form})
    return render(request, "schools/school_admin_home.html", context, status=400)


@role_required(Role.SCHOOL_ADMIN)
@require_POST
def teacher_create(request):
    form = TeacherCreateForm(request.POST)
    form.context_name = "teacher_form"
    return _handle_admin_form(
        request,
        form,
        lambda data: services.teacher_create(school=request.role.school, **data),
        lambda teacher: _("Đã tạo tài khoản giáo viên %(name)s.") % {"name": teacher.full_name},
    )


@role_required(Role.SCHOOL_ADMIN)
@require_POST
def classroom_create(request):
    form = ClassroomCreateForm(request.POST)
    form.context_name = "classroom_form"
    year = SchoolYear.current()
    return _handle_admin_form(
        request,
        form,
        lambda data: services.classroom_create(school=request.role.school, school_year=year, name=data["name"]),
        lambda classroom: _("Đã tạo lớp %(name)s.") % {"name": classroom.name},
    )


@role_required(Role.SCHOOL_ADMIN)
@require_POST
def teacher_assign(request):
    school = request.role.school
    form = TeacherAssignForm(
        request.POST,
        teachers=selectors.school_teachers(school),
        classrooms=school.classrooms.filter(school_year=SchoolYear.current()),
    )
    form.context_name = "assign_form"
    return _handle_admin_form(
        request,
        form,
        lambda data: services.teacher_assign(**data),
        lambda a: _("Đã phân công %(t)s dạy lớp %(c)s.") % {"t": a.teacher.full_name, "c": a.classroom.name},
    )


@login_required
def student_create(request, pk):
    classroom = classroom_for_user_or_404(request.user, pk)
    form = StudentCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            student, password = services.student_create(classroom=classroom, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return render(
                request, "schools/student_created.html",
                {"classroom": classroom, "student": student, "password": password},
            )
    status = 400 if request.method == "POST" else 200
    return render(request, "schools/student_form.html", {"classroom": classroom, "form": form}, status=status)


@role_required(Role.PROVINCE_ADMIN)
def province_admin_home(request):
    province = request.role.province
    year = SchoolYear.current()
    schools = selectors.province_schools_with_counts(province, year)
    return render(
        request, "schools/province_admin_home.html", {"province": province, "schools": schools, "school_year": year}
    )
