"""Certificate PDFs drawn from plain data.

The layout follows Vietnamese school certificates: issuing body and national
heading at the top, title, holder and achievement in the centre, the dated
signature block bottom right and a verification QR code bottom left.

This module deliberately knows nothing about Django or the ORM: callers build
``CertificateDocument`` values and hand them over, so rendering is cheap to
test and to benchmark.
"""

from __future__ import annotations

import base64
import os
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from io import BytesIO
from typing import BinaryIO

import fontpkg
import segno
from reportlab.lib.colors import Color, black, white
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)

FONT_FAMILY = "Be Vietnam Pro"
REGULAR = "BeVietnamPro"
BOLD = "BeVietnamPro-Bold"
ITALIC = "BeVietnamPro-Italic"

DARK_RED = Color(0.55, 0.06, 0.08)
BORDER = Color(0.55, 0.06, 0.08)

CREATOR = "quizsite certificates"
SUBJECT = "Giấy chứng nhận"

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"

QR_SIZE = 3 * cm
QR_QUIET_ZONE = 4
SIGNATURE_SPACE = 3 * cm

# Centres and widths of the two header columns and of the body.
LEFT_CENTRE = 235.0
LEFT_WIDTH = 270.0
RIGHT_CENTRE = PAGE_WIDTH - 210.0
RIGHT_WIDTH = 290.0
BODY_WIDTH = PAGE_WIDTH - 150.0
SIGNER_CENTRE = PAGE_WIDTH - 200.0
SIGNER_WIDTH = 290.0
SIGNATURE_TOP = 190.0
SIGNER_NAME_Y = SIGNATURE_TOP - 2 * 18 - SIGNATURE_SPACE - 10

# A QR symbol as rows of modules, 1 for dark: what segno computes and what gets drawn.
QRMatrix = tuple[bytes, ...]


@dataclass(frozen=True)
class CertificateDocument:
    """Everything printed on one certificate, already in display form.

    ``qr`` may carry the QR matrix of ``verify_url`` computed earlier (stored
    with the certificate), which spares the costly mask selection per render.
    """

    department_name: str
    school_name: str
    number: str
    title: tuple[str, ...]
    certifier_line: str
    holder_label: str
    holder_name: str
    class_name: str
    achievement: tuple[str, ...]
    school_year: str
    place_name: str
    issued_on: date
    signer_title: str
    signer_name: str
    verify_url: str
    code_display: str
    logo_path: str | os.PathLike[str] | None = None
    qr: QRMatrix | None = None


def vietnamese_date_line(place: str, d: date) -> str:
    """Return "Pleiku, ngày 05 tháng 09 năm 2025" in administrative style.

    Days below 10 and the months January and February take a leading zero,
    so nobody can add a digit in front of them; later months do not.
    """
    month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
    return f"{place}, ngày {d.day:02d} tháng {month} năm {d.year}"


@lru_cache(maxsize=2048)
def qr_matrix(data: str) -> QRMatrix:
    """Encode ``data`` as a QR symbol (level M, best mask); cached per process.

    segno's mask selection is most of a single certificate's render time, so
    callers that render the same URL again (or store the result) pay it once.
    """
    return tuple(bytes(row) for row in segno.make(data, error="m", micro=False).matrix)


def qr_pack(matrix: QRMatrix) -> str:
    """Pack a square matrix into short ASCII text (one bit per module) for storage."""
    bits = b"".join(matrix)
    packed = bytearray((len(bits) + 7) // 8)
    for index, dark in enumerate(bits):
        if dark:
            packed[index >> 3] |= 0x80 >> (index & 7)
    return f"{len(matrix)}:{base64.b64encode(bytes(packed)).decode('ascii')}"


def qr_unpack(text: str) -> QRMatrix:
    """Inverse of ``qr_pack``; raises ``ValueError`` on text it did not produce."""
    size_text, _, payload = text.partition(":")
    size = int(size_text)
    packed = base64.b64decode(payload.encode("ascii"), validate=True)
    if not 21 <= size <= 177 or len(packed) != (size * size + 7) // 8:
        raise ValueError("not a packed QR matrix")
    bits = bytes((packed[index >> 3] >> (7 - (index & 7))) & 1 for index in range(size * size))
    return tuple(bits[row * size : (row + 1) * size] for row in range(size))


def render_certificate(doc: CertificateDocument) -> bytes:
    """Render one certificate as a one-page PDF."""
    buffer = BytesIO()
    write_certificates([doc], buffer, title=f"{' '.join(doc.title)} - {doc.holder_name}")
    return buffer.getvalue()


def write_certificates(docs: Iterable[CertificateDocument], fileobj: BinaryIO, *, title: str) -> None:
    """Write one page per certificate into ``fileobj`` as a single PDF.

    Fonts are embedded once for the whole file, so a class set costs far less
    per page than separate PDFs. reportlab assembles the file in memory and
    writes it with ``fileobj.write()`` calls at the end, so any writable binary
    object works (a temporary file, a response, a ``BytesIO``). Raises
    ``ValueError`` for an empty ``docs``, which would otherwise give a blank page.
    """
    register_fonts()
    # reportlab's shared TTFont objects must not serve two documents at once.
    with render_lock:
        # The initial font is ours, or reportlab would add an unused Helvetica.
        canvas = Canvas(fileobj, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=1, initialFontName=REGULAR)
        canvas.setTitle(nfc(title))
        canvas.setSubject(SUBJECT)
        canvas.setCreator(CREATOR)
        authors: list[str] = []
        for doc in docs:
            if doc.school_name not in authors:
                authors.append(doc.school_name)
            _draw_page(canvas, doc)
            canvas.showPage()
        if not authors:
            raise ValueError("no certificates to write")
        canvas.setAuthor(nfc(", ".join(authors)))
        canvas.save()


_fonts_lock = threading.Lock()
render_lock = threading.Lock()
_fonts_registered = False


def register_fonts() -> None:
    """Register the embedded fonts with reportlab once per process."""
    global _fonts_registered
    if _fonts_registered:
        return
    with _fonts_lock:
        if _fonts_registered:
            return
        for name, weight, style in (
            (REGULAR, 400, "normal"),
            (BOLD, 700, "normal"),
            (ITALIC, 400, "italic"),
        ):
            # Without the ASCII-readable layout each subset holds only the
            # glyphs a page uses instead of all of ASCII as well: a third
            # smaller file and about twice the single-certificate throughput.
            # Text extraction still works through the ToUnicode maps.
            font = TTFont(name, str(fontpkg.path(FONT_FAMILY, weight, style)), asciiReadable=False)
            pdfmetrics.registerFont(font)
        _fonts_registered = True


def nfc(text: str) -> str:
    # reportlab does no shaping: decomposed accents would land beside their letter.
    return unicodedata.normalize("NFC", text)


def fit_size(text: str, font: str, size: float, max_width: float, min_size: float = 6) -> float:
    """Shrink ``size`` until ``text`` fits in ``max_width``."""
    while size > min_size and pdfmetrics.stringWidth(text, font, size) > max_width:
        size -= 0.5
    return size


def _centred(canvas: Canvas, text: str, x: float, y: float, font: str, size: float, max_width: float) -> float:
    """Draw ``text`` centred on ``x``, shrunk to fit; return its width."""
    text = nfc(text)
    size = fit_size(text, font, size, max_width)
    canvas.setFont(font, size)
    canvas.drawCentredString(x, y, text)
    return pdfmetrics.stringWidth(text, font, size)


def _rule(canvas: Canvas, x: float, y: float, width: float) -> None:
    canvas.setLineWidth(0.8)
    canvas.line(x - width / 2, y, x + width / 2, y)


def _draw_page(canvas: Canvas, doc: CertificateDocument) -> None:
    _draw_border(canvas)
    if doc.logo_path:
        canvas.drawImage(
            str(doc.logo_path),
            38,
            PAGE_HEIGHT - 96,
            width=58,
            height=58,
            preserveAspectRatio=True,
            anchor="c",
            mask="auto",
        )
    _draw_header(canvas, doc)
    _draw_body(canvas, doc)
    _draw_signature(canvas, doc)
    _draw_verification(canvas, doc)


def _draw_border(canvas: Canvas) -> None:
    canvas.setStrokeColor(BORDER)
    canvas.setLineWidth(3)
    canvas.rect(18, 18, PAGE_WIDTH - 36, PAGE_HEIGHT - 36)
    canvas.setLineWidth(0.8)
    canvas.rect(25, 25, PAGE_WIDTH - 50, PAGE_HEIGHT - 50)
    canvas.setStrokeColor(black)


def _draw_header(canvas: Canvas, doc: CertificateDocument) -> None:
    top = PAGE_HEIGHT - 62
    canvas.setFillColor(black)
    _centred(canvas, doc.department_name, LEFT_CENTRE, top, REGULAR, 11.5, LEFT_WIDTH)
    school = _centred(canvas, doc.school_name, LEFT_CENTRE, top - 16, BOLD, 11.5, LEFT_WIDTH)
    _rule(canvas, LEFT_CENTRE, top - 22, min(school, 110))
    _centred(canvas, doc.number, LEFT_CENTRE, top - 40, REGULAR, 11, LEFT_WIDTH)

    _centred(canvas, NATIONAL_NAME, RIGHT_CENTRE, top, BOLD, 11.5, RIGHT_WIDTH)
    motto = _centred(canvas, NATIONAL_MOTTO, RIGHT_CENTRE, top - 16, BOLD, 12, RIGHT_WIDTH)
    _rule(canvas, RIGHT_CENTRE, top - 22, motto)


def _draw_body(canvas: Canvas, doc: CertificateDocument) -> None:
    centre = PAGE_WIDTH / 2
    y = PAGE_HEIGHT - 150
    canvas.setFillColor(DARK_RED)
    for index, line in enumerate(doc.title):
        size = 25 if index == 0 else 19
        _centred(canvas, line, centre, y, BOLD, size, BODY_WIDTH)
        y -= size + 8
    canvas.setFillColor(black)

    y -= 6
    _centred(canvas, doc.certifier_line, centre, y, BOLD, 13, BODY_WIDTH)
    y -= 44
    _draw_holder(canvas, doc, centre, y)
    y -= 30
    if doc.class_name:
        _centred(canvas, f"Lớp: {doc.class_name}", centre, y, REGULAR, 14, BODY_WIDTH)
        y -= 22
    for line in doc.achievement:
        _centred(canvas, line, centre, y, REGULAR, 14, BODY_WIDTH)
        y -= 20
    _centred(canvas, f"Năm học {doc.school_year}", centre, y, REGULAR, 13, BODY_WIDTH)


def _draw_holder(canvas: Canvas, doc: CertificateDocument, centre: float, y: float) -> None:
    """Draw the label and the name as one centred line; only the name shrinks."""
    label = nfc(doc.holder_label)
    name = nfc(doc.holder_name)
    label_size = 15
    label_width = pdfmetrics.stringWidth(label, REGULAR, label_size)
    gap = 10 if label else 0
    name_size = fit_size(name, BOLD, 32, BODY_WIDTH - label_width - gap, min_size=12)
    name_width = pdfmetrics.stringWidth(name, BOLD, name_size)
    left = centre - (label_width + gap + name_width) / 2
    canvas.setFont(REGULAR, label_size)
    canvas.drawString(left, y, label)
    canvas.setFillColor(DARK_RED)
    canvas.setFont(BOLD, name_size)
    canvas.drawString(left + label_width + gap, y, name)
    canvas.setFillColor(black)


def _draw_signature(canvas: Canvas, doc: CertificateDocument) -> None:
    y = SIGNATURE_TOP
    _centred(
        canvas,
        vietnamese_date_line(doc.place_name, doc.issued_on),
        SIGNER_CENTRE,
        y,
        ITALIC,
        12,
        SIGNER_WIDTH,
    )
    for line in doc.signer_title.splitlines():
        y -= 18
        _centred(canvas, line, SIGNER_CENTRE, y, BOLD, 12.5, SIGNER_WIDTH)
    # The name sits at a fixed height so one- and two-line titles both keep
    # at least SIGNATURE_SPACE for the handwritten signature and the seal.
    _centred(canvas, doc.signer_name, SIGNER_CENTRE, SIGNER_NAME_Y, BOLD, 13, SIGNER_WIDTH)


def _draw_verification(canvas: Canvas, doc: CertificateDocument) -> None:
    x, y = 40.0, 38.0
    _draw_qr(canvas, doc.qr or qr_matrix(doc.verify_url), x, y, QR_SIZE)
    text_x = x + QR_SIZE + 6
    max_width = SIGNER_CENTRE - SIGNER_WIDTH / 2 - text_x - 10
    for offset, text in ((48, f"Tra cứu: {doc.verify_url}"), (34, f"Mã xác thực: {doc.code_display}")):
        text = nfc(text)
        size = fit_size(text, REGULAR, 8.5, max_width, min_size=5)
        canvas.setFont(REGULAR, size)
        canvas.drawString(text_x, y + offset, text)


def _draw_qr(canvas: Canvas, matrix: QRMatrix, x: float, y: float, size: float) -> None:
    """Draw a QR ``matrix`` as a code of ``size`` points, quiet zone included.

    Dark modules are merged into one rectangle per horizontal run, written in
    whole module units under a scaling transform and filled as one path: far
    cheaper than reportlab's QR widget or one float-formatted rect per module.
    """
    modules = len(matrix) + 2 * QR_QUIET_ZONE
    runs = []
    for row_index, row in enumerate(matrix):
        # PDF y grows upwards: the first matrix row is the top one.
        row_y = modules - QR_QUIET_ZONE - 1 - row_index
        start = None
        for col, dark in enumerate((*row, 0)):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                runs.append(f"{QR_QUIET_ZONE + start} {row_y} {col - start} 1 re")
                start = None
    canvas.saveState()
    canvas.setFillColor(white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.translate(x, y)
    canvas.scale(size / modules, size / modules)
    canvas.setFillColor(black)
    canvas.addLiteral("\n".join(runs) + "\nf")
    canvas.restoreState()
