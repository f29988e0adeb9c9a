"""PIN guessing and join floods: strict per browser session, loose per school address."""

import secrets

import pytest

from contests import throttle


@pytest.fixture
def tag():
    """A fresh name per test: the cache may be the shared Redis, never cleared here."""
    return secrets.token_hex(4)


def test_a_class_of_forty_behind_one_address_all_get_in(tag):
    ip = f"203.0.113.7-{tag}"
    assert all(throttle.join_allowed(session_key=f"s{n}", ip=ip) for n in range(45))
    for n in range(45):
        throttle.pin_guess_failed(session_key=f"s{n}", ip=ip)  # everyone mistypes once
    assert not any(throttle.pin_guessing_blocked(session_key=f"s{n}", ip=ip) for n in range(45))


def test_one_session_guessing_pins_is_stopped(tag):
    for _ in range(10):
        throttle.pin_guess_failed(session_key=f"guesser-{tag}", ip=tag)
    assert throttle.pin_guessing_blocked(session_key=f"guesser-{tag}", ip=tag)
    assert not throttle.pin_guessing_blocked(session_key=f"classmate-{tag}", ip=tag)


def test_one_session_flooding_joins_is_stopped(settings, tag):
    settings.CONTEST_JOINS_PER_SESSION = 5
    results = [throttle.join_allowed(session_key=f"flood-{tag}", ip=tag) for _ in range(7)]
    assert results == [True] * 5 + [False] * 2


def test_an_address_guessing_hundreds_of_pins_is_stopped(settings, tag):
    settings.CONTEST_PIN_FAILURES_PER_IP = 50
    for n in range(50):
        throttle.pin_guess_failed(session_key=f"fresh{n}-{tag}", ip=tag)
    assert throttle.pin_guessing_blocked(session_key=f"another-{tag}", ip=tag)
