from tests.coverage.permission_rows import CLASS

PAGES = [
    ("teacher", CLASS),
    ("school_admin", CLASS),
]
