from tests.lessons.permission_rows import fixed

MINE = fixed("evidence_mine")
ENTRY = fixed("evidence_check", "entry")
EXIT = fixed("evidence_check", "exit")
SKIP_ENTRY = fixed("evidence_skip", "entry")

ROWS = [
    *[("anonymous", method, page, "login") for page in (MINE, ENTRY, EXIT) for method in ("GET", "POST")],
    ("anonymous", "POST", SKIP_ENTRY, "login"),
    # student: their own checks only (nothing identifies another student's)
    ("student", "GET", MINE, 200),
    ("student", "GET", ENTRY, 200),
    ("student", "POST", ENTRY, 400),
    ("student", "POST", EXIT, 400),
    ("student", "GET", SKIP_ENTRY, 405),
    # staff take no checks; they read the figures on their dashboards
    *[(actor, method, page, 403)
      for actor in ("teacher", "school_admin", "province_admin")
      for page, method in ((MINE, "GET"), (ENTRY, "GET"), (ENTRY, "POST"), (SKIP_ENTRY, "POST"))],
]
