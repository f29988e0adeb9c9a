"""Where one page's server time goes: its queries and a cProfile of repeated requests, in-process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qs_bench_requests \\
        .venv/bin/python bench/profile_requests.py hs.demo /student/ --requests 200 --top 25

Run `bench/bench_requests.py` first (it prepares the database with the demo
data). The requests go through Django's full middleware stack as the given
user (logged in once, before measuring), without a server; the output lists
the queries of one request, then the functions with the most cumulative and
own time over ``--requests`` requests.
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("username")
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative", help="pstats sort key (cumulative, tottime)")
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qs_bench_requests")
    os.environ.update(DJANGO_SETTINGS_MODULE="bench.settings", DEBUG="0", HTTPS="0", ALLOWED_HOSTS="testserver",
                      LOG_LEVEL="ERROR", VAR_DIR=str(ROOT / "var" / "profile"))
    os.environ.pop("REDIS_URL", None)  # as bench_requests.py: the local-memory cache
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG=0 serves hashed names
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from schools.models import User

    setup_test_environment()
    client = Client()
    user = User.objects.get(username=args.username)
    client.force_login(user)
    if user.roles.filter(role="student").exists():
        session = client.session
        session["is_student"] = True
        session.save()
    for path in args.paths:
        for _ in range(20):
            response = client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        print(f"\n== {path}: status {response.status_code}, {len(queries)} queries")
        for number, query in enumerate(queries.captured_queries, 1):
            print(f"{number:3}. {query['sql'][:220]}")
        profile = cProfile.Profile()
        started = time.process_time()
        profile.enable()
        for _ in range(args.requests):
            client.get(path)
        profile.disable()
        print(f"CPU {1000 * (time.process_time() - started) / args.requests:.2f} ms/request (under cProfile)")
        pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
