"""The site's 429 page; Django has no handler for it, so throttled views call this."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def too_many_requests(
    request: HttpRequest, *, message: str = "", note: str = "", retry_after: int | None = None, back: str = "",
) -> HttpResponse:
    """Render templates/429.html, with Retry-After when the wait is known (seconds)."""
    context = {"message": message, "note": note, "back": back,
               "minutes": -(-retry_after // 60) if retry_after else None}
    response = render(request, "429.html", context, status=429)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response
