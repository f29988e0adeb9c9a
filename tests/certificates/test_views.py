"""Pages: public verification, the student's certificates, the school admin's certificate book."""

import re
import secrets
from datetime import date
from io import BytesIO
from urllib.parse import urlparse

import pypdfium2 as pdfium
import pytest
import zxingcpp
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from certificates.codes import code_display, code_generate
from certificates.models import Certificate
from certificates.services import certificate_revoke
from schools import services as school_services
from tests.certificates.factories import course, issue_course, make_trained
from tests.factories import make_student

pytestmark = pytest.mark.django_db


def fresh_ip() -> str:
    return f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"


@pytest.fixture(autouse=True)
def own_address(client):
    """The verification rate limit counts per address in the shared cache: each test gets its own."""
    client.defaults["REMOTE_ADDR"] = fresh_ip()


def verify_path(certificate) -> str:
    return reverse("certificate_verify_code", args=[certificate.code])


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def qr_texts(data: bytes, page: int = 0) -> list[str]:
    image = pdfium.PdfDocument(data)[page].render(scale=2).to_pil()
    return [barcode.text for barcode in zxingcpp.read_barcodes(image)]


# Verification ---------------------------------------------------------------


def test_verify_page_offers_a_code_box(client):
    response = client.get(reverse("certificate_verify"))

    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()
    assert "noindex" in response.content.decode()


def test_valid_certificate_shows_masked_name_what_school_and_date_only(client, world):
    """With consent: 'N. T. Hằng', the title, the school and the date; not the full name, class or number."""
    certificate = issue_course(world.students[0])

    response = client.get(verify_path(certificate))
    body = response.content.decode()

    assert response.status_code == 200
    assert "Giấy chứng nhận hợp lệ" in body
    assert "N. T. Hằng" in body
    assert "Nguyễn Thị Hằng" not in body
    assert certificate.title_text in body
    assert world.school.name in body
    assert certificate.issued_on.strftime("%d/%m/%Y") in body
    assert certificate.number not in body
    assert "10A1" not in body


def test_without_consent_the_public_page_shows_no_name(client, world):
    """Consent withdrawn after issue: the verify page says 'một học sinh', no initials, no name."""
    student = world.students[0]
    certificate = issue_course(student)
    school_services.consent_record(
        student=student, guardian_given=False, student_given=False, recorded_by=world.teacher, on=date(2025, 10, 1)
    )

    body = client.get(verify_path(certificate)).content.decode()

    assert "Giấy chứng nhận hợp lệ" in body
    assert "một học sinh" in body
    assert "Hằng" not in body
    assert "N. T." not in body


def test_masked_name_is_the_printed_name_not_a_later_rename(client, world):
    student = world.students[0]
    certificate = issue_course(student)
    student.full_name = "Trần Văn Đổi"
    student.save()

    body = client.get(verify_path(certificate)).content.decode()

    assert "N. T. Hằng" in body
    assert "Đổi" not in body


def test_typed_code_is_forgiving(client, world):
    """Lower case, spaces for dashes and O for 0 all find the certificate."""
    certificate = issue_course(world.students[0])
    typed = code_display(certificate.code).lower().replace("-", " ").replace("0", "o")

    response = client.get(reverse("certificate_verify"), {"code": typed})

    assert response.status_code == 200
    assert "Giấy chứng nhận hợp lệ" in response.content.decode()


def test_revoked_certificate_verifies_as_revoked_with_its_date(client, world):
    certificate = issue_course(world.students[0])
    certificate_revoke(certificate=certificate, reason="Ghi sai họ tên", revoked_by=world.school_admin)
    certificate.refresh_from_db()

    body = client.get(verify_path(certificate)).content.decode()

    assert "đã bị thu hồi ngày" in body
    assert timezone.localtime(certificate.revoked_at).strftime("%d/%m/%Y") in body
    assert "Giấy chứng nhận hợp lệ" not in body
    assert "Ghi sai họ tên" not in body


def test_unknown_code_says_not_found(client, world):
    issue_course(world.students[0])

    response = client.get(reverse("certificate_verify_code", args=[code_generate()]))

    assert response.status_code == 404
    body = response.content.decode()
    assert "Không tìm thấy giấy chứng nhận" in body
    assert "Hằng" not in body


def test_unknown_and_existing_codes_cost_the_same_queries(client, world):
    """Existence is not betrayed by extra work: one lookup query either way."""
    certificate = issue_course(world.students[0])

    with CaptureQueriesContext(connection) as known:
        client.get(verify_path(certificate))
    with CaptureQueriesContext(connection) as unknown:
        client.get(reverse("certificate_verify_code", args=[code_generate()]))

    assert len(known) == len(unknown) == 1


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("K7QF-3M9X", "gồm 28 ký tự"),
        ("UUUU", "Ký tự không hợp lệ: U"),
        ("Hằng", "Ký tự không hợp lệ"),
        ("   ", "Hãy nhập mã xác thực"),
    ],
)
def test_malformed_codes_get_a_clear_message_and_no_lookup(client, typed, message):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("certificate_verify"), {"code": typed})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert len(queries) == 0


def test_mistyped_symbol_is_reported_as_a_typo(client, world):
    certificate = issue_course(world.students[0])
    code = certificate.code
    typo = code[:5] + ("A" if code[5] != "A" else "B") + code[6:]

    response = client.get(reverse("certificate_verify_code", args=[typo]))

    assert response.status_code == 400
    assert "gõ nhầm một ký tự" in response.content.decode()


def test_malformed_code_in_the_address_is_escaped(client):
    response = client.get("/verify/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E/")

    assert response.status_code == 400
    body = response.content.decode()
    assert "<img src=x" not in body
    assert "&lt;img src=x" in body


def test_lookups_are_rate_limited_per_ip(client, settings, world):
    """After the limit, a friendly 429 page with Retry-After; another address is unaffected."""
    settings.CERTIFICATE_VERIFY_LIMIT = 3
    certificate = issue_course(world.students[0])
    path = verify_path(certificate)

    statuses = [client.get(path).status_code for _ in range(3)]
    blocked = client.get(path)
    other = client.get(path, REMOTE_ADDR=fresh_ip())

    assert statuses == [200, 200, 200]
    assert blocked.status_code == 429
    assert int(blocked["Retry-After"]) > 0
    assert "quá nhiều lượt tra cứu" in blocked.content.decode()
    assert "Hằng" not in blocked.content.decode()
    assert other.status_code == 200


def test_malformed_lookups_count_towards_the_limit(client, settings):
    settings.CERTIFICATE_VERIFY_LIMIT = 2
    url = reverse("certificate_verify")

    statuses = [client.get(url, {"code": "sai"}).status_code for _ in range(3)]

    assert statuses == [400, 400, 429]
    assert client.get(url).status_code == 200  # the empty form is not a lookup


# PDF downloads -----------------------------------------------------------------


def test_student_downloads_a_pdf_whose_qr_verifies(client, world):
    """The PDF holds the exact name; its QR decodes to the verify URL, which says valid, then revoked."""
    student = world.students[0]
    certificate = issue_course(student)
    client.force_login(student)

    response = client.get(reverse("certificate_pdf", args=[certificate.pk]))
    data = response.content

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"giay-chung-nhan-so-1-gcn-{world.school.code.lower()}" in response["Content-Disposition"]
    text = pdf_text(data)
    assert "Nguyễn Thị Hằng" in text
    assert f"Số: {certificate.number}" in text
    assert "GIẤY CHỨNG NHẬN HOÀN THÀNH KHÓA HỌC" in text
    assert code_display(certificate.code) in text
    metadata = PdfReader(BytesIO(data)).metadata
    assert "Nguyễn Thị Hằng" in metadata.title
    assert metadata.author == world.school.name.upper()

    [url] = qr_texts(data)
    assert url == f"http://testserver/verify/{certificate.code}/"  # the address the request came to
    client.logout()
    assert "Giấy chứng nhận hợp lệ" in client.get(urlparse(url).path).content.decode()

    certificate_revoke(certificate=certificate, reason="Ghi sai họ tên", revoked_by=world.school_admin)
    assert "đã bị thu hồi" in client.get(urlparse(url).path).content.decode()


def test_qr_follows_the_public_base_url(client, world, settings):
    """A moved site prints its new address, even though the stored QR was made for the old one."""
    settings.PUBLIC_BASE_URL = "https://chungnhan.example.edu.vn"
    certificate = issue_course(world.students[0])
    Certificate.objects.filter(pk=certificate.pk).update(qr_url="http://old.example/verify/x/")
    client.force_login(world.school_admin)

    data = client.get(reverse("certificate_pdf", args=[certificate.pk])).content

    assert qr_texts(data) == [f"https://chungnhan.example.edu.vn/verify/{certificate.code}/"]


def test_staff_of_the_school_may_download(client, world):
    certificate = issue_course(world.students[0])
    for user in (world.teacher, world.school_admin):
        client.force_login(user)
        assert client.get(reverse("certificate_pdf", args=[certificate.pk])).status_code == 200


def test_revoked_certificate_cannot_be_downloaded(client, world):
    certificate = issue_course(world.students[0])
    certificate_revoke(certificate=certificate, reason="Ghi sai họ tên", revoked_by=world.school_admin)
    client.force_login(world.students[0])

    assert client.get(reverse("certificate_pdf", args=[certificate.pk])).status_code == 404


def test_own_list_shows_own_certificates_only(client, world):
    mine = issue_course(world.students[0])
    theirs = issue_course(world.students[1])
    client.force_login(world.students[0])

    body = client.get(reverse("certificate_own_list")).content.decode()

    assert mine.number in body
    assert code_display(mine.code) in body
    assert reverse("certificate_pdf", args=[mine.pk]) in body
    assert reverse("certificate_pdf", args=[theirs.pk]) not in body
    assert world.students[1].full_name not in body


def test_own_list_shares_the_public_verify_link_and_never_the_name(client, world, settings):
    settings.PUBLIC_BASE_URL = "https://dvctt.example.edu.vn"
    certificate = issue_course(world.students[0])
    client.force_login(world.students[0])
    body = client.get(reverse("certificate_own_list")).content.decode()
    [button] = re.findall(r"<button[^>]*data-share=[^>]*>", body)
    assert f'data-share="https://dvctt.example.edu.vn/verify/{certificate.code}/"' in button
    assert 'data-share-title="Giấy chứng nhận DVCTT"' in button
    assert world.students[0].full_name not in button and "share.js" in body


def test_own_list_explains_when_there_is_nothing_yet(client, world):
    client.force_login(world.students[0])

    assert "chưa có giấy chứng nhận" in client.get(reverse("certificate_own_list")).content.decode()


def test_student_home_panel_links_the_certificate(client, world):
    certificate = issue_course(world.students[0])
    client.force_login(world.students[0])

    body = client.get(reverse("student_home")).content.decode()

    assert reverse("certificate_pdf", args=[certificate.pk]) in body
    assert reverse("certificate_own_list") in body


# The school admin's certificate book ------------------------------------------


def test_school_list_shows_the_schools_certificates_only(client, world):
    ours = issue_course(world.students[0])
    foreign = issue_course(world.foreign_student)
    client.force_login(world.school_admin)

    body = client.get(reverse("certificate_school_list")).content.decode()

    assert ours.holder_name in body
    assert foreign.holder_name not in body
    assert reverse("certificate_revoke", args=[ours.pk]) in body


def test_school_list_filters_by_class(client, world):
    in_class = issue_course(world.students[0])
    other = make_student(world.other_classroom, "Phan Văn Khác")
    elsewhere = issue_course(other)
    client.force_login(world.school_admin)

    body = client.get(reverse("certificate_school_list"), {"classroom": world.classroom.pk}).content.decode()

    assert in_class.holder_name in body
    assert elsewhere.holder_name not in body
    assert reverse("certificate_class_pdf", args=[world.classroom.pk]) in body


def test_school_list_query_count_does_not_grow_with_certificates(client, world, django_assert_max_num_queries):
    for student in world.students:
        issue_course(student)
    client.force_login(world.school_admin)

    with django_assert_max_num_queries(14):
        client.get(reverse("certificate_school_list"))


def test_admin_revokes_with_a_reason(client, world):
    certificate = issue_course(world.students[0])
    client.force_login(world.school_admin)

    response = client.post(
        reverse("certificate_revoke", args=[certificate.pk]), {"reason": "Ghi sai họ tên", "classroom": "1"}
    )

    assert response.status_code == 302
    assert response["Location"].endswith("?classroom=1")
    certificate.refresh_from_db()
    assert certificate.is_revoked
    assert certificate.revoked_by == world.school_admin


@pytest.mark.parametrize("reason", ["", "ab"])
def test_revoke_without_a_real_reason_is_refused(client, world, reason):
    certificate = issue_course(world.students[0])
    client.force_login(world.school_admin)

    response = client.post(reverse("certificate_revoke", args=[certificate.pk]), {"reason": reason})

    assert response.status_code == 400
    assert "lý do thu hồi" in response.content.decode()
    certificate.refresh_from_db()
    assert not certificate.is_revoked


def test_revoking_twice_through_the_page_is_refused(client, world):
    certificate = issue_course(world.students[0])
    certificate_revoke(certificate=certificate, reason="Ghi sai họ tên", revoked_by=world.school_admin)
    client.force_login(world.school_admin)

    response = client.post(reverse("certificate_revoke", args=[certificate.pk]), {"reason": "Lần nữa xem sao"})

    assert response.status_code == 400
    assert "đã bị thu hồi" in response.content.decode()


def test_admin_cannot_revoke_another_schools_certificate(client, world):
    foreign = issue_course(world.foreign_student)
    client.force_login(world.school_admin)

    response = client.post(reverse("certificate_revoke", args=[foreign.pk]), {"reason": "Không phải trường mình"})

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert not foreign.is_revoked


def test_class_issue_page_reports_skipped_students(client, world):
    make_trained(world.students[0])
    client.force_login(world.school_admin)

    response = client.post(
        reverse("certificate_issue_class"), {"classroom": world.classroom.pk, "course": course().pk}
    )
    body = response.content.decode()

    assert response.status_code == 200
    assert "Đã cấp mới 1, đã có từ trước 0, chưa cấp 2." in body
    assert world.students[1].full_name in body
    assert "Chưa hoàn thành khóa học." in body
    assert Certificate.objects.filter(student=world.students[0]).count() == 1


def test_class_issue_for_a_foreign_class_is_refused(client, world):
    make_trained(world.foreign_student)
    client.force_login(world.school_admin)

    response = client.post(
        reverse("certificate_issue_class"), {"classroom": world.foreign_classroom.pk, "course": course().pk}
    )

    assert response.status_code == 400
    assert not Certificate.objects.exists()


def test_class_pdf_has_one_page_per_valid_certificate_in_name_order(client, world):
    certificates = [issue_course(student) for student in world.students]
    certificate_revoke(certificate=certificates[1], reason="Ghi sai họ tên", revoked_by=world.school_admin)
    client.force_login(world.school_admin)

    response = client.get(reverse("certificate_class_pdf", args=[world.classroom.pk]))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert "lop-10a1-2025-2026.pdf" in response["Content-Disposition"]
    reader = PdfReader(BytesIO(response.content))
    assert len(reader.pages) == 2
    names = [re.search(r"Học sinh:\s*(.+)", page.extract_text()).group(1).strip() for page in reader.pages]
    assert names == ["Lê Đức Bình", "Nguyễn Thị Hằng"]  # Vietnamese order: by given name first
    assert reader.metadata.title == "Giấy chứng nhận lớp 10A1, năm học 2025-2026"


def test_class_pdf_without_certificates_explains_instead(client, world):
    client.force_login(world.school_admin)

    response = client.get(reverse("certificate_class_pdf", args=[world.classroom.pk]), follow=True)

    assert response.status_code == 200
    assert "chưa có giấy chứng nhận nào để in" in response.content.decode()


def test_school_admin_home_panel_and_classroom_link(client, world):
    issue_course(world.students[0])
    client.force_login(world.school_admin)

    home = client.get(reverse("school_admin_home")).content.decode()
    classroom = client.get(reverse("classroom_detail", args=[world.classroom.pk])).content.decode()

    assert reverse("certificate_school_list") in home
    assert "Đã cấp 1 giấy chứng nhận còn hiệu lực" in home
    assert f"{reverse('certificate_school_list')}?classroom={world.classroom.pk}" in classroom


def test_teacher_sees_no_certificate_admin_link_on_the_class_page(client, world):
    client.force_login(world.teacher)

    body = client.get(reverse("classroom_detail", args=[world.classroom.pk])).content.decode()

    assert reverse("certificate_school_list") not in body


def test_class_issue_report_escapes_names(client, world):
    """The report lists skipped students by name: a hostile name is shown as text."""
    student = world.students[1]
    student.full_name = '<script>alert("x")</script>Hằng'
    student.save()
    client.force_login(world.school_admin)

    body = client.post(
        reverse("certificate_issue_class"), {"classroom": world.classroom.pk, "course": course().pk}
    ).content.decode()

    assert "<script>alert" not in body
    assert "&lt;script&gt;alert" in body
