"""Settings for benchmarks: the product's own, plus a bare view to compare every page with."""

from quizsite.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
