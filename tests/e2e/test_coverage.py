"""A school admin opens the coverage dashboard, downloads the periodic report (DOCX) and its annex (XLSX)."""

import pytest
from docx import Document
from openpyxl import load_workbook

from tests.e2e.conftest import ROOT, assert_accessible, login

SHOTS = ROOT / "var" / "e2e-screenshots"

pytestmark = pytest.mark.e2e


def test_school_admin_downloads_the_report_and_annex(page, live_server_url, tmp_path):
    server = live_server_url
    login(page, server, "ql.pbc")
    page.goto(server.url + "/coverage/school/")
    assert page.locator("h1").inner_text().startswith("Phổ cập kỹ năng")
    assert page.locator("svg.chart-svg").count() >= 1 and page.locator(".hbars .hbar").count() >= 1
    assert_accessible(page)

    report_links = page.locator(".report-links li").nth(1)  # the first-term preset
    with page.expect_download() as docx_download:
        report_links.get_by_role("link", name="Báo cáo (DOCX)").click()
    docx_path = tmp_path / "report.docx"
    docx_download.value.save_as(docx_path)
    text = "\n".join(p.text for p in Document(docx_path).paragraphs)
    document = Document(docx_path)
    cells = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "TRƯỜNG THPT PHAN BỘI CHÂU" in cells and "Số: …/BC-THPTPBC" in cells
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in cells and "Pleiku, ngày " in cells
    assert "Học kỳ I năm học 2025-2026" in text and "I. KẾT QUẢ ĐẠT ĐƯỢC" in text

    with page.expect_download() as xlsx_download:
        report_links.get_by_role("link", name="Phụ lục (XLSX)").click()
    xlsx_path = tmp_path / "annex.xlsx"
    xlsx_download.value.save_as(xlsx_path)
    workbook = load_workbook(xlsx_path)
    assert workbook.sheetnames[0] == "Tổng hợp" and "Khối 10" in workbook.sheetnames
    sheet = workbook["Khối 10"]
    assert sheet.freeze_panes == "A2"
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "10A1" in names and names[-1] == "Tổng cộng"


def test_the_dashboards_are_readable_on_a_360_px_phone(new_page, live_server_url):
    """Chart text at least 12 px; the page never scrolls sideways; wide tables scroll in their box
    with the first column held in place."""
    server = live_server_url
    page = new_page({"width": 360, "height": 640})
    login(page, server, "ql.pbc")
    page.goto(server.url + "/coverage/school/")
    classroom = page.locator("table a[href*='/coverage/classes/']").first.get_attribute("href")
    for path in ["/coverage/school/", classroom]:
        page.goto(server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), path
        sizes = page.evaluate("""() => Array.from(document.querySelectorAll(".chart-svg text, .hbar-label, .hbar-value"))
            .map(el => { const svg = el.closest("svg"); const px = parseFloat(getComputedStyle(el).fontSize);
                         return svg ? px * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width : px; })""")
        assert sizes and min(sizes) >= 12, (path, min(sizes or [0]))
        boxes = page.locator(".table-box:has(table)")
        scrolled = 0
        for n in range(boxes.count()):
            box = boxes.nth(n)
            if not box.is_visible() or not box.evaluate("el => el.scrollWidth > el.clientWidth"):
                continue
            box.evaluate("el => { el.scrollLeft = 200; }")
            first = box.locator("tbody tr").first.locator("th, td").first
            assert abs(first.bounding_box()["x"] - box.bounding_box()["x"]) <= 2, path
            scrolled += 1
        assert scrolled >= 1, path
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"coverage-360{path.replace('/', '-').rstrip('-')}.png"), full_page=True)
    assert_accessible(page)
