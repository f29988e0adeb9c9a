"""One language at a time: Vietnamese unless the user chose English in the selector."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from quizsite.middleware import chosen_language
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def page(client: Client, **headers) -> str:
    response = client.get(reverse("login"), headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def choose(client: Client, language: str, next_url: str = "/accounts/login/"):
    return client.post(reverse("set_language"), {"language": language, "next": next_url})


def test_accept_language_alone_keeps_the_site_vietnamese(client):
    body = page(client, accept_language="en-US,en;q=0.9")

    assert '<html lang="vi">' in body
    assert "Tên đăng nhập" in body and "Username" not in body
    assert "Học sinh dùng tên đăng nhập" in body


def test_choosing_english_switches_the_projects_strings_and_djangos(client):
    response = choose(client, "en")
    body = page(client)

    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert '<html lang="en">' in body
    assert "Username" in body and "Password" in body  # Django's own form labels
    assert "Students use the username and password" in body  # the project's strings
    assert "Tên đăng nhập" not in body and "Học sinh dùng" not in body


def test_an_english_session_gets_english_form_errors(client):
    choose(client, "en")
    response = client.post(reverse("login"), {"username": "", "password": ""})

    assert "This field is required." in response.content.decode()


def test_a_logged_in_english_page_is_english_and_keeps_content_vietnamese(client, world):
    from lessons.models import Course

    client.force_login(world.students[0])
    choose(client, "en")
    body = client.get(reverse("student_home")).content.decode()

    assert '<html lang="en">' in body and "Log out" in body and "Đăng xuất" not in body
    assert "Your page" in body or "Hello" in body
    for course in Course.objects.all()[:1]:
        assert f'lang="vi">{course.title}' in body


def test_choosing_vietnamese_again_switches_back(client):
    choose(client, "en")
    choose(client, "vi")

    assert '<html lang="vi">' in page(client, accept_language="en")


def test_an_unknown_or_unsupported_choice_falls_back_to_vietnamese(client, rf):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    request = rf.get("/")
    request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = "<script>"

    assert '<html lang="vi">' in page(client)
    assert chosen_language(request) == "vi"


def test_the_selector_offers_both_languages_with_the_current_one_selected(client):
    body = page(client)
    choose(client, "en")
    english = page(client)

    assert '<option value="vi" lang="vi" selected>Tiếng Việt</option>' in body and '<option value="en" lang="en">English</option>' in body
    assert '<option value="en" lang="en" selected>English</option>' in english


def test_responses_say_their_language_and_vary_on_the_cookie(client):
    response = client.get(reverse("login"), headers={"accept-language": "en"})

    assert response["Content-Language"] == "vi"
    assert "Cookie" in response["Vary"] and "Accept-Language" not in response["Vary"]


def test_logging_in_keeps_the_chosen_language(client, world):
    choose(client, "en")
    client.post(reverse("login"), {"username": world.teacher.username, "password": PASSWORD}, follow=True)
    body = client.get(reverse("home"), follow=True).content.decode()

    assert '<html lang="en">' in body and "Log out" in body
