"""WebSocket players for bench_live.py, and the bare `websockets` server it compares with.

Each runs in a process of its own, so several client processes share the load
(one asyncio loop of Python clients is too slow for 2,000 sockets on 2 cores)
and the bare server, like daphne, has a process to itself:

    python -m bench._live_clients play    # one job (JSON) on stdin, events (JSON lines) on stdout
    python -m bench._live_clients serve Q # bare broadcast server on a free port; prints {"event": "listening"}

A client process reads its job, joins its players and reports ``joined``. In
``play`` mode it then plays until the contest finishes; in ``storm`` mode it
reports ``ready`` once every player saw the first question, waits for a
``drop`` line on stdin, aborts every socket at once (no closing handshake),
resumes them all with their tokens and answers the open question. Its last
line is ``result``. No Django here: only the protocol of docs/protocol.md.
"""

import asyncio
import json
import random
import resource
import sys
import time
from collections import Counter

from websockets.asyncio.client import connect
from websockets.asyncio.server import broadcast, serve
from websockets.exceptions import InvalidHandshake, WebSocketException

CONNECT_ATTEMPTS = 8


class Refused(Exception):
    """The server answered a join or resume with an error frame."""


def emit(event: str, **fields) -> None:
    print(json.dumps({"event": event, **fields}), flush=True)


def now_ms() -> float:
    return time.time() * 1000


class Stats:
    """What one client process measured; wall-clock times so processes can be merged."""

    def __init__(self) -> None:
        self.fanout: dict[int, list[float]] = {}
        self.acks: list[list] = []  # player, index, sent ms, acked ms, late
        self.join_ms: list[float] = []
        self.resume_ms: list[float] = []
        self.errors: Counter = Counter()
        self.retries: Counter = Counter()  # why a handshake had to be tried again
        self.frame_bytes = 0

    def question(self, frame: dict, raw: str, received_ms: float) -> None:
        self.fanout.setdefault(frame["index"], []).append(received_ms - frame["server_time"])
        self.frame_bytes = len(raw.encode())

    def result(self, started: float) -> dict:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return {
            "fanout": self.fanout, "acks": self.acks, "join_ms": self.join_ms, "resume_ms": self.resume_ms,
            "errors": dict(self.errors), "retries": dict(self.retries), "frame_bytes": self.frame_bytes, "cpu_s": usage.ru_utime + usage.ru_stime,
            "wall_s": time.time() - started, "rss_mb": usage.ru_maxrss / 1024,
        }


class Player:
    def __init__(self, number: int, session: str, url: str, job: dict, stats: Stats) -> None:
        self.number, self.session, self.url = number, session, url
        self.origin, self.cookie = job["origin"], job["cookie"]
        self.stats = stats
        self.rng = random.Random(number)
        self.ws = None
        self.id = self.token = None

    async def open(self) -> None:
        for attempt in range(CONNECT_ATTEMPTS):
            try:
                self.ws = await connect(
                    self.url, origin=self.origin, additional_headers={"Cookie": f"{self.cookie}={self.session}"},
                    open_timeout=60, ping_interval=None, max_size=2**22,
                )
                return
            except (OSError, InvalidHandshake, TimeoutError) as error:
                self.stats.retries[type(error).__name__] += 1  # e.g. daphne's 5 s handshake timeout
                await asyncio.sleep(0.2 * (attempt + 1))
        raise Refused("connect")

    async def expect(self, kind: str) -> dict:
        while True:
            frame = json.loads(await self.ws.recv())
            if frame["type"] == kind:
                return frame
            if frame["type"] == "error":
                raise Refused(frame["code"])

    async def enter(self, message: dict) -> dict:
        """Open a socket, join or resume, and return the state snapshot."""
        await self.open()
        await self.ws.send(json.dumps(message))
        joined = await self.expect("joined")
        self.id, self.token = joined["player"], joined["token"]
        return await self.expect("state")

    async def join(self) -> bool:
        started = now_ms()
        try:
            await self.enter({"type": "join", "nickname": f"Bench {self.number:05d}"})
            self.stats.join_ms.append(now_ms() - started)
            return True
        except (Refused, WebSocketException) as error:
            self.stats.errors[f"join: {error}"] += 1
            return False

    async def answer(self, index: int, choices: list[dict]) -> float:
        await self.ws.send(json.dumps({"type": "answer", "index": index, "choices": [self.rng.choice(choices)["id"]]}))
        return now_ms()

    async def play(self, delays: list[list]) -> None:
        """Answer each question at a random moment until the contest finishes.

        ``delays[index]`` is ``[low, high, from_open]``: seconds after the question
        opened by the server's clock (``from_open``) or after this player received it.
        """
        sent = 0.0
        async for raw in self.ws:
            received = now_ms()
            frame = json.loads(raw)
            kind = frame["type"]
            if kind == "question":
                self.stats.question(frame, raw, received)
                low, high, from_open = delays[frame["index"]]
                start = frame["server_time"] if from_open else received
                await asyncio.sleep(max(0.0, (start + self.rng.uniform(low, high) * 1000 - now_ms()) / 1000))
                sent = await self.answer(frame["index"], frame["choices"])
            elif kind == "answer_ack":
                self.stats.acks.append([self.id, frame["index"], sent, received, frame["late"]])
            elif kind == "error":
                self.stats.errors[frame["code"]] += 1
            elif kind == "finished":
                return

    async def resume(self) -> None:
        """Reconnect with the token (connect → state timed), then answer the open question."""
        started = now_ms()
        try:
            state = await self.enter({"type": "resume", "token": self.token})
        except (Refused, WebSocketException) as error:
            self.stats.errors[f"resume: {error}"] += 1
            return
        self.stats.resume_ms.append(now_ms() - started)
        question = state.get("question")
        if state["phase"] != "question" or state.get("answered") or not question:
            self.stats.errors[f"resumed into {state['phase']}"] += 1
            return
        sent = await self.answer(question["index"], question["choices"])
        ack = await self.expect("answer_ack")
        self.stats.acks.append([self.id, ack["index"], sent, now_ms(), ack["late"]])


async def read_line() -> str:
    return (await asyncio.to_thread(sys.stdin.readline)).strip()


async def join_all(players: list[Player], concurrency: int) -> list[Player]:
    gate = asyncio.Semaphore(concurrency)

    async def join(player: Player) -> bool:
        async with gate:
            return await player.join()

    started = now_ms()
    ok = await asyncio.gather(*(join(p) for p in players))
    emit("joined", started=started, ended=now_ms(), count=sum(ok))
    return [p for p, joined in zip(players, ok, strict=True) if joined]


async def storm(players: list[Player]) -> None:
    await asyncio.gather(*(p.expect("question") for p in players))
    emit("ready")
    await read_line()  # "drop"
    for player in players:
        player.ws.transport.abort()
    await asyncio.gather(*(p.resume() for p in players))


async def run_job(job: dict) -> None:
    started = time.time()
    stats = Stats()
    players = [Player(n, session, url, job, stats) for n, session, url in job["players"]]
    players = await join_all(players, job["concurrency"])
    if job["mode"] == "storm":
        await storm(players)
    else:
        await asyncio.gather(*(p.play(job["delays"]) for p in players))
    await asyncio.gather(*(p.ws.close() for p in players if p.ws is not None), return_exceptions=True)
    emit("result", **stats.result(started))


# The bare server ------------------------------------------------------------------


class BareContest:
    """Just enough of the protocol for the same clients: join, answer, and host start/next/end.

    A question goes to every player with one `broadcast` of the same text; once
    every player answered, the host gets `reveal` and sends `next`.
    """

    def __init__(self, questions: int) -> None:
        self.questions = questions
        self.players: set = set()
        self.host = None
        self.index = -1
        self.seq = 0
        self.answered = 0
        self.count = 0

    async def handler(self, ws) -> None:
        if ws.request.path.endswith("/host/"):
            await self.serve_host(ws)
        else:
            await self.serve_player(ws)

    async def serve_host(self, ws) -> None:
        self.host = ws
        await ws.send(json.dumps({"type": "state", "seq": self.seq, "phase": "lobby"}))
        async for raw in ws:
            message = json.loads(raw)
            if message["type"] in ("start", "next"):
                self.advance()
            elif message["type"] == "end":
                self.finish()

    async def serve_player(self, ws) -> None:
        async for raw in ws:
            message = json.loads(raw)
            if message["type"] == "join":
                self.count += 1
                player = {"type": "joined", "player": self.count, "token": f"t{self.count}", "seed": "00000000"}
                await ws.send(json.dumps(player))
                await ws.send(json.dumps({"type": "state", "seq": self.seq, "phase": "lobby"}))
                self.players.add(ws)
            elif message["type"] == "answer":
                await ws.send(json.dumps({"type": "answer_ack", "index": message["index"], "late": False}))
                self.answered += 1
                if self.answered == len(self.players):
                    await self.host.send(json.dumps({"type": "reveal", "seq": self.seq, "index": self.index}))
        self.players.discard(ws)

    def advance(self) -> None:
        self.index += 1
        self.seq += 1
        self.answered = 0
        if self.index >= self.questions:
            self.finish()
            return
        frame = question_frame(self.index, self.questions, self.seq)
        broadcast(self.players, json.dumps(frame, ensure_ascii=False, separators=(",", ":")))

    def finish(self) -> None:
        broadcast(self.players | {self.host}, json.dumps({"type": "finished", "seq": self.seq, "reason": "ended"}))


def question_frame(index: int, count: int, seq: int) -> dict:
    """The shape and size of the contest's own `question` frame, stamped when it is sent."""
    now = int(now_ms())
    return {
        "type": "question", "seq": seq, "index": index, "count": count, "kind": "single",
        "text": f"Câu hỏi {index + 1}", "choices": [{"id": f"{index:04x}{k:04x}", "text": f"Đáp án {k}"} for k in range(4)],
        "time_limit_ms": 5000, "deadline": now + 5000, "server_time": now,
    }


async def serve_bare(questions: int) -> None:
    contest = BareContest(questions)
    async with serve(contest.handler, "127.0.0.1", 0, ping_interval=None, max_size=2**22) as server:
        port = server.sockets[0].getsockname()[1]
        emit("listening", port=port)
        await asyncio.get_running_loop().create_future()


def main() -> None:
    if sys.argv[1] == "serve":
        asyncio.run(serve_bare(int(sys.argv[2])))
    else:
        asyncio.run(run_job(json.loads(sys.stdin.readline())))


if __name__ == "__main__":
    main()
