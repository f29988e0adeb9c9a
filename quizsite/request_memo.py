"""Values read once per request: the current school year, a student's current enrolment, trained status.

Several panels of one page ask the same questions (the student home has five,
each reading the school year and the enrolment). ``per_request`` computes a value
the first time in a request and returns the same object for the rest of it; the
memo lives in a context variable that ``RequestMemoMiddleware`` opens and
discards around each request, so nothing outlives the request and code outside a
request (commands, consumers, tests calling selectors) always reads afresh.
"""

from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")

_memo: ContextVar[dict | None] = ContextVar("request_memo", default=None)


def per_request(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()`` once per request for ``key``; outside a request, every time."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


class RequestMemoMiddleware:
    """Open an empty memo for each request and discard it afterwards."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)
