"""Roster import at scale: a 10,000-row CSDL-style XLSX through the real pages, on PostgreSQL.

    .venv/bin/python bench/bench_roster_import.py
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/qs_bench_roster ROWS=10000 .venv/bin/python bench/bench_roster_import.py

The script (re)creates its own database, migrates it, creates one school with
250 classes of the current year and a school admin, then, as that admin,
through Django's test client (after one warm-up request, as a running server has its URLconf and
templates loaded): uploads the file (parse + preview), confirms (one
transaction, the result page with 10,000 slips), downloads the slips as PDF and
XLSX, and uploads the same file again (nothing to import). Peak memory is the
process's maximum resident set size.
"""

import io
import os
import random
import re
import resource
import sys
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._report import write_section  # noqa: E402

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qs_bench_roster")
ROW_COUNT = int(os.environ.get("ROWS", "10000"))
CLASSES_PER_GRADE = 84  # 252 classes of about 40
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Đức", "Thu", "Quốc", "Gia", "Bảo", "Hoài", "Anh"]
GIVEN = ["An", "Anh", "Ánh", "Bình", "Châu", "Chi", "Dũng", "Duy", "Đạt", "Giang", "Hà", "Hải", "Hằng", "Hiếu",
         "Hoa", "Huy", "Khánh", "Khoa", "Lan", "Linh", "Long", "Mai", "Minh", "My", "Nam", "Ngân", "Nhi", "Phúc"]


def _recreate_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _setup_django() -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="quizsite.settings", DATABASE_URL=DATABASE_URL, DEBUG="1",
        ALLOWED_HOSTS="testserver,localhost", LOG_LEVEL="ERROR",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _world(class_names: list[str]):
    from schools.models import Classroom, RoleAssignment
    from tests.factories import make_province, make_school, make_user, make_year

    year = make_year()
    school = make_school(make_province("Gia Lai"), "Trường THPT Đo Tải")
    Classroom.objects.bulk_create(
        [Classroom(school=school, school_year=year, name=name, grade=int(name[:2])) for name in class_names]
    )
    admin = make_user("bench.admin", "Quản Lý Đo")
    RoleAssignment.objects.create(user=admin, role=RoleAssignment.Role.SCHOOL_ADMIN, school=school)
    return admin


def _roster(class_names: list[str]) -> bytes:
    import openpyxl

    rng = random.Random(10_000)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("DS")
    sheet.append(["SỞ GIÁO DỤC VÀ ĐÀO TẠO GIA LAI"])
    sheet.append(["DANH SÁCH HỌC SINH NĂM HỌC 2025-2026"])
    sheet.append([])
    sheet.append(["STT", "Mã lớp", "Mã định danh Bộ GD&ĐT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc"])
    for number in range(1, ROW_COUNT + 1):
        class_name = class_names[(number - 1) * len(class_names) // ROW_COUNT]
        born = date(2008 + (12 - int(class_name[:2])), rng.randint(1, 12), rng.randint(1, 28))
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        sheet.append([number, class_name, f"64{number:08d}", name, born.strftime("%d/%m/%Y"),
                      rng.choice(["Nam", "Nữ"]), "Kinh"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _load(averages: tuple[float, float, float]) -> str:
    return " / ".join(f"{value:.2f}" for value in averages)


def _timed(label: str, timings: list, action):
    start, cpu = time.perf_counter(), time.process_time()
    result = action()
    timings.append((label, time.perf_counter() - start, time.process_time() - cpu, _rss_mb()))
    return result


def main() -> None:
    _recreate_database(DATABASE_URL)
    _setup_django()
    from django.db import connection
    from django.test import Client

    from schools.models import Enrollment, User

    class_names = [f"{grade}A{index}" for grade in (10, 11, 12) for index in range(1, CLASSES_PER_GRADE + 1)]
    admin = _world(class_names)
    data = _roster(class_names)
    client = Client()
    client.force_login(admin)
    # A running server has its URLconf and templates loaded before anyone imports a roster.
    assert client.get("/rosters/import/").status_code == 200
    baseline = _rss_mb()
    load_before = os.getloadavg()
    queries = []
    timings: list[tuple[str, float, float, float]] = []

    def upload():
        file = io.BytesIO(data)
        file.name = "csdl-10000.xlsx"
        response = client.post("/rosters/import/", {"file": file})
        assert response.status_code == 200, response.content[:2000]
        return response

    def payload(response) -> str:
        return re.search(r'name="payload" value="([^"]+)"', response.content.decode()).group(1)

    preview = _timed("upload + parse + preview page", timings, upload)
    import_payload = payload(preview)

    def count_queries(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count_queries):
        result = _timed(
            "confirm: import in one transaction + result page with the slips", timings,
            lambda: client.post("/rosters/import/confirm/", {"payload": import_payload}),
        )
    assert result.status_code == 200
    slips_payload = payload(result)
    pdf = _timed("slips PDF download", timings,
                 lambda: client.post("/rosters/download/", {"payload": slips_payload, "format": "pdf"}))
    xlsx = _timed("slips XLSX download", timings,
                  lambda: client.post("/rosters/download/", {"payload": slips_payload, "format": "xlsx"}))
    again = _timed("same file again: upload + preview (nothing to import)", timings, upload)
    assert "không có gì cần nhập" in again.content.decode()
    students = User.objects.filter(key_kind="moet").count()
    enrollments = Enrollment.objects.count()
    assert students == ROW_COUNT and enrollments == ROW_COUNT, (students, enrollments)

    database = connection.vendor
    total = timings[0][1] + timings[1][1]
    total_cpu = timings[0][2] + timings[1][2]
    rows = "\n".join(
        f"| {label} | {seconds:.2f} s | {cpu:.2f} s | {rss:.0f} MB |" for label, seconds, cpu, rss in timings
    )
    body = (
        f"{ROW_COUNT:,} rows (CSDL-style XLSX, {len(data) / 1024:.0f} KB, title rows, forbidden column), "
        f"{len(class_names)} classes, {database}; school admin through the real pages (Django test client, "
        "after one warm-up request); load average (1/5/15 min, as `uptime` shows it) "
        f"{_load(load_before)} before, {_load(os.getloadavg())} at the end "
        "(other work was running on the machine when above 1).\n"
        f"Target: ≤ 10 s and ≤ 300 MB for the import. Upload + confirm: **{total:.2f} s** wall "
        f"({total_cpu:.2f} s CPU in the web process, the rest is PostgreSQL and waiting for the CPU), "
        f"peak RSS **{_rss_mb():.0f} MB** (process after setup: {baseline:.0f} MB); "
        f"{len(queries)} queries in the confirm step (not counting PostgreSQL COPY, one per table written); "
        f"signed preview payload {len(import_payload) / 1024:.0f} KB, slips payload {len(slips_payload) / 1024:.0f} KB; "
        f"slips PDF {len(pdf.content) / 1024:.0f} KB ({(ROW_COUNT + 9) // 10} pages), XLSX {len(xlsx.content) / 1024:.0f} KB.\n\n"
        "| step | wall | web process CPU | peak RSS so far |\n|---|---|---|---|\n" + rows
    )
    write_section("roster-import", "Roster import (10,000 rows)", body)
    print(body)


if __name__ == "__main__":
    main()
