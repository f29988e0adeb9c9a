"""Helpers for the roster, slip, consent and withdrawal tests: roster files, uploads, whole-database scans."""

import io
import json
import re
from collections.abc import Iterator

import openpyxl
from django.db import connection
from django.urls import reverse

CSDL_TITLE_ROWS = [
    ["SỞ GIÁO DỤC VÀ ĐÀO TẠO GIA LAI"],
    ["TRƯỜNG THPT THỬ"],
    ["DANH SÁCH HỌC SINH NĂM HỌC 2025-2026"],
    [],
]
CSDL_HEADER = ["STT", "Mã lớp", "Mã định danh Bộ GD&ĐT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc"]
OUR_HEADER = ["Lớp", "Mã học sinh", "Họ và tên", "Ngày sinh", "Giới tính", "Đồng ý của phụ huynh", "Đồng ý của học sinh"]


def xlsx(*rows) -> bytes:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    for row in rows:
        worksheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csdl_xlsx(students: list[tuple[str, str, str]], *, extra_header: list[str] | None = None, extra=None) -> bytes:
    """A CSDL-style export: title rows, then (class, MOET key, name) rows with date, sex and ethnicity."""
    header = CSDL_HEADER + (extra_header or [])
    rows = [
        [number, class_name, key, name, "05/09/2009", "Nữ" if number % 2 else "Nam", "Kinh", *(extra(number) if extra else [])]
        for number, (class_name, key, name) in enumerate(students, start=1)
    ]
    return xlsx(*CSDL_TITLE_ROWS, header, *rows)


def upload(client, data: bytes, filename: str = "danh-sach.xlsx"):
    file = io.BytesIO(data)
    file.name = filename
    return client.post(reverse("roster_import"), {"file": file})


def payload_of(response) -> str:
    match = re.search(r'name="payload" value="([^"]+)"', response.content.decode())
    assert match, "no payload in the page"
    return match.group(1)


def confirm(client, preview_response):
    assert preview_response.status_code == 200, preview_response.content.decode()[:3000]
    return client.post(reverse("roster_confirm"), {"payload": payload_of(preview_response)})


def import_file(client, data: bytes, filename: str = "danh-sach.xlsx"):
    """Upload, then confirm: the result page."""
    return confirm(client, upload(client, data, filename))


def slips_of(response) -> list[tuple[str, str]]:
    """(username, password) pairs shown on a result page."""
    body = response.content.decode()
    usernames = re.findall(r'class="slip-username">([^<]+)<', body)
    passwords = re.findall(r'class="slip-password">([^<]+)<', body)
    return list(zip(usernames, passwords, strict=True))


def database_texts() -> Iterator[tuple[str, str]]:
    """Every text value of every table, as (table, text), read through the connection's introspection."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - introspected names
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, dict | list):
                        value = json.dumps(value, ensure_ascii=False)
                    if isinstance(value, memoryview | bytes):
                        value = bytes(value).decode("utf-8", "replace")
                    if isinstance(value, str):
                        yield table, value


def found_in_database(*needles: str) -> list[tuple[str, str]]:
    """(table, needle) for each needle found anywhere in the database."""
    return sorted({(table, needle) for table, text in database_texts() for needle in needles if needle in text})
