from tests.lessons.permission_rows import COURSE, OWN_CLASS_LESSONS

PAGES = [
    ("teacher", OWN_CLASS_LESSONS),
    ("school_admin", OWN_CLASS_LESSONS),
    ("student", COURSE),
]
