"""Contest services: creation, answers, closing, and totals that always match the answers."""

import random
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from contests import services
from contests.engine import EngineError, Event, Phase
from contests.models import Answer, Contest, Player
from contests.selectors import contest_ranking, contest_recomputed_totals, team_ranking
from lessons.models import Choice
from tests.contests.helpers import correct_choices, make_contest, make_quiz, wrong_choices

pytestmark = pytest.mark.django_db


def join(contest, nickname, now=None):
    return services.player_join(
        contest_id=contest.pk, nickname=nickname, user=None, session_key=f"s-{nickname}", now=now or timezone.now()
    )


def test_a_contest_uses_only_live_questions_with_opaque_choice_ids(world):
    contest = make_contest(world)
    assert [q["kind"] for q in contest.questions] == ["single", "multiple", "truefalse", "ordering"]
    pks = {str(pk) for pk in Choice.objects.values_list("pk", flat=True)}
    for question in contest.questions:
        ids = [c["id"] for c in question["choices"]]
        assert not set(ids) & pks and len(set(ids)) == len(ids)
    ordering = contest.questions[3]
    assert [c["id"] for c in ordering["choices"]] != ordering["correct"]
    assert len(contest.pin) == 6 and contest.phase == Phase.LOBBY


def test_a_quiz_without_live_questions_is_refused(world):
    quiz = make_quiz(world.teacher, kinds=("matching",))
    with pytest.raises(ValidationError):
        make_contest(world, quiz=quiz)
    assert not Contest.objects.exists()


@pytest.mark.parametrize("seconds", [4, 121])
def test_time_per_question_stays_between_5_and_120_seconds(world, seconds):
    with pytest.raises(ValidationError):
        make_contest(world, time_limit_s=seconds)


def test_a_late_answer_is_recorded_late_and_scores_zero(world):
    contest = make_contest(world)
    player = join(contest, "Cá Heo")
    start = timezone.now()
    services.contest_transition(contest_id=contest.pk, event=Event.START, now=start)
    contest.refresh_from_db()
    receipt = services.answer_submit(
        player_id=player.pk, question_index=0, choice_ids=correct_choices(contest, 0),
        now=contest.deadline + timedelta(milliseconds=1),
    )
    assert receipt.late
    answer = Answer.objects.get()
    assert answer.late and answer.points == 0
    assert Player.objects.get().score == 0


def test_an_answer_at_the_deadline_scores_500(world):
    contest = make_contest(world)
    player = join(contest, "Cá Heo")
    services.contest_transition(contest_id=contest.pk, event=Event.START, now=timezone.now())
    contest.refresh_from_db()
    services.answer_submit(
        player_id=player.pk, question_index=0, choice_ids=correct_choices(contest, 0), now=contest.deadline
    )
    assert Answer.objects.get().points == 500


def test_a_due_question_is_closed_once_however_many_workers_tick(world):
    contest = make_contest(world)
    join(contest, "Cá Heo")
    services.contest_transition(contest_id=contest.pk, event=Event.START, now=timezone.now())
    contest.refresh_from_db()
    early = services.contest_tick(contest_id=contest.pk, now=contest.deadline)
    assert early.phase == Phase.QUESTION
    after = contest.deadline + timedelta(milliseconds=5)
    ticks = [services.contest_tick(contest_id=contest.pk, now=after) for _ in range(3)]
    assert all(t.phase == Phase.REVEAL for t in ticks)
    contest.refresh_from_db()
    assert contest.seq == 2


def test_host_actions_refused_by_the_rules_change_nothing(world):
    contest = make_contest(world)
    with pytest.raises(EngineError) as error:
        services.contest_transition(contest_id=contest.pk, event=Event.NEXT, now=timezone.now())
    assert error.value.code == "not_started"
    contest.refresh_from_db()
    assert contest.phase == Phase.LOBBY and contest.seq == 0


def test_an_idle_contest_is_closed_by_the_clock(world):
    contest = make_contest(world)
    later = contest.changed_at + timedelta(hours=1)
    assert services.contest_tick(contest_id=contest.pk, now=later).phase == Phase.FINISHED
    contest.refresh_from_db()
    assert contest.finish_reason == "idle"


def test_team_mode_spreads_players_and_scores_teams_by_mean(world):
    contest = make_contest(world, play_mode=Contest.PlayMode.TEAMS, team_count=2)
    players = [join(contest, name) for name in ("Cá Heo", "Mèo Mun", "Gấu Trúc", "Sóc Nâu")]
    assert sorted(p.team.number for p in players) == [1, 1, 2, 2]


def test_teams_with_equal_scores_share_a_rank_listed_by_team_number(world):
    contest = make_contest(world, play_mode=Contest.PlayMode.TEAMS, team_count=3)
    players = [join(contest, name) for name in ("Cá Heo", "Mèo Mun", "Gấu Trúc")]
    Player.objects.filter(pk=players[0].pk).update(score=500)
    standings = team_ranking(contest.pk)
    numbers = {team.pk: team.number for team in contest.teams.all()}
    assert [(t.rank, t.tied) for t in standings] == [(1, False), (2, True), (2, True)]
    assert [numbers[t.team_id] for t in standings[1:]] == sorted(numbers[t.team_id] for t in standings[1:])


def test_players_at_zero_points_share_the_rank_after_the_leader(world):
    contest = make_contest(world)
    players = [join(contest, name) for name in ("Cá Heo", "Mèo Mun", "Gấu Trúc")]
    Player.objects.filter(pk=players[0].pk).update(score=900)
    assert [(row.rank, row.tied) for row in contest_ranking(contest.pk)] == [(1, False), (2, True), (2, True)]


@pytest.mark.parametrize("seed", range(4))
def test_after_every_question_of_a_random_game_the_leaderboard_equals_a_recomputation(world, seed):
    """Random players, answers and timings: running totals equal totals recomputed from the answers."""
    rng = random.Random(seed)
    contest = make_contest(world, show_leaderboard=bool(seed % 2), shuffle_questions=True)
    now = timezone.now()
    players = [join(contest, f"Người {n}", now) for n in range(rng.randint(2, 9))]
    contest = services.contest_transition(contest_id=contest.pk, event=Event.START, now=now)
    while contest.phase != Phase.FINISHED:
        index = contest.question_index
        for player in players:
            roll = rng.random()
            if roll < 0.15:
                continue
            choices = correct_choices(contest, index) if roll < 0.7 else wrong_choices(contest, index)
            at = contest.question_started_at + timedelta(milliseconds=rng.randint(0, contest.time_limit_ms + 500))
            try:
                services.answer_submit(player_id=player.pk, question_index=index, choice_ids=choices, now=at)
            except EngineError:
                pass
            if rng.random() < 0.2:  # a second try never counts
                with pytest.raises(EngineError):
                    services.answer_submit(player_id=player.pk, question_index=index, choice_ids=choices, now=at)
        close_at = contest.deadline + timedelta(milliseconds=600)
        contest = services.contest_tick(contest_id=contest.pk, now=close_at)
        assert contest.phase == Phase.REVEAL
        ranking = contest_ranking(contest.pk)
        recomputed = contest_recomputed_totals(contest.pk)
        assert [(r.player_id, r.score, r.answer_time_ms) for r in ranking] == [
            (r.player_id, r.score, r.answer_time_ms)
            for r in sorted(recomputed.values(), key=lambda t: (-t.score, t.answer_time_ms, t.player_id))
        ]
        assert all(a.points <= 1000 for a in Answer.objects.all())
        assert not Answer.objects.filter(late=True, points__gt=0).exists()
        while contest.phase in (Phase.REVEAL, Phase.LEADERBOARD):
            contest = services.contest_transition(contest_id=contest.pk, event=Event.NEXT, now=close_at)
    stored = Player.objects.filter(contest=contest).order_by("final_rank", "-score", "answer_time_ms", "pk")
    assert list(stored.values_list("pk", "final_rank")) == [(r.player_id, r.rank) for r in contest_ranking(contest.pk)]


def test_the_idle_timeout_is_configurable(world, settings):
    settings.CONTEST_IDLE_TIMEOUT_S = 60
    contest = make_contest(world)
    assert services.contest_tick(contest_id=contest.pk, now=contest.changed_at + timedelta(seconds=59)).phase == "lobby"
    assert services.contest_tick(contest_id=contest.pk, now=contest.changed_at + timedelta(seconds=61)).phase == "finished"


def test_participation_counts_each_student_of_the_school_once(world):
    from contests.selectors import school_contest_participation
    from tests.contests.helpers import finished_contest

    finished_contest(world)
    finished_contest(world)
    assert school_contest_participation(world.school) == 3
    assert school_contest_participation(world.other_school) == 0
