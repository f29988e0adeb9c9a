"""Read a school's student roster (XLSX, legacy XLS or CSV) into checked rows.

Two layouts are accepted: the export of the education-sector database (CSDL
ngành: STT, Mã lớp, Mã định danh Bộ GD&ĐT, Họ và tên or Họ đệm + Tên, Ngày
sinh, Giới tính, …) and our own template (Lớp, Mã học sinh, Họ và tên, Ngày
sinh, Giới tính, Đồng ý của phụ huynh, Đồng ý của học sinh). Headers are matched
by name, ignoring case, diacritics, spacing and punctuation, and may sit below a
few title rows.

Parsing is pure: no database, no clock (``today`` is passed in). Columns
holding data we must not keep (ID numbers, ethnicity, religion, parents,
phone, address …) are dropped while reading, so their values never reach the
result; only their header text is reported.

``parse_roster`` raises ``RosterFileError`` for problems with the whole file
and reports problems with single rows as ``RowError``s; a row with any error is
left out of ``ParsedRoster.rows``.
"""

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Literal

import openpyxl
import xlrd
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from quizsite.spreadsheets import MAX_UNZIPPED_BYTES, CellBudget, TooManyCells, csv_row, xlsx_rows, xlsx_set
from quizsite.text_encoding import decode_unicode, utf16_variant
from schools.names import fold, normalize_name

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DATA_ROWS = 20_000
MAX_NAME_LENGTH = 100
MAX_CODE_LENGTH = 30
MAX_CLASS_LENGTH = 40
MIN_AGE = 10
MAX_AGE = 25
HEADER_SCAN_ROWS = 15
# Sheets formatted down to row 1,048,576 would otherwise be walked to the end.
MAX_CONSECUTIVE_EMPTY_ROWS = 1_000
# Share of name/class cells in TCVN3/VNI above which the whole file is refused
# (below it, only the affected rows are rejected: a mixed file must not be
# converted wholesale, or its Unicode cells would be garbled).
LEGACY_FILE_SHARE = 0.3
VIETNAM_TIME = timezone(timedelta(hours=7), "ICT")  # no daylight saving

KeyKind = Literal["moet", "school"]
Sex = Literal["M", "F", ""]
CellValue = str | int | float | bool | date | datetime | None

LEGACY_ENCODING_MESSAGE = (
    "Tệp dùng bảng mã cũ TCVN3/VNI. Hãy mở bằng Unikey → Công cụ chuyển mã (Ctrl+Shift+F6), "
    "chọn nguồn TCVN3 hoặc VNI Windows, đích Unicode, rồi lưu lại dưới dạng UTF-8."
)
ERROR_COLUMN_HEADER = "Lỗi"
SOURCE_ROW_HEADER = "Dòng gốc"
TEMPLATE_HEADERS = (
    "Lớp",
    "Mã học sinh",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Đồng ý của phụ huynh",
    "Đồng ý của học sinh",
)


class RosterFileError(Exception):
    """The file as a whole cannot be used; ``message`` says why, in Vietnamese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One valid student row. ``row_number`` is the row as the user sees it in the file."""

    row_number: int
    key: str
    key_kind: KeyKind
    full_name: str
    class_name: str
    birth_date: date | None
    sex: Sex
    guardian_consent: bool | None
    student_consent: bool | None


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem with one cell: file row number, header text of the column, message in Vietnamese."""

    row_number: int
    column: str
    message: str


@dataclass(frozen=True, slots=True)
class ParsedRoster:
    """The valid rows, the per-row errors, and what was left out of the file."""

    rows: list[RosterRow]
    errors: list[RowError]
    ignored_columns: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Every data row as read, without the forbidden columns, so the file of bad
    # rows is written without parsing the upload a second time.
    source_headers: list[str] = field(default_factory=list)
    source_rows: dict[int, tuple[CellValue, ...]] = field(default_factory=dict)
    code_columns: frozenset[int] = frozenset()


# --- Text helpers -------------------------------------------------------------------------------

_CONTROL_CHARS = {code: " " for code in (*range(0x00, 0x20), 0x7F)}
_INVISIBLE_CHARS = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_TEXT_CLEANUP = {**_CONTROL_CHARS, **_INVISIBLE_CHARS}


def _clean(value: str) -> str:
    """NFC, no control or zero-width characters, whitespace collapsed."""
    return normalize_name(value.translate(_TEXT_CLEANUP))


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold(text))


def _compact(text: str) -> str:
    """The matching key of a header or value: folded, letters and digits only."""
    return "".join(_tokens(text))


def _is_empty(value: CellValue) -> bool:
    return value is None or (isinstance(value, str) and not value.translate(_TEXT_CLEANUP).strip())


def _as_text(value: CellValue) -> str:
    """A cell as the user reads it: whole numbers without '.0', dates as dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, str):
        return _clean(value)
    return str(value)


def _quote(text: str, limit: int = 40) -> str:
    shown = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"'{shown}'"


# --- Legacy encodings (TCVN3/ABC and VNI) -------------------------------------------------------
#
# Text typed with the .VnTime (TCVN3) or VNI-Times fonts is stored byte for byte
# and reaches us as the Windows-1252 reading of those bytes: "Nguyễn Văn Đức" is
# "NguyÔn V¨n §øc" in TCVN3 and "Nguyeãn Vaên Ñöùc" in VNI. Three tell-tales:
#  - characters Vietnamese never uses, from the bytes 0xA1–0xFF both encodings
#    spend on letters (TCVN3 "¨" ă, "®" đ, "§" Đ, "µ" à, "¸" á; VNI "ø" huyền,
#    "ï" nặng, "ö" ư, "ñ" đ, "Ñ" Đ);
#  - VNI's vowel followed by a separate mark ("eã", "aø", "oâ", "aê", "yù");
#  - TCVN3's toned vowels landing on capitals inside a word ("NguyÔn", "TiÕn").
# Windows-1258 bytes of genuine Vietnamese avoid all three, except 0xDE (a
# combining tilde there, "Þ" in TCVN3), so the byte-level check leaves it out.
_LEGACY_BYTE_MARKERS = "\u00a1-\u00bf\u00c4-\u00c7\u00cb\u00ce\u00cf\u00d1\u00d6-\u00d8\u00db\u00dc\u00df" + (
    "\u00e4-\u00e7\u00eb\u00ee\u00ef\u00f1\u00f6-\u00f8\u00fb\u00fc\u00ff"
)
_LEGACY_MARKERS_IN_BYTES = re.compile(f"[{_LEGACY_BYTE_MARKERS}]")
_LEGACY_MARKERS_IN_TEXT = re.compile(f"[{_LEGACY_BYTE_MARKERS}\u00de\u00fe]")
_VNI_MARK_PAIRS = re.compile(
    "[aAeE][âãáàåäêéèúüëùõûïøÂÃÁÀÅÄÊÉÈÚÜËÙÕÛÏØ]"
    # After "o", "à", "á", "ã" are left out: "hoà", "khoá", "Doãn" are genuine spellings.
    "|[oO][âåäùõûïøÂÅÄÙÕÛÏØ]"
    "|[uUyYôÔöÖ][ùøûõïÙØÛÕÏ]"
)
_TCVN3_CAPITAL_INSIDE_WORD = re.compile("[a-z][ÀÁÂÃÈÉÊÍÓÔÕÙÚÝ]")
# Letters only Unicode Vietnamese has: their presence proves the text is not legacy.
_VIETNAMESE_LETTERS = re.compile("[ăĂđĐĩĨũŨơƠưƯ\u1ea0-\u1ef9]")


def _looks_legacy(text: str) -> bool:
    """Whether a cell reads like TCVN3 or VNI text seen through Windows-1252."""
    text = unicodedata.normalize("NFC", text)
    if _VIETNAMESE_LETTERS.search(text):
        return False
    return bool(
        _LEGACY_MARKERS_IN_TEXT.search(text) or _VNI_MARK_PAIRS.search(text) or _TCVN3_CAPITAL_INSIDE_WORD.search(text)
    )


def _bytes_look_legacy(data: bytes) -> bool:
    """Whether undecodable-as-UTF-8 bytes are TCVN3/VNI rather than Windows-1258."""
    lines = [line for line in data.decode("latin-1").splitlines() if not line.isascii()]
    flagged = sum(
        1
        for line in lines
        if _LEGACY_MARKERS_IN_BYTES.search(line)
        or _VNI_MARK_PAIRS.search(line)
        or _TCVN3_CAPITAL_INSIDE_WORD.search(line)
    )
    return bool(lines) and flagged / len(lines) >= LEGACY_FILE_SHARE


def _share_is_legacy(texts: list[str]) -> bool:
    """Whether enough of the non-ASCII texts look legacy to refuse the file (ASCII text proves nothing)."""
    texts = [text for text in texts if not text.isascii()]
    flagged = sum(1 for text in texts if _looks_legacy(text))
    return flagged > 0 and flagged / len(texts) >= LEGACY_FILE_SHARE


# --- Column headers -----------------------------------------------------------------------------

# Field → accepted header keys (see _compact), best first. A lower index wins
# when two columns claim the same field.
_FIELD_HEADERS: dict[str, tuple[str, ...]] = {
    "class_name": ("lop", "tenlop", "lophoc", "malop"),
    "moet_id": (
        "madinhdanhbogddt",
        "madinhdanhbogiaoducvadaotao",
        "madinhdanhbogddtcap",
        "madinhdanhbo",
        "madinhdanhhocsinh",
        "madinhdanhhs",
        "madinhdanh",
    ),
    "school_code": ("mahocsinh", "mahs", "masohocsinh", "masohs", "mahocsinhcuatruong", "mahstruong"),
    "full_name": ("hovaten", "hoten", "hovatenhocsinh", "hotenhocsinh", "hotenhs", "hovatenhs"),
    "family_names": ("hodem", "holot", "hovatendem", "hovadem", "hovachulot"),
    "given_name": ("ten", "tenhocsinh", "tenhs"),
    "birth_date": ("ngaysinh", "ngaythangnamsinh", "ngaysinhddmmyyyy", "ngaysinhngaythangnam"),
    "sex": ("gioitinh", "gt", "phai", "gioi"),
    "female_mark": ("nu",),
    "guardian_consent": (
        "dongycuaphuhuynh",
        "dongyphuhuynh",
        "phuhuynhdongy",
        "dongycuachame",
        "dongycuanguoigiamho",
        "phhsdongy",
    ),
    "student_consent": ("dongycuahocsinh", "dongyhocsinh", "hocsinhdongy", "hsdongy", "dongycuahs"),
}
_HEADER_TO_FIELD = {key: (name, rank) for name, keys in _FIELD_HEADERS.items() for rank, key in enumerate(keys)}
# Known columns we neither use nor report: row numbers, and our own error report.
_SILENT_HEADERS = {"stt", "sothutu", "tt", _compact(ERROR_COLUMN_HEADER), _compact(SOURCE_ROW_HEADER)}

# Personal data we must not keep, as pieces of header keys.
_FORBIDDEN_ID_PARTS = (
    "ddcn",
    "dinhdanhcanhan",
    "sodinhdanh",
    "cccd",
    "cmnd",
    "cmtnd",
    "cancuoc",
    "chungminh",
    "hochieu",
    "ngaycap",
    "noicap",
    "bhyt",
    "baohiem",
)
_FORBIDDEN_OTHER_PARTS = (
    "dantoc",
    "tongiao",
    "dienthoai",
    "sodt",
    "sdt",
    "didong",
    "email",
    "thudientu",
    "diachi",
    "noio",
    "hokhau",
    "quequan",
    "thuongtru",
    "tamtru",
    "cutru",
    "noisinh",
    "tinhthanh",
    "quanhuyen",
    "xaphuong",
    "phuongxa",
    "thonxom",
    "todanpho",
    "sonha",
    "phuhuynh",
    "giamho",
    "nguoinuoi",
    "khuyettat",
    "hongheo",
    "canngheo",
    "chinhsach",
)
_FORBIDDEN_WORDS = {"cha", "me", "bo", "ba", "dt"}
_FORBIDDEN_HEADERS = {"tinh", "tinhtp", "huyen", "quan", "xa", "phuong", "thon", "xom", "ap", "khupho"}


@dataclass(frozen=True, slots=True)
class _Header:
    kind: Literal["field", "forbidden", "silent", "unknown", "empty"]
    field: str = ""
    rank: int = 0


def _classify_header(text: str) -> _Header:
    """What a header cell means: one of our fields, data we must drop, or nothing we know."""
    if not text:
        return _Header("empty")
    without_notes = re.sub(r"\(.*?\)|\[.*?\]", " ", text)
    for variant in (text, without_notes):
        key = _compact(variant)
        if key in _HEADER_TO_FIELD:
            name, rank = _HEADER_TO_FIELD[key]
            return _Header("field", name, rank)
        if key in _SILENT_HEADERS:
            return _Header("silent")
    key, words = _compact(text), set(_tokens(text))
    if any(part in key for part in _FORBIDDEN_ID_PARTS):
        return _Header("forbidden")
    if "dongy" in key and (any(part in key for part in ("phuhuynh", "chame", "giamho")) or words & {"ph", "phhs"}):
        return _Header("field", "guardian_consent", 50)
    if "dongy" in key and any(part in key for part in ("hocsinh", "hs")):
        return _Header("field", "student_consent", 50)
    if "madinhdanh" in key:
        return _Header("field", "moet_id", 50)
    if any(part in key for part in _FORBIDDEN_OTHER_PARTS) or words & _FORBIDDEN_WORDS or key in _FORBIDDEN_HEADERS:
        return _Header("forbidden")
    return _Header("unknown")


def _is_header_row(cells: list[CellValue]) -> bool:
    fields = {_classify_header(_as_text(cell)).field for cell in cells}
    return bool(fields & {"full_name", "given_name"}) and "class_name" in fields


# --- Reading the file into rows of cells --------------------------------------------------------


@dataclass(slots=True)
class _Sheet:
    name: str
    # rows from row 1, a fresh iterator per call, read up to the given column (all when None);
    # every cell read is charged to the upload's CellBudget
    rows: Callable[..., Iterator[list[CellValue]]]


def _detect_format(data: bytes, filename: str) -> Literal["xlsx", "xls", "csv"]:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data:
            raise RosterFileError("Tệp Excel đang được đặt mật khẩu. Hãy bỏ mật khẩu rồi tải lên lại.")
        return "xls"
    if extension in {"xlsx", "xls"}:
        head = data[:512].lstrip(codecs.BOM_UTF8).lstrip().replace(b"\x00", b"").lstrip(b"\xff\xfe").lower()
        if head.startswith(b"<"):
            raise RosterFileError(
                "Tệp Excel này thực chất là trang web (HTML/XML) do phần mềm xuất ra. Hãy mở bằng Excel, "
                "chọn Lưu thành (Save As) → Excel Workbook (.xlsx), rồi tải tệp mới lên."
            )
        # Some school software saves tab- or comma-separated text under an Excel name.
        if b"\x00" in data[:4096] and utf16_variant(data) is None:
            raise RosterFileError(
                "Không đọc được tệp Excel; tệp có thể bị hỏng. Hãy mở bằng Excel và lưu lại dưới dạng .xlsx."
            )
        return "csv"
    if extension in {"csv", "txt"}:
        return "csv"
    raise RosterFileError("Chỉ nhận tệp Excel (.xlsx, .xls) hoặc CSV (.csv).")


def _xlsx_value(cell) -> CellValue:
    value = cell.value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _padded_number(value, getattr(cell, "number_format", "") or "")
    return value


def _padded_number(value: int | float, number_format: str) -> CellValue:
    """A number shown with a '000000' format is a code whose leading zeros are still visible: keep them."""
    if re.fullmatch(r"0{2,}", number_format) and float(value).is_integer() and value >= 0:
        return str(int(value)).zfill(len(number_format))
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _bounded(rows: Iterator[list[CellValue]], budget: CellBudget, max_col: int | None) -> Iterator[list[CellValue]]:
    """Rows cut at `max_col`, each charged to the budget (CSV and XLS: already in memory, cheap to cut)."""
    for row in rows:
        cut = row[:max_col] if max_col is not None else row
        budget.charge(len(cut))
        yield cut


def _too_many_cells(error: TooManyCells) -> "RosterFileError":
    return RosterFileError(error.message)


@contextmanager
def _xlsx_sheets(data: bytes, budget: CellBudget) -> Iterator[list[_Sheet]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            unzipped = sum(info.file_size for info in archive.infolist())
    except Exception as error:  # BadZipFile, NotImplementedError, ValueError … on damaged archives
        raise RosterFileError("Không đọc được tệp Excel; tệp có thể bị hỏng.") from error
    if "xl/workbook.xml" not in names:
        raise RosterFileError(
            "Tệp không phải bảng tính Excel (.xlsx). Chỉ nhận tệp Excel (.xlsx, .xls) hoặc CSV (.csv)."
        )
    if unzipped > MAX_UNZIPPED_BYTES:
        raise RosterFileError("Tệp Excel quá lớn khi giải nén. Hãy chỉ giữ lại danh sách học sinh rồi lưu lại.")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types on damaged files
        raise RosterFileError("Không đọc được tệp Excel; tệp có thể bị hỏng. Hãy mở bằng Excel và lưu lại.") from error
    try:
        ordered = [workbook.active] + [sheet for sheet in workbook.worksheets if sheet is not workbook.active]
        sheets = []
        for worksheet in ordered:
            if not hasattr(worksheet, "iter_rows"):  # chart sheets
                continue
            worksheet.reset_dimensions()  # exporters often write a wrong <dimension>

            def rows(max_col: int | None = None, worksheet=worksheet) -> Iterator[list[CellValue]]:
                try:
                    for row in xlsx_rows(worksheet, budget=budget, max_col=max_col):
                        yield [None if cell is None else _xlsx_value(cell) for cell in row]
                except TooManyCells as error:
                    raise _too_many_cells(error) from error
                except RosterFileError:
                    raise
                except Exception as error:  # sheets are parsed lazily: damage shows up here
                    raise RosterFileError(
                        "Không đọc được tệp Excel; tệp có thể bị hỏng. Hãy mở bằng Excel và lưu lại."
                    ) from error

            sheets.append(_Sheet(worksheet.title, rows))
        yield sheets
    finally:
        workbook.close()


@contextmanager
def _xls_sheets(data: bytes, budget: CellBudget) -> Iterator[list[_Sheet]]:
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True, logfile=io.StringIO())
    except Exception as error:  # xlrd raises many types on damaged files
        raise RosterFileError(
            "Không đọc được tệp Excel .xls; tệp có thể bị hỏng. Hãy mở bằng Excel và lưu lại dưới dạng .xlsx."
        ) from error

    def value(cell) -> CellValue:
        if cell.ctype == xlrd.XL_CELL_TEXT:
            return cell.value
        if cell.ctype == xlrd.XL_CELL_NUMBER:
            number_format = ""
            try:
                number_format = book.format_map[book.xf_list[cell.xf_index].format_key].format_str
            except (IndexError, KeyError, TypeError):
                pass
            return _padded_number(cell.value, number_format)
        if cell.ctype == xlrd.XL_CELL_DATE:
            try:
                return xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
            except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                return cell.value
        if cell.ctype == xlrd.XL_CELL_BOOLEAN:
            return bool(cell.value)
        return None

    def rows(sheet, max_col: int | None) -> Iterator[list[CellValue]]:
        try:
            for number in range(sheet.nrows):
                cut = sheet.row_slice(number, 0, max_col)
                budget.charge(len(cut))
                yield [value(cell) for cell in cut]
        except TooManyCells as error:
            raise _too_many_cells(error) from error

    try:
        try:
            loaded = [book.sheet_by_index(index) for index in range(book.nsheets)]
        except Exception as error:  # sheets are parsed here (on_demand): damage shows up now
            raise RosterFileError(
                "Không đọc được tệp Excel .xls; hãy mở bằng Excel và lưu lại dưới dạng .xlsx."
            ) from error
        yield [_Sheet(sheet.name, lambda max_col=None, sheet=sheet: rows(sheet, max_col)) for sheet in loaded]
    finally:
        book.release_resources()


def _decode_csv(data: bytes) -> str:
    """Text of a CSV in UTF-8 or UTF-16 (BOM or not, either byte order) or Windows-1258; refuse TCVN3/VNI."""
    try:
        text = decode_unicode(data)
    except UnicodeDecodeError as error:
        raise RosterFileError("Tệp CSV bị lỗi mã hóa. Hãy lưu lại dưới dạng CSV UTF-8.") from error
    if text is not None:
        return text
    if _bytes_look_legacy(data):
        raise RosterFileError(LEGACY_ENCODING_MESSAGE)
    try:
        return data.decode("cp1258")
    except UnicodeDecodeError as error:
        raise RosterFileError(
            "Không nhận ra bảng mã của tệp CSV. Hãy lưu lại dưới dạng CSV UTF-8 (Excel: Lưu thành → CSV UTF-8)."
        ) from error


@contextmanager
def _csv_sheets(data: bytes, budget: CellBudget) -> Iterator[list[_Sheet]]:
    text = _decode_csv(data)
    forced = None
    first_line, _, rest = text.partition("\n")
    # Excel writes and hides a "sep=;" first line when asked for a given delimiter.
    if re.fullmatch(r"sep=.\r?", first_line):
        forced, text = first_line[4], rest

    def reader(delimiter: str) -> Iterator[list[CellValue]]:
        try:
            yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        except csv.Error as error:
            raise RosterFileError(
                "Không đọc được tệp CSV (có ô quá dài hoặc ký tự lạ). Hãy mở bằng Excel và lưu lại dưới dạng CSV UTF-8."
            ) from error

    delimiters = [forced] if forced else [",", ";", "\t"]
    chosen = delimiters[0]
    for delimiter in delimiters:
        head = [row for _, row in zip(range(HEADER_SCAN_ROWS), reader(delimiter), strict=False)]
        if any(_is_header_row(row) for row in head):
            chosen = delimiter
            break
    def rows(max_col: int | None = None) -> Iterator[list[CellValue]]:
        try:
            yield from _bounded(reader(chosen), budget, max_col)
        except TooManyCells as error:
            raise _too_many_cells(error) from error

    yield [_Sheet("CSV", rows)]


@contextmanager
def _open_sheets(data: bytes, filename: str) -> Iterator[list[_Sheet]]:
    if not data:
        raise RosterFileError("Tệp rỗng.")
    if len(data) > MAX_FILE_BYTES:
        raise RosterFileError("Tệp lớn hơn 5 MB. Hãy tách danh sách thành nhiều tệp nhỏ hơn.")
    opener = {"xlsx": _xlsx_sheets, "xls": _xls_sheets, "csv": _csv_sheets}[_detect_format(data, filename)]
    with opener(data, CellBudget()) as sheets:
        yield sheets


# --- Finding the header and mapping the columns -------------------------------------------------


@dataclass(slots=True)
class _Layout:
    sheet: _Sheet
    data_start: int  # 1-based number of the first row after the header
    headers: list[str]  # header text per column, as in the file
    fields: dict[str, int]  # field → column index
    forbidden: list[int]
    unknown: list[int]
    warnings: list[str]

    @property
    def width(self) -> int:
        """Columns up to the last one with a header: nothing to their right is read."""
        return max((index + 1 for index, text in enumerate(self.headers) if text), default=0)

    @property
    def key_field(self) -> str:
        """The student key: the MOET ID when the file has it, else the school's own code."""
        return "moet_id" if "moet_id" in self.fields else "school_code"


def _find_layout(sheets: list[_Sheet]) -> _Layout:
    """Find the header row (in the first 15 rows of the first sheet that has one) and map its columns."""
    found: list[tuple[_Sheet, int, list[list[CellValue]]]] = []
    for sheet in sheets:
        head = [row for _, row in zip(range(HEADER_SCAN_ROWS + 2), sheet.rows(), strict=False)]
        index = next((i for i, row in enumerate(head[:HEADER_SCAN_ROWS]) if _is_header_row(row)), None)
        if index is not None:
            found.append((sheet, index, head))
    if not found:
        texts = [
            _as_text(cell)
            for sheet in sheets
            for _, row in zip(range(HEADER_SCAN_ROWS), sheet.rows(), strict=False)
            for cell in row
            if isinstance(cell, str)
        ]
        if _share_is_legacy(texts):
            raise RosterFileError(LEGACY_ENCODING_MESSAGE)
        raise RosterFileError(
            f"Không tìm thấy dòng tiêu đề trong {HEADER_SCAN_ROWS} dòng đầu. Cần có cột 'Họ và tên' "
            "(hoặc 'Họ đệm' và 'Tên') và cột 'Lớp'."
        )
    sheet, index, head = found[0]
    warnings = []
    if len(found) > 1:
        others = ", ".join(f"'{other.name}'" for other, _, _ in found[1:])
        warnings.append(
            f"Chỉ đọc trang tính '{sheet.name}'. Các trang tính {others} cũng có danh sách nhưng không được đọc; "
            "hãy gộp vào một trang tính hoặc tải lên từng tệp."
        )
    headers = [_as_text(cell) for cell in head[index]]
    kinds = [_classify_header(text) for text in headers]
    data_start = index + 2
    below = head[index + 1] if index + 1 < len(head) else []
    if _is_sub_header(kinds, below):
        headers, kinds = _merge_sub_header(headers, kinds, below)
        data_start += 1
    numbering = head[data_start - 1] if data_start - 1 < len(head) else []
    if _is_column_numbering(numbering):
        data_start += 1
    return _map_columns(sheet, data_start, headers, kinds, warnings)


def _parent_kinds(kinds: list[_Header], width: int) -> list[_Header]:
    """The header above each column, a merged header counting for the empty cells to its right."""
    parents, current = [], _Header("empty")
    for index in range(width):
        kind = kinds[index] if index < len(kinds) else _Header("empty")
        if kind.kind != "empty":
            current = kind
        parents.append(current)
    return parents


def _is_sub_header(kinds: list[_Header], below: list[CellValue]) -> bool:
    """A second header row ('Họ đệm' | 'Tên' under a merged 'Họ và tên'), not a student."""
    texts = [_as_text(cell) for cell in below]
    if not any(texts):
        return False
    parents = _parent_kinds(kinds, len(texts))
    return all(
        not text or _classify_header(text).kind != "unknown" or parents[i].kind == "forbidden"
        for i, text in enumerate(texts)
    )


def _merge_sub_header(
    headers: list[str], kinds: list[_Header], below: list[CellValue]
) -> tuple[list[str], list[_Header]]:
    width = max(len(headers), len(below))
    parents = _parent_kinds(kinds, width)
    merged_headers, merged_kinds = [], []
    for index in range(width):
        top = headers[index] if index < len(headers) else ""
        sub = _as_text(below[index]) if index < len(below) else ""
        if parents[index].kind == "forbidden" and (top or sub):
            merged_headers.append(" ".join(filter(None, [top, sub])))
            merged_kinds.append(_Header("forbidden"))
        elif sub:
            merged_headers.append(sub)
            merged_kinds.append(_classify_header(sub))
        else:
            merged_headers.append(top)
            merged_kinds.append(kinds[index] if index < len(kinds) else _Header("empty"))
    return merged_headers, merged_kinds


def _is_column_numbering(cells: list[CellValue]) -> bool:
    """The '(1) (2) (3) …' row some exports put under the header."""
    texts = [_as_text(cell) for cell in cells if not _is_empty(cell)]
    return len(texts) >= 3 and all(re.fullmatch(r"\(?\d{1,3}\)?", text) for text in texts)


def _map_columns(
    sheet: _Sheet, data_start: int, headers: list[str], kinds: list[_Header], warnings: list[str]
) -> _Layout:
    fields: dict[str, int] = {}
    forbidden, unknown = [], []
    for index, kind in enumerate(kinds):
        if kind.kind == "forbidden":
            forbidden.append(index)
        elif kind.kind == "unknown":
            unknown.append(index)
        elif kind.kind == "field":
            current = fields.get(kind.field)
            if current is None or kind.rank < kinds[current].rank:
                if current is not None:
                    unknown.append(current)
                fields[kind.field] = index
            else:
                unknown.append(index)
    for name, index in fields.items():
        for other in unknown:
            if kinds[other].field == name:
                warnings.append(f"Cột {_quote(headers[other])} bị bỏ qua vì đã dùng cột {_quote(headers[index])}.")
    unused = []
    if "moet_id" in fields and "school_code" in fields:
        unused.append(("school_code", "moet_id"))
    if "full_name" in fields:
        unused += [(name, "full_name") for name in ("family_names", "given_name") if name in fields]
    if "sex" in fields and "female_mark" in fields:
        unused.append(("female_mark", "sex"))
    for name, instead in unused:
        warnings.append(
            f"Không dùng cột {_quote(headers[fields[name]])} vì đã có cột {_quote(headers[fields[instead]])}."
        )
        del fields[name]
    if "moet_id" not in fields and "school_code" not in fields:
        raise RosterFileError("Thiếu cột mã học sinh: cần cột 'Mã định danh Bộ GD&ĐT' hoặc cột 'Mã học sinh'.")
    if "female_mark" in fields:
        warnings.append(
            f"Giới tính lấy từ cột {_quote(headers[fields['female_mark']])}: ô có đánh dấu là Nữ, ô trống là Nam."
        )
    return _Layout(sheet, data_start, headers, fields, sorted(forbidden), sorted(set(unknown)), warnings)


def _data_rows(layout: _Layout) -> Iterator[tuple[int, list[CellValue]]]:
    """Non-empty rows below the header, with their file row numbers; refuses too many rows."""
    count = empty_run = 0
    for number, cells in enumerate(layout.sheet.rows(layout.width), start=1):
        if number < layout.data_start:
            continue
        if all(_is_empty(cell) for cell in cells):
            empty_run += 1
            if empty_run >= MAX_CONSECUTIVE_EMPTY_ROWS:
                return
            continue
        empty_run = 0
        count += 1
        if count > MAX_DATA_ROWS:
            raise RosterFileError(
                f"Tệp có hơn {MAX_DATA_ROWS:,} dòng dữ liệu. Hãy tách thành nhiều tệp nhỏ hơn.".replace(",", ".")
            )
        yield number, cells


# --- Checking values ----------------------------------------------------------------------------

_CODE_CHARS = re.compile(r"[A-Za-z0-9._/-]+")
_DMY_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2})?)?")
_CLASS_CODE = re.compile(r"\d{1,2}[A-Za-z][A-Za-z0-9]*")
_YES = {"co", "x", "1", "yes", "y", "true", "dongy", "dy", "v"}
_NO = {"khong", "0", "no", "n", "false", "khongdongy", "k"}
_TICKS = {"✓", "✔", "☑"}
_MALE = {"nam", "m", "male", "trai"}
_FEMALE = {"nu", "f", "female", "gai"}


@dataclass(slots=True)
class _Extracted:
    """The cells of one row that we use, by field; the rest of the row is never kept."""

    row_number: int
    values: dict[str, CellValue]
    key: str = ""
    key_from_number: bool = False


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _parse_date(value: CellValue, today: date) -> tuple[date | None, str]:
    """The birth date and an error message ('' when fine).

    Text is read day first: dd/mm/yyyy, also with '-' or '.' and one-digit day or
    month; ISO yyyy-mm-dd is unambiguous and accepted too.
    """
    if _is_empty(value):
        return None, ""
    if isinstance(value, datetime):
        born = value.date()
    elif isinstance(value, date):
        born = value
    else:
        text = _as_text(value)
        dmy, iso = _DMY_DATE.fullmatch(text), _ISO_DATE.fullmatch(text)
        if not (dmy or iso):
            return None, f"Ngày sinh {_quote(text)} không đúng dạng dd/mm/yyyy."
        day, month, year = map(int, dmy.groups()) if dmy else map(int, reversed(iso.groups()))
        try:
            born = date(year, month, day)
        except ValueError:
            message = f"Ngày sinh {_quote(text)} không phải ngày có thật."
            if dmy and month > 12 and day <= 12:
                message += " Có thể tệp đang ghi tháng trước ngày (mm/dd/yyyy); cần ghi ngày trước: dd/mm/yyyy."
            return None, message
    if born > today:
        return None, f"Ngày sinh {born:%d/%m/%Y} ở sau ngày hôm nay; hãy kiểm tra lại."
    age = _age(born, today)
    if not MIN_AGE <= age <= MAX_AGE:
        return None, (
            f"Ngày sinh {born:%d/%m/%Y} ứng với {age} tuổi, ngoài khoảng {MIN_AGE}–{MAX_AGE} tuổi; hãy kiểm tra lại."
        )
    return born, ""


def _parse_sex(value: CellValue) -> tuple[Sex, str]:
    if _is_empty(value):
        return "", ""
    text = _as_text(value)
    key = _compact(text)
    if key in _MALE:
        return "M", ""
    if key in _FEMALE:
        return "F", ""
    return "", f"Giới tính {_quote(text)} không hợp lệ; chỉ nhận Nam hoặc Nữ."


def _parse_female_mark(value: CellValue) -> tuple[Sex, str]:
    if _is_empty(value) or value is False:
        return "M", ""
    text = _as_text(value)
    if value is True or text in _TICKS or _compact(text) in {"x", "1", "nu", "co", "true"}:
        return "F", ""
    return "", f"Giá trị {_quote(text)} không hợp lệ; đánh dấu x nếu là Nữ, để trống nếu là Nam."


def _parse_consent(value: CellValue) -> tuple[bool | None, str]:
    if _is_empty(value):
        return None, ""
    if isinstance(value, bool):
        return value, ""
    text = _as_text(value)
    key = _compact(text)
    if key in _YES or text in _TICKS:
        return True, ""
    if key in _NO:
        return False, ""
    return None, f"Giá trị {_quote(text)} không hợp lệ; chỉ nhận Có, Không, x hoặc để trống."


def _normalise_class(text: str) -> str:
    """'10a1' → '10A1', 'Lớp 10a1' → '10A1'; '10 Chuyên Tin' stays as written."""
    text = re.sub(r"^l[oớ]p\s+", "", text, flags=re.IGNORECASE)
    return text.upper() if _CLASS_CODE.fullmatch(text) else text


def _looks_like_citizen_id(item: _Extracted) -> bool:
    """12 digits, or 11 from a number cell: a CCCD (always starting with 0) that lost its zero."""
    return item.key.isdigit() and (len(item.key) == 12 or (item.key_from_number and len(item.key) == 11))


def _extract(layout: _Layout, number: int, cells: list[CellValue]) -> _Extracted:
    values = {name: cells[index] if index < len(cells) else None for name, index in layout.fields.items()}
    item = _Extracted(number, values)
    raw_key = values[layout.key_field]
    item.key = _as_text(raw_key)
    item.key_from_number = isinstance(raw_key, int | float) and not isinstance(raw_key, bool)
    return item


# --- Parsing ------------------------------------------------------------------------------------


def parse_roster(data: bytes, filename: str, *, today: date) -> ParsedRoster:
    """Read an uploaded roster; ``today`` is the reference date for the age check."""
    with _open_sheets(data, filename) as sheets:
        layout = _find_layout(sheets)
        forbidden = set(layout.forbidden)
        kept = [index for index in range(layout.width) if index not in forbidden]
        extracted, source_rows = [], {}
        key_column = layout.fields[layout.key_field]
        for number, cells in _data_rows(layout):
            item = _extract(layout, number, cells)
            extracted.append(item)
            # a citizen ID number typed as the student code is never kept, not even for the bad-rows file
            hidden = key_column if _looks_like_citizen_id(item) else None
            source_rows[number] = tuple(
                cells[index] if index < len(cells) and index != hidden else None for index in kept
            )
    if not extracted:
        raise RosterFileError("Tệp không có dòng học sinh nào dưới dòng tiêu đề.")
    warnings = [*layout.warnings, *_check_key_column(layout, extracted)]
    _refuse_legacy_text(layout, extracted)
    rows: list[RosterRow] = []
    errors: list[RowError] = []
    first_row_of_key: dict[str, int] = {}
    for item in extracted:
        checked = _check_row(item, layout, today=today, first_row_of_key=first_row_of_key)
        if isinstance(checked, RosterRow):
            rows.append(checked)
        else:
            errors.extend(checked)
    return ParsedRoster(
        rows=rows,
        errors=errors,
        ignored_columns=[layout.headers[index] for index in layout.forbidden],
        unknown_columns=[layout.headers[index] for index in layout.unknown],
        warnings=warnings,
        source_headers=[layout.headers[index] for index in kept],
        source_rows=source_rows,
        code_columns=frozenset(
            position for position, index in enumerate(kept)
            if index in {layout.fields.get("moet_id"), layout.fields.get("school_code")}
        ),
    )


def _check_key_column(layout: _Layout, extracted: list[_Extracted]) -> list[str]:
    """Refuse a key column of citizen ID numbers; warn about codes stored as numbers."""
    header = layout.headers[layout.fields[layout.key_field]]
    keyed = [item for item in extracted if item.key]
    citizen_ids = sum(1 for item in keyed if _looks_like_citizen_id(item))
    if keyed and citizen_ids * 2 >= len(keyed):
        raise RosterFileError(
            f"Cột {_quote(header)} chứa số có 12 chữ số giống số căn cước công dân (CCCD) / số định danh cá nhân. "
            "Hệ thống không lưu số định danh cá nhân của học sinh. Hãy dùng cột 'Mã định danh Bộ GD&ĐT' "
            "(CSDL ngành) hoặc 'Mã học sinh' do trường cấp."
        )
    from_numbers = sum(1 for item in keyed if item.key_from_number)
    if not from_numbers:
        return []
    return [
        f"Cột {_quote(header)} có {from_numbers} ô lưu dạng số. Nếu mã gốc bắt đầu bằng số 0 thì các số 0 đầu "
        "đã mất trong tệp và không khôi phục được; hãy định dạng cột là Văn bản (Text), nhập lại mã rồi tải lên lại."
    ]


def _refuse_legacy_text(layout: _Layout, extracted: list[_Extracted]) -> None:
    """Refuse the file when many names or classes are TCVN3/VNI text (a few are rejected row by row)."""
    names = [name for name in ("full_name", "family_names", "given_name", "class_name") if name in layout.fields]
    texts = [
        item.values[name]
        for item in extracted
        for name in names
        if isinstance(item.values[name], str) and not _is_empty(item.values[name])
    ]
    if _share_is_legacy(texts):
        raise RosterFileError(LEGACY_ENCODING_MESSAGE)


def _check_row(
    item: _Extracted, layout: _Layout, *, today: date, first_row_of_key: dict[str, int]
) -> RosterRow | list[RowError]:
    """The checked row, or its errors. Records the row's key in ``first_row_of_key`` when it is new."""
    fields, values = layout.fields, item.values
    problems: list[tuple[str, str]] = []  # (field, message)

    name_field = "full_name" if "full_name" in fields else "given_name"
    parts = [values["full_name"]] if "full_name" in fields else [values.get("family_names"), values["given_name"]]
    full_name = _clean(" ".join(_as_text(part) for part in parts))
    if not full_name:
        problems.append((name_field, "Thiếu họ và tên."))
    elif any(isinstance(part, str) and _looks_legacy(part) for part in parts):
        problems.append(
            (name_field, "Họ và tên có vẻ gõ bằng bảng mã cũ TCVN3/VNI; hãy chuyển sang Unicode rồi nhập lại.")
        )
    elif len(full_name) > MAX_NAME_LENGTH:
        problems.append((name_field, f"Họ và tên dài {len(full_name)} ký tự, tối đa {MAX_NAME_LENGTH}."))

    class_name = _normalise_class(_as_text(values["class_name"]))
    if not class_name:
        problems.append(("class_name", "Thiếu lớp."))
    elif _looks_legacy(class_name):
        problems.append(
            ("class_name", "Tên lớp có vẻ gõ bằng bảng mã cũ TCVN3/VNI; hãy chuyển sang Unicode rồi nhập lại.")
        )
    elif len(class_name) > MAX_CLASS_LENGTH:
        problems.append(("class_name", f"Tên lớp dài {len(class_name)} ký tự, tối đa {MAX_CLASS_LENGTH}."))

    key, key_field = item.key, layout.key_field
    if not key:
        problems.append((key_field, "Thiếu mã định danh Bộ GD&ĐT." if key_field == "moet_id" else "Thiếu mã học sinh."))
    elif _looks_like_citizen_id(item):
        # The value is not repeated: it is probably a citizen ID number.
        problems.append(
            (
                key_field,
                "Mã có 12 chữ số, giống số căn cước công dân; hệ thống không lưu số định danh cá nhân. "
                "Hãy dùng mã định danh Bộ GD&ĐT hoặc mã học sinh của trường.",
            )
        )
    elif len(key) > MAX_CODE_LENGTH:
        problems.append((key_field, f"Mã dài {len(key)} ký tự, tối đa {MAX_CODE_LENGTH}."))
    elif not _CODE_CHARS.fullmatch(key):
        problems.append(
            (
                key_field,
                f"Mã {_quote(key)} có ký tự không hợp lệ; chỉ dùng chữ cái không dấu, chữ số và các dấu - _ . /",
            )
        )
    elif key in first_row_of_key:
        problems.append((key_field, f"Mã {_quote(key)} trùng với dòng {first_row_of_key[key]}."))
    else:
        first_row_of_key[key] = item.row_number

    birth_date = None
    if "birth_date" in fields:
        birth_date, message = _parse_date(values["birth_date"], today)
        problems += [("birth_date", message)] if message else []

    sex: Sex = ""
    if "sex" in fields:
        sex, message = _parse_sex(values["sex"])
        problems += [("sex", message)] if message else []
    elif "female_mark" in fields:
        sex, message = _parse_female_mark(values["female_mark"])
        problems += [("female_mark", message)] if message else []

    consents: dict[str, bool | None] = {"guardian_consent": None, "student_consent": None}
    for name in consents:
        if name in fields:
            consents[name], message = _parse_consent(values[name])
            problems += [(name, message)] if message else []

    if problems:
        return [RowError(item.row_number, layout.headers[fields[name]], message) for name, message in problems]
    return RosterRow(
        row_number=item.row_number,
        key=key,
        key_kind="moet" if key_field == "moet_id" else "school",
        full_name=full_name,
        class_name=class_name,
        birth_date=birth_date,
        sex=sex,
        guardian_consent=consents["guardian_consent"],
        student_consent=consents["student_consent"],
    )


# --- Files we hand back -------------------------------------------------------------------------


def _write_cell(worksheet, row: int, column: int, value: CellValue, *, as_text: bool = False) -> None:
    cell = xlsx_set(worksheet, row, column, value)  # never a formula, whatever the file contained
    if isinstance(value, datetime | date):
        cell.number_format = "DD/MM/YYYY"
    if as_text:
        cell.number_format = "@"


def _workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bad_rows_xlsx(parsed: ParsedRoster, errors: list[RowError]) -> bytes:
    """An XLSX of the rows with errors, as in the file but without forbidden columns, plus a 'Lỗi' column."""
    messages: dict[int, list[str]] = {}
    for error in errors:
        messages.setdefault(error.row_number, []).append(f"{error.column}: {error.message}")
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = "Dòng lỗi"
    width = len(parsed.source_headers)
    header = [*parsed.source_headers, ERROR_COLUMN_HEADER, SOURCE_ROW_HEADER]
    for column, text in enumerate(header, start=1):
        _write_cell(worksheet, 1, column, text)
        worksheet.cell(row=1, column=column).font = Font(bold=True)
    out_row = 1
    for number in sorted(messages):
        cells = parsed.source_rows.get(number)
        if cells is None:
            continue
        out_row += 1
        for position, value in enumerate(cells):
            _write_cell(worksheet, out_row, position + 1, value, as_text=position in parsed.code_columns)
        _write_cell(worksheet, out_row, width + 1, "\n".join(messages[number]))
        worksheet.cell(row=out_row, column=width + 1).alignment = Alignment(wrap_text=True, vertical="top")
        _write_cell(worksheet, out_row, width + 2, number)
    worksheet.column_dimensions[get_column_letter(width + 1)].width = 60
    worksheet.freeze_panes = "A2"
    return _workbook_bytes(workbook)


def _today_in_vietnam() -> date:
    return datetime.now(VIETNAM_TIME).date()


def _template_rows(today: date) -> list[tuple[str, str, str, date, str, str, str]]:
    """Two fictitious students of high-school age on ``today``."""
    return [
        ("10A1", "HS10001", "Nguyễn Văn An", date(today.year - 16, 9, 5), "Nam", "Có", "Có"),
        ("10A2", "HS10002", "Trần Thị Bình", date(today.year - 15, 1, 12), "Nữ", "Không", ""),
    ]


def template_xlsx(*, today: date | None = None) -> bytes:
    """Our roster template as XLSX: header, two example rows, and a short guide on a second sheet."""
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = "Danh sách học sinh"
    for column, text in enumerate(TEMPLATE_HEADERS, start=1):
        _write_cell(worksheet, 1, column, text)
        worksheet.cell(row=1, column=column).font = Font(bold=True)
    for row, values in enumerate(_template_rows(today or _today_in_vietnam()), start=2):
        for column, value in enumerate(values, start=1):
            _write_cell(worksheet, row, column, value or None, as_text=column == 2)
    for row in range(4, 1002):  # codes typed later keep their leading zeros
        worksheet.cell(row=row, column=2).number_format = "@"
    for letter, width in zip("ABCDEFG", (12, 16, 28, 14, 12, 22, 22), strict=True):
        worksheet.column_dimensions[letter].width = width
    for formula, area in (('"Nam,Nữ"', "E2:E1001"), ('"Có,Không"', "F2:G1001")):
        validation = DataValidation(type="list", formula1=formula, allow_blank=True)
        validation.add(area)
        worksheet.add_data_validation(validation)
    worksheet.freeze_panes = "A2"

    guide = workbook.create_sheet("Hướng dẫn")
    for row, line in enumerate(
        (
            ("Cột", "Cách ghi"),
            ("Lớp", "Bắt buộc, ví dụ 10A1 hoặc 10 Chuyên Tin."),
            ("Mã học sinh", "Bắt buộc, mã do trường cấp; chữ cái không dấu, chữ số, - _ . /; tối đa 30 ký tự."),
            ("Họ và tên", "Bắt buộc, gõ Unicode."),
            ("Ngày sinh", "dd/mm/yyyy, ví dụ 05/09/2009."),
            ("Giới tính", "Nam hoặc Nữ."),
            ("Đồng ý của phụ huynh / học sinh", "Có, Không, x hoặc để trống."),
            ("Không ghi", "Số CCCD/định danh cá nhân, dân tộc, tôn giáo, thông tin cha mẹ, số điện thoại, địa chỉ."),
        ),
        start=1,
    ):
        for column, text in enumerate(line, start=1):
            _write_cell(guide, row, column, text)
    guide.column_dimensions["A"].width = 32
    guide.column_dimensions["B"].width = 90
    return _workbook_bytes(workbook)


def template_csv(*, today: date | None = None) -> bytes:
    """Our roster template as CSV in UTF-8 with a BOM, so Excel reads the diacritics."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(csv_row(TEMPLATE_HEADERS))
    for values in _template_rows(today or _today_in_vietnam()):
        writer.writerow(csv_row(f"{value:%d/%m/%Y}" if isinstance(value, date) else value for value in values))
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")
