"""Completion: what a trainee has done and what is left, per session and per programme.

The rule (``CompletionRule``) counts attendance as a share of the programme's *planned*
sessions, that is every published session plan, held or not. A session counts when the
trainee was in the room (late and leaving early count if the rule says so) or caught it up:
by attending the same session with another group of the same organisation, or by a task the
trainer set and confirmed. Required worksheets must be handed in (or accepted, if the rule
asks for that). Other apps add requirements, such as assessments, through
``requirement_providers``.

``progress_for`` computes all of this for many enrolments in a fixed number of queries, for
pages; ``recompute_enrolments`` stores the result in ``ProgrammeProgress`` for lists and
reports, and moves enrolments to "completed" (and back). The receivers at the end keep the
stored rows up to date when marks, catch-ups, responses, rules or session plans change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .models import (
    AttendanceMark,
    CatchUp,
    CompletionRule,
    Enrolment,
    ProgrammeProgress,
    ScheduledSession,
)
from .signals import progress_inputs_changed

Status = AttendanceMark.Status

# Recomputing stores one row per enrolment; larger sets are split so that no query carries
# more ids than SQLite accepts, and memory stays small for a programme with many cohorts.
CHUNK_SIZE = 500


# --- the rule -------------------------------------------------------------------------------


def rule_for(programme):
    """The programme's saved completion rule, or an unsaved one with the defaults (80% of
    the planned sessions, worksheets handed in, catch-ups allowed)."""
    rule = CompletionRule.objects.filter(programme=programme).first()
    return rule or CompletionRule(programme=programme)


def _rules_by_programme(programmes):
    """Each programme's rule (saved or default), with its optional worksheet ids as
    ``rule.optional_ids``. One query: a row per optional worksheet, joined to its rule."""
    names = [f.attname for f in CompletionRule._meta.concrete_fields]
    rules = {}
    for row in CompletionRule.objects.filter(programme__in=programmes).values(
        *names, "optional_worksheets"
    ):
        rule = rules.get(row["programme_id"])
        if rule is None:
            values = [row[name] for name in names]
            rule = CompletionRule.from_db(CompletionRule.objects.db, names, values)
            rule.optional_ids = set()
            rules[row["programme_id"]] = rule
        if row["optional_worksheets"] is not None:
            rule.optional_ids.add(row["optional_worksheets"])
    result = {}
    for programme in programmes:
        rule = rules.get(programme.pk)
        if rule is None:
            rule = CompletionRule(programme=programme)
            rule.optional_ids = set()
        rule.programme = programme
        result[programme.pk] = rule
    return result


def counts_as_attended(rule, status):
    if status == Status.PRESENT:
        return True
    if status == Status.LATE:
        return rule.late_counts
    if status == Status.LEFT_EARLY:
        return rule.left_early_counts
    return False


def worksheet_done(rule, response):
    """Whether a response meets the rule. A response returned for changes is not done: the
    trainer asked for more."""
    if response is None:
        return False
    Response = _response_model()
    if rule.worksheets == CompletionRule.WorksheetRequirement.ACCEPTED:
        return response.status == Response.Status.ACCEPTED
    return response.status in (Response.Status.SUBMITTED, Response.Status.ACCEPTED)


def _response_model():
    from worksheets.models import WorksheetResponse

    return WorksheetResponse


# --- extension point: other requirements ----------------------------------------------------


@dataclass
class RequirementResult:
    """What another app (assessments, for instance) requires of one enrolment."""

    required: int = 0
    passed: int = 0
    # Plain sentences for the trainee's "what is left", such as "Pass the final quiz".
    left: list[str] = field(default_factory=list)


# Callables ``provider(programme, enrolments) -> {enrolment_id: RequirementResult}``, called
# once per programme for a whole batch of enrolments, so they must read in bulk. The
# assessments app appends its provider here in its AppConfig.ready(); results are stored as
# ``assessments_required`` and ``assessments_passed``. Until then nothing else is required.
requirement_providers = []


def register_requirement_provider(provider):
    """Add a provider (usable as a decorator). Adding the same one twice has no effect."""
    if provider not in requirement_providers:
        requirement_providers.append(provider)
    return provider


# --- progress objects -----------------------------------------------------------------------


@dataclass
class WorksheetProgress:
    worksheet: object
    response: object
    required: bool
    done: bool
    enrolment_id: int

    @property
    def status(self):
        return self.response.status if self.response is not None else "none"

    @property
    def on_paper_only(self):
        """A worksheet with nothing to fill in online is done on paper in the room."""
        return self.response is None and not self.worksheet.parts.raw_data

    @property
    def url(self):
        return reverse("worksheets:fill", args=[self.enrolment_id, self.worksheet.pk])


# Attendance states, each with a symbol and a word so meaning never rests on colour alone.
ATTENDANCE_STATES = {
    "present": ("✓", gettext_lazy("Present")),
    "late": ("L", gettext_lazy("Late")),
    "left_early": ("E", gettext_lazy("Left early")),
    "absent": ("✗", gettext_lazy("Absent")),
    "excused": ("Ex", gettext_lazy("Excused")),
    "caught_up": ("↺", gettext_lazy("Caught up")),
    "unmarked": ("?", gettext_lazy("Not marked")),
    "not_held": ("·", gettext_lazy("Not held yet")),
}


@dataclass
class SessionProgress:
    """One planned session for one trainee."""

    plan: object
    # This cohort's meeting of the session plan, if it is on the calendar.
    scheduled: ScheduledSession | None
    mark: AttendanceMark | None
    # The open or done catch-up (never a cancelled one).
    catch_up: CatchUp | None
    attended: bool
    caught_up: bool
    # For a catch-up with another group: the trainee's mark on that group's session.
    catch_up_mark: AttendanceMark | None = None
    worksheets: list[WorksheetProgress] = field(default_factory=list)

    @property
    def counted(self):
        return self.attended or self.caught_up

    @property
    def held(self):
        """The session took place for this trainee's group (or the trainee has a mark)."""
        if self.mark is not None:
            return True
        return self.scheduled is not None and self.scheduled.is_held

    @property
    def missed(self):
        """Held without the trainee counting as there, and not caught up."""
        return self.held and not self.counted

    @property
    def can_catch_up(self):
        """Marked as not there (absent, excused, or a late arrival that does not count) with
        no catch-up yet. An unmarked session waits for the register instead."""
        return self.missed and self.mark is not None and self.catch_up is None

    @property
    def state(self):
        if self.caught_up:
            return "caught_up"
        if self.mark is not None:
            return self.mark.status
        if self.held:
            return "unmarked"
        return "not_held"

    @property
    def symbol(self):
        return ATTENDANCE_STATES[self.state][0]

    @property
    def state_label(self):
        label = str(ATTENDANCE_STATES[self.state][1])
        if self.state in ("late", "left_early") and not self.attended:
            return _("%(state)s (does not count)") % {"state": label}
        if self.state == "not_held" and self.scheduled is not None and self.scheduled.cancelled:
            return _("Cancelled, waiting for a new date")
        return label

    @property
    def required_worksheets(self):
        return [w for w in self.worksheets if w.required]

    @property
    def worksheets_required(self):
        return len(self.required_worksheets)

    @property
    def worksheets_done(self):
        return sum(1 for w in self.required_worksheets if w.done)

    @property
    def is_complete(self):
        return self.counted and self.worksheets_done == self.worksheets_required


@dataclass
class Progress:
    """A trainee's progress through the programme of one enrolment."""

    enrolment: Enrolment
    rule: CompletionRule
    sessions: list[SessionProgress]
    assessments_required: int = 0
    assessments_passed: int = 0
    assessments_left: list[str] = field(default_factory=list)
    # All meetings of the trainee's cohort, in date order (see ``progress_for``).
    cohort_sessions: list = field(default_factory=list)

    @property
    def sessions_planned(self):
        return len(self.sessions)

    @property
    def sessions_counted(self):
        return sum(1 for s in self.sessions if s.counted)

    @property
    def sessions_held(self):
        return sum(1 for s in self.sessions if s.scheduled is not None and s.scheduled.is_held)

    @property
    def sessions_missed(self):
        return sum(1 for s in self.sessions if s.missed)

    @property
    def sessions_needed(self):
        """How many sessions the rule asks for, rounded up: 80% of 5 is 4."""
        return math.ceil(self.rule.min_attendance_percent * self.sessions_planned / 100)

    @property
    def attendance_percent(self):
        if not self.sessions_planned:
            return 0
        return round(100 * self.sessions_counted / self.sessions_planned)

    @property
    def attendance_ok(self):
        # A programme without published sessions cannot be completed yet: nothing was taught.
        return bool(self.sessions_planned) and self.sessions_counted >= self.sessions_needed

    @property
    def worksheets_required(self):
        return sum(s.worksheets_required for s in self.sessions)

    @property
    def worksheets_done(self):
        return sum(s.worksheets_done for s in self.sessions)

    @property
    def worksheets_ok(self):
        return self.worksheets_done == self.worksheets_required

    @property
    def assessments_ok(self):
        return self.assessments_passed >= self.assessments_required

    @property
    def is_complete(self):
        return self.attendance_ok and self.worksheets_ok and self.assessments_ok

    @property
    def misses_left(self):
        """How many more sessions the trainee may miss and still complete (negative when
        they already missed too many and need catch-ups)."""
        return self.sessions_planned - self.sessions_needed - self.sessions_missed

    def session(self, plan_id):
        return next((s for s in self.sessions if s.plan.pk == plan_id), None)


# --- computing ------------------------------------------------------------------------------


def planned_sessions(programme):
    """The programme's published session plans in teaching order: all of them, held or not."""
    from curriculum.models import SessionPlanPage

    return list(SessionPlanPage.objects.child_of(programme).live().order_by("number", "path"))


def _worksheets_by_plan(plans):
    """``{programme_id: {plan_id: [worksheet, ...]}}`` for plans already loaded.

    The same reading as ``worksheets.selectors.programme_worksheets`` (activities that point
    at a worksheet; each worksheet counted once, in the first session that uses it), done
    here over the loaded plans so pages spend one query on worksheets for all programmes.
    A test keeps the two in step.
    """
    from worksheets.models import Worksheet

    wanted = {}
    for programme_id, plan_list in plans.items():
        for plan in plan_list:
            for item in plan.activities.raw_data:
                worksheet_id = (item.get("value") or {}).get("worksheet")
                if item.get("type") == "activity" and worksheet_id:
                    wanted.setdefault(programme_id, []).append((plan.pk, int(worksheet_id)))
    found = (
        Worksheet.objects.in_bulk({pk for pairs in wanted.values() for _plan, pk in pairs})
        if wanted
        else {}
    )
    result = {}
    for programme_id in plans:
        seen, by_plan = set(), result.setdefault(programme_id, {})
        for plan_id, pk in wanted.get(programme_id, []):
            if pk in found and pk not in seen:
                seen.add(pk)
                by_plan.setdefault(plan_id, []).append(found[pk])
    return result


def _with_cohorts(enrolments):
    """The enrolments with cohort and programme loaded, fetching them once if needed."""
    enrolments = list(enrolments)
    cohort_field = Enrolment._meta.get_field("cohort")
    if all(cohort_field.is_cached(e) for e in enrolments):
        return enrolments
    loaded = Enrolment.objects.select_related("cohort__programme").in_bulk(
        [e.pk for e in enrolments]
    )
    for enrolment in enrolments:
        enrolment.cohort = loaded[enrolment.pk].cohort
    return enrolments


def progress_for(enrolments):
    """Progress for each enrolment, in the order given.

    Reads in bulk: one query for the rules, one per programme for its plans, then one each
    for the worksheets, the cohorts' scheduled sessions, the marks, the catch-ups and the
    responses, however many trainees and sessions there are.
    """
    from worksheets.models import WorksheetResponse

    enrolments = _with_cohorts(enrolments)
    if not enrolments:
        return []
    programmes = {e.cohort.programme_id: e.cohort.programme for e in enrolments}
    rules = _rules_by_programme(list(programmes.values()))
    plans = {pk: planned_sessions(p) for pk, p in programmes.items()}
    worksheets_by_plan = _worksheets_by_plan(plans)

    ids = [e.pk for e in enrolments]
    # Every meeting of the cohorts, support and supervision included: pages show the next
    # one from this list instead of asking again.
    cohort_sessions = {}
    for session in ScheduledSession.objects.filter(
        cohort_id__in={e.cohort_id for e in enrolments}
    ).select_related("session_plan"):
        cohort_sessions.setdefault(session.cohort_id, []).append(session)
    own_sessions = {
        (s.cohort_id, s.session_plan_id): s
        for sessions in cohort_sessions.values()
        for s in sessions
        if s.session_plan_id
    }
    marks = {
        (m.enrolment_id, m.scheduled_session_id): m
        for m in AttendanceMark.objects.filter(enrolment_id__in=ids).only(
            "id", "enrolment_id", "scheduled_session_id", "status", "minutes_attended", "note"
        )
    }
    catch_ups = {
        (c.enrolment_id, c.session_plan_id): c
        for c in CatchUp.objects.filter(enrolment_id__in=ids)
        .exclude(status=CatchUp.Status.CANCELLED)
        .select_related("scheduled_session__cohort", "scheduled_session__session_plan")
    }
    responses = {
        (r.enrolment_id, r.worksheet_id): r
        for r in WorksheetResponse.objects.filter(enrolment_id__in=ids).only(
            "id", "enrolment_id", "worksheet_id", "status", "version", "on_paper"
        )
    }
    extra = {}
    for pk, programme in programmes.items():
        batch = [e for e in enrolments if e.cohort.programme_id == pk]
        for provider in requirement_providers:
            for enrolment_id, result in (provider(programme, batch) or {}).items():
                extra.setdefault(enrolment_id, []).append(result)

    result = []
    for enrolment in enrolments:
        programme_id = enrolment.cohort.programme_id
        rule = rules[programme_id]
        sessions = []
        for plan in plans[programme_id]:
            scheduled = own_sessions.get((enrolment.cohort_id, plan.pk))
            mark = marks.get((enrolment.pk, scheduled.pk)) if scheduled is not None else None
            attended = mark is not None and counts_as_attended(rule, mark.status)
            catch_up = catch_ups.get((enrolment.pk, plan.pk))
            catch_up_mark = None
            caught_up = False
            if catch_up is not None:
                if catch_up.kind == CatchUp.Kind.OTHER_COHORT:
                    catch_up_mark = marks.get((enrolment.pk, catch_up.scheduled_session_id))
                    caught_up = catch_up_mark is not None and counts_as_attended(
                        rule, catch_up_mark.status
                    )
                else:
                    caught_up = catch_up.status == CatchUp.Status.DONE
                caught_up = caught_up and rule.catch_up_allowed and not attended
            worksheets = [
                WorksheetProgress(
                    worksheet=worksheet,
                    response=(response := responses.get((enrolment.pk, worksheet.pk))),
                    required=(
                        rule.worksheets != CompletionRule.WorksheetRequirement.NONE
                        and worksheet.pk not in rule.optional_ids
                    ),
                    done=worksheet_done(rule, response),
                    enrolment_id=enrolment.pk,
                )
                for worksheet in worksheets_by_plan[programme_id].get(plan.pk, [])
            ]
            sessions.append(
                SessionProgress(
                    plan=plan,
                    scheduled=scheduled,
                    mark=mark,
                    catch_up=catch_up,
                    attended=attended,
                    caught_up=caught_up,
                    catch_up_mark=catch_up_mark,
                    worksheets=worksheets,
                )
            )
        progress = Progress(
            enrolment=enrolment,
            rule=rule,
            sessions=sessions,
            cohort_sessions=cohort_sessions.get(enrolment.cohort_id, []),
        )
        for requirement in extra.get(enrolment.pk, []):
            progress.assessments_required += requirement.required
            progress.assessments_passed += requirement.passed
            progress.assessments_left.extend(requirement.left)
        result.append(progress)
    return result


# --- what is left, in plain words -----------------------------------------------------------


@dataclass
class LeftItem:
    """One thing a trainee still has to do (or wait for), as a sentence."""

    text: str
    kind: str
    detail: str = ""
    url: str = ""


def when(starts_at):
    """'Tuesday 14 April at 10:00', in the trainee's language and the site's time zone."""
    local = timezone.localtime(starts_at)
    return _("%(day)s at %(time)s") % {
        "day": date_format(local, "l j F"),
        "time": time_format(local, "H:i"),
    }


def where(scheduled):
    if scheduled.place and scheduled.online_link:
        return _("%(place)s or online") % {"place": scheduled.place}
    if scheduled.online_link:
        return _("Online")
    return scheduled.place


def session_name(plan):
    return _("Session %(number)s") % {"number": plan.number}


def what_is_left(progress):
    """The trainee's remaining steps, most urgent first: the next session, catch-ups under
    way, worksheets, missed sessions, later sessions, then how many more may be missed."""
    enrolment = progress.enrolment
    if progress.is_complete or enrolment.status == Enrolment.Status.COMPLETED:
        return [LeftItem(_("You have completed the programme"), "complete")]
    now = timezone.now()
    my_progress = reverse("training:my_progress")
    upcoming, catch_ups, worksheets, missed, unmarked, unscheduled = [], [], [], [], [], []
    for session in progress.sessions:
        name = session_name(session.plan)
        catch_up = session.catch_up
        if catch_up is not None and not session.counted:
            if catch_up.kind == CatchUp.Kind.OTHER_COHORT:
                other = catch_up.scheduled_session
                if other.starts_at >= now - timezone.timedelta(minutes=other.duration_minutes):
                    catch_ups.append(
                        LeftItem(
                            _("Come to %(session)s with the group %(group)s on %(when)s")
                            % {
                                "session": name,
                                "group": other.cohort.name,
                                "when": when(other.starts_at),
                            },
                            "catch_up",
                            detail=where(other),
                        )
                    )
                else:
                    catch_ups.append(
                        LeftItem(
                            _(
                                "You missed the catch-up for %(session)s: ask your trainer for "
                                "another one"
                            )
                            % {"session": name},
                            "catch_up",
                        )
                    )
            elif catch_up.answer:
                catch_ups.append(
                    LeftItem(
                        _("Your trainer will check your catch-up task for %(session)s")
                        % {"session": name},
                        "catch_up",
                        url=f"{my_progress}#catch-up-{catch_up.pk}",
                    )
                )
            else:
                catch_ups.append(
                    LeftItem(
                        _("Do the catch-up task for %(session)s") % {"session": name},
                        "catch_up",
                        detail=catch_up.task,
                        url=f"{my_progress}#catch-up-{catch_up.pk}",
                    )
                )
        elif session.missed and session.mark is None:
            unmarked.append(
                LeftItem(
                    _(
                        "%(session)s is not marked in the register yet: if you were there, tell "
                        "your trainer"
                    )
                    % {"session": name},
                    "unmarked",
                )
            )
        elif session.missed and progress.rule.catch_up_allowed:
            missed.append(
                LeftItem(
                    _("You missed %(session)s: ask your trainer for a catch-up")
                    % {"session": name},
                    "missed",
                )
            )
        elif not session.held and not session.counted:
            scheduled = session.scheduled
            if scheduled is None or scheduled.cancelled:
                unscheduled.append(session)
            else:
                upcoming.append(
                    LeftItem(
                        _("Come to %(session)s on %(when)s")
                        % {"session": name, "when": when(scheduled.starts_at)},
                        "session",
                        detail=where(scheduled),
                    )
                )
        if session.held or session.counted:
            worksheets.extend(_worksheet_items(progress, session))

    items = upcoming[:1] + catch_ups + sorted(worksheets, key=lambda i: i.kind != "returned")
    items += missed + unmarked + upcoming[1:]
    if unscheduled:
        count = len(unscheduled)
        items.append(
            LeftItem(
                ngettext(
                    "%(count)s more session still needs a date: your trainer will tell you",
                    "%(count)s more sessions still need a date: your trainer will tell you",
                    count,
                )
                % {"count": count},
                "unscheduled",
                detail=", ".join(session_name(s.plan) for s in unscheduled),
            )
        )
    # Assessment providers may hand back sentences carrying a ``url`` to the thing to do.
    items += [
        LeftItem(text, "requirement", url=getattr(text, "url", ""))
        for text in progress.assessments_left
    ]
    if not progress.attendance_ok and progress.sessions_planned:
        items.append(_attendance_item(progress))
    return items


def _worksheet_items(progress, session):
    Response = _response_model()
    items = []
    for item in session.required_worksheets:
        if item.done:
            continue
        title = item.worksheet.title
        if item.status == Response.Status.RETURNED:
            text = _(
                "Your trainer gave back the worksheet %(title)s: change it and hand it in again"
            ) % {"title": title}
            items.append(LeftItem(text, "returned", url=item.url))
        elif item.status == Response.Status.SUBMITTED:
            text = _("Wait for your trainer to accept the worksheet %(title)s") % {"title": title}
            items.append(LeftItem(text, "waiting", url=item.url))
        elif item.on_paper_only:
            text = _("Give the paper worksheet %(title)s to your trainer") % {"title": title}
            items.append(LeftItem(text, "worksheet"))
        else:
            text = _("Hand in the worksheet %(title)s") % {"title": title}
            items.append(LeftItem(text, "worksheet", url=item.url))
    return items


def _attendance_item(progress):
    left = progress.misses_left
    if left > 0:
        text = ngettext(
            "You can miss at most %(count)s more session",
            "You can miss at most %(count)s more sessions",
            left,
        ) % {"count": left}
    elif left == 0:
        text = _("Come to every session that is left to complete the programme")
    elif progress.rule.catch_up_allowed:
        text = ngettext(
            "You need %(count)s catch-up to reach %(percent)s%% of the sessions",
            "You need %(count)s catch-ups to reach %(percent)s%% of the sessions",
            -left,
        ) % {"count": -left, "percent": progress.rule.min_attendance_percent}
    else:
        text = _(
            "You have missed too many sessions to complete the programme: talk to your trainer"
        )
    return LeftItem(text, "attendance")


def short_summary(progress):
    """A few words for the trainer's matrix: 'Complete' or what is missing."""
    if progress.is_complete:
        return _("Complete")
    parts = []
    short = progress.sessions_needed - progress.sessions_counted
    if short > 0:
        parts.append(ngettext("%(count)s session", "%(count)s sessions", short) % {"count": short})
    worksheets = progress.worksheets_required - progress.worksheets_done
    if worksheets > 0:
        parts.append(
            ngettext("%(count)s worksheet", "%(count)s worksheets", worksheets)
            % {"count": worksheets}
        )
    assessments = progress.assessments_required - progress.assessments_passed
    if assessments > 0:
        parts.append(
            ngettext("%(count)s assessment", "%(count)s assessments", assessments)
            % {"count": assessments}
        )
    if not parts:
        return _("No sessions planned yet")
    return _("Still to do: %(list)s") % {"list": ", ".join(parts)}


# --- storing --------------------------------------------------------------------------------


PROGRESS_FIELDS = [
    "sessions_planned",
    "sessions_attended",
    "sessions_held",
    "worksheets_required",
    "worksheets_done",
    "assessments_required",
    "assessments_passed",
    "is_complete",
    "computed_at",
]


def recompute_enrolments(enrolment_ids):
    """Store the progress of these enrolments and update their status.

    An enrolment that meets the rule becomes "completed" (from invited or active only:
    a withdrawal is never overridden). It goes back to "active" when it no longer meets the
    rule, say after the rule was made stricter, but only if the completion was automatic.
    Automatic means: the stored progress said complete when this recompute started. A
    trainer who marks someone completed by hand while the rule says otherwise leaves a
    stored ``is_complete`` of False, so that decision is kept. Returns the progress objects.
    """
    ids = sorted({int(pk) for pk in enrolment_ids})
    results = []
    for start in range(0, len(ids), CHUNK_SIZE):
        results.extend(_recompute_chunk(ids[start : start + CHUNK_SIZE]))
    return results


def _recompute_chunk(ids):
    with transaction.atomic():
        enrolments = list(Enrolment.objects.filter(pk__in=ids).select_related("cohort__programme"))
        progresses = progress_for(enrolments)
        was_complete = dict(
            ProgrammeProgress.objects.filter(enrolment_id__in=ids).values_list(
                "enrolment_id", "is_complete"
            )
        )
        now = timezone.now()
        rows = [
            ProgrammeProgress(
                enrolment_id=p.enrolment.pk,
                sessions_planned=p.sessions_planned,
                sessions_attended=p.sessions_counted,
                sessions_held=p.sessions_held,
                worksheets_required=p.worksheets_required,
                worksheets_done=p.worksheets_done,
                assessments_required=p.assessments_required,
                assessments_passed=p.assessments_passed,
                is_complete=p.is_complete,
                computed_at=now,
            )
            for p in progresses
        ]
        if rows:
            ProgrammeProgress.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["enrolment"],
                update_fields=PROGRESS_FIELDS,
            )
        Active = (Enrolment.Status.INVITED, Enrolment.Status.ACTIVE)
        completing = [
            p.enrolment.pk for p in progresses if p.is_complete and p.enrolment.status in Active
        ]
        reopening = [
            p.enrolment.pk
            for p in progresses
            if not p.is_complete
            and p.enrolment.status == Enrolment.Status.COMPLETED
            and was_complete.get(p.enrolment.pk)
        ]
        if completing:
            # The status filter again in the update: a withdrawal saved meanwhile wins.
            Enrolment.objects.filter(pk__in=completing, status__in=Active).update(
                status=Enrolment.Status.COMPLETED, completed_at=now
            )
        if reopening:
            Enrolment.objects.filter(pk__in=reopening, status=Enrolment.Status.COMPLETED).update(
                status=Enrolment.Status.ACTIVE, completed_at=None
            )
        for p in progresses:
            if p.enrolment.pk in completing:
                p.enrolment.status, p.enrolment.completed_at = Enrolment.Status.COMPLETED, now
            elif p.enrolment.pk in reopening:
                p.enrolment.status, p.enrolment.completed_at = Enrolment.Status.ACTIVE, None
    return progresses


def programme_enrolment_ids(programme_ids):
    return list(
        Enrolment.objects.filter(cohort__programme_id__in=programme_ids).values_list(
            "pk", flat=True
        )
    )


def recompute_programme(programme):
    """Recompute every enrolment of every cohort of the programme. Returns how many."""
    ids = programme_enrolment_ids([programme.pk])
    recompute_enrolments(ids)
    return len(ids)


# --- keeping stored progress up to date ------------------------------------------------------


class _RecomputeBatch:
    """Enrolments and programmes to recompute once the current transaction commits."""

    def __init__(self):
        self.enrolment_ids, self.programme_ids, self.done = set(), set(), False

    def __call__(self):
        if self.done:
            return
        self.done = True
        ids = set(self.enrolment_ids)
        if self.programme_ids:
            ids.update(programme_enrolment_ids(self.programme_ids))
        if ids:
            recompute_enrolments(ids)


def recompute_after_commit(*, enrolment_ids=(), programme_ids=()):
    """Recompute after the current transaction commits (at once outside a transaction).

    Changes made in one transaction (a rule saved, then its optional worksheets) share one
    batch, so the programme is recomputed once and reads what was saved. A batch whose
    transaction rolled back is dropped by Django with its callback, so a new one starts.
    """
    connection = transaction.get_connection()
    batch = getattr(connection, "_progress_batch", None)
    still_waiting = (
        batch is not None
        and not batch.done
        and any(entry[1] is batch for entry in connection.run_on_commit)
    )
    if not still_waiting:
        batch = connection._progress_batch = _RecomputeBatch()
    batch.enrolment_ids.update(enrolment_ids)
    batch.programme_ids.update(programme_ids)
    # Registered at every call: the first to run does the work, the others find it done.
    # (Registering once would hide later changes from a savepoint-scoped runner such as
    # the test suite's captureOnCommitCallbacks.)
    # robust: the change itself is saved already; a failed recompute is logged rather than
    # turning someone's successful save into an error page. The next change or
    # ``manage.py recompute_progress`` puts it right.
    transaction.on_commit(batch, robust=True)


def on_progress_inputs_changed(sender, enrolment_ids=(), **kwargs):
    # Senders send after their transaction commits, so the data is there to read now.
    recompute_enrolments(enrolment_ids)


def on_response_saved(sender, instance, created=False, update_fields=None, **kwargs):
    # Autosaves only touch answers; they cannot change whether a worksheet is done.
    if update_fields is not None and "status" not in update_fields:
        return
    if created and instance.status == sender.Status.DRAFT:
        return
    recompute_after_commit(enrolment_ids=[instance.enrolment_id])


def on_response_deleted(sender, instance, **kwargs):
    recompute_after_commit(enrolment_ids=[instance.enrolment_id])


def on_rule_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        recompute_after_commit(programme_ids=[instance.programme_id])


def on_optional_worksheets_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        recompute_after_commit(programme_ids=[instance.programme_id])
    elif pk_set:
        programme_ids = CompletionRule.objects.filter(pk__in=pk_set).values_list(
            "programme_id", flat=True
        )
        recompute_after_commit(programme_ids=list(programme_ids))


def on_session_plan_changed(sender, instance, **kwargs):
    """Publishing, unpublishing or deleting a session plan changes the planned sessions."""
    parent = instance.get_parent()
    if parent is not None:
        recompute_after_commit(programme_ids=[parent.pk])


def connect_receivers():
    from wagtail.signals import page_published, page_unpublished

    from curriculum.models import SessionPlanPage
    from worksheets.models import WorksheetResponse

    progress_inputs_changed.connect(
        on_progress_inputs_changed, dispatch_uid="training.completion.inputs"
    )
    post_save.connect(
        on_response_saved, sender=WorksheetResponse, dispatch_uid="training.completion.response"
    )
    post_delete.connect(
        on_response_deleted,
        sender=WorksheetResponse,
        dispatch_uid="training.completion.response_deleted",
    )
    post_save.connect(on_rule_saved, sender=CompletionRule, dispatch_uid="training.completion.rule")
    m2m_changed.connect(
        on_optional_worksheets_changed,
        sender=CompletionRule.optional_worksheets.through,
        dispatch_uid="training.completion.optional",
    )
    for signal, uid in (
        (page_published, "published"),
        (page_unpublished, "unpublished"),
        (post_delete, "deleted"),
    ):
        signal.connect(
            on_session_plan_changed,
            sender=SessionPlanPage,
            dispatch_uid=f"training.completion.plan_{uid}",
        )
