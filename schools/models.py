"""People and places: provinces, schools, school years, classes, enrollments, roles, consent."""

import re
from datetime import date

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quizsite.request_memo import per_request
from schools.names import normalize_name, vietnamese_sort_key


class Province(models.Model):
    """A province or centrally-run city (34 since 1/7/2025, no district level)."""

    name = models.CharField(_("tên tỉnh/thành phố"), max_length=100, unique=True)
    code = models.SlugField(_("mã"), max_length=20, unique=True)
    department_name = models.CharField(
        _("tên Sở GD&ĐT"), max_length=150, help_text=_("Ví dụ: Sở Giáo dục và Đào tạo tỉnh Gia Lai")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("tỉnh/thành phố")
        verbose_name_plural = _("tỉnh/thành phố")

    def __str__(self):
        return self.name


class School(models.Model):
    """A high school (trường THPT) under a provincial Department of Education."""

    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="schools", verbose_name=_("tỉnh"))
    name = models.CharField(_("tên trường"), max_length=150)
    code = models.CharField(
        _("mã trường"), max_length=20, unique=True, validators=[], help_text=_("Dùng trong số văn bản, ví dụ THPTPBC")
    )
    place_name = models.CharField(_("địa danh ghi trên văn bản"), max_length=80)
    principal_name = models.CharField(_("họ tên hiệu trưởng"), max_length=100, blank=True)
    principal_title = models.CharField(_("chức danh người ký"), max_length=60, default="HIỆU TRƯỞNG")
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("trường")
        verbose_name_plural = _("trường")

    def __str__(self):
        return self.name


class SchoolYear(models.Model):
    """A school year and its calendar (data, not code: e.g. 5/9/2025 – 31/5/2026)."""

    name = models.CharField(_("năm học"), max_length=9, unique=True, help_text="2025-2026")
    starts_on = models.DateField(_("ngày khai giảng"))
    first_term_ends_on = models.DateField(_("kết thúc học kỳ I"))
    ends_on = models.DateField(_("ngày kết thúc năm học"))
    is_current = models.BooleanField(_("năm học hiện tại"), default=False)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("năm học")
        verbose_name_plural = _("năm học")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lt=models.F("first_term_ends_on"))
                & Q(first_term_ends_on__lt=models.F("ends_on")),
                name="schoolyear_dates_in_order",
            ),
            models.UniqueConstraint(fields=["is_current"], condition=Q(is_current=True), name="one_current_year"),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def current(cls) -> "SchoolYear | None":
        """The current school year, read once per request (every panel of a page asks)."""
        return per_request("school_year.current", lambda: cls.objects.filter(is_current=True).first())


GRADE_PATTERN = re.compile(r"^\s*(10|11|12)")


def grade_from_class_name(name: str) -> int | None:
    """'10A1' → 10, '12 Chuyên Tin' → 12; None when the name does not start with 10–12."""
    match = GRADE_PATTERN.match(name)
    return int(match.group(1)) if match else None


class Classroom(models.Model):
    """A class of one school in one school year (10A1, 10 Chuyên Tin …)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="classrooms", verbose_name=_("trường"))
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="classrooms", verbose_name=_("năm học")
    )
    name = models.CharField(_("tên lớp"), max_length=40)
    grade = models.PositiveSmallIntegerField(_("khối"))

    class Meta:
        ordering = ["grade", "name"]
        verbose_name = _("lớp")
        verbose_name_plural = _("lớp")
        constraints = [
            models.UniqueConstraint(fields=["school", "school_year", "name"], name="unique_class_per_school_year"),
            models.CheckConstraint(condition=Q(grade__gte=10) & Q(grade__lte=12), name="classroom_grade_10_12"),
        ]

    def __str__(self):
        return f"{self.name} ({self.school_year})"

    def get_absolute_url(self):
        return reverse("classroom_detail", args=[self.pk])


class User(AbstractUser):
    """Anyone who logs in. Students carry only what the work needs (no ID number, phone or address)."""

    class Sex(models.TextChoices):
        MALE = "M", _("Nam")
        FEMALE = "F", _("Nữ")

    class KeyKind(models.TextChoices):
        MOET = "moet", _("Mã định danh Bộ GD&ĐT")
        SCHOOL = "school", _("Mã học sinh của trường")

    full_name = models.CharField(_("họ và tên"), max_length=100)
    name_sort = models.CharField(max_length=400, editable=False, db_index=True, default="")
    student_key = models.CharField(_("mã học sinh"), max_length=30, null=True, blank=True)
    key_kind = models.CharField(max_length=8, choices=KeyKind.choices, blank=True)
    key_school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("Trường cấp mã, với mã riêng của trường"),
    )
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    sex = models.CharField(_("giới tính"), max_length=1, choices=Sex.choices, blank=True)
    must_change_password = models.BooleanField(_("phải đổi mật khẩu"), default=False)
    is_deidentified = models.BooleanField(default=False, editable=False)

    class Meta(AbstractUser.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["student_key"], condition=Q(key_kind="moet"), name="unique_moet_student_key"
            ),
            models.UniqueConstraint(
                fields=["key_school", "student_key"], condition=Q(key_kind="school"), name="unique_school_student_key"
            ),
        ]

    def __str__(self):
        return self.full_name or self.username

    def save(self, *args, **kwargs):
        self.full_name = normalize_name(self.full_name)
        self.name_sort = vietnamese_sort_key(self.full_name)
        super().save(*args, **kwargs)

    def age_on(self, day: date) -> int | None:
        if not self.birth_date:
            return None
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Enrollment(models.Model):
    """A student in a class for one school year (the official enrolment, sĩ số)."""

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="enrollments")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ghi danh")
        verbose_name_plural = _("ghi danh")
        constraints = [
            models.UniqueConstraint(fields=["student", "school_year"], name="one_class_per_student_per_year"),
        ]

    def __str__(self):
        return f"{self.student} → {self.classroom}"


class RoleAssignment(models.Model):
    """A role a user holds, scoped to a school or a province. One person may hold several."""

    class Role(models.TextChoices):
        STUDENT = "student", _("Học sinh")
        TEACHER = "teacher", _("Giáo viên")
        SCHOOL_ADMIN = "school_admin", _("Quản lý trường")
        PROVINCE_ADMIN = "province_admin", _("Sở GD&ĐT")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.CASCADE, related_name="role_assignments")
    province = models.ForeignKey(
        Province, null=True, blank=True, on_delete=models.CASCADE, related_name="role_assignments"
    )

    class Meta:
        verbose_name = _("vai trò")
        verbose_name_plural = _("vai trò")
        constraints = [
            models.CheckConstraint(
                condition=(Q(role="province_admin", province__isnull=False, school__isnull=True))
                | (~Q(role="province_admin") & Q(school__isnull=False, province__isnull=True)),
                name="role_scope_matches_role",
            ),
            models.UniqueConstraint(fields=["user", "role", "school", "province"], name="unique_role_assignment"),
            models.UniqueConstraint(
                fields=["user", "role", "school"], condition=Q(province__isnull=True), name="unique_school_role"
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()} – {self.school or self.province}"

    @property
    def scope_name(self) -> str:
        return str(self.school or self.province)


class TeachingAssignment(models.Model):
    """A teacher teaches a class; the homeroom teacher (GVCN) is flagged."""

    teacher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="teaching")
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="teachers")
    is_homeroom = models.BooleanField(_("giáo viên chủ nhiệm"), default=False)

    class Meta:
        verbose_name = _("phân công giảng dạy")
        verbose_name_plural = _("phân công giảng dạy")
        constraints = [
            models.UniqueConstraint(fields=["teacher", "classroom"], name="unique_teaching_assignment"),
            models.UniqueConstraint(
                fields=["classroom"], condition=Q(is_homeroom=True), name="one_homeroom_teacher_per_class"
            ),
        ]

    def __str__(self):
        return f"{self.teacher} – {self.classroom}"


class Consent(models.Model):
    """Consent to process a student's personal data (Law 91/2025/QH15, Decree 356/2025).

    Guardian and student both for students under 18; the student alone at 18 or
    over. Never on by default: each consent is recorded by a person, with a date.
    """

    student = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consent")
    guardian_given = models.BooleanField(_("phụ huynh đồng ý"), default=False)
    guardian_recorded_on = models.DateField(_("ngày ghi nhận (phụ huynh)"), null=True, blank=True)
    guardian_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    student_given = models.BooleanField(_("học sinh đồng ý"), default=False)
    student_recorded_on = models.DateField(_("ngày ghi nhận (học sinh)"), null=True, blank=True)
    student_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("đồng ý xử lý dữ liệu")
        verbose_name_plural = _("đồng ý xử lý dữ liệu")
        constraints = [
            models.CheckConstraint(
                condition=Q(guardian_given=False) | Q(guardian_recorded_on__isnull=False),
                name="guardian_consent_has_date",
            ),
            models.CheckConstraint(
                condition=Q(student_given=False) | Q(student_recorded_on__isnull=False),
                name="student_consent_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.student}: {self.status_label(timezone.localdate())}"

    def is_complete(self, on: date) -> bool:
        """Whether consent is complete for the student's age on that day."""
        age = self.student.age_on(on)
        if age is not None and age >= 18:
            return self.student_given
        return self.guardian_given and self.student_given

    def status_label(self, on: date) -> str:
        if self.is_complete(on):
            return str(_("Đã đồng ý"))
        if self.guardian_given or self.student_given:
            return str(_("Thiếu một bên"))
        return str(_("Chưa có"))
