"""Limits on PIN guessing and join floods, in the shared cache.

Per browser session strictly (guessing PINs must stop quickly) and per IP
loosely: a class of 40+ behind one school address must all get in. Used by
the join page and the player socket alike.
"""

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


def pin_guessing_blocked(*, session_key: str, ip: str) -> bool:
    per_session = cache.get(f"contest-pin:s:{session_key}", 0) if session_key else 0
    return per_session >= _limit("CONTEST_PIN_FAILURES_PER_SESSION", 10) or cache.get(
        f"contest-pin:ip:{ip}", 0
    ) >= _limit("CONTEST_PIN_FAILURES_PER_IP", 300)


def pin_guess_failed(*, session_key: str, ip: str) -> None:
    if session_key:
        _count(f"contest-pin:s:{session_key}")
    _count(f"contest-pin:ip:{ip}")


def join_allowed(*, session_key: str, ip: str) -> bool:
    """Count one join attempt; False once this session or address sent too many."""
    per_session = _count(f"contest-join:s:{session_key}") if session_key else 0
    per_ip = _count(f"contest-join:ip:{ip}")
    return per_session <= _limit("CONTEST_JOINS_PER_SESSION", 30) and per_ip <= _limit("CONTEST_JOINS_PER_IP", 3000)
