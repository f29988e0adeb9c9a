"""Protocol frames built from the stored contest (docs/protocol.md describes each one).

The correct answer appears only in `reveal` frames and in snapshots taken at
or after the reveal of that question; everything a player sees before that is
built by `question_public`, which never reads the key.
"""

from datetime import datetime
from typing import Any

from contests import selectors
from contests.engine import Phase, RankedPlayer
from contests.models import Contest, Player
from schools.privacy import Audience, display_name

LEADERBOARD_SIZE = 10
PODIUM_SIZE = 3
LOBBY_NAMES = 50

Frame = dict[str, Any]
Personal = dict[int, dict[str, Any]]


def epoch_ms(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp() * 1000)


def shared_name(player: Player) -> str:
    """What a projector or another player may see: the nickname, never the real name."""
    if player.user_id is None:
        return player.nickname
    return display_name(player.user, audience=Audience.SHARED_SCREEN, nickname=player.nickname)


def effective_phase(contest: Contest) -> str:
    """The phase whose content is on screen (the paused one while paused)."""
    return contest.paused_phase if contest.phase == Phase.PAUSED else contest.phase


def question_public(contest: Contest, index: int) -> Frame:
    """A question as players see it before the reveal: no key, no explanation."""
    question = contest.questions[index]
    return {
        "index": index,
        "count": contest.question_count,
        "kind": question["kind"],
        "text": question["text"],
        "choices": [{"id": choice["id"], "text": choice["text"]} for choice in question["choices"]],
        "time_limit_ms": contest.time_limit_ms,
    }


def question_frame(contest: Contest, *, now: datetime) -> Frame:
    return {
        "type": "question",
        "seq": contest.seq,
        **question_public(contest, contest.question_index),
        "deadline": epoch_ms(contest.deadline),
        "server_time": epoch_ms(now),
    }


def answers_frame(contest: Contest, *, count: int, total: int) -> Frame:
    return {"type": "answers", "seq": contest.seq, "index": contest.question_index, "count": count, "total": total}


def _ranks(contest: Contest) -> dict[int, RankedPlayer]:
    return {row.player_id: row for row in selectors.contest_ranking(contest.pk)}


def reveal_frame(contest: Contest) -> tuple[Frame, Personal]:
    index = contest.question_index
    question = contest.questions[index]
    distribution = selectors.question_distribution(contest, index)
    ranks = _ranks(contest)
    answers = selectors.player_answers(contest.pk, index)
    frame = {
        "type": "reveal",
        "seq": contest.seq,
        "index": index,
        "correct": question["correct"],
        "explanation": question["explanation"],
        "distribution": distribution.by_choice,
        "answered": distribution.answered,
        "correct_count": distribution.correct,
        "total": len(ranks),
    }
    personal = {}
    for player_id, row in ranks.items():
        answer = answers.get(player_id)
        personal[player_id] = {
            "answered": answer is not None,
            "correct": bool(answer and answer.correct and not answer.late),
            "late": bool(answer and answer.late),
            "points": answer.points if answer else 0,
            "score": row.score,
            "rank": row.rank,
            "tied": row.tied,
        }
    return frame, personal


def _named(rows: list[RankedPlayer]) -> list[Frame]:
    players = {p.pk: p for p in Player.objects.filter(pk__in=[row.player_id for row in rows]).select_related("user")}
    return [
        {
            "rank": row.rank, "tied": row.tied, "player": row.player_id, "nickname": shared_name(players[row.player_id]),
            "score": row.score,
        }
        for row in rows
    ]


def _teams(contest: Contest) -> list[Frame]:
    if contest.play_mode != Contest.PlayMode.TEAMS:
        return []
    return [
        {"rank": team.rank, "tied": team.tied, "name": team.name, "score": team.score, "members": team.members}
        for team in selectors.team_ranking(contest.pk)
    ]


def _standings(contest: Contest, size: int) -> tuple[list[Frame], list[Frame], Personal, int]:
    ranking = selectors.contest_ranking(contest.pk)
    personal = {row.player_id: {"score": row.score, "rank": row.rank, "tied": row.tied} for row in ranking}
    return _named(ranking[:size]), _teams(contest), personal, len(ranking)


def leaderboard_frame(contest: Contest) -> tuple[Frame, Personal]:
    top, teams, personal, total = _standings(contest, LEADERBOARD_SIZE)
    frame = {
        "type": "leaderboard",
        "seq": contest.seq,
        "index": contest.question_index,
        "top": top,
        "teams": teams,
        "total": total,
    }
    return frame, personal


def finished_frame(contest: Contest) -> tuple[Frame, Personal]:
    podium, teams, personal, total = _standings(contest, PODIUM_SIZE)
    frame = {
        "type": "finished",
        "seq": contest.seq,
        "reason": contest.finish_reason,
        "podium": podium,
        "teams": teams,
        "total": total,
    }
    return frame, personal


def paused_frame(contest: Contest) -> Frame:
    return {
        "type": "paused",
        "seq": contest.seq,
        "paused_phase": contest.paused_phase,
        "remaining_ms": contest.paused_remaining_ms,
    }


def resumed_frame(contest: Contest, *, now: datetime) -> Frame:
    return {
        "type": "resumed",
        "seq": contest.seq,
        "phase": contest.phase,
        "deadline": epoch_ms(contest.deadline) if contest.phase == Phase.QUESTION else None,
        "server_time": epoch_ms(now),
    }


def lobby_frame(contest: Contest) -> Frame:
    players = list(
        Player.objects.filter(contest=contest, kicked=False).select_related("user").order_by("-pk")[:LOBBY_NAMES]
    )
    return {
        "type": "lobby",
        "seq": contest.seq,
        "count": selectors.active_player_count(contest.pk),
        "locked": contest.locked,
        "players": [{"id": p.pk, "nickname": shared_name(p)} for p in reversed(players)],
    }


def player_public(player: Player) -> Frame:
    return {
        "id": player.pk,
        "nickname": shared_name(player),
        "team": player.team.name if player.team_id else None,
    }


def phase_frames(contest: Contest, *, now: datetime) -> tuple[Frame, Personal]:
    """The broadcast that announces the contest's current phase."""
    match contest.phase:
        case Phase.QUESTION:
            return question_frame(contest, now=now), {}
        case Phase.REVEAL:
            return reveal_frame(contest)
        case Phase.LEADERBOARD:
            return leaderboard_frame(contest)
        case Phase.FINISHED:
            return finished_frame(contest)
        case Phase.PAUSED:
            return paused_frame(contest), {}
        case _:
            return lobby_frame(contest), {}


def snapshot(contest: Contest, *, now: datetime, player: Player | None = None, host: bool = False) -> Frame:
    """The full `state` sent on join, resume and sync: enough to draw the screen from nothing."""
    phase = effective_phase(contest)
    state: Frame = {
        "type": "state",
        "seq": contest.seq,
        "phase": contest.phase,
        "paused_phase": contest.paused_phase or None,
        "locked": contest.locked,
        "server_time": epoch_ms(now),
        "contest": {
            "title": contest.title,
            "pin": contest.pin,
            "count": contest.question_count,
            "time_limit_ms": contest.time_limit_ms,
            "play_mode": contest.play_mode,
            "show_leaderboard": contest.show_leaderboard,
            "shuffle_choices": contest.shuffle_choices,
        },
        "players": selectors.active_player_count(contest.pk),
    }
    if player is not None:
        state["player"] = {**player_public(player), "seed": player.seed, "score": player.score}
    if host:
        state["roster"] = [
            player_public(p) for p in contest.players.filter(kicked=False).select_related("user", "team")
        ]
    if contest.question_index >= 0 and phase in (Phase.QUESTION, Phase.REVEAL, Phase.LEADERBOARD):
        state["question"] = question_public(contest, contest.question_index)
    if phase == Phase.QUESTION:
        state["deadline"] = epoch_ms(contest.deadline) if contest.phase == Phase.QUESTION else None
        state["remaining_ms"] = contest.paused_remaining_ms
        if player is not None:
            state["answered"] = player.answers.filter(question_index=contest.question_index).exists()
        if host:
            state["answers"] = selectors.answer_count(contest.pk, contest.question_index)
    built = {
        Phase.REVEAL: reveal_frame,
        Phase.LEADERBOARD: leaderboard_frame,
        Phase.FINISHED: finished_frame,
    }.get(phase)
    if built is not None:
        frame, personal = built(contest)
        if player is not None and player.pk in personal:
            frame["you"] = personal[player.pk]
        state[phase] = frame
    elif phase == Phase.LOBBY:
        state["lobby"] = lobby_frame(contest)
    return state


def snapshot_for(*, contest_id: int, now: datetime, player_id: int | None = None, host: bool = False) -> Frame:
    contest = Contest.objects.get(pk=contest_id)
    player = Player.objects.select_related("team", "user").get(pk=player_id) if player_id is not None else None
    return snapshot(contest, now=now, player=player, host=host)
