"""Roster import: preview, all-or-nothing commit, idempotence, updates by key, moves, scopes and privacy."""

import io
from datetime import date

import openpyxl
import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schools import rosters, services
from schools.models import Classroom, Consent, Enrollment, RoleAssignment, User
from schools.roster_parsing import RosterRow
from tests.factories import make_student
from tests.schools.roster_helpers import (
    OUR_HEADER,
    confirm,
    csdl_xlsx,
    found_in_database,
    import_file,
    payload_of,
    slips_of,
    upload,
    xlsx,
)

pytestmark = pytest.mark.django_db

TEN_A1 = [
    ("10a1", "6400000101", "Trần   Thị Bình"),
    ("10A1", "6400000102", "Nguyễn Văn An"),
    ("10A1", "6400000103", "Lê Thị Ánh"),
    ("10A1", "6400000104", "Đặng Văn Đức"),
]


@pytest.fixture
def teacher_client(client, world):
    client.force_login(world.teacher)
    return client


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.school_admin)
    return client


def students_with_moet_keys():
    return User.objects.filter(key_kind=User.KeyKind.MOET).order_by("student_key")


class TestCsdlImport:
    def test_a_csdl_export_with_title_rows_imports_into_the_teachers_class(self, teacher_client, world):
        """Title rows, MOET keys, dd/mm/yyyy dates; forbidden columns named; accounts with slip passwords."""
        preview = upload(teacher_client, csdl_xlsx(TEN_A1))
        body = preview.content.decode()
        assert preview.status_code == 200
        assert "Xem trước danh sách" in body and "Dân tộc" in body
        assert not User.objects.filter(student_key="6400000101").exists(), "the preview writes nothing"

        result = confirm(teacher_client, preview)
        assert result.status_code == 200
        body = result.content.decode()
        assert "Các cột đã bị bỏ qua" in body and "Dân tộc" in body
        slips = dict(slips_of(result))
        assert len(slips) == 4

        students = list(students_with_moet_keys())
        assert [s.full_name for s in students] == ["Trần Thị Bình", "Nguyễn Văn An", "Lê Thị Ánh", "Đặng Văn Đức"]
        for student in students:
            assert student.must_change_password
            assert identify_hasher(student.password).algorithm == "slip_md5"
            assert student.check_password(slips[student.username])
            assert student.birth_date == date(2009, 9, 5)
            assert student.name_sort  # bulk creation still sets the Vietnamese sort key
            assert Enrollment.objects.get(student=student).classroom == world.classroom
            assert RoleAssignment.objects.filter(user=student, role="student", school=world.school).exists()
            assert not student.consent.guardian_given and not student.consent.student_given
        assert {s.sex for s in students} == {"M", "F"}

    def test_the_class_page_lists_imported_students_in_vietnamese_order(self, teacher_client, world):
        import_file(teacher_client, csdl_xlsx(TEN_A1))
        body = teacher_client.get(reverse("classroom_detail", args=[world.classroom.pk])).content.decode()
        # Given names first: An, Ánh, Bình, Đức (and the factory's students in between).
        order = ["Nguyễn Văn An", "Lê Thị Ánh", "Trần Thị Bình", "Đặng Văn Đức"]
        positions = [body.index(name) for name in order]
        assert positions == sorted(positions)

    def test_slip_passwords_are_stored_only_hashed(self, teacher_client):
        result = import_file(teacher_client, csdl_xlsx(TEN_A1))
        passwords = [password for _username, password in slips_of(result)]
        assert found_in_database(*passwords) == []


class TestIdempotenceAndUpdates:
    def test_reimporting_the_same_file_changes_nothing(self, teacher_client, world):
        data = csdl_xlsx(TEN_A1)
        import_file(teacher_client, data)
        before = list(User.objects.values_list("pk", "username", "full_name", "password").order_by("pk"))
        enrollments = Enrollment.objects.count()

        preview = upload(teacher_client, data)
        assert "không có gì cần nhập" in preview.content.decode()
        assert reverse("roster_confirm") not in preview.content.decode()
        assert list(User.objects.values_list("pk", "username", "full_name", "password").order_by("pk")) == before
        assert Enrollment.objects.count() == enrollments

    def test_the_service_reports_everything_unchanged_on_a_second_run(self, world):
        rows = [
            RosterRow(2, "HS1", "school", "Phan Văn Một", "10A1", None, "", None, None),
            RosterRow(3, "HS2", "school", "Phan Văn Hai", "10A1", None, "", None, None),
        ]
        scope = rosters.roster_scope(user=world.teacher, role=world.teacher.roles.get())
        first = rosters.roster_import(rows=rows, scope=scope, imported_by=world.teacher, on=date(2025, 11, 20))
        second = rosters.roster_import(rows=rows, scope=scope, imported_by=world.teacher, on=date(2025, 11, 20))
        assert (first.created, first.unchanged) == (2, 0)
        assert (second.created, second.updated, second.unchanged, second.slips) == (0, 0, 2, [])

    def test_an_updated_file_updates_names_and_classes_by_key_without_duplicates(self, admin_client, world):
        import_file(admin_client, csdl_xlsx(TEN_A1))
        student = User.objects.get(student_key="6400000102")
        updated = [
            ("10A1", "6400000101", "Trần Thị Bình"),
            ("11A2", "6400000102", "Nguyễn Văn Anh"),  # renamed and moved to another class
            ("10A1", "6400000103", "Lê Thị Ánh"),
            ("10A1", "6400000104", "Đặng Văn Đức"),
            ("10A1", "6400000105", "Hồ Thị Mới"),
        ]
        preview = upload(admin_client, csdl_xlsx(updated))
        body = preview.content.decode()
        assert "Đổi tên, trước là “Nguyễn Văn An”" in body and "Chuyển lớp 10A1 → 11A2" in body
        result = confirm(admin_client, preview)
        assert len(slips_of(result)) == 1, "only the new student gets a slip"
        assert students_with_moet_keys().count() == 5
        student.refresh_from_db()
        assert student.full_name == "Nguyễn Văn Anh"
        assert Enrollment.objects.get(student=student).classroom == world.other_classroom
        assert Enrollment.objects.filter(student=student).count() == 1

    def test_renamed_students_get_a_fresh_sort_key(self, admin_client):
        import_file(admin_client, csdl_xlsx([("10A1", "6400000201", "Vũ Thị Zung")]))
        import_file(admin_client, csdl_xlsx([("10A1", "6400000201", "Vũ Thị An")]))
        student = User.objects.get(student_key="6400000201")
        fresh = User(full_name="Vũ Thị An")
        fresh.save()
        assert student.name_sort == fresh.name_sort


class TestMovingBetweenSchools:
    def test_a_student_known_at_another_school_moves_with_their_account(self, teacher_client, world):
        moving = world.foreign_student
        User.objects.filter(pk=moving.pk).update(student_key="6400000999", key_kind="moet")
        preview = upload(teacher_client, csdl_xlsx([("10A1", "6400000999", "Bùi Thị Xa")]))
        assert "trong đó 1 học sinh chuyển đến từ trường khác" in preview.content.decode()
        assert world.other_school.name in preview.content.decode()
        result = confirm(teacher_client, preview)
        assert slips_of(result) == [], "a moving student keeps their login"
        assert User.objects.filter(student_key="6400000999").count() == 1
        enrollment = Enrollment.objects.get(student=moving, school_year=world.year)
        assert enrollment.classroom == world.classroom
        roles = set(RoleAssignment.objects.filter(user=moving).values_list("role", "school"))
        assert roles == {("student", world.school.pk)}
        moving.refresh_from_db()
        assert moving.pk == world.foreign_student.pk and moving.check_password("Matkhau-an-toan-2025")

    def test_school_codes_do_not_follow_students_across_schools(self, teacher_client, world):
        User.objects.filter(pk=world.foreign_student.pk).update(
            student_key="HS77", key_kind="school", key_school=world.other_school
        )
        data = xlsx(OUR_HEADER, ["10A1", "HS77", "Bùi Thị Xa", "", "", "", ""])
        import_file(teacher_client, data)
        assert User.objects.filter(student_key="HS77").count() == 2
        assert Enrollment.objects.get(student=world.foreign_student).classroom == world.foreign_classroom


class TestScopes:
    def test_a_teacher_cannot_import_into_a_colleagues_or_unknown_class(self, teacher_client, world):
        before = User.objects.count()
        data = csdl_xlsx([("10A1", "6400000301", "Ngô Văn Một"), ("11A2", "6400000302", "Ngô Văn Hai"),
                          ("12A9", "6400000303", "Ngô Văn Ba")])
        response = upload(teacher_client, data)
        assert response.status_code == 400
        body = response.content.decode()
        assert body.count("không phải lớp thầy/cô dạy") == 2
        assert "Danh sách có lỗi, chưa nhập gì" in body
        assert User.objects.count() == before

    def test_a_teacher_cannot_pull_a_student_out_of_a_colleagues_class(self, teacher_client, world):
        colleague_student = make_student(world.other_classroom, "Mai Văn Khác")
        User.objects.filter(pk=colleague_student.pk).update(student_key="6400000401", key_kind="moet")
        response = upload(teacher_client, csdl_xlsx([("10A1", "6400000401", "Mai Văn Khác")]))
        assert response.status_code == 400
        assert "đang học lớp 11A2" in response.content.decode()
        assert Enrollment.objects.get(student=colleague_student).classroom == world.other_classroom

    def test_a_school_admin_creates_missing_classes_after_the_preview(self, admin_client, world):
        data = csdl_xlsx([("12A9", "6400000501", "Tạ Văn Mới"), ("12a9", "6400000502", "Tạ Thị Mới")])
        preview = upload(admin_client, data)
        body = preview.content.decode()
        assert "Lớp mới sẽ được tạo" in body and "12A9" in body and "Tạo 1 lớp mới và nhập danh sách" in body
        assert not Classroom.objects.filter(name="12A9").exists()
        confirm(admin_client, preview)
        classroom = Classroom.objects.get(school=world.school, name="12A9")
        assert classroom.grade == 12 and classroom.school_year == world.year
        assert classroom.enrollments.count() == 2

    def test_a_school_admin_cannot_create_a_class_outside_grades_10_to_12(self, admin_client):
        response = upload(admin_client, csdl_xlsx([("9A1", "6400000601", "Tạ Văn Nhỏ")]))
        assert response.status_code == 400
        assert "phải bắt đầu bằng khối 10, 11 hoặc 12" in response.content.decode()

    def test_a_key_of_a_staff_account_is_refused(self, admin_client, world):
        User.objects.filter(pk=world.other_teacher.pk).update(student_key="6400000701", key_kind="moet")
        response = upload(admin_client, csdl_xlsx([("10A1", "6400000701", "Đỗ Văn Minh")]))
        assert response.status_code == 400
        assert "không phải học sinh" in response.content.decode()


class TestBadInput:
    def test_row_errors_are_listed_with_a_bad_rows_file_and_nothing_is_imported(self, teacher_client):
        data = xlsx(
            *[["Danh sách lớp 10A1"], []],
            ["STT", "Lớp", "Mã định danh Bộ GD&ĐT", "Họ và tên", "Ngày sinh", "Giới tính"],
            [1, "10A1", "6400000801", "Hà Thị Tốt", "01/02/2009", "Nữ"],
            [2, "10A1", "6400000802", "", "01/02/2009", "Nữ"],
            [3, "10A1", "6400000803", "Hà Văn Ngày", "31/02/2009", "Nam"],
            [4, "10A1", "6400000801", "Hà Văn Trùng", "01/02/2009", "Nam"],
        )
        before = User.objects.count()
        response = upload(teacher_client, data)
        assert response.status_code == 400
        body = response.content.decode()
        assert "Thiếu họ và tên." in body and "trùng với dòng 4" in body and "Họ và tên" in body
        assert User.objects.count() == before
        download = teacher_client.post(reverse("roster_download"), {"payload": payload_of(response)})
        assert download.status_code == 200
        rows = list(openpyxl.load_workbook(io.BytesIO(download.content)).active.iter_rows(values_only=True))
        assert rows[0][-2:] == ("Lỗi", "Dòng gốc")
        assert [row[-1] for row in rows[1:]] == [5, 6, 7]

    def test_a_file_with_row_errors_is_parsed_once(self, teacher_client, monkeypatch):
        """The bad-rows file is written from the rows already read, not by parsing the upload again."""
        from schools import roster_parsing

        opened = []
        load = roster_parsing.openpyxl.load_workbook

        def counting(*args, **kwargs):
            opened.append(1)
            return load(*args, **kwargs)

        monkeypatch.setattr(roster_parsing.openpyxl, "load_workbook", counting)
        data = xlsx(
            ["STT", "Lớp", "Mã định danh Bộ GD&ĐT", "Họ và tên", "Ngày sinh", "Giới tính"],
            [1, "10A1", "6400000901", "", "01/02/2009", "Nữ"],
        )
        response = upload(teacher_client, data)
        assert response.status_code == 400 and "Thiếu họ và tên." in response.content.decode()
        assert opened == [1]

    def test_a_file_that_is_not_a_roster_is_refused_with_a_reason(self, teacher_client):
        response = upload(teacher_client, b"%PDF-1.4 not a roster", "danh-sach.pdf")
        assert response.status_code == 400
        assert "Chỉ nhận tệp Excel" in response.content.decode()

    def test_no_file_is_a_400(self, teacher_client):
        response = teacher_client.post(reverse("roster_import"), {})
        assert response.status_code == 400
        assert "Hãy chọn tệp danh sách." in response.content.decode()

    @pytest.mark.parametrize("payload", ["", "garbage", signing.dumps({"user": 1}, salt="other")])
    def test_a_forged_or_foreign_confirmation_is_refused(self, teacher_client, payload):
        before = User.objects.count()
        response = teacher_client.post(reverse("roster_confirm"), {"payload": payload})
        assert response.status_code == 400
        assert "đã hết hạn hoặc không hợp lệ" in response.content.decode()
        assert User.objects.count() == before

    def test_someone_elses_preview_cannot_be_confirmed(self, client, teacher_client, world):
        preview = upload(teacher_client, csdl_xlsx(TEN_A1))
        client.force_login(world.school_admin)
        response = client.post(reverse("roster_confirm"), {"payload": payload_of(preview)})
        assert response.status_code == 400
        assert not students_with_moet_keys().exists()

    def test_rows_that_stopped_fitting_since_the_preview_import_nothing(self, teacher_client, world):
        preview = upload(teacher_client, csdl_xlsx(TEN_A1))
        world.classroom.teachers.all().delete()  # the teacher no longer teaches 10A1
        response = confirm(teacher_client, preview)
        assert response.status_code == 400
        assert "đã thay đổi từ lúc xem trước" in response.content.decode()
        assert not students_with_moet_keys().exists()

    def test_a_failure_part_way_rolls_the_whole_import_back(self, world, monkeypatch):
        insert_rows = rosters._insert_rows

        def broken(model, columns, rows):
            if model is Consent:  # the last write: accounts, enrolments and roles are in by then
                raise RuntimeError("disk full")
            insert_rows(model, columns, rows)

        monkeypatch.setattr(rosters, "_insert_rows", broken)
        rows = [RosterRow(2, "HS9", "school", "Phan Văn Chín", "12A9", None, "", None, None)]
        scope = rosters.roster_scope(user=world.school_admin, role=world.school_admin.roles.get())
        def counts():
            return [model.objects.count() for model in (User, Classroom, Enrollment, RoleAssignment, Consent)]

        before = counts()
        with pytest.raises(RuntimeError):
            rosters.roster_import(rows=rows, scope=scope, imported_by=world.school_admin, on=date(2025, 11, 20))
        assert counts() == before


class TestPrivacy:
    def test_personal_id_numbers_in_a_roster_are_never_stored(self, teacher_client):
        citizen_ids = [f"0640990012{n:02d}" for n in range(1, 5)]
        data = csdl_xlsx(
            TEN_A1,
            extra_header=["Số ĐDCN", "Số điện thoại", "Họ tên cha"],
            extra=lambda n: [citizen_ids[n - 1], f"09123456{n:02d}", "Phụ Huynh Bí Mật"],
        )
        preview = upload(teacher_client, data)
        assert not any(number in preview.content.decode() for number in citizen_ids)
        result = confirm(teacher_client, preview)
        body = result.content.decode()
        assert "Số ĐDCN" in body and "Số điện thoại" in body
        assert students_with_moet_keys().count() == 4
        assert found_in_database(*citizen_ids, "0912345601", "Phụ Huynh Bí Mật") == []

    def test_a_key_column_of_citizen_ids_is_refused(self, teacher_client):
        data = xlsx(OUR_HEADER, ["10A1", "064099001201", "Hà Thị Một", "", "", "", ""],
                    ["10A1", "064099001202", "Hà Thị Hai", "", "", "", ""])
        response = upload(teacher_client, data)
        assert response.status_code == 400
        assert "căn cước công dân" in response.content.decode()
        assert found_in_database("064099001201") == []


class TestConsentColumn:
    def test_consent_columns_are_recorded_with_the_importer_as_recorder(self, teacher_client, world):
        data = xlsx(
            OUR_HEADER,
            ["10A1", "HS501", "Cao Thị Có", "01/01/2009", "Nữ", "Có", "x"],
            ["10A1", "HS502", "Cao Văn Không", "01/01/2009", "Nam", "Không", ""],
        )
        import_file(teacher_client, data)
        yes = User.objects.get(student_key="HS501").consent
        no = User.objects.get(student_key="HS502").consent
        assert (yes.guardian_given, yes.student_given) == (True, True)
        assert yes.guardian_recorded_by == world.teacher and yes.guardian_recorded_on is not None
        assert (no.guardian_given, no.student_given, no.guardian_recorded_on) == (False, False, None)

        # A later file adds the missing consent for an existing student; blanks keep what is recorded.
        data = xlsx(
            OUR_HEADER,
            ["10A1", "HS501", "Cao Thị Có", "01/01/2009", "Nữ", "", ""],
            ["10A1", "HS502", "Cao Văn Không", "01/01/2009", "Nam", "Có", "Có"],
        )
        import_file(teacher_client, data)
        yes.refresh_from_db()
        no.refresh_from_db()
        assert (yes.guardian_given, yes.student_given) == (True, True)
        assert (no.guardian_given, no.student_given) == (True, True)
        assert no.student_recorded_by == world.teacher


class TestTemplatesAndScale:
    @pytest.mark.parametrize(("file_format", "marker"), [("xlsx", b"PK"), ("csv", b"\xef\xbb\xbf")])
    def test_templates_download(self, teacher_client, file_format, marker):
        response = teacher_client.get(reverse("roster_template", args=[file_format]))
        assert response.status_code == 200
        assert response.content.startswith(marker)
        assert "attachment" in response["Content-Disposition"]

    def test_an_unknown_template_format_is_404(self, teacher_client):
        assert teacher_client.get(reverse("roster_template", args=["pdf"])).status_code == 404

    def test_import_queries_do_not_grow_with_the_roster(self, world, django_assert_max_num_queries):
        rows = [
            RosterRow(n + 2, f"HS{n:04d}", "school", f"Học Sinh Số {n}", "10A1", None, "", True, None)
            for n in range(600)
        ]
        scope = rosters.roster_scope(user=world.teacher, role=world.teacher.roles.get())
        with django_assert_max_num_queries(40):
            result = rosters.roster_import(rows=rows, scope=scope, imported_by=world.teacher, on=date(2025, 11, 20))
        assert result.created == 600 and result.consents_recorded == 600
        assert Consent.objects.filter(student__student_key__startswith="HS", guardian_given=True).count() == 600

    def test_the_import_makes_no_query_per_row(self, world):
        """10 and 400 new students (within one lookup chunk) cost the same number of queries."""
        scope = rosters.roster_scope(user=world.teacher, role=world.teacher.roles.get())
        counts = []
        for start, size in ((0, 10), (10, 400)):
            rows = [
                RosterRow(n + 2, f"HS{n:04d}", "school", f"Học Sinh Số {n}", "10A1", date(2009, 1, 2), "F", True, False)
                for n in range(start, start + size)
            ]
            with CaptureQueriesContext(connection) as queries:
                rosters.roster_import(rows=rows, scope=scope, imported_by=world.teacher, on=date(2025, 11, 20))
            counts.append(len(queries))
        assert counts[0] == counts[1]
        assert User.objects.filter(student_key__startswith="HS").count() == 410

    def test_rows_written_in_bulk_carry_the_model_defaults(self, world):
        """Accounts, enrolments, roles and consent written without model instances look like ORM-made ones."""
        rows = [
            RosterRow(2, "HS1", "school", "Phan  Văn Một", "10A1", date(2009, 1, 2), "M", True, None),
            RosterRow(3, "6400000999", "moet", "Lê Thị Hai", "10A1", None, "", None, True),
        ]
        scope = rosters.roster_scope(user=world.teacher, role=world.teacher.roles.get())
        result = rosters.roster_import(rows=rows, scope=scope, imported_by=world.teacher, on=date(2025, 11, 20))
        one, two = User.objects.get(student_key="HS1"), User.objects.get(student_key="6400000999")
        assert [slip.username for slip in result.slips] == [two.username, one.username]  # Vietnamese order
        assert (one.full_name, one.key_school, one.birth_date, one.sex) == ("Phan Văn Một", world.school, date(2009, 1, 2), "M")
        assert (two.key_kind, two.key_school, two.birth_date, two.sex) == ("moet", None, None, "")
        for student in (one, two):
            assert student.is_active and not student.is_staff and not student.is_superuser and not student.is_deidentified
            assert student.date_joined is not None and student.last_login is None and student.email == ""
            assert student.name_sort and student.must_change_password
            enrollment = Enrollment.objects.get(student=student)
            assert (enrollment.classroom, enrollment.school_year) == (world.classroom, world.classroom.school_year)
            assert enrollment.created_at is not None
            role = RoleAssignment.objects.get(user=student)
            assert (role.role, role.school, role.province) == ("student", world.school, None)
        assert (one.consent.guardian_given, one.consent.guardian_recorded_by, one.consent.guardian_recorded_on) == (
            True, world.teacher, date(2025, 11, 20))
        assert (one.consent.student_given, one.consent.student_recorded_by, one.consent.student_recorded_on) == (
            False, None, None)
        assert (two.consent.guardian_given, two.consent.student_given, two.consent.student_recorded_by) == (
            False, True, world.teacher)

    def test_a_clash_in_a_bulk_write_is_an_integrity_error(self, world):
        """The confirm view turns IntegrityError (a concurrent change) into a message, also for COPY on PostgreSQL."""
        taken = make_student(world.classroom, "Lê Văn Trùng")
        with pytest.raises(IntegrityError), transaction.atomic():
            rosters._insert_rows(User, ("username", "full_name"), [(taken.username, "Lê Văn Khác")])

    def test_bulk_usernames_are_unique_and_unused(self, world):
        names = ["Nguyễn Thị Hằng"] * 300
        usernames = services.usernames_generate(names)
        assert len(set(usernames)) == 300
        assert all(name.startswith("hangnt") for name in usernames)
        assert not User.objects.filter(username__in=usernames).exists()


class TestEscaping:
    def test_names_from_the_file_are_escaped_on_the_preview_result_and_error_pages(self, teacher_client):
        evil = '<script>alert("x")</script>Hằng'
        preview = upload(teacher_client, csdl_xlsx([("10A1", "6400002001", evil)]))
        result = confirm(teacher_client, preview)
        bad = upload(teacher_client, csdl_xlsx([("10A1", "6400002002", evil), ("<b>10A1</b>", "6400002003", evil)]))
        assert bad.status_code == 400
        for response in (preview, result, bad):
            body = response.content.decode()
            assert "<script>alert" not in body and "<b>10A1" not in body
        assert "&lt;script&gt;alert" in preview.content.decode() and "&lt;script&gt;alert" in result.content.decode()
