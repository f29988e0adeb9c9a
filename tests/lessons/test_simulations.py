"""The mock portal and "Trang nào là thật?": pure rules and pages."""

from datetime import date

import pytest
from django.urls import reverse

from lessons import selectors, simulations
from lessons.models import SimulationProgress
from tests.lessons.helpers import complete_simulation

TODAY = date(2025, 11, 20)


def test_portal_form_validation():
    errors = simulations.portal_form_errors(
        {"full_name": "A", "birth_date": "31/02/2008", "id_number": "123", "address": ""}, TODAY
    )
    assert set(errors) == {"full_name", "birth_date", "id_number", "address", "confirm"}
    assert simulations.portal_form_errors({**simulations.MOCK_CITIZEN, "confirm": "on"}, TODAY) == {}
    future = simulations.portal_form_errors({**simulations.MOCK_CITIZEN, "birth_date": "01/01/2030", "confirm": "on"}, TODAY)
    assert "birth_date" in future


@pytest.mark.parametrize(
    "step, data, field",
    [
        (0, {"username": "x", "password": "y"}, "password"),
        (1, {"procedure": "nope"}, "procedure"),
        (3, {"attachment": "virus.exe"}, "attachment"),
        (3, {}, "attachment"),
        (4, {"method": "bank", "otp": "000000"}, "otp"),
    ],
)
def test_portal_refuses_bad_steps(step, data, field):
    outcome = simulations.portal_submit(step, {"otp": "123456"}, data, today=TODAY)
    assert field in outcome.errors and not outcome.advanced


def test_track_moves_through_states():
    outcome = simulations.portal_submit(5, {}, {}, today=TODAY)
    assert outcome.state["track"] == 1 and not outcome.advanced
    outcome = simulations.portal_submit(5, outcome.state, {}, today=TODAY)
    assert outcome.advanced and simulations.TRACK_STATES[outcome.state["track"]] == "Có kết quả"


def test_site_classification_needs_every_site_right():
    state = {}
    for site in simulations.SITES:
        state = simulations.site_classify(state, site.id, "real").state
    assert not simulations.sites_done(state)
    assert simulations.sites_correct(state) == sum(site.is_real for site in simulations.SITES)
    for site in simulations.SITES:
        state = simulations.site_classify(state, site.id, "real" if site.is_real else "fake").state
    assert simulations.sites_done(state)
    assert simulations.site_classify(state, "nope", "real").errors


def test_known_fakes_from_lesson_7_are_included():
    addresses = " ".join(site.address for site in simulations.SITES if not site.is_real)
    for fake in ("dichvucong.cvgov.com", "viet.lgovn.cc", "dichvucongs.top"):
        assert fake in addresses
    assert any(site.is_real and ".gov.vn" in site.address for site in simulations.SITES)


def test_portal_pages_walkthrough(client, student):
    client.force_login(student)
    url = reverse("simulation_portal")
    page = client.get(url).content.decode()
    assert "Mô phỏng — không phải hệ thống thật" in page and simulations.MOCK_USERNAME in page
    assert client.post(url, {"username": "sai", "password": "sai"}).status_code == 400
    steps = [
        {"username": simulations.MOCK_USERNAME, "password": simulations.MOCK_PASSWORD},
        {"procedure": "tam-tru"},
        {**simulations.MOCK_CITIZEN, "confirm": "on"},
        {"attachment": "giay-to.pdf"},
    ]
    for data in steps:
        assert client.post(url, data).status_code == 302
    progress = selectors.simulation_progress(student=student, simulation="portal")
    page = client.get(url).content.decode()
    assert progress.state["otp"] in page and "KHÔNG BAO GIỜ" in page
    assert "full_name" not in progress.state and simulations.MOCK_CITIZEN["id_number"] not in str(progress.state)
    client.post(url, {"method": "bank", "otp": progress.state["otp"]})
    client.post(url, {"refresh": "1"})
    assert "Đang xử lý" in client.get(url).content.decode()
    client.post(url, {"refresh": "1"})
    client.post(url, {"save": "on"})
    progress = SimulationProgress.objects.get(student=student, simulation="portal")
    assert progress.completed_at is not None and progress.step == len(simulations.PORTAL_STEPS)
    client.post(url, {"action": "restart"})
    progress.refresh_from_db()
    assert progress.step == 0 and progress.completed_at is not None


def test_real_site_page(client, student):
    client.force_login(student)
    url = reverse("simulation_real_site")
    assert "dichvucong.cvgov.com" in client.get(url).content.decode()
    assert client.post(url, {"site": "s2", "verdict": "real"}).status_code == 302
    assert "Chưa đúng" in client.get(url).content.decode()
    assert client.post(url, {"site": "s999", "verdict": "real"}).status_code == 400
    assert client.post(url, {"site": "s2", "verdict": "maybe"}).status_code == 400
    complete_simulation(student, "real-site")
    assert SimulationProgress.objects.get(student=student, simulation="real-site").completed_at


def test_simulations_need_login(client):
    assert client.get(reverse("simulation_portal")).status_code == 302
