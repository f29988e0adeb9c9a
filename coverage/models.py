"""Coverage data: targets, in-person training sessions, people guided by students, export audit log,
and the per-student summary the dashboards add up.

Who is trained is decided by ``lessons.CourseCompletion`` (once trained, always
trained); ``StudentSummary`` keeps a copy of its time next to the other per-student
figures. Coverage figures are read by ``coverage.selectors``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Target(models.Model):
    """A coverage target: ``share_percent`` of enrolled students trained by ``deadline``.

    ``province`` empty means a national target; a province's own target on the
    same deadline takes precedence over the national one.
    """

    province = models.ForeignKey(
        "schools.Province", null=True, blank=True, on_delete=models.CASCADE, related_name="coverage_targets",
        verbose_name=_("tỉnh"),
    )
    share_percent = models.PositiveSmallIntegerField(_("tỷ lệ học sinh được phổ cập (%)"))
    deadline = models.DateField(_("thời hạn"))
    label = models.CharField(_("căn cứ / quyết định"), max_length=200)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["deadline"]
        verbose_name = _("mục tiêu phổ cập")
        verbose_name_plural = _("mục tiêu phổ cập")
        constraints = [
            models.CheckConstraint(
                condition=Q(share_percent__gte=1) & Q(share_percent__lte=100), name="target_share_1_100"
            ),
            models.UniqueConstraint(fields=["province", "deadline"], name="one_target_per_province_deadline"),
            models.UniqueConstraint(
                fields=["deadline"], condition=Q(province__isnull=True), name="one_national_target_per_deadline"
            ),
        ]

    def __str__(self):
        return f"{self.share_percent}% – {self.deadline:%d/%m/%Y}"


class TrainingSession(models.Model):
    """An in-person lesson taught by a teacher: who attended is recorded, and by whom (auditable)."""

    classroom = models.ForeignKey(
        "schools.Classroom", on_delete=models.PROTECT, related_name="training_sessions", verbose_name=_("lớp")
    )
    lesson = models.ForeignKey(
        "lessons.Lesson", on_delete=models.PROTECT, related_name="training_sessions", verbose_name=_("bài học")
    )
    held_on = models.DateField(_("ngày dạy"))
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="training_sessions_attended", verbose_name=_("học sinh có mặt")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_sessions_recorded"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-recorded_at"]
        verbose_name = _("buổi dạy trực tiếp")
        verbose_name_plural = _("buổi dạy trực tiếp")

    def __str__(self):
        return f"{self.classroom.name} – {self.lesson} – {self.held_on:%d/%m/%Y}"


class GuidedPerson(models.Model):
    """A student helped someone do a public-service procedure online. Nothing identifies the person helped."""

    class Relationship(models.TextChoices):
        PARENT = "parent", _("Bố/mẹ")
        GRANDPARENT = "grandparent", _("Ông/bà")
        OTHER_RELATIVE = "relative", _("Người thân khác")
        NEIGHBOUR = "neighbour", _("Hàng xóm")

    class Procedure(models.TextChoices):
        VNEID = "vneid", _("Đăng ký, kích hoạt tài khoản định danh điện tử (VNeID)")
        BIRTH = "birth", _("Đăng ký khai sinh, cấp thẻ BHYT cho trẻ dưới 6 tuổi (liên thông)")
        RESIDENCE = "residence", _("Đăng ký thường trú, tạm trú")
        DRIVING_LICENCE = "driving", _("Đổi, cấp lại giấy phép lái xe")
        CRIMINAL_RECORD = "record", _("Cấp phiếu lý lịch tư pháp")
        SOCIAL_INSURANCE = "insurance", _("Bảo hiểm xã hội, bảo hiểm y tế")
        ELECTRICITY_WATER = "utility", _("Thanh toán tiền điện, nước, học phí")
        OTHER = "other", _("Thủ tục khác")

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="people_guided")
    classroom = models.ForeignKey(
        "schools.Classroom", on_delete=models.CASCADE, related_name="people_guided",
        help_text="the student's class when the entry was made",
    )
    school_year = models.ForeignKey("schools.SchoolYear", on_delete=models.PROTECT, related_name="+")
    relationship = models.CharField(_("người được hướng dẫn là"), max_length=12, choices=Relationship.choices)
    procedure = models.CharField(_("thủ tục"), max_length=12, choices=Procedure.choices)
    guided_on = models.DateField(_("ngày hướng dẫn"))
    fully_online = models.BooleanField(_("đã làm toàn trình trực tuyến"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-guided_on", "-created_at"]
        verbose_name = _("người được học sinh hướng dẫn")
        verbose_name_plural = _("người được học sinh hướng dẫn")
        constraints = [
            models.CheckConstraint(
                condition=Q(checked_by__isnull=True) | Q(checked_at__isnull=False), name="guided_checked_has_time"
            ),
        ]
        indexes = [models.Index(fields=["school_year", "classroom"])]

    def __str__(self):
        return f"{self.get_relationship_display()} – {self.get_procedure_display()}"


class ExportLog(models.Model):
    """Every export and report download: who, what, which scope, when."""

    class Kind(models.TextChoices):
        PARTICIPATION = "participation", _("Dữ liệu tham gia")
        REPORT = "report", _("Báo cáo định kỳ")
        ANNEX = "annex", _("Phụ lục báo cáo")

    class Scope(models.TextChoices):
        CLASSROOM = "classroom", _("Lớp")
        SCHOOL = "school", _("Trường")
        PROVINCE = "province", _("Tỉnh")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coverage_exports")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    file_format = models.CharField(max_length=8)
    scope = models.CharField(max_length=12, choices=Scope.choices)
    scope_id = models.PositiveBigIntegerField()
    scope_label = models.CharField(max_length=200)
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("nhật ký xuất dữ liệu")
        verbose_name_plural = _("nhật ký xuất dữ liệu")

    def __str__(self):
        return f"{self.user} – {self.get_kind_display()} {self.file_format} – {self.scope_label}"


class StudentSummary(models.Model):
    """One student's figures that the dashboards add up, kept current by the services that change them.

    A copy of what the learning records say (``coverage.summaries`` writes it in the
    same transaction as the record, and rebuilds it from the records on demand), so a
    dashboard reads one narrow row per enrolled student instead of joining every
    completion and attempt. Keyed by the student, not the enrollment: roster changes
    and year rollovers need no update. Sums carry the time of their latest event, so
    they are exact for any cut-off after it; an earlier cut-off counts those students
    from the records.
    """

    student = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="coverage_summary"
    )
    trained_at = models.DateTimeField(null=True, blank=True, help_text="first course completion")
    started_at = models.DateTimeField(
        null=True, blank=True, help_text="first practice attempt started or lesson completed"
    )
    lessons_completed = models.PositiveIntegerField(default=0)
    last_completed_at = models.DateTimeField(null=True, blank=True)
    scores_sum = models.PositiveIntegerField(default=0, help_text="sum of submitted practice percents")
    scores_count = models.PositiveIntegerField(default=0)
    last_submitted_at = models.DateTimeField(null=True, blank=True)
    stars_sum = models.PositiveIntegerField(default=0, help_text="lesson ratings as they stand now")
    stars_count = models.PositiveIntegerField(default=0)
    stars_high = models.PositiveIntegerField(default=0, help_text="ratings of 4 or 5 stars")

    class Meta:
        verbose_name = _("số liệu tổng hợp của học sinh")
        verbose_name_plural = _("số liệu tổng hợp của học sinh")
        constraints = [
            models.CheckConstraint(
                condition=Q(lessons_completed=0) | Q(last_completed_at__isnull=False), name="summary_completed_has_time"
            ),
            models.CheckConstraint(
                condition=Q(scores_count=0) | Q(last_submitted_at__isnull=False), name="summary_scored_has_time"
            ),
            models.CheckConstraint(condition=Q(stars_high__lte=models.F("stars_count")), name="summary_high_le_count"),
        ]
        indexes = [
            models.Index(fields=["last_completed_at"], name="summary_last_completed"),
            models.Index(fields=["last_submitted_at"], name="summary_last_submitted"),
        ]

    def __str__(self):
        return f"{self.student_id}"
