"""What keeps a school-sized contest fast: one relay per process, answers written in batches."""

import asyncio
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.utils import timezone

from contests import broadcast, events, services
from contests.engine import EngineError, Event
from contests.models import Answer, Player
from tests.contests.helpers import (
    correct_choices,
    join_player,
    make_contest,
    open_host,
    receive_until,
    wrong_choices,
)


def join(contest, nickname):
    return services.player_join(
        contest_id=contest.pk, nickname=nickname, user=None, session_key=f"s-{nickname}", now=timezone.now()
    )


def submission(player, contest, choices, *, index=0, at=None):
    return services.Submission(
        player_id=player.pk, question_index=index, choice_ids=choices, received_at=at or timezone.now()
    )


def outcome_codes(outcomes) -> list[str]:
    return [o.code if isinstance(o, EngineError) else ("late" if o.late else "ack") for o in outcomes]


@pytest.mark.django_db
def test_a_batch_gets_one_outcome_per_answer_in_order(world):
    contest = make_contest(world)
    other = make_contest(world)
    ann, binh, chau, kicked, _silent = (join(contest, name) for name in ("An", "Bình", "Châu", "Đức", "Em"))
    stranger = join(other, "Lạ")
    services.player_kick(contest_id=contest.pk, player_id=kicked.pk)
    contest = services.contest_transition(contest_id=contest.pk, event=Event.START, now=timezone.now())
    right, wrong = correct_choices(contest, 0), wrong_choices(contest, 0)
    late = contest.deadline + timedelta(milliseconds=1)

    outcomes = services.answers_submit(
        contest_id=contest.pk,
        submissions=[
            submission(ann, contest, right),
            submission(ann, contest, wrong),  # a second answer in the same batch
            submission(binh, contest, ["không-có"]),
            submission(kicked, contest, right),
            submission(stranger, contest, right),  # a player of another contest
            submission(binh, contest, right, index=1),  # not the open question
            submission(binh, contest, wrong),
            submission(chau, contest, right, at=late),
        ],
    )

    assert outcome_codes(outcomes) == [
        "ack", "already_answered", "unknown_choice", "kicked", "kicked", "question_not_open", "ack", "late",
    ]
    stored = {a.player_id: a for a in Answer.objects.all()}
    assert set(stored) == {ann.pk, binh.pk, chau.pk}
    assert stored[ann.pk].correct and stored[ann.pk].points > 0
    assert not stored[binh.pk].correct and stored[binh.pk].points == 0
    assert stored[chau.pk].late and stored[chau.pk].points == 0
    assert set(Player.objects.values_list("score", flat=True)) == {0}  # points count from the reveal on
    # Three of the four players still in answered: the question stays open.
    assert not services.question_settle(contest_id=contest.pk, question_index=0, now=timezone.now())
    services.contest_transition(contest_id=contest.pk, event=Event.CLOSE, now=timezone.now())
    scores = dict(Player.objects.values_list("pk", "score"))
    assert scores[ann.pk] == stored[ann.pk].points and scores[binh.pk] == scores[chau.pk] == 0


@pytest.mark.django_db
def test_an_answer_already_stored_by_another_worker_is_refused_and_the_rest_kept(world):
    contest = make_contest(world)
    ann, binh = join(contest, "An"), join(contest, "Bình")
    contest = services.contest_transition(contest_id=contest.pk, event=Event.START, now=timezone.now())
    first = submission(ann, contest, correct_choices(contest, 0))
    services.answers_submit(contest_id=contest.pk, submissions=[first])
    state = services.contest_state(contest)
    rows = [services._judge(contest, state, player, submission(player, contest, correct_choices(contest, 0)),
                            already_answered=False) for player in (ann, binh)]

    outcomes = services._insert_answers(rows)

    assert [getattr(o, "code", "stored") for o in outcomes] == ["already_answered", "stored"]
    assert Answer.objects.filter(player=ann).count() == 1 and Answer.objects.filter(player=binh).count() == 1


@pytest.mark.django_db
def test_settling_after_the_last_answers_closes_the_question(world):
    contest = make_contest(world)
    players = [join(contest, name) for name in ("An", "Bình")]
    contest = services.contest_transition(contest_id=contest.pk, event=Event.START, now=timezone.now())
    services.answers_submit(
        contest_id=contest.pk, submissions=[submission(p, contest, correct_choices(contest, 0)) for p in players]
    )
    assert services.question_settle(contest_id=contest.pk, question_index=0, now=timezone.now())
    contest.refresh_from_db()
    assert contest.phase == "reveal"
    assert not services.question_settle(contest_id=contest.pk, question_index=0, now=timezone.now())


def relay_subscribers(contest_id: int) -> int:
    """How many channels the channel layer holds in the contest's group (one per process with sockets)."""
    layer = get_channel_layer()
    group = events.contest_group(contest_id)
    if isinstance(layer, InMemoryChannelLayer):
        return len(layer.groups.get(group, {}))
    inner = layer._get_layer()  # RedisPubSubChannelLayer keeps one layer per event loop
    return len(inner.groups.get(inner._get_group_channel_name(group), ()))


@pytest.mark.django_db(transaction=True)
async def test_one_subscription_per_process_however_many_sockets(world):
    contest = await database_sync_to_async(make_contest)(world)
    host = await open_host(contest, world.teacher)
    players = [(await join_player(contest.pin, f"Người chơi {n:02d}"))[0] for n in range(20)]
    assert relay_subscribers(contest.pk) == 1

    await host.send_json_to({"type": "start"})
    for socket in players:
        question, _ = await receive_until(socket, "question")
        assert question["index"] == 0

    for socket in players:
        await socket.disconnect()
    await host.disconnect()
    await asyncio.sleep(0.05)  # the relay leaves its group as it stops
    assert relay_subscribers(contest.pk) == 0


@pytest.mark.django_db(transaction=True)
async def test_a_burst_of_answers_is_written_in_a_few_transactions(world, monkeypatch):
    contest = await database_sync_to_async(make_contest)(world)
    host = await open_host(contest, world.teacher)
    players = [(await join_player(contest.pin, f"Người chơi {n:02d}"))[0] for n in range(60)]
    batches = []
    write = services.answers_submit

    def counted(*, contest_id, submissions):
        batches.append(len(submissions))
        return write(contest_id=contest_id, submissions=submissions)

    monkeypatch.setattr(services, "answers_submit", counted)
    await host.send_json_to({"type": "start"})
    for socket in players:
        await receive_until(socket, "question")
    contest = await database_sync_to_async(type(contest).objects.get)(pk=contest.pk)
    choices = correct_choices(contest, 0)

    async def answer(socket):
        await socket.send_json_to({"type": "answer", "index": 0, "choices": choices})
        ack, _ = await receive_until(socket, "answer_ack", timeout=10)
        return ack

    acks = await asyncio.gather(*(answer(socket) for socket in players))

    assert [ack["index"] for ack in acks] == [0] * 60
    assert await database_sync_to_async(Answer.objects.filter(question_index=0).count)() == 60
    assert sum(batches) == 60 and len(batches) < 60
    reveal, _ = await receive_until(host, "reveal", timeout=10)  # the last batch closed the question
    assert reveal["answered"] == 60
    for socket in players:
        await socket.disconnect()
    await host.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_worker_pushes_snapshots_when_frames_were_lost(world, monkeypatch):
    """The channel layer lost a state change (as in a Redis restart): the worker's sockets get the state anyway."""
    contest = await database_sync_to_async(make_contest)(world)
    host = await open_host(contest, world.teacher)
    player, _, _ = await join_player(contest.pin, "Cá Heo")
    monkeypatch.setattr(broadcast, "publish", lambda *args, **kwargs: None)
    await database_sync_to_async(services.contest_transition)(
        contest_id=contest.pk, event=Event.START, now=timezone.now()
    )
    monkeypatch.undo()

    for socket in (player, host):
        state, skipped = await receive_until(socket, "state", timeout=5)
        assert (state["phase"], state["seq"]) == ("question", 1)
        assert "question" not in {frame["type"] for frame in skipped}  # the frame itself never came
    await player.disconnect()
    await host.disconnect()
