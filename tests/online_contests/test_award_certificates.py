"""Prize winners of published results receive the organising committee's certificates."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from certificates.models import Certificate
from online_contests import services
from tests.factories import make_student
from tests.online_contests.factories import make_contest, published_contest

pytestmark = pytest.mark.django_db


def test_every_prize_winner_gets_a_prize_certificate_once(world):
    contest = published_contest(world)
    contest.refresh_from_db()
    winners = list(contest.attempts.exclude(prize=""))
    assert winners
    report = services.contest_award_certificates_issue(contest=contest, issued_by=world.school_admin)
    assert {c.student_id for c in report.issued} == {a.student_id for a in winners}
    certificate = Certificate.objects.get(student=winners[0].student)
    assert certificate.kind == f"award_{winners[0].prize}"
    assert contest.name in certificate.achievement and "CHỨNG NHẬN" in certificate.certifier_line
    again = services.contest_award_certificates_issue(contest=contest, issued_by=world.school_admin)
    assert Certificate.objects.count() == len(report.issued) == len(again.issued)


def test_winners_without_consent_are_skipped_with_the_reason(world):
    world.students.append(make_student(world.classroom, "Giàng Thị Mỷ", consent=False))
    contest = published_contest(world)
    contest.refresh_from_db()
    report = services.contest_award_certificates_issue(contest=contest, issued_by=world.school_admin)
    skipped = {student.full_name for student, _reason in report.skipped}
    assert skipped <= {"Giàng Thị Mỷ"}
    assert not Certificate.objects.filter(student__full_name="Giàng Thị Mỷ").exists()


def test_nothing_is_issued_before_results_are_published(world):
    contest = make_contest(world)
    with pytest.raises(ValidationError):
        services.contest_award_certificates_issue(contest=contest, issued_by=world.school_admin)
    assert not Certificate.objects.exists()


def test_only_the_organiser_may_issue(client, world):
    contest = published_contest(world)
    url = reverse("online_contests:award_certificates_issue", args=[contest.pk])
    client.force_login(world.teacher)
    assert client.post(url).status_code == 403
    client.force_login(world.school_admin)
    assert client.post(url).status_code == 302
    assert Certificate.objects.exists()


def test_certificates_are_worded_in_vietnamese_when_the_organiser_reads_english(world):
    """Certificates are official Vietnamese documents: the site's language never reaches them."""
    from django.utils import translation

    contest = published_contest(world)
    contest.refresh_from_db()
    with translation.override("en"):
        services.contest_award_certificates_issue(contest=contest, issued_by=world.school_admin)
    certificate = Certificate.objects.filter(kind__startswith="award_").first()

    assert certificate.achievement.startswith("Đạt Giải") and "CHỨNG NHẬN" in certificate.certifier_line
    assert certificate.signer_title == "TM. BAN TỔ CHỨC\nTRƯỞNG BAN"


def test_the_suggested_organiser_name_is_vietnamese_in_an_english_session(client, world):
    from django.conf import settings

    client.force_login(world.school_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(reverse("online_contests:contest_create")).content.decode()

    assert "Ban Tổ chức cuộc thi – " in body and "Create an online contest" in body
