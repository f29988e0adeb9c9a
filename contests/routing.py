from django.urls import re_path

from contests.consumers import HostConsumer, PlayerConsumer

websocket_urlpatterns = [
    re_path(r"^ws/contests/(?P<pin>[0-9]{6})/play/$", PlayerConsumer.as_asgi()),
    re_path(r"^ws/contests/(?P<pin>[0-9]{6})/host/$", HostConsumer.as_asgi()),
]
