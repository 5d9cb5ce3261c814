"""Time the delivery pages on a large data set, and an import of 10,000 trainees.

Run: .venv/bin/python benchmarks/delivery_pages.py [--repeat 10] [--trainees 10000]
     [--cohorts 1000] [--sessions 24] [--held 12] [--organisations 20] [--import-rows 10000]

Builds a throw-away SQLite database (or uses --database-url, say a PostgreSQL one; its
tables are created by migrate and filled, so give it an empty database), fills it with
``delivery_data.generate`` and prints, per page, the median and 90th percentile time and the
number of queries. Timings depend on the machine; compare runs on the same one. Query counts
do not, and tests/training/test_query_counts_at_scale.py checks they stay flat.
"""

import argparse
import os
import sys
import tempfile
import time

from common import time_pages


def empty_database(url=None):
    """Point Django at a new SQLite file (or ``url``) and migrate it."""
    if url is None:
        folder = tempfile.mkdtemp(prefix="lms-bench-")
        url = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)


def page_urls(data, director):
    """Each page as (who, name, url name, args); pages not built yet are reported."""
    cohort = data.cohort
    return [
        (data.trainer, "register (held session)", "training:register",
         (cohort.pk, data.held_session.pk)),
        (data.trainer, "register (next session)", "training:register",
         (cohort.pk, data.next_session.pk)),
        (data.trainer, "cohort matrix", "training:matrix", (cohort.pk,)),
        (data.trainer, "cohort hub", "training:cohort", (cohort.pk,)),
        (data.trainer, "trainer home", None, "/"),
        (data.trainee, "trainee home", None, "/"),
        (data.trainee, "trainee progress", "training:my_progress", ()),
        (data.manager, "manager report (1 org)", "training:report", ()),
        (data.manager, "manager home", None, "/"),
        (director, "manager report (all orgs)", "training:report", ()),
    ]  # fmt: skip


def time_delivery_pages(data, director, repeat):
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    by_user = {}
    for user, name, url_name, args in page_urls(data, director):
        try:
            url = args if url_name is None else reverse(url_name, args=args)
        except NoReverseMatch:
            print(f"  {name}: not built yet ({url_name})")
            continue
        by_user.setdefault(user, {})[name] = url
    for user, targets in by_user.items():
        client = Client()
        client.force_login(user)
        print(f"\nas {user.username}")
        time_pages(client, targets, repeat)


def director_of_everything(data):
    """A programme manager belonging to every organisation: the report over all cohorts."""
    from django.contrib.auth.models import Group, User

    from lms.roles import Role
    from training.models import Organisation

    user = User.objects.create(username="bench-director", first_name="Ada", last_name="Director")
    user.groups.add(Group.objects.get(name=Role.PROGRAMME_MANAGER.value))
    Through = Organisation.members.through
    Through.objects.bulk_create(
        [Through(organisation_id=pk, user_id=user.pk) for pk in
         Organisation.objects.filter(cohorts__programme=data.programme)
         .distinct().values_list("pk", flat=True)]
    )  # fmt: skip
    return user


def trainee_csv(rows):
    """A partner's spreadsheet as they send it: UTF-8 with a BOM, semicolons, accents."""
    from delivery_data import FIRST_NAMES, LAST_NAMES

    lines = ["Prénom;Nom;E-mail;Téléphone;Référence"]
    for n in range(rows):
        first = FIRST_NAMES[n % len(FIRST_NAMES)]
        last = LAST_NAMES[(n // len(FIRST_NAMES) + n) % len(LAST_NAMES)]
        email = "" if n % 4 == 0 else f"import{n}@example.org"
        lines.append(f"{first};{last};{email};+32 470 {n:06d};IMP-{n:05d}")
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def time_import(data, rows):
    """Dry run, real import, and the same file again (every row already up to date)."""
    try:
        from training.imports import import_trainees
    except ImportError:
        print("\nimport: training.imports.import_trainees is not built yet; skipped")
        return
    from training.models import Cohort

    cohort = Cohort.objects.create(
        name="Import benchmark",
        programme=data.programme,
        organisation=data.organisation,
        capacity=min(32_000, rows + 10),
    )
    cohort.trainers.create(user=data.trainer)
    payload = trainee_csv(rows)
    print(f"\nimport of {rows} trainees ({len(payload) // 1024} KB CSV)")
    print(f"{'run':<28}{'seconds':>10}  result")
    for name, dry_run in [("dry run", True), ("import", False), ("same file again", False)]:
        started = time.perf_counter()
        try:
            report = import_trainees(cohort, payload, "trainees.csv", data.trainer, dry_run)
        except Exception as error:  # noqa: BLE001 - a benchmark reports and carries on
            print(f"{name:<28}{'failed':>10}  {type(error).__name__}: {error}")
            continue
        seconds = time.perf_counter() - started
        problems = report.file_errors[:1] or [e for r in report.error_rows[:1] for e in r.errors]
        print(f"{name:<28}{seconds:>10.1f}  {report.counts} {problems or ''}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--trainees", type=int, default=10_000)
    parser.add_argument("--cohorts", type=int, default=1_000)
    parser.add_argument("--sessions", type=int, default=24)
    parser.add_argument("--held", type=int, default=12)
    parser.add_argument("--organisations", type=int, default=20)
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--database-url", help="an empty database to use instead of SQLite")
    args = parser.parse_args()
    empty_database(args.database_url)
    from delivery_data import generate

    print(
        f"generating {args.trainees} trainees in {args.cohorts} cohorts of "
        f"{args.organisations} organisations, {args.sessions} sessions ({args.held} held)"
    )
    data = generate(
        trainees=args.trainees,
        cohorts=args.cohorts,
        sessions=args.sessions,
        held=args.held,
        organisations=args.organisations,
        log=print,
    )
    print(f"generated in {data.seconds:.0f} s: {data.counts}")
    director = director_of_everything(data)
    time_delivery_pages(data, director, args.repeat)
    if args.import_rows:
        time_import(data, args.import_rows)


if __name__ == "__main__":
    sys.exit(main())
