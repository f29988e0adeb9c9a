"""Reading uploaded rosters: layouts, encodings, privacy, per-row errors and the files we hand back."""

import codecs
import csv
import io
import unicodedata
from datetime import date, datetime

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schools.roster_parsing import (
    HEADER_SCAN_ROWS,
    LEGACY_ENCODING_MESSAGE,
    MAX_DATA_ROWS,
    MAX_FILE_BYTES,
    TEMPLATE_HEADERS,
    ParsedRoster,
    RosterFileError,
    bad_rows_xlsx,
    parse_roster,
    template_csv,
    template_xlsx,
)

TODAY = date(2025, 9, 1)
OUR_HEADER = list(TEMPLATE_HEADERS)
CSDL_HEADER = ["STT", "Mã lớp", "Mã định danh Bộ GD&ĐT", "Họ và tên", "Ngày sinh", "Giới tính"]


def xlsx(*rows, sheets: dict[str, list] | None = None, number_formats: dict[str, str] | None = None) -> bytes:
    """An in-memory workbook whose first sheet holds ``rows``; more sheets by title in ``sheets``."""
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = "DS"
    for row in rows:
        worksheet.append(list(row))
    for coordinate, number_format in (number_formats or {}).items():
        worksheet[coordinate].number_format = number_format
    for title, sheet_rows in (sheets or {}).items():
        extra = workbook.create_sheet(title)
        for row in sheet_rows:
            extra.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_text(*rows, delimiter: str = ",") -> str:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Excel writes it: base letters (â, ơ, ư …) plus combining tone marks."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", char)
        for shape in ("\u0302", "\u0306", "\u031b"):  # â ê ô, ă, ơ ư are letters of their own in cp1258
            if shape in marks:
                base = unicodedata.normalize("NFC", base + shape)
                marks.remove(shape)
        out += (base + "".join(marks)).encode("cp1258")
    return bytes(out)


def read_xlsx(data: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True))


def one_error(parsed: ParsedRoster):
    assert len(parsed.errors) == 1, parsed.errors
    return parsed.errors[0]


# --- Layouts ------------------------------------------------------------------------------------


def test_csdl_export_with_title_rows_is_read():
    """The CSDL export: title rows above the header, MOET key, split name, Excel dates, forbidden columns."""
    data = xlsx(
        ["SỞ GIÁO DỤC VÀ ĐÀO TẠO GIA LAI"],
        ["DANH SÁCH HỌC SINH NĂM HỌC 2025-2026"],
        [],
        ["STT", "Mã lớp", "Mã định danh Bộ GD&ĐT", "Họ đệm", "Tên", "Ngày sinh", "Giới tính", "Dân tộc"],
        [1, "10a1", "6401234567", "Nguyễn Văn", "An", "05/09/2009", "Nam", "Kinh"],
        [2, "10a1", "6401234568", "Trần Thị", "Bình", datetime(2010, 1, 12), "Nữ", "Kinh"],
    )
    parsed = parse_roster(data, "csdl.xlsx", today=TODAY)
    assert parsed.errors == []
    first, second = parsed.rows
    assert (first.row_number, first.key, first.key_kind) == (5, "6401234567", "moet")
    assert (first.full_name, first.class_name, first.birth_date, first.sex) == (
        "Nguyễn Văn An",
        "10A1",
        date(2009, 9, 5),
        "M",
    )
    assert (second.row_number, second.full_name, second.birth_date, second.sex) == (
        6,
        "Trần Thị Bình",
        date(2010, 1, 12),
        "F",
    )
    assert first.guardian_consent is None and first.student_consent is None
    assert parsed.ignored_columns == ["Dân tộc"]


def test_headers_match_regardless_of_case_diacritics_spacing_and_notes():
    """'HỌ  VÀ TÊN', 'lop', 'Ngày sinh (dd/mm/yyyy)', 'MA HOC SINH (*)', 'Đồng ý PH' are all recognised."""
    data = csv_text(
        ["lop", "MA HOC SINH (*)", "HỌ  VÀ\nTÊN", "Ngày sinh (dd/mm/yyyy)", "giới tính", "Đồng ý PH", "Ghi chú"],
        ["11b2", "HS1", "Lê Thị Hoa", "1/2/2009", "nữ", "X", ""],
    ).encode()
    parsed = parse_roster(data, "ds.csv", today=TODAY)
    (row,) = parsed.rows
    assert (row.class_name, row.key, row.key_kind, row.birth_date, row.sex, row.guardian_consent) == (
        "11B2",
        "HS1",
        "school",
        date(2009, 2, 1),
        "F",
        True,
    )
    assert parsed.unknown_columns == ["Ghi chú"]


def test_our_template_columns_and_consent_values():
    """Consent: Có/x/✓ is yes, Không is no, blank is unknown."""
    data = xlsx(
        OUR_HEADER,
        ["10A1", "HS1", "Nguyễn An", "05/09/2009", "Nam", "Có", "x"],
        ["10A1", "HS2", "Lê Bình", "05/09/2009", "Nữ", "Không", None],
        ["10A1", "HS3", "Võ Chi", None, None, "✓", "không"],
    )
    parsed = parse_roster(data, "ds.xlsx", today=TODAY)
    assert parsed.errors == []
    assert [(row.guardian_consent, row.student_consent) for row in parsed.rows] == [
        (True, True),
        (False, None),
        (True, False),
    ]
    assert parsed.rows[2].birth_date is None and parsed.rows[2].sex == ""


def test_two_row_header_with_merged_full_name():
    """'Họ và tên' merged over 'Họ đệm' | 'Tên' on the next row."""
    data = xlsx(
        ["STT", "Lớp", "Mã học sinh", "Họ và tên", None, "Họ tên cha", None],
        [None, None, None, "Họ đệm", "Tên", "Họ tên", "Năm sinh"],
        [1, "12A3", "HS9", "Phạm Minh", "Quân", "Phạm Văn Cha", 1980],
    )
    parsed = parse_roster(data, "ds.xlsx", today=TODAY)
    (row,) = parsed.rows
    assert (row.row_number, row.full_name) == (3, "Phạm Minh Quân")
    assert "Phạm Văn Cha" not in repr(parsed)
    assert parsed.ignored_columns == ["Họ tên cha Họ tên", "Năm sinh"]


def test_column_numbering_row_under_header_is_skipped():
    data = xlsx(
        ["STT", "Lớp", "Mã học sinh", "Họ và tên"],
        ["(1)", "(2)", "(3)", "(4)"],
        [1, "10A1", "HS1", "Lê An"],
    )
    parsed = parse_roster(data, "ds.xlsx", today=TODAY)
    assert [row.row_number for row in parsed.rows] == [3]
    assert parsed.errors == []


def test_female_mark_column_gives_sex():
    """A 'Nữ' column ticked with x means female, blank means male."""
    data = xlsx(
        ["Lớp", "Mã học sinh", "Họ và tên", "Nữ"], ["10A1", "HS1", "Lê An", None], ["10A1", "HS2", "Lê Bé", "x"]
    )
    parsed = parse_roster(data, "ds.xlsx", today=TODAY)
    assert [row.sex for row in parsed.rows] == ["M", "F"]
    assert any("'Nữ'" in warning for warning in parsed.warnings)


def test_moet_key_wins_over_school_code():
    data = xlsx(["Lớp", "Mã học sinh", "Mã định danh Bộ GD&ĐT", "Họ và tên"], ["10A1", "HS1", "6401234567", "Lê An"])
    parsed = parse_roster(data, "ds.xlsx", today=TODAY)
    assert (parsed.rows[0].key, parsed.rows[0].key_kind) == ("6401234567", "moet")
    assert any("'Mã học sinh'" in warning for warning in parsed.warnings)


def test_only_the_first_sheet_with_a_header_is_read_and_others_are_named():
    other = [["Lớp", "Mã học sinh", "Họ và tên"], ["10A2", "HS9", "Lê Chi"]]
    data = xlsx(["Lớp", "Mã học sinh", "Họ và tên"], ["10A1", "HS1", "Lê An"], sheets={"10A2": other})
    parsed = parse_roster(data, "ds.xlsx", today=TODAY)
    assert [row.key for row in parsed.rows] == ["HS1"]
    assert any("'10A2'" in warning for warning in parsed.warnings)


def test_class_names_are_normalised():
    """'10a1' → '10A1', 'Lớp 11c' → '11C'; '10  Chuyên   Tin' keeps its case with spaces collapsed."""
    data = csv_text(
        ["Lớp", "Mã học sinh", "Họ và tên"],
        ["10a1", "HS1", "Lê An"],
        ["Lớp 11c", "HS2", "Lê Bình"],
        ["10  Chuye\u0302n   Tin", "HS3", "Lê Chi"],
    ).encode()
    parsed = parse_roster(data, "ds.csv", today=TODAY)
    assert [row.class_name for row in parsed.rows] == ["10A1", "11C", "10 Chuyên Tin"]


def test_no_header_in_first_15_rows_is_refused():
    rows = [[f"tiêu đề {n}"] for n in range(15)] + [["Lớp", "Mã học sinh", "Họ và tên"], ["10A1", "HS1", "Lê An"]]
    with pytest.raises(RosterFileError, match="dòng tiêu đề"):
        parse_roster(xlsx(*rows), "ds.xlsx", today=TODAY)


def test_missing_key_column_is_refused():
    with pytest.raises(RosterFileError, match="Mã học sinh"):
        parse_roster(xlsx(["Lớp", "Họ và tên"], ["10A1", "Lê An"]), "ds.xlsx", today=TODAY)


# --- Codes and names ----------------------------------------------------------------------------


def test_leading_zeros_are_kept_from_text_and_zero_padded_number_cells():
    data = xlsx(
        ["Lớp", "Mã học sinh", "Họ và tên"],
        ["10A1", "0012345", "Lê An"],
        ["10A1", 12346, "Lê Bình"],
        number_formats={"B3": "0000000"},
    )
    parsed = parse_roster(data, "ds.xlsx", today=TODAY)
    assert [row.key for row in parsed.rows] == ["0012345", "0012346"]
    assert parsed.warnings == []


def test_the_active_sheet_is_read_first():
    workbook = openpyxl.Workbook()
    workbook.active.append(["Lớp", "Mã học sinh", "Họ và tên"])
    workbook.active.append(["10A1", "HS1", "Lê An"])
    second = workbook.create_sheet("Lớp 10A2")
    second.append(["Lớp", "Mã học sinh", "Họ và tên"])
    second.append(["10A2", "HS2", "Lê Bình"])
    workbook.active = 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    parsed = parse_roster(buffer.getvalue(), "ds.xlsx", today=TODAY)
    assert [row.key for row in parsed.rows] == ["HS2"]
    assert "'Sheet'" in parsed.warnings[0]


def test_leading_zeros_kept_in_csv():
    parsed = parse_roster(
        csv_text(["Lớp", "Mã học sinh", "Họ và tên"], ["10A1", "000123", "Lê An"]).encode(), "ds.csv", today=TODAY
    )
    assert parsed.rows[0].key == "000123"


def test_plain_number_codes_read_without_dot_zero_and_warn_about_lost_zeros():
    data = xlsx(["Lớp", "Mã học sinh", "Họ và tên"], ["10A1", 12345, "Lê An"], ["10A1", 12346.0, "Lê Bình"])
    parsed = parse_roster(data, "ds.xlsx", today=TODAY)
    assert [row.key for row in parsed.rows] == ["12345", "12346"]
    (warning,) = parsed.warnings
    assert "'Mã học sinh'" in warning and "không khôi phục được" in warning


def test_names_are_nfc_with_whitespace_collapsed_but_not_recased():
    decomposed = unicodedata.normalize("NFD", "  nguyễn   THỊ\u00a0 Hà ")
    parsed = parse_roster(
        csv_text(["Lớp", "Mã học sinh", "Họ và tên"], ["10A1", "HS1", decomposed]).encode(), "ds.csv", today=TODAY
    )
    name = parsed.rows[0].full_name
    assert name == "nguyễn THỊ Hà"
    assert unicodedata.is_normalized("NFC", name)


# --- Per-row errors -----------------------------------------------------------------------------

ROW_ERRORS = [
    # (cells for Lớp, Mã học sinh, Họ và tên, Ngày sinh, Giới tính, Đồng ý PH, Đồng ý HS), column, fragment
    (["10A1", "HS1", "", "05/09/2009", "Nam", "", ""], "Họ và tên", "Thiếu họ và tên"),
    (["", "HS1", "Lê An", "05/09/2009", "Nam", "", ""], "Lớp", "Thiếu lớp"),
    (["10A1", "", "Lê An", "05/09/2009", "Nam", "", ""], "Mã học sinh", "Thiếu mã học sinh"),
    (["10A1", "HS1", "Lê An", "2009/09/05", "Nam", "", ""], "Ngày sinh", "dd/mm/yyyy"),
    (["10A1", "HS1", "Lê An", "05/09/09", "Nam", "", ""], "Ngày sinh", "dd/mm/yyyy"),
    (["10A1", "HS1", "Lê An", "31/02/2009", "Nam", "", ""], "Ngày sinh", "không phải ngày có thật"),
    (["10A1", "HS1", "Lê An", "09/25/2009", "Nam", "", ""], "Ngày sinh", "tháng trước ngày"),
    (["10A1", "HS1", "Lê An", "02/09/2015", "Nam", "", ""], "Ngày sinh", "9 tuổi"),
    (["10A1", "HS1", "Lê An", "31/08/1999", "Nam", "", ""], "Ngày sinh", "26 tuổi"),
    (["10A1", "HS1", "Lê An", "05/09/2030", "Nam", "", ""], "Ngày sinh", "sau ngày hôm nay"),
    (["10A1", "HS1", "Lê An", "05/09/2009", "Khác", "", ""], "Giới tính", "Nam hoặc Nữ"),
    (["10A1", "HS1", "A" * 101, "05/09/2009", "Nam", "", ""], "Họ và tên", "tối đa 100"),
    (["10A1", "H" * 31, "Lê An", "05/09/2009", "Nam", "", ""], "Mã học sinh", "tối đa 30"),
    (["10A1", "HS 01", "Lê An", "05/09/2009", "Nam", "", ""], "Mã học sinh", "ký tự không hợp lệ"),
    (["10A1", "HSố1", "Lê An", "05/09/2009", "Nam", "", ""], "Mã học sinh", "ký tự không hợp lệ"),
    (["10A1", "HS1", "Lê An", "05/09/2009", "Nam", "Có lẽ", ""], "Đồng ý của phụ huynh", "Có, Không, x"),
    (["10A1", "HS1", "Lê An", "05/09/2009", "Nam", "", "ok"], "Đồng ý của học sinh", "Có, Không, x"),
]


@pytest.mark.parametrize(("cells", "column", "fragment"), ROW_ERRORS)
def test_each_row_error_names_row_column_and_problem(cells, column, fragment):
    """The bad row (row 3, after a good one) is left out and reported with its column."""
    good = ["10A1", "HS0", "Lê Bé", "05/09/2009", "Nữ", "", ""]
    parsed = parse_roster(xlsx(OUR_HEADER, good, cells), "ds.xlsx", today=TODAY)
    error = one_error(parsed)
    assert (error.row_number, error.column) == (3, column)
    assert fragment in error.message
    assert [row.row_number for row in parsed.rows] == [2]


def test_age_limits_are_inclusive():
    """Exactly 10 and exactly 25 (to the day) are accepted."""
    data = xlsx(OUR_HEADER, ["10A1", "HS1", "Lê An", "01/09/2015"], ["10A1", "HS2", "Lê Bé", "02/09/1999"])
    parsed = parse_roster(data, "ds.xlsx", today=TODAY)
    assert parsed.errors == [] and len(parsed.rows) == 2


def test_duplicate_key_names_the_first_row():
    data = xlsx(OUR_HEADER, ["10A1", "HS1", "Lê An"], ["10A1", "HS2", "Lê Bé"], ["10A2", "HS1", "Võ Chi"])
    parsed = parse_roster(data, "ds.xlsx", today=TODAY)
    error = one_error(parsed)
    assert (error.row_number, error.column) == (4, "Mã học sinh")
    assert "trùng với dòng 2" in error.message
    assert [row.key for row in parsed.rows] == ["HS1", "HS2"]


def test_empty_rows_are_skipped_and_row_numbers_stay_those_of_the_file():
    data = xlsx(OUR_HEADER, ["10A1", "HS1", "Lê An"], [], [None, "  ", None], ["10A1", "HS2", ""])
    parsed = parse_roster(data, "ds.xlsx", today=TODAY)
    assert [row.row_number for row in parsed.rows] == [2]
    assert one_error(parsed).row_number == 5


def test_every_problem_of_a_row_is_reported():
    parsed = parse_roster(xlsx(OUR_HEADER, ["", "", "", "30/02/2009", "?"]), "ds.xlsx", today=TODAY)
    assert {error.column for error in parsed.errors} == {"Lớp", "Mã học sinh", "Họ và tên", "Ngày sinh", "Giới tính"}
    assert parsed.rows == []


# --- Privacy ------------------------------------------------------------------------------------

FORBIDDEN = {
    "Số ĐDCN": "079209001234",
    "Số định danh cá nhân": "079209004321",
    "CCCD": "001209000111",
    "Số CMND": "123456789",
    "Dân tộc": "DânTộcXyz",
    "Tôn giáo": "TônGiáoXyz",
    "Họ tên cha": "ChaXyz Văn",
    "Họ và tên mẹ": "MẹXyz Thị",
    "Họ tên người giám hộ": "GiámHộXyz",
    "Số điện thoại": "0912345678",
    "SĐT phụ huynh": "0987654321",
    "Địa chỉ": "ĐịaChỉXyz",
    "Nơi ở hiện nay": "NơiỞXyz",
    "Hộ khẩu thường trú": "HộKhẩuXyz",
    "Quê quán": "QuêQuánXyz",
}


def test_forbidden_columns_are_dropped_reported_and_never_returned():
    header = ["Lớp", "Mã học sinh", "Họ và tên", *FORBIDDEN, "Ghi chú"]
    good = ["10A1", "HS1", "Lê An", *FORBIDDEN.values(), "ghi chú"]
    bad = ["10A1", "HS1", "", *FORBIDDEN.values(), ""]
    parsed = parse_roster(xlsx(header, good, bad), "ds.xlsx", today=TODAY)
    assert parsed.ignored_columns == list(FORBIDDEN)
    assert parsed.unknown_columns == ["Ghi chú"]
    dump = repr(parsed)
    for value in FORBIDDEN.values():
        assert value not in dump


def test_key_column_of_citizen_id_numbers_is_refused():
    data = csv_text(
        ["Lớp", "Mã học sinh", "Họ và tên"], ["10A1", "079209001234", "Lê An"], ["10A1", "079209001235", "Lê Bé"]
    ).encode()
    with pytest.raises(RosterFileError) as caught:
        parse_roster(data, "ds.csv", today=TODAY)
    assert "'Mã học sinh'" in caught.value.message and "12 chữ số" in caught.value.message
    assert "079209001234" not in caught.value.message


def test_citizen_id_in_number_cells_that_lost_the_leading_zero_is_refused():
    data = xlsx(["Lớp", "Mã định danh Bộ GD&ĐT", "Họ và tên"], ["10A1", 79209001234, "Lê An"])
    with pytest.raises(RosterFileError, match="CCCD"):
        parse_roster(data, "ds.xlsx", today=TODAY)


def test_a_stray_citizen_id_is_a_row_error_that_does_not_repeat_it():
    rows = [["10A1", f"HS{n}", "Lê An"] for n in range(5)] + [["10A1", "079209001234", "Lê Bé"]]
    parsed = parse_roster(xlsx(["Lớp", "Mã học sinh", "Họ và tên"], *rows), "ds.xlsx", today=TODAY)
    error = one_error(parsed)
    assert error.row_number == 7 and "căn cước" in error.message
    assert "079209001234" not in repr(parsed)


# --- Encodings ----------------------------------------------------------------------------------

NAMES_CSV = csv_text(
    ["Lớp", "Mã học sinh", "Họ và tên", "Ngày sinh", "Giới tính"],
    ["10A1", "001", "Nguyễn Thị Ánh Dương", "05/09/2009", "Nữ"],
    ["10A1", "002", "Đặng Quốc Việt", "06/09/2009", "Nam"],
    ["10A1", "003", "Lê Hoà Khoá Doãn Tiên Quân", "07/09/2009", "Nam"],
)


@pytest.mark.parametrize(
    "data",
    [
        NAMES_CSV.encode("utf-8"),
        codecs.BOM_UTF8 + NAMES_CSV.encode("utf-8"),
        NAMES_CSV.encode("utf-16"),
        to_cp1258(NAMES_CSV),
        NAMES_CSV.replace(",", ";").encode("utf-8"),
        NAMES_CSV.replace(",", "\t").encode("utf-16"),
        NAMES_CSV.encode("utf-16-le"),
        NAMES_CSV.encode("utf-16-be"),
        codecs.BOM_UTF16_BE + NAMES_CSV.encode("utf-16-be"),
        NAMES_CSV.replace(",", "\t").encode("utf-16-le"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16", "cp1258", "semicolons", "utf-16-tabs", "utf-16-le-no-bom",
         "utf-16-be-no-bom", "utf-16-be-bom", "utf-16-le-tabs-no-bom"],
)
def test_csv_encodings_and_delimiters_are_accepted(data):
    parsed = parse_roster(data, "ds.csv", today=TODAY)
    assert parsed.errors == []
    assert [row.full_name for row in parsed.rows] == [
        "Nguyễn Thị Ánh Dương",
        "Đặng Quốc Việt",
        "Lê Hoà Khoá Doãn Tiên Quân",
    ]
    assert [row.key for row in parsed.rows] == ["001", "002", "003"]


def test_a_utf16_file_named_xlsx_is_read_as_text_not_refused_as_damaged():
    """Some school software saves tab-separated UTF-16 without a BOM under an Excel name."""
    parsed = parse_roster(NAMES_CSV.replace(",", "\t").encode("utf-16-le"), "ds.xlsx", today=TODAY)
    assert parsed.errors == [] and len(parsed.rows) == 3


def test_cp1258_fixture_really_uses_combining_marks():
    assert to_cp1258("Nguyễn") == b"Nguy\xea\xden"


# "Lớp,Mã học sinh,Họ và tên" and three names, as typed with .VnTime (TCVN3) and VNI-Times fonts.
TCVN3_CSV = (
    b"L\xedp,M\xb7 h\xe4c sinh,H\xe4 v\xb5 t\xaan\r\n"
    b"10A1,HS1,Nguy\xd4n V\xa8n An\r\n"
    b"10A1,HS2,Tr\xc7n Th\xde B\xddnh\r\n"
    b"10A1,HS3,L\xaa Ho\xb5ng \xa7\xf8c\r\n"
)
VNI_CSV = (
    b"L\xf4\xf9p,Ma\xf5 ho\xefc sinh,Ho\xef va\xf8 te\xe2n\r\n"
    b"10A1,HS1,Nguye\xe3n Va\xean An\r\n"
    b"10A1,HS2,Tra\xe0n Th\xf2 B\xecnh\r\n"
    b"10A1,HS3,Le\xe2 Hoa\xf8ng \xd1\xf6\xf9c\r\n"
)


@pytest.mark.parametrize("data", [TCVN3_CSV, VNI_CSV], ids=["tcvn3", "vni"])
def test_legacy_encoded_csv_is_refused_with_conversion_hint(data):
    with pytest.raises(RosterFileError) as caught:
        parse_roster(data, "ds.csv", today=TODAY)
    assert caught.value.message == LEGACY_ENCODING_MESSAGE
    assert "Unikey" in caught.value.message and "Ctrl+Shift+F6" in caught.value.message


@pytest.mark.parametrize("data", [TCVN3_CSV, VNI_CSV], ids=["tcvn3", "vni"])
def test_legacy_font_text_in_excel_cells_is_refused(data):
    """Excel stores .VnTime / VNI-Times text as the Windows-1252 reading of its bytes."""
    rows = list(csv.reader(io.StringIO(data.decode("cp1252"))))
    with pytest.raises(RosterFileError, match="TCVN3/VNI"):
        parse_roster(xlsx(*rows), "ds.xlsx", today=TODAY)
    # A Unicode header above legacy names: refused on the names.
    with pytest.raises(RosterFileError, match="TCVN3/VNI"):
        parse_roster(xlsx(["Lớp", "Mã học sinh", "Họ và tên"], *rows[1:]), "ds.xlsx", today=TODAY)


def test_a_few_legacy_names_in_a_unicode_file_are_row_errors():
    rows = [["10A1", f"HS{n}", f"Nguyễn Văn Số{n}"] for n in range(9)] + [["10A1", "HS9", "Nguyeãn Vaên An"]]
    parsed = parse_roster(xlsx(["Lớp", "Mã học sinh", "Họ và tên"], *rows), "ds.xlsx", today=TODAY)
    error = one_error(parsed)
    assert (error.row_number, error.column) == (11, "Họ và tên")
    assert "TCVN3/VNI" in error.message


NAME_SYLLABLES = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
    "Dương", "Lý", "Thị", "Văn", "Hữu", "Đức", "Ngọc", "Thuỳ", "Thủy", "Quỳnh", "Hoà", "Khoá", "Doãn", "Tiên",
    "Quân", "Xuân", "Nguyên", "Uyên", "Ánh", "Ổi", "Ỷ", "ƯNG", "ĐẠT", "an", "bình",
]  # fmt: skip

# Syllables whose Unicode spelling uses only Latin-1 letters: the closest to legacy text.
LATIN1_SYLLABLES = [
    "Hoà", "Khoá", "Doãn", "Tiên", "Quân", "Xuân", "Nguyên", "Uyên", "Thuý", "Huê", "Quý", "Toàn",
    "Hoài", "Loan", "Lê", "Võ", "Tô", "Hà", "Châu", "Mai", "Tú", "Vân", "Yên", "Thoa", "Khuê", "Quế",
]  # fmt: skip


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.lists(st.sampled_from(LATIN1_SYLLABLES + NAME_SYLLABLES), min_size=2, max_size=4), min_size=1, max_size=5
    )
)
def test_genuine_vietnamese_names_are_never_taken_for_legacy_text(names):
    rows = [["10A1", f"HS{n}", " ".join(words)] for n, words in enumerate(names)]
    for data in (
        xlsx(["Lớp", "Mã học sinh", "Họ và tên"], *rows),
        to_cp1258(csv_text(["Lớp", "Mã học sinh", "Họ và tên"], *rows)),
    ):
        parsed = parse_roster(data, "ds.xlsx" if data.startswith(b"PK") else "ds.csv", today=TODAY)
        assert parsed.errors == []


# --- Other file types and limits ----------------------------------------------------------------


def test_legacy_xls_is_read():
    xlwt = pytest.importorskip("xlwt", reason="xlwt writes the .xls fixture; install it from the dev requirements")
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("DS")
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    padded_style = xlwt.easyxf(num_format_str="000000")
    sheet.write(0, 0, "DANH SÁCH HỌC SINH")
    for column, text in enumerate(["STT", "Lớp", "Mã học sinh", "Họ và tên", "Ngày sinh", "Giới tính", "Tôn giáo"]):
        sheet.write(2, column, text)
    sheet.write(3, 0, 1)
    sheet.write(3, 1, "10a1")
    sheet.write(3, 2, "000123")
    sheet.write(3, 3, "Nguyễn Thị Hà")
    sheet.write(3, 4, datetime(2009, 9, 5), date_style)
    sheet.write(3, 5, "Nữ")
    sheet.write(3, 6, "TônGiáoXyz")
    sheet.write(4, 0, 2)
    sheet.write(4, 1, "10a1")
    sheet.write(4, 2, 124, padded_style)
    sheet.write(4, 3, "Đỗ Văn Nam")
    sheet.write(4, 4, "06/09/2009")
    sheet.write(4, 5, "Nam")
    buffer = io.BytesIO()
    book.save(buffer)
    parsed = parse_roster(buffer.getvalue(), "ds.xls", today=TODAY)
    assert parsed.errors == []
    assert [(row.row_number, row.key, row.full_name, row.birth_date, row.sex) for row in parsed.rows] == [
        (4, "000123", "Nguyễn Thị Hà", date(2009, 9, 5), "F"),
        (5, "000124", "Đỗ Văn Nam", date(2009, 9, 6), "M"),
    ]
    assert parsed.ignored_columns == ["Tôn giáo"] and "TônGiáoXyz" not in repr(parsed)


def test_file_over_5_mb_is_refused():
    with pytest.raises(RosterFileError, match="5 MB"):
        parse_roster(b"a" * (MAX_FILE_BYTES + 1), "ds.csv", today=TODAY)


def test_more_than_20000_rows_is_refused():
    lines = ["Lớp,Mã học sinh,Họ và tên"] + [f"10A1,HS{n},Lê An" for n in range(MAX_DATA_ROWS + 1)]
    with pytest.raises(RosterFileError, match="20.000"):
        parse_roster("\n".join(lines).encode(), "ds.csv", today=TODAY)


def test_exactly_20000_rows_is_accepted():
    lines = ["Lớp,Mã học sinh,Họ và tên"] + [f"10A1,HS{n},Lê An" for n in range(MAX_DATA_ROWS)]
    assert len(parse_roster("\n".join(lines).encode(), "ds.csv", today=TODAY).rows) == MAX_DATA_ROWS


@pytest.mark.parametrize(
    ("data", "filename", "fragment"),
    [
        (b"", "ds.csv", "rỗng"),
        (b"%PDF-1.4 ...", "ds.pdf", "Chỉ nhận tệp"),
        ("<html><table><tr><td>Lớp</td></tr></table></html>".encode(), "ds.xls", "trang web"),
        (b"PK\x03\x04 not really a zip", "ds.xlsx", "hỏng"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "ds.xls", ".xls"),
        ("Lớp,Mã học sinh,Họ và tên\r\n".encode(), "ds.csv", "không có dòng học sinh"),
    ],
)
def test_unusable_files_are_refused_with_a_reason(data, filename, fragment):
    with pytest.raises(RosterFileError) as caught:
        parse_roster(data, filename, today=TODAY)
    assert fragment in caught.value.message


def test_text_saved_under_an_excel_name_is_read_as_csv():
    parsed = parse_roster(NAMES_CSV.replace(",", "\t").encode(), "export.xls", today=TODAY)
    assert len(parsed.rows) == 3


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=3000), filename=st.sampled_from(["a.csv", "a.xlsx", "a.xls", "a.txt"]))
def test_arbitrary_bytes_give_a_roster_or_a_file_error(data, filename):
    try:
        assert isinstance(parse_roster(data, filename, today=TODAY), ParsedRoster)
    except RosterFileError as error:
        assert error.message


TEMPLATE_XLSX = template_xlsx(today=TODAY)  # once: the zip's timestamps would vary between examples


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_damaged_workbooks_give_a_file_error(data):
    original = bytearray(TEMPLATE_XLSX)
    for _ in range(data.draw(st.integers(1, 8))):
        original[data.draw(st.integers(0, len(original) - 1))] = data.draw(st.integers(0, 255))
    try:
        parse_roster(bytes(original), "ds.xlsx", today=TODAY)
    except RosterFileError:
        pass


@settings(max_examples=80, deadline=None)
@given(
    words=st.lists(st.sampled_from(NAME_SYLLABLES), min_size=1, max_size=5),
    gaps=st.lists(st.sampled_from([" ", "  ", "\u00a0", "\t", " \u200b"]), min_size=6, max_size=6),
)
def test_any_unicode_name_comes_back_nfc_with_single_spaces(words, gaps):
    written = unicodedata.normalize("NFD", gaps[0] + "".join(w + g for w, g in zip(words, gaps[1:], strict=False)))
    data = csv_text(["Lớp", "Mã học sinh", "Họ và tên"], ["10A1", "HS1", written]).encode("utf-8")
    parsed = parse_roster(data, "ds.csv", today=TODAY)
    assert parsed.rows[0].full_name == " ".join(words)


# --- Files we hand back -------------------------------------------------------------------------


@pytest.mark.parametrize(("make", "filename"), [(template_xlsx, "mau.xlsx"), (template_csv, "mau.csv")])
def test_template_round_trips_without_errors(make, filename):
    parsed = parse_roster(make(today=TODAY), filename, today=TODAY)
    assert parsed.errors == [] and parsed.warnings == []
    assert parsed.ignored_columns == [] and parsed.unknown_columns == []
    assert [(row.key, row.class_name, row.key_kind) for row in parsed.rows] == [
        ("HS10001", "10A1", "school"),
        ("HS10002", "10A2", "school"),
    ]


def test_template_csv_is_utf8_with_bom_and_our_headers():
    data = template_csv(today=TODAY)
    assert data.startswith(codecs.BOM_UTF8)
    assert data[3:].decode("utf-8").splitlines()[0] == ",".join(TEMPLATE_HEADERS)


def test_template_xlsx_has_our_headers():
    assert read_xlsx(template_xlsx(today=TODAY))[0] == TEMPLATE_HEADERS


def test_bad_rows_xlsx_keeps_bad_rows_without_forbidden_columns_and_adds_errors():
    data = xlsx(
        ["Tiêu đề"],
        ["Lớp", "Mã học sinh", "Họ và tên", "Ngày sinh", "Dân tộc", "Ghi chú"],
        ["10A1", "001", "Lê An", "05/09/2009", "DânTộcXyz", ""],
        ["10A1", "002", "", "31/02/2009", "DânTộcXyz", "cần kiểm tra"],
    )
    parsed = parse_roster(data, "ds.xlsx", today=TODAY)
    table = read_xlsx(bad_rows_xlsx(parsed, parsed.errors))
    assert table[0] == ("Lớp", "Mã học sinh", "Họ và tên", "Ngày sinh", "Ghi chú", "Lỗi", "Dòng gốc")
    assert len(table) == 2
    bad = table[1]
    assert bad[:2] == ("10A1", "002") and bad[6] == 4
    assert "Thiếu họ và tên" in bad[5] and "không phải ngày có thật" in bad[5]
    assert bad[4] == "cần kiểm tra"
    assert "DânTộcXyz" not in repr(table)


def test_bad_rows_xlsx_writes_formula_like_text_and_codes_as_text():
    formula = '=HYPERLINK("http://example.invalid","x")'
    data = csv_text(["Lớp", "Mã học sinh", "Họ và tên"], ["", "0012", formula]).encode()
    parsed = parse_roster(data, "ds.csv", today=TODAY)
    sheet = openpyxl.load_workbook(io.BytesIO(bad_rows_xlsx(parsed, parsed.errors))).worksheets[0]
    assert (sheet["B2"].value, sheet["B2"].data_type, sheet["B2"].number_format) == ("0012", "s", "@")
    assert (sheet["C2"].value, sheet["C2"].data_type) == (formula, "s")


def test_bad_rows_xlsx_round_trips_through_the_parser():
    """The user can fix the returned file and upload it again; 'Lỗi' and 'Dòng gốc' are not reported."""
    data = xlsx(OUR_HEADER, ["10A1", "HS1", "", "05/09/2009"])
    parsed = parse_roster(data, "ds.xlsx", today=TODAY)
    again = parse_roster(bad_rows_xlsx(parsed, parsed.errors), "loi.xlsx", today=TODAY)
    assert [error.message for error in again.errors] == ["Thiếu họ và tên."]
    assert again.unknown_columns == []


def test_columns_right_of_the_last_header_are_not_read(monkeypatch):
    """A sheet formatted out to hundreds of columns costs only the header columns per row."""
    from openpyxl.worksheet._reader import WorkSheetParser

    junk = ["x"] * 300
    rows = [[f"10A{n % 3 + 1}", f"HS{n:03d}", f"Lê Văn An {n}", *junk] for n in range(200)]
    data = xlsx(["Lớp", "Mã học sinh", "Họ và tên"], *rows)
    converted = []
    original = WorkSheetParser.parse_cell

    def counting(self, element):
        converted.append(1)
        return original(self, element)

    monkeypatch.setattr(WorkSheetParser, "parse_cell", counting)
    parsed = parse_roster(data, "ds.xlsx", today=TODAY)
    assert len(parsed.rows) == 200 and parsed.unknown_columns == []
    header_scan = (HEADER_SCAN_ROWS + 2) * 303  # the first rows are read in full to find the header
    assert len(converted) <= header_scan + 2 * 3 * 201


def test_a_file_with_too_many_cells_under_its_headers_is_refused(monkeypatch):
    from quizsite import spreadsheets

    monkeypatch.setattr(spreadsheets, "MAX_CELLS", 1_000)
    header = ["Lớp", "Mã học sinh", "Họ và tên", *[f"Cột {n}" for n in range(20)]]
    rows = [["10A1", f"HS{n:03d}", "Lê Văn An", *["x"] * 20] for n in range(100)]
    with pytest.raises(RosterFileError) as caught:
        parse_roster(xlsx(header, *rows), "ds.xlsx", today=TODAY)
    assert "quá nhiều ô" in caught.value.message
    with pytest.raises(RosterFileError) as caught:
        parse_roster(csv_text(header, *rows).encode(), "ds.csv", today=TODAY)
    assert "quá nhiều ô" in caught.value.message
