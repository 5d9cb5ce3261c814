"""Catch-ups: making up a missed session with another group, or with a task.

A trainer sets a catch-up for one trainee and one session plan. "With another group" points
at another cohort's meeting of the same session plan, in the same programme and
organisation; the trainee's mark on that meeting (stored on their own enrolment) is what
counts. A task is text the trainee may answer here; it counts once the trainer confirms it.
Each function checks its inputs, changes data in one transaction and raises
``ValidationError`` with a message the trainer or trainee can act on.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .completion import progress_for, rule_for, session_name
from .models import CatchUp, Enrolment, ScheduledSession
from .signals import progress_inputs_changed

TASK_MAX_LENGTH = 2000
ANSWER_MAX_LENGTH = 5000


def _changed(enrolment_id):
    transaction.on_commit(
        lambda: progress_inputs_changed.send(sender=CatchUp, enrolment_ids=[enrolment_id])
    )


def start_of_today():
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time.min))


def other_group_sessions(*, enrolment, session_plan):
    """Meetings of the same session plan in other cohorts of the same programme and
    organisation, not cancelled, from today on: where the trainee may catch up."""
    cohort = enrolment.cohort
    return (
        ScheduledSession.objects.filter(
            session_plan=session_plan,
            cohort__programme_id=cohort.programme_id,
            cohort__organisation_id=cohort.organisation_id,
            cancelled=False,
            starts_at__gte=start_of_today(),
        )
        .exclude(cohort_id=cohort.pk)
        .select_related("cohort")
        .order_by("starts_at", "pk")
    )


def check_catch_up_possible(*, enrolment, session_plan, progress=None):
    """Raise ValidationError when no catch-up can be set for this session; else return the
    trainee's progress for that session."""
    name = session_name(session_plan)
    trainee = enrolment.trainee.get_full_name() or enrolment.trainee.username
    if not rule_for(enrolment.cohort.programme).catch_up_allowed:
        raise ValidationError(_("The completion rule of this programme does not allow catch-ups."))
    if not enrolment.can_work:
        raise ValidationError(
            _("%(name)s is no longer taking part in this group.") % {"name": trainee}
        )
    progress = progress or progress_for([enrolment])[0]
    session = progress.session(session_plan.pk)
    if session is None:
        raise ValidationError(_("This session is not part of the programme."))
    if session.attended:
        raise ValidationError(
            _("%(name)s was at %(session)s, so there is nothing to catch up.")
            % {"name": trainee, "session": name}
        )
    if session.catch_up is not None:
        raise ValidationError(
            _(
                "A catch-up for %(session)s is already set for %(name)s. Cancel it first to set "
                "a different one."
            )
            % {"name": trainee, "session": name}
        )
    return session


def catch_up_set(*, by, enrolment, session_plan, kind, scheduled_session_id=None, task=""):
    """Set a catch-up: with another group (``scheduled_session_id``) or a task (``task``)."""
    task = (task or "").strip()
    if kind == CatchUp.Kind.OTHER_COHORT:
        if not scheduled_session_id:
            raise ValidationError(_("Choose the group and date the trainee will join."))
        scheduled = (
            other_group_sessions(enrolment=enrolment, session_plan=session_plan)
            .filter(pk=scheduled_session_id)
            .first()
        )
        if scheduled is None:
            raise ValidationError(_("Choose one of the sessions listed."))
        task = ""
    elif kind == CatchUp.Kind.TASK:
        scheduled = None
        if not task:
            raise ValidationError(_("Write what the trainee should do to catch up."))
        if len(task) > TASK_MAX_LENGTH:
            raise ValidationError(
                _("The task is longer than %(max)s characters. Please shorten it.")
                % {"max": TASK_MAX_LENGTH}
            )
    else:
        raise ValidationError(_("Choose how the trainee will catch up."))
    with transaction.atomic():
        # Lock the enrolment: two trainers setting a catch-up at once are served in turn.
        Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
        check_catch_up_possible(enrolment=enrolment, session_plan=session_plan)
        try:
            with transaction.atomic():
                catch_up = CatchUp.objects.create(
                    enrolment=enrolment,
                    session_plan=session_plan,
                    kind=kind,
                    scheduled_session=scheduled,
                    task=task,
                    set_by=by,
                )
        except IntegrityError:
            raise ValidationError(
                _(
                    "A catch-up for this session was set a moment ago. Cancel it first to set a "
                    "different one."
                )
            ) from None
        _changed(enrolment.pk)
    return catch_up


def _locked(catch_up):
    return CatchUp.objects.select_for_update().get(pk=catch_up.pk)


def catch_up_confirm_done(*, by, catch_up):
    """The trainer confirms a catch-up task was done: the session now counts."""
    with transaction.atomic():
        catch_up = _locked(catch_up)
        if catch_up.kind != CatchUp.Kind.TASK:
            raise ValidationError(
                _(
                    "A catch-up with another group counts once that group's register shows the "
                    "trainee as there."
                )
            )
        if catch_up.status != CatchUp.Status.SET:
            raise ValidationError(_("This catch-up is no longer open."))
        catch_up.status = CatchUp.Status.DONE
        catch_up.done_at = timezone.now()
        catch_up.confirmed_by = by
        catch_up.save(update_fields=["status", "done_at", "confirmed_by"])
        _changed(catch_up.enrolment_id)
    return catch_up


def catch_up_cancel(*, by, catch_up):
    """Cancel a catch-up (also one confirmed by mistake); a new one can then be set."""
    with transaction.atomic():
        catch_up = _locked(catch_up)
        if catch_up.status == CatchUp.Status.CANCELLED:
            raise ValidationError(_("This catch-up was already cancelled."))
        catch_up.status = CatchUp.Status.CANCELLED
        catch_up.save(update_fields=["status"])
        _changed(catch_up.enrolment_id)
    return catch_up


def catch_up_answer(*, user, catch_up, answer):
    """The trainee's answer to a catch-up task. It does not count until the trainer
    confirms it, so progress does not change here."""
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError(_("Write your answer first."))
    if len(answer) > ANSWER_MAX_LENGTH:
        raise ValidationError(
            _("Your answer is longer than %(max)s characters. Please shorten it.")
            % {"max": ANSWER_MAX_LENGTH}
        )
    with transaction.atomic():
        catch_up = (
            CatchUp.objects.select_for_update().select_related("enrolment").get(pk=catch_up.pk)
        )
        if catch_up.enrolment.trainee_id != user.pk:
            raise ValidationError(_("This catch-up is not yours."))
        if not catch_up.enrolment.can_work:
            raise ValidationError(_("You are no longer taking part in this group."))
        if catch_up.kind != CatchUp.Kind.TASK or catch_up.status != CatchUp.Status.SET:
            raise ValidationError(
                _(
                    "This catch-up task is closed, so your answer could not be saved. Copy it "
                    "and give it to your trainer."
                )
            )
        catch_up.answer = answer
        catch_up.save(update_fields=["answer"])
    return catch_up
