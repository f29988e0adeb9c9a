"""Values read once per request: computed once inside a request, afresh outside one and in the next request."""

from datetime import date

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from quizsite.request_memo import RequestMemoMiddleware, per_request
from schools.models import SchoolYear


def _counter():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    return calls, compute


def test_outside_a_request_every_call_computes():
    calls, compute = _counter()
    assert [per_request("k", compute) for _ in range(3)] == [1, 2, 3]
    assert len(calls) == 3


def test_inside_a_request_the_first_value_is_reused_and_dropped_afterwards():
    calls, compute = _counter()
    seen = []

    def view(request):
        seen.append((per_request("k", compute), per_request("k", compute), per_request("other", compute)))
        return HttpResponse()

    middleware = RequestMemoMiddleware(view)
    middleware(RequestFactory().get("/"))
    middleware(RequestFactory().get("/"))
    assert seen == [(1, 1, 2), (3, 3, 4)]
    assert per_request("k", compute) == 5  # nothing outlives the request


@pytest.mark.django_db
def test_current_school_year_change_is_seen_by_the_next_request():
    first = SchoolYear.objects.create(name="2025-2026", starts_on=date(2025, 9, 5), first_term_ends_on=date(2026, 1, 15),
                                      ends_on=date(2026, 5, 31), is_current=True)
    second = SchoolYear.objects.create(name="2026-2027", starts_on=date(2026, 9, 5),
                                       first_term_ends_on=date(2027, 1, 15), ends_on=date(2027, 5, 31))
    names = []

    def view(request):
        names.append(SchoolYear.current().name)
        names.append(SchoolYear.current().name)
        return HttpResponse()

    middleware = RequestMemoMiddleware(view)
    middleware(RequestFactory().get("/"))
    SchoolYear.objects.filter(pk=first.pk).update(is_current=False)
    SchoolYear.objects.filter(pk=second.pk).update(is_current=True)
    middleware(RequestFactory().get("/"))
    assert names == ["2025-2026", "2025-2026", "2026-2027", "2026-2027"]
