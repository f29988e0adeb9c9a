"""Security baseline: deploy checks, CSRF, login throttling, sessions, forced password change."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, make_student

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("https", ["1", "0"])
def test_check_deploy_passes_with_production_settings(tmp_path, https):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "quizsite.settings",
        "DEBUG": "0",
        "HTTPS": https,
        "SECRET_KEY": "x7!kq-" + "9f3Lm2vZ8pQw4Rt6Yu1Io0Pa5Sd7Fg2Hj4Kl6Zx8Cv0Bn" * 2,
        "ALLOWED_HOSTS": "dvctt.example.edu.vn",
        "VAR_DIR": str(tmp_path),
    }
    env.pop("TEST_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_secret_key_is_generated_once_outside_the_repository(tmp_path):
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "quizsite.settings", "VAR_DIR": str(tmp_path)}
    env.pop("SECRET_KEY", None)
    first = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=ROOT, env=env,
                           capture_output=True, text=True, check=True).stdout
    second = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=True).stdout
    assert first == second and len(first.strip()) >= 50
    assert (tmp_path / "secret_key").exists()


# Every state-changing view refuses a POST without a CSRF token (403), whoever asks.
CSRF_POSTS = [
    ("school_admin", lambda w: reverse("classroom_create"), {"name": "12A9"}),
    ("school_admin", lambda w: reverse("teacher_create"), {"full_name": "A B", "username": "ab", "password": "x" * 12}),
    ("school_admin", lambda w: reverse("teacher_assign"), {}),
    ("teacher", lambda w: reverse("student_create", args=[w.classroom.pk]), {"full_name": "A B"}),
    ("teacher", lambda w: reverse("role_switch"), {}),
    ("teacher", lambda w: reverse("logout"), {}),
    ("teacher", lambda w: reverse("password_change"), {}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("actor", "url", "data"), CSRF_POSTS)
def test_posts_without_csrf_token_are_refused(world, actor, url, data):
    client = Client(enforce_csrf_checks=True)
    client.force_login(getattr(world, actor))
    response = client.post(url(world), data)
    assert response.status_code == 403


@pytest.mark.django_db
def test_login_without_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": world.teacher.username, "password": PASSWORD})
    assert response.status_code == 403


@pytest.fixture
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def _browser(address):
    """A browser at `address` that opened the login page (and so holds its login cookie)."""
    browser = Client(REMOTE_ADDR=address)
    browser.get(reverse("login"))
    return browser


@pytest.mark.django_db
class TestLoginThrottle:
    def test_guessing_one_account_stops_even_with_the_right_password(self, client, world, fresh_cache, settings):
        settings.LOGIN_FAILURES_PER_PAIR = 5
        for _ in range(5):
            response = _login(client, world.teacher.username, "sai")
            assert "không đúng" in response.content.decode()
        response = _login(client, world.teacher.username, PASSWORD)
        assert response.status_code == 200
        assert "quá nhiều lần" in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_a_guesser_discarding_cookies_is_stopped_at_the_address(self, world, fresh_cache):
        for _ in range(5):
            _login(Client(REMOTE_ADDR="198.51.100.9"), world.teacher.username, "sai")
        response = _login(Client(REMOTE_ADDR="198.51.100.9"), world.teacher.username, PASSWORD)
        assert "quá nhiều lần" in response.content.decode()

    def test_guessing_from_many_addresses_is_slowed_per_account(self, world, fresh_cache, settings):
        settings.LOGIN_FAILURES_PER_ACCOUNT = 8
        for n in range(8):
            _login(Client(REMOTE_ADDR=f"198.51.100.{n // 2}"), world.teacher.username, "sai")
        response = _login(Client(REMOTE_ADDR="198.51.100.0"), world.teacher.username, PASSWORD)
        assert "Hãy đợi 1 giây" in response.content.decode()

    def test_a_student_cannot_lock_the_teacher_out(self, world, fresh_cache):
        """Guessing from home, however long, leaves the teacher's login at school working."""
        student = _browser("198.51.100.20")
        for _ in range(40):
            _login(student, world.teacher.username, "sai")
        for _ in range(20):
            _login(Client(REMOTE_ADDR="198.51.100.21"), world.teacher.username, "sai")
        teacher = _browser("203.0.113.5")
        response = _login(teacher, world.teacher.username, PASSWORD)
        assert response.status_code == 302
        assert teacher.session["_auth_user_id"] == str(world.teacher.pk)

    def test_a_student_at_school_cannot_lock_the_teacher_out_of_a_browser_she_used(self, world, fresh_cache):
        teacher = _browser("203.0.113.5")
        assert _login(teacher, world.teacher.username, PASSWORD).status_code == 302
        teacher.post(reverse("logout"))
        for _ in range(30):
            _login(Client(REMOTE_ADDR="203.0.113.5"), world.teacher.username, "sai")
        response = _login(teacher, world.teacher.username, PASSWORD)
        assert response.status_code == 302

    def test_a_whole_class_behind_one_address_gets_in(self, world, fresh_cache):
        students = [make_student(world.classroom, f"Học Sinh Số {i}") for i in range(45)]
        # a few typos along the way, as in a real class
        _login(Client(REMOTE_ADDR="10.0.0.1"), students[0].username, "sai")
        for student in students:
            response = _login(_browser("10.0.0.1"), student.username, PASSWORD)
            assert response.status_code == 302, student.username

    def test_a_script_at_the_school_address_cannot_block_the_others(self, world, fresh_cache, settings):
        settings.LOGIN_FAILURES_PER_IP = 30
        script = _browser("10.0.0.7")
        for i in range(40):
            _login(script, f"khong-co-{i}", "sai")
            _login(Client(REMOTE_ADDR="10.0.0.7"), f"khong-co-{i}", "sai")  # and without cookies
        for student in world.students:
            response = _login(_browser("10.0.0.7"), student.username, PASSWORD)
            assert response.status_code == 302, student.username
        response = _login(_browser("10.0.0.7"), world.teacher.username, PASSWORD)
        assert response.status_code == 302

    def test_at_a_busy_address_the_failing_browser_is_slowed(self, world, fresh_cache, settings):
        settings.LOGIN_FAILURES_PER_IP = 30
        script = _browser("10.0.0.8")
        for i in range(30):
            _login(script, f"khong-co-{i}", "sai")
        response = _login(script, world.teacher.username, PASSWORD)
        assert "Hãy đợi" in response.content.decode()
        assert "_auth_user_id" not in script.session
        response = _login(Client(REMOTE_ADDR="10.0.0.8"), world.teacher.username, PASSWORD)
        assert "quá nhiều lần" in response.content.decode()

    def test_a_forged_login_cookie_is_an_unknown_browser(self, world, fresh_cache):
        browser = Client(REMOTE_ADDR="203.0.113.9")
        browser.cookies["dvctt_login"] = "forged:value"
        response = _login(browser, world.teacher.username, PASSWORD)
        assert response.status_code == 302


@pytest.mark.django_db
class TestStudentSessions:
    def _login(self, client, student):
        return client.post(reverse("login"), {"username": student.username, "password": PASSWORD})

    def test_student_session_ends_with_the_browser(self, client, world):
        self._login(client, world.students[0])
        assert client.session.get_expire_at_browser_close()

    def test_staff_session_survives_the_browser(self, client, world):
        client.post(reverse("login"), {"username": world.teacher.username, "password": PASSWORD})
        assert not client.session.get_expire_at_browser_close()

    def test_idle_student_is_logged_out(self, client, world, settings):
        self._login(client, world.students[0])
        session = client.session
        session["last_activity"] -= settings.STUDENT_IDLE_SECONDS + 5
        session.save()
        response = client.get(reverse("student_home"))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_slip_password_must_be_changed_at_first_login(client, world):
    from schools import services

    student, password = services.student_create(classroom=world.classroom, full_name="Sùng A Páo")
    client.post(reverse("login"), {"username": student.username, "password": password})
    response = client.get(reverse("student_home"))
    assert response.status_code == 302 and response["Location"] == reverse("password_change")
    response = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": "Cay-xanh-2025!", "new_password2": "Cay-xanh-2025!"},
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert not student.must_change_password
    assert not student.password.startswith("slip_md5$")
    assert client.get(reverse("student_home")).status_code == 200
