"""Login cards give a one-time sign-in code, never a password: whoever prints a card cannot
use it to read a trainee's private answers, and a trainee's own password keeps working."""

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone

from lms.roles import Role
from tests.factories import PASSWORD, activity, make_session, part, worksheet_with_parts
from tests.training.test_login_cards import CODE, pdf_text, print_cards
from training import people
from training.models import Enrolment, SignInCode, TraineeProfile
from training.sign_in import CHOOSE_SECRET

pytestmark = pytest.mark.django_db

SECRET_ANSWER = "I slept at the bus station for two winters."


def card_code(response):
    assert response.status_code == 200, response.content[:500]
    return CODE.findall(pdf_text(response)[1])[0]


def log_in(username, password):
    """A fresh browser that logs in; returns it, with ``logged_in`` telling whether it did."""
    browser = Client()
    response = browser.post(reverse("login"), {"username": username, "password": password})
    browser.logged_in = response.status_code == 302 and "_auth_user_id" in browser.session
    return browser


@pytest.fixture
def newcomer(cohort, trainer):
    return people.trainee_create(
        cohort=cohort, first_name="Zoë", last_name="Dvořák", created_by=trainer
    ).trainee


@pytest.fixture
def private_worksheet(programme):
    worksheet = worksheet_with_parts(
        "My role model", part("reflection", "private", prompt="Where did you sleep?")
    )
    make_session(programme, activities=[activity(worksheet=worksheet)])
    return worksheet


def write_private_answer(user, cohort, worksheet, programme):
    from worksheets import services

    enrolment = Enrolment.objects.get(cohort=cohort, trainee=user)
    key = worksheet.layout(programme=programme)[0].prompts[0].key
    services.response_save(
        user=user,
        enrolment=enrolment,
        worksheet=worksheet,
        changes={key: SECRET_ANSWER},
        base_version=0,
    )
    return reverse("worksheets:fill", args=[enrolment.pk, worksheet.pk])


# --- the takeover -------------------------------------------------------------------------------


def test_a_trainer_who_prints_a_card_cannot_read_the_private_answers_with_its_code(
    as_user, trainer, cohort, newcomer, private_worksheet, programme
):
    answers_url = write_private_answer(newcomer, cohort, private_worksheet, programme)
    code = card_code(print_cards(as_user(trainer), cohort, newcomer))

    browser = log_in(newcomer.username, code)
    assert browser.logged_in
    page = browser.get(answers_url)
    assert SECRET_ANSWER not in page.content.decode()
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("training:choose_secret"))
    home = browser.get(reverse("home"))
    assert home.status_code == 302 and home["Location"].startswith(
        reverse("training:choose_secret")
    )


def test_printing_a_card_leaves_the_trainees_own_password_working(
    as_user, trainer, cohort, trainee, private_worksheet, programme
):
    answers_url = write_private_answer(trainee, cohort, private_worksheet, programme)
    print_cards(as_user(trainer), cohort, trainee)

    browser = log_in(trainee.username, PASSWORD)
    assert browser.logged_in
    assert SECRET_ANSWER in browser.get(answers_url).content.decode()


def test_a_code_works_only_once(as_user, trainer, cohort, newcomer):
    code = card_code(print_cards(as_user(trainer), cohort, newcomer))
    assert log_in(newcomer.username, code).logged_in
    assert not log_in(newcomer.username, code).logged_in


def test_an_expired_code_does_not_work(as_user, trainer, cohort, newcomer, settings):
    code = card_code(print_cards(as_user(trainer), cohort, newcomer))
    SignInCode.objects.filter(user=newcomer).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert not log_in(newcomer.username, code).logged_in


def test_a_code_lasts_seven_days_unless_the_setting_says_otherwise(
    as_user, trainer, cohort, newcomer, settings
):
    card_code(print_cards(as_user(trainer), cohort, newcomer))
    first = SignInCode.objects.get(user=newcomer)
    assert first.expires_at - first.printed_at == datetime.timedelta(days=7)
    settings.SIGN_IN_CODE_DAYS = 2
    card_code(print_cards(as_user(trainer), cohort, newcomer))
    second = SignInCode.objects.filter(user=newcomer).latest("printed_at")
    assert second.expires_at - second.printed_at == datetime.timedelta(days=2)


def test_a_code_is_never_stored_in_clear(as_user, trainer, cohort, newcomer):
    code = card_code(print_cards(as_user(trainer), cohort, newcomer))
    record = SignInCode.objects.get(user=newcomer)
    assert code not in record.code_hash and code.replace("-", "") not in record.code_hash
    assert record.code_hash.startswith(("md5$", "pbkdf2_", "argon2", "bcrypt", "scrypt"))
    # Nowhere in the tables that hold people or their cards, in any form.
    with connection.cursor() as cursor:
        for table in (SignInCode._meta.db_table, User._meta.db_table):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (fixed table names)
            for row in cursor.fetchall():
                text = " ".join(str(value) for value in row)
                assert code not in text and code.replace("-", "") not in text
    # And printing a card does not touch the password.
    assert not User.objects.get(pk=newcomer.pk).has_usable_password()


# --- choosing a PIN or a password -----------------------------------------------------------


def signed_in_with_a_card(client_as_trainer, cohort, user):
    code = card_code(print_cards(client_as_trainer, cohort, user))
    browser = log_in(user.username, code)
    assert browser.logged_in
    return browser, code


def choose(browser, kind, secret, again=None):
    return browser.post(
        reverse("training:choose_secret"),
        {"kind": kind, f"{kind}-{kind}": secret, f"{kind}-{kind}_again": again or secret},
    )


def test_after_choosing_a_pin_the_trainee_gets_in_with_it_and_the_code_is_spent(
    as_user, trainer, cohort, newcomer
):
    browser, code = signed_in_with_a_card(as_user(trainer), cohort, newcomer)
    page = browser.get(reverse("training:choose_secret"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Choose how you will log in" in html and 'inputmode="numeric"' in html
    response = choose(browser, "pin", "274915")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert browser.get(reverse("home")).status_code == 200
    # The choosing page is no way to change a password later on.
    assert browser.get(reverse("training:choose_secret"))["Location"] == reverse("home")

    assert log_in(newcomer.username, "274915").logged_in
    assert not log_in(newcomer.username, code).logged_in
    newcomer.refresh_from_db()
    assert newcomer.check_password("274915")


def test_the_choosing_page_leads_back_to_the_page_asked_for(as_user, trainer, cohort, newcomer):
    browser, _code = signed_in_with_a_card(as_user(trainer), cohort, newcomer)
    asked = reverse("training:account")
    sent = browser.get(asked)
    assert sent["Location"] == reverse("training:choose_secret") + "?next=%2Faccount%2F"
    response = browser.post(
        sent["Location"],
        {
            "kind": "password",
            "password-password": "rain on the roof 7",
            "password-password_again": "rain on the roof 7",
            "next": asked,
        },
    )
    assert response["Location"] == asked
    assert browser.get(asked).status_code == 200


@pytest.mark.parametrize(
    "pin, reason",
    [
        ("11111111", "too easy"),
        ("123456", "too easy"),
        ("987654", "too easy"),
        ("890123", "too easy"),
        ("121212", "too easy"),
        ("123123", "too easy"),
        ("27491", "at least 6"),
        ("27a915", "numbers only"),
    ],
)
def test_a_pin_that_is_easy_to_guess_is_refused(as_user, trainer, cohort, newcomer, pin, reason):
    browser, _code = signed_in_with_a_card(as_user(trainer), cohort, newcomer)
    response = choose(browser, "pin", pin)
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert browser.get(reverse("home"))["Location"].startswith(reverse("training:choose_secret"))
    newcomer.refresh_from_db()
    assert not newcomer.has_usable_password()


def test_two_different_pins_are_refused(as_user, trainer, cohort, newcomer):
    browser, _code = signed_in_with_a_card(as_user(trainer), cohort, newcomer)
    response = choose(browser, "pin", "274915", again="274916")
    assert response.status_code == 400
    assert "not the same" in response.content.decode()


@pytest.mark.parametrize("password", ["12345678901", "short1", "password123", "iloveyou"])
def test_a_password_follows_the_sites_password_rules(as_user, trainer, cohort, newcomer, password):
    browser, _code = signed_in_with_a_card(as_user(trainer), cohort, newcomer)
    response = choose(browser, "password", password)
    assert response.status_code == 400
    newcomer.refresh_from_db()
    assert not newcomer.has_usable_password()


def test_nothing_but_choosing_opens_before_a_secret_is_chosen(
    as_user, trainer, cohort, newcomer, settings
):
    browser, _code = signed_in_with_a_card(as_user(trainer), cohort, newcomer)
    enrolment = Enrolment.objects.get(trainee=newcomer)
    for url in (
        reverse("training:account"),
        reverse("worksheets:fill", args=[enrolment.pk, 1]),
        "/admin/",
    ):
        assert browser.get(url)["Location"].startswith(reverse("training:choose_secret")), url
    posted = browser.post(reverse("training:account"), {"email": "x@example.org"})
    assert posted["Location"] == reverse("training:choose_secret")
    newcomer.refresh_from_db()
    assert newcomer.email == ""
    assert browser.get(settings.STATIC_URL + "lms/site.css").status_code == 200
    # Logging out works, and ends the login.
    browser.post(reverse("logout"))
    assert "_auth_user_id" not in browser.session


def test_only_a_plain_trainee_may_choose_a_pin(client, trainer):
    client.force_login(trainer)
    session = client.session
    session[CHOOSE_SECRET] = 1
    session.save()
    page = client.get(reverse("training:choose_secret")).content.decode()
    assert 'name="password-password"' in page and 'name="pin-pin"' not in page
    response = choose(client, "pin", "274915")
    trainer.refresh_from_db()
    assert not trainer.check_password("274915")
    assert response.status_code == 200


# --- who a code works for -------------------------------------------------------------------


def test_a_first_card_stops_working_once_the_trainee_chose_a_password_some_other_way(
    as_user, trainer, cohort, newcomer
):
    """Say by email: the unused card must not replace that password behind their back."""
    code = card_code(print_cards(as_user(trainer), cohort, newcomer))
    newcomer.set_password("rain on the roof 7")
    newcomer.save()
    assert not log_in(newcomer.username, code).logged_in
    assert log_in(newcomer.username, "rain on the roof 7").logged_in


def test_a_code_does_not_work_for_an_account_that_was_given_a_staff_role_since(
    as_user, trainer, cohort, newcomer
):
    code = card_code(print_cards(as_user(trainer), cohort, newcomer))
    newcomer.groups.add(Group.objects.get(name=Role.TRAINER.value))
    assert not log_in(newcomer.username, code).logged_in


def test_a_code_does_not_work_for_a_deactivated_account(as_user, trainer, cohort, newcomer):
    code = card_code(print_cards(as_user(trainer), cohort, newcomer))
    newcomer.is_active = False
    newcomer.save()
    assert not log_in(newcomer.username, code).logged_in


def test_wrong_codes_count_towards_the_pause_on_wrong_tries(
    as_user, trainer, cohort, newcomer, settings
):
    code = card_code(print_cards(as_user(trainer), cohort, newcomer))
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        assert not log_in(newcomer.username, "ABCD-EFGH").logged_in
    assert not log_in(newcomer.username, code).logged_in  # paused, even with the right code


# --- replacement cards ----------------------------------------------------------------------


def replace_url(cohort, user):
    enrolment = Enrolment.objects.get(cohort=cohort, trainee=user)
    return reverse("training:login_card_replace", args=[cohort.pk, enrolment.pk])


def test_the_ordinary_form_refuses_someone_who_logged_in_before(as_user, trainer, cohort, trainee):
    response = print_cards(as_user(trainer), cohort, trainee)
    assert response.status_code == 400
    assert "replacement card" in response.content.decode()
    assert not SignInCode.objects.exists()


def test_a_replacement_card_needs_the_trainee_present(as_user, trainer, cohort, trainee):
    client = as_user(trainer)
    page = client.get(replace_url(cohort, trainee))
    assert page.status_code == 200
    assert "is with me now and asked me for a new card" in page.content.decode()
    response = client.post(replace_url(cohort, trainee), {})
    assert response.status_code == 400
    assert "Tick the box" in response.content.decode()
    assert not SignInCode.objects.exists()

    code = card_code(client.post(replace_url(cohort, trainee), {"trainee_present": "on"}))
    card = SignInCode.objects.get(user=trainee)
    assert card.kind == SignInCode.Kind.REPLACEMENT
    assert card.printed_by == trainer and card.presence_confirmed_at is not None
    assert code


def test_no_replacement_card_for_someone_who_can_reset_by_email(as_user, trainer, cohort, trainee):
    trainee.email = "me@example.org"
    trainee.save()
    # The address counts once the trainee confirmed it (test_reset_needs_a_confirmed_email).
    TraineeProfile.objects.create(
        user=trainee, email_confirmed="me@example.org", email_confirmed_at=timezone.now()
    )
    client = as_user(trainer)
    assert "Forgot your password?" in client.get(replace_url(cohort, trainee)).content.decode()
    response = client.post(replace_url(cohort, trainee), {"trainee_present": "on"})
    assert response.status_code == 400
    assert not SignInCode.objects.exists()


def test_no_replacement_card_for_someone_who_never_logged_in(as_user, trainer, cohort, newcomer):
    response = as_user(trainer).post(replace_url(cohort, newcomer), {"trainee_present": "on"})
    assert response.status_code == 400
    assert "ordinary login card" in response.content.decode()


def test_other_organisations_cannot_print_a_replacement_card(
    as_user, other_org_trainer, cohort, trainee
):
    client = as_user(other_org_trainer)
    assert client.post(replace_url(cohort, trainee), {"trainee_present": "on"}).status_code == 403


def test_a_used_replacement_code_ends_every_other_login_and_the_old_password(
    as_user, trainer, cohort, trainee, private_worksheet, programme
):
    answers_url = write_private_answer(trainee, cohort, private_worksheet, programme)
    on_the_phone = log_in(trainee.username, PASSWORD)
    assert SECRET_ANSWER in on_the_phone.get(answers_url).content.decode()

    code = card_code(as_user(trainer).post(replace_url(cohort, trainee), {"trainee_present": "on"}))
    # Until the card is used, their own password still works.
    assert log_in(trainee.username, PASSWORD).logged_in
    assert on_the_phone.get(answers_url).status_code == 200

    browser = log_in(trainee.username, code)
    assert browser.logged_in
    assert SECRET_ANSWER not in browser.get(answers_url).content.decode()
    assert (
        "does not work any more" in browser.get(reverse("training:choose_secret")).content.decode()
    )
    # Every other login ended, and the old password no longer works.
    assert on_the_phone.get(answers_url)["Location"].startswith(reverse("login"))
    assert not log_in(trainee.username, PASSWORD).logged_in

    choose(browser, "pin", "530714")
    assert SECRET_ANSWER in browser.get(answers_url).content.decode()


# --- the log --------------------------------------------------------------------------------


@pytest.fixture
def sam(trainer):
    trainer.first_name, trainer.last_name = "Sam", "Trainer"
    trainer.save()
    return trainer


def test_the_trainee_reads_every_card_printed_for_them_in_plain_words(
    as_user, sam, cohort, newcomer
):
    code = card_code(print_cards(as_user(sam), cohort, newcomer))
    browser = log_in(newcomer.username, code)
    choose(browser, "pin", "274915")
    page = browser.get(reverse("training:account")).content.decode()
    today = formats.date_format(timezone.localdate(), "j F Y")
    assert f"A login card was printed for you by Sam Trainer on {today}." in page
    assert f"It was used on {today}." in page


def test_the_trainee_may_stop_a_card_they_did_not_ask_for(
    as_user, sam, cohort, trainee, other_trainee
):
    code = card_code(as_user(sam).post(replace_url(cohort, trainee), {"trainee_present": "on"}))
    card = SignInCode.objects.get(user=trainee)
    # Not someone else.
    as_user(other_trainee).post(
        reverse("training:account"), {"action": "stop_card", "card": card.pk}
    )
    card.refresh_from_db()
    assert card.is_waiting

    client = as_user(trainee)
    page = client.get(reverse("training:account")).content.decode()
    assert "Sam Trainer said you were with them and asked for it" in page
    assert "It has not been used yet" in page
    client.post(reverse("training:account"), {"action": "stop_card", "card": card.pk})
    card.refresh_from_db()
    assert card.status == "stopped"
    assert not log_in(trainee.username, code).logged_in
    assert "You stopped it on" in client.get(reverse("training:account")).content.decode()


def test_the_trainee_is_told_of_a_replacement_card_at_their_next_login(
    as_user, sam, cohort, trainee
):
    as_user(sam).post(replace_url(cohort, trainee), {"trainee_present": "on"})
    browser = log_in(trainee.username, PASSWORD)
    page = browser.get(reverse("home"), follow=True).content.decode()
    assert "A replacement login card was printed for you by Sam Trainer" in page
    assert "stop it on your account page" in page
    again = log_in(trainee.username, PASSWORD)
    assert "replacement login card" not in again.get(reverse("home"), follow=True).content.decode()


def test_the_groups_staff_see_every_card_printed_in_it(
    as_user, sam, co_trainer, cohort, newcomer, trainee
):
    code = card_code(print_cards(as_user(sam), cohort, newcomer))
    log_in(newcomer.username, code)
    as_user(sam).post(replace_url(cohort, trainee), {"trainee_present": "on"})
    page = as_user(co_trainer).get(reverse("training:login_cards", args=[cohort.pk]))
    html = page.content.decode()
    assert "Zoë Dvořák" in html and "card printed by Sam Trainer" in html
    assert "Used on" in html
    assert "replacement card printed by Sam Trainer" in html
    assert "who confirmed the trainee was there" in html
    assert "Not used yet" in html


def test_nothing_deletes_the_log(as_user, trainer, cohort, newcomer):
    card_code(print_cards(as_user(trainer), cohort, newcomer))
    with pytest.raises(TypeError, match="nothing deletes it"):
        SignInCode.objects.all().delete()
    with pytest.raises(TypeError, match="nothing deletes it"):
        SignInCode.objects.get().delete()
    trainer.delete()  # the staff member's account goes; the log still says who it was
    card = SignInCode.objects.get()
    assert card.printed_by is None and card.printed_by_name
    # Erasing the trainee's own account takes their cards with it.
    newcomer.delete()
    assert not SignInCode.objects.exists()
