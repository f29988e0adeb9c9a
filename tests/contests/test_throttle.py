"""PIN guessing and join floods: stopped per guessing client, never by refusing a school's address."""

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


def test_a_busy_address_does_not_refuse_sessions_without_failures(settings, tag):
    settings.CONTEST_PIN_FAILURES_PER_IP = 50
    for n in range(500):
        throttle.pin_guess_failed(session_key=f"fresh{n}-{tag}", ip=tag)
    assert not throttle.pin_guessing_blocked(session_key=f"another-{tag}", ip=tag)


def test_at_a_busy_address_a_session_that_failed_waits_a_doubling_delay(settings, tag):
    settings.CONTEST_PIN_FAILURES_PER_IP = 5
    for n in range(5):
        throttle.pin_guess_failed(session_key=f"script{n}-{tag}", ip=tag)
    student = f"typo-{tag}"
    throttle.pin_guess_failed(session_key=student, ip=tag, now=1000.0)
    assert throttle.pin_guessing_blocked(session_key=student, ip=tag, now=1000.5)
    assert not throttle.pin_guessing_blocked(session_key=student, ip=tag, now=1001.0)
    throttle.pin_guess_failed(session_key=student, ip=tag, now=1001.0)
    assert throttle.pin_guessing_blocked(session_key=student, ip=tag, now=1002.5)
    assert not throttle.pin_guessing_blocked(session_key=student, ip=tag, now=1003.0)


def test_the_busy_delay_doubles_and_is_capped():
    assert [throttle.busy_delay_seconds(n) for n in range(6)] == [0, 1, 2, 4, 8, 16]
    assert throttle.busy_delay_seconds(10_000) == throttle.WINDOW_SECONDS


def test_sockets_without_a_session_share_a_small_allowance_per_address(settings, tag):
    settings.CONTEST_PIN_FAILURES_SESSIONLESS_PER_IP = 30
    for _ in range(30):
        throttle.pin_guess_failed(session_key="", ip=tag)
    assert throttle.pin_guessing_blocked(session_key="", ip=tag)
    assert not throttle.pin_guessing_blocked(session_key=f"browser-{tag}", ip=tag)


def test_join_floods_never_refuse_the_address(settings, tag):
    settings.CONTEST_JOINS_SESSIONLESS_PER_IP = 5
    assert [throttle.join_allowed(session_key="", ip=tag) for _ in range(7)] == [True] * 5 + [False] * 2
    assert all(throttle.join_allowed(session_key=f"s{n}-{tag}", ip=tag) for n in range(4000))
