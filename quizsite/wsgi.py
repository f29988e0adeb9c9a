"""WSGI entry point: plain HTTP pages served by gunicorn at scale (docs/deployment.md).

WebSockets need the ASGI application (``quizsite.asgi``) under daphne; the two
serve the same Django project and share sessions, database and Redis.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings")
application = get_wsgi_application()
