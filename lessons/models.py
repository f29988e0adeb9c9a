"""Curriculum, quizzes, practice attempts, completions, ratings and simulations.

Curriculum content lives in files under lessons/curriculum/ and is loaded by
`manage.py load_curriculum`; rows carry the files' stable ids (``key``) so a
reload updates them in place. Questions removed from the files are retired,
never deleted, so attempts and completions keep their meaning.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Course(models.Model):
    key = models.SlugField(unique=True)
    title = models.CharField(_("tên khóa học"), max_length=200)
    version = models.PositiveIntegerField(default=1)
    content_date = models.DateField(
        null=True, blank=True, help_text="latest date a cited source was checked (sources.yaml)"
    )

    class Meta:
        verbose_name = _("khóa học")
        verbose_name_plural = _("khóa học")

    def __str__(self):
        return self.title


class Lesson(models.Model):
    class Simulation(models.TextChoices):
        NONE = "", _("Không có")
        PORTAL = "portal", _("Cổng dịch vụ công mô phỏng")
        REAL_SITE = "real-site", _("Trang nào là thật?")
        PROCEDURE = "procedure", _("Đăng nhập và đọc thông tin thủ tục (mô phỏng)")
        TRACKING = "tracking", _("Theo dõi và bổ sung hồ sơ (mô phỏng)")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    key = models.SlugField(unique=True, help_text="stable id from the curriculum file, e.g. l1")
    order = models.PositiveSmallIntegerField()
    title = models.CharField(_("tên bài"), max_length=200)
    summary = models.CharField(_("tóm tắt"), max_length=300)
    required = models.BooleanField(_("bắt buộc để hoàn thành khóa học"), default=True)
    mastery = models.PositiveSmallIntegerField(_("ngưỡng đạt (%)"), default=80)
    duration = models.PositiveSmallIntegerField(_("thời lượng (phút)"), default=45)
    simulation = models.CharField(max_length=20, choices=Simulation.choices, blank=True)
    simulation_required = models.BooleanField(default=False)
    illustration = models.CharField(max_length=100, blank=True)
    illustration_alt = models.CharField(max_length=600, blank=True)
    objectives = models.JSONField(default=list)
    takeaways = models.JSONField(default=list)
    body_html = models.TextField(help_text="sanitised HTML rendered once at load time")
    teacher_guide_html = models.TextField(blank=True)
    source_file = models.CharField(max_length=200, blank=True)
    changes = models.TextField(_("điểm mới của phiên bản"), blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["course", "order"]
        verbose_name = _("bài học")
        verbose_name_plural = _("bài học")
        constraints = [
            models.CheckConstraint(condition=Q(mastery__gte=1) & Q(mastery__lte=100), name="lesson_mastery_1_100"),
        ]

    def __str__(self):
        return f"{self.order}. {self.title}"

    def get_absolute_url(self):
        return reverse("lesson_detail", args=[self.key])


class Quiz(models.Model):
    """A set of questions: a lesson's practice bank, or a teacher's own quiz."""

    title = models.CharField(_("tên bộ câu hỏi"), max_length=200)
    lesson = models.OneToOneField(Lesson, null=True, blank=True, on_delete=models.CASCADE, related_name="practice_quiz")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="quizzes"
    )
    school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.CASCADE, related_name="quizzes")
    draw_count = models.PositiveSmallIntegerField(_("số câu mỗi lần làm"), default=10)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bộ câu hỏi")
        verbose_name_plural = _("bộ câu hỏi")

    def __str__(self):
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Một lựa chọn")
        MULTIPLE = "multiple", _("Nhiều lựa chọn")
        TRUEFALSE = "truefalse", _("Đúng/Sai")
        ORDERING = "ordering", _("Sắp xếp thứ tự")
        MATCHING = "matching", _("Ghép nối")

    class CheckForm(models.TextChoices):
        """Parallel forms of the entry and exit knowledge checks (docs/content.md)."""

        NONE = "", _("Luyện tập")
        A = "A", _("Đề kiểm tra A")
        B = "B", _("Đề kiểm tra B")

    LIVE_KINDS = (Kind.SINGLE, Kind.MULTIPLE, Kind.TRUEFALSE, Kind.ORDERING)

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    key = models.CharField(max_length=40, null=True, blank=True, unique=True, help_text="stable curriculum id")
    kind = models.CharField(_("loại câu hỏi"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("nội dung câu hỏi"))
    explanation = models.TextField(_("giải thích"), blank=True)
    source = models.CharField(_("nguồn"), max_length=100, blank=True)
    order = models.PositiveIntegerField(default=0)
    is_retired = models.BooleanField(default=False)
    check_form = models.CharField(
        max_length=1, choices=CheckForm.choices, blank=True,
        help_text="held out of practice: an item of the entry/exit knowledge check form A or B",
    )

    class Meta:
        ordering = ["quiz", "order", "pk"]
        verbose_name = _("câu hỏi")
        verbose_name_plural = _("câu hỏi")

    def __str__(self):
        return self.text[:80]

    @property
    def live_compatible(self) -> bool:
        return self.kind in self.LIVE_KINDS


class Choice(models.Model):
    """A choice (single/multiple/truefalse), an item (ordering: ``position`` is its
    place in the correct order) or a pair (matching: ``text`` ↔ ``match_text``)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    key = models.CharField(max_length=20)
    text = models.CharField(max_length=500)
    match_text = models.CharField(max_length=500, blank=True)
    is_correct = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["question", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["question", "key"], name="unique_choice_key_per_question")]

    def __str__(self):
        return self.text[:60]


class PracticeAttempt(models.Model):
    """One self-paced practice attempt: the drawn questions are fixed at start."""

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_attempts")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="attempts")
    question_ids = models.JSONField(default=list)
    seed = models.CharField(max_length=32)
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    correct_count = models.PositiveSmallIntegerField(default=0)
    total = models.PositiveSmallIntegerField(default=0)
    percent = models.PositiveSmallIntegerField(default=0)
    passed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "lesson"], condition=Q(submitted_at__isnull=True), name="one_open_attempt_per_lesson"
            ),
        ]

    def __str__(self):
        return f"{self.student} – {self.lesson} ({self.percent}%)"


class PracticeAnswer(models.Model):
    attempt = models.ForeignKey(PracticeAttempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    response = models.JSONField(default=list)
    is_correct = models.BooleanField()
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="one_answer_per_question_per_attempt")
        ]

    def __str__(self):
        return f"{self.attempt_id}/{self.question_id}: {'✓' if self.is_correct else '✗'}"


class LessonCompletion(models.Model):
    """A student completed a lesson: online (practice passed) or in person (recorded by a teacher)."""

    class Method(models.TextChoices):
        ONLINE = "online", _("Học trực tuyến")
        IN_PERSON = "in_person", _("Học trực tiếp trên lớp")

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_completions")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="completions")
    method = models.CharField(max_length=10, choices=Method.choices)
    completed_at = models.DateTimeField()
    best_percent = models.PositiveSmallIntegerField(default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["student", "lesson"], name="one_completion_per_lesson")]
        indexes = [models.Index(fields=["lesson", "completed_at"])]

    def __str__(self):
        return f"{self.student} ✓ {self.lesson}"


class CourseCompletion(models.Model):
    """The student is trained (đã được phổ cập): every required lesson complete. Once trained, always trained."""

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_completions")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="completions")
    trained_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["student", "course"], name="one_course_completion")]
        indexes = [models.Index(fields=["course", "trained_at"])]

    def __str__(self):
        return f"{self.student} – {self.course}"


class LessonRating(models.Model):
    """Student satisfaction with a lesson (1–5), not citizens' satisfaction with public services."""

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_ratings")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="ratings")
    stars = models.PositiveSmallIntegerField()
    comment = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "lesson"], name="one_rating_per_lesson"),
            models.CheckConstraint(condition=Q(stars__gte=1) & Q(stars__lte=5), name="rating_stars_1_5"),
        ]

    def __str__(self):
        return f"{self.lesson} – {self.stars}★"


class SimulationProgress(models.Model):
    """How far a student got through a hands-on simulation (mock portal, 'which site is real?')."""

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="simulations")
    simulation = models.CharField(max_length=20, choices=Lesson.Simulation.choices)
    step = models.PositiveSmallIntegerField(default=0)
    state = models.JSONField(default=dict)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["student", "simulation"], name="one_progress_per_simulation")]

    def __str__(self):
        return f"{self.student} – {self.simulation} ({self.step})"


class LessonAssignment(models.Model):
    """A teacher assigns a lesson to a class, with an optional due date."""

    classroom = models.ForeignKey("schools.Classroom", on_delete=models.CASCADE, related_name="lesson_assignments")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="assignments")
    due_on = models.DateField(_("hạn hoàn thành"), null=True, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["classroom", "lesson"], name="one_assignment_per_class_lesson")]

    def __str__(self):
        return f"{self.classroom} – {self.lesson}"


class QuestionReport(models.Model):
    """Someone says a question is wrong, outdated or unclear ("Báo lỗi câu hỏi").

    One per user and question; an editor marks the question's reports handled.
    A report never touches an answer or a score.
    """

    class Reason(models.TextChoices):
        WRONG = "wrong", _("Sai")
        OUTDATED = "outdated", _("Lỗi thời")
        UNCLEAR = "unclear", _("Khó hiểu")

    TEXT_MAX = 300

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="reports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="question_reports")
    reason = models.CharField(_("lỗi"), max_length=10, choices=Reason.choices)
    text = models.CharField(_("mô tả ngắn"), max_length=TEXT_MAX)
    created_at = models.DateTimeField()
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("báo lỗi câu hỏi")
        verbose_name_plural = _("báo lỗi câu hỏi")
        permissions = [("review_questions", "Can review question statistics and reports")]
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="one_report_per_user_per_question"),
            models.CheckConstraint(
                condition=Q(reason__in=["wrong", "outdated", "unclear"]), name="question_report_reason_known"
            ),
            models.CheckConstraint(
                condition=Q(handled_at__isnull=True) | Q(handled_at__gte=models.F("created_at")),
                name="question_report_handled_after_created",
            ),
        ]
        indexes = [models.Index(fields=["question", "handled_at"])]

    def __str__(self):
        return f"{self.question_id}: {self.get_reason_display()}"
