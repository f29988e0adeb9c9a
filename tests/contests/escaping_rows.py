"""Live-contest pages that show student names (results: real names for the teacher only)."""

from tests.contests.permission_rows import RESULTS

PAGES = [("teacher", RESULTS)]
