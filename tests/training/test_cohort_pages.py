"""The cohort list, the cohort hub and who may open every cohort page."""

import pytest
from django.urls import reverse

from lms.roles import Role
from tests.factories import UserFactory, make_cohort, make_scheduled_session
from training.models import CohortTrainer, Enrolment, TraineeProfile


@pytest.fixture
def other_manager(other_organisation):
    return UserFactory(
        username="other_manager", roles=[Role.PROGRAMME_MANAGER], organisation=other_organisation
    )


def cohort_urls(cohort, session, enrolment):
    return [
        reverse("training:cohort", args=[cohort.pk]),
        reverse("training:schedule", args=[cohort.pk]),
        reverse("training:session_new", args=[cohort.pk]),
        reverse("training:session_edit", args=[cohort.pk, session.pk]),
        reverse("training:trainee_new", args=[cohort.pk]),
        reverse("training:enrol_existing", args=[cohort.pk]),
        reverse("training:trainee_added", args=[cohort.pk, enrolment.pk]),
        reverse("training:enrolment_edit", args=[cohort.pk, enrolment.pk]),
        reverse("training:login_cards", args=[cohort.pk]),
    ]


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("trainer", 200),
        ("co_trainer", 200),
        ("manager", 200),
        ("other_org_trainer", 403),
        ("other_manager", 403),
        ("trainee", 403),
        ("editor", 403),
    ],
)
def test_who_may_open_each_cohort_page(
    request, as_user, cohort, scheduled, enrolment, other_cohort, persona, expected
):
    client = as_user(request.getfixturevalue(persona))
    for url in cohort_urls(cohort, scheduled[1], enrolment):
        assert client.get(url).status_code == expected, url


@pytest.mark.parametrize("persona", ["trainer", "manager", "trainee", "other_org_trainer"])
def test_every_post_is_refused_to_outsiders_and_checks_csrf(
    request, cohort, scheduled, enrolment, persona
):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(request.getfixturevalue(persona))
    for url in cohort_urls(cohort, scheduled[1], enrolment):
        # Without a CSRF token nobody gets through, staff included.
        assert client.post(url, {}).status_code == 403, url


def test_anonymous_people_are_sent_to_log_in(client, cohort, scheduled, enrolment):
    urls = cohort_urls(cohort, scheduled[1], enrolment) + [
        reverse("training:cohorts"),
        reverse("training:account"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_ids_from_another_cohort_are_not_found(as_user, trainer, cohort, other_cohort):
    stranger_session = make_scheduled_session(other_cohort)
    stranger_enrolment = Enrolment.objects.get(cohort=other_cohort)
    client = as_user(trainer)
    for url in [
        reverse("training:session_edit", args=[cohort.pk, stranger_session.pk]),
        reverse("training:enrolment_edit", args=[cohort.pk, stranger_enrolment.pk]),
        reverse("training:trainee_added", args=[cohort.pk, stranger_enrolment.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("training:cohort", args=[999999])).status_code == 404


# --- the list -------------------------------------------------------------------------------


def test_the_list_shows_only_the_groups_one_runs(
    as_user, trainer, manager, cohort, other_cohort, scheduled, programme, organisation
):
    not_mine = make_cohort(programme, organisation, name="Kent, autumn")
    page = as_user(trainer).get(reverse("training:cohorts")).content.decode()
    assert "Kent, spring" in page
    assert "Kent, autumn" not in page
    assert "Lille, spring" not in page
    assert "2 of 10 taken" in page
    assert "Session 2" in page  # the next session, a week ahead

    # A manager sees every group of their organisation, and no other.
    page = as_user(manager).get(reverse("training:cohorts")).content.decode()
    assert "Kent, spring" in page and "Kent, autumn" in page
    assert "Lille, spring" not in page
    assert not_mine.name in page


def test_the_list_is_for_staff_only(as_user, trainee, cohort):
    assert as_user(trainee).get(reverse("training:cohorts")).status_code == 403


def test_withdrawn_trainees_do_not_take_a_place(as_user, trainer, cohort, enrolment):
    enrolment.status = Enrolment.Status.WITHDRAWN
    enrolment.save()
    page = as_user(trainer).get(reverse("training:cohorts")).content.decode()
    assert "1 of 10 taken" in page


# --- the hub --------------------------------------------------------------------------------


def test_the_hub_lists_sessions_trainees_and_actions(
    as_user, trainer, cohort, scheduled, enrolment, other_enrolment
):
    scheduled[2].cancelled = True
    scheduled[2].save()
    TraineeProfile.objects.create(user=enrolment.trainee, created_by=trainer)
    enrolment.trainee.email = ""
    enrolment.trainee.save()
    other_enrolment.trainee.email = "other@example.org"
    other_enrolment.trainee.save()
    response = as_user(trainer).get(reverse("training:cohort", args=[cohort.pk]))
    page = response.content.decode()
    for text in ["Session 1", "Session 2", "Session 3", "Cancelled", "Community room"]:
        assert text in page
    assert "no email" in page
    assert "other@example.org" in page
    assert reverse("training:session_edit", args=[cohort.pk, scheduled[1].pk]) in page
    assert reverse("training:schedule", args=[cohort.pk]) in page
    assert reverse("training:trainee_new", args=[cohort.pk]) in page
    assert reverse("training:login_cards", args=[cohort.pk]) in page
    assert reverse("worksheets:grid", args=[cohort.pk]) in page
    assert reverse("training:enrolment_edit", args=[cohort.pk, enrolment.pk]) in page


def test_the_hub_links_to_pages_of_other_areas_when_they_exist(as_user, trainer, cohort, scheduled):
    from django.urls import NoReverseMatch

    page = as_user(trainer).get(reverse("training:cohort", args=[cohort.pk])).content.decode()
    for name, args in [
        ("training:register", [cohort.pk, scheduled[1].pk]),
        ("training:matrix", [cohort.pk]),
        ("training:import_trainees", [cohort.pk]),
        ("training:export", [cohort.pk, "enrolments", "csv"]),
    ]:
        try:
            url = reverse(name, args=args)
        except NoReverseMatch:
            continue
        assert url in page, name


def test_the_hub_says_how_many_sessions_have_no_date(as_user, trainer, cohort, session_plans):
    make_scheduled_session(cohort, session_plans[0])
    page = as_user(trainer).get(reverse("training:cohort", args=[cohort.pk])).content.decode()
    assert "2 sessions of the programme have no date yet" in page


# --- query counts ---------------------------------------------------------------------------


def _grow(cohort, programme, organisation, trainer, size):
    """Add ``size`` trainees with profiles and ``size`` support sessions to ``cohort``, and
    ``size`` more cohorts trained by ``trainer``."""
    for n in range(size):
        user = UserFactory(roles=[Role.TRAINEE], organisation=organisation)
        TraineeProfile.objects.create(user=user, created_by=trainer)
        Enrolment.objects.create(cohort=cohort, trainee=user)
        make_scheduled_session(cohort, None, days_from_now=n + 1, kind="support", title=f"S{n}")
        other = make_cohort(
            programme, organisation, trainers=[(trainer, CohortTrainer.Role.LEAD)], name=f"C{n}"
        )
        make_scheduled_session(other, None, days_from_now=n + 1, kind="support", title="x")


@pytest.mark.parametrize("size", [3, 30])
def test_the_hub_and_the_list_take_the_same_queries_at_any_size(
    as_user,
    trainer,
    cohort,
    scheduled,
    programme,
    organisation,
    size,
    django_assert_max_num_queries,
):
    _grow(cohort, programme, organisation, trainer, size)
    client = as_user(trainer)
    client.get(reverse("training:cohort", args=[cohort.pk]))  # warm the session and caches
    # +1: the evaluation partial's answered counts; +1: the programme's quizzes;
    # +1: the session plans with a self-assessment; +1: who is paused after wrong tries.
    with django_assert_max_num_queries(16):
        response = client.get(reverse("training:cohort", args=[cohort.pk]))
    assert response.content.decode().count("row-title") >= 2 * size
    with django_assert_max_num_queries(8):
        response = client.get(reverse("training:cohorts"))
    assert response.content.decode().count("row-title") == size + 1
    # +1: the cards that still work; +1: the log of cards printed for the group; +1: who used
    # a card before, for those without a password of their own.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("training:login_cards", args=[cohort.pk]))
    # Everyone here has a password of their own, so each is offered a replacement card.
    assert response.content.decode().count('id="returning-') == size + 2


@pytest.mark.parametrize("size", [3, 30])
def test_the_trainer_home_takes_the_same_queries_at_any_size(
    as_user,
    trainer,
    cohort,
    scheduled,
    programme,
    organisation,
    size,
    django_assert_max_num_queries,
):
    _grow(cohort, programme, organisation, trainer, size)
    client = as_user(trainer)
    client.get(reverse("home"))
    with django_assert_max_num_queries(11):
        response = client.get(reverse("home"))
    page = response.content.decode()
    assert page.count(">Open the group<") == size + 1


def test_the_trainer_home_shows_the_next_session_and_links(as_user, trainer, cohort, scheduled):
    page = as_user(trainer).get(reverse("home")).content.decode()
    assert "Kent, spring" in page
    assert "Session 2" in page  # session 1 was a week ago
    assert reverse("training:cohort", args=[cohort.pk]) in page
    assert reverse("worksheets:grid", args=[cohort.pk]) in page
    try:
        register_url = reverse("training:register", args=[cohort.pk, scheduled[1].pk])
    except Exception:
        register_url = None
    if register_url:
        assert register_url in page
        assert "Take the register" in page
