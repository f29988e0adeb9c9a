"""The login throttling rules, as pure functions over counts (docs/security.md).

Nobody can deny a login to somebody else:

- strict per (account, address): a few wrong passwords for one account from
  one address and that address stops trying that account for the window;
- loose per account: past a higher count, addresses that already failed on the
  account wait a delay that doubles with every further failure, but an address
  with no failure on it (the owner at school while a student guesses from home)
  is not delayed, and a browser the owner has already logged in with (the
  trusted-device mark) only ever answers for its own failures;
- per address: past many failures over all accounts (one script behind the
  school's shared address), only the clients that failed (by their login
  cookie) are slowed; the rest of the school logs in as usual.

`login_wait` is the single decision: how many seconds the attempt must wait
(0: check the password).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    window_seconds: int = 900
    pair_failures: int = 5
    account_failures: int = 20
    address_failures: int = 200
    max_delay_seconds: int = 900


@dataclass(frozen=True)
class Attempt:
    """What is known about one login attempt for one account from one client."""

    trusted: bool = False
    """The browser carries this account's trusted-device mark (it logged in as it before)."""
    device_failures: int = 0
    pair_failures: int = 0
    account_failures: int = 0
    account_last_failure: float | None = None
    address_failures: int = 0
    has_client: bool = True
    """The browser sent its login cookie (every browser does: the login page sets it)."""
    client_failures: int = 0
    client_last_failure: float | None = None


def delay_seconds(excess: int, *, limits: Limits) -> int:
    """1 s after the first failure past a limit, doubling with each further one, capped."""
    if excess <= 0:
        return 0
    return min(limits.max_delay_seconds, 2 ** min(excess - 1, 30))


def _remaining(delay: int, last: float | None, now: float) -> int:
    if delay <= 0 or last is None:
        return 0
    return max(0, int(last + delay - now + 0.999))


def login_wait(attempt: Attempt, *, limits: Limits, now: float) -> int:
    """Seconds before this attempt may be checked; 0 when the password is checked now."""
    if attempt.trusted:
        return limits.window_seconds if attempt.device_failures >= limits.pair_failures else 0
    if attempt.pair_failures >= limits.pair_failures:
        return limits.window_seconds
    wait = 0
    if attempt.pair_failures > 0 and attempt.account_failures >= limits.account_failures:
        excess = attempt.account_failures - limits.account_failures + 1
        wait = _remaining(delay_seconds(excess, limits=limits), attempt.account_last_failure, now)
    if attempt.address_failures >= limits.address_failures:
        if not attempt.has_client:
            return max(wait, limits.max_delay_seconds)
        own = _remaining(
            delay_seconds(attempt.client_failures, limits=limits), attempt.client_last_failure, now
        )
        wait = max(wait, own)
    return wait
