"""Who may open which online-contest page or export. Contests are created on first use for each test's world."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from online_contests import services
from tests.online_contests.factories import answer_all, make_contest


def _closed(world, *, province: bool = False, publish: bool = False):
    now = timezone.now()
    opens = now - timedelta(days=3)
    contest = make_contest(world, now=opens - timedelta(hours=1), opens_at=opens, closes_at=opens + timedelta(days=1),
                           province=province)
    for index, student in enumerate(world.students):
        start = opens + timedelta(hours=index + 1)
        attempt = services.attempt_start(contest=contest, student=student, now=start)
        answer_all(attempt, now=start + timedelta(minutes=1), correct=len(attempt.question_ids) - index)
        services.attempt_submit(attempt=attempt, now=start + timedelta(minutes=2))
    if publish:
        contest = services.contest_results_publish(contest=contest, now=now)
    return contest


def _attempt(world, student_index: int):
    contest = fixture(world, "open")
    return services.attempt_start(contest=contest, student=world.students[student_index], now=timezone.now())


MAKERS = {
    "open": lambda w: make_contest(w),
    "draft": lambda w: make_contest(w, schedule=False),
    "province": lambda w: make_contest(w, province=True),
    "closed": lambda w: _closed(w),
    "province_closed": lambda w: _closed(w, province=True),
    "published": lambda w: _closed(w, publish=True),
    "own_attempt": lambda w: _attempt(w, 0),
    "other_attempt": lambda w: _attempt(w, 1),
}


def fixture(world, name: str):
    """The named contest or attempt of this world, created once."""
    cache = world.__dict__.setdefault("_online_contests", {})
    if name not in cache:
        cache[name] = MAKERS[name](world)
    return cache[name]


def oc_url(view: str, name: str):
    def build(world):
        return reverse(f"online_contests:{view}", args=[fixture(world, name).pk])

    build.label = f"oc-{view}-{name}"
    return build


def plain(view: str):
    def build(world):
        return reverse(f"online_contests:{view}")

    build.label = f"oc-{view}"
    return build


MANAGE_LIST = plain("manage_list")
CREATE = plain("contest_create")

ROWS = [
    ("anonymous", "GET", MANAGE_LIST, "login"),
    ("student", "GET", MANAGE_LIST, 403),
    ("teacher", "GET", MANAGE_LIST, 403),
    ("school_admin", "GET", MANAGE_LIST, 200),
    ("province_admin", "GET", MANAGE_LIST, 200),
    ("student", "GET", CREATE, 403),
    ("teacher", "GET", CREATE, 403),
    ("school_admin", "GET", CREATE, 200),
    ("province_admin", "GET", CREATE, 200),
    ("teacher", "POST", CREATE, 403),
    ("school_admin", "POST", CREATE, 400),
    ("province_admin", "POST", CREATE, 400),
    ("anonymous", "GET", oc_url("manage_detail", "open"), "login"),
    ("student", "GET", oc_url("manage_detail", "open"), 403),
    ("teacher", "GET", oc_url("manage_detail", "open"), 403),
    ("other_teacher", "GET", oc_url("manage_detail", "open"), 403),
    ("school_admin", "GET", oc_url("manage_detail", "open"), 200),
    ("province_admin", "GET", oc_url("manage_detail", "open"), 404),
    ("foreign_province_admin", "GET", oc_url("manage_detail", "open"), 404),
    ("province_admin", "GET", oc_url("manage_detail", "province"), 200),
    ("foreign_province_admin", "GET", oc_url("manage_detail", "province"), 404),
    ("school_admin", "GET", oc_url("manage_detail", "province"), 404),
    ("school_admin", "GET", oc_url("manage_detail", "closed"), 200),
    ("school_admin", "GET", oc_url("manage_detail", "published"), 200),
    ("school_admin", "GET", oc_url("contest_edit", "draft"), 200),
    ("school_admin", "POST", oc_url("contest_edit", "draft"), 400),
    ("school_admin", "GET", oc_url("contest_edit", "open"), 400),
    ("province_admin", "GET", oc_url("contest_edit", "draft"), 404),
    ("teacher", "GET", oc_url("contest_edit", "draft"), 403),
    ("school_admin", "GET", oc_url("contest_preview", "draft"), 200),
    ("province_admin", "GET", oc_url("contest_preview", "draft"), 404),
    ("student", "GET", oc_url("contest_preview", "open"), 403),
    ("school_admin", "GET", oc_url("contest_schedule", "draft"), 405),
    ("school_admin", "POST", oc_url("contest_schedule", "draft"), 302),
    ("school_admin", "POST", oc_url("contest_schedule", "open"), 400),
    ("province_admin", "POST", oc_url("contest_schedule", "draft"), 404),
    ("teacher", "POST", oc_url("contest_schedule", "draft"), 403),
    ("school_admin", "POST", oc_url("contest_close", "open"), 302),
    ("school_admin", "POST", oc_url("contest_close", "closed"), 400),
    ("student", "POST", oc_url("contest_close", "open"), 403),
    ("foreign_province_admin", "POST", oc_url("contest_close", "province"), 404),
    ("school_admin", "POST", oc_url("contest_publish", "open"), 400),
    ("school_admin", "POST", oc_url("contest_publish", "closed"), 302),
    ("school_admin", "POST", oc_url("contest_publish", "published"), 400),
    ("province_admin", "POST", oc_url("contest_publish", "closed"), 404),
    ("teacher", "POST", oc_url("contest_publish", "closed"), 403),
    ("school_admin", "GET", oc_url("results_csv", "closed"), 200),
    ("school_admin", "GET", oc_url("results_csv", "open"), 400),
    ("province_admin", "GET", oc_url("results_csv", "closed"), 404),
    ("teacher", "GET", oc_url("results_csv", "closed"), 403),
    ("student", "GET", oc_url("results_csv", "closed"), 403),
    ("anonymous", "GET", oc_url("results_csv", "closed"), "login"),
    ("school_admin", "GET", oc_url("results_xlsx", "closed"), 200),
    ("school_admin", "GET", oc_url("results_xlsx", "published"), 200),
    ("foreign_province_admin", "GET", oc_url("results_xlsx", "province_closed"), 404),
    ("province_admin", "GET", oc_url("results_xlsx", "province_closed"), 200),
    ("school_admin", "GET", oc_url("prizes_xlsx", "closed"), 200),
    ("province_admin", "GET", oc_url("prizes_xlsx", "province_closed"), 200),
    ("teacher", "GET", oc_url("prizes_xlsx", "closed"), 403),
    ("school_admin", "GET", oc_url("school_summary_xlsx", "province"), 200),
    ("school_admin", "GET", oc_url("school_summary_xlsx", "province_closed"), 200),
    ("school_admin", "GET", oc_url("school_summary_xlsx", "draft"), 404),
    ("province_admin", "GET", oc_url("school_summary_xlsx", "province"), 403),
    ("teacher", "GET", oc_url("school_summary_xlsx", "province"), 403),
    ("student", "GET", oc_url("school_summary_xlsx", "province"), 403),
    ("anonymous", "GET", oc_url("contest_detail", "open"), "login"),
    ("student", "GET", oc_url("contest_detail", "open"), 200),
    ("student", "GET", oc_url("contest_detail", "province"), 200),
    ("student", "GET", oc_url("contest_detail", "draft"), 404),
    ("teacher", "GET", oc_url("contest_detail", "open"), 403),
    ("student", "POST", oc_url("contest_start", "open"), 302),
    ("student", "POST", oc_url("contest_start", "draft"), 404),
    ("student", "POST", oc_url("contest_start", "closed"), 400),
    ("student", "GET", oc_url("contest_start", "open"), 405),
    ("teacher", "POST", oc_url("contest_start", "open"), 403),
    ("anonymous", "POST", oc_url("contest_start", "open"), "login"),
    ("student", "GET", oc_url("attempt", "own_attempt"), 200),
    ("student", "GET", oc_url("attempt", "other_attempt"), 404),
    ("teacher", "GET", oc_url("attempt", "own_attempt"), 403),
    ("school_admin", "GET", oc_url("attempt", "own_attempt"), 403),
    ("anonymous", "GET", oc_url("attempt", "own_attempt"), "login"),
    ("student", "POST", oc_url("answer_save", "own_attempt"), 400),
    ("student", "POST", oc_url("answer_save", "other_attempt"), 404),
    ("student", "POST", oc_url("estimate_save", "own_attempt"), 400),
    ("student", "POST", oc_url("estimate_save", "other_attempt"), 404),
    ("student", "POST", oc_url("attempt_submit", "own_attempt"), 302),
    ("student", "POST", oc_url("attempt_submit", "other_attempt"), 404),
    ("teacher", "POST", oc_url("attempt_submit", "own_attempt"), 403),
    ("anonymous", "GET", oc_url("results", "published"), 200),
    ("student", "GET", oc_url("results", "published"), 200),
    ("anonymous", "GET", oc_url("results", "closed"), 404),
    ("anonymous", "GET", oc_url("results", "open"), 404),
]
