"""Server CPU for wide spreadsheet uploads: the roster import and the question-bank import.

    .venv/bin/python bench/bench_spreadsheet_uploads.py [--before PATH]

The shape from the security review: an XLSX of about 1,200 rows × 3,000 cells
(a few hundred KB zipped, well over 100 MB of sheet XML, under the unzip cap).
Cases, each parsed the way the upload view does it (roster: parse, then the
file of bad rows when some rows have errors), in a fresh process, CPU time of
that process:

- roster, narrow header (7 known columns) with 3,000 cells per data row, every
  tenth row with an error;
- roster, header 3,000 columns wide (every cell of every row is under a header);
- question bank, 500 rows × 3,000 cells.

``--before PATH`` runs the same cases against another checkout (for example a
worktree of the commit before the bound) and records both.
"""

import argparse
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROWS = int(os.environ.get("ROWS", "1200"))
CELLS = int(os.environ.get("CELLS", "3000"))
QUESTION_ROWS = 500
HEADER = ["STT", "Mã lớp", "Mã định danh Bộ GD&ĐT", "Họ và tên", "Ngày sinh", "Giới tính", "Ghi chú"]


def _xlsx(header: list, rows, width: int) -> bytes:
    """An XLSX whose sheet XML is written directly: every cell past the data is the number 1.

    Like the file from the review, it is small zipped and large unzipped.
    """
    import zipfile

    import openpyxl
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook()
    workbook.active.append(header)
    workbook.active.append(["x"])  # makes 'x' a shared string
    buffer = io.BytesIO()
    workbook.save(buffer)
    letters = [get_column_letter(n) for n in range(1, width + 1)]

    def cell(ref: str, value) -> str:
        if isinstance(value, int):
            return f'<c r="{ref}"><v>{value}</v></c>'
        text = str(value).replace("&", "&amp;").replace("<", "&lt;")
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'

    parts = ['<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             'spreadsheetml/2006/main"><sheetData>']
    parts.append('<row r="1">' + "".join(cell(f"{letters[i]}1", h) for i, h in enumerate(header)) + "</row>")
    for number, values in enumerate(rows, start=2):
        cells = [cell(f"{letters[i]}{number}", v) for i, v in enumerate(values)]
        # cells without a reference (allowed: they follow the previous one) keep the zip small
        cells.append('<c s="0"><v>1</v></c>' * (width - len(values)))
        parts.append(f'<row r="{number}">' + "".join(cells) + "</row>")
    parts.append("</sheetData></worksheet>")
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            data = "".join(parts).encode() if info.filename == "xl/worksheets/sheet1.xml" else source.read(info)
            target.writestr(info.filename, data)
    return out.getvalue()


def _roster(wide_header: bool) -> bytes:
    header = HEADER + ([f"Cột {n}" for n in range(len(HEADER) + 1, CELLS + 1)] if wide_header else [])
    rows = (
        [number, "10A1", f"64{number:08d}", "" if number % 10 == 0 else f"Nguyễn Văn An {number}",
         "05/09/2009", "Nam"]
        for number in range(1, ROWS + 1)
    )
    return _xlsx(header, rows, CELLS)


def _questions() -> bytes:
    header = ["Loại", "Câu hỏi", "Lựa chọn A", "Lựa chọn B", "Lựa chọn C", "Lựa chọn D", "Lựa chọn E",
              "Lựa chọn F", "Đáp án đúng", "Giải thích"]
    rows = (
        ["Một lựa chọn", f"Câu {number}?", "Có", "Không", "", "", "", "", "A", "Vì vậy."]
        for number in range(QUESTION_ROWS)
    )
    return _xlsx(header, rows, CELLS)


def _unzipped(data: bytes) -> int:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(info.file_size for info in archive.infolist())


def _measure(case: str, path: str) -> dict:
    """Run in a child process whose sys.path starts at the checkout to measure."""
    sys.path.insert(0, path)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings")
    os.environ.setdefault("SECRET_KEY", "bench-" + "k" * 50)
    import django

    django.setup()
    from datetime import date
    from inspect import signature

    data = Path(os.environ["BENCH_FILE"]).read_bytes()
    outcome = ""
    start, cpu = time.perf_counter(), time.process_time()
    if case.startswith("roster"):
        from schools.roster_parsing import RosterFileError, bad_rows_xlsx, parse_roster

        try:
            parsed = parse_roster(data, "ds.xlsx", today=date(2025, 11, 20))
            if parsed.errors:
                if len(signature(bad_rows_xlsx).parameters) == 3:
                    bad_rows_xlsx(data, "ds.xlsx", parsed.errors)
                else:
                    bad_rows_xlsx(parsed, parsed.errors)
            outcome = f"{len(parsed.rows)} rows, {len(parsed.errors)} errors, bad-rows file written"
        except RosterFileError as error:
            outcome = f"refused: {error.message}"
    else:
        from lessons.question_io import parse_upload

        upload = io.BytesIO(data)
        upload.name, upload.size = "cau-hoi.xlsx", len(data)
        questions, errors = parse_upload(upload)
        outcome = f"{len(questions)} questions" if not errors else f"refused: {errors[0]}"
    import resource

    return {
        "wall": time.perf_counter() - start, "cpu": time.process_time() - cpu, "outcome": outcome,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _run(case: str, path: str, file: Path) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--child", case, "--code", path],
        env={**os.environ, "BENCH_FILE": str(file)}, capture_output=True, text=True, check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", help="another checkout to measure the same cases against")
    parser.add_argument("--child")
    parser.add_argument("--code")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_measure(args.child, args.code)))
        return
    import tempfile

    from bench._report import write_section

    cases = {
        "roster, 7-column header, 3,000 cells per row": _roster(False),
        "roster, 3,000-column header": _roster(True),
        "question bank, 500 rows × 3,000 cells": _questions(),
    }
    lines = []
    with tempfile.TemporaryDirectory() as directory:
        for label, data in cases.items():
            file = Path(directory) / "upload.xlsx"
            file.write_bytes(data)
            kind = "roster" if label.startswith("roster") else "questions"
            figures = {"after": _run(kind, str(ROOT), file)}
            if args.before:
                figures["before"] = _run(kind, args.before, file)
            size = f"{len(data) / 1024:.0f} KB, {_unzipped(data) / 1024 / 1024:.0f} MB unzipped"
            for when in ("before", "after"):
                if when in figures:
                    f = figures[when]
                    lines.append(
                        f"| {label} ({size}) | {when} | {f['cpu']:.2f} s | {f['wall']:.2f} s | "
                        f"{f['rss_mb']:.0f} MB | {f['outcome']} |"
                    )
            print(lines[-1], flush=True)
    body = (
        f"{ROWS:,} rows × {CELLS:,} cells per row (question bank: {QUESTION_ROWS} rows), parsed as the upload "
        "view does (roster: parse, then the bad-rows file when rows have errors), each in a fresh process. "
        "\"before\" is the parser that read every cell and parsed a file with errors twice; \"after\" reads "
        "rows only up to the last header column, charges every cell read to a budget (1,000,000 cells for "
        "rosters, 50,000 for question banks) and keeps the rows it read for the bad-rows file.\n\n"
        "| upload | code | CPU | wall | peak RSS | result |\n|---|---|---|---|---|---|\n" + "\n".join(lines)
    )
    write_section("spreadsheet-uploads", "Wide spreadsheet uploads (roster and question bank)", body)
    print(body)


if __name__ == "__main__":
    main()
