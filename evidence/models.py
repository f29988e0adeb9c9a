"""Learning evidence: each student's entry check (before the course) and exit check (once trained).

A check is a self-assessment (``evidence.rules.SELF_ASSESSMENT``, stored as
``{item key: level 1–4}``) and a short knowledge check drawn from the bank's
items of form A (entry) or B (exit), so no item of the entry check reappears in
the exit check. A student has at most one check of each kind; skipping one is
recorded too (``skipped_at``) and is final, so the offer does not come back.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class LearningCheck(models.Model):
    class Kind(models.TextChoices):
        ENTRY = "entry", _("Kiểm tra đầu vào")
        EXIT = "exit", _("Kiểm tra cuối khóa")

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evidence_checks")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    seed = models.CharField(max_length=40, blank=True, help_text="shuffles the options shown to this student")
    submitted_at = models.DateTimeField(null=True, blank=True)
    skipped_at = models.DateTimeField(null=True, blank=True)
    self_assessment = models.JSONField(default=dict, blank=True, help_text="{item key: level 1–4}")
    correct_count = models.PositiveSmallIntegerField(default=0)
    total = models.PositiveSmallIntegerField(default=0)
    percent = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("bài kiểm tra đầu vào/cuối khóa")
        verbose_name_plural = _("bài kiểm tra đầu vào/cuối khóa")
        constraints = [
            models.UniqueConstraint(fields=["student", "kind"], name="one_check_per_kind_per_student"),
            models.CheckConstraint(
                condition=(Q(submitted_at__isnull=False) & Q(skipped_at__isnull=True) & Q(percent__isnull=False))
                | (Q(submitted_at__isnull=True) & Q(skipped_at__isnull=False) & Q(percent__isnull=True)),
                name="check_submitted_xor_skipped",
            ),
            models.CheckConstraint(condition=Q(correct_count__lte=F("total")), name="check_correct_le_total"),
            models.CheckConstraint(condition=Q(percent__lte=100), name="check_percent_le_100"),
        ]
        indexes = [models.Index(fields=["kind", "submitted_at"], name="check_kind_submitted")]

    def __str__(self):
        return f"{self.student_id} – {self.get_kind_display()}"

    @property
    def skipped(self) -> bool:
        return self.skipped_at is not None


class CheckAnswer(models.Model):
    """One knowledge item of a submitted check, graded like practice (all or nothing)."""

    learning_check = models.ForeignKey(LearningCheck, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey("lessons.Question", on_delete=models.PROTECT, related_name="+")
    response = models.JSONField(default=list)
    is_correct = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learning_check", "question"], name="one_answer_per_question_per_check"),
        ]

    def __str__(self):
        return f"{self.learning_check_id}/{self.question_id}: {'✓' if self.is_correct else '✗'}"
