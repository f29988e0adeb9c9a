"""The demo issues hs.demo's course certificate only once they are trained, and only once."""

import pytest

from certificates import demo
from certificates.models import Certificate
from schools import demo as schools_demo
from tests.certificates.factories import make_trained

pytestmark = pytest.mark.django_db


def test_demo_issues_nothing_while_hs_demo_is_not_trained():
    world = schools_demo.seed()

    demo.seed(world)

    assert not Certificate.objects.exists()


def test_demo_issues_hs_demo_course_certificate_once():
    world = schools_demo.seed()
    make_trained(world.students[0])

    demo.seed(world)
    demo.seed(world)

    certificate = Certificate.objects.get()
    assert certificate.student.username == "hs.demo"
    assert certificate.holder_name == "Nguyễn Thị Ngọc Hằng"
    assert certificate.number == "1/GCN-THPTPBC"
    assert certificate.kind == Certificate.Kind.COURSE
