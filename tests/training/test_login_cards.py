"""Login cards: the printed code signs the trainee in once (to choose their own password or
PIN, see test_sign_in_codes.py), a new card replaces the old code, and no card is ever
printed for a staff account or someone outside the group."""

import io
import re

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from lms.roles import Role
from tests.factories import UserFactory
from training import people
from training.models import Enrolment, SignInCode, TraineeProfile

CODE = re.compile(r"\b([A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4})\b")


def print_cards(client, cohort, *users):
    return client.post(
        reverse("training:login_cards", args=[cohort.pk]),
        {"trainees": [str(u.pk) for u in users]},
    )


def pdf_text(response):
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def logs_in(username, password):
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session


@pytest.fixture
def newcomer(cohort, trainer):
    return people.trainee_create(
        cohort=cohort, first_name="Zoë", last_name="Dvořák", created_by=trainer
    ).trainee


def test_the_code_on_the_card_signs_the_trainee_in(as_user, trainer, cohort, newcomer):
    response = print_cards(as_user(trainer), cohort, newcomer)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    _reader, text = pdf_text(response)
    assert "Zoë Dvořák" in text
    assert newcomer.username in text
    assert "http://testserver/login/" in text
    assert "works once" in text
    codes = CODE.findall(text)
    assert len(codes) == 1
    assert not logs_in(newcomer.username, "ABCD-EFGH")
    assert not logs_in("someone.else", codes[0])
    assert logs_in(newcomer.username, codes[0])

    profile = TraineeProfile.objects.get(user=newcomer)
    assert profile.card_issued_by == trainer
    assert profile.card_issued_at is not None


def test_a_code_may_be_typed_in_small_letters_and_without_the_dash(
    as_user, trainer, cohort, newcomer
):
    _r, text = pdf_text(print_cards(as_user(trainer), cohort, newcomer))
    code = CODE.findall(text)[0]
    assert logs_in(newcomer.username, " " + code.lower().replace("-", " ") + " ")


def test_a_new_card_replaces_the_old_code(as_user, trainer, cohort, newcomer):
    client = as_user(trainer)
    _r, first = pdf_text(print_cards(client, cohort, newcomer))
    _r, second = pdf_text(print_cards(client, cohort, newcomer))
    old, new = CODE.findall(first)[0], CODE.findall(second)[0]
    assert old != new
    assert not logs_in(newcomer.username, old)
    assert logs_in(newcomer.username, new)


def test_many_cards_fill_several_pages_with_a_different_code_each(
    as_user, trainer, cohort, organisation
):
    cohort.capacity = 20
    cohort.save()
    users = [
        people.trainee_create(
            cohort=cohort, first_name=f"Person{n}", last_name="T", created_by=trainer
        ).trainee
        for n in range(12)
    ]
    reader, text = pdf_text(print_cards(as_user(trainer), cohort, *users))
    assert len(reader.pages) == 2  # ten cards to a page
    codes = CODE.findall(text)
    assert len(codes) == 12 and len(set(codes)) == 12
    for user in users:
        assert user.username in text


def test_the_qr_code_and_the_login_page_carry_the_username(client, newcomer):
    from training.login_cards import login_link

    link = login_link("http://testserver/login/", newcomer.username)
    assert link == f"http://testserver/login/?username={newcomer.username}"
    page = client.get(link).content.decode()
    assert f'value="{newcomer.username}"' in page


def test_the_page_ticks_only_those_who_cannot_log_in_yet(
    as_user, trainer, cohort, trainee, other_trainee
):
    trainee.email = "has@example.org"  # and a password of their own
    trainee.save()
    # An address they confirmed themselves: a reset link may go to it.
    TraineeProfile.objects.create(
        user=trainee, email_confirmed="has@example.org", email_confirmed_at=timezone.now()
    )
    no_email = people.trainee_create(
        cohort=cohort, first_name="No", last_name="Mail", created_by=trainer
    ).trainee
    with_email = people.trainee_create(
        cohort=cohort,
        first_name="New",
        last_name="Mail",
        email="new@example.org",
        created_by=trainer,
    ).trainee
    waiting = people.trainee_create(
        cohort=cohort, first_name="Has", last_name="Card", created_by=trainer
    ).trainee
    people.login_cards_issue(cohort=cohort, trainees=[waiting], by=trainer)
    response = as_user(trainer).get(reverse("training:login_cards", args=[cohort.pk]))
    page = response.content.decode()
    assert "works once" in page
    checked = {e.trainee for e in response.context["enrolments"] if e.checked}
    assert checked == {no_email, with_email}
    # Anyone who never logged in can still be ticked by hand.
    for user in (no_email, with_email, waiting):
        assert f'value="{user.pk}"' in page
    # Those who logged in before are not offered a first card.
    for user in (trainee, other_trainee):
        assert f'value="{user.pk}"' not in page
    # They reset by email, or get a replacement card from a page of its own.
    assert "can choose a new password themselves" in page
    other = Enrolment.objects.get(cohort=cohort, trainee=other_trainee)
    assert reverse("training:login_card_replace", args=[cohort.pk, other.pk]) in page
    mine = Enrolment.objects.get(cohort=cohort, trainee=trainee)
    assert reverse("training:login_card_replace", args=[cohort.pk, mine.pk]) not in page


def test_no_card_for_anyone_with_a_staff_role(as_user, trainer, cohort, co_trainer):
    """A trainer enrolled as a trainee too must never have their password replaced."""
    co_trainer.groups.add(Group.objects.get(name=Role.TRAINEE.value))
    Enrolment.objects.create(cohort=cohort, trainee=co_trainer)
    before = User.objects.get(pk=co_trainer.pk).password
    client = as_user(trainer)
    page = client.get(reverse("training:login_cards", args=[cohort.pk])).content.decode()
    assert f'value="{co_trainer.pk}"' not in page  # not offered

    response = print_cards(client, cohort, co_trainer)
    assert response.status_code == 400
    assert "No card was printed" in response.content.decode()
    assert User.objects.get(pk=co_trainer.pk).password == before


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_no_card_for_django_staff_or_superusers(cohort, trainer, trainee, flag):
    setattr(trainee, flag, True)
    trainee.save()
    before = trainee.password
    with pytest.raises(Exception, match="No card was printed"):
        people.login_cards_issue(cohort=cohort, trainees=[trainee], by=trainer)
    trainee.refresh_from_db()
    assert trainee.password == before


def test_one_refused_person_means_no_card_at_all(cohort, trainer, trainee, other_cohort):
    stranger = other_cohort.enrolments.get().trainee
    before = {u.pk: u.password for u in (trainee, stranger)}
    with pytest.raises(Exception, match="No card was printed"):
        people.login_cards_issue(cohort=cohort, trainees=[trainee, stranger], by=trainer)
    for user in (trainee, stranger):
        user.refresh_from_db()
        assert user.password == before[user.pk]
    assert not TraineeProfile.objects.filter(card_issued_at__isnull=False).exists()
    assert not SignInCode.objects.exists()


def test_someone_outside_the_group_cannot_be_chosen(as_user, trainer, cohort, other_cohort):
    stranger = other_cohort.enrolments.get().trainee
    before = stranger.password
    response = print_cards(as_user(trainer), cohort, stranger)
    assert response.status_code == 400
    stranger.refresh_from_db()
    assert stranger.password == before


def test_other_organisations_cannot_print_cards_for_this_group(
    as_user, other_org_trainer, cohort, trainee
):
    before = trainee.password
    assert print_cards(as_user(other_org_trainer), cohort, trainee).status_code == 403
    trainee.refresh_from_db()
    assert trainee.password == before


def test_a_manager_of_the_organisation_may_print_cards(as_user, manager, cohort, newcomer):
    _r, text = pdf_text(print_cards(as_user(manager), cohort, newcomer))
    assert logs_in(newcomer.username, CODE.findall(text)[0])


def test_codes_avoid_letters_that_look_alike():
    for _ in range(200):
        code = people.login_code_new()
        assert CODE.fullmatch(code)
        assert not set(code) & set("0O1IL")


def test_the_card_pdf_embeds_its_font(as_user, trainer, cohort, newcomer):
    reader, _text = pdf_text(print_cards(as_user(trainer), cohort, newcomer))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(font["/BaseFont"])
            descriptor = font.get("/FontDescriptor")
            if descriptor is not None:
                descriptor = descriptor.get_object()
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert not any("Helvetica" in str(name) for name in fonts)
    # A staff member's own account stays untouched by any of this.
    assert UserFactory._meta.model.objects.get(pk=trainer.pk).has_usable_password()
