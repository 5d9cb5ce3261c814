"""The trainer's adapted plans cost the same queries for a small cohort and a big one, with
more sessions and more people who stepped out of the story."""

from django.urls import reverse

from lms.roles import Role
from profiles.models import StoryChoice
from tests.factories import UserFactory, make_scheduled_session, make_session
from training.models import Enrolment


def grow(cohort, programme, plan, story, *, trainees, sessions, first_number):
    """Add ``trainees`` who all stepped out of ``story`` and ``sessions`` more sessions;
    returns the new trainees."""
    people = []
    for _ in range(trainees):
        person = UserFactory(roles=[Role.TRAINEE])
        people.append(person)
        enrolment = Enrolment.objects.create(cohort=cohort, trainee=person)
        StoryChoice.objects.create(
            enrolment=enrolment, scenario=story, choice=StoryChoice.Choice.STEPPED_OUT
        )
    for number in range(first_number, first_number + sessions):
        extra = make_session(programme, number=number, title=f"Extra {number}")
        make_scheduled_session(cohort, extra, days_from_now=number)
    return people


def test_the_adapted_plans_cost_the_same_queries_as_the_cohort_grows(
    as_user, trainer, programme, plan, story, meeting, django_assert_max_num_queries
):
    client = as_user(trainer)
    cohort = meeting.cohort
    overview = reverse("profiles:cohort_plans", args=[cohort.pk])
    session_plan = reverse("profiles:trainer_plan", args=[cohort.pk, meeting.pk])

    grow(cohort, programme, plan, story, trainees=1, sessions=1, first_number=3)
    client.get(overview)  # warm caches (site root, content types)
    client.get(session_plan)
    with django_assert_max_num_queries(20) as small_overview:
        assert client.get(overview).status_code == 200
    with django_assert_max_num_queries(20) as small_plan:
        assert client.get(session_plan).status_code == 200

    people = grow(cohort, programme, plan, story, trainees=12, sessions=6, first_number=4)
    with django_assert_max_num_queries(len(small_overview)):
        page = client.get(overview)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("Extra ") >= 7
    assert all(person.get_full_name() in html for person in people)
    with django_assert_max_num_queries(len(small_plan)):
        page = client.get(session_plan)
    assert page.status_code == 200
    html = page.content.decode()
    assert all(person.get_full_name() in html for person in people)
