"""Load at start what the first requests would otherwise pay for: every app's views and the common templates.

A worker that imports the URL modules, compiles templates and builds the
password hasher on its first requests makes the first class logging in after a
restart wait seconds (docs/benchmarks.md, login storm). The WSGI entry point
calls ``warm_up`` once per process, before any request (or once in gunicorn's
master with ``--preload``, shared by the forked workers). It touches no
database connection, which must not be shared across a fork.
"""

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.hashers import get_hashers
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import get_template, render_to_string
from django.urls import get_resolver
from django.utils import translation

TEMPLATES = [
    "base.html",
    "registration/login.html",
    "registration/password_change_form.html",
    "schools/student_home.html",
    "lessons/course.html",
    "lessons/lesson.html",
    "lessons/practice.html",
    "lessons/_question.html",
    "online_contests/contest_detail.html",
    "online_contests/attempt.html",
]


def warm_up() -> None:
    get_resolver().url_patterns  # noqa: B018 - imports every app's urls and views
    for name in TEMPLATES:
        get_template(name)
    for hasher in get_hashers():
        hasher.algorithm  # noqa: B018 - instances are cached; the argon2 module is imported here
    staticfiles_storage.url("css/site.css")  # reads the hashed-name manifest when DEBUG is off
    for code, _name in settings.LANGUAGES:
        with translation.override(code):  # loads every app's catalogue; the login form compiles its widgets
            render_to_string("registration/login.html", {"form": AuthenticationForm(), "csrf_token": "warm-up"})
