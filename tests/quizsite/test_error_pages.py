"""403, 404, 429 and 500 are pages of the site, in the user's language, with a way home (DEBUG off)."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.certificates.factories import issue_course
from tests.quizsite.error_urls import SECRET_DETAIL

pytestmark = pytest.mark.django_db

HOME_LINK = f'href="{reverse("home")}"'


def in_english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def body(response) -> str:
    return response.content.decode()


@pytest.fixture(autouse=True)
def production_like(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.quizsite.error_urls"


def test_404_is_the_site_page_in_vietnamese_with_a_way_home(client):
    response = client.get("/khong-co-trang-nay/")

    assert response.status_code == 404
    assert [t.name for t in response.templates][:2] == ["404.html", "errors/base_error.html"]
    assert '<html lang="vi">' in body(response)
    assert "Không tìm thấy trang này" in body(response) and HOME_LINK in body(response)


def test_404_follows_the_chosen_language(client):
    response = in_english(client).get("/khong-co-trang-nay/")

    assert response.status_code == 404
    assert '<html lang="en">' in body(response)
    assert "Page not found" in body(response) and "Không tìm thấy" not in body(response)


@pytest.mark.parametrize("actor", ["teacher", "student"])
def test_an_object_lookup_404_does_not_name_the_object_or_its_model(client, world, actor):
    client.force_login(world.students[0] if actor == "student" else world.teacher)
    response = client.get(reverse("classroom_detail", args=[world.foreign_classroom.pk]))

    assert response.status_code == 404
    assert "Classroom" not in body(response) and world.other_school.name not in body(response)


def test_403_for_a_student_on_another_schools_class_says_nothing_about_it(client, world):
    client.force_login(world.students[0])
    response = client.get(reverse("certificate_class_pdf", args=[world.foreign_classroom.pk]))

    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]
    assert "Bạn không có quyền xem trang này" in body(response) and HOME_LINK in body(response)
    assert world.other_school.name not in body(response)
    assert world.foreign_student.full_name not in body(response)


def test_403_never_shows_the_reason_it_was_raised_with(client):
    response = client.get("/test-forbidden/")
    english = in_english(Client()).get("/test-forbidden/")

    assert response.status_code == english.status_code == 403
    assert SECRET_DETAIL not in body(response) and SECRET_DETAIL not in body(english)
    assert "You do not have access to this page" in body(english) and '<html lang="en">' in body(english)


def test_a_csrf_failure_is_a_site_page_that_says_what_to_do(client, world):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("login"), {"username": "x", "password": "y"})
    english = in_english(Client(enforce_csrf_checks=True)).post(reverse("login"), {"username": "x"})

    assert response.status_code == english.status_code == 403
    assert "Trang đã hết hạn" in body(response) and HOME_LINK in body(response)
    assert "CSRF" not in body(response)
    assert "This page has expired" in body(english)


def test_500_is_a_self_contained_page_in_the_users_language():
    response = Client(raise_request_exception=False).get("/test-broken/")
    english = in_english(Client(raise_request_exception=False)).get("/test-broken/")

    assert response.status_code == english.status_code == 500
    assert [t.name for t in response.templates] == ["500.html"]
    assert '<html lang="vi">' in body(response) and "Máy chủ gặp sự cố" in body(response)
    assert 'href="/"' in body(response) and "a bug" not in body(response)
    assert '<html lang="en">' in body(english) and "Something went wrong" in body(english)


def test_429_from_certificate_lookups_is_the_site_page(client, settings, world):
    settings.CERTIFICATE_VERIFY_LIMIT = 1
    certificate = issue_course(world.students[0])
    url = reverse("certificate_verify_code", args=[certificate.code])
    client.defaults["REMOTE_ADDR"] = "10.42.0.1"
    in_english(client)

    assert client.get(url).status_code == 200
    blocked = client.get(url)

    assert blocked.status_code == 429 and int(blocked["Retry-After"]) > 0
    assert "429.html" in [t.name for t in blocked.templates]
    minutes = -(-int(blocked["Retry-After"]) // 60)
    assert "Too many attempts" in body(blocked)
    assert f"Try again in about {minutes} minute" in body(blocked) and "Too many certificate lookups" in body(blocked)
    assert HOME_LINK in body(blocked) and f'href="{reverse("certificate_verify")}"' in body(blocked)
    assert world.students[0].full_name not in body(blocked)


def test_429_from_pin_guessing_is_the_site_page(client, world):
    client.defaults["REMOTE_ADDR"] = "10.42.0.2"
    statuses = [client.post(reverse("contest_join"), {"pin": "000000"}).status_code for _ in range(11)]
    blocked = client.get(reverse("contest_play", args=["000000"]))

    assert statuses[-1] == blocked.status_code == 429
    assert "429.html" in [t.name for t in blocked.templates]
    assert "quá nhiều mã PIN" in body(blocked) and HOME_LINK in body(blocked)
    assert f'href="{reverse("contest_join")}"' in body(blocked) and int(blocked["Retry-After"]) > 0
