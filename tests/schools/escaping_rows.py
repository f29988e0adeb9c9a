from tests.schools.permission_rows import OWN_CLASS, STUDENT_HOME

PAGES = [
    ("teacher", OWN_CLASS),
    ("school_admin", OWN_CLASS),
    ("student", STUDENT_HOME),
]
