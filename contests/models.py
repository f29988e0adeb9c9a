"""Live contests: the contest and its state, players, teams and answers.

Everything a running contest needs lives in these rows, never only in a
process's memory, so any worker can serve any client and a restarted worker
loses nothing that was acknowledged.

`Contest.questions` is a snapshot taken when the contest is created, so the
results keep their meaning when the quiz is edited later. Version 1::

    [{"kind": "single" | "multiple" | "truefalse" | "ordering",
      "text": str, "explanation": str, "question_id": int,
      "choices": [{"id": str, "text": str, "key": str}, ...],   # the order players see by default
      "correct": [str, ...]}, ...]                   # ids; for ordering, the right order

Choice ids are random per contest (never the database key or a position), so a
client learns nothing from them. ``key`` is the bank choice's key, for the
per-question statistics (lessons.item_stats); it is never sent to a client
(older snapshots lack it and are matched on the choice text).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from contests.engine import FinishReason, Phase

QUESTIONS_VERSION = 1
TIME_LIMIT_MIN_S = 5
TIME_LIMIT_MAX_S = 120


class Contest(models.Model):
    class Access(models.TextChoices):
        CLASSES = "classes", _("Chỉ học sinh của các lớp đã chọn (đăng nhập)")
        OPEN = "open", _("Mở: ai có mã PIN đều tham gia được")

    class PlayMode(models.TextChoices):
        INDIVIDUAL = "individual", _("Cá nhân")
        TEAMS = "teams", _("Theo đội (điểm đội = trung bình điểm thành viên)")
        DEVICE = "device", _("Mỗi máy một đội (phòng máy)")

    title = models.CharField(_("tên cuộc thi"), max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contests")
    school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.SET_NULL, related_name="contests"
    )
    quiz = models.ForeignKey("lessons.Quiz", null=True, blank=True, on_delete=models.SET_NULL, related_name="contests")
    classrooms = models.ManyToManyField("schools.Classroom", blank=True, related_name="contests")
    access = models.CharField(_("ai được tham gia"), max_length=10, choices=Access.choices)
    play_mode = models.CharField(_("hình thức"), max_length=12, choices=PlayMode.choices)
    time_limit_s = models.PositiveSmallIntegerField(_("thời gian mỗi câu (giây)"))
    shuffle_questions = models.BooleanField(_("xáo trộn thứ tự câu hỏi"), default=False)
    shuffle_choices = models.BooleanField(_("xáo trộn đáp án cho từng người chơi"), default=True)
    show_leaderboard = models.BooleanField(_("hiện bảng xếp hạng sau mỗi câu"), default=True)
    questions = models.JSONField(default=list)
    questions_version = models.PositiveSmallIntegerField(default=QUESTIONS_VERSION)
    pin = models.CharField(max_length=6)
    locked = models.BooleanField(default=False)

    # State of the running contest, as contests.engine.ContestState.
    phase = models.CharField(max_length=12, choices=[(p.value, p.value) for p in Phase], default=Phase.LOBBY)
    question_index = models.IntegerField(default=-1)
    question_started_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    paused_phase = models.CharField(max_length=12, blank=True)
    paused_remaining_ms = models.IntegerField(null=True, blank=True)
    seq = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField()
    finish_reason = models.CharField(max_length=10, choices=[(r.value, r.value) for r in FinishReason], blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("cuộc thi trực tiếp")
        verbose_name_plural = _("cuộc thi trực tiếp")
        constraints = [
            models.UniqueConstraint(fields=["pin"], condition=~Q(phase="finished"), name="unique_pin_while_running"),
            models.CheckConstraint(
                condition=Q(time_limit_s__gte=TIME_LIMIT_MIN_S) & Q(time_limit_s__lte=TIME_LIMIT_MAX_S),
                name="contest_time_limit_5_120",
            ),
            models.CheckConstraint(
                condition=~Q(phase="question") | Q(deadline__isnull=False, question_started_at__isnull=False),
                name="contest_open_question_has_deadline",
            ),
        ]
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self):
        return f"{self.title} ({self.pin})"

    def get_absolute_url(self):
        return reverse("contest_host", args=[self.pk])

    @property
    def time_limit_ms(self) -> int:
        return self.time_limit_s * 1000

    @property
    def question_count(self) -> int:
        """Questions in the contest's snapshot of the quiz (all of them may not be asked)."""
        return len(self.questions)

    @property
    def asked_count(self) -> int:
        """Questions shown so far: the host may end the contest before the last one (none from the lobby)."""
        return max(self.question_index + 1, 0)

    @property
    def is_finished(self) -> bool:
        return self.phase == Phase.FINISHED


class Team(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="teams")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=40)

    class Meta:
        ordering = ["contest", "number"]
        constraints = [models.UniqueConstraint(fields=["contest", "number"], name="unique_team_number")]

    def __str__(self):
        return self.name


class Player(models.Model):
    """One participant (or one lab device playing as a team).

    `score` and `answer_time_ms` are running totals, credited in the
    transaction that reveals each question (not when the answer is stored, so
    nothing before the reveal tells a right answer from a wrong one), so the
    leaderboard is one indexed read; after each reveal they equal a
    recomputation from the answers (a test checks it).
    `answer_time_ms` sums the times of correct answers.
    """

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="players")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="contest_players"
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="players")
    nickname = models.CharField(_("biệt danh"), max_length=40)
    token = models.CharField(max_length=43, unique=True)
    seed = models.CharField(max_length=16)
    session_key = models.CharField(max_length=40, blank=True)
    kicked = models.BooleanField(default=False)
    score = models.PositiveIntegerField(default=0)
    answer_time_ms = models.PositiveBigIntegerField(default=0)
    final_rank = models.PositiveIntegerField(null=True, blank=True)
    joined_at = models.DateTimeField()

    class Meta:
        ordering = ["contest", "pk"]
        constraints = [
            models.UniqueConstraint(Lower("nickname"), "contest", name="unique_nickname_per_contest"),
            models.UniqueConstraint(
                fields=["contest", "user"], condition=Q(user__isnull=False), name="one_player_per_user_per_contest"
            ),
        ]
        indexes = [models.Index(fields=["contest", "-score", "answer_time_ms"])]

    def __str__(self):
        return self.nickname


class Answer(models.Model):
    player = models.ForeignKey(Player, on_delete=models.CASCADE, related_name="answers")
    question_index = models.PositiveSmallIntegerField()
    choices = models.JSONField(default=list)
    received_at = models.DateTimeField()
    elapsed_ms = models.PositiveIntegerField()
    correct = models.BooleanField()
    points = models.PositiveSmallIntegerField()
    late = models.BooleanField(default=False)

    class Meta:
        ordering = ["player", "question_index"]
        constraints = [
            models.UniqueConstraint(fields=["player", "question_index"], name="one_answer_per_player_question"),
            models.CheckConstraint(condition=Q(points__lte=1000), name="answer_points_at_most_1000"),
            models.CheckConstraint(condition=Q(late=False) | Q(points=0), name="late_answer_scores_zero"),
            models.CheckConstraint(condition=Q(correct=True) | Q(points=0), name="wrong_answer_scores_zero"),
        ]

    def __str__(self):
        return f"{self.player} #{self.question_index}"
