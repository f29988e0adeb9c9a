"""WebSocket routes of every app, gathered in one place."""

from django.urls import path

from quizsite.consumers import HealthConsumer

websocket_urlpatterns = [
    path("ws/health/", HealthConsumer.as_asgi()),
]
