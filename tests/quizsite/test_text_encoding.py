"""UTF-16 is recognised with or without a BOM, in either byte order; other bytes are left to the callers."""

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizsite.text_encoding import decode_unicode, utf16_variant

ROSTER = "Lớp,Mã học sinh,Họ và tên\r\n10A1,001,Nguyễn Thị Ánh Dương\r\n10A1,002,Đặng Quốc Việt\r\n"


@pytest.mark.parametrize(("data", "variant"), [
    (ROSTER.encode("utf-16"), "utf-16"),
    (codecs.BOM_UTF16_BE + ROSTER.encode("utf-16-be"), "utf-16"),
    (ROSTER.encode("utf-16-le"), "utf-16-le"),
    (ROSTER.encode("utf-16-be"), "utf-16-be"),
    (ROSTER.encode("utf-8"), None),
    (ROSTER.encode("cp1258", errors="replace"), None),
    ("NguyÔn V¨n §øc,10A1\r\n".encode("latin-1"), None),  # TCVN3 bytes
    (b"\x00", None),
])
def test_utf16_is_told_from_utf8_and_legacy_bytes(data, variant):
    assert utf16_variant(data) == variant


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_unicode_text_decodes_without_its_bom(encoding):
    assert decode_unicode(ROSTER.encode(encoding)) == ROSTER


def test_bytes_that_are_neither_utf8_nor_utf16_are_left_to_the_caller():
    assert decode_unicode(b"Nguy\xea\xden,10A1\r\n") is None


names = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
                         "NGUYỄNĐẶNG ", min_size=1, max_size=30)


@given(st.lists(st.tuples(names, st.integers(1, 999)), min_size=1, max_size=30),
       st.sampled_from(["utf-16-le", "utf-16-be"]))
def test_any_roster_like_csv_in_utf16_without_bom_is_recognised(rows, encoding):
    text = "Họ và tên,Mã\r\n" + "".join(f"{name},{code:03d}\r\n" for name, code in rows)
    assert utf16_variant(text.encode(encoding)) == encoding
    assert decode_unicode(text.encode(encoding)) == text
    assert utf16_variant(text.encode("utf-8")) is None
