"""Project-level WebSocket consumers."""

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils.translation import gettext_lazy as _

from quizsite.ws_messages import BadMessage, parse_message

ERRORS = {
    "too_large": _("Thông điệp quá lớn (tối đa 4 KB)."),
    "bad_json": _("Thông điệp không phải JSON hợp lệ."),
    "bad_message": _("Thông điệp phải là một đối tượng JSON có trường type."),
    "unknown_type": _("Chỉ nhận thông điệp ping."),
}


class HealthConsumer(AsyncJsonWebsocketConsumer):
    """Answers a ping, so a deployment check can prove the proxy passes upgrades."""

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        try:
            content = parse_message(text_data, bytes_data)
        except BadMessage as error:
            await self.send_error(error.code)
            return
        if content["type"] == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.send_error("unknown_type")

    async def send_error(self, code: str) -> None:
        await self.send_json({"type": "error", "code": code, "message": str(ERRORS[code])})
