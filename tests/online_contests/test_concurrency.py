"""One attempt per student even when starts race (threads, each with its own database connection).

On PostgreSQL the unique constraint decides; on SQLite the IMMEDIATE transaction mode serialises writers.
"""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from online_contests import services
from online_contests.models import Attempt, AttemptAnswer, OnlineContest
from tests.online_contests.factories import make_contest, positions_for

THREADS = 8


def run_together(target, count=THREADS):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(target())
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_starts_create_exactly_one_attempt(world):
    contest = make_contest(world)
    student = world.students[0]

    def start():
        fresh = OnlineContest.objects.get(pk=contest.pk)
        return services.attempt_start(contest=fresh, student=student, now=timezone.now()).pk

    results, errors = run_together(start)
    assert errors == []
    assert Attempt.objects.filter(contest=contest, student=student).count() == 1
    assert set(results) == {Attempt.objects.get().pk}


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_of_one_question_keep_one_answer(world):
    contest = make_contest(world)
    attempt = services.attempt_start(contest=contest, student=world.students[0], now=timezone.now())
    question = attempt.question_ids[0]
    values = positions_for(attempt, question)

    def save():
        fresh = Attempt.objects.select_related("contest", "student").get(pk=attempt.pk)
        services.answer_save(attempt=fresh, question_id=question, values=values, now=timezone.now())

    _results, errors = run_together(save, 6)
    assert errors == []
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == 1
