"""Refuse request bodies over the limit before Django reads them (413, a Vietnamese page).

Django's DATA_UPLOAD_MAX_MEMORY_SIZE and FILE_UPLOAD_MAX_MEMORY_SIZE are
checked only while Django parses a body it has already received: under ASGI
its handler first copies the whole body out of the server's queue, so a 50 MB
POST to the login page costs hundreds of MB before any check runs. This
wrapper sits between the server and Django: a declared Content-Length over
the limit is answered at once without reading the body, and a body without
one (chunked) is counted as it streams in and cut off as soon as it passes
the limit. The reverse proxy should refuse such bodies even earlier
(docs/deployment.md): daphne itself still receives a body before handing it on.
"""

from django.conf import settings

PAGE = (
    "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    "<title>Dữ liệu gửi lên quá lớn</title></head><body style=\"font-family:sans-serif;max-width:40rem;"
    "margin:2rem auto;padding:0 1rem;line-height:1.5\"><h1>Dữ liệu gửi lên quá lớn</h1>"
    "<p>Yêu cầu gửi lên vượt quá {limit} MB nên đã bị từ chối. Nếu em đang tải tệp lên, hãy chọn tệp nhỏ hơn "
    "(danh sách học sinh tối đa 5 MB, ngân hàng câu hỏi tối đa 2 MB) rồi thử lại.</p>"
    "<p><a href=\"/\">Về trang chủ</a></p></body></html>"
)


class BodyTooLarge(Exception):
    """The streamed body passed the limit."""


def _declared_length(scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return -1
    return None


async def _refuse(send, status: int, limit: int) -> None:
    body = PAGE.format(limit=f"{limit / 1024 / 1024:g}").encode()
    if status == 400:
        body = "<!doctype html><meta charset=\"utf-8\"><p>Yêu cầu không hợp lệ.</p>".encode()
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"text/html; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
            (b"cache-control", b"no-store"),
        ],
    })
    await send({"type": "http.response.body", "body": body})


class RequestBodyLimit:
    """ASGI wrapper: HTTP requests whose body is over MAX_REQUEST_BODY_BYTES never reach the application."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = settings.MAX_REQUEST_BODY_BYTES
        declared = _declared_length(scope)
        if declared is not None and (declared < 0 or declared > limit):
            return await _refuse(send, 400 if declared < 0 else 413, limit)
        received = 0
        started = False

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        async def tracked_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracked_send)
        except BodyTooLarge:
            if not started:
                await _refuse(send, 413, limit)
