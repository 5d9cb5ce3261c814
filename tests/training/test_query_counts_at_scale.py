"""The delivery pages cost the same number of queries for 10 trainees as for 10,000.

Two data sets from ``benchmarks.delivery_data`` share one database: a small one (one
organisation, one cohort of 10, two sessions) and a large one (10,000 trainees in 1,000
cohorts of the same organisation, three sessions each, the first cohort of 40). Each page is
asked for in both, as the people who use it, under the same query limit; the counts must be
equal, and the page must show the right names so an error page cannot pass.

The data is built once for the module inside a transaction that is rolled back at the end:
each test runs in its own savepoint within it, so nothing leaks into other tests.
"""

import pytest
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape

from benchmarks.delivery_data import generate

# Per page: (url name or None for "/", who opens it, how to build the arguments, limit).
PAGES = {
    "register": ("training:register", "trainer", lambda d: (d.cohort.pk, d.held_session.pk)),
    "cohort matrix": ("training:matrix", "trainer", lambda d: (d.cohort.pk,)),
    "trainee home": (None, "trainee", lambda d: ()),
    "cohort hub": ("training:cohort", "trainer", lambda d: (d.cohort.pk,)),
    "manager report": ("training:report", "manager", lambda d: ()),
}
# The same bound at both sizes. Set from the counts measured at the small size.
LIMITS = {
    "register": 12,
    "cohort matrix": 18,
    # +1: the trainee's certificates (one query, whatever their number).
    "trainee home": 29,
    # +4: the H5P partial (session plans, activities, finished counts, trainees; 1 when the
    # programme has no H5P activity).
    "cohort hub": 18,
    "manager report": 18,
}


@pytest.fixture(scope="module")
def data_sets(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        small = generate(trainees=10, cohorts=1, sessions=2, held=1, organisations=1, label="small")
        large = generate(
            trainees=10_000,
            cohorts=1_000,
            sessions=3,
            held=2,
            organisations=1,
            big_cohort=40,
            label="large",
        )
        yield {"small": small, "large": large}
        transaction.set_rollback(True)


def url_for(page, data):
    url_name, _who, args = PAGES[page]
    if url_name is None:
        return "/"
    try:
        return reverse(url_name, args=args(data))
    except NoReverseMatch:
        pytest.skip(f"the {page} page is not built yet ({url_name})")


def expected_text(page, data):
    """What the page must show: names of this data set's people or groups."""
    cohort_names = [escape(e.trainee.get_full_name()) for e in active_enrolments(data)]
    if page in ("register", "cohort matrix", "cohort hub"):
        return [data.cohort.name, *cohort_names]
    if page == "trainee home":
        return [escape(data.programme.title), data.held_session.session_plan.title]
    return [data.cohort.name, data.organisation.name]


def active_enrolments(data):
    return list(data.cohort.enrolments.exclude(status="withdrawn").select_related("trainee"))


def count_queries(client, data, page, django_assert_max_num_queries):
    client.force_login(getattr(data, PAGES[page][1]))
    url = url_for(page, data)
    client.get(url)  # warm the caches every page shares (site, content types)
    with django_assert_max_num_queries(LIMITS[page]) as captured:
        response = client.get(url)
    assert response.status_code == 200, (page, url, response.status_code)
    html = response.content.decode()
    for text in expected_text(page, data):
        assert text in html, (page, text)
    return len(captured.captured_queries)


def test_the_data_sets_have_the_sizes_the_test_claims(data_sets, db):
    small, large = data_sets["small"], data_sets["large"]
    assert small.counts["trainees"] == 10 and small.counts["cohorts"] == 1
    assert large.counts["trainees"] == 10_000 and large.counts["cohorts"] == 1_000
    assert large.cohort.enrolments.count() == 40
    assert large.counts["attendance marks"] > 15_000
    assert large.manager.organisations.get() == large.organisation
    assert large.organisation.cohorts.count() == 1_000


@pytest.mark.parametrize("page", list(PAGES))
def test_query_count_is_the_same_for_10_and_10000_trainees(
    data_sets, db, client, django_assert_max_num_queries, page
):
    small = count_queries(client, data_sets["small"], page, django_assert_max_num_queries)
    large = count_queries(client, data_sets["large"], page, django_assert_max_num_queries)
    assert large == small, f"{page}: {small} queries for 10 trainees, {large} for 10,000"


def test_the_large_report_counts_every_cohort(data_sets, db, client):
    """The manager of the large organisation sees its 1,000 cohorts, not the small one's."""
    large = data_sets["large"]
    client.force_login(large.manager)
    html = client.get(url_for("manager report", large)).content.decode()
    assert "large cohort 1000" in html
    assert data_sets["small"].cohort.name not in html
