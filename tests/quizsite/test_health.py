"""The /ws/health/ endpoint answers a ping; origins are checked."""

import pytest
from channels.testing import WebsocketCommunicator

from quizsite.asgi import application

ORIGIN = [(b"origin", b"http://localhost")]


async def test_health_answers_ping():
    communicator = WebsocketCommunicator(application, "/ws/health/", headers=ORIGIN)
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.send_to(text_data="not json")
    reply = await communicator.receive_json_from()
    assert reply["type"] == "error"
    await communicator.disconnect()


@pytest.mark.parametrize("headers", [[(b"origin", b"http://evil.example")], []])
async def test_foreign_or_missing_origin_is_refused(headers):
    communicator = WebsocketCommunicator(application, "/ws/health/", headers=headers)
    connected, _ = await communicator.connect()
    assert not connected
    await communicator.disconnect()
