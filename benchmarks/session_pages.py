"""Time the pages a trainer uses most, on the demo data.

Run: .venv/bin/python benchmarks/session_pages.py [--repeat 50]

Builds a throw-away SQLite database in a temporary folder, loads the demo, then renders the
session page, the programme page, the home page and the facilitator guide PDF as the demo
trainer, and prints the median and 90th percentile time and the query count of each.
Timings depend on the machine; compare runs on the same one.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="lms-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from curriculum.models import ProgrammePage, SessionPlanPage

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)

    from django.contrib.auth.models import User

    client = Client()
    client.force_login(User.objects.get(username="trainer"))
    session = SessionPlanPage.objects.get(number=2)
    programme = ProgrammePage.objects.get()
    targets = {
        "home page": "/",
        "programme page": programme.url,
        "session page": session.url,
        "facilitator guide PDF": session.url + "guide/",
    }
    print(f"{'page':<24}{'median ms':>10}{'p90 ms':>10}{'queries':>9}")
    for name, url in targets.items():
        client.get(url)  # warm caches
        times = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        times.sort()
        p90 = times[int(len(times) * 0.9) - 1]
        print(f"{name:<24}{statistics.median(times):>10.1f}{p90:>10.1f}{len(queries):>9}")


if __name__ == "__main__":
    main()
