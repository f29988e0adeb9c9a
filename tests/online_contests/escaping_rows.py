from tests.online_contests.permission_rows import oc_url

PAGES = [
    ("school_admin", oc_url("manage_detail", "closed")),
    ("school_admin", oc_url("manage_detail", "published")),
    ("province_admin", oc_url("manage_detail", "province_closed")),
]
