from tests.schools.permission_rows import OWN_CLASS, STUDENT_HOME

PAGES = [
    ("teacher", OWN_CLASS),
    ("school_admin", OWN_CLASS),
    ("student", STUDENT_HOME),
]

from tests.schools.permission_rows import CLASS_CONSENT, CLASS_SLIPS  # noqa: E402

PAGES += [
    ("teacher", CLASS_CONSENT),
    ("school_admin", CLASS_CONSENT),
    ("teacher", CLASS_SLIPS),
]
