"""The site's own address in links people carry away: join QR codes, login slips, certificate QR codes."""

from django.conf import settings
from django.http import HttpRequest


def public_base_url(request: HttpRequest | None = None) -> str:
    """PUBLIC_BASE_URL when set (a deployment); else the address the request came to (`PORT=8401 make run`
    links to :8401); without a request, the local address on PORT."""
    if settings.PUBLIC_BASE_URL:
        return settings.PUBLIC_BASE_URL
    if request is not None:
        return f"{request.scheme}://{request.get_host()}"
    return settings.LOCAL_BASE_URL
