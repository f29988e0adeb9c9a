"""Builders and socket helpers for the live-contest tests."""

import json
from datetime import timedelta
from importlib import import_module

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.utils import timezone

from contests import services
from contests.models import Contest
from lessons.models import Choice, Question, Quiz
from quizsite.asgi import application

ORIGIN = (b"origin", b"http://localhost")

QUESTIONS = [
    ("single", "Cổng Dịch vụ công quốc gia có địa chỉ nào?", [("dichvucong.gov.vn", True), ("dichvucong.com", False),
                                                                ("dvc.vn", False), ("gov.com.vn", False)]),
    ("multiple", "Những giấy tờ nào có thể nộp trực tuyến?", [("Đăng ký thường trú", True),
                                                               ("Cấp lại giấy khai sinh", True),
                                                               ("Mua vé xem phim", False)]),
    ("truefalse", "Tài khoản định danh điện tử mức 2 đăng nhập được Cổng DVC quốc gia.", [("Đúng", True),
                                                                                            ("Sai", False)]),
    ("ordering", "Sắp xếp các bước nộp hồ sơ trực tuyến.", [("Đăng nhập", False), ("Chọn thủ tục", False),
                                                            ("Điền tờ khai", False), ("Nộp hồ sơ", False)]),
    ("matching", "Ghép cơ quan với thủ tục.", [("Công an", False), ("UBND xã", False)]),
]


def make_quiz(owner=None, school=None, *, kinds=("single", "multiple", "truefalse", "ordering", "matching")) -> Quiz:
    quiz = Quiz.objects.create(title="Ôn tập dịch vụ công", owner=owner, school=school)
    for order, (kind, text, choices) in enumerate(QUESTIONS):
        if kind not in kinds:
            continue
        question = Question.objects.create(quiz=quiz, kind=kind, text=text, order=order, explanation="Vì vậy.")
        for position, (choice_text, correct) in enumerate(choices):
            Choice.objects.create(
                question=question, key=f"c{position}", text=choice_text, is_correct=correct, position=position
            )
    return quiz


def make_contest(world, **options) -> Contest:
    quiz = options.pop("quiz", None) or make_quiz(world.teacher, world.school)
    defaults = {
        "owner": world.teacher, "school": world.school, "quiz": quiz, "title": "Rung chuông vàng",
        "access": Contest.Access.OPEN, "time_limit_s": 20,
    }
    return services.contest_create(**(defaults | options))


def session_cookie(user=None) -> tuple[bytes, bytes]:
    """A saved session (logged in as `user` if given), as a Cookie header."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    if user is not None:
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store["contest"] = True
    store.save()
    return (b"cookie", f"{settings.SESSION_COOKIE_NAME}={store.session_key}".encode())


def correct_choices(contest: Contest, index: int) -> list[str]:
    return list(contest.questions[index]["correct"])


def wrong_choices(contest: Contest, index: int) -> list[str]:
    question = contest.questions[index]
    if question["kind"] == "ordering":
        return list(reversed(question["correct"]))
    return [next(c["id"] for c in question["choices"] if c["id"] not in question["correct"])]


async def open_socket(pin: str, role: str = "play", headers=None) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(
        application, f"/ws/contests/{pin}/{role}/", headers=[ORIGIN, *(headers or [])]
    )
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def receive_until(communicator, frame_type: str, timeout: float = 3) -> tuple[dict, list[dict]]:
    """Read frames until one of `frame_type`; return it and every frame read on the way."""
    seen = []
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        seen.append(frame)
        if frame["type"] == frame_type:
            return frame, seen


async def drain(communicator, wait: float = 0.05) -> list[dict]:
    frames = []
    while not await communicator.receive_nothing(timeout=wait):
        frames.append(await communicator.receive_json_from())
    return frames


async def join_player(pin: str, nickname: str, user=None) -> tuple[WebsocketCommunicator, dict, dict]:
    """Open a player socket with its own session, join; return the socket, `joined` and `state`."""
    cookie = await database_sync_to_async(session_cookie)(user)
    communicator = await open_socket(pin, headers=[cookie])
    await communicator.send_json_to({"type": "join", "nickname": nickname})
    joined = await communicator.receive_json_from(timeout=3)
    assert joined["type"] == "joined", joined
    state = await communicator.receive_json_from(timeout=3)
    assert state["type"] == "state"
    return communicator, joined, state


async def open_host(contest: Contest, user) -> WebsocketCommunicator:
    cookie = await database_sync_to_async(session_cookie)(user)
    host = await open_socket(contest.pin, "host", headers=[cookie])
    state = await host.receive_json_from(timeout=3)
    assert state["type"] == "state"
    return host


async def send_error_expected(communicator, message, code: str) -> dict:
    if isinstance(message, str | bytes):
        await communicator.send_to(text_data=message if isinstance(message, str) else None,
                                   bytes_data=message if isinstance(message, bytes) else None)
    else:
        await communicator.send_to(text_data=json.dumps(message))
    frame, _ = await receive_until(communicator, "error")  # broadcasts may come first
    assert frame["code"] == code, frame
    return frame


async def reload_contest(contest_id: int) -> Contest:
    return await database_sync_to_async(Contest.objects.get)(pk=contest_id)


async def expire_now(contest_id: int) -> None:
    """Move the open question's deadline into the past (instead of waiting for it)."""

    def move():
        past = timezone.now() - timedelta(milliseconds=10)
        contest = Contest.objects.get(pk=contest_id)
        Contest.objects.filter(pk=contest_id).update(
            deadline=past, question_started_at=past - timedelta(milliseconds=contest.time_limit_ms)
        )

    await database_sync_to_async(move)()


def finished_contest(world, **options) -> Contest:
    """A contest of the teacher's class that the three students played to the end."""
    from contests.engine import Event

    contest = make_contest(world, access=Contest.Access.CLASSES, classrooms=[world.classroom], **options)
    now = timezone.now()
    players = [
        services.player_join(contest_id=contest.pk, nickname=f"Biệt danh {n}", user=student,
                             session_key=f"session-{student.pk}", now=now)
        for n, student in enumerate(world.students)
    ]
    contest = services.contest_transition(contest_id=contest.pk, event=Event.START, now=now)
    for step, player in enumerate(players):
        choices = correct_choices(contest, 0) if step < 2 else wrong_choices(contest, 0)
        services.answer_submit(player_id=player.pk, question_index=0, choice_ids=choices,
                               now=now + timedelta(seconds=step + 1))
    services.contest_transition(contest_id=contest.pk, event=Event.END, now=now + timedelta(seconds=5))
    contest.refresh_from_db()
    return contest
