"""From a certificate record to what the PDF renderer draws, and to its file names."""

import os

from django.urls import reverse
from django.utils.text import slugify

from certificates import pdf
from certificates.models import Certificate
from quizsite.public import public_base_url


def verify_url(code: str, request=None) -> str:
    """The public address a certificate's QR code points at (quizsite.public for the site's address)."""
    return public_base_url(request) + reverse("certificate_verify_code", args=[code])


def qr_for(url: str, *, stored_url: str, stored_matrix: str) -> pdf.QRMatrix:
    """The QR matrix of ``url``: the stored one when it was made for this URL."""
    if stored_matrix and stored_url == url:
        try:
            return pdf.qr_unpack(stored_matrix)
        except ValueError:
            pass
    return pdf.qr_matrix(url)


def certificate_document(certificate: Certificate, request=None) -> pdf.CertificateDocument:
    url = verify_url(certificate.code, request)
    logo = certificate.school.logo
    logo_path = logo.path if logo and os.path.exists(logo.path) else None
    return pdf.CertificateDocument(
        department_name=certificate.department_name.upper(),
        school_name=certificate.school_name.upper(),
        number=f"Số: {certificate.number}",
        title=tuple(line.upper() for line in certificate.title_lines),
        certifier_line=certificate.certifier_line.upper(),
        holder_label="Học sinh:",
        holder_name=certificate.holder_name,
        class_name=certificate.class_name,
        achievement=tuple(certificate.achievement_lines),
        school_year=certificate.school_year,
        place_name=certificate.place_name,
        issued_on=certificate.issued_on,
        signer_title=certificate.signer_title,
        signer_name=certificate.signer_name,
        verify_url=url,
        code_display=certificate.code_display,
        logo_path=logo_path,
        qr=qr_for(url, stored_url=certificate.qr_url, stored_matrix=certificate.qr_matrix),
    )


def certificate_filename(certificate: Certificate) -> str:
    """'giay-chung-nhan-so-12-gcn-thptpbc-2025.pdf', from the certificate's number."""
    return f"giay-chung-nhan-so-{slugify(certificate.number.replace('/', '-'))}-{certificate.year}.pdf"


def class_filename(class_name: str, school_year: str) -> str:
    return f"giay-chung-nhan-lop-{slugify(class_name) or 'lop'}-{school_year}.pdf"
