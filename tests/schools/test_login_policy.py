"""The login throttling rules: nobody can deny another person's login, guessing stays stopped."""

from hypothesis import given
from hypothesis import strategies as st

from schools.login_policy import Attempt, Limits, delay_seconds, login_wait

LIMITS = Limits(window_seconds=900, pair_failures=5, account_failures=20, address_failures=200, max_delay_seconds=900)
NOW = 1_000_000.0


def test_a_fresh_attempt_is_checked():
    assert login_wait(Attempt(), limits=LIMITS, now=NOW) == 0


def test_five_failures_from_one_address_stop_that_address_for_the_window():
    assert login_wait(Attempt(pair_failures=4, account_failures=4), limits=LIMITS, now=NOW) == 0
    assert login_wait(Attempt(pair_failures=5, account_failures=5), limits=LIMITS, now=NOW) == 900


def test_an_address_without_failures_on_the_account_is_never_delayed_by_the_account_count():
    attempt = Attempt(pair_failures=0, account_failures=10_000, account_last_failure=NOW)
    assert login_wait(attempt, limits=LIMITS, now=NOW) == 0


def test_addresses_that_failed_wait_a_doubling_delay_once_the_account_count_is_high():
    waits = [
        login_wait(Attempt(pair_failures=1, account_failures=n, account_last_failure=NOW), limits=LIMITS, now=NOW)
        for n in range(19, 26)
    ]
    assert waits == [0, 1, 2, 4, 8, 16, 32]


def test_the_delay_runs_out():
    attempt = Attempt(pair_failures=1, account_failures=25, account_last_failure=NOW - 32)
    assert login_wait(attempt, limits=LIMITS, now=NOW) == 0
    assert login_wait(attempt, limits=LIMITS, now=NOW - 10) == 10


def test_the_delay_is_capped():
    assert delay_seconds(10_000, limits=LIMITS) == 900
    assert delay_seconds(0, limits=LIMITS) == 0


def test_a_trusted_browser_answers_only_for_its_own_failures():
    hostile = {"pair_failures": 50, "account_failures": 10_000, "account_last_failure": NOW, "address_failures": 10_000}
    assert login_wait(Attempt(trusted=True, device_failures=4, **hostile), limits=LIMITS, now=NOW) == 0
    assert login_wait(Attempt(trusted=True, device_failures=5, **hostile), limits=LIMITS, now=NOW) == 900


def test_a_busy_address_slows_only_the_browsers_that_failed():
    busy = {"address_failures": 500}
    assert login_wait(Attempt(client_failures=0, **busy), limits=LIMITS, now=NOW) == 0
    assert login_wait(Attempt(client_failures=3, client_last_failure=NOW, **busy), limits=LIMITS, now=NOW) == 4
    assert login_wait(Attempt(client_failures=3, client_last_failure=NOW - 5, **busy), limits=LIMITS, now=NOW) == 0


def test_a_busy_address_refuses_clients_without_the_login_cookie():
    assert login_wait(Attempt(address_failures=200, has_client=False), limits=LIMITS, now=NOW) == 900
    assert login_wait(Attempt(address_failures=199, has_client=False), limits=LIMITS, now=NOW) == 0


attempts = st.builds(
    Attempt,
    trusted=st.booleans(),
    device_failures=st.integers(0, 50),
    pair_failures=st.integers(0, 50),
    account_failures=st.integers(0, 500),
    account_last_failure=st.one_of(st.none(), st.floats(NOW - 2000, NOW)),
    address_failures=st.integers(0, 1000),
    has_client=st.booleans(),
    client_failures=st.integers(0, 50),
    client_last_failure=st.one_of(st.none(), st.floats(NOW - 2000, NOW)),
)


@given(attempts)
def test_the_wait_is_bounded_and_a_clean_browser_at_a_clean_address_always_gets_checked(attempt):
    wait = login_wait(attempt, limits=LIMITS, now=NOW)
    assert 0 <= wait <= LIMITS.window_seconds
    clean = not attempt.trusted and attempt.pair_failures == 0 and attempt.client_failures == 0 and attempt.has_client
    if clean:
        assert wait == 0
    if attempt.trusted:
        assert (wait > 0) == (attempt.device_failures >= LIMITS.pair_failures)


@given(attempts)
def test_guessing_from_one_address_always_stops_at_the_pair_limit(attempt):
    if not attempt.trusted and attempt.pair_failures >= LIMITS.pair_failures:
        assert login_wait(attempt, limits=LIMITS, now=NOW) == LIMITS.window_seconds
