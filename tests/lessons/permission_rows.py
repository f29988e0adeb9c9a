from django.urls import reverse

from tests.schools.permission_rows import url


def fixed(name, *args):
    """A URL that needs no World object (lesson keys, a missing attempt)."""

    def build(world):
        return reverse(name, args=args)

    build.label = "-".join([name, *map(str, args)])
    return build


COURSE = url("course_overview")
LESSON = fixed("lesson_detail", "l1")
START = fixed("practice_start", "l1")
MISSING_ATTEMPT = fixed("attempt_detail", 999999)
MISSING_ANSWER = fixed("answer_submit", 999999)
PORTAL = url("simulation_portal")
REAL_SITE = url("simulation_real_site")
OWN_CLASS_LESSONS = url("classroom_lessons", "classroom")
OTHER_CLASS_LESSONS = url("classroom_lessons", "other_classroom")
FOREIGN_CLASS_LESSONS = url("classroom_lessons", "foreign_classroom")
RATINGS = url("lesson_ratings")
QUIZZES = url("quiz_list")
TEMPLATE = fixed("quiz_template", "xlsx")
MISSING_QUIZ = fixed("quiz_detail", 999999)
REVIEW = fixed("question_review")
MISSING_REPORT = fixed("question_report", 999999)
MISSING_HANDLED = fixed("question_reports_handle", 999999)

ROWS = [
    ("anonymous", "GET", COURSE, "login"),
    ("anonymous", "GET", LESSON, "login"),
    ("anonymous", "POST", START, "login"),
    ("anonymous", "GET", MISSING_ATTEMPT, "login"),
    ("anonymous", "GET", PORTAL, "login"),
    ("anonymous", "GET", OWN_CLASS_LESSONS, "login"),
    ("anonymous", "GET", RATINGS, "login"),
    ("anonymous", "GET", QUIZZES, "login"),
    ("student", "GET", COURSE, 200),
    ("student", "GET", PORTAL, 200),
    ("student", "GET", REAL_SITE, 200),
    ("student", "GET", MISSING_ATTEMPT, 404),
    ("student", "POST", MISSING_ANSWER, 404),
    ("student", "GET", OWN_CLASS_LESSONS, 403),
    ("student", "GET", RATINGS, 403),
    ("student", "GET", QUIZZES, 403),
    ("student", "GET", TEMPLATE, 403),
    ("teacher", "GET", COURSE, 200),
    ("teacher", "GET", PORTAL, 200),
    ("teacher", "POST", START, 403),
    ("teacher", "GET", MISSING_ATTEMPT, 403),
    ("teacher", "GET", OWN_CLASS_LESSONS, 200),
    ("teacher", "POST", OWN_CLASS_LESSONS, 400),
    ("teacher", "GET", OTHER_CLASS_LESSONS, 404),
    ("teacher", "GET", FOREIGN_CLASS_LESSONS, 404),
    ("teacher", "GET", RATINGS, 200),
    ("teacher", "GET", QUIZZES, 200),
    ("teacher", "POST", QUIZZES, 400),
    ("teacher", "GET", TEMPLATE, 200),
    ("teacher", "GET", MISSING_QUIZ, 404),
    ("other_teacher", "GET", OWN_CLASS_LESSONS, 404),
    ("other_teacher", "GET", OTHER_CLASS_LESSONS, 200),
    ("school_admin", "GET", OWN_CLASS_LESSONS, 200),
    ("school_admin", "GET", OTHER_CLASS_LESSONS, 200),
    ("school_admin", "GET", FOREIGN_CLASS_LESSONS, 404),
    ("school_admin", "GET", RATINGS, 200),
    ("province_admin", "GET", OWN_CLASS_LESSONS, 403),
    ("province_admin", "GET", RATINGS, 200),
    ("province_admin", "GET", QUIZZES, 403),
    ("foreign_province_admin", "GET", RATINGS, 200),
    ("anonymous", "GET", REVIEW, "login"),
    ("anonymous", "GET", MISSING_REPORT, "login"),
    ("anonymous", "POST", MISSING_HANDLED, "login"),
    ("student", "GET", REVIEW, 403),
    ("student", "GET", MISSING_REPORT, 404),
    ("student", "POST", MISSING_HANDLED, 403),
    ("teacher", "GET", REVIEW, 200),
    ("teacher", "POST", REVIEW, 405),
    ("teacher", "GET", MISSING_REPORT, 404),
    ("teacher", "POST", MISSING_HANDLED, 403),
    ("school_admin", "GET", REVIEW, 200),
    ("school_admin", "POST", MISSING_HANDLED, 403),
    ("province_admin", "GET", REVIEW, 403),
    ("province_admin", "POST", MISSING_HANDLED, 403),
    ("editor", "GET", REVIEW, 200),
    ("editor", "GET", MISSING_REPORT, 404),
    ("editor", "POST", MISSING_HANDLED, 404),
]

PROCEDURE = url("simulation_procedure")
TRACKING = url("simulation_tracking")
ROWS += [
    ("anonymous", "GET", PROCEDURE, "login"),
    ("anonymous", "POST", TRACKING, "login"),
    ("student", "GET", PROCEDURE, 200),
    ("student", "GET", TRACKING, 200),
    ("teacher", "GET", PROCEDURE, 200),
    ("teacher", "GET", TRACKING, 200),
]
