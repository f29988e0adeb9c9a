"""WebSocket routes of every app, gathered in one place."""

from django.urls import path

from contests.routing import websocket_urlpatterns as contest_routes
from quizsite.consumers import HealthConsumer

websocket_urlpatterns = [
    path("ws/health/", HealthConsumer.as_asgi()),
    *contest_routes,
]
