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
