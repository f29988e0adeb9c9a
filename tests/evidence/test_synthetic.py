"""seed_synthetic grows entry and exit checks with a known effect; the gain figures find it."""

from django.core.management import call_command
from django.utils import timezone

from coverage.selectors import Scope, day_end
from evidence import selectors
from evidence.models import LearningCheck
from schools.models import Province, SchoolYear
from tests.evidence.test_selectors import as_dict, recompute


def test_synthetic_checks_show_the_known_effect(db, course):
    call_command("seed_synthetic", students=1300, code="ev", verbosity=0)
    province, year = Province.objects.get(code="ev"), SchoolYear.current()
    cutoff = min(timezone.localdate(), year.ends_on)
    gain = selectors.gain_total(selectors.gain_by(Scope.of(province, year), cutoff=cutoff, group="classroom"))
    classes = list(province.schools.values_list("classrooms", flat=True))
    assert as_dict(gain) == recompute(classes, day_end(cutoff))
    assert gain.enough and gain.pairs > 100
    assert 20 <= gain.mean_gain <= 40  # exit adds 2–4 right answers of 10
    assert all(share.after > share.before + 20 for share in gain.items)
    assert LearningCheck.objects.filter(kind="entry", skipped_at__isnull=False).exists()
    assert gain.entries > gain.pairs  # students with only an entry check are counted, not paired
