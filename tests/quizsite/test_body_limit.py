"""Bodies over the limit are refused with a Vietnamese 413 before Django reads them."""

import pytest
from asgiref.testing import ApplicationCommunicator

from quizsite.asgi import application

LIMIT = 64 * 1024


def _scope(headers):
    return {
        "type": "http", "http_version": "1.1", "method": "POST", "path": "/accounts/login/",
        "raw_path": b"/accounts/login/", "root_path": "", "scheme": "http", "query_string": b"",
        "headers": [(b"host", b"localhost"), *headers], "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def _response(communicator) -> tuple[int, bytes]:
    start = await communicator.receive_output(timeout=5)
    assert start["type"] == "http.response.start"
    body = b""
    while True:
        message = await communicator.receive_output(timeout=5)
        body += message.get("body", b"")
        if not message.get("more_body"):
            return start["status"], body


@pytest.fixture
def small_limit(settings):
    settings.MAX_REQUEST_BODY_BYTES = LIMIT
    settings.ALLOWED_HOSTS = ["localhost"]


@pytest.mark.django_db(transaction=True)
async def test_a_declared_body_over_the_limit_is_refused_without_being_read(small_limit, monkeypatch):
    reached = []

    async def django_app(scope, receive, send):
        reached.append(scope["path"])

    monkeypatch.setattr(application.application_mapping["http"], "app", django_app)
    communicator = ApplicationCommunicator(application, _scope([(b"content-length", str(50 * 1024 * 1024).encode())]))
    # nothing of the body is sent: the answer must come without reading it
    status, body = await _response(communicator)
    assert status == 413 and "Dữ liệu gửi lên quá lớn" in body.decode()
    assert not reached
    await communicator.wait()


@pytest.mark.django_db(transaction=True)
async def test_a_streamed_body_is_cut_off_once_it_passes_the_limit(small_limit):
    communicator = ApplicationCommunicator(
        application, _scope([(b"content-type", b"multipart/form-data; boundary=xyz"), (b"transfer-encoding", b"chunked")])
    )
    chunk = b"a" * 16 * 1024
    for _ in range(5):  # 80 KB, over 64 KB
        await communicator.send_input({"type": "http.request", "body": chunk, "more_body": True})
    status, body = await _response(communicator)
    assert status == 413 and "quá lớn" in body.decode()
    await communicator.wait()


@pytest.mark.django_db(transaction=True)
async def test_a_body_under_the_limit_reaches_django(small_limit):
    form = b"username=ai&password=sai"
    communicator = ApplicationCommunicator(application, _scope([
        (b"content-type", b"application/x-www-form-urlencoded"), (b"content-length", str(len(form)).encode()),
    ]))
    await communicator.send_input({"type": "http.request", "body": form, "more_body": False})
    status, _ = await _response(communicator)
    assert status == 403  # Django answered: the CSRF check, not the size limit
    await communicator.send_input({"type": "http.disconnect"})
    await communicator.wait()


@pytest.mark.django_db(transaction=True)
async def test_a_malformed_content_length_is_a_400(small_limit):
    communicator = ApplicationCommunicator(application, _scope([(b"content-length", b"lots")]))
    status, _ = await _response(communicator)
    assert status == 400
    await communicator.wait()
