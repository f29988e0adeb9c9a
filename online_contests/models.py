"""Online contests (cuộc thi trực tuyến): a time window, one timed attempt per student, ranking and prizes.

A contest is organised by a school (school contest) or a province (province
contest) for some schools and grades of one school year. Questions are drawn
per student from question pools (a lesson's practice quiz or a teacher's own
quiz) with the same count from each pool for everyone.

Lifecycle: ``draft`` (organiser edits, previews a sample draw) → ``scheduled``
(students in scope see it and may start while ``opens_at <= now < closes_at``)
→ ``published`` (after closing, the organiser reviewed and published results;
ranks and prizes are frozen on the attempts and school results).
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from online_contests.ranking import share_percent


class Prize(models.TextChoices):
    """Prize tiers, best first (the order ranking fills them in)."""

    FIRST = "first", _("Giải Nhất")
    SECOND = "second", _("Giải Nhì")
    THIRD = "third", _("Giải Ba")
    CONSOLATION = "consolation", _("Giải Khuyến khích")


class Phase(models.TextChoices):
    """Where a contest stands at a given moment (status plus the time window)."""

    DRAFT = "draft", _("Bản nháp")
    UPCOMING = "upcoming", _("Sắp mở")
    OPEN = "open", _("Đang mở")
    CLOSED = "closed", _("Đã đóng, chờ công bố kết quả")
    PUBLISHED = "published", _("Đã công bố kết quả")


class OnlineContest(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        SCHEDULED = "scheduled", _("Đã công bố cuộc thi")
        PUBLISHED = "published", _("Đã công bố kết quả")

    DEFAULT_TIEBREAK_PROMPT = _("Theo em, có bao nhiêu học sinh tham gia cuộc thi này?")

    name = models.CharField(_("tên cuộc thi"), max_length=200)
    organizer_name = models.CharField(_("Ban Tổ chức"), max_length=200)
    school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.PROTECT, related_name="organised_online_contests"
    )
    province = models.ForeignKey(
        "schools.Province", null=True, blank=True, on_delete=models.PROTECT, related_name="online_contests"
    )
    school_year = models.ForeignKey("schools.SchoolYear", on_delete=models.PROTECT, related_name="+")
    schools = models.ManyToManyField("schools.School", related_name="online_contests", verbose_name=_("trường tham gia"))
    grades = models.JSONField(_("khối lớp"), default=list, help_text="sorted list drawn from 10, 11, 12")
    opens_at = models.DateTimeField(_("thời điểm mở"))
    closes_at = models.DateTimeField(_("thời điểm đóng"))
    time_limit_minutes = models.PositiveSmallIntegerField(_("thời gian làm bài (phút)"))
    tiebreak_enabled = models.BooleanField(_("có câu hỏi phụ dự đoán số người tham gia"), default=False)
    prize_first = models.PositiveSmallIntegerField(_("số giải Nhất"), default=0)
    prize_second = models.PositiveSmallIntegerField(_("số giải Nhì"), default=0)
    prize_third = models.PositiveSmallIntegerField(_("số giải Ba"), default=0)
    prize_consolation = models.PositiveSmallIntegerField(_("số giải Khuyến khích"), default=0)
    school_award_count = models.PositiveSmallIntegerField(_("số trường được khen (tập thể)"), default=0)
    rules_md = models.TextField(_("thể lệ (Markdown)"), blank=True)
    rules_html = models.TextField(editable=False, blank=True, help_text="sanitised HTML rendered from rules_md on save")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    draw_salt = models.CharField(max_length=32, editable=False)
    participant_count = models.PositiveIntegerField(default=0, help_text="frozen when results are published")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opens_at", "pk"]
        verbose_name = _("cuộc thi trực tuyến")
        verbose_name_plural = _("cuộc thi trực tuyến")
        constraints = [
            models.CheckConstraint(
                condition=Q(school__isnull=False, province__isnull=True) | Q(school__isnull=True, province__isnull=False),
                name="online_contest_one_organiser",
            ),
            models.CheckConstraint(
                condition=Q(opens_at__lt=F("closes_at")), name="online_contest_window_in_order",
                violation_error_message=_("Thời điểm đóng phải sau thời điểm mở."),
            ),
            models.CheckConstraint(
                condition=Q(time_limit_minutes__gte=1) & Q(time_limit_minutes__lte=300),
                name="online_contest_time_limit_1_300",
                violation_error_message=_("Thời gian làm bài phải từ 1 đến 300 phút."),
            ),
            models.CheckConstraint(
                condition=Q(status="published", published_at__isnull=False) | ~Q(status="published"),
                name="online_contest_published_has_date",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("online_contests:contest_detail", args=[self.pk])

    def phase(self, now: datetime) -> Phase:
        """The contest's phase at ``now`` (server time)."""
        if self.status == self.Status.DRAFT:
            return Phase.DRAFT
        if self.status == self.Status.PUBLISHED:
            return Phase.PUBLISHED
        if now < self.opens_at:
            return Phase.UPCOMING
        return Phase.OPEN if now < self.closes_at else Phase.CLOSED

    @property
    def organiser_scope_name(self) -> str:
        return str(self.school or self.province)

    @property
    def prize_counts(self) -> dict[str, int]:
        """Prize counts per tier, best tier first."""
        return {
            Prize.FIRST: self.prize_first,
            Prize.SECOND: self.prize_second,
            Prize.THIRD: self.prize_third,
            Prize.CONSOLATION: self.prize_consolation,
        }

    @property
    def question_count(self) -> int:
        return sum(pool.count for pool in self.pools.all())


class ContestPool(models.Model):
    """Draw ``count`` questions from ``quiz`` for every attempt."""

    contest = models.ForeignKey(OnlineContest, on_delete=models.CASCADE, related_name="pools")
    quiz = models.ForeignKey("lessons.Quiz", on_delete=models.PROTECT, related_name="+")
    count = models.PositiveSmallIntegerField(_("số câu"))

    class Meta:
        ordering = ["contest", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "quiz"], name="one_pool_per_quiz_per_contest"),
            models.CheckConstraint(condition=Q(count__gte=1), name="pool_count_positive"),
        ]

    def __str__(self):
        return f"{self.count} × {self.quiz}"


class Attempt(models.Model):
    """A student's one attempt: the drawn questions and the deadline are fixed at start.

    ``question_ids`` holds the drawn question ids in display order. ``deadline``
    is ``min(started_at + time limit, closes_at)``, clamped if the organiser
    closes early. ``finished_at`` is the submission time, or the deadline when
    the attempt closed itself. Rank and prize are set when results are published.
    """

    class Finish(models.TextChoices):
        SUBMITTED = "submitted", _("Đã nộp bài")
        EXPIRED = "expired", _("Hết giờ, hệ thống tự nộp")

    contest = models.ForeignKey(OnlineContest, on_delete=models.CASCADE, related_name="attempts")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="online_attempts")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    classroom = models.ForeignKey("schools.Classroom", on_delete=models.PROTECT, related_name="+")
    seed = models.CharField(max_length=40)
    question_ids = models.JSONField(default=list)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    finish = models.CharField(max_length=10, choices=Finish.choices, blank=True)
    score = models.PositiveSmallIntegerField(default=0)
    tiebreak_estimate = models.PositiveIntegerField(_("dự đoán số người tham gia"), null=True, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)
    prize = models.CharField(max_length=12, choices=Prize.choices, blank=True)

    class Meta:
        ordering = ["contest", "rank", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "student"], name="one_attempt_per_student_per_contest"),
            models.CheckConstraint(condition=Q(started_at__lte=F("deadline")), name="attempt_deadline_after_start"),
            models.CheckConstraint(
                condition=(Q(finished_at__isnull=True) & Q(finish=""))
                | (Q(finished_at__isnull=False) & ~Q(finish="") & Q(finished_at__lte=F("deadline"))),
                name="attempt_finish_consistent",
            ),
        ]
        indexes = [models.Index(fields=["contest", "finished_at"]), models.Index(fields=["contest", "school"])]

    def __str__(self):
        return f"{self.student} – {self.contest}"

    def get_absolute_url(self):
        return reverse("online_contests:attempt", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None

    @property
    def time_used(self):
        return (self.finished_at - self.started_at) if self.finished_at else None


class AttemptAnswer(models.Model):
    """The latest saved answer to one drawn question (overwritten until the attempt finishes)."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey("lessons.Question", on_delete=models.PROTECT, related_name="+")
    response = models.JSONField(default=list, help_text="wire form of lessons.grading (choice keys)")
    is_correct = models.BooleanField()
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="one_online_answer_per_question"),
        ]

    def __str__(self):
        return f"{self.attempt_id}/{self.question_id}"


class RefusedRequest(models.Model):
    """A request refused for integrity reasons (late, tampered, out of scope), kept for the organiser."""

    class Reason(models.TextChoices):
        LATE = "late", _("Gửi sau khi hết giờ")
        FINISHED = "finished", _("Gửi sau khi đã nộp bài")
        FOREIGN_QUESTION = "foreign_question", _("Câu hỏi không thuộc đề của học sinh")
        SECOND_ATTEMPT = "second_attempt", _("Bắt đầu lần thi thứ hai")
        OUT_OF_SCOPE = "out_of_scope", _("Học sinh không thuộc phạm vi cuộc thi")
        NOT_OPEN = "not_open", _("Cuộc thi không mở")

    contest = models.ForeignKey(OnlineContest, on_delete=models.CASCADE, related_name="refused_requests")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    attempt = models.ForeignKey(Attempt, null=True, blank=True, on_delete=models.CASCADE, related_name="refusals")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    detail = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_reason_display()} – {self.student}"


class SchoolResult(models.Model):
    """A school's participation, frozen when results are published (enrolment changes later)."""

    contest = models.ForeignKey(OnlineContest, on_delete=models.CASCADE, related_name="school_results")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    enrolled = models.PositiveIntegerField()
    participants = models.PositiveIntegerField()
    rank = models.PositiveIntegerField()
    awarded = models.BooleanField(default=False)

    class Meta:
        ordering = ["contest", "rank", "school__name"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "school"], name="one_result_per_school_per_contest"),
        ]

    def __str__(self):
        return f"{self.school} – {self.contest}"

    @property
    def share_percent(self) -> float:
        return share_percent(self.participants, self.enrolled)
