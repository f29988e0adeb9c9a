"""Limits on PIN guessing and join floods, in the shared cache (docs/security.md).

Guessing is stopped per guessing client, never per address, so one script
behind a school's shared address cannot keep the school out of its contests:

- a browser session (the join page and the player page create one, and the
  player socket carries it) may get 10 PINs wrong per 10 minutes, then even
  the right PIN is refused to it;
- at an address with many wrong PINs (300), a session that got one wrong waits
  a delay doubling with each failure (1, 2, 4 … s) before its next try; a
  session without failures is checked at once, so a valid PIN always works;
- sockets without a session (no browser opens one: the player page always
  creates the session first) share one small allowance per address.

Used by the join page and the player socket alike.
"""

import time

from django.conf import settings
from django.core.cache import cache

from quizsite.ratelimit import hit

WINDOW_SECONDS = 600


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _count(key: str) -> int:
    return hit(key, WINDOW_SECONDS)


def scope_ip(scope) -> str:
    """A socket's client address; behind a trusted proxy, the last hop it appended."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        for name, value in scope.get("headers", []):
            if name == b"x-forwarded-for" and value:
                return value.decode("latin-1").split(",")[-1].strip()
    client = scope.get("client") or ["unknown"]
    return str(client[0])


def busy_delay_seconds(failures: int) -> int:
    """How long a session that failed `failures` times waits at a busy address (capped at the window)."""
    return 0 if failures <= 0 else min(WINDOW_SECONDS, 2 ** min(failures - 1, 20))


def pin_guessing_blocked(*, session_key: str, ip: str, now: float | None = None) -> bool:
    """Whether this client must not try a PIN now (a client without failures never is, except sessionless)."""
    if not session_key:
        return cache.get(f"contest-pin:anon:{ip}", 0) >= _limit("CONTEST_PIN_FAILURES_SESSIONLESS_PER_IP", 30)
    values = cache.get_many([f"contest-pin:s:{session_key}", f"contest-pin:s-last:{session_key}", f"contest-pin:ip:{ip}"])
    failures = values.get(f"contest-pin:s:{session_key}", 0)
    if failures >= _limit("CONTEST_PIN_FAILURES_PER_SESSION", 10):
        return True
    if failures and values.get(f"contest-pin:ip:{ip}", 0) >= _limit("CONTEST_PIN_FAILURES_PER_IP", 300):
        last = values.get(f"contest-pin:s-last:{session_key}", 0)
        return (now if now is not None else time.time()) < last + busy_delay_seconds(failures)
    return False


def pin_guess_failed(*, session_key: str, ip: str, now: float | None = None) -> None:
    if not session_key:
        _count(f"contest-pin:anon:{ip}")
        return
    _count(f"contest-pin:s:{session_key}")
    cache.set(f"contest-pin:s-last:{session_key}", now if now is not None else time.time(), WINDOW_SECONDS)
    _count(f"contest-pin:ip:{ip}")


def join_allowed(*, session_key: str, ip: str) -> bool:
    """Count one join attempt; False once this session (or the address's sessionless sockets) sent too many."""
    if not session_key:
        return _count(f"contest-join:anon:{ip}") <= _limit("CONTEST_JOINS_SESSIONLESS_PER_IP", 100)
    return _count(f"contest-join:s:{session_key}") <= _limit("CONTEST_JOINS_PER_SESSION", 30)
