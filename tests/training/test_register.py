"""Taking the register: one tap per trainee, conflicts between two phones, bad input,
permissions, the form fallback, the progress signal and the page's query count."""

import datetime
import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lms.roles import Role
from tests.factories import (
    OrganisationFactory,
    UserFactory,
    make_cohort,
    make_scheduled_session,
    mark,
)
from training import attendance
from training.models import AttendanceMark, CatchUp, Enrolment, ScheduledSession
from training.signals import progress_inputs_changed


@pytest.fixture
def held(scheduled):
    """Session 1, held a week ago: its register can be taken."""
    return scheduled[0]


def url(name, session):
    return reverse(f"training:{name}", args=[session.cohort_id, session.pk])


def post_json(client, address, payload, **extra):
    return client.post(address, data=json.dumps(payload), content_type="application/json", **extra)


def tap(client, session, enrolment, status="present", base_version=0, **fields):
    payload = {"enrolment": enrolment.pk, "status": status, "base_version": base_version}
    payload.update(fields)
    return post_json(client, url("register_mark", session), payload)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


# --- saving marks ------------------------------------------------------------------------------


def test_a_tap_saves_a_mark_and_takes_the_register(as_user, trainer, held, enrolment):
    reply = tap(as_user(trainer), held, enrolment, "present")

    assert reply.status_code == 200
    data = reply.json()
    assert data["version"] == 1
    assert data["status"] == "present"
    assert data["label"] == "Present"
    assert data["marked_by"] == trainer.get_full_name()
    assert data["marked_at"]
    saved = AttendanceMark.objects.get(scheduled_session=held, enrolment=enrolment)
    assert (saved.status, saved.marked_by, saved.source) == ("present", trainer, "register")
    held.refresh_from_db()
    assert held.register_taken_at is not None


def test_changing_a_mark_raises_its_version_and_keeps_details(as_user, trainer, held, enrolment):
    client = as_user(trainer)
    tap(client, held, enrolment, "present")
    reply = tap(
        client, held, enrolment, "left_early", base_version=1, minutes_attended=90, note="Bus"
    )

    assert reply.status_code == 200
    assert reply.json()["version"] == 2
    saved = AttendanceMark.objects.get(scheduled_session=held, enrolment=enrolment)
    assert (saved.status, saved.minutes_attended, saved.note, saved.version) == (
        "left_early",
        90,
        "Bus",
        2,
    )


def test_a_stale_phone_is_told_who_changed_the_mark_and_nothing_is_overwritten(
    trainer, co_trainer, held, enrolment
):
    first, second = client_for(trainer), client_for(co_trainer)
    assert tap(first, held, enrolment, "present").status_code == 200
    assert tap(second, held, enrolment, "late", base_version=1).status_code == 200

    # The first phone still believes version 1.
    reply = tap(first, held, enrolment, "absent", base_version=1)

    assert reply.status_code == 409
    data = reply.json()
    name = enrolment.trainee.get_full_name()
    assert re.fullmatch(
        rf"{re.escape(co_trainer.get_full_name())} marked {re.escape(name)} as Late at "
        r"\d\d:\d\d\. Tap again to replace it\.",
        data["message"],
    )
    assert data["current"]["status"] == "late"
    assert data["current"]["version"] == 2
    assert AttendanceMark.objects.get(enrolment=enrolment).status == "late"

    # Tapping again, now on the version it was shown, replaces it.
    again = tap(first, held, enrolment, "absent", base_version=data["current"]["version"])
    assert again.status_code == 200
    assert AttendanceMark.objects.get(enrolment=enrolment).status == "absent"


def test_a_first_mark_from_a_phone_that_saw_none_does_not_replace_one_saved_meanwhile(
    trainer, co_trainer, held, enrolment
):
    assert tap(client_for(co_trainer), held, enrolment, "excused").status_code == 200
    reply = tap(client_for(trainer), held, enrolment, "absent", base_version=0)
    assert reply.status_code == 409
    assert AttendanceMark.objects.get(enrolment=enrolment).status == "excused"


def test_two_trainers_marking_different_trainees_both_land(
    trainer, co_trainer, held, enrolment, other_enrolment
):
    assert tap(client_for(trainer), held, enrolment, "present").status_code == 200
    assert tap(client_for(co_trainer), held, other_enrolment, "late").status_code == 200
    assert dict(
        AttendanceMark.objects.filter(scheduled_session=held).values_list("enrolment_id", "status")
    ) == {enrolment.pk: "present", other_enrolment.pk: "late"}


def test_sending_the_same_mark_again_after_a_lost_reply_is_not_a_conflict(
    as_user, trainer, held, enrolment
):
    client = as_user(trainer)
    tap(client, held, enrolment, "late")
    reply = tap(client, held, enrolment, "late", base_version=0)
    assert reply.status_code == 200
    assert reply.json()["version"] == 1
    assert AttendanceMark.objects.get(enrolment=enrolment).version == 1


def test_two_saves_racing_for_a_new_mark_leave_one_and_tell_the_other(
    trainer, co_trainer, held, enrolment
):
    # The second save read "no mark" before the first one was written: the unique
    # constraint catches it and the second is told, instead of failing with an error.
    attendance.record_mark(held, enrolment.pk, "present", by=trainer, base_version=0)
    manager = AttendanceMark.objects
    real = type(manager).select_for_update
    reads = []

    def first_read_sees_nothing(*args, **kwargs):
        reads.append(1)
        queryset = real(manager, *args, **kwargs)
        return queryset.none() if len(reads) == 1 else queryset

    manager.select_for_update = first_read_sees_nothing
    try:
        with pytest.raises(attendance.MarkConflict) as caught:
            attendance.record_mark(held, enrolment.pk, "absent", by=co_trainer, base_version=0)
    finally:
        del manager.select_for_update
    assert len(reads) == 2
    assert caught.value.mark.status == "present"
    assert AttendanceMark.objects.get(enrolment=enrolment).status == "present"


# --- everyone present --------------------------------------------------------------------------


@pytest.fixture
def bigger_cohort(cohort, organisation, enrolment, other_enrolment):
    """Adds a withdrawn trainee and a third active one to ``cohort``."""
    left = UserFactory(first_name="Walter", last_name="Gone", organisation=organisation)
    third = UserFactory(first_name="Anouk", last_name="Third", organisation=organisation)
    Enrolment.objects.create(cohort=cohort, trainee=left, status=Enrolment.Status.WITHDRAWN)
    return Enrolment.objects.create(cohort=cohort, trainee=third)


def test_everyone_not_yet_marked_is_marked_present_in_one_request(
    as_user, trainer, held, enrolment, other_enrolment, bigger_cohort
):
    mark(held, enrolment, "absent", version=3)
    client = as_user(trainer)

    reply = post_json(client, url("register_mark_all", held), {"skip": [bigger_cohort.pk]})

    assert reply.status_code == 200
    assert [m["enrolment"] for m in reply.json()["marks"]] == [other_enrolment.pk]
    marks = dict(
        AttendanceMark.objects.filter(scheduled_session=held).values_list("enrolment_id", "status")
    )
    # The absent mark stays, the skipped row waits for its own tap, the withdrawn is left out.
    assert marks == {enrolment.pk: "absent", other_enrolment.pk: "present"}

    again = post_json(client, url("register_mark_all", held), {})
    assert [m["enrolment"] for m in again.json()["marks"]] == [bigger_cohort.pk]
    assert AttendanceMark.objects.filter(scheduled_session=held).count() == 3
    assert post_json(client, url("register_mark_all", held), {}).json() == {"marks": []}


def test_everyone_present_works_as_a_plain_form(as_user, trainer, held, enrolment, other_enrolment):
    reply = as_user(trainer).post(url("register_mark_all", held), follow=True)
    assert "2 trainees marked present." in reply.content.decode()
    assert AttendanceMark.objects.filter(scheduled_session=held, status="present").count() == 2


# --- bad input ----------------------------------------------------------------------------------


def _assert_nothing_saved(session):
    assert not AttendanceMark.objects.exists()
    session.refresh_from_db()
    assert session.register_taken_at is None


@pytest.mark.parametrize(
    "change, message",
    [
        ({"status": "sleeping"}, "Please choose one of: present, late, left early"),
        ({"status": ""}, "Please choose one of"),
        ({"minutes_attended": -1}, "Minutes attended must be between 0 and 210."),
        ({"minutes_attended": 211}, "Minutes attended must be between 0 and 210."),
        ({"minutes_attended": "lots"}, "Minutes attended must be a whole number."),
        ({"note": "x" * 501}, "The note is too long"),
        ({"enrolment": "abc"}, "Please choose a trainee from the list."),
        ({"enrolment": 999999}, "This trainee is not in this group."),
        ({"base_version": "old"}, "The page is out of date."),
    ],
)
def test_bad_input_gets_a_message_and_saves_nothing(
    as_user, trainer, held, enrolment, change, message
):
    payload = {"enrolment": enrolment.pk, "status": "present", "base_version": 0, **change}
    reply = post_json(as_user(trainer), url("register_mark", held), payload)
    assert reply.status_code == 400
    assert message in reply.json()["message"]
    _assert_nothing_saved(held)


def test_minutes_at_the_limits_are_accepted(as_user, trainer, held, enrolment, other_enrolment):
    client = as_user(trainer)
    assert tap(client, held, enrolment, minutes_attended=0).status_code == 200
    assert tap(client, held, other_enrolment, minutes_attended=210).status_code == 200


def test_a_trainee_of_another_organisations_cohort_is_not_named(
    as_user, trainer, held, other_cohort
):
    stranger = other_cohort.enrolments.get()
    reply = tap(as_user(trainer), held, stranger)
    assert reply.status_code == 400
    assert reply.json()["message"] == "This trainee is not in this group."
    assert stranger.trainee.get_full_name() not in reply.content.decode()
    _assert_nothing_saved(held)


def test_a_trainee_of_another_cohort_of_the_same_organisation_is_refused_by_name(
    as_user, trainer, held, programme, organisation
):
    elsewhere = UserFactory(first_name="Marie", last_name="Martin", organisation=organisation)
    make_cohort(programme, organisation, trainees=[elsewhere], name="Kent, autumn")
    reply = tap(as_user(trainer), held, Enrolment.objects.get(trainee=elsewhere))
    assert reply.status_code == 400
    assert reply.json()["message"] == "Marie Martin is not in this group."
    _assert_nothing_saved(held)


def test_a_withdrawn_trainee_cannot_be_marked(as_user, trainer, held, enrolment):
    enrolment.status = Enrolment.Status.WITHDRAWN
    enrolment.save()
    reply = tap(as_user(trainer), held, enrolment)
    assert reply.status_code == 400
    assert reply.json()["message"] == (
        f"{enrolment.trainee.get_full_name()} has left this group, so they cannot be marked."
    )
    _assert_nothing_saved(held)


def test_a_cancelled_session_has_no_register(as_user, trainer, held, enrolment):
    held.cancelled = True
    held.save()
    reply = tap(as_user(trainer), held, enrolment)
    assert reply.status_code == 400
    assert "cancelled" in reply.json()["message"]
    _assert_nothing_saved(held)
    # Nor does "everyone present".
    reply = post_json(as_user(trainer), url("register_mark_all", held), {})
    assert reply.status_code == 400
    _assert_nothing_saved(held)


def test_a_session_days_ahead_has_not_started(as_user, trainer, scheduled, enrolment):
    future = scheduled[1]
    reply = tap(as_user(trainer), future, enrolment)
    assert reply.status_code == 400
    assert reply.json()["message"].startswith("This session has not started yet")
    _assert_nothing_saved(future)


def test_a_session_later_today_can_be_marked(as_user, trainer, cohort, enrolment):
    soon = make_scheduled_session(cohort, starts_at=timezone.now() + datetime.timedelta(hours=11))
    assert tap(as_user(trainer), soon, enrolment).status_code == 200


def test_unreadable_json_gets_a_message(as_user, trainer, held):
    reply = as_user(trainer).post(
        url("register_mark", held), data="{not json", content_type="application/json"
    )
    assert reply.status_code == 400
    assert "could not be read" in reply.json()["message"]
    _assert_nothing_saved(held)


def test_a_guest_catching_up_can_be_marked_until_the_catch_up_is_cancelled(
    as_user, trainer, held, programme, organisation, session_plans
):
    guest_user = UserFactory(first_name="Zoë", last_name="Guest", organisation=organisation)
    autumn = make_cohort(programme, organisation, trainees=[guest_user], name="Kent, autumn")
    guest = Enrolment.objects.get(cohort=autumn)
    catch_up = CatchUp.objects.create(
        enrolment=guest,
        session_plan=session_plans[0],
        kind=CatchUp.Kind.OTHER_COHORT,
        scheduled_session=held,
    )
    client = as_user(trainer)
    assert tap(client, held, guest).status_code == 200

    AttendanceMark.objects.all().delete()
    catch_up.status = CatchUp.Status.CANCELLED
    catch_up.save()
    reply = tap(client, held, guest)
    assert reply.status_code == 400
    assert reply.json()["message"] == "Zoë Guest is not in this group."


# --- permissions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("trainer", 200),
        ("co_trainer", 200),
        ("manager", 200),
        ("trainee", 403),
        ("other_org_trainer", 403),
        ("other_org_manager", 403),
    ],
)
def test_who_may_open_and_mark_the_register(
    request, as_user, held, enrolment, other_cohort, persona, expected
):
    if persona == "other_org_manager":
        user = UserFactory(
            roles=[Role.PROGRAMME_MANAGER],
            organisation=request.getfixturevalue("other_organisation"),
        )
    else:
        user = request.getfixturevalue(persona)
    client = as_user(user)
    assert client.get(url("register", held)).status_code == expected
    assert client.get(url("register_pdf", held)).status_code == expected
    assert client.get(url("check_in_screen", held)).status_code == expected
    reply = tap(client, held, enrolment)
    assert reply.status_code == expected
    assert AttendanceMark.objects.exists() is (expected == 200)
    if expected == 403:
        assert reply.json()["message"] == "You cannot take the register of this group."


def test_anonymous_visitors_are_sent_to_log_in(client, held, enrolment):
    for name in ("register", "register_pdf", "check_in_screen"):
        reply = client.get(url(name, held))
        assert reply.status_code == 302
        assert reply["Location"].startswith(reverse("login"))
    reply = tap(client, held, enrolment)
    assert reply.status_code == 401
    assert "log in again" in reply.json()["message"].lower()
    assert reply.json()["login_url"] == reverse("login")
    assert client.post(url("register", held), {"enrolment": enrolment.pk}).status_code == 302
    assert not AttendanceMark.objects.exists()


def test_a_session_of_another_cohort_is_not_found(
    as_user, trainer, cohort, other_cohort, enrolment
):
    theirs = make_scheduled_session(other_cohort, days_from_now=-1)
    client = as_user(trainer)
    mixed = reverse("training:register", args=[cohort.pk, theirs.pk])
    assert client.get(mixed).status_code == 404
    reply = post_json(
        client,
        reverse("training:register_mark", args=[cohort.pk, theirs.pk]),
        {"enrolment": enrolment.pk, "status": "present", "base_version": 0},
    )
    assert reply.status_code == 404
    assert (
        client.get(reverse("training:register_pdf", args=[cohort.pk, theirs.pk])).status_code == 404
    )
    assert not AttendanceMark.objects.exists()


def test_marks_need_the_csrf_token_in_a_header(trainer, held, enrolment):
    client = Client(enforce_csrf_checks=True)
    client.force_login(trainer)
    page = client.get(url("register", held))
    token = page.cookies["csrftoken"].value
    payload = {"enrolment": enrolment.pk, "status": "present", "base_version": 0}

    assert post_json(client, url("register_mark", held), payload).status_code == 403
    assert not AttendanceMark.objects.exists()
    reply = post_json(client, url("register_mark", held), payload, HTTP_X_CSRFTOKEN=token)
    assert reply.status_code == 200


def test_the_mark_endpoint_only_takes_posts(as_user, trainer, held):
    assert as_user(trainer).get(url("register_mark", held)).status_code == 405


# --- the page and its form fallback ------------------------------------------------------------


def test_the_register_lists_the_group_by_name_with_guests_last(
    as_user,
    trainer,
    held,
    cohort,
    enrolment,
    other_enrolment,
    organisation,
    programme,
    session_plans,
):
    enrolment.trainee.first_name, enrolment.trainee.last_name = "Yazid", "Benali"
    enrolment.trainee.save()
    other_enrolment.trainee.first_name, other_enrolment.trainee.last_name = "Claudia", "Moreau"
    other_enrolment.trainee.save()
    gone = UserFactory(first_name="Walter", last_name="Gone")
    Enrolment.objects.create(cohort=cohort, trainee=gone, status=Enrolment.Status.WITHDRAWN)
    guest_user = UserFactory(first_name="Abdoulkader", last_name="Guest")
    autumn = make_cohort(programme, organisation, trainees=[guest_user], name="Kent, autumn")
    CatchUp.objects.create(
        enrolment=autumn.enrolments.get(),
        session_plan=session_plans[0],
        kind=CatchUp.Kind.OTHER_COHORT,
        scheduled_session=held,
    )
    mark(held, enrolment, "late", marked_by=trainer)

    page = as_user(trainer).get(url("register", held)).content.decode()

    names = re.findall(r'class="register-name">([^<]+)<', page)
    assert names == ["Claudia Moreau", "Yazid Benali", "Abdoulkader Guest"]
    assert "catching up from Kent, autumn" in page
    assert "Walter Gone" not in page
    # The saved mark is shown in words and as a pressed button, not by colour only.
    assert f"Late: marked by {trainer.get_full_name()} at" in page
    assert (
        len(
            re.findall(
                r'value="late"\s+class="register-button register-late"\s+'
                r'aria-pressed="true"',
                page,
            )
        )
        == 1
    )
    assert page.count('aria-pressed="true"') == 1
    assert url("register_pdf", held) in page
    assert url("check_in_screen", held) in page
    assert "Mark everyone not yet marked as present" in page
    assert f"Register: {held.display_title}" in page
    assert "Community room" in page


def test_a_closed_register_says_why_and_offers_no_buttons(as_user, trainer, scheduled, enrolment):
    page = as_user(trainer).get(url("register", scheduled[2])).content.decode()
    assert "This session has not started yet" in page
    assert "<fieldset disabled>" in page
    assert 'id="mark-all-form"' not in page


def test_the_form_fallback_saves_a_row_and_says_so(as_user, trainer, held, enrolment):
    client = as_user(trainer)
    reply = client.post(
        url("register", held),
        {
            "enrolment": enrolment.pk,
            "status": "left_early",
            "minutes_attended": "100",
            "note": "Doctor's appointment",
            "base_version": "0",
        },
    )
    assert reply.status_code == 302
    assert reply["Location"] == url("register", held) + f"#row-{enrolment.pk}"
    saved = AttendanceMark.objects.get(enrolment=enrolment)
    assert (saved.status, saved.minutes_attended, saved.note) == (
        "left_early",
        100,
        "Doctor's appointment",
    )
    page = client.get(reply["Location"]).content.decode()
    assert f"Saved: {enrolment.trainee.get_full_name()}, Left early." in page


def test_the_form_fallback_reports_bad_input_and_conflicts(
    as_user, trainer, co_trainer, held, enrolment
):
    client = as_user(trainer)
    reply = client.post(
        url("register", held),
        {
            "enrolment": enrolment.pk,
            "status": "present",
            "minutes_attended": "999",
            "base_version": "0",
        },
        follow=True,
    )
    assert "Minutes attended must be between 0 and 210." in reply.content.decode()
    assert not AttendanceMark.objects.exists()

    mark(held, enrolment, "excused", marked_by=co_trainer)
    reply = client.post(
        url("register", held),
        {"enrolment": enrolment.pk, "status": "absent", "base_version": "0"},
        follow=True,
    )
    assert "Tap again to replace it." in reply.content.decode()
    assert AttendanceMark.objects.get().status == "excused"


# --- the progress signal --------------------------------------------------------------------


@pytest.fixture
def received():
    calls = []

    def receiver(sender, enrolment_ids, **kwargs):
        calls.append(sorted(enrolment_ids))

    progress_inputs_changed.connect(receiver)
    yield calls
    progress_inputs_changed.disconnect(receiver)


def test_progress_is_told_after_the_mark_is_saved(
    as_user,
    trainer,
    held,
    enrolment,
    other_enrolment,
    received,
    django_capture_on_commit_callbacks,
):
    client = as_user(trainer)
    with django_capture_on_commit_callbacks(execute=True):
        tap(client, held, enrolment, "present")
    assert received == [[enrolment.pk]]

    with django_capture_on_commit_callbacks(execute=True):
        post_json(client, url("register_mark_all", held), {})
    assert received[-1] == [other_enrolment.pk]

    # A refused mark changes nothing, so nobody is told.
    with django_capture_on_commit_callbacks(execute=True):
        tap(client, held, enrolment, "sleeping", base_version=1)
    assert len(received) == 2


# --- queries ----------------------------------------------------------------------------------


def _group_of(size, programme):
    organisation = OrganisationFactory()
    trainer = UserFactory(roles=[Role.TRAINER], organisation=organisation)
    trainees = [UserFactory(organisation=organisation) for _ in range(size)]
    from training.models import CohortTrainer

    cohort = make_cohort(
        programme,
        organisation,
        trainers=[(trainer, CohortTrainer.Role.LEAD)],
        trainees=trainees,
        name=f"Group of {size}",
    )
    session = make_scheduled_session(cohort, days_from_now=-1)
    enrolments = list(cohort.enrolments.all())
    for enrolment in enrolments[::2]:
        mark(session, enrolment, "present", marked_by=trainer)
    guest_cohort = make_cohort(
        programme,
        organisation,
        trainees=[UserFactory() for _ in range(size // 3 + 1)],
        name=f"Guests {size}",
    )
    from tests.factories import make_session

    plan = make_session(programme, number=size, title=f"Plan {size}")
    session.session_plan = plan
    session.save()
    for guest in guest_cohort.enrolments.all():
        CatchUp.objects.create(
            enrolment=guest,
            session_plan=plan,
            kind=CatchUp.Kind.OTHER_COHORT,
            scheduled_session=session,
        )
    return trainer, session


@pytest.mark.parametrize("size", [3, 30])
def test_the_register_page_costs_the_same_queries_for_3_and_30_trainees(
    client, programme, size, django_assert_max_num_queries
):
    trainer, session = _group_of(size, programme)
    client.force_login(trainer)
    # Session, user, cohort, trainer check, scheduled session, marks, enrolments, guests,
    # trainers, then the base template's groups and permissions: never one per trainee.
    with django_assert_max_num_queries(12):
        reply = client.get(url("register", session))
    assert reply.status_code == 200
    assert reply.content.decode().count('class="register-row"') == size + size // 3 + 1


@pytest.mark.parametrize("size", [3, 30])
def test_everyone_present_costs_the_same_queries_for_3_and_30_trainees(
    client, programme, size, django_assert_max_num_queries
):
    trainer, session = _group_of(size, programme)
    client.force_login(trainer)
    # 15: with the roles and cohort language that lms.languages reads once per request.
    with django_assert_max_num_queries(15):
        reply = post_json(client, url("register_mark_all", session), {})
    assert reply.status_code == 200
    assert AttendanceMark.objects.filter(scheduled_session=session).count() == (
        size + size // 3 + 1
    )
    assert ScheduledSession.objects.get(pk=session.pk).register_taken_at is not None
