"""The start-up warm-up loads what first requests need without touching the database (safe before a fork)."""

import sys

from django.template import engines

from quizsite.warmup import TEMPLATES, warm_up


def test_warm_up_imports_views_and_compiles_templates_without_the_database():
    """No django_db mark: any query during the warm-up fails this test."""
    warm_up()
    assert {"lessons.views", "online_contests.views", "schools.views"} <= set(sys.modules)
    loader = engines["django"].engine.template_loaders[0]
    if hasattr(loader, "get_template_cache"):  # the cached loader (DEBUG off) keeps them compiled
        assert set(TEMPLATES) <= set(loader.get_template_cache)
