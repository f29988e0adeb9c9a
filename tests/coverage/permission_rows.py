from tests.schools.permission_rows import url

CLASS = url("coverage_classroom", "classroom")
OTHER_CLASS = url("coverage_classroom", "other_classroom")
FOREIGN_CLASS = url("coverage_classroom", "foreign_classroom")
SESSION = url("coverage_session_create", "classroom")
FOREIGN_SESSION = url("coverage_session_create", "foreign_classroom")
SCHOOL = url("coverage_school")
PROVINCE = url("coverage_province")
TARGETS = url("coverage_targets")
GUIDED = url("coverage_guided")
ROLLOVER = url("coverage_rollover")


def _with(builder, suffix, *args):
    """A URL builder for a route taking extra non-object arguments (file format)."""
    from django.urls import reverse

    def build(world):
        objects = [getattr(world, a).pk for a in builder]
        return reverse(suffix, args=[*objects, *args])

    build.label = "-".join([suffix, *builder, *args])
    build.__module__ = __name__
    return build


RANGE = "?date_from=2025-09-05&date_to=2026-05-31"


def _export(name, attrs, fmt):
    base = _with(attrs, name, fmt)

    def build(world):
        return base(world) + RANGE

    build.label = base.label
    return build


CLASS_CSV = _export("coverage_export_classroom", ["classroom"], "csv")
CLASS_XLSX = _export("coverage_export_classroom", ["classroom"], "xlsx")
OTHER_CLASS_CSV = _export("coverage_export_classroom", ["other_classroom"], "csv")
FOREIGN_CLASS_CSV = _export("coverage_export_classroom", ["foreign_classroom"], "csv")
SCHOOL_CSV = _export("coverage_export_school", [], "csv")
SCHOOL_XLSX = _export("coverage_export_school", [], "xlsx")
PROVINCE_CSV = _export("coverage_export_province", [], "csv")
PROVINCE_XLSX = _export("coverage_export_province", [], "xlsx")
SCHOOL_DOCX = _with([], "coverage_school_report", "docx")
SCHOOL_ANNEX = _with([], "coverage_school_report", "xlsx")
PROVINCE_DOCX = _with([], "coverage_province_report", "docx")
PROVINCE_ANNEX = _with([], "coverage_province_report", "xlsx")

ALL_PAGES = [CLASS, SCHOOL, PROVINCE, TARGETS, GUIDED, ROLLOVER, CLASS_CSV, SCHOOL_CSV, PROVINCE_CSV, SCHOOL_DOCX,
             PROVINCE_DOCX]

ROWS = [
    *[("anonymous", "GET", page, "login") for page in ALL_PAGES],
    ("anonymous", "POST", SESSION, "login"),
    # student: only their own people-guided page
    ("student", "GET", GUIDED, 200),
    ("student", "POST", GUIDED, 400),
    ("student", "GET", CLASS, 404),
    ("student", "GET", SCHOOL, 403),
    ("student", "GET", PROVINCE, 403),
    ("student", "GET", CLASS_CSV, 404),
    ("student", "GET", SCHOOL_CSV, 403),
    ("student", "GET", SCHOOL_DOCX, 403),
    # teacher: their own class only
    ("teacher", "GET", CLASS, 200),
    ("teacher", "GET", OTHER_CLASS, 404),
    ("teacher", "GET", FOREIGN_CLASS, 404),
    ("teacher", "POST", SESSION, 400),
    ("teacher", "POST", FOREIGN_SESSION, 404),
    ("teacher", "GET", CLASS_CSV, 200),
    ("teacher", "GET", CLASS_XLSX, 200),
    ("teacher", "GET", OTHER_CLASS_CSV, 404),
    ("teacher", "GET", SCHOOL, 403),
    ("teacher", "GET", SCHOOL_CSV, 403),
    ("teacher", "GET", SCHOOL_DOCX, 403),
    ("teacher", "GET", PROVINCE, 403),
    ("teacher", "GET", GUIDED, 403),
    ("teacher", "GET", ROLLOVER, 403),
    ("other_teacher", "GET", CLASS, 404),
    ("other_teacher", "GET", OTHER_CLASS, 200),
    ("other_teacher", "GET", CLASS_CSV, 404),
    # school admin: their school, its classes, reports, exports, rollover
    ("school_admin", "GET", SCHOOL, 200),
    ("school_admin", "GET", CLASS, 200),
    ("school_admin", "GET", OTHER_CLASS, 200),
    ("school_admin", "GET", FOREIGN_CLASS, 404),
    ("school_admin", "GET", FOREIGN_CLASS_CSV, 404),
    ("school_admin", "GET", SCHOOL_CSV, 200),
    ("school_admin", "GET", SCHOOL_XLSX, 200),
    ("school_admin", "GET", SCHOOL_DOCX, 200),
    ("school_admin", "GET", SCHOOL_ANNEX, 200),
    ("school_admin", "GET", ROLLOVER, 200),
    ("school_admin", "POST", ROLLOVER, 400),
    ("school_admin", "GET", PROVINCE, 403),
    ("school_admin", "GET", PROVINCE_CSV, 403),
    ("school_admin", "GET", TARGETS, 403),
    # province admin: aggregates of their province, no class pages with names
    ("province_admin", "GET", PROVINCE, 200),
    ("province_admin", "GET", TARGETS, 200),
    ("province_admin", "POST", TARGETS, 400),
    ("province_admin", "GET", PROVINCE_CSV, 200),
    ("province_admin", "GET", PROVINCE_XLSX, 200),
    ("province_admin", "GET", PROVINCE_DOCX, 200),
    ("province_admin", "GET", PROVINCE_ANNEX, 200),
    ("province_admin", "GET", CLASS, 404),
    ("province_admin", "GET", CLASS_CSV, 404),
    ("province_admin", "GET", SCHOOL, 403),
    ("province_admin", "GET", SCHOOL_CSV, 403),
    ("foreign_province_admin", "GET", PROVINCE, 200),
    ("foreign_province_admin", "GET", CLASS, 404),
]
