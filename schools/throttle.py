"""Login throttling in the shared cache: the counts behind `schools.login_policy`.

Counted on every failure, for the window: the (account, address) pair, the
account (with the time of its last failure), the address, and the browser's
login cookie (with the time of its last failure); a browser trusted for the
account counts only its own failures. Only failures count, so a class logging
in correctly is never slowed.
"""

import hashlib
import secrets
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.cache import cache

from quizsite.ratelimit import hit
from schools.login_policy import Attempt, Limits, login_wait

CLIENT_COOKIE = "dvctt_login"
CLIENT_COOKIE_SALT = "schools.login-client"
CLIENT_COOKIE_MAX_AGE = 30 * 24 * 3600
TRUSTED_ACCOUNTS_PER_BROWSER = 10
"""A lab PC is shared by a class: remember the last few accounts that logged in on it."""


@dataclass(frozen=True)
class LoginClient:
    """The browser as its login cookie describes it."""

    id: str | None = None
    trusted: tuple[str, ...] = field(default_factory=tuple)


def limits() -> Limits:
    return Limits(
        window_seconds=settings.LOGIN_WINDOW_SECONDS,
        pair_failures=settings.LOGIN_FAILURES_PER_PAIR,
        account_failures=settings.LOGIN_FAILURES_PER_ACCOUNT,
        address_failures=settings.LOGIN_FAILURES_PER_IP,
        max_delay_seconds=settings.LOGIN_MAX_DELAY_SECONDS,
    )


def _account(username: str) -> str:
    return hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]


def _keys(*, username: str, ip: str, client: LoginClient) -> dict[str, str]:
    account = _account(username)
    return {
        "pair": f"login-fail:pair:{account}:{ip}",
        "account": f"login-fail:user:{account}",
        "account_last": f"login-last:user:{account}",
        "address": f"login-fail:ip:{ip}",
        "client": f"login-fail:client:{client.id}",
        "client_last": f"login-last:client:{client.id}",
        "device": f"login-fail:device:{account}:{client.id}",
    }


def _trusted(username: str, client: LoginClient) -> bool:
    return client.id is not None and _account(username) in client.trusted


def login_wait_seconds(*, username: str, ip: str, client: LoginClient) -> int:
    """Seconds this attempt must wait before its password is checked (0: check it now)."""
    keys = _keys(username=username, ip=ip, client=client)
    values = cache.get_many(list(keys.values()))
    got = {name: values.get(key) for name, key in keys.items()}
    attempt = Attempt(
        trusted=_trusted(username, client),
        device_failures=got["device"] or 0,
        pair_failures=got["pair"] or 0,
        account_failures=got["account"] or 0,
        account_last_failure=got["account_last"],
        address_failures=got["address"] or 0,
        has_client=client.id is not None,
        client_failures=(got["client"] or 0) if client.id else 0,
        client_last_failure=got["client_last"] if client.id else None,
    )
    return login_wait(attempt, limits=limits(), now=time.time())


def login_failed(*, username: str, ip: str, client: LoginClient) -> None:
    window = settings.LOGIN_WINDOW_SECONDS
    keys = _keys(username=username, ip=ip, client=client)
    if _trusted(username, client):
        hit(keys["device"], window)
        return
    now = time.time()
    hit(keys["pair"], window)
    hit(keys["account"], window)
    hit(keys["address"], window)
    last = {keys["account_last"]: now}
    if client.id:
        hit(keys["client"], window)
        last[keys["client_last"]] = now
    cache.set_many(last, window)


def login_succeeded(*, username: str, ip: str, client: LoginClient) -> None:
    """Forget this browser's and this address's failures on the account (not the account's own count)."""
    keys = _keys(username=username, ip=ip, client=client)
    cache.delete_many([keys["pair"], keys["device"], keys["client"], keys["client_last"]])


def client_from_cookie(value: str | None) -> LoginClient:
    """The browser's login cookie, or an anonymous client when it is missing, forged or expired."""
    if not value:
        return LoginClient()
    try:
        data = signing.loads(value, salt=CLIENT_COOKIE_SALT, max_age=CLIENT_COOKIE_MAX_AGE)
        client_id, trusted = data["c"], data["u"]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return LoginClient()
    if not isinstance(client_id, str) or not isinstance(trusted, list):
        return LoginClient()
    return LoginClient(id=client_id, trusted=tuple(str(t) for t in trusted[-TRUSTED_ACCOUNTS_PER_BROWSER:]))


def client_cookie_value(client: LoginClient, *, trust_username: str | None = None) -> str:
    """The cookie to send back: a fresh id if the browser had none, and the account trusted after a login."""
    trusted = list(client.trusted)
    if trust_username is not None:
        account = _account(trust_username)
        trusted = [t for t in trusted if t != account] + [account]
    data = {"c": client.id or secrets.token_urlsafe(16), "u": trusted[-TRUSTED_ACCOUNTS_PER_BROWSER:]}
    return signing.dumps(data, salt=CLIENT_COOKIE_SALT, compress=True)


def client_ip(request) -> str:
    """The client address; behind a trusted proxy, the last hop it appended."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"
