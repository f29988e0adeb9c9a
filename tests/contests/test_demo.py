"""The demo has a finished contest of 10A1 with results, and seeding twice changes nothing."""

import pytest
from django.urls import reverse

from contests import demo
from contests.models import Answer, Contest
from schools import demo as schools_demo

pytestmark = pytest.mark.django_db


def test_the_demo_contest_is_finished_with_results_and_idempotent(client):
    world = schools_demo.seed()
    contest = demo.seed(world)
    answers = Answer.objects.count()
    assert demo.seed(world).pk == contest.pk and Contest.objects.count() == 1 and Answer.objects.count() == answers
    assert contest.phase == "finished" and answers > 0
    assert not contest.players.filter(final_rank__isnull=True).exists()
    client.force_login(world.teacher)
    assert world.students[0].full_name in client.get(reverse("contest_results", args=[contest.pk])).content.decode()
    client.force_login(world.students[0])
    assert demo.DEMO_TITLE in client.get(reverse("contest_history")).content.decode()
