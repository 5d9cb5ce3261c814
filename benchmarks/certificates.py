"""How fast certificates are rendered, and how long issuing 1,000 in bulk takes.

Run: .venv/bin/python benchmarks/certificates.py [--certificates 1000] [--cohort-size 1000]
     [--renders 500] [--sessions 12] [--repeat 3] [--database-url postgres://...]

Builds a throw-away SQLite database (or uses --database-url, an empty database: migrate
creates the tables), then a programme of --sessions published session plans with learning
outcomes, an indicative ECTS and a recognised RQF credit mapping, an organisation with its
own certificate template, a certifying officer, and for each repeat --certificates trainees
(accented, Greek and Cyrillic names among them) in cohorts of --cohort-size who attended
every session; their progress is stored by ``training.completion.recompute_enrolments``.

(b) Bulk issue, end to end through the real path: per cohort, ``start_issue_run`` (what the
officer's page calls) and ``run_issue`` (the body of the background task), which issues each
certificate with its snapshot, PDF, SHA-256 and log line. Timed per repeat, each on fresh
trainees; prints seconds for the lot, certificates per second and SQL queries per
certificate.

(a) Rendering alone: ``render_certificate`` on --renders of the snapshots just issued, in
this one process (so on one core), --repeat passes; prints certificates per second by the
clock and by CPU time (the clock suffers when other work shares the machine, CPU time less).
Every rendering is checked to be byte for byte the PDF stored at issue.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

# This file is called certificates.py, like the Django app it measures. Python puts the
# script's folder first on the path, where it would hide the app; so the project comes
# first and this folder last (it still provides the other benchmarks' helpers).
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.append(str(HERE))

from delivery_pages import empty_database  # noqa: E402

# Names from partners' lists, and some the embedded font must cope with.
EXTRA_NAMES = [
    ("Zoë", "Łukasiewicz"),
    ("Ștefan", "Dvořák"),
    ("Αλεξάνδρα", "Παπαδοπούλου"),
    ("Олена", "Шевченко"),
]


def make_programme(sessions):
    """A published programme with outcomes, a completion rule and two credit mappings."""
    from delivery_data import make_programme as programme_with_plans

    from certificates.models import CreditFramework, CreditMapping
    from curriculum.models import ProgrammeLearningOutcome
    from training.models import CompletionRule

    programme, plans, _worksheets = programme_with_plans("cert", sessions)
    for number, text in enumerate(
        [
            "Describe the role of a peer supporter and its limits",
            "Use your own experience with care, to give hope",
            "Listen actively and ask open questions",
            "Know when and where to refer someone on",
        ]
    ):
        ProgrammeLearningOutcome.objects.create(page=programme, text=text, sort_order=number)
    CompletionRule.objects.update_or_create(
        programme=programme,
        defaults={
            "min_attendance_percent": 80,
            "worksheets": CompletionRule.WorksheetRequirement.NONE,
            "assessments": CompletionRule.AssessmentRequirement.NONE,
        },
    )
    hours = Decimal(sessions * 150) / 60
    CreditMapping.objects.create(
        framework=CreditFramework.objects.get(short_name="ECTS"),
        programme=programme,
        contact_hours=hours,
        self_study_hours=hours / 2,
        placement_hours=Decimal("15"),
    )
    CreditMapping.objects.create(
        framework=CreditFramework.objects.get(short_name="RQF"),
        programme=programme,
        contact_hours=hours,
        self_study_hours=Decimal("10"),
        level="2",
        credits=Decimal("4"),
        basis=CreditMapping.Basis.RECOGNISED,
        recognised_by="Kent Adult Learning Awards",
        agreement_reference="KALA-2026-014",
        agreed_on=datetime.date(2026, 3, 1),
    )
    return programme, plans


def make_issuer():
    """The organisation, its certificate template and its certifying officer."""
    from django.contrib.auth.models import Group, User

    from certificates.models import CertificateTemplate
    from lms.roles import Role
    from training.models import Organisation

    organisation = Organisation.objects.create(
        name="Kent Peer Network", slug="kent-peer-network", city="Canterbury"
    )
    CertificateTemplate.objects.create(
        organisation=organisation,
        language="en",
        title="Certificate of peer support training",
        statement="{name} has completed {programme} ({hours} hours) with {organisation}.",
        signatory_name="Amira Haddad",
        signatory_role="Programme lead",
        second_signatory_name="Jonas Peeters",
        second_signatory_role="Director",
        footer="Kent Peer Network, 12 Castle Street, Canterbury",
        valid_for_months=60,
    )
    officer = User.objects.create(username="bench-officer", first_name="Julia", last_name="Guzman")
    officer.groups.add(Group.objects.get(name=Role.CERTIFYING_OFFICER.value))
    organisation.members.add(officer)
    return organisation, officer


def make_completed_cohorts(label, count, cohort_size, programme, plans, organisation, officer):
    """``count`` trainees in cohorts of ``cohort_size`` who attended every session, with
    their progress stored (so they are "completed"). Returns [(cohort, enrolment ids)]."""
    from delivery_data import FIRST_NAMES, LAST_NAMES
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.utils import timezone

    from training.completion import recompute_enrolments
    from training.models import AttendanceMark, Cohort, Enrolment, ScheduledSession

    now = timezone.now()
    unusable = make_password(None)
    firsts = FIRST_NAMES + [first for first, _last in EXTRA_NAMES]
    lasts = LAST_NAMES + [last for _first, last in EXTRA_NAMES]
    people = User.objects.bulk_create(
        [
            User(
                username=f"{label}-trainee-{n}",
                first_name=firsts[n % len(firsts)],
                last_name=lasts[(n // len(firsts) + n) % len(lasts)],
                password=unusable,
                date_joined=now,
            )
            for n in range(count)
        ],
        batch_size=1000,
    )
    Members = organisation.members.through
    Members.objects.bulk_create(
        [Members(organisation_id=organisation.pk, user_id=user.pk) for user in people],
        batch_size=1000,
    )
    sizes = [min(cohort_size, count - start) for start in range(0, count, cohort_size)]
    first_day = timezone.localdate() - datetime.timedelta(weeks=len(plans) + 2)
    cohorts = Cohort.objects.bulk_create(
        [
            Cohort(
                name=f"{label} cohort {n + 1}",
                programme=programme,
                organisation=organisation,
                language="en",
                starts_on=first_day,
                ends_on=first_day + datetime.timedelta(weeks=len(plans) - 1),
                capacity=max(10, size),
            )
            for n, size in enumerate(sizes)
        ]
    )
    enrolments, members, position = [], {}, 0
    for cohort, size in zip(cohorts, sizes, strict=True):
        for user in people[position : position + size]:
            enrolments.append(Enrolment(cohort_id=cohort.pk, trainee_id=user.pk, status="active"))
        position += size
    enrolments = Enrolment.objects.bulk_create(enrolments, batch_size=1000)
    for enrolment in enrolments:
        members.setdefault(enrolment.cohort_id, []).append(enrolment)

    def meeting(cohort, week, plan):
        day = first_day + datetime.timedelta(weeks=week)
        starts_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
        return ScheduledSession(
            cohort_id=cohort.pk,
            kind="training",
            session_plan_id=plan.pk,
            starts_at=starts_at,
            duration_minutes=150,
            place="Community room",
            register_taken_at=starts_at + datetime.timedelta(minutes=5),
        )

    meetings = ScheduledSession.objects.bulk_create(
        [meeting(cohort, k, plan) for cohort in cohorts for k, plan in enumerate(plans)],
        batch_size=1000,
    )
    AttendanceMark.objects.bulk_create(
        [
            AttendanceMark(
                scheduled_session_id=meeting.pk,
                enrolment_id=enrolment.pk,
                status="late" if (enrolment.pk + k) % 11 == 0 else "present",
                minutes_attended=120 if (enrolment.pk + k) % 11 == 0 else None,
                source="register",
                marked_by_id=officer.pk,
                marked_at=meeting.starts_at + datetime.timedelta(minutes=10),
            )
            for k, meeting in enumerate(meetings)
            for enrolment in members[meeting.cohort_id]
        ],
        batch_size=2000,
    )
    ids = [enrolment.pk for enrolment in enrolments]
    recompute_enrolments(ids)
    completed = Enrolment.objects.filter(pk__in=ids, status=Enrolment.Status.COMPLETED).count()
    if completed != len(ids):
        raise SystemExit(f"only {completed} of {len(ids)} enrolments completed the programme")
    return [(cohort, [e.pk for e in members[cohort.pk]]) for cohort in cohorts]


def issue_in_bulk(cohorts, officer):
    """Issue every cohort through the bulk path; returns (seconds, CPU seconds of this
    process, certificates issued, SQL queries)."""
    from django.db import connection

    from certificates.tasks import run_issue, start_issue_run

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    issued = 0
    with connection.execute_wrapper(count):
        started, cpu = time.perf_counter(), time.process_time()
        for cohort, enrolment_ids in cohorts:
            run = start_issue_run(cohort, officer, enrolment_ids)
            result = run_issue(run.pk)
            if result["skipped"]:
                run.refresh_from_db()
                raise SystemExit(f"{result['skipped']} not issued: {run.problems[:3]}")
            issued += result["issued"]
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return seconds, cpu, issued, queries


def render_passes(count, repeat):
    """Render ``count`` stored snapshots ``repeat`` times; check every PDF against the
    stored one. Returns a list of (wall seconds, CPU seconds) per pass, and PDF sizes."""
    from certificates.models import Certificate
    from certificates.pdf import render_certificate

    certificates = list(Certificate.objects.order_by("pk")[:count])
    if not certificates:
        raise SystemExit("no certificates to render")
    while len(certificates) < count:  # fewer issued than asked: go round again
        certificates += certificates[: count - len(certificates)]
    stored = dict(
        Certificate.objects.filter(pk__in={c.pk for c in certificates}).values_list("pk", "pdf")
    )
    render_certificate(certificates[0])  # fonts and styles load once per process
    passes = []
    for _pass in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        pdfs = [render_certificate(certificate) for certificate in certificates]
        passes.append((time.perf_counter() - started, time.process_time() - cpu))
        for certificate, data in zip(certificates, pdfs, strict=True):
            if data != bytes(stored[certificate.pk]):
                raise SystemExit(f"{certificate.code}: rendering again changed the PDF")
    sizes = [len(bytes(data)) for data in stored.values()]
    return passes, sizes


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--certificates", type=int, default=1000, help="issued per repeat")
    parser.add_argument(
        "--cohort-size", type=int, default=1000, help="trainees per cohort (one run each)"
    )
    parser.add_argument("--renders", type=int, default=500, help="PDFs per rendering pass")
    parser.add_argument("--sessions", type=int, default=12, help="session plans")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--database-url",
        "--database",
        dest="database_url",
        help="an empty database to use instead of a new SQLite file",
    )
    args = parser.parse_args()
    if min(args.certificates, args.cohort_size, args.renders, args.sessions, args.repeat) < 1:
        parser.error("every number must be at least 1")
    empty_database(args.database_url)
    from delivery_data import refresh_statistics
    from django.conf import settings
    from django.db import connection

    vendor = connection.vendor
    print(f"database: {vendor}; base address {settings.CERTIFICATES_BASE_URL}")
    started = time.perf_counter()
    programme, plans = make_programme(args.sessions)
    organisation, officer = make_issuer()
    batches = [
        make_completed_cohorts(
            f"r{n + 1}", args.certificates, args.cohort_size, programme, plans,
            organisation, officer,
        )
        for n in range(args.repeat)
    ]  # fmt: skip
    refresh_statistics()
    print(
        f"set up {args.repeat} x {args.certificates} completed trainees "
        f"({args.sessions} sessions each) in {time.perf_counter() - started:.0f} s"
    )

    print(f"\n(b) bulk issue of {args.certificates} in cohorts of {args.cohort_size}")
    print(
        f"{'repeat':<8}{'seconds':>9}{'per second':>12}{'CPU per second':>16}{'queries/cert':>14}"
    )
    bulk = []
    for n, cohorts in enumerate(batches, start=1):
        seconds, cpu, issued, queries = issue_in_bulk(cohorts, officer)
        bulk.append((seconds, cpu))
        print(
            f"{n:<8}{seconds:>9.1f}{issued / seconds:>12.1f}{issued / cpu:>16.1f}"
            f"{queries / issued:>14.1f}"
        )

    print(f"\n(a) rendering {args.renders} stored snapshots per pass, one core")
    print(f"{'pass':<8}{'seconds':>9}{'per second':>12}{'CPU per second':>16}")
    passes, sizes = render_passes(args.renders, args.repeat)
    for n, (wall, cpu) in enumerate(passes, start=1):
        print(f"{n:<8}{wall:>9.2f}{args.renders / wall:>12.1f}{args.renders / cpu:>16.1f}")

    wall = statistics.median(w for w, _c in passes)
    cpu = statistics.median(c for _w, c in passes)
    bulk_wall = statistics.median(w for w, _c in bulk)
    bulk_cpu = statistics.median(c for _w, c in bulk)
    print("\nsummary (medians)")
    rows = [
        ("database", vendor),
        ("certificates rendered per second, one core", f"{args.renders / wall:.1f}"),
        ("  by CPU time", f"{args.renders / cpu:.1f}"),
        ("  milliseconds per certificate", f"{wall / args.renders * 1000:.1f}"),
        (f"bulk issue of {args.certificates}, seconds", f"{bulk_wall:.1f}"),
        ("  certificates issued per second", f"{args.certificates / bulk_wall:.1f}"),
        ("  by CPU time of this process", f"{args.certificates / bulk_cpu:.1f}"),
        ("PDF size, KB (median)", f"{statistics.median(sizes) / 1024:.0f}"),
    ]
    for name, value in rows:
        print(f"{name:<46}{value:>10}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
    sys.exit(main())
