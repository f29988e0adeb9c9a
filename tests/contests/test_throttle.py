"""PIN guessing and join floods: strict per browser session, loose per school address."""

import pytest
from django.core.cache import cache

from contests import throttle


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_class_of_forty_behind_one_address_all_get_in():
    ip = "203.0.113.7"
    assert all(throttle.join_allowed(session_key=f"s{n}", ip=ip) for n in range(45))
    for n in range(45):
        throttle.pin_guess_failed(session_key=f"s{n}", ip=ip)  # everyone mistypes once
    assert not any(throttle.pin_guessing_blocked(session_key=f"s{n}", ip=ip) for n in range(45))


def test_one_session_guessing_pins_is_stopped():
    for _ in range(10):
        throttle.pin_guess_failed(session_key="guesser", ip="198.51.100.1")
    assert throttle.pin_guessing_blocked(session_key="guesser", ip="198.51.100.1")
    assert not throttle.pin_guessing_blocked(session_key="classmate", ip="198.51.100.1")


def test_one_session_flooding_joins_is_stopped(settings):
    settings.CONTEST_JOINS_PER_SESSION = 5
    results = [throttle.join_allowed(session_key="flood", ip="198.51.100.2") for _ in range(7)]
    assert results == [True] * 5 + [False] * 2


def test_an_address_guessing_hundreds_of_pins_is_stopped(settings):
    settings.CONTEST_PIN_FAILURES_PER_IP = 50
    for n in range(50):
        throttle.pin_guess_failed(session_key=f"fresh{n}", ip="198.51.100.3")
    assert throttle.pin_guessing_blocked(session_key="another-fresh-session", ip="198.51.100.3")
