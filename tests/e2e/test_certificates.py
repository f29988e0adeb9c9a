"""The demo student downloads their certificate; its QR code opens the public page, which says valid."""

from io import BytesIO
from urllib.parse import urlparse

import pypdfium2 as pdfium
import pytest
import zxingcpp
from pypdf import PdfReader

from tests.e2e.conftest import assert_accessible, login

pytestmark = pytest.mark.e2e

# seed_demo issues hs.demo's course certificate when the lessons demo has made
# them trained; otherwise give them a participation certificate to download.
ENSURE_CERTIFICATE = """
from certificates.models import Certificate
from certificates.services import certificate_issue_award
from schools.models import User
student = User.objects.get(username="hs.demo")
if not Certificate.objects.filter(student=student, revoked_at__isnull=True).exists():
    school = student.enrollments.get().classroom.school
    certificate_issue_award(
        student=student, school=school, kind="participation",
        achievement_lines=["Cuộc thi trực tuyến tìm hiểu dịch vụ công năm 2025"],
        issuer_line="Ban Tổ chức cuộc thi chứng nhận", signer_title="TRƯỞNG BAN TỔ CHỨC",
        signer_name=school.principal_name, source_key="e2e:participation",
    )
"""


def test_demo_student_downloads_certificate_and_its_qr_verifies(page, new_page, live_server_url, tmp_path):
    server = live_server_url
    server.manage("shell", "-c", ENSURE_CERTIFICATE)

    login(page, server, "hs.demo")
    page.goto(server.url + "/certificates/")
    assert page.locator("h1").inner_text() == "Giấy chứng nhận của em"
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải PDF").first.click()
    download = download_info.value
    assert download.suggested_filename.startswith("giay-chung-nhan-so-")
    download.save_as(tmp_path / "certificate.pdf")
    data = (tmp_path / "certificate.pdf").read_bytes()

    assert "Nguyễn Thị Ngọc Hằng" in PdfReader(BytesIO(data)).pages[0].extract_text()
    image = pdfium.PdfDocument(data)[0].render(scale=2).to_pil()
    [url] = [barcode.text for barcode in zxingcpp.read_barcodes(image)]
    assert url.startswith(server.url + "/verify/")

    visitor = new_page()
    visitor.goto(url)
    assert "Giấy chứng nhận hợp lệ" in visitor.locator(".verify-result").inner_text()
    assert "N. T. N. Hằng" in visitor.content()
    assert "Nguyễn Thị Ngọc Hằng" not in visitor.content()
    assert_accessible(visitor)

    code = urlparse(url).path.rstrip("/").rsplit("/", 1)[-1]
    visitor.goto(server.url + "/verify/")
    visitor.fill("input[name=code]", "-".join(code[i : i + 4] for i in range(0, len(code), 4)).lower())
    visitor.click("button:has-text('Tra cứu')")
    assert "Giấy chứng nhận hợp lệ" in visitor.locator(".verify-result").inner_text()


SHARE_STUB = """
window.__shared = [];
if (window.__withShare) {
  navigator.share = (data) => { window.__shared.push(data); return Promise.resolve(); };
} else {
  Object.defineProperty(navigator, "share", { value: undefined, configurable: true });
  Object.defineProperty(navigator, "clipboard", { value: { writeText: (text) => {
    window.__shared.push({ copied: text }); return Promise.resolve(); } }, configurable: true });
}
"""


@pytest.mark.parametrize("share_sheet", [True, False])
def test_a_certificate_is_shared_by_its_public_link_only(new_page, live_server_url, share_sheet):
    """With a share sheet (phones) the verify link goes to it; without one it is copied. Never the name."""
    server = live_server_url
    server.manage("shell", "-c", ENSURE_CERTIFICATE)
    page = new_page({"width": 360, "height": 640})
    page.add_init_script(("window.__withShare = true;" if share_sheet else "") + SHARE_STUB)
    login(page, server, "hs.demo")
    page.goto(server.url + "/certificates/")
    page.locator("[data-share]").first.click()
    page.wait_for_function("window.__shared.length === 1")
    [shared] = page.evaluate("window.__shared")
    url = shared["url"] if share_sheet else shared["copied"]
    assert url.startswith(f"{server.url}/verify/") and url.endswith("/")
    if share_sheet:
        assert shared["title"] == "Giấy chứng nhận DVCTT"
    else:
        assert "Đã chép liên kết" in page.locator("[data-share-status]").first.inner_text()
    assert "Hằng" not in str(shared) and "Nguyễn" not in str(shared)
    assert_accessible(page)
