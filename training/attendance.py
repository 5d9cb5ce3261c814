"""Taking the register: marks saved by a trainer, self check-in with a code, the roster.

Views call these functions; the rules live here. Every change runs in one transaction and
raises ``ValidationError`` with a sentence a trainer can act on, so nothing half-saved is
ever left behind. Two trainers may take the same register at once on two phones: marks for
different trainees both land, and a mark changed since the phone last saw it raises
``MarkConflict`` instead of being overwritten.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from .models import AttendanceMark, CatchUp, Enrolment, ScheduledSession
from .signals import progress_inputs_changed

Status = AttendanceMark.Status
Source = AttendanceMark.Source

# A register may be opened a little before the session (setting up the room the evening
# before, say) but not for a session days away, where a tap would be a mistake.
EARLIEST_BEFORE_START = timedelta(hours=12)
# Someone who arrives more than this after the start is checked in as late.
LATE_AFTER = timedelta(minutes=15)
# Minutes attended may run over the planned length (a session that overran) by this much.
MINUTES_OVER = 60
NOTE_MAX_LENGTH = 500
CHECK_IN_WINDOWS = (15, 30, 60)
CHECK_IN_DEFAULT_WINDOW = 30
CHECK_IN_CODE_DIGITS = 6
# Six digits give a million codes; five wrong tries per ten minutes make guessing hopeless.
CHECK_IN_MAX_FAILURES = 5
CHECK_IN_FAILURE_WINDOW = 10 * 60


class MarkConflict(Exception):
    """The mark changed since the client last saw it. ``mark`` is what is saved now."""

    def __init__(self, mark):
        super().__init__("The mark was changed by someone else.")
        self.mark = mark


# --- who is on the register -------------------------------------------------------------------


def person_name(user):
    return user.get_full_name() or user.username


def name_order(name):
    """Sort key that files "Éloïse" with the E's, not after "Zoë" as code points would."""
    letters = unicodedata.normalize("NFKD", name)
    return "".join(c for c in letters if not unicodedata.combining(c)).casefold()


@dataclass
class RegisterRow:
    enrolment: Enrolment
    mark: AttendanceMark | None = None
    # For a trainee catching up a missed session with this group: the cohort they come from.
    guest_from: object = None

    @property
    def name(self):
        return person_name(self.enrolment.trainee)


def register_rows(session):
    """The trainees on a session's register, marks included, in three queries.

    The cohort's enrolments that have not been withdrawn, by name, then trainees from other
    cohorts catching up this session. A withdrawn trainee who was marked before leaving
    still appears, so the register never hides a mark it holds.
    """
    marks = {
        mark.enrolment_id: mark
        for mark in AttendanceMark.objects.filter(scheduled_session=session).select_related(
            "marked_by"
        )
    }
    enrolments = (
        Enrolment.objects.filter(cohort_id=session.cohort_id)
        .filter(~Q(status=Enrolment.Status.WITHDRAWN) | Q(pk__in=list(marks)))
        .select_related("trainee")
    )
    rows = [RegisterRow(enrolment, marks.get(enrolment.pk)) for enrolment in enrolments]
    rows.sort(key=lambda row: name_order(row.name))
    guests = (
        CatchUp.objects.filter(scheduled_session=session, kind=CatchUp.Kind.OTHER_COHORT)
        .exclude(status=CatchUp.Status.CANCELLED)
        .exclude(enrolment__status=Enrolment.Status.WITHDRAWN)
        .select_related("enrolment__trainee", "enrolment__cohort")
    )
    seen = {row.enrolment.pk for row in rows}
    guest_rows = [
        RegisterRow(guest.enrolment, marks.get(guest.enrolment_id), guest.enrolment.cohort)
        for guest in guests
        if guest.enrolment_id not in seen
    ]
    guest_rows.sort(key=lambda row: name_order(row.name))
    return rows + guest_rows


# --- checks -----------------------------------------------------------------------------------


def check_register_open(session, now=None):
    """Raise ValidationError unless marks may be saved for this session now."""
    now = now or timezone.now()
    if session.cancelled:
        raise ValidationError(_("This session was cancelled, so there is no register to take."))
    if session.starts_at - now > EARLIEST_BEFORE_START:
        raise ValidationError(
            _("This session has not started yet. You can take the register on the day.")
        )


def _enrolment_on_register(session, enrolment_id):
    """The enrolment if it may be marked in this session, or a ValidationError naming why."""
    try:
        enrolment_id = int(enrolment_id)
    except (TypeError, ValueError):
        raise ValidationError(_("Please choose a trainee from the list.")) from None
    enrolment = (
        Enrolment.objects.select_related("trainee", "cohort").filter(pk=enrolment_id).first()
    )
    if enrolment is None:
        raise ValidationError(_("This trainee is not in this group."))
    name = person_name(enrolment.trainee)
    if enrolment.cohort_id == session.cohort_id:
        if enrolment.status == Enrolment.Status.WITHDRAWN:
            raise ValidationError(
                _("%(name)s has left this group, so they cannot be marked.") % {"name": name}
            )
        return enrolment
    is_guest = (
        enrolment.status != Enrolment.Status.WITHDRAWN
        and CatchUp.objects.filter(
            enrolment=enrolment, scheduled_session=session, kind=CatchUp.Kind.OTHER_COHORT
        )
        .exclude(status=CatchUp.Status.CANCELLED)
        .exists()
    )
    if is_guest:
        return enrolment
    # Only name people this trainer's organisation already knows: an id typed by hand must
    # not reveal who is enrolled elsewhere.
    if enrolment.cohort.organisation_id == session.cohort.organisation_id:
        raise ValidationError(_("%(name)s is not in this group.") % {"name": name})
    raise ValidationError(_("This trainee is not in this group."))


def _clean_status(status):
    if status not in Status.values:
        raise ValidationError(
            _("Please choose one of: present, late, left early, absent or excused.")
        )
    return status


def _clean_minutes(session, minutes):
    if minutes in (None, ""):
        return None
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        raise ValidationError(_("Minutes attended must be a whole number.")) from None
    most = session.duration_minutes + MINUTES_OVER
    if not 0 <= minutes <= most:
        raise ValidationError(
            _("Minutes attended must be between 0 and %(most)s.") % {"most": most}
        )
    return minutes


def _clean_note(note):
    note = "" if note is None else str(note).strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            _("The note is too long. Please keep it under %(max)s characters.")
            % {"max": NOTE_MAX_LENGTH}
        )
    return note


def _clean_base_version(base_version):
    if base_version in (None, ""):
        return None
    try:
        base_version = int(base_version)
    except (TypeError, ValueError):
        raise ValidationError(_("The page is out of date. Please reload it.")) from None
    if base_version < 0:
        raise ValidationError(_("The page is out of date. Please reload it."))
    return base_version


# --- saving marks -----------------------------------------------------------------------------


def _after_commit(session, enrolment_ids):
    enrolment_ids = sorted(set(enrolment_ids))
    if not enrolment_ids:
        return

    def send():
        progress_inputs_changed.send(
            sender=AttendanceMark, enrolment_ids=enrolment_ids, scheduled_session=session
        )

    transaction.on_commit(send)


def _note_register_taken(session, now):
    """The first mark makes the session held. A conditional update, so two phones saving
    their first marks at once cannot overwrite each other's time."""
    if session.register_taken_at is None:
        ScheduledSession.objects.filter(pk=session.pk, register_taken_at__isnull=True).update(
            register_taken_at=now
        )
        session.register_taken_at = now


def record_mark(
    session,
    enrolment_id,
    status,
    *,
    by,
    minutes=None,
    note="",
    base_version=None,
    source=Source.REGISTER,
    now=None,
):
    """Save one trainee's mark for a session and return it.

    ``base_version`` is the version of the mark the client saw (0: it saw none). When the
    mark has changed since, ``MarkConflict`` is raised with the saved mark and nothing
    changes; ``None`` skips that check. Sending the same values again (a reply lost on a
    weak connection) is not a conflict: the saved mark is returned as it is.
    """
    now = now or timezone.now()
    check_register_open(session, now)
    status = _clean_status(status)
    minutes = _clean_minutes(session, minutes)
    note = _clean_note(note)
    base_version = _clean_base_version(base_version)
    enrolment = _enrolment_on_register(session, enrolment_id)
    with transaction.atomic():
        mark = (
            AttendanceMark.objects.select_for_update()
            .filter(scheduled_session=session, enrolment=enrolment)
            .first()
        )
        if mark is None:
            if base_version not in (None, 0):
                # The client saw a mark that is gone; its copy of the page is out of date.
                raise ValidationError(_("The page is out of date. Please reload it."))
            mark = AttendanceMark(
                scheduled_session=session,
                enrolment=enrolment,
                status=status,
                minutes_attended=minutes,
                note=note,
                source=source,
                marked_by=by,
                marked_at=now,
                version=1,
            )
            try:
                # A savepoint: if another phone created this mark a moment ago, the
                # transaction stays usable to read theirs.
                with transaction.atomic():
                    mark.save(force_insert=True)
            except IntegrityError:
                mark = (
                    AttendanceMark.objects.select_for_update(of=("self",))
                    .select_related("marked_by")
                    .get(scheduled_session=session, enrolment=enrolment)
                )
                if _same(mark, status, minutes, note):
                    return _with_enrolment(mark, enrolment)
                raise MarkConflict(_with_enrolment(mark, enrolment)) from None
        else:
            if _same(mark, status, minutes, note):
                return _with_enrolment(mark, enrolment)
            if base_version is not None and base_version != mark.version:
                raise MarkConflict(_with_enrolment(mark, enrolment))
            mark.status = status
            mark.minutes_attended = minutes
            mark.note = note
            mark.source = source
            mark.marked_by = by
            mark.marked_at = now
            mark.version += 1
            mark.save(
                update_fields=[
                    "status",
                    "minutes_attended",
                    "note",
                    "source",
                    "marked_by",
                    "marked_at",
                    "version",
                ]
            )
        _note_register_taken(session, now)
        _after_commit(session, [enrolment.pk])
    return _with_enrolment(mark, enrolment)


def _same(mark, status, minutes, note):
    return mark.status == status and mark.minutes_attended == minutes and mark.note == note


def _with_enrolment(mark, enrolment):
    mark.enrolment = enrolment
    return mark


def mark_all_present(session, *, by, skip=(), now=None):
    """Mark everyone on the register who has no mark yet as present, in one go.

    ``skip``: enrolment ids to leave alone, such as rows whose marks are still on their way
    from the phone. Returns the new marks.
    """
    now = now or timezone.now()
    check_register_open(session, now)
    skip = {int(pk) for pk in skip if str(pk).isdigit()}
    with transaction.atomic():
        # Locks the session row, so two "everyone present" taps cannot run side by side.
        ScheduledSession.objects.select_for_update().filter(pk=session.pk).first()
        rows = register_rows(session)
        wanted = [
            row.enrolment
            for row in rows
            if row.mark is None
            and row.enrolment.pk not in skip
            and row.enrolment.status != Enrolment.Status.WITHDRAWN
        ]
        if not wanted:
            return []
        AttendanceMark.objects.bulk_create(
            [
                AttendanceMark(
                    scheduled_session=session,
                    enrolment=enrolment,
                    status=Status.PRESENT,
                    source=Source.REGISTER,
                    marked_by=by,
                    marked_at=now,
                    version=1,
                )
                for enrolment in wanted
            ],
            # A mark saved by the other phone meanwhile is kept, not overwritten.
            ignore_conflicts=True,
        )
        created = list(
            AttendanceMark.objects.filter(
                scheduled_session=session,
                enrolment__in=wanted,
                marked_at=now,
                marked_by=by,
                status=Status.PRESENT,
                version=1,
            ).select_related("marked_by")
        )
        by_enrolment = {enrolment.pk: enrolment for enrolment in wanted}
        for mark in created:
            mark.enrolment = by_enrolment[mark.enrolment_id]
        _note_register_taken(session, now)
        _after_commit(session, by_enrolment)
    return created


# --- describing a mark ------------------------------------------------------------------------


def conflict_message(mark):
    """Why a tap was not saved, in words: who changed the mark, to what, when."""
    name = person_name(mark.enrolment.trainee)
    when = time_format(timezone.localtime(mark.marked_at), "H:i")
    status = mark.get_status_display()
    if mark.source == Source.CHECK_IN:
        return _(
            "%(name)s checked in with the code at %(time)s and is marked %(status)s. "
            "Tap again to replace it."
        ) % {"name": name, "time": when, "status": status}
    who = person_name(mark.marked_by) if mark.marked_by else _("Someone")
    return _("%(who)s marked %(name)s as %(status)s at %(time)s. Tap again to replace it.") % {
        "who": who,
        "name": name,
        "status": status,
        "time": when,
    }


def mark_data(mark):
    """A mark as the register page's script reads it."""
    return {
        "enrolment": mark.enrolment_id,
        "version": mark.version,
        "status": mark.status,
        "label": str(mark.get_status_display()),
        "minutes_attended": mark.minutes_attended,
        "note": mark.note,
        "source": mark.source,
        "marked_by": person_name(mark.marked_by) if mark.marked_by else "",
        "marked_at": timezone.localtime(mark.marked_at).isoformat(),
        "marked_at_time": time_format(timezone.localtime(mark.marked_at), "H:i"),
    }


# --- check-in with a code ---------------------------------------------------------------------


def new_check_in_code():
    """Six digits, easy to type on a phone keypad; from ``secrets`` so it cannot be
    predicted from earlier codes."""
    return f"{secrets.randbelow(10**CHECK_IN_CODE_DIGITS):0{CHECK_IN_CODE_DIGITS}d}"


def open_check_in(session, *, minutes=CHECK_IN_DEFAULT_WINDOW, now=None):
    """Open the check-in window from now for ``minutes`` with a fresh code."""
    now = now or timezone.now()
    check_register_open(session, now)
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        minutes = 0
    if minutes not in CHECK_IN_WINDOWS:
        raise ValidationError(_("Please choose 15, 30 or 60 minutes."))
    session.check_in_code = new_check_in_code()
    session.check_in_opens_at = now
    session.check_in_closes_at = now + timedelta(minutes=minutes)
    session.save(update_fields=["check_in_code", "check_in_opens_at", "check_in_closes_at"])
    return session


def close_check_in(session, *, now=None):
    """Close the window at once; the code stops working."""
    now = now or timezone.now()
    if session.check_in_closes_at is None or session.check_in_closes_at > now:
        session.check_in_closes_at = now
    session.check_in_code = ""
    session.save(update_fields=["check_in_code", "check_in_closes_at"])
    return session


def checked_in_count(session):
    return AttendanceMark.objects.filter(scheduled_session=session, source=Source.CHECK_IN).count()


def _failure_key(user):
    return f"training:check-in-failures:{user.pk}"


def check_in_blocked(user):
    return (cache.get(_failure_key(user)) or 0) >= CHECK_IN_MAX_FAILURES


def _count_failure(user):
    key = _failure_key(user)
    # add() starts the ten minutes at the first failure; incr() keeps that expiry.
    if not cache.add(key, 1, CHECK_IN_FAILURE_WINDOW):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, CHECK_IN_FAILURE_WINDOW)


@dataclass
class CheckInResult:
    session: ScheduledSession
    mark: AttendanceMark
    # False when a trainer had marked this trainee already; that mark stays as it is.
    checked_in: bool


def _own_enrolment_for(user, session):
    """The trainee's enrolment that may be marked in ``session``: theirs in its cohort, or
    the one they are catching up from."""
    own = (
        Enrolment.objects.filter(trainee=user, cohort_id=session.cohort_id)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .first()
    )
    if own:
        return own
    guest = (
        CatchUp.objects.filter(
            scheduled_session=session, kind=CatchUp.Kind.OTHER_COHORT, enrolment__trainee=user
        )
        .exclude(status=CatchUp.Status.CANCELLED)
        .exclude(enrolment__status=Enrolment.Status.WITHDRAWN)
        .select_related("enrolment")
        .first()
    )
    return guest.enrolment if guest else None


def check_in(user, code, *, now=None):
    """Check a trainee in with the code on the projector.

    The code is looked for only among sessions the trainee belongs to (their own cohorts'
    and those they are catching up), whose window is open now. A mark the trainer already
    saved is never overwritten.
    """
    now = now or timezone.now()
    if check_in_blocked(user):
        raise ValidationError(
            _(
                "Too many wrong codes. Please wait 10 minutes and try again, "
                "or ask your trainer to mark you on the register."
            )
        )
    code = "".join(str(code or "").split())
    session = None
    # New codes have six digits; shorter ones set by hand (the demo's, say) still work.
    if code.isdigit() and 4 <= len(code) <= 8:
        mine = Q(
            cohort__enrolments__trainee=user,
            cohort__enrolments__status__in=[
                Enrolment.Status.INVITED,
                Enrolment.Status.ACTIVE,
                Enrolment.Status.COMPLETED,
            ],
        ) | Q(
            pk__in=CatchUp.objects.filter(enrolment__trainee=user, kind=CatchUp.Kind.OTHER_COHORT)
            .exclude(status=CatchUp.Status.CANCELLED)
            .values("scheduled_session")
        )
        session = (
            ScheduledSession.objects.filter(
                mine,
                check_in_code=code,
                check_in_opens_at__lte=now,
                check_in_closes_at__gte=now,
                cancelled=False,
            )
            .select_related("cohort__organisation", "session_plan")
            .order_by("starts_at")
            .distinct()
            .first()
        )
    if session is None:
        _count_failure(user)
        raise ValidationError(
            _(
                "This code does not work. Check the numbers on the screen and try again. "
                "The code only works while your trainer keeps check-in open."
            )
        )
    enrolment = _own_enrolment_for(user, session)
    if enrolment is None:  # pragma: no cover - the query above already required one
        raise ValidationError(_("You are not in this group."))
    status = Status.LATE if now > session.starts_at + LATE_AFTER else Status.PRESENT
    try:
        mark = record_mark(
            session,
            enrolment.pk,
            status,
            by=user,
            base_version=0,
            source=Source.CHECK_IN,
            now=now,
        )
    except MarkConflict as conflict:
        return CheckInResult(session=session, mark=conflict.mark, checked_in=False)
    # Checking in twice within the window is fine: the first check-in stands.
    return CheckInResult(session=session, mark=mark, checked_in=mark.source == Source.CHECK_IN)
