"""Putting a cohort's sessions on the calendar, and moving them.

Every session plan of the programme is met once per cohort; support and supervision
meetings for trained peer supporters have no plan and a title instead. A change of date,
time, place, link or a cancellation is written to ``ScheduleChange`` with the values
before the change, so the history is never lost. Nothing is ever scheduled in the past.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from curriculum.models import SessionPlanPage

from .models import Cohort, Enrolment, ScheduleChange, ScheduledSession
from .signals import progress_inputs_changed

DEFAULT_START = datetime.time(10, 0)
WEEK = datetime.timedelta(days=7)


# --- reads ---------------------------------------------------------------------------------


def programme_plans(programme):
    """The programme's published session plans, in teaching order."""
    return SessionPlanPage.objects.child_of(programme).live().order_by("number", "path")


def plans_to_schedule(cohort):
    """Session plans the cohort has no date for yet."""
    scheduled = ScheduledSession.objects.filter(cohort=cohort, session_plan__isnull=False).values(
        "session_plan_id"
    )
    return list(programme_plans(cohort.programme).exclude(pk__in=scheduled))


def suggested_dates(cohort, count, *, today=None):
    """Dates to offer for ``count`` new sessions: one a week, from the cohort's first day
    (or a week from now when that has passed), after any training session already set."""
    today = today or timezone.localdate()
    first = cohort.starts_on if cohort.starts_on and cohort.starts_on > today else today + WEEK
    last = (
        ScheduledSession.objects.filter(
            cohort=cohort, kind=ScheduledSession.Kind.TRAINING, cancelled=False
        )
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    if last is not None:
        first = max(first, timezone.localtime(last).date() + WEEK)
    return [first + WEEK * n for n in range(count)]


def start_of_today():
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time()))


def with_next_session(cohorts):
    """Annotate ``next_session_id``: the first session not cancelled from today on, so a
    session that started this morning is still the one to take the register for."""
    upcoming = (
        ScheduledSession.objects.filter(
            cohort=OuterRef("pk"), cancelled=False, starts_at__gte=start_of_today()
        )
        .order_by("starts_at", "pk")
        .values("pk")[:1]
    )
    return cohorts.annotate(next_session_id=Subquery(upcoming))


def attach_next_sessions(cohorts):
    """Set ``cohort.next_session`` on cohorts annotated by ``with_next_session``; one query."""
    wanted = [c.next_session_id for c in cohorts if c.next_session_id]
    found = ScheduledSession.objects.select_related("session_plan").in_bulk(wanted)
    for cohort in cohorts:
        cohort.next_session = found.get(cohort.next_session_id)
    return cohorts


# --- checks --------------------------------------------------------------------------------


def combine(day, time):
    """A date and a wall-clock time in the site's time zone, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, time))


def check_not_past(starts_at, *, now=None):
    now = now or timezone.now()
    if starts_at < now:
        if timezone.localtime(starts_at).date() < timezone.localtime(now).date():
            raise ValidationError(_("That date has passed."), code="past")
        raise ValidationError(_("That time has already passed today."), code="past")


def _check_plan(cohort, plan):
    if not programme_plans(cohort.programme).filter(pk=plan.pk).exists():
        raise ValidationError(_("This session is not part of the group's programme."))


def _progress_changed(cohort):
    """Rescheduling or cancelling changes which sessions count as held."""
    ids = list(Enrolment.objects.filter(cohort=cohort).values_list("pk", flat=True))
    if ids:
        transaction.on_commit(
            lambda: progress_inputs_changed.send(sender=ScheduledSession, enrolment_ids=ids)
        )


def _already_scheduled(plan):
    return ValidationError(
        _("“%(title)s” already has a date. Change that date instead.") % {"title": plan.title},
        code="duplicate",
    )


# --- services ------------------------------------------------------------------------------


@dataclass
class SessionRow:
    """One session plan put on a date by the scheduling form."""

    plan: SessionPlanPage
    starts_at: datetime.datetime
    duration_minutes: int
    place: str = ""
    online_link: str = ""


def sessions_schedule(*, cohort, rows, by=None):
    """Schedule several session plans at once, all or none.

    Raises ``ValidationError`` whose ``error_dict`` is keyed by plan id when a row cannot be
    saved, so the form can show each message next to its row.
    """
    now = timezone.now()
    errors = {}
    for row in rows:
        try:
            check_not_past(row.starts_at, now=now)
            _check_plan(cohort, row.plan)
        except ValidationError as error:
            errors[str(row.plan.pk)] = error.messages
    if errors:
        raise ValidationError(errors)
    created = []
    with transaction.atomic():
        cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
        taken = set(
            ScheduledSession.objects.filter(
                cohort=cohort, session_plan__in=[row.plan for row in rows]
            ).values_list("session_plan_id", flat=True)
        )
        clashes = {
            str(row.plan.pk): _already_scheduled(row.plan).messages
            for row in rows
            if row.plan.pk in taken
        }
        if clashes:
            raise ValidationError(clashes)
        for row in rows:
            created.append(
                ScheduledSession.objects.create(
                    cohort=cohort,
                    kind=ScheduledSession.Kind.TRAINING,
                    session_plan=row.plan,
                    starts_at=row.starts_at,
                    duration_minutes=row.duration_minutes,
                    place=row.place.strip(),
                    online_link=row.online_link.strip(),
                )
            )
        if created:
            _progress_changed(cohort)
    return created


def session_add(
    *,
    cohort,
    kind,
    starts_at,
    duration_minutes,
    session_plan=None,
    title="",
    place="",
    online_link="",
    by=None,
):
    """Schedule one meeting: a training session of a plan not scheduled yet, or a support
    or supervision meeting, which needs a title and has no plan."""
    check_not_past(starts_at)
    title = (title or "").strip()
    if kind == ScheduledSession.Kind.TRAINING:
        if session_plan is None:
            raise ValidationError(_("Choose which session of the programme this is."))
        _check_plan(cohort, session_plan)
    elif kind in (ScheduledSession.Kind.SUPPORT, ScheduledSession.Kind.SUPERVISION):
        if not title:
            raise ValidationError(_("Give this meeting a title, such as “Monthly support”."))
        session_plan = None
    else:
        raise ValidationError(_("Choose what kind of session this is."))
    try:
        with transaction.atomic():
            session = ScheduledSession.objects.create(
                cohort=cohort,
                kind=kind,
                session_plan=session_plan,
                title=title,
                starts_at=starts_at,
                duration_minutes=duration_minutes,
                place=place.strip(),
                online_link=online_link.strip(),
            )
            if kind == ScheduledSession.Kind.TRAINING:
                _progress_changed(cohort)
    except IntegrityError as error:
        raise _already_scheduled(session_plan) from error
    return session


def session_reschedule(
    *,
    session,
    starts_at,
    duration_minutes,
    place="",
    online_link="",
    cancelled=False,
    reason="",
    title=None,
    by=None,
):
    """Move, change or cancel a session. A change of time, place, link or cancellation is
    recorded with the previous values; returns the ``ScheduleChange`` or ``None``."""
    place, online_link, reason = place.strip(), online_link.strip(), (reason or "").strip()
    with transaction.atomic():
        session = ScheduledSession.objects.select_for_update().get(pk=session.pk)
        moved = starts_at != session.starts_at
        if moved:
            check_not_past(starts_at)
        changed = (
            moved
            or place != session.place
            or online_link != session.online_link
            or cancelled != session.cancelled
        )
        change = None
        if changed:
            change = ScheduleChange.objects.create(
                scheduled_session=session,
                changed_by=by,
                previous_starts_at=session.starts_at,
                previous_place=session.place,
                previous_online_link=session.online_link,
                starts_at=starts_at,
                place=place,
                online_link=online_link,
                cancelled=cancelled,
                reason=reason,
            )
        affects_progress = moved or cancelled != session.cancelled
        session.starts_at = starts_at
        session.duration_minutes = duration_minutes
        session.place = place
        session.online_link = online_link
        session.cancelled = cancelled
        if title is not None and session.session_plan_id is None:
            session.title = title.strip() or session.title
        session.save()
        if affects_progress and session.kind == ScheduledSession.Kind.TRAINING:
            _progress_changed(session.cohort)
    return change
