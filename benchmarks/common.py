"""Shared set-up for benchmarks: a throw-away database with the demo, and a timer."""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def demo_database():
    """Point Django at a new SQLite file, migrate it and load the demo; returns the demo
    programme (the library's own, not its translation or Kent's adaptation)."""
    folder = tempfile.mkdtemp(prefix="lms-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    from tests import demo_pages

    return demo_pages.programme()


def client_for(username):
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def time_pages(client, targets, repeat):
    """Print the median and 90th percentile time and the query count of each page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    print(f"{'page':<28}{'median ms':>10}{'p90 ms':>10}{'queries':>9}")
    for name, url in targets.items():
        client.get(url)  # warm caches
        times = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        times.sort()
        p90 = times[max(0, int(len(times) * 0.9) - 1)]
        print(f"{name:<28}{statistics.median(times):>10.1f}{p90:>10.1f}{len(queries):>9}")
