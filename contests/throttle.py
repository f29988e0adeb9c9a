"""Limits on PIN guessing and join floods, in the shared cache.

Per browser session strictly (guessing PINs must stop quickly) and per IP
loosely: a class of 40+ behind one school address must all get in.
"""

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 600


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


async def _count(key: str) -> int:
    if await cache.aadd(key, 1, WINDOW_SECONDS):
        return 1
    try:
        return await cache.aincr(key)
    except ValueError:
        await cache.aset(key, 1, WINDOW_SECONDS)
        return 1


def client_ip(scope) -> str:
    """The socket's client address; behind a trusted proxy, the last hop it appended."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        for name, value in scope.get("headers", []):
            if name == b"x-forwarded-for" and value:
                return value.decode("latin-1").split(",")[-1].strip()
    client = scope.get("client") or ["unknown"]
    return str(client[0])


async def pin_guessing_blocked(*, session_key: str, ip: str) -> bool:
    if session_key and (await cache.aget(f"contest-pin:s:{session_key}", 0)) >= _limit(
        "CONTEST_PIN_FAILURES_PER_SESSION", 10
    ):
        return True
    return (await cache.aget(f"contest-pin:ip:{ip}", 0)) >= _limit("CONTEST_PIN_FAILURES_PER_IP", 300)


async def pin_guess_failed(*, session_key: str, ip: str) -> None:
    if session_key:
        await _count(f"contest-pin:s:{session_key}")
    await _count(f"contest-pin:ip:{ip}")


async def join_allowed(*, session_key: str, ip: str) -> bool:
    """Count one join attempt; False once this session or address sent too many."""
    per_session = await _count(f"contest-join:s:{session_key}") if session_key else 0
    per_ip = await _count(f"contest-join:ip:{ip}")
    return per_session <= _limit("CONTEST_JOINS_PER_SESSION", 30) and per_ip <= _limit("CONTEST_JOINS_PER_IP", 3000)
