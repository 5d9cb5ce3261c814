"""The staff side of a cohort: the list of groups, each group's page, its calendar and its
people, login cards for trainees without email, and everyone's own account page.

Every view taking a cohort id fetches it with ``cohort_for_staff`` (404 if it does not
exist, 403 if this person may not run it), then looks any other id in the address up
*within* that cohort, so an id from another group never opens anything. The rules live in
``training.people`` and ``training.scheduling``; views only turn forms into calls.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from lms.roles import Role, has_role

from .. import lockouts, people, scheduling
from ..access import cohort_for_staff, staff_cohorts
from ..forms import (
    AccountEmailForm,
    EnrolExistingForm,
    EnrolmentStatusForm,
    LoginCardsForm,
    ReplacementCardForm,
    RescheduleForm,
    ScheduleRowForm,
    SessionForm,
    TraineeForm,
)
from ..login_cards import login_cards_pdf
from ..models import Cohort, CohortTrainer, Enrolment, ScheduledSession, SignInCode
from ..sign_in import card_sentence
from . import sign_in as sign_in_views

User = get_user_model()

STAFF_ROLES = (Role.TRAINER, Role.PROGRAMME_MANAGER)
# Roles that must never get a printed sign-in code.
NOT_CARD_ROLES = [role.value for role in Role if role != Role.TRAINEE]


def _cohort_url(cohort):
    return reverse("training:cohort", args=[cohort.pk])


def _with_places(cohorts):
    return cohorts.annotate(
        taken=Count("enrolments", filter=~Q(enrolments__status=Enrolment.Status.WITHDRAWN))
    )


# --- lists and the hub ---------------------------------------------------------------------


@login_required
@require_safe
def cohort_list(request):
    if not has_role(request.user, *STAFF_ROLES):
        raise PermissionDenied
    # Built on the ids so the counts cannot be multiplied by the joins inside staff_cohorts.
    cohorts = Cohort.objects.filter(pk__in=staff_cohorts(request.user).values("pk"))
    cohorts = list(
        scheduling.with_next_session(_with_places(cohorts))
        .select_related("programme", "organisation")
        .order_by("-starts_on", "name")
    )
    scheduling.attach_next_sessions(cohorts)
    return render(request, "training/cohorts/list.html", {"cohorts": cohorts})


@login_required
@require_safe
def cohort_detail(request, cohort_id):
    cohort = cohort_for_staff(request, cohort_id)
    sessions = list(
        ScheduledSession.objects.filter(cohort=cohort)
        .select_related("session_plan")
        .order_by("starts_at", "pk")
    )
    enrolments = list(
        Enrolment.objects.filter(cohort=cohort).select_related(
            "trainee", "trainee__trainee_profile"
        )
    )
    trainers = list(
        CohortTrainer.objects.filter(cohort=cohort).select_related("user").order_by("role", "pk")
    )
    unscheduled = len(scheduling.plans_to_schedule(cohort))
    now = timezone.now()
    next_session = next(
        (s for s in sessions if not s.cancelled and s.starts_at >= scheduling.start_of_today()),
        None,
    )
    taken = sum(1 for e in enrolments if e.status != Enrolment.Status.WITHDRAWN)
    paused = lockouts.paused_usernames([e.trainee.username for e in enrolments])
    for enrolment in enrolments:
        enrolment.profile = getattr(enrolment.trainee, "trainee_profile", None)
        enrolment.paused = enrolment.trainee.username in paused
    return render(
        request,
        "training/cohorts/detail.html",
        {
            "cohort": cohort,
            "sessions": sessions,
            "enrolments": enrolments,
            "trainers": trainers,
            # Only the cohort's trainers read and mark individual answers (training/access.py).
            "is_its_trainer": any(t.user_id == request.user.pk for t in trainers),
            "unscheduled": unscheduled,
            "next_session": next_session,
            "taken": taken,
            "is_full": taken >= cohort.capacity,
            "now": now,
            "export_links": _export_links(cohort),
        },
    )


def _export_links(cohort):
    """Export links for the hub. The export page belongs to the import-export work; until
    it exists the links are left out rather than breaking the page."""
    labels = {
        "enrolments": _("Trainees"),
        "register": _("Register"),
        "completion": _("Completion"),
    }
    links = []
    for what, label in labels.items():
        for fmt in ("csv", "xlsx"):
            url = _export_url(cohort, what, fmt)
            if url:
                links.append({"label": label, "fmt": fmt.upper(), "url": url})
    return links


def _export_url(cohort, what, fmt):
    # The address may carry what and the format in its path or in its query string.
    try:
        return reverse("training:export", args=[cohort.pk, what, fmt])
    except NoReverseMatch:
        pass
    try:
        return (
            reverse("training:export", args=[cohort.pk])
            + "?"
            + urlencode({"what": what, "fmt": fmt})
        )
    except NoReverseMatch:
        return None


# --- sessions ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def schedule(request, cohort_id):
    cohort = cohort_for_staff(request, cohort_id)
    if request.method == "POST":
        # Rows come from what was posted, so a plan someone else scheduled meanwhile shows
        # an error on its row instead of silently vanishing with the date typed for it.
        plans = [
            plan
            for plan in scheduling.programme_plans(cohort.programme)
            if f"plan-{plan.pk}-date" in request.POST
        ]
        forms = [
            ScheduleRowForm(request.POST, plan=plan, prefix=f"plan-{plan.pk}") for plan in plans
        ]
        if all(form.is_valid() for form in forms):
            rows = [
                scheduling.SessionRow(
                    plan=form.plan,
                    starts_at=form.cleaned_data["starts_at"],
                    duration_minutes=form.cleaned_data["duration"],
                    place=form.cleaned_data["place"],
                    online_link=form.cleaned_data["online_link"],
                )
                for form in forms
                if form.is_filled
            ]
            if not rows:
                messages.error(request, _("Put at least one session on a date first."))
            else:
                try:
                    created = scheduling.sessions_schedule(
                        cohort=cohort, rows=rows, by=request.user
                    )
                except ValidationError as error:
                    by_plan = {str(form.plan.pk): form for form in forms}
                    for key, texts in getattr(error, "message_dict", {}).items():
                        if key in by_plan:
                            for text in texts:
                                by_plan[key].add_error("date", text)
                    if not hasattr(error, "error_dict"):
                        messages.error(request, " ".join(error.messages))
                else:
                    messages.success(
                        request,
                        ngettext(
                            "%(count)s session is on the calendar.",
                            "%(count)s sessions are on the calendar.",
                            len(created),
                        )
                        % {"count": len(created)},
                    )
                    return redirect(_cohort_url(cohort))
        if any(form.errors for form in forms):
            messages.error(
                request,
                _("Nothing was saved. Please correct the rows marked below, then save again."),
            )
        status = 400
    else:
        plans = scheduling.plans_to_schedule(cohort)
        dates = scheduling.suggested_dates(cohort, len(plans))
        forms = [
            ScheduleRowForm(
                plan=plan,
                prefix=f"plan-{plan.pk}",
                initial={
                    "date": day,
                    "start": scheduling.DEFAULT_START,
                    "duration": plan.planned_duration,
                },
            )
            for plan, day in zip(plans, dates, strict=True)
        ]
        status = 200
    return render(
        request,
        "training/cohorts/schedule.html",
        {"cohort": cohort, "forms": forms},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_new(request, cohort_id):
    cohort = cohort_for_staff(request, cohort_id)
    scheduled = ScheduledSession.objects.filter(cohort=cohort, session_plan__isnull=False).values(
        "session_plan_id"
    )
    plans = scheduling.programme_plans(cohort.programme).exclude(pk__in=scheduled)
    if request.method == "POST":
        form = SessionForm(request.POST, plans=plans)
        if form.is_valid():
            data = form.cleaned_data
            try:
                scheduling.session_add(
                    cohort=cohort,
                    kind=data["kind"],
                    session_plan=data["session_plan"],
                    title=data["title"],
                    starts_at=data["starts_at"],
                    duration_minutes=data["duration"],
                    place=data["place"],
                    online_link=data["online_link"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The session is on the calendar."))
                return redirect(_cohort_url(cohort))
    else:
        kind = request.GET.get("kind")
        if kind not in ScheduledSession.Kind.values:
            kind = ScheduledSession.Kind.TRAINING
        form = SessionForm(
            plans=plans,
            initial={
                "kind": kind,
                "date": scheduling.suggested_dates(cohort, 1)[0],
                "start": scheduling.DEFAULT_START,
                "duration": 150,
            },
        )
    return render(
        request,
        "training/cohorts/session_form.html",
        {"cohort": cohort, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_edit(request, cohort_id, session_id):
    cohort = cohort_for_staff(request, cohort_id)
    session = get_object_or_404(
        ScheduledSession.objects.select_related("session_plan"), pk=session_id, cohort=cohort
    )
    if request.method == "POST":
        form = RescheduleForm(request.POST, session=session)
        if form.is_valid():
            data = form.cleaned_data
            try:
                change = scheduling.session_reschedule(
                    session=session,
                    starts_at=data["starts_at"],
                    duration_minutes=data["duration"],
                    place=data["place"],
                    online_link=data["online_link"],
                    cancelled=data["cancelled"],
                    reason=data["reason"],
                    title=data.get("title"),
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if change is not None and change.cancelled:
                    messages.success(request, _("The session is cancelled. It stays in the list."))
                else:
                    messages.success(request, _("The session is saved."))
                return redirect(_cohort_url(cohort))
    else:
        local = timezone.localtime(session.starts_at)
        initial = {
            "date": local.date(),
            "start": local.time().replace(second=0, microsecond=0),
            "duration": session.duration_minutes,
            "place": session.place,
            "online_link": session.online_link,
            "cancelled": session.cancelled,
        }
        if session.session_plan_id is None:
            initial["title"] = session.title
        form = RescheduleForm(session=session, initial=initial)
    history = list(session.changes.select_related("changed_by"))
    return render(
        request,
        "training/cohorts/session_edit.html",
        {"cohort": cohort, "session": session, "form": form, "history": history},
        status=400 if form.errors else 200,
    )


# --- people --------------------------------------------------------------------------------


def _email_error_field(error):
    codes = {e.code for e in error.error_list} if hasattr(error, "error_list") else set()
    return "email" if codes & {"enrolled", "existing", "email_taken"} else None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def trainee_new(request, cohort_id):
    cohort = cohort_for_staff(request, cohort_id)
    form = TraineeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = people.trainee_create(
                cohort=cohort, created_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(_email_error_field(error), error)
        else:
            return redirect("training:trainee_added", cohort.pk, enrolment.pk)
    return render(
        request,
        "training/people/trainee_form.html",
        {"cohort": cohort, "form": form, "is_full": cohort.places_taken() >= cohort.capacity},
        status=400 if form.errors else 200,
    )


@login_required
@require_safe
def trainee_added(request, cohort_id, enrolment_id):
    cohort = cohort_for_staff(request, cohort_id)
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("trainee", "trainee__trainee_profile"),
        pk=enrolment_id,
        cohort=cohort,
    )
    return render(
        request,
        "training/people/trainee_added.html",
        {"cohort": cohort, "enrolment": enrolment, "trainee": enrolment.trainee},
    )


def _candidates(cohort):
    """Trainees of the cohort's organisation who have no place in it yet."""
    return (
        User.objects.filter(
            organisations=cohort.organisation,
            groups__name=Role.TRAINEE.value,
            is_active=True,
        )
        .exclude(enrolments__cohort=cohort)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def enrol_existing(request, cohort_id):
    cohort = cohort_for_staff(request, cohort_id)
    candidates = _candidates(cohort)
    form = EnrolExistingForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        trainee = form.cleaned_data["trainee"]
        try:
            people.enrolment_add(cohort=cohort, trainee=trainee, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s is now in the group.") % {"name": people.person_name(trainee)},
            )
            return redirect(_cohort_url(cohort))
    return render(
        request,
        "training/people/enrol_existing.html",
        {"cohort": cohort, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def enrolment_edit(request, cohort_id, enrolment_id):
    cohort = cohort_for_staff(request, cohort_id)
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("trainee", "trainee__trainee_profile"),
        pk=enrolment_id,
        cohort=cohort,
    )
    trainee = enrolment.trainee
    editable = people.staff_created(trainee)
    profile = getattr(trainee, "trainee_profile", None)
    status_form = EnrolmentStatusForm(
        initial={
            "status": enrolment.status
            if enrolment.status != Enrolment.Status.COMPLETED
            else Enrolment.Status.ACTIVE,
            "reason": enrolment.withdrawal_reason,
        }
    )
    details_form = (
        TraineeForm(
            initial={
                "first_name": trainee.first_name,
                "last_name": trainee.last_name,
                "email": trainee.email,
                "phone": profile.phone if profile else "",
                "reference": profile.reference if profile else "",
            }
        )
        if editable
        else None
    )
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "status":
            status_form = EnrolmentStatusForm(request.POST)
            if status_form.is_valid():
                try:
                    people.enrolment_set_status(
                        enrolment=enrolment,
                        status=status_form.cleaned_data["status"],
                        reason=status_form.cleaned_data["reason"],
                        by=request.user,
                    )
                except ValidationError as error:
                    status_form.add_error(None, error)
                else:
                    messages.success(request, _("The status is saved."))
                    return redirect(_cohort_url(cohort))
        elif action == "details" and editable:
            details_form = TraineeForm(request.POST)
            if details_form.is_valid():
                try:
                    people.trainee_update(enrolment=enrolment, **details_form.cleaned_data)
                except ValidationError as error:
                    details_form.add_error(_email_error_field(error), error)
                else:
                    messages.success(request, _("The details are saved."))
                    return redirect(_cohort_url(cohort))
        else:
            raise PermissionDenied
    has_errors = status_form.errors or (details_form is not None and details_form.errors)
    return render(
        request,
        "training/people/enrolment_edit.html",
        {
            "cohort": cohort,
            "enrolment": enrolment,
            "trainee": trainee,
            "profile": profile,
            "status_form": status_form,
            "details_form": details_form,
        },
        status=400 if has_errors else 200,
    )


def _card_enrolments(cohort):
    """The group's people (not those who left), each marked with the card they may get:
    ``card_allowed`` (a trainee and nothing else), ``returning`` (logged in before, so only
    a replacement card) and ``replace_refusal`` (why not even that)."""
    enrolments = list(
        Enrolment.objects.filter(cohort=cohort)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("trainee", "trainee__trainee_profile")
    )
    # One query for everyone who must never get a card, rather than one per trainee.
    not_allowed = set(
        User.objects.filter(pk__in=[e.trainee_id for e in enrolments])
        .filter(
            Q(is_staff=True)
            | Q(is_superuser=True)
            | Q(groups__name__in=NOT_CARD_ROLES)
            | ~Q(groups__name=Role.TRAINEE.value)
        )
        .values_list("pk", flat=True)
    )
    returning = people.signed_in_before([e.trainee for e in enrolments])
    waiting = set(
        SignInCode.objects.filter(user__in=[e.trainee_id for e in enrolments])
        .active()
        .values_list("user_id", flat=True)
    )
    for enrolment in enrolments:
        enrolment.profile = getattr(enrolment.trainee, "trainee_profile", None)
        enrolment.card_allowed = enrolment.trainee_id not in not_allowed
        enrolment.returning = enrolment.trainee_id in returning
        enrolment.card_waiting = enrolment.trainee_id in waiting
        enrolment.replace_refusal = (
            people.replacement_refusal(enrolment.trainee) if enrolment.returning else None
        )
    return enrolments


def _cards_response(cards, *, request, cohort):
    body = login_cards_pdf(
        cards, login_url=request.build_absolute_uri(reverse("login")), cohort=cohort
    )
    response = HttpResponse(body, content_type="application/pdf")
    filename = f"login-cards-{slugify(cohort.name) or cohort.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # The codes sign someone in: no copy may stay in a shared cache.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def login_cards(request, cohort_id):
    """First login cards for the group, and the log of every card printed in it.

    Only people who never logged in are offered a card here; for the others the page links
    to a replacement card, printed with them present (``login_card_replace``)."""
    cohort = cohort_for_staff(request, cohort_id)
    enrolments = _card_enrolments(cohort)
    if request.method == "POST":
        form = LoginCardsForm(request.POST, enrolments=enrolments)
        if form.is_valid():
            wanted = {int(pk) for pk in form.cleaned_data["trainees"]}
            trainees = [e.trainee for e in enrolments if e.trainee_id in wanted]
            try:
                cards = people.login_cards_issue(cohort=cohort, trainees=trainees, by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return _cards_response(cards, request=request, cohort=cohort)
    else:
        # Ticked to start with: those who have no way to log in yet and no card that still
        # works. Anyone else who never logged in can still be ticked by hand.
        form = LoginCardsForm(
            enrolments=enrolments,
            initial={
                "trainees": [
                    str(e.trainee_id)
                    for e in enrolments
                    if e.card_allowed and not e.returning and not e.card_waiting
                ]
            },
        )
    selected = set(form["trainees"].value() or [])
    for enrolment in enrolments:
        enrolment.checked = str(enrolment.trainee_id) in selected
    log = list(
        SignInCode.objects.filter(cohort=cohort)
        .select_related("user")
        .order_by("-printed_at", "-pk")
    )
    return render(
        request,
        "training/people/login_cards.html",
        {
            "cohort": cohort,
            "form": form,
            "enrolments": enrolments,
            "first_cards": [e for e in enrolments if e.card_allowed and not e.returning],
            "returning": [e for e in enrolments if e.card_allowed and e.returning],
            "no_cards": [e for e in enrolments if not e.card_allowed],
            "log": log,
            "code_days": people.sign_in_code_days(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def login_card_replace(request, cohort_id, enrolment_id):
    """A replacement card for someone who logged in before: a page of its own, where the
    staff member confirms the trainee is with them and asked for it."""
    cohort = cohort_for_staff(request, cohort_id)
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("trainee"),
        pk=enrolment_id,
        cohort=cohort,
    )
    trainee = enrolment.trainee
    name = people.person_name(trainee)
    refusal = people.replacement_refusal(trainee)
    form = ReplacementCardForm(request.POST if request.method == "POST" else None, name=name)
    if request.method == "POST" and form.is_valid():
        try:
            card = people.login_card_replace(
                cohort=cohort,
                trainee=trainee,
                by=request.user,
                trainee_present=form.cleaned_data["trainee_present"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _cards_response([card], request=request, cohort=cohort)
    return render(
        request,
        "training/people/login_card_replace.html",
        {
            "cohort": cohort,
            "name": name,
            "form": form,
            "refusal": refusal,
            "code_days": people.sign_in_code_days(),
        },
        status=400 if form.errors else 200,
    )


# --- one's own account ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account(request):
    """Someone's own account: their email address (changed through a link sent to it, and
    confirmed as theirs the same way), a way to change their password or PIN and, for
    trainees, every login card printed for them, with a way to stop an unused one.

    Each link sent counts towards a limit per account (``sign_in_views.email_link_send``)."""
    user = request.user
    action = request.POST.get("action", "email") if request.method == "POST" else None
    form = AccountEmailForm(
        request.POST if action == "email" else None, initial={"email": user.email}
    )
    if action == "stop_card":
        try:
            people.sign_in_code_stop(user=user, sign_in_id=int(request.POST.get("card", "")))
        except (ValueError, ValidationError):
            messages.error(
                request, _("This card cannot be stopped: it was used or stopped already.")
            )
        else:
            messages.success(request, _("The card is stopped. Its code will not work."))
        return redirect("training:account")
    if action == "confirm" and people.email_needs_confirming(user):
        return sign_in_views.email_link_send(
            request, email=user.email, then=reverse("training:account")
        )
    if action == "email" and form.is_valid():
        email = form.cleaned_data["email"]
        if not email:
            people.account_email_remove(user=user)
            messages.success(request, _("Your email address is removed."))
            return redirect("training:account")
        try:
            return sign_in_views.email_link_send(
                request, email=email, then=reverse("training:account")
            )
        except ValidationError as error:
            form.add_error("email", error)
    cards = list(SignInCode.objects.filter(user=user).order_by("-printed_at", "-pk"))
    for card in cards:
        card.sentence = card_sentence(card)
    return render(
        request,
        "training/people/account.html",
        {
            "form": form,
            "account": user,
            "cards": cards,
            "email_unconfirmed": people.email_needs_confirming(user),
        },
        status=400 if form.errors else 200,
    )


# --- the trainer's home page ---------------------------------------------------------------


def trainer_home_context(user):
    """The groups this person trains, each with its next session, in two queries."""
    cohorts = Cohort.objects.filter(
        pk__in=CohortTrainer.objects.filter(user=user).values("cohort_id")
    )
    cohorts = list(
        scheduling.with_next_session(cohorts)
        .select_related("programme", "organisation")
        .order_by("-starts_on", "name")
    )
    scheduling.attach_next_sessions(cohorts)
    return {"trainer_cohorts": cohorts}


urlpatterns = [
    path("cohorts/", cohort_list, name="cohorts"),
    path("cohorts/<int:cohort_id>/", cohort_detail, name="cohort"),
    path("cohorts/<int:cohort_id>/schedule/", schedule, name="schedule"),
    path("cohorts/<int:cohort_id>/sessions/new/", session_new, name="session_new"),
    path(
        "cohorts/<int:cohort_id>/sessions/<int:session_id>/edit/",
        session_edit,
        name="session_edit",
    ),
    path("cohorts/<int:cohort_id>/trainees/new/", trainee_new, name="trainee_new"),
    path("cohorts/<int:cohort_id>/trainees/add/", enrol_existing, name="enrol_existing"),
    path(
        "cohorts/<int:cohort_id>/trainees/<int:enrolment_id>/added/",
        trainee_added,
        name="trainee_added",
    ),
    path(
        "cohorts/<int:cohort_id>/enrolments/<int:enrolment_id>/",
        enrolment_edit,
        name="enrolment_edit",
    ),
    path("cohorts/<int:cohort_id>/cards/", login_cards, name="login_cards"),
    path(
        "cohorts/<int:cohort_id>/cards/replace/<int:enrolment_id>/",
        login_card_replace,
        name="login_card_replace",
    ),
    path("account/", account, name="account"),
    path(
        "account/email/confirm/<str:token>/",
        sign_in_views.account_email_confirm,
        name="account_email_confirm",
    ),
    path("account/email/check/", sign_in_views.account_email_check, name="account_email_check"),
    path("account/secret/", sign_in_views.change_secret, name="change_secret"),
    path("sign-in/choose/", sign_in_views.choose_secret, name="choose_secret"),
]
