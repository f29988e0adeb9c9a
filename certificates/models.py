"""Issued certificates and the per-school number counters.

A certificate is an official record: everything printed on it is copied
(snapshotted) when it is issued, so renaming a student, a class or a school
later never changes a certificate already handed out. The PDF is drawn from
these fields on demand.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certificates.codes import code_display


class CertificateCounter(models.Model):
    """The last serial number used by a school in a calendar year.

    Official documents are numbered from 1 each calendar year (Decree
    30/2020/NĐ-CP, art. 15). The issuing service locks this row with
    ``select_for_update`` so two issues at once never share a number.
    """

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "year"], name="one_certificate_counter_per_year")]

    def __str__(self):
        return f"{self.school_id}/{self.year}: {self.last_serial}"


class Certificate(models.Model):
    """One issued certificate: its number, its verification code and what it printed."""

    class Kind(models.TextChoices):
        COURSE = "course", _("Hoàn thành khóa học")
        AWARD_FIRST = "award_first", _("Giải Nhất")
        AWARD_SECOND = "award_second", _("Giải Nhì")
        AWARD_THIRD = "award_third", _("Giải Ba")
        AWARD_CONSOLATION = "award_consolation", _("Giải Khuyến khích")
        PARTICIPATION = "participation", _("Tham gia cuộc thi")

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="certificates")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates")
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    source_key = models.CharField(
        max_length=120, help_text="the achievement, e.g. 'course:dvctt' or 'online-contest:12:first'"
    )
    year = models.PositiveSmallIntegerField(_("năm cấp"))
    serial = models.PositiveIntegerField(_("số thứ tự"))
    code = models.CharField(_("mã xác thực"), max_length=28, unique=True)

    # What the certificate printed, copied at issue time.
    number = models.CharField(_("số"), max_length=60)
    title = models.CharField(_("tên giấy chứng nhận"), max_length=200, help_text="printed lines, one per line")
    department_name = models.CharField(max_length=150)
    school_name = models.CharField(max_length=150)
    certifier_line = models.CharField(max_length=250)
    holder_name = models.CharField(_("họ và tên"), max_length=100)
    class_name = models.CharField(_("lớp"), max_length=40, blank=True)
    achievement = models.TextField(_("nội dung"), help_text="printed lines, one per line")
    school_year = models.CharField(_("năm học"), max_length=9)
    place_name = models.CharField(max_length=80)
    issued_on = models.DateField(_("ngày cấp"))
    signer_title = models.CharField(max_length=120)
    signer_name = models.CharField(max_length=100, blank=True)

    # The QR matrix of ``qr_url`` (certificates.pdf.qr_pack), computed once at issue.
    qr_url = models.CharField(max_length=300, blank=True)
    qr_matrix = models.TextField(blank=True)

    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revocation_reason = models.CharField(_("lý do thu hồi"), max_length=500, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("giấy chứng nhận")
        verbose_name_plural = _("giấy chứng nhận")
        constraints = [
            models.UniqueConstraint(fields=["school", "year", "serial"], name="unique_certificate_serial"),
            # One valid certificate per achievement; a revoked one may be replaced.
            models.UniqueConstraint(
                fields=["student", "source_key"],
                condition=Q(revoked_at__isnull=True),
                name="one_valid_certificate_per_achievement",
            ),
            models.CheckConstraint(condition=Q(serial__gte=1), name="certificate_serial_positive"),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revocation_reason="")
                | (Q(revoked_at__isnull=False) & ~Q(revocation_reason="")),
                name="certificate_revocation_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["school", "issued_at"])]

    def __str__(self):
        return f"{self.number} – {self.holder_name}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def code_display(self) -> str:
        return code_display(self.code)

    @property
    def title_lines(self) -> list[str]:
        return self.title.splitlines()

    @property
    def title_text(self) -> str:
        """The title as one sentence, for web pages."""
        return " ".join(self.title_lines)

    @property
    def achievement_lines(self) -> list[str]:
        return self.achievement.splitlines()
