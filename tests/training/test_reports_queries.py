"""The report, its downloads and the manager's home page read a fixed number of queries
whatever the number of cohorts, trainees and marks: the same count at 2 and at 20 cohorts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lms.roles import Role
from tests.factories import (
    UserFactory,
    make_cohort,
    make_scheduled_session,
    make_session,
)
from training.models import AttendanceMark, Enrolment, TrainingTarget

# Generous enough for session, user and role look-ups plus the report's own dozen, small
# enough that one query per cohort (2 vs 20) could never fit under it at both sizes.
BOUND = 20
STATUSES = ["present", "late", "absent", "excused", "left_early"]


def build(manager, organisation, programme, plans, count, start):
    """``count`` cohorts of three trainees; sessions 1 and 2 held with every mark taken,
    session 3 ahead."""
    TrainingTarget.objects.get_or_create(
        organisation=organisation, programme=programme, defaults={"trained": 30}
    )
    cohorts = []
    for index in range(count):
        trainees = [
            UserFactory(username=f"q{start + index}_{n}", roles=[Role.TRAINEE]) for n in range(3)
        ]
        cohort = make_cohort(
            programme, organisation, trainees=trainees, name=f"Group {start + index}"
        )
        cohort.starts_on = datetime.date(2027, 1, 1) + datetime.timedelta(days=index)
        cohort.save()
        sessions = [
            make_scheduled_session(cohort, plans[0], days_from_now=-14),
            make_scheduled_session(cohort, plans[1], days_from_now=-7),
            make_scheduled_session(cohort, plans[2], days_from_now=7),
        ]
        enrolments = list(Enrolment.objects.filter(cohort=cohort))
        AttendanceMark.objects.bulk_create(
            AttendanceMark(
                scheduled_session=session,
                enrolment=enrolment,
                status=STATUSES[(i + j) % len(STATUSES)],
            )
            for i, session in enumerate(sessions[:2])
            for j, enrolment in enumerate(enrolments)
        )
        Enrolment.objects.filter(pk=enrolments[0].pk).update(status="completed")
        Enrolment.objects.filter(pk=enrolments[1].pk).update(status="withdrawn")
        cohorts.append(cohort)
    return cohorts


def count(client, url, params, assert_max):
    client.get(url, params)  # warm caches (site root, content types)
    with assert_max(BOUND), CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    return len(queries)


@pytest.fixture
def setting(db, programme, organisation, manager):
    plans = [make_session(programme, number=n) for n in (1, 2, 3)]
    return manager, organisation, programme, plans


def urls(cohort):
    return [
        ("report", reverse("training:report"), None),
        ("report by date", reverse("training:report"), {"starts_from": "2027-01-01"}),
        ("one cohort", reverse("training:report"), {"cohort": cohort.pk}),
        ("xlsx", reverse("training:report_export"), None),
        ("xlsx one cohort", reverse("training:report_export"), {"cohort": cohort.pk}),
        ("pdf", reverse("training:report_pdf"), None),
        ("home", "/", None),
    ]


def test_query_counts_do_not_grow_with_cohorts(setting, client, django_assert_max_num_queries):
    manager, organisation, programme, plans = setting
    client.force_login(manager)
    first = build(manager, organisation, programme, plans, 2, 0)[0]
    small = {
        name: count(client, url, params, django_assert_max_num_queries)
        for name, url, params in urls(first)
    }
    build(manager, organisation, programme, plans, 18, 2)
    large = {
        name: count(client, url, params, django_assert_max_num_queries)
        for name, url, params in urls(first)
    }
    assert large == small, (small, large)
    # The data really grew and is really on the page.
    page = client.get(reverse("training:report")).content.decode()
    assert page.count("Group ") >= 20


def test_the_report_counts_the_large_dataset_in_the_database(setting, client):
    manager, organisation, programme, plans = setting
    build(manager, organisation, programme, plans, 20, 0)
    from training import reports

    rows = reports.cohort_rows(manager)
    assert len(rows) == 20
    for row in rows:
        # Marks cycle through the statuses; the withdrawn trainee's marks are left out.
        assert (row.enrolled, row.withdrawn, row.sessions_held, row.expected) == (3, 1, 2, 4)
    [target] = reports.target_rows(manager)
    assert (target.completed, target.withdrawn, target.in_training) == (20, 20, 20)


def test_a_long_cohort_table_is_cut_into_pages(setting, client, monkeypatch):
    from training.views import reports as report_views

    monkeypatch.setattr(report_views, "COHORTS_PER_PAGE", 5)
    manager, organisation, programme, plans = setting
    build(manager, organisation, programme, plans, 7, 0)
    client.force_login(manager)
    first = client.get(reverse("training:report")).content.decode()
    assert "Page 1 of 2" in first and "page=2" in first
    second = client.get(reverse("training:report"), {"page": 2}).content.decode()
    table = second[second.index('id="cohorts-heading"') : second.index('id="sessions"')]
    # Cohorts start a day apart, in name order: the sixth and seventh are on page 2.
    assert "Group 5" in table and "Group 6" in table and "Group 0" not in table
    # The totals still cover all seven cohorts (three trainees each).
    assert '<td class="num">21</td>' in table
