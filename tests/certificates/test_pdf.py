"""Certificate PDFs: Vietnamese text survives, the QR code verifies, pages add up."""

import subprocess
import sys
import unicodedata
from dataclasses import replace
from datetime import date
from io import BytesIO
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from certificates.pdf import (
    PAGE_WIDTH,
    CertificateDocument,
    qr_matrix,
    qr_pack,
    qr_unpack,
    render_certificate,
    vietnamese_date_line,
    write_certificates,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


def make_document(**overrides) -> CertificateDocument:
    doc = CertificateDocument(
        department_name="SỞ GIÁO DỤC VÀ ĐÀO TẠO TỈNH GIA LAI",
        school_name="TRƯỜNG THPT PHAN BỘI CHÂU",
        number="Số: 12/GCN-THPTPBC",
        title=("GIẤY CHỨNG NHẬN HOÀN THÀNH KHÓA HỌC", "KỸ NĂNG SỬ DỤNG DỊCH VỤ CÔNG TRỰC TUYẾN"),
        certifier_line="HIỆU TRƯỞNG TRƯỜNG THPT PHAN BỘI CHÂU CHỨNG NHẬN",
        holder_label="Học sinh:",
        holder_name="Nguyễn Thị Ngọc Hằng",
        class_name="12A1",
        achievement=("Đã hoàn thành khóa học với kết quả", "Xếp loại: Giỏi"),
        school_year="2025-2026",
        place_name="Pleiku",
        issued_on=date(2025, 9, 5),
        signer_title="KT. HIỆU TRƯỞNG\nPHÓ HIỆU TRƯỞNG",
        signer_name="Trần Văn Bình",
        verify_url="https://thpt-pbc.edu.vn/chung-nhan/xac-thuc/K7QF3M9XP2TA",
        code_display="K7QF-3M9X-P2TA",
    )
    return replace(doc, **overrides)


def page_text(data: bytes, index: int = 0) -> str:
    return PdfReader(BytesIO(data)).pages[index].extract_text()


def render_page(data: bytes, index: int = 0) -> Image.Image:
    return pdfium.PdfDocument(data)[index].render(scale=2).to_pil()


@pytest.mark.parametrize(
    ("issued_on", "expected"),
    [
        (date(2025, 9, 1), "Pleiku, ngày 01 tháng 9 năm 2025"),
        (date(2026, 3, 15), "Pleiku, ngày 15 tháng 3 năm 2026"),
        (date(2026, 2, 5), "Pleiku, ngày 05 tháng 02 năm 2026"),
        (date(2025, 12, 31), "Pleiku, ngày 31 tháng 12 năm 2025"),
        (date(2026, 1, 9), "Pleiku, ngày 09 tháng 01 năm 2026"),
    ],
)
def test_date_line_pads_days_below_ten_and_months_one_and_two(issued_on, expected):
    """Days under 10 and months 1-2 get a leading zero; months 3-12 do not."""
    assert vietnamese_date_line("Pleiku", issued_on) == expected


def test_text_layer_holds_the_exact_vietnamese_strings():
    """Name, number, date line and national heading extract with their diacritics."""
    text = page_text(render_certificate(make_document()))

    assert "Nguyễn Thị Ngọc Hằng" in text
    assert "Số: 12/GCN-THPTPBC" in text
    assert "Pleiku, ngày 05 tháng 9 năm 2025" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "GIẤY CHỨNG NHẬN HOÀN THÀNH KHÓA HỌC" in text
    assert "Mã xác thực: K7QF-3M9X-P2TA" in text


def test_decomposed_name_is_drawn_in_nfc():
    """A name typed with combining accents comes out composed."""
    composed = "Trần Thị Ánh Tuyết"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed

    text = page_text(render_certificate(make_document(holder_name=decomposed)))

    assert composed in text
    assert "\u0300" not in text and "\u0301" not in text


def test_fonts_are_embedded_be_vietnam_pro():
    """Every font on the page is an embedded Be Vietnam Pro subset, no base-14 font."""
    page = PdfReader(BytesIO(render_certificate(make_document()))).pages[0]
    fonts = [font.get_object() for font in page["/Resources"]["/Font"].values()]

    assert fonts
    for font in fonts:
        assert "BeVietnamPro" in font["/BaseFont"]
        assert "/FontFile2" in font["/FontDescriptor"].get_object()


def test_rendered_page_is_not_blank():
    """The page has ink, but is mostly white paper."""
    image = render_page(render_certificate(make_document())).convert("L")
    histogram = image.histogram()
    dark_share = sum(histogram[:200]) / sum(histogram)

    assert 0.01 < dark_share < 0.5


def test_qr_code_decodes_to_the_verify_url():
    """The QR code in the rendering reads back as exactly the verification URL."""
    doc = make_document()
    barcodes = zxingcpp.read_barcodes(render_page(render_certificate(doc)))

    assert [barcode.text for barcode in barcodes] == [doc.verify_url]


def test_long_name_shrinks_to_stay_inside_the_border():
    """A very long name is drawn whole and within the page's inner border."""
    name = "Công Tôn Nữ Hoàng Thị Phương Thảo Nguyễn Ngọc Bảo Trân Lê Huyền Trang"
    data = render_certificate(make_document(holder_name=name))
    text_page = pdfium.PdfDocument(data)[0].get_textpage()
    searcher = text_page.search(name)
    found = searcher.get_next()

    assert found is not None
    start, count = found
    left = text_page.get_charbox(start)[0]
    right = text_page.get_charbox(start + count - 1)[2]
    assert 25 < left < right < PAGE_WIDTH - 25


def test_class_set_has_one_page_per_certificate():
    """A class written into one file gives one page per student, in order."""
    names = [f"Lê Văn Học Sinh {index}" for index in range(1, 6)]
    buffer = BytesIO()
    write_certificates((make_document(holder_name=name) for name in names), buffer, title="Lớp 12A1")
    data = buffer.getvalue()

    assert len(PdfReader(BytesIO(data)).pages) == len(names)
    for index, name in enumerate(names):
        assert name in page_text(data, index)


def test_writes_to_a_write_only_stream():
    """Output needs only ``write()``, so a streaming response can take it."""

    class WriteOnly:
        def __init__(self):
            self.chunks = []

        def write(self, chunk):
            self.chunks.append(bytes(chunk))
            return len(chunk)

    sink = WriteOnly()
    write_certificates([make_document()], sink, title="Giấy chứng nhận")

    assert b"".join(sink.chunks).startswith(b"%PDF-")


def test_empty_class_set_is_refused():
    """No certificates is an error, not a PDF with one blank page."""
    buffer = BytesIO()

    with pytest.raises(ValueError):
        write_certificates([], buffer, title="Lớp trống")
    assert buffer.getvalue() == b""


def test_metadata_names_title_author_subject_and_creator():
    """Document info carries the title, the school as author, subject and creator."""
    buffer = BytesIO()
    write_certificates([make_document(), make_document()], buffer, title="Giấy chứng nhận lớp 12A1")
    metadata = PdfReader(BytesIO(buffer.getvalue())).metadata

    assert metadata.title == "Giấy chứng nhận lớp 12A1"
    assert metadata.author == "TRƯỜNG THPT PHAN BỘI CHÂU"
    assert metadata.subject
    assert metadata.creator


def test_single_certificate_title_names_the_holder():
    """A single certificate's title says what it is and whose it is."""
    metadata = PdfReader(BytesIO(render_certificate(make_document()))).metadata

    assert "Nguyễn Thị Ngọc Hằng" in metadata.title


def test_logo_is_embedded_when_given(tmp_path):
    """A logo path puts one image on the page; without it there is none."""
    logo = tmp_path / "logo.png"
    Image.new("RGB", (64, 64), (20, 60, 160)).save(logo)

    with_logo = PdfReader(BytesIO(render_certificate(make_document(logo_path=logo)))).pages[0]
    without = PdfReader(BytesIO(render_certificate(make_document()))).pages[0]

    assert len(with_logo.images) == 1
    assert len(without.images) == 0


def test_module_does_not_import_django():
    """Rendering works from plain data, without Django loaded."""
    code = "import sys, certificates.pdf; sys.exit('django' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, check=False)

    assert result.returncode == 0


def test_packed_qr_matrix_round_trips():
    """A QR matrix packed for storage unpacks to the same modules."""
    matrix = qr_matrix("http://127.0.0.1:8000/verify/923RQVYG03ZT7HM1WDHVTFBC51Z5/")

    assert qr_unpack(qr_pack(matrix)) == matrix
    assert len(qr_pack(matrix)) < 200


@pytest.mark.parametrize("text", ["", "21:", "abc", "21:!!!!", "33:AAAA", "5:AAAA"])
def test_unpacking_garbage_is_refused(text):
    with pytest.raises(ValueError):
        qr_unpack(text)


def test_a_precomputed_qr_is_drawn_as_given():
    """The renderer draws the matrix it is handed instead of encoding the URL again."""
    other = "http://example.test/verify/OTHER/"
    data = render_certificate(make_document(qr=qr_matrix(other)))

    assert [barcode.text for barcode in zxingcpp.read_barcodes(render_page(data))] == [other]


def test_single_certificate_stays_small():
    """Font subsets hold only the glyphs used: a certificate is well under 100 KB."""
    assert len(render_certificate(make_document())) < 60 * 1024
