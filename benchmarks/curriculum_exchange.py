"""Time what partners do with a whole programme: adapt it, look at the original's changes,
export it as a package and import that package, on the demo programme (3 session plans).

Run: .venv/bin/python benchmarks/curriculum_exchange.py [--repeat 5]   (SQLite)

Each step runs ``--repeat`` times on the same database; every adaptation and import is a new
programme with new ids, so later rounds work on a slightly bigger library, as a real one
grows. Timings depend on the machine; the query counts do not.
"""

import argparse
import statistics
import time

from common import demo_database


def measure(step, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries = [], 0
    for round_number in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            step(round_number)
            times.append((time.perf_counter() - started) * 1000)
        queries = len(captured)
    return statistics.median(times), max(times), queries


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    source = demo_database()

    from adaptations.changes import review_for
    from adaptations.models import Adaptation
    from adaptations.services import adaptation_create
    from packages.exporting import programme_export
    from packages.importing import package_import
    from training.models import Organisation

    kent = Organisation.objects.get(slug="kent")
    demo_adaptation = Adaptation.objects.select_related("programme").get(source=source)
    package = programme_export(programme=source)

    def adapt(number):
        adaptation_create(
            source=source,
            title=f"Benchmark adaptation {number}",
            slug=f"benchmark-adaptation-{number}",
            target_group="Autistic adults",
            organisation=kent,
            publish=True,
        )

    def review(_number):
        review_for(Adaptation.objects.get(pk=demo_adaptation.pk)).pending_count  # noqa: B018

    def export(_number):
        programme_export(programme=source)

    def import_(number):
        package_import(source=package.data, publish=True, slug=f"benchmark-import-{number}")

    print(f"package: {len(package.data) / 1024:.0f} KiB")
    print(f"{'step':<34}{'median ms':>10}{'max ms':>10}{'queries':>9}")
    for name, step in (
        ("adapt the programme", adapt),
        ("list the original's changes", review),
        ("export as a package", export),
        ("import the package", import_),
    ):
        median, longest, queries = measure(step, args.repeat)
        print(f"{name:<34}{median:>10.0f}{longest:>10.0f}{queries:>9}")


if __name__ == "__main__":
    main()
