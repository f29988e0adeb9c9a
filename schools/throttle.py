"""Login throttling in the shared cache.

Failures are counted per account (strict: guessing one password must stop)
and per client IP (loose: a class of 40+ shares one school address and must
all get in). Only failures count, so a class logging in correctly is never slowed.
"""

from django.conf import settings
from django.core.cache import cache

from quizsite.ratelimit import count, hit


def _account_key(username: str) -> str:
    return f"login-fail:user:{username.strip().lower()}"


def _ip_key(ip: str) -> str:
    return f"login-fail:ip:{ip}"


def login_blocked(*, username: str, ip: str) -> bool:
    return (
        count(_account_key(username)) >= settings.LOGIN_FAILURES_PER_ACCOUNT
        or count(_ip_key(ip)) >= settings.LOGIN_FAILURES_PER_IP
    )


def login_failed(*, username: str, ip: str) -> None:
    hit(_account_key(username), settings.LOGIN_LOCK_SECONDS)
    hit(_ip_key(ip), settings.LOGIN_LOCK_SECONDS)


def login_succeeded(*, username: str) -> None:
    cache.delete(_account_key(username))


def client_ip(request) -> str:
    """The client address; behind a trusted proxy, the last hop it appended."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"
