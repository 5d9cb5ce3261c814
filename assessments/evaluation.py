"""Programme evaluation: consent, invitations and reminders, scoring, submission, and paired
before/after reports.

Evaluation answers are health-related personal data, so three rules hold everywhere here:

- Nobody is shown a questionnaire before agreeing to take part (``give_consent``), as a step
  of its own. Saying no, or withdrawing later, stops invitations and reminders and takes the
  person's answers out of every report (they stay readable to the person themself).
- Answers one by one are read only by the trainee and by evaluation leads of the trainee's
  organisation (``cohorts_for_evaluation``), after typing their password again
  (``lms.reauth``). Everyone else gets aggregates: superusers too, since running the site is
  not a reason to read someone's answers about their health.
- Every aggregate of fewer than ``EVALUATION_MIN_GROUP`` pairs (default 5) is shown as "too
  few to show", so that a small group's figures cannot point at one person.

The ONS anxiety question is stored as answered but scored turned round, as the subscale "low
anxiety", so every line of a chart reads "higher is better" (see migration 0003); the raw
answer stays in the CSV for comparison with ONS figures.

Reports pair a person's "before" and "after" answers through the enrolment, and name the
pair by a pseudonym (an HMAC of the enrolment id with the site's secret key), never by name.
"""

from __future__ import annotations

import calendar
import datetime
import hashlib
import hmac
from collections import defaultdict
from dataclasses import dataclass, field
from statistics import fmean

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lms.roles import Role, user_roles
from training.models import Cohort, Enrolment

from .models import (
    EvaluationConsent,
    EvaluationInvitation,
    EvaluationResponse,
    EvaluationSchedule,
    Instrument,
)

Timepoint = EvaluationInvitation.Timepoint
TOTAL = "total"

# What the trainee agrees to, stored word for word with their consent.
CONSENT_STATEMENT = gettext_lazy(
    "I agree to answer short questionnaires about how I feel and about my life, before and "
    "after the training and some months later. My answers help show whether the training "
    "helps people. My trainer and the people who run the training never see my answers: "
    "only I and the evaluation team can read them, and reports only show group averages "
    "without names. Taking part is my choice. I can stop at any time, and then my answers "
    "are left out of every report."
)


def min_group():
    """The smallest number of pairs a report shows figures for."""
    return int(getattr(settings, "EVALUATION_MIN_GROUP", 5))


class EvaluationError(Exception):
    """A refusal with a message the trainee can read."""

    def __init__(self, message, errors=None, code=""):
        super().__init__(message)
        self.message = message
        # {item code: message} for answers that are missing or out of range.
        self.errors = errors or {}
        # "answered" when the questionnaire was answered already (a double submission).
        self.code = code


# --- consent -------------------------------------------------------------------------------

GIVEN, WITHDRAWN, NOT_ASKED = "given", "withdrawn", "not_asked"


def consent_state(user):
    """ "given", "withdrawn" (also after saying no) or "not_asked"."""
    rows = list(
        EvaluationConsent.objects.filter(user=user).values_list("withdrawn_at", flat=True)[:50]
    )
    if not rows:
        return NOT_ASKED
    return GIVEN if any(withdrawn is None for withdrawn in rows) else WITHDRAWN


def has_consent(user):
    return EvaluationConsent.objects.filter(user=user, withdrawn_at__isnull=True).exists()


def give_consent(user, statement=None):
    """Record that the user agrees, with the words they read. Agreeing twice keeps one row."""
    User = get_user_model()
    with transaction.atomic():
        # Lock the person's row, so two clicks in a row make one consent.
        User.objects.select_for_update().filter(pk=user.pk).first()
        current = EvaluationConsent.objects.filter(user=user, withdrawn_at__isnull=True).first()
        if current is not None:
            return current
        return EvaluationConsent.objects.create(
            user=user, statement=str(statement or CONSENT_STATEMENT)
        )


def decline(user, statement=None):
    """The trainee says no before ever agreeing: stored as a consent withdrawn at once, so
    they are not asked again by reminders."""
    now = timezone.now()
    with transaction.atomic():
        if has_consent(user):
            return withdraw_consent(user)
        consent = EvaluationConsent.objects.create(
            user=user, statement=str(statement or CONSENT_STATEMENT)
        )
        EvaluationConsent.objects.filter(pk=consent.pk).update(withdrawn_at=now)
    return 1


def withdraw_consent(user):
    """Stop taking part: no more invitations or reminders, answers out of the reports."""
    return EvaluationConsent.objects.filter(user=user, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )


def consented(user_path):
    """A filter expression: the user at ``user_path`` takes part now."""
    return Exists(
        EvaluationConsent.objects.filter(user_id=OuterRef(user_path), withdrawn_at__isnull=True)
    )


def not_withdrawn(user_path):
    """A filter expression: the user at ``user_path`` has not said no (asked or not)."""
    any_consent = Exists(EvaluationConsent.objects.filter(user_id=OuterRef(user_path)))
    return ~any_consent | consented(user_path)


# --- invitations ---------------------------------------------------------------------------


def add_months(moment, months):
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def schedules_for(enrolments):
    """{enrolment pk: [schedules]} in one query: the programme's schedules for everyone plus
    those only for the enrolment's organisation."""
    programme_ids = {e.cohort.programme_id for e in enrolments}
    if not programme_ids:
        return {}
    schedules = list(
        EvaluationSchedule.objects.filter(programme_id__in=programme_ids).select_related(
            "instrument"
        )
    )
    result = {}
    for enrolment in enrolments:
        result[enrolment.pk] = [
            s
            for s in schedules
            if s.programme_id == enrolment.cohort.programme_id
            and s.organisation_id in (None, enrolment.cohort.organisation_id)
        ]
    return result


def invitations_owed(enrolment, schedule, now=None):
    """``[(timepoint, opens_at)]`` this enrolment should have for this schedule now.

    "Before" is asked while the trainee is invited or taking part (asking it after they
    finished would not measure a "before"); "after" and the follow-up once they completed.
    A trainee who left gets nothing new.
    """
    now = now or timezone.now()
    owed = []
    status = enrolment.status
    if status in (Enrolment.Status.INVITED, Enrolment.Status.ACTIVE) and schedule.at_enrolment:
        owed.append((Timepoint.PRE, min(enrolment.enrolled_at or now, now)))
    if status == Enrolment.Status.COMPLETED:
        done = enrolment.completed_at or now
        if schedule.at_completion:
            owed.append((Timepoint.POST, done))
        if schedule.follow_up_months:
            owed.append((Timepoint.FOLLOW_UP, add_months(done, schedule.follow_up_months)))
    return owed


def ensure_invitations(enrolments, now=None):
    """Create the invitations these enrolments are owed and do not have yet. Safe to run
    again and from two places at once (the unique constraint drops duplicates). Returns how
    many were created."""
    enrolments = [e for e in enrolments if e.status != Enrolment.Status.WITHDRAWN]
    if not enrolments:
        return 0
    by_enrolment = schedules_for(enrolments)
    if not any(by_enrolment.values()):
        return 0
    ids = [e.pk for e in enrolments]
    said_no = set(
        EvaluationConsent.objects.filter(user_id__in={e.trainee_id for e in enrolments})
        .values("user_id")
        .annotate(active=Count("pk", filter=Q(withdrawn_at__isnull=True)))
        .filter(active=0)
        .values_list("user_id", flat=True)
    )
    existing = set(
        EvaluationInvitation.objects.filter(enrolment_id__in=ids).values_list(
            "enrolment_id", "schedule_id", "timepoint"
        )
    )
    new = []
    for enrolment in enrolments:
        if enrolment.trainee_id in said_no:
            continue
        for schedule in by_enrolment.get(enrolment.pk, ()):
            for timepoint, opens_at in invitations_owed(enrolment, schedule, now):
                if (enrolment.pk, schedule.pk, timepoint) in existing:
                    continue
                new.append(
                    EvaluationInvitation(
                        enrolment=enrolment,
                        schedule=schedule,
                        timepoint=timepoint,
                        opens_at=opens_at,
                    )
                )
    if new:
        EvaluationInvitation.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def enrolments_to_schedule():
    """Enrolments of every programme that has an evaluation schedule, for the command."""
    programmes = EvaluationSchedule.objects.values("programme_id")
    return (
        Enrolment.objects.filter(cohort__programme_id__in=programmes)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("cohort")
        .order_by("pk")
    )


def open_invitations():
    """Invitations waiting for answers now, for people who have not said no."""
    now = timezone.now()
    return (
        EvaluationInvitation.objects.filter(
            completed_at__isnull=True, opens_at__lte=now, response__isnull=True
        )
        .exclude(enrolment__status=Enrolment.Status.WITHDRAWN)
        # A "before" not answered before the end of the training cannot measure a before.
        .exclude(timepoint=Timepoint.PRE, enrolment__status=Enrolment.Status.COMPLETED)
        .filter(not_withdrawn("enrolment__trainee_id"))
    )


def waiting_for(user):
    """The questionnaires this trainee can fill in now, oldest first."""
    return list(
        open_invitations()
        .filter(enrolment__trainee=user)
        .select_related("schedule__instrument", "enrolment__cohort")
        .order_by("opens_at", "pk")
    )


def invitation_is_open(invitation):
    if invitation.completed_at is not None or invitation.opens_at > timezone.now():
        return False
    status = invitation.enrolment.status
    if status == Enrolment.Status.WITHDRAWN:
        return False
    return not (invitation.timepoint == Timepoint.PRE and status == Enrolment.Status.COMPLETED)


# --- reminders -----------------------------------------------------------------------------


def reminder_text(user, invitations):
    name = user.first_name or user.username
    link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("home")
    count = len(invitations)
    subject = ngettext(
        "A short questionnaire is waiting for you",
        "%(count)d short questionnaires are waiting for you",
        count,
    ) % {"count": count}
    body = _(
        "Hello %(name)s,\n\n"
        "Your peer support training asks you some short questions about how you are doing. "
        "It takes about five minutes. Your trainer does not see your answers.\n\n"
        "Log in to answer: %(link)s\n\n"
        "Taking part is your choice. If you do not want to, you can say so on the same page "
        "and we will stop asking."
    ) % {"name": name, "link": link}
    return subject, body


def due_for_reminder(invitation, now):
    schedule = invitation.schedule
    if invitation.reminders_sent >= schedule.max_reminders:
        return False
    since = invitation.last_reminded_at or invitation.opens_at
    return now - since >= datetime.timedelta(days=schedule.reminder_days)


def send_reminders(now=None):
    """Email each trainee with an email address whose questionnaires have waited
    ``reminder_days`` since they opened or since the last reminder, at most
    ``max_reminders`` times. One email per person. Returns how many emails were sent.

    Idempotent: a second run the same day finds the reminder dates just stored. Each person
    is handled in a transaction that locks their invitations, so two runs at once cannot
    both send, and a failed email leaves the counts as they were.
    """
    now = now or timezone.now()
    candidates = (
        open_invitations()
        .filter(opens_at__lte=now, reminders_sent__lt=F("schedule__max_reminders"))
        .exclude(enrolment__trainee__email="")
        .select_related("schedule", "enrolment__trainee")
    )
    by_user = defaultdict(list)
    for invitation in candidates:
        if due_for_reminder(invitation, now):
            by_user[invitation.enrolment.trainee].append(invitation.pk)
    sent = 0
    for user, pks in by_user.items():
        with transaction.atomic():
            locked = [
                invitation
                for invitation in EvaluationInvitation.objects.select_for_update()
                .filter(pk__in=pks, completed_at__isnull=True)
                .select_related("schedule")
                if due_for_reminder(invitation, now)
            ]
            if not locked:
                continue
            subject, body = reminder_text(user, locked)
            send_mail(subject, body, None, [user.email])
            EvaluationInvitation.objects.filter(pk__in=[i.pk for i in locked]).update(
                reminders_sent=F("reminders_sent") + 1, last_reminded_at=now
            )
            sent += 1
    return sent


# --- scoring and submitting ----------------------------------------------------------------


def subscales_of(items):
    """Subscale names in the order their first item appears."""
    names = []
    for item in items:
        if item.subscale and item.subscale not in names:
            names.append(item.subscale)
    return names


def score(instrument, items, answers):
    """``{"total": x, "<subscale>": y}`` from answers as given: reversed items are turned
    round first (value' = lowest + highest - value), then averaged or summed."""
    low, high = instrument.scale_min, instrument.scale_max
    combine = sum if instrument.scoring == Instrument.Scoring.SUM else fmean
    every, by_subscale = [], defaultdict(list)
    for item in items:
        value = answers[item.code]
        if item.reversed:
            value = low + high - value
        every.append(value)
        if item.subscale:
            by_subscale[item.subscale].append(value)
    scores = {TOTAL: round(combine(every), 2)}
    for name in subscales_of(items):
        scores[name] = round(combine(by_subscale[name]), 2)
    return scores


def clean_answers(instrument, items, raw):
    """``(answers, errors)``: every item answered with a whole number on the scale."""
    answers, errors = {}, {}
    low, high = instrument.scale_min, instrument.scale_max
    for item in items:
        value = raw.get(item.code)
        if value in (None, ""):
            errors[item.code] = _("Please choose an answer.")
            continue
        try:
            number = int(str(value).strip())
        except ValueError:
            number = None
        if number is None or not low <= number <= high:
            errors[item.code] = _("Please choose one of the answers from %(low)d to %(high)d.") % {
                "low": low,
                "high": high,
            }
            continue
        answers[item.code] = number
    return answers, errors


ANSWERED = "answered"
ALREADY_ANSWERED = gettext_lazy(
    "You have already answered this questionnaire, thank you. Your first answers are kept."
)


def submit(invitation, user, raw):
    """Store the answers to an invitation. Nothing is stored unless every item has a valid
    answer; a second submission (two taps, two tabs) is refused."""
    if invitation.enrolment.trainee_id != user.pk:
        raise EvaluationError(_("This questionnaire is not yours."))
    if not has_consent(user):
        raise EvaluationError(_("Please read about the questionnaire and agree to it first."))
    if not invitation_is_open(invitation):
        if invitation.completed_at is not None:
            raise EvaluationError(str(ALREADY_ANSWERED), code=ANSWERED)
        raise EvaluationError(_("This questionnaire is closed."), code="closed")
    instrument = invitation.schedule.instrument
    items = list(instrument.items.all())
    answers, errors = clean_answers(instrument, items, raw)
    if errors:
        raise EvaluationError(
            ngettext(
                "One question has no answer yet. Nothing was saved.",
                "%(count)d questions have no answer yet. Nothing was saved.",
                len(errors),
            )
            % {"count": len(errors)},
            errors,
        )
    with transaction.atomic():
        locked = EvaluationInvitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.completed_at is not None or hasattr_response(locked):
            raise EvaluationError(str(ALREADY_ANSWERED), code=ANSWERED)
        try:
            with transaction.atomic():
                response = EvaluationResponse.objects.create(
                    invitation=locked,
                    instrument=instrument,
                    answers=answers,
                    scores=score(instrument, items, answers),
                )
        except IntegrityError as error:
            raise EvaluationError(str(ALREADY_ANSWERED), code=ANSWERED) from error
        locked.completed_at = timezone.now()
        locked.save(update_fields=["completed_at"])
    invitation.completed_at = locked.completed_at
    return response


def hasattr_response(invitation):
    return EvaluationResponse.objects.filter(invitation_id=invitation.pk).exists()


# --- who reads what ------------------------------------------------------------------------


def is_evaluation_lead(user):
    """Holds the evaluation lead role itself: being a superuser is not enough."""
    return user.is_authenticated and Role.EVALUATION_LEAD in user_roles(user)


def cohorts_for_evaluation(user):
    """Cohorts whose answers (pseudonymised, one by one) this person may read: an evaluation
    lead's own organisations' cohorts, and nobody else's."""
    if is_evaluation_lead(user):
        return Cohort.objects.filter(organisation__members=user).distinct()
    return Cohort.objects.none()


def cohorts_for_aggregates(user):
    """Cohorts whose suppressed aggregates this person may see: those they train or manage,
    plus an evaluation lead's."""
    from training.access import staff_cohorts

    ids = set(staff_cohorts(user).values_list("pk", flat=True))
    ids.update(cohorts_for_evaluation(user).values_list("pk", flat=True))
    return Cohort.objects.filter(pk__in=ids)


# --- pairs and reports ---------------------------------------------------------------------


def pseudonym(enrolment_id):
    """A short stable code for a person in reports, such as P-7F3A2C. Without the site's
    secret key nobody can go back from the code to the enrolment."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"evaluation:{enrolment_id}".encode(), hashlib.sha256
    ).hexdigest()
    return f"P-{digest[:6].upper()}"


@dataclass
class Pair:
    enrolment_id: int
    cohort_id: int
    before: dict
    after: dict
    before_answers: dict = field(default_factory=dict)
    after_answers: dict = field(default_factory=dict)

    @property
    def pseudonym(self):
        return pseudonym(self.enrolment_id)

    @property
    def total_change(self):
        return self.change(TOTAL)

    def change(self, key):
        if key in self.before and key in self.after:
            return round(self.after[key] - self.before[key], 2)
        return None


@dataclass
class Responses:
    """What a report reads: the pairs, and how many answered at each point per cohort."""

    pairs: list
    counts: dict  # {(cohort_id, timepoint): n}


def collect(instrument, cohort_ids, first=Timepoint.PRE, second=Timepoint.POST):
    """Responses to ``instrument`` in these cohorts from people taking part now, paired per
    enrolment. One query, whatever the number of people."""
    rows = (
        EvaluationResponse.objects.filter(
            instrument=instrument,
            invitation__timepoint__in=[first, second],
            invitation__enrolment__cohort_id__in=list(cohort_ids),
        )
        .filter(consented("invitation__enrolment__trainee_id"))
        .order_by("submitted_at", "pk")
        .values(
            "invitation__enrolment_id",
            "invitation__enrolment__cohort_id",
            "invitation__timepoint",
            "scores",
            "answers",
        )
    )
    latest = {}
    for row in rows:
        # The latest answer wins if two schedules asked the same questionnaire.
        latest[(row["invitation__enrolment_id"], row["invitation__timepoint"])] = row
    counts = defaultdict(int)
    by_enrolment = defaultdict(dict)
    for (enrolment_id, timepoint), row in latest.items():
        counts[(row["invitation__enrolment__cohort_id"], timepoint)] += 1
        by_enrolment[enrolment_id][timepoint] = row
    pairs = []
    for enrolment_id, points in sorted(by_enrolment.items()):
        if first in points and second in points:
            pairs.append(
                Pair(
                    enrolment_id=enrolment_id,
                    cohort_id=points[first]["invitation__enrolment__cohort_id"],
                    before=points[first]["scores"],
                    after=points[second]["scores"],
                    before_answers=points[first]["answers"],
                    after_answers=points[second]["answers"],
                )
            )
    pairs.sort(key=lambda pair: pair.pseudonym)
    return Responses(pairs=pairs, counts=dict(counts))


@dataclass
class ChangeRow:
    key: str
    label: str
    n: int
    before: float | None
    after: float | None
    change: float | None


@dataclass
class GroupChange:
    """Mean before, mean after and mean paired change per subscale for one group."""

    label: str
    n_pairs: int
    answered_before: int
    answered_after: int
    suppressed: bool
    rows: list


def scale_keys(items):
    keys = subscales_of(items)
    return [*keys, TOTAL]


def key_label(key):
    return _("All questions") if key == TOTAL else key[:1].upper() + key[1:]


def summarise(label, pairs, keys, *, answered_before=0, answered_after=0, suppress=True):
    n = len(pairs)
    suppressed = suppress and n < min_group()
    rows = []
    if not suppressed:
        for key in keys:
            usable = [p for p in pairs if p.change(key) is not None]
            if not usable:
                rows.append(ChangeRow(key, key_label(key), 0, None, None, None))
                continue
            rows.append(
                ChangeRow(
                    key,
                    key_label(key),
                    len(usable),
                    round(fmean(p.before[key] for p in usable), 2),
                    round(fmean(p.after[key] for p in usable), 2),
                    round(fmean(p.change(key) for p in usable), 2),
                )
            )
    return GroupChange(label, n, answered_before, answered_after, suppressed, rows)


@dataclass
class Report:
    instrument: Instrument
    keys: list
    overall: GroupChange
    organisations: list
    cohorts: list
    pairs: list
    chart: dict | None


def build_report(instrument, cohorts, *, label, suppress=True):
    """The change for all ``cohorts`` together, per organisation and per cohort."""
    cohorts = list(cohorts)
    items = list(instrument.items.all())
    keys = scale_keys(items)
    data = collect(instrument, [c.pk for c in cohorts])
    by_cohort = defaultdict(list)
    for pair in data.pairs:
        by_cohort[pair.cohort_id].append(pair)

    def answered(cohort_ids, timepoint):
        return sum(data.counts.get((cid, timepoint), 0) for cid in cohort_ids)

    def group(group_label, cohort_ids):
        pairs = [p for cid in cohort_ids for p in by_cohort[cid]]
        return summarise(
            group_label,
            pairs,
            keys,
            answered_before=answered(cohort_ids, Timepoint.PRE),
            answered_after=answered(cohort_ids, Timepoint.POST),
            suppress=suppress,
        )

    all_ids = [c.pk for c in cohorts]
    overall = group(label, all_ids)
    organisations = {}
    for cohort in cohorts:
        organisations.setdefault(cohort.organisation, []).append(cohort.pk)
    by_organisation = (
        [
            group(org.name, ids)
            for org, ids in sorted(organisations.items(), key=lambda i: i[0].name)
        ]
        if len(organisations) > 1
        else []
    )
    per_cohort = [group(c.name, [c.pk]) for c in cohorts]
    return Report(
        instrument=instrument,
        keys=keys,
        overall=overall,
        organisations=by_organisation,
        cohorts=per_cohort,
        pairs=data.pairs,
        chart=chart(instrument, items, overall),
    )


# --- the chart -------------------------------------------------------------------------------

# Drawn for a phone first: each line's name on its own row, its two bars below, so the SVG is
# readable at 360 pixels wide and simply grows on a wider screen.
CHART_WIDTH = 360
VALUE_ROOM = 92  # room right of the longest bar for "before 3.25"
BAR_HEIGHT = 16
LABEL_HEIGHT = 20
GROUP_GAP = 14


def scale_range(instrument, items, key):
    """Lowest and highest possible score of a subscale (sums grow with the item count)."""
    low, high = instrument.scale_min, instrument.scale_max
    if instrument.scoring != Instrument.Scoring.SUM:
        return low, high
    count = len(items) if key == TOTAL else sum(1 for i in items if i.subscale == key)
    return low * count, high * count


def chart(instrument, items, group):
    """Bar positions for an SVG of mean before and after per subscale; ``None`` when the
    group is suppressed or empty. Every bar carries its number, so colour is never the only
    way to tell them apart (the "before" bar is also striped)."""
    if group.suppressed or not group.rows or not group.n_pairs:
        return None
    plot = CHART_WIDTH - VALUE_ROOM
    bars = []
    y = 4
    for row in group.rows:
        if row.before is None:
            continue
        low, high = scale_range(instrument, items, row.key)
        span = (high - low) or 1

        def width(value, low=low, span=span):
            return max(2, round(plot * (value - low) / span, 1))

        top = y + LABEL_HEIGHT
        bars.append(
            {
                "label": row.label,
                "label_y": y + 14,
                "before_y": top,
                "after_y": top + BAR_HEIGHT + 2,
                "before_width": width(row.before),
                "after_width": width(row.after),
                "before": row.before,
                "after": row.after,
                "before_text_x": width(row.before) + 5,
                "after_text_x": width(row.after) + 5,
                "before_text_y": top + BAR_HEIGHT - 3,
                "after_text_y": top + 2 * BAR_HEIGHT - 1,
            }
        )
        y = top + 2 * BAR_HEIGHT + 2 + GROUP_GAP
    return {"width": CHART_WIDTH, "height": y, "bar_height": BAR_HEIGHT, "bars": bars}


# --- the CSV of pairs ------------------------------------------------------------------------


def pairs_csv_rows(report, cohorts):
    """Header and rows of the pseudonymised pairs: no names, no usernames."""
    names = {c.pk: (c.organisation.name, c.name) for c in cohorts}
    items = list(report.instrument.items.all())
    header = ["pseudonym", "organisation", "cohort", "questionnaire"]
    for key in report.keys:
        header += [f"{key} before", f"{key} after", f"{key} change"]
    header += [f"{item.code} before" for item in items]
    header += [f"{item.code} after" for item in items]
    rows = [header]
    for pair in report.pairs:
        organisation, cohort = names.get(pair.cohort_id, ("", ""))
        row = [pair.pseudonym, organisation, cohort, report.instrument.short_name]
        for key in report.keys:
            row += [pair.before.get(key, ""), pair.after.get(key, ""), pair.change(key)]
        row += [pair.before_answers.get(item.code, "") for item in items]
        row += [pair.after_answers.get(item.code, "") for item in items]
        rows.append(row)
    return rows
