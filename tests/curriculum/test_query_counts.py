"""Pages cost the same number of queries however much content they show."""

import pytest

from tests.factories import (
    CaseScenarioFactory,
    WorksheetFactory,
    activity,
    make_programme,
    make_session,
)

pytestmark = pytest.mark.django_db


def build_session(programme, number, activities):
    worksheets = [WorksheetFactory() for _ in range(activities)]
    scenarios = [CaseScenarioFactory(notes=["Addiction", "Prison"]) for _ in range(activities)]
    return make_session(
        programme,
        number=number,
        # Fits at the shortest times, overruns at the longest: the editor's home lists it.
        planned_duration=25 + 10 * activities,
        activities=[
            activity(f"Activity {n}", 10, 15, worksheet=worksheets[n], scenario=scenarios[n])
            for n in range(activities)
        ],
        outcomes=[f"Outcome {n}" for n in range(activities)],
    )


def count_queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("role", ["trainer", "trainee"])
def test_the_session_page_does_not_grow_with_its_activities(
    request, as_user, django_assert_max_num_queries, role
):
    programme = make_programme()
    small = build_session(programme, 1, activities=2)
    large = build_session(programme, 2, activities=12)
    client = as_user(request.getfixturevalue(role))
    client.get(small.url)  # warm caches that every page shares (site root paths)
    small_count = count_queries(client, small.url, django_assert_max_num_queries, 20)
    large_count = count_queries(client, large.url, django_assert_max_num_queries, 20)
    assert large_count == small_count


def test_the_programme_page_does_not_grow_with_its_sessions(
    as_user, trainer, django_assert_max_num_queries
):
    small = make_programme("Small")
    for number in range(1, 3):
        build_session(small, number, activities=1)
    large = make_programme("Large")
    for number in range(1, 11):
        build_session(large, number, activities=3)
    client = as_user(trainer)
    client.get(small.url)
    # 16, +1 for the credits section (one query when the programme has no credit mappings).
    small_count = count_queries(client, small.url, django_assert_max_num_queries, 17)
    large_count = count_queries(client, large.url, django_assert_max_num_queries, 17)
    assert large_count == small_count


@pytest.mark.parametrize("role", ["trainer", "trainee", "editor", "manager"])
def test_the_home_page_does_not_grow_with_the_curriculum(
    request, as_user, django_assert_max_num_queries, role
):
    client = as_user(request.getfixturevalue(role))
    programme = make_programme("First")
    build_session(programme, 1, activities=1)
    client.get("/")
    # The trainee home adds what each assessment area has waiting (+1 evaluation, +1 quizzes,
    # +1 self-assessment).
    limit = 12 + (3 if role == "trainee" else 0)
    small_count = count_queries(client, "/", django_assert_max_num_queries, limit)
    for title in ("Second", "Third"):
        other = make_programme(title)
        for number in range(1, 6):
            build_session(other, number, activities=2)
    response = client.get("/")
    large_count = count_queries(client, "/", django_assert_max_num_queries, limit)
    assert large_count == small_count
    if role == "editor":
        assert response.content.decode().count("/edit/") == 11  # every session may overrun
