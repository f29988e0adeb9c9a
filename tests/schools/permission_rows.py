from django.urls import reverse


def url(name, *attrs):
    """Build a URL from World attributes, labelled for test ids."""

    def build(world):
        args = []
        for attr in attrs:
            obj = world
            for part in attr.split("."):
                obj = obj[int(part)] if part.isdigit() else getattr(obj, part)
            args.append(obj.pk)
        return reverse(name, args=args)

    build.label = "-".join([name, *attrs])
    return build


HOME = url("home")
TEACHER_HOME = url("teacher_home")
SCHOOL_HOME = url("school_admin_home")
PROVINCE_HOME = url("province_admin_home")
STUDENT_HOME = url("student_home")
OWN_CLASS = url("classroom_detail", "classroom")
OTHER_CLASS = url("classroom_detail", "other_classroom")
FOREIGN_CLASS = url("classroom_detail", "foreign_classroom")
ADD_STUDENT = url("student_create", "classroom")
ADD_FOREIGN_STUDENT = url("student_create", "foreign_classroom")

ROWS = [
    ("anonymous", "GET", HOME, "login"),
    ("anonymous", "GET", TEACHER_HOME, "login"),
    ("anonymous", "GET", OWN_CLASS, "login"),
    ("anonymous", "GET", SCHOOL_HOME, "login"),
    ("student", "GET", HOME, 302),
    ("student", "GET", STUDENT_HOME, 200),
    ("student", "GET", TEACHER_HOME, 403),
    ("student", "GET", SCHOOL_HOME, 403),
    ("student", "GET", PROVINCE_HOME, 403),
    ("student", "GET", OWN_CLASS, 404),
    ("teacher", "GET", TEACHER_HOME, 200),
    ("teacher", "GET", OWN_CLASS, 200),
    ("teacher", "GET", OTHER_CLASS, 404),
    ("teacher", "GET", FOREIGN_CLASS, 404),
    ("teacher", "GET", ADD_STUDENT, 200),
    ("teacher", "GET", ADD_FOREIGN_STUDENT, 404),
    ("teacher", "GET", SCHOOL_HOME, 403),
    ("teacher", "GET", PROVINCE_HOME, 403),
    ("teacher", "POST", url("teacher_create"), 403),
    ("other_teacher", "GET", OWN_CLASS, 404),
    ("other_teacher", "GET", OTHER_CLASS, 200),
    ("school_admin", "GET", SCHOOL_HOME, 200),
    ("school_admin", "GET", OWN_CLASS, 200),
    ("school_admin", "GET", OTHER_CLASS, 200),
    ("school_admin", "GET", FOREIGN_CLASS, 404),
    ("school_admin", "GET", PROVINCE_HOME, 403),
    ("school_admin", "POST", url("teacher_create"), 400),
    ("school_admin", "POST", url("classroom_create"), 400),
    ("school_admin", "POST", url("teacher_assign"), 400),
    ("province_admin", "GET", PROVINCE_HOME, 200),
    ("province_admin", "GET", OWN_CLASS, 404),
    ("province_admin", "GET", SCHOOL_HOME, 403),
    ("province_admin", "GET", ADD_STUDENT, 404),
    ("foreign_province_admin", "GET", PROVINCE_HOME, 200),
    ("foreign_province_admin", "GET", OWN_CLASS, 404),
]

# Rosters, login slips and consent.
ROSTER_IMPORT = url("roster_import")
ROSTER_CONFIRM = url("roster_confirm")
ROSTER_DOWNLOAD = url("roster_download")
ROSTER_TEMPLATE = lambda world: reverse("roster_template", args=["xlsx"])  # noqa: E731
ROSTER_TEMPLATE.label = "roster_template-xlsx"
CLASS_SLIPS = url("classroom_slips", "classroom")
OTHER_CLASS_SLIPS = url("classroom_slips", "other_classroom")
FOREIGN_CLASS_SLIPS = url("classroom_slips", "foreign_classroom")
CLASS_CONSENT = url("classroom_consent", "classroom")
OTHER_CLASS_CONSENT = url("classroom_consent", "other_classroom")
FOREIGN_CLASS_CONSENT = url("classroom_consent", "foreign_classroom")
CLASS_CONSENT_FORM = url("classroom_consent_form", "classroom")
OTHER_CLASS_CONSENT_FORM = url("classroom_consent_form", "other_classroom")
FOREIGN_CLASS_CONSENT_FORM = url("classroom_consent_form", "foreign_classroom")

ROWS += [
    ("anonymous", "GET", ROSTER_IMPORT, "login"),
    ("anonymous", "POST", ROSTER_CONFIRM, "login"),
    ("anonymous", "POST", ROSTER_DOWNLOAD, "login"),
    ("anonymous", "GET", ROSTER_TEMPLATE, "login"),
    ("anonymous", "GET", CLASS_SLIPS, "login"),
    ("anonymous", "GET", CLASS_CONSENT, "login"),
    ("anonymous", "GET", CLASS_CONSENT_FORM, "login"),
    ("student", "GET", ROSTER_IMPORT, 403),
    ("student", "POST", ROSTER_IMPORT, 403),
    ("student", "POST", ROSTER_CONFIRM, 403),
    ("student", "POST", ROSTER_DOWNLOAD, 403),
    ("student", "GET", ROSTER_TEMPLATE, 403),
    ("student", "GET", CLASS_SLIPS, 404),
    ("student", "POST", CLASS_SLIPS, 404),
    ("student", "GET", CLASS_CONSENT, 404),
    ("student", "POST", CLASS_CONSENT, 404),
    ("student", "GET", CLASS_CONSENT_FORM, 404),
    ("teacher", "GET", ROSTER_IMPORT, 200),
    ("teacher", "POST", ROSTER_IMPORT, 400),
    ("teacher", "GET", ROSTER_CONFIRM, 405),
    ("teacher", "POST", ROSTER_CONFIRM, 400),
    ("teacher", "GET", ROSTER_DOWNLOAD, 405),
    ("teacher", "POST", ROSTER_DOWNLOAD, 400),
    ("teacher", "GET", ROSTER_TEMPLATE, 200),
    ("teacher", "GET", CLASS_SLIPS, 200),
    ("teacher", "POST", CLASS_SLIPS, 400),
    ("teacher", "GET", OTHER_CLASS_SLIPS, 404),
    ("teacher", "POST", OTHER_CLASS_SLIPS, 404),
    ("teacher", "GET", FOREIGN_CLASS_SLIPS, 404),
    ("teacher", "GET", CLASS_CONSENT, 200),
    ("teacher", "POST", CLASS_CONSENT, 400),
    ("teacher", "GET", OTHER_CLASS_CONSENT, 404),
    ("teacher", "POST", OTHER_CLASS_CONSENT, 404),
    ("teacher", "GET", FOREIGN_CLASS_CONSENT, 404),
    ("teacher", "GET", CLASS_CONSENT_FORM, 200),
    ("teacher", "GET", OTHER_CLASS_CONSENT_FORM, 404),
    ("teacher", "GET", FOREIGN_CLASS_CONSENT_FORM, 404),
    ("other_teacher", "GET", CLASS_SLIPS, 404),
    ("other_teacher", "GET", CLASS_CONSENT, 404),
    ("other_teacher", "GET", OTHER_CLASS_CONSENT, 200),
    ("other_teacher", "GET", CLASS_CONSENT_FORM, 404),
    ("school_admin", "GET", ROSTER_IMPORT, 200),
    ("school_admin", "POST", ROSTER_IMPORT, 400),
    ("school_admin", "POST", ROSTER_CONFIRM, 400),
    ("school_admin", "GET", ROSTER_TEMPLATE, 200),
    ("school_admin", "GET", CLASS_SLIPS, 200),
    ("school_admin", "GET", OTHER_CLASS_SLIPS, 200),
    ("school_admin", "GET", FOREIGN_CLASS_SLIPS, 404),
    ("school_admin", "GET", OTHER_CLASS_CONSENT, 200),
    ("school_admin", "GET", FOREIGN_CLASS_CONSENT, 404),
    ("school_admin", "GET", OTHER_CLASS_CONSENT_FORM, 200),
    ("school_admin", "GET", FOREIGN_CLASS_CONSENT_FORM, 404),
    ("province_admin", "GET", ROSTER_IMPORT, 403),
    ("province_admin", "POST", ROSTER_CONFIRM, 403),
    ("province_admin", "GET", CLASS_SLIPS, 404),
    ("province_admin", "GET", CLASS_CONSENT, 404),
    ("province_admin", "GET", CLASS_CONSENT_FORM, 404),
    ("foreign_province_admin", "GET", ROSTER_IMPORT, 403),
    ("foreign_province_admin", "GET", CLASS_CONSENT, 404),
]
