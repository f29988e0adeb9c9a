"""The product's URLs plus ``/bench/bare/``: the cheapest page the full middleware stack can serve."""

from django.http import HttpResponse
from django.urls import path

from quizsite.urls import urlpatterns as product_urlpatterns


def bare(request):
    """Read ``request.user`` (the session and user lookups every page pays) and answer a few bytes."""
    return HttpResponse(str(request.user.pk), content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *product_urlpatterns]
