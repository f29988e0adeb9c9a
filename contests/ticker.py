"""A small per-process clock for each contest that has sockets in this process.

While at least one socket of a contest is connected here, one task asks the
database whether the open question is due (or the contest idle) and closes it
through `services.contest_tick`; it also tells the process's relay the seq it
read, so frames lost on the way are noticed (`broadcast.catch_up`). Every
worker with clients does the same, the conditional update lets only one of
them win, so a question closes at its deadline even when the host's connection
or worker is gone.
"""

import asyncio
import logging

from channels.db import database_sync_to_async
from django.utils import timezone

from contests import broadcast, services
from contests.engine import Phase

logger = logging.getLogger(__name__)

IDLE_POLL_SECONDS = 1.0
DEADLINE_MARGIN_SECONDS = 0.02

_tickers: dict[tuple[int, int], "_Ticker"] = {}


class _Ticker:
    def __init__(self, contest_id: int) -> None:
        self.contest_id = contest_id
        self.users = 0
        self.task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        tick = database_sync_to_async(services.contest_tick)
        while True:
            try:
                contest = await tick(contest_id=self.contest_id, now=timezone.now())
            except Exception:  # a database hiccup must not stop the clock
                logger.exception("contest %s: tick failed", self.contest_id)
                await asyncio.sleep(IDLE_POLL_SECONDS)
                continue
            if contest is None:
                return
            caught_up = broadcast.catch_up(self.contest_id, contest.seq)
            if contest.phase == Phase.FINISHED and caught_up:
                return
            delay = IDLE_POLL_SECONDS
            if contest.phase == Phase.QUESTION:
                to_deadline = (contest.deadline - timezone.now()).total_seconds() + DEADLINE_MARGIN_SECONDS
                delay = min(IDLE_POLL_SECONDS, max(DEADLINE_MARGIN_SECONDS, to_deadline))
            await asyncio.sleep(delay)


def _key(contest_id: int) -> tuple[int, int]:
    return id(asyncio.get_running_loop()), contest_id


def attach(contest_id: int) -> None:
    """A socket of `contest_id` connected in this process."""
    ticker = _tickers.get(_key(contest_id))
    if ticker is None or ticker.task.done():
        users = ticker.users if ticker else 0
        ticker = _tickers[_key(contest_id)] = _Ticker(contest_id)
        ticker.users = users
    ticker.users += 1


def detach(contest_id: int) -> None:
    """A socket of `contest_id` left; the last one stops the clock."""
    key = _key(contest_id)
    ticker = _tickers.get(key)
    if ticker is None:
        return
    ticker.users -= 1
    if ticker.users <= 0:
        ticker.task.cancel()
        del _tickers[key]
