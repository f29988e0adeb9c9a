"""Per-question figures from lessons.item_stats equal an independent recomputation over all four sources."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lessons import item_stats
from lessons.models import Question
from schools.models import User
from tests.lessons.item_data import generate, recompute


@pytest.fixture
def generated(world):
    return generate(world)


def _assert_matches(stats, expected, questions):
    assert set(stats) == set(expected)
    for question in questions:
        got, want = stats[question.pk], expected[question.pk]
        figures = got.figures
        assert (figures.answers, figures.correct) == (want.answers, want.correct), question.kind
        assert (figures.upper_answers, figures.upper_correct) == (want.upper_answers, want.upper_correct)
        assert (figures.lower_answers, figures.lower_correct) == (want.lower_answers, want.lower_correct)
        assert {k: v for k, v in got.sources.items() if v} == dict(want.sources)
        if question.kind in ("single", "multiple", "truefalse"):
            assert {o.choice.key: (o.count, o.upper, o.lower) for o in got.options} == {
                c.key: tuple(want.picks.get(c.key, [0, 0, 0])) for c in question.choices.all()
            }
        else:
            assert got.options == []


@pytest.mark.django_db
def test_figures_equal_recomputation_over_practice_checks_online_and_live(generated):
    """Counts, right answers, upper/lower groups and option picks match the records, question by question."""
    stats = item_stats.item_statistics(questions=Question.objects.filter(quiz=generated.quiz))
    expected = recompute(generated.records)
    assert {s for item in expected.values() for s in item.sources} == {"practice", "check", "online", "live"}
    _assert_matches(stats, expected, generated.questions)
    # The generated abilities make strong students better: the index has a sign.
    assert any(stats[q.pk].discrimination > 0.2 for q in generated.questions)


@pytest.mark.django_db
def test_figures_restricted_to_some_students(generated):
    """With ``students`` given, only their answers count, and the groups are cut among them."""
    chosen = generated.students[::3]
    stats = item_stats.item_statistics(
        students=User.objects.filter(pk__in=[s.pk for s in chosen]), questions=Question.objects.filter(quiz=generated.quiz)
    )
    ids = {s.pk for s in chosen}
    records = [r for r in generated.records if _student_of(r) in ids]
    _assert_matches(stats, recompute(records), generated.questions)


def _student_of(record):
    from contests.models import Answer
    from evidence.models import CheckAnswer
    from lessons.models import PracticeAnswer
    from online_contests.models import AttemptAnswer

    if record.source == "practice":
        return PracticeAnswer.objects.values_list("attempt__student_id", flat=True).get(pk=record.pk)
    if record.source == "check":
        return CheckAnswer.objects.values_list("learning_check__student_id", flat=True).get(pk=record.pk)
    if record.source == "online":
        return AttemptAnswer.objects.values_list("attempt__student_id", flat=True).get(pk=record.pk)
    return Answer.objects.values_list("player__user_id", flat=True).get(pk=record.pk)


@pytest.mark.django_db
def test_query_count_does_not_grow_with_answers(world):
    """Seven queries (one per source, snapshots, questions, choices) for a small and a larger answer set."""
    counts = []
    for size, seed in ((8, 1), (30, 2)):
        data = generate(world, seed=seed, practice=size, checks=size, online=size, live=size)
        with CaptureQueriesContext(connection) as queries:
            item_stats.item_statistics(questions=Question.objects.filter(quiz=data.quiz))
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 8


@pytest.mark.django_db
def test_no_answers_no_figures(world):
    assert item_stats.item_statistics(questions=Question.objects.none()) == {}


@pytest.mark.django_db
def test_bank_choice_keys_stay_on_the_server(world):
    """The live snapshot keeps each choice's bank key for the statistics; the question frame drops it."""
    from contests import frames
    from tests.contests.helpers import make_contest

    contest = make_contest(world)
    assert all("key" in choice for choice in contest.questions[0]["choices"])
    assert all(set(choice) == {"id", "text"} for choice in frames.question_public(contest, 0)["choices"])
