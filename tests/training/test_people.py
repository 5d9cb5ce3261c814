"""A cohort's people: new trainees (with or without email), existing ones, enrolment status,
and one's own email address."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.urls import reverse

from lms.roles import Role, user_roles
from tests.factories import UserFactory
from training import people
from training.models import Enrolment, TraineeProfile


def new_trainee(client, cohort, **fields):
    data = {"first_name": "Marie", "last_name": "Dupont", "email": "", "phone": "", "reference": ""}
    data.update(fields)
    return client.post(reverse("training:trainee_new", args=[cohort.pk]), data)


# --- creating a trainee ---------------------------------------------------------------------


def test_a_trainer_creates_a_trainee_without_email(as_user, trainer, cohort, organisation):
    client = as_user(trainer)
    response = new_trainee(client, cohort, phone="0612", reference="K-17")
    user = User.objects.get(first_name="Marie", last_name="Dupont")
    enrolment = Enrolment.objects.get(cohort=cohort, trainee=user)
    assert response.status_code == 302
    assert response["Location"] == reverse("training:trainee_added", args=[cohort.pk, enrolment.pk])
    assert user.username == "marie.d"
    assert user.email == ""
    assert not user.has_usable_password()
    assert user_roles(user) == {Role.TRAINEE}
    assert organisation.members.filter(pk=user.pk).exists()
    profile = user.trainee_profile
    assert (profile.created_by, profile.phone, profile.reference) == (trainer, "0612", "K-17")
    assert enrolment.status == Enrolment.Status.ACTIVE

    page = client.get(response["Location"]).content.decode()
    assert "Print their login card" in page
    assert "marie.d" in page
    assert reverse("training:login_cards", args=[cohort.pk]) in page


def test_the_same_email_cannot_join_the_group_twice(as_user, trainer, cohort):
    client = as_user(trainer)
    assert new_trainee(client, cohort, email="marie@example.org").status_code == 302
    response = new_trainee(client, cohort, email="MARIE@example.org")
    assert response.status_code == 400
    assert "Marie Dupont is already in this group" in response.content.decode()
    assert User.objects.filter(first_name="Marie", last_name="Dupont").count() == 1


def test_an_email_from_another_organisation_is_refused_without_naming_anyone(
    as_user, trainer, cohort, other_organisation
):
    UserFactory(
        first_name="Secret",
        last_name="Person",
        email="taken@example.org",
        roles=[Role.TRAINEE],
        organisation=other_organisation,
    )
    response = new_trainee(as_user(trainer), cohort, email="taken@example.org")
    page = response.content.decode()
    assert response.status_code == 400
    assert "cannot be used here" in page
    assert "Secret" not in page and "Person" not in page
    # By the whole name: the factories give other people random first names.
    assert not User.objects.filter(first_name="Marie", last_name="Dupont").exists()


def test_a_known_trainee_of_the_organisation_is_pointed_to_the_existing_account(
    as_user, trainer, cohort, organisation
):
    UserFactory(
        first_name="Yazid",
        last_name="B",
        email="yazid@example.org",
        roles=[Role.TRAINEE],
        organisation=organisation,
    )
    response = new_trainee(as_user(trainer), cohort, email="yazid@example.org")
    assert response.status_code == 400
    assert "already has an account" in response.content.decode()


def test_a_full_group_takes_nobody_more(as_user, trainer, cohort):
    cohort.capacity = 2  # trainee and other_trainee
    cohort.save()
    response = new_trainee(as_user(trainer), cohort)
    assert response.status_code == 400
    assert "This group is full" in response.content.decode()
    # By the whole name: the factories give other people random first names.
    assert not User.objects.filter(first_name="Marie", last_name="Dupont").exists()
    assert not TraineeProfile.objects.exists()


def test_the_last_place_goes_to_the_first_of_two_trainers(cohort, trainer, co_trainer):
    """Two trainers add someone to the last place: the service refuses the second."""
    cohort.capacity = 3
    cohort.save()
    first = people.trainee_create(
        cohort=cohort, first_name="An", last_name="Nguyen", created_by=trainer
    )
    with pytest.raises(ValidationError, match="full"):
        people.trainee_create(
            cohort=cohort, first_name="Fatima", last_name="Z", created_by=co_trainer
        )
    assert cohort.places_taken() == 3
    assert first.trainee.first_name == "An"
    assert not User.objects.filter(first_name="Fatima", last_name="Z").exists()


def test_a_withdrawn_trainee_frees_their_place(cohort, trainer, enrolment):
    cohort.capacity = 2
    cohort.save()
    people.enrolment_set_status(enrolment=enrolment, status=Enrolment.Status.WITHDRAWN)
    people.trainee_create(cohort=cohort, first_name="Lucie", last_name="M", created_by=trainer)
    # Coming back would overfill the group now.
    with pytest.raises(ValidationError, match="full"):
        people.enrolment_set_status(enrolment=enrolment, status=Enrolment.Status.ACTIVE)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.WITHDRAWN


def test_capacity_locks_the_cohort_row(cohort, trainer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        people.trainee_create(cohort=cohort, first_name="A", last_name="B", created_by=trainer)
    if connection.features.has_select_for_update:
        assert any("FOR UPDATE" in q["sql"] for q in queries.captured_queries)


def test_two_people_with_the_same_name_get_different_usernames(cohort, trainer):
    cohort.capacity = 20
    cohort.save()
    a = people.trainee_create(cohort=cohort, first_name="Marie", last_name="D", created_by=trainer)
    b = people.trainee_create(cohort=cohort, first_name="Marie", last_name="D", created_by=trainer)
    assert {a.trainee.username, b.trainee.username} == {"marie.d", "marie.d2"}


def test_names_are_required(cohort, trainer):
    with pytest.raises(ValidationError):
        people.trainee_create(cohort=cohort, first_name=" ", last_name="X", created_by=trainer)
    assert not TraineeProfile.objects.exists()


# --- enrolling someone who has an account ---------------------------------------------------


def test_an_existing_trainee_of_the_organisation_can_be_enrolled(
    as_user, trainer, cohort, organisation, other_organisation, other_cohort
):
    mine = UserFactory(first_name="Claudia", roles=[Role.TRAINEE], organisation=organisation)
    UserFactory(first_name="Elsewhere", roles=[Role.TRAINEE], organisation=other_organisation)
    UserFactory(first_name="Colleague", roles=[Role.TRAINER], organisation=organisation)
    url = reverse("training:enrol_existing", args=[cohort.pk])
    client = as_user(trainer)
    choices = list(client.get(url).context["form"].fields["trainee"].queryset)
    assert choices == [mine]  # not enrolled already, not from elsewhere, not staff

    stranger = other_cohort.enrolments.get().trainee
    assert client.post(url, {"trainee": stranger.pk}).status_code == 400
    assert not Enrolment.objects.filter(cohort=cohort, trainee=stranger).exists()

    assert client.post(url, {"trainee": mine.pk}).status_code == 302
    assert Enrolment.objects.filter(cohort=cohort, trainee=mine).exists()


def test_enrolling_twice_is_refused_by_the_service(cohort, trainee):
    with pytest.raises(ValidationError, match="already in this group"):
        people.enrolment_add(cohort=cohort, trainee=trainee)
    assert Enrolment.objects.filter(cohort=cohort, trainee=trainee).count() == 1


def test_enrolling_into_a_full_group_is_refused(cohort, organisation):
    cohort.capacity = 2
    cohort.save()
    newcomer = UserFactory(roles=[Role.TRAINEE], organisation=organisation)
    with pytest.raises(ValidationError, match="full"):
        people.enrolment_add(cohort=cohort, trainee=newcomer)


# --- status and details ---------------------------------------------------------------------


def test_withdrawing_records_when_and_why_and_coming_back_clears_it(
    as_user, trainer, cohort, enrolment, django_capture_on_commit_callbacks
):
    from training.signals import progress_inputs_changed

    received = []

    def listener(sender, enrolment_ids, **kwargs):
        received.extend(enrolment_ids)

    progress_inputs_changed.connect(listener)
    url = reverse("training:enrolment_edit", args=[cohort.pk, enrolment.pk])
    client = as_user(trainer)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url, {"action": "status", "status": "withdrawn", "reason": "Moved away"}
            )
    finally:
        progress_inputs_changed.disconnect(listener)
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.WITHDRAWN
    assert enrolment.withdrawn_at is not None
    assert enrolment.withdrawal_reason == "Moved away"
    assert received == [enrolment.pk]

    client.post(url, {"action": "status", "status": "active", "reason": ""})
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert enrolment.withdrawn_at is None and enrolment.withdrawal_reason == ""


def test_completed_cannot_be_set_by_hand(as_user, trainer, cohort, enrolment):
    response = as_user(trainer).post(
        reverse("training:enrolment_edit", args=[cohort.pk, enrolment.pk]),
        {"action": "status", "status": "completed"},
    )
    assert response.status_code == 400
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE


def test_staff_edit_the_details_of_a_trainee_they_created(as_user, trainer, cohort):
    enrolment = people.trainee_create(
        cohort=cohort, first_name="Hasan", last_name="K", created_by=trainer
    )
    url = reverse("training:enrolment_edit", args=[cohort.pk, enrolment.pk])
    response = as_user(trainer).post(
        url,
        {
            "action": "details",
            "first_name": "Hassan",
            "last_name": "Kaya",
            "email": "hassan@example.org",
            "phone": "0700",
            "reference": "R1",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(pk=enrolment.trainee_id)
    assert (user.first_name, user.last_name, user.email) == ("Hassan", "Kaya", "hassan@example.org")
    assert user.trainee_profile.phone == "0700"


def test_staff_cannot_edit_someone_who_manages_their_own_account(
    as_user, trainer, cohort, enrolment
):
    before = enrolment.trainee.first_name
    url = reverse("training:enrolment_edit", args=[cohort.pk, enrolment.pk])
    client = as_user(trainer)
    assert client.get(url).context["details_form"] is None
    response = client.post(
        url, {"action": "details", "first_name": "Changed", "last_name": "X", "email": ""}
    )
    assert response.status_code == 403
    enrolment.trainee.refresh_from_db()
    assert enrolment.trainee.first_name == before


# --- one's own account ----------------------------------------------------------------------


def test_a_trainee_adds_an_email_later_through_the_link_sent_to_it(as_user, trainer, cohort):
    import re

    from django.core import mail

    enrolment = people.trainee_create(
        cohort=cohort, first_name="Abdoul", last_name="K", created_by=trainer
    )
    user = enrolment.trainee
    client = as_user(user)
    page = client.get(reverse("training:account")).content.decode()
    assert user.username in page and "Abdoul" in page
    response = client.post(reverse("training:account"), {"email": "abdoul@Example.ORG"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == ""
    link = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    client.post(link)
    user.refresh_from_db()
    assert user.email == "abdoul@example.org"


def test_an_email_in_use_gets_the_same_message_as_any_other(as_user, trainee, other_org_trainer):
    other_org_trainer.email = "used@example.org"
    other_org_trainer.save()
    response = as_user(trainee).post(
        reverse("training:account"), {"email": "USED@example.org"}, follow=True
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "We sent a link to USED@example.org" in page
    assert "cannot be used here" not in page
    assert "other_org_trainer" not in page
    trainee.refresh_from_db()
    assert trainee.email != "used@example.org"


def test_staff_cannot_change_the_email_of_a_trainee_who_has_logged_in(as_user, trainer, cohort):
    """Their email is where a new password goes: a staff member who could put their own
    address there could take the account over with "Forgot your password?"."""
    enrolment = people.trainee_create(
        cohort=cohort, first_name="Hasan", last_name="K", created_by=trainer
    )
    user = enrolment.trainee
    user.set_password("their-own-secret-1")
    user.save()
    url = reverse("training:enrolment_edit", args=[cohort.pk, enrolment.pk])
    data = {
        "action": "details",
        "first_name": "Hassan",
        "last_name": "K",
        "phone": "",
        "reference": "",
    }
    response = as_user(trainer).post(url, {**data, "email": "trainer@example.org"})
    assert response.status_code == 400
    assert "only they can change their email" in response.content.decode()
    user.refresh_from_db()
    assert user.email == "" and user.first_name == "Hasan"
    # Their name can still be corrected.
    assert as_user(trainer).post(url, {**data, "email": ""}).status_code == 302
    user.refresh_from_db()
    assert user.first_name == "Hassan"
    # And a wrong address removed (then a replacement card, with them present, gets them in).
    user.email = "wrong@example.org"
    user.save()
    assert as_user(trainer).post(url, {**data, "email": ""}).status_code == 302
    user.refresh_from_db()
    assert user.email == ""


def test_the_account_page_is_for_anyone_logged_in(as_user, trainer, manager):
    for person in (trainer, manager):
        assert as_user(person).get(reverse("training:account")).status_code == 200


# Serialized rollback puts the migrated groups back for the transactional tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_trainers_at_once_cannot_overfill_the_group(programme, organisation, trainer):
    """On PostgreSQL, two threads race for the last place; the row lock lets one in."""
    import threading

    from django.db import connection, connections

    from tests.factories import make_cohort

    if not connection.features.has_select_for_update:
        pytest.skip("SQLite lets one writer in at a time; the row lock needs PostgreSQL.")
    cohort = make_cohort(programme, organisation, name="Race")
    cohort.capacity = 1
    cohort.save()
    barrier = threading.Barrier(2)
    outcomes = []

    def add(first_name):
        try:
            barrier.wait()
            people.trainee_create(
                cohort=cohort, first_name=first_name, last_name="R", created_by=trainer
            )
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("full")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=add, args=(name,)) for name in ("Ana", "Bea")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["full", "ok"]
    assert cohort.enrolments.count() == 1
