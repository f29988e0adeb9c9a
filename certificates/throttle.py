"""Rate limit on public verification lookups, per client IP, in the shared cache.

Codes carry 130 random bits, so guessing is hopeless anyway; the limit keeps
scripts from hammering the lookup and answers them with a friendly 429 page.
A fixed window is enough here. Limits are read at call time, so tests and
deployments can change them: CERTIFICATE_VERIFY_LIMIT lookups per
CERTIFICATE_VERIFY_WINDOW seconds (defaults 60 per 10 minutes: a whole class
behind one school address can still check its certificates).
"""

import time

from django.conf import settings

from quizsite.ratelimit import hit

DEFAULT_LIMIT = 60
DEFAULT_WINDOW = 600


def _limits() -> tuple[int, int]:
    return (
        getattr(settings, "CERTIFICATE_VERIFY_LIMIT", DEFAULT_LIMIT),
        getattr(settings, "CERTIFICATE_VERIFY_WINDOW", DEFAULT_WINDOW),
    )


def verify_lookup_allowed(ip: str) -> tuple[bool, int]:
    """Count one lookup from ``ip``; return (allowed, seconds until the window resets)."""
    limit, window = _limits()
    now = int(time.time())
    lookups = hit(f"cert-verify:{ip}:{now // window}", window)
    return lookups <= limit, window - now % window
