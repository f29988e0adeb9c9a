"""Counters in the shared cache (Redis in production) for rate limits.

One primitive for every limit in the project: login failures, certificate
verification lookups, contest PIN guessing and joins.
"""

from django.core.cache import cache


def hit(key: str, window_seconds: int) -> int:
    """Count one event under ``key`` (expiring after ``window_seconds``) and return the new count."""
    if cache.add(key, 1, window_seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, window_seconds)
        return 1


def count(key: str) -> int:
    """The current count under ``key`` without adding to it."""
    return cache.get(key, 0)
