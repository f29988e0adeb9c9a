from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schools import services
from schools.models import (
    Classroom,
    Consent,
    Enrollment,
    Province,
    RoleAssignment,
    School,
    SchoolYear,
    TeachingAssignment,
    User,
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "student_key", "is_staff", "must_change_password"]
    search_fields = ["username", "full_name", "student_key"]
    ordering = ["name_sort"]
    fieldsets = [
        (None, {"fields": ["username", "password", "full_name", "must_change_password"]}),
        ("Học sinh", {"fields": ["student_key", "key_kind", "key_school", "birth_date", "sex"]}),
        ("Quyền", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["username", "full_name", "password1", "password2"]})]
    actions = ["deidentify_students"]

    @admin.action(description=gettext_lazy("Rút lại đồng ý: ẩn danh các học sinh đã chọn"), permissions=["change"])
    def deidentify_students(self, request, queryset):
        """Withdrawal of consent, after a confirmation page: see services.student_deidentify."""
        if request.POST.get("confirm") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": _("Xác nhận ẩn danh học sinh"),
                "queryset": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "schools/rosters/admin_deidentify_confirm.html", context)
        done = 0
        for student in queryset:
            try:
                student = services.student_deidentify(student=student, withdrawn_by=request.user, on=timezone.localdate())
            except ValidationError as error:
                self.message_user(request, f"{student.username}: {' '.join(error.messages)}", messages.ERROR)
                continue
            self.log_change(request, student, _("Ẩn danh theo yêu cầu rút lại đồng ý"))
            done += 1
        self.message_user(request, _("Đã ẩn danh %(n)d học sinh.") % {"n": done}, messages.SUCCESS)
        return None


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "department_name"]
    inlines = [RoleInline]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "province", "place_name"]
    list_filter = ["province"]
    search_fields = ["name", "code"]
    inlines = [RoleInline]


@admin.register(SchoolYear)
class SchoolYearAdmin(admin.ModelAdmin):
    list_display = ["name", "starts_on", "first_term_ends_on", "ends_on", "is_current"]


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ["name", "grade", "school", "school_year"]
    list_filter = ["school_year", "grade", "school"]


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["student", "classroom", "school_year"]
    raw_id_fields = ["student", "classroom"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "school", "province"]
    list_filter = ["role"]
    raw_id_fields = ["user"]


@admin.register(TeachingAssignment)
class TeachingAssignmentAdmin(admin.ModelAdmin):
    list_display = ["teacher", "classroom", "is_homeroom"]
    raw_id_fields = ["teacher", "classroom"]


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["student", "guardian_given", "guardian_recorded_on", "student_given", "student_recorded_on"]
    raw_id_fields = ["student", "guardian_recorded_by", "student_recorded_by"]
