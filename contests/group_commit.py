"""Group commit of live-contest answers: one transaction for the answers that arrive together.

When a school's players answer within the same fraction of a second, one
transaction per answer queues them all behind the process's database thread.
Here the answers of one contest that arrive while a batch is being written
wait together and go in the next batch (`services.answers_submit`), so a burst
costs a handful of commits. Each caller still gets its own receipt or refusal,
and only after the commit that stored its answer; then the host hears the
count and a question everyone answered closes (`services.question_settle`).
"""

import asyncio
import logging
import weakref

from channels.db import database_sync_to_async
from django.utils import timezone

from contests import services
from contests.services import AnswerReceipt, Submission

logger = logging.getLogger(__name__)

BATCH_MAX = 500
"""Answers per transaction: enough for a burst, small enough to keep each commit short."""

_batchers: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, _Batcher]]" = weakref.WeakKeyDictionary()


class _Batcher:
    """The answers to one contest waiting in this process, and the task writing them."""

    def __init__(self, contest_id: int) -> None:
        self.contest_id = contest_id
        self.waiting: list[tuple[Submission, asyncio.Future]] = []
        self.unsettled: set[int] = set()
        self.task: asyncio.Task | None = None

    def add(self, submission: Submission) -> asyncio.Future:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self.waiting.append((submission, future))
        if self.task is None:
            self.task = loop.create_task(self._write())
        return future

    async def _write(self) -> None:
        try:
            while self.waiting:
                batch, self.waiting = self.waiting[:BATCH_MAX], self.waiting[BATCH_MAX:]
                await self._write_batch(batch)
                await asyncio.sleep(0)  # let the acknowledgements go out before a close's reveal
                if not self.waiting:  # while more answers wait, their batch settles for this one too
                    await self._settle()
        finally:
            self.task = None

    async def _write_batch(self, batch: list[tuple[Submission, asyncio.Future]]) -> None:
        submit = database_sync_to_async(services.answers_submit)
        try:
            outcomes = await submit(contest_id=self.contest_id, submissions=[s for s, _future in batch])
        except Exception as error:  # the database failed: every caller of the batch hears it
            outcomes = [error] * len(batch)
        for (_submission, future), outcome in zip(batch, outcomes, strict=True):
            if future.done():  # the caller's socket closed meanwhile
                continue
            if isinstance(outcome, Exception):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)
        self.unsettled |= {o.index for o in outcomes if isinstance(o, AnswerReceipt)}

    async def _settle(self) -> None:
        """Count after the commits, under the contest's lock, so answers other workers stored count too."""
        settle = database_sync_to_async(services.question_settle)
        while self.unsettled:
            index = self.unsettled.pop()
            try:
                await settle(contest_id=self.contest_id, question_index=index, now=timezone.now())
            except Exception:  # the ticker closes the question at its deadline anyway
                logger.exception("contest %s: settling question %s failed", self.contest_id, index)


async def submit(contest_id: int, submission: Submission) -> AnswerReceipt:
    """Store one answer with the others arriving now; raises EngineError when it is refused."""
    batchers = _batchers.setdefault(asyncio.get_running_loop(), {})
    batcher = batchers.get(contest_id)
    if batcher is None:
        batcher = batchers[contest_id] = _Batcher(contest_id)
    return await batcher.add(submission)
