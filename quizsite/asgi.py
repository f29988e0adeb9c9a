"""ASGI entry point: HTTP through Django, WebSockets through Channels, in one daphne process.

At scale (docs/deployment.md) daphne serves only the WebSockets, and gunicorn
serves the pages through ``quizsite.wsgi``. Bodies over MAX_REQUEST_BODY_BYTES
are refused before Django reads them (``quizsite.body_limit``).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from quizsite.body_limit import RequestBodyLimit  # noqa: E402
from quizsite.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": RequestBodyLimit(django_asgi_app),
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
