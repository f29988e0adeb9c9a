"""The demo: an open school contest at THPT Phan Bội Châu and a published province contest; idempotent."""

import pytest
from django.core.management import call_command, get_commands
from django.urls import reverse
from django.utils import timezone

from online_contests import demo
from online_contests.models import Attempt, OnlineContest, Phase
from schools import demo as schools_demo
from tests.online_contests.factories import make_pool

pytestmark = pytest.mark.django_db


def load_curriculum():
    if "load_curriculum" in get_commands():
        call_command("load_curriculum")
    else:
        for n in range(1, 9):
            make_pool(8, key=f"l{n}")


def test_demo_seeds_an_open_and_a_published_contest_once(client):
    world = schools_demo.seed()
    load_curriculum()
    demo.seed(world)
    demo.seed(world)
    now = timezone.now()
    open_contest = OnlineContest.objects.get(name=demo.OPEN_NAME)
    assert open_contest.phase(now) == Phase.OPEN and open_contest.school.code == "THPTPBC"
    assert open_contest.question_count == 20 and open_contest.time_limit_minutes == 15
    published = OnlineContest.objects.get(name=demo.CLOSED_NAME)
    assert published.phase(now) == Phase.PUBLISHED
    assert OnlineContest.objects.count() == 2
    attempts = Attempt.objects.filter(contest=published)
    assert attempts.count() == published.participant_count > 20
    assert attempts.exclude(prize="").count() >= 11
    assert published.school_results.count() == 2
    body = client.get(reverse("online_contests:results", args=[published.pk])).content.decode()
    assert "Giải Nhất" in body and "Trường THPT Lê Lợi" in body
    client.force_login(world.students[0])
    assert demo.OPEN_NAME in client.get(reverse("student_home")).content.decode()


def test_demo_without_curriculum_creates_nothing():
    demo.seed(schools_demo.seed())
    assert not OnlineContest.objects.exists()
