"""Who may open the live-contest pages."""

from django.urls import reverse

from tests.contests.helpers import finished_contest, make_contest


def _page(name, make, *extra, label):
    def build(world):
        contest = make(world)
        return reverse(name, args=[contest.pk, *extra])

    build.label = label
    return build


def _plain(name, *args):
    def build(world):
        return reverse(name, args=args)

    build.label = name
    return build


def _play(world):
    return reverse("contest_play", args=[make_contest(world).pin])


_play.label = "contest_play"

LIST = _plain("contest_list")
CREATE = _plain("contest_create")
JOIN = _plain("contest_join")
HISTORY = _plain("contest_history")
HOST = _page("contest_host", make_contest, label="contest_host")
QR = _page("contest_qr", make_contest, label="contest_qr")
RESULTS = _page("contest_results", finished_contest, label="contest_results")
CSV = _page("contest_export", finished_contest, "csv", label="contest_export-csv")
XLSX = _page("contest_export", finished_contest, "xlsx", label="contest_export-xlsx")
RUNNING_CSV = _page("contest_export", make_contest, "csv", label="contest_export-running")

ROWS = [
    ("anonymous", "GET", LIST, "login"),
    ("anonymous", "GET", CREATE, "login"),
    ("anonymous", "GET", HOST, "login"),
    ("anonymous", "GET", RESULTS, "login"),
    ("anonymous", "GET", JOIN, 200),
    ("anonymous", "GET", _play, 200),
    ("anonymous", "GET", HISTORY, "login"),
    ("student", "GET", JOIN, 200),
    ("student", "GET", _play, 200),
    ("student", "GET", HISTORY, 200),
    ("student", "GET", LIST, 403),
    ("student", "GET", CREATE, 403),
    ("student", "GET", HOST, 403),
    ("student", "GET", RESULTS, 403),
    ("student", "GET", CSV, 403),
    ("teacher", "GET", LIST, 200),
    ("teacher", "GET", CREATE, 200),
    ("teacher", "POST", CREATE, 400),
    ("teacher", "GET", HOST, 200),
    ("teacher", "GET", QR, 200),
    ("teacher", "GET", RESULTS, 200),
    ("teacher", "GET", CSV, 200),
    ("teacher", "GET", XLSX, 200),
    ("teacher", "GET", RUNNING_CSV, 404),
    ("teacher", "GET", HISTORY, 403),
    ("other_teacher", "GET", HOST, 404),
    ("other_teacher", "GET", QR, 404),
    ("other_teacher", "GET", RESULTS, 404),
    ("other_teacher", "GET", CSV, 404),
    ("school_admin", "GET", HOST, 403),
    ("school_admin", "GET", RESULTS, 403),
    ("province_admin", "GET", CREATE, 403),
    ("province_admin", "GET", RESULTS, 403),
    ("foreign_province_admin", "GET", HOST, 403),
]
