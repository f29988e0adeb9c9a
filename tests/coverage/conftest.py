import pytest

from tests.coverage.helpers import make_course


@pytest.fixture
def course(db):
    return make_course()
