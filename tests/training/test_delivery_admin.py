"""The Wagtail admin screens for organisations, cohorts, their trainers and targets: each
programme manager sees and chooses only their own organisations."""

import pytest
from django.urls import reverse

from lms.roles import Role
from tests.factories import UserFactory
from training.models import Cohort, CohortTrainer, Organisation, TrainingTarget


@pytest.fixture
def other_manager(other_organisation):
    return UserFactory(
        username="other_manager", roles=[Role.PROGRAMME_MANAGER], organisation=other_organisation
    )


@pytest.fixture
def target(organisation, programme):
    return TrainingTarget.objects.create(organisation=organisation, programme=programme, trained=32)


@pytest.fixture
def other_target(other_organisation, programme):
    return TrainingTarget.objects.create(
        organisation=other_organisation, programme=programme, trained=12
    )


def object_urls(namespace, pk):
    return [
        reverse(f"{namespace}:edit", args=[pk]),
        reverse(f"{namespace}:delete", args=[pk]),
        reverse(f"{namespace}:history", args=[pk]),
        reverse(f"{namespace}:usage", args=[pk]),
    ]


def test_lists_show_only_the_managers_organisation(
    as_user, manager, cohort, other_cohort, target, other_target
):
    client = as_user(manager)
    page = client.get(reverse("organisations:index")).content.decode()
    assert "Kent Peer Network" in page and "Lille Pairs Aidants" not in page
    page = client.get(reverse("cohorts:index")).content.decode()
    assert "Kent, spring" in page and "Lille, spring" not in page
    page = client.get(reverse("cohort_trainers:index")).content.decode()
    assert "co_trainer" in page or "Kent, spring" in page
    assert "Lille, spring" not in page and "other_org_trainer" not in page
    page = client.get(reverse("training_targets:index")).content.decode()
    assert "32" in page and "Lille Pairs Aidants" not in page


def test_another_organisations_records_are_not_found(
    as_user, manager, other_cohort, other_organisation, other_target
):
    client = as_user(manager)
    trainer_link = CohortTrainer.objects.get(cohort=other_cohort)
    for namespace, pk in [
        ("organisations", other_organisation.pk),
        ("cohorts", other_cohort.pk),
        ("cohort_trainers", trainer_link.pk),
        ("training_targets", other_target.pk),
    ]:
        for url in object_urls(namespace, pk):
            assert client.get(url).status_code == 404, url
    # A POST to delete is refused the same way, and nothing goes.
    assert client.post(reverse("cohorts:delete", args=[other_cohort.pk])).status_code == 404
    assert Cohort.objects.filter(pk=other_cohort.pk).exists()


def test_a_manager_edits_their_own_cohort(as_user, manager, cohort, programme, organisation):
    client = as_user(manager)
    url = reverse("cohorts:edit", args=[cohort.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "Kent, spring (renamed)",
            "programme": programme.pk,
            "organisation": organisation.pk,
            "language": "en",
            "starts_on": "2027-03-01",
            "ends_on": "",
            "capacity": "12",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    cohort.refresh_from_db()
    assert cohort.name == "Kent, spring (renamed)" and cohort.capacity == 12


def test_forms_offer_only_ones_own_organisations(
    as_user, manager, programme, organisation, other_organisation
):
    client = as_user(manager)
    form = client.get(reverse("cohorts:add")).context["form"]
    assert list(form.fields["organisation"].queryset) == [organisation]
    form = client.get(reverse("training_targets:add")).context["form"]
    assert list(form.fields["organisation"].queryset) == [organisation]

    response = client.post(
        reverse("cohorts:add"),
        {
            "name": "Sneaky",
            "programme": programme.pk,
            "organisation": other_organisation.pk,
            "language": "en",
            "capacity": "10",
        },
    )
    assert response.status_code == 200  # the form comes back with an error
    assert not Cohort.objects.filter(name="Sneaky").exists()


def test_trainers_can_only_come_from_the_cohorts_organisation(
    as_user, manager, cohort, other_org_trainer, organisation
):
    colleague = UserFactory(roles=[Role.TRAINER], organisation=organisation)
    client = as_user(manager)
    form = client.get(reverse("cohort_trainers:add")).context["form"]
    assert other_org_trainer not in form.fields["user"].queryset
    assert colleague in form.fields["user"].queryset

    response = client.post(
        reverse("cohort_trainers:add"),
        {"cohort": cohort.pk, "user": other_org_trainer.pk, "role": "co"},
    )
    assert response.status_code == 200
    assert not CohortTrainer.objects.filter(user=other_org_trainer, cohort=cohort).exists()

    response = client.post(
        reverse("cohort_trainers:add"), {"cohort": cohort.pk, "user": colleague.pk, "role": "peer"}
    )
    assert response.status_code == 302
    assert CohortTrainer.objects.filter(user=colleague, cohort=cohort, role="peer").exists()


def test_a_manager_who_adds_an_organisation_belongs_to_it(as_user, manager):
    response = as_user(manager).post(
        reverse("organisations:add"),
        {"name": "Brussels Peers", "slug": "brussels", "city": "Brussels", "country": "Belgium"},
    )
    assert response.status_code == 302
    assert Organisation.objects.get(slug="brussels").members.filter(pk=manager.pk).exists()


def test_superusers_see_every_organisation(client, cohort, other_cohort):
    boss = UserFactory(username="boss", is_superuser=True, is_staff=True)
    client.force_login(boss)
    page = client.get(reverse("cohorts:index")).content.decode()
    assert "Kent, spring" in page and "Lille, spring" in page
    assert client.get(reverse("cohorts:edit", args=[other_cohort.pk])).status_code == 200


@pytest.mark.parametrize("persona", ["trainer", "trainee"])
def test_people_without_the_permissions_cannot_open_the_screens(request, as_user, cohort, persona):
    client = as_user(request.getfixturevalue(persona))
    for url in [reverse("cohorts:index"), reverse("cohorts:edit", args=[cohort.pk])]:
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert "/login" in response["Location"] or response["Location"] == "/admin/"


def test_the_screens_are_grouped_in_a_delivery_menu(as_user, manager):
    page = as_user(manager).get(reverse("wagtailadmin_home")).content.decode()
    assert "Delivery" in page
