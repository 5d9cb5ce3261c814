"""Setting, confirming and cancelling catch-ups, and the inputs they refuse."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_cohort, make_programme, make_scheduled_session, make_session, mark
from training.models import (
    AttendanceMark,
    CatchUp,
    CohortTrainer,
    CompletionRule,
    ProgrammeProgress,
)

Status = AttendanceMark.Status


@pytest.fixture
def missed(scheduled, enrolment):
    """``trainee`` was absent from session 1 (held a week ago)."""
    mark(scheduled[0], enrolment, Status.ABSENT)
    return scheduled


@pytest.fixture
def autumn(programme, organisation, trainer, session_plans):
    """Another cohort of the same organisation and programme, holding session 1 next week."""
    group = make_cohort(
        programme, organisation, trainers=[(trainer, CohortTrainer.Role.LEAD)], name="Autumn"
    )
    return make_scheduled_session(group, session_plans[0], days_from_now=5, place="Hall B")


def new_url(cohort, enrolment, plan):
    return reverse("training:catch_up_new", args=[cohort.pk, enrolment.pk, plan.pk])


def test_a_trainer_sets_a_catch_up_task_and_confirms_it(
    as_user,
    trainer,
    cohort,
    enrolment,
    missed,
    session_plans,
    django_capture_on_commit_callbacks,
):
    client = as_user(trainer)
    assert client.get(new_url(cohort, enrolment, session_plans[0])).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            new_url(cohort, enrolment, session_plans[0]),
            {"kind": "task", "task": "Read the handout and write two ideas."},
        )

    assert page.status_code == 302
    catch_up = CatchUp.objects.get(enrolment=enrolment)
    assert (catch_up.kind, catch_up.status, catch_up.set_by) == ("task", "set", trainer)
    assert ProgrammeProgress.objects.get(enrolment=enrolment).sessions_attended == 0

    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("training:catch_up_done", args=[cohort.pk, catch_up.pk]))

    assert page.status_code == 302
    catch_up.refresh_from_db()
    assert catch_up.status == CatchUp.Status.DONE
    assert catch_up.confirmed_by == trainer
    assert catch_up.done_at is not None
    assert ProgrammeProgress.objects.get(enrolment=enrolment).sessions_attended == 1
    html = client.get(reverse("training:matrix", args=[cohort.pk])).content.decode()
    assert 'title="Caught up">↺</abbr>' in html


def test_the_other_groups_listed_are_same_programme_same_organisation_not_cancelled_ahead(
    as_user,
    trainer,
    cohort,
    enrolment,
    missed,
    session_plans,
    autumn,
    programme,
    organisation,
    other_cohort,
):
    past_group = make_cohort(programme, organisation, name="Winter")
    make_scheduled_session(past_group, session_plans[0], days_from_now=-2)
    cancelled_group = make_cohort(programme, organisation, name="Summer")
    make_scheduled_session(cancelled_group, session_plans[0], days_from_now=3, cancelled=True)
    make_scheduled_session(other_cohort, session_plans[0], days_from_now=3)  # another org
    other_programme = make_programme("Another programme")
    other_plan = make_session(other_programme, number=1)
    foreign = make_cohort(other_programme, organisation, name="Elsewhere")
    make_scheduled_session(foreign, other_plan, days_from_now=3)

    page = as_user(trainer).get(new_url(cohort, enrolment, session_plans[0]))

    assert [s.pk for s in page.context["sessions"]] == [autumn.pk]
    assert "Autumn" in page.content.decode()
    assert "Lille" not in page.content.decode()


def test_catching_up_with_another_group_counts_once_marked_there(
    as_user,
    trainer,
    cohort,
    enrolment,
    missed,
    session_plans,
    autumn,
    django_capture_on_commit_callbacks,
):
    page = as_user(trainer).post(
        new_url(cohort, enrolment, session_plans[0]),
        {"kind": "session", "scheduled_session": str(autumn.pk)},
    )
    assert page.status_code == 302
    catch_up = CatchUp.objects.get(enrolment=enrolment)
    assert catch_up.scheduled_session == autumn

    # Confirming by hand is only for tasks: the other group's register decides.
    page = as_user(trainer).post(reverse("training:catch_up_done", args=[cohort.pk, catch_up.pk]))
    catch_up.refresh_from_db()
    assert catch_up.status == CatchUp.Status.SET

    with django_capture_on_commit_callbacks(execute=True):
        mark(autumn, enrolment, Status.PRESENT)
        from training.signals import progress_inputs_changed

        progress_inputs_changed.send(sender=AttendanceMark, enrolment_ids=[enrolment.pk])
    assert ProgrammeProgress.objects.get(enrolment=enrolment).sessions_attended == 1


def test_a_session_of_another_organisation_is_refused(
    as_user, trainer, cohort, enrolment, missed, session_plans, other_cohort
):
    foreign = make_scheduled_session(other_cohort, session_plans[0], days_from_now=3)
    page = as_user(trainer).post(
        new_url(cohort, enrolment, session_plans[0]),
        {"kind": "session", "scheduled_session": str(foreign.pk)},
    )
    assert page.status_code == 400
    assert "Choose one of the sessions listed." in page.content.decode()
    assert not CatchUp.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose how the trainee will catch up."),
        ({"kind": "party"}, "Choose how the trainee will catch up."),
        ({"kind": "task", "task": "   "}, "Write what the trainee should do to catch up."),
        ({"kind": "task", "task": "x" * 2001}, "longer than 2000 characters"),
        ({"kind": "session"}, "Choose the group and date the trainee will join."),
        ({"kind": "session", "scheduled_session": "abc"}, "Choose the group and date"),
    ],
)
def test_bad_catch_up_input_gets_a_message_and_saves_nothing(
    as_user, trainer, cohort, enrolment, missed, session_plans, data, message
):
    page = as_user(trainer).post(new_url(cohort, enrolment, session_plans[0]), data)

    assert page.status_code == 400
    assert message in page.content.decode()
    assert not CatchUp.objects.exists()


def test_a_catch_up_is_refused_when_the_rule_does_not_allow_it(
    as_user, trainer, cohort, enrolment, missed, session_plans
):
    CompletionRule.objects.create(programme=cohort.programme, catch_up_allowed=False)
    client = as_user(trainer)

    page = client.post(new_url(cohort, enrolment, session_plans[0]), {"kind": "task", "task": "X"})

    assert page.status_code == 302
    assert not CatchUp.objects.exists()
    follow = client.get(page["Location"])
    assert (
        '<li class="message error">The completion rule of this programme does not allow'
        in follow.content.decode()
    )
    assert 'class="cm-catch-up' not in follow.content.decode()


def test_a_catch_up_is_refused_for_a_session_the_trainee_attended(
    as_user, trainer, cohort, enrolment, scheduled, session_plans
):
    mark(scheduled[0], enrolment, Status.PRESENT)
    client = as_user(trainer)

    page = client.post(new_url(cohort, enrolment, session_plans[0]), {"kind": "task", "task": "X"})

    assert page.status_code == 302
    assert not CatchUp.objects.exists()
    assert "nothing to catch up" in client.get(page["Location"]).content.decode()


def test_a_second_catch_up_is_refused_with_a_message_until_the_first_is_cancelled(
    as_user, trainer, cohort, enrolment, missed, session_plans
):
    client = as_user(trainer)
    url = new_url(cohort, enrolment, session_plans[0])
    client.post(url, {"kind": "task", "task": "First"})

    page = client.post(url, {"kind": "task", "task": "Second"})

    assert page.status_code == 302
    assert "already set" in client.get(page["Location"]).content.decode()
    first = CatchUp.objects.get()
    assert first.task == "First"

    page = client.post(reverse("training:catch_up_cancel", args=[cohort.pk, first.pk]))
    assert page.status_code == 302
    first.refresh_from_db()
    assert first.status == CatchUp.Status.CANCELLED
    client.post(url, {"kind": "task", "task": "Second"})
    assert CatchUp.objects.exclude(status="cancelled").get().task == "Second"


def test_the_unique_constraint_race_becomes_a_message(
    trainer, enrolment, missed, session_plans, monkeypatch
):
    """Two trainers at once: the database refuses the second; the service says so."""
    from django.core.exceptions import ValidationError

    from training import catch_up as services

    services.catch_up_set(
        by=trainer, enrolment=enrolment, session_plan=session_plans[0], kind="task", task="A"
    )
    # The second request made its checks before the first one saved.
    monkeypatch.setattr(services, "check_catch_up_possible", lambda **kwargs: None)
    with pytest.raises(ValidationError, match="a moment ago"):
        services.catch_up_set(
            by=trainer, enrolment=enrolment, session_plan=session_plans[0], kind="task", task="B"
        )
    assert CatchUp.objects.count() == 1


def test_ids_from_elsewhere_are_not_found(
    as_user,
    trainer,
    cohort,
    enrolment,
    missed,
    session_plans,
    other_cohort,
    programme,
    organisation,
):
    client = as_user(trainer)
    stranger = other_cohort.enrolments.get()
    assert client.get(new_url(cohort, stranger, session_plans[0])).status_code == 404
    other_plan = make_session(make_programme("Other"), number=1)
    assert client.get(new_url(cohort, enrolment, other_plan)).status_code == 404

    mine = make_cohort(
        programme, organisation, trainers=[(trainer, CohortTrainer.Role.LEAD)], name="Mine too"
    )
    catch_up = CatchUp.objects.create(
        enrolment=enrolment, session_plan=session_plans[0], kind="task", task="X"
    )
    # A catch-up of ``cohort`` through the URL of another cohort the trainer runs.
    page = client.post(reverse("training:catch_up_done", args=[mine.pk, catch_up.pk]))
    assert page.status_code == 404
    catch_up.refresh_from_db()
    assert catch_up.status == CatchUp.Status.SET


@pytest.mark.parametrize("persona", ["other_org_trainer", "trainee"])
def test_outsiders_cannot_set_or_close_catch_ups(
    request, as_user, cohort, enrolment, missed, session_plans, persona
):
    catch_up = CatchUp.objects.create(
        enrolment=enrolment, session_plan=session_plans[1], kind="task", task="X"
    )
    client = as_user(request.getfixturevalue(persona))
    assert client.get(new_url(cohort, enrolment, session_plans[0])).status_code == 403
    page = client.post(new_url(cohort, enrolment, session_plans[0]), {"kind": "task", "task": "Y"})
    assert page.status_code == 403
    for name in ("catch_up_done", "catch_up_cancel"):
        assert (
            client.post(reverse(f"training:{name}", args=[cohort.pk, catch_up.pk])).status_code
            == 403
        )
    catch_up.refresh_from_db()
    assert catch_up.status == CatchUp.Status.SET
    assert CatchUp.objects.count() == 1


def test_closing_needs_a_post_with_a_csrf_token(trainer, cohort, enrolment, missed, session_plans):
    catch_up = CatchUp.objects.create(
        enrolment=enrolment, session_plan=session_plans[0], kind="task", task="X"
    )
    client = Client(enforce_csrf_checks=True)
    client.force_login(trainer)
    url = reverse("training:catch_up_done", args=[cohort.pk, catch_up.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    assert (
        client.post(new_url(cohort, enrolment, session_plans[0]), {"kind": "task"}).status_code
        == 403
    )
    catch_up.refresh_from_db()
    assert catch_up.status == CatchUp.Status.SET
