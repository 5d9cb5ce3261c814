"""The register in the room: one tap per trainee, self check-in with a code, a paper copy.

Staff views fetch the cohort through ``cohort_for_staff`` and the session from that cohort
only, so a session id from another group is a 404. The rules for saving marks live in
``training.attendance``; these views read the request and shape the reply.

The register page works without JavaScript (each row is a small form); register.js then
saves each tap in the background, keeps unsent marks on the phone and sends them when the
connection is back.
"""

from __future__ import annotations

import json
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import attendance
from ..access import cohort_for_staff
from ..models import AttendanceMark, CohortTrainer, ScheduledSession
from ..register_pdf import signed_register_pdf

Status = AttendanceMark.Status


# --- loading ----------------------------------------------------------------------------------


def _session_for_staff(request, cohort_id, session_id):
    """The cohort (403 if this person may not run it) and one of its sessions (404)."""
    cohort = cohort_for_staff(request, cohort_id)
    session = get_object_or_404(
        ScheduledSession.objects.select_related("session_plan"), pk=session_id, cohort=cohort
    )
    session.cohort = cohort
    return cohort, session


def _json_error(message, status, **extra):
    return JsonResponse({"message": message, **extra}, status=status)


def _message_of(error):
    return " ".join(error.messages) if getattr(error, "messages", None) else str(error)


def staff_json(view):
    """For the script's requests: answers in JSON, never a login page or an HTML error.

    A trainer whose login ran out is told so with a 401, and the page keeps their marks
    until they have logged in again in another tab.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _json_error(
                _("You are logged out. Log in again in a new tab; your marks are kept here."),
                401,
                login_url=resolve_url(settings.LOGIN_URL),
            )
        try:
            return view(request, *args, **kwargs)
        except Http404:
            return _json_error(_("This session could not be found."), 404)
        except PermissionDenied:
            return _json_error(_("You cannot take the register of this group."), 403)

    return wrapper


def _read_json(request):
    try:
        payload = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ValidationError(_("The mark could not be read. Please reload the page.")) from None
    if not isinstance(payload, dict):
        raise ValidationError(_("The mark could not be read. Please reload the page."))
    return payload


# --- the register page ------------------------------------------------------------------------


def _trainer_names(cohort):
    return [
        attendance.person_name(link.user)
        for link in CohortTrainer.objects.filter(cohort=cohort)
        .select_related("user")
        .order_by("role", "user__first_name", "user__last_name")
    ]


def _row_summary(mark):
    """What a row says about its saved mark, in words (not only a pressed button)."""
    if mark is None:
        return _("Not marked yet")
    when = timezone.localtime(mark.marked_at).strftime("%H:%M")
    if mark.source == AttendanceMark.Source.CHECK_IN:
        return _("%(status)s: checked in with the code at %(time)s") % {
            "status": mark.get_status_display(),
            "time": when,
        }
    who = attendance.person_name(mark.marked_by) if mark.marked_by else _("someone")
    return _("%(status)s: marked by %(who)s at %(time)s") % {
        "status": mark.get_status_display(),
        "who": who,
        "time": when,
    }


def _register_context(request, cohort, session):
    rows = attendance.register_rows(session)
    for row in rows:
        row.summary = _row_summary(row.mark)
    try:
        attendance.check_register_open(session)
        closed_reason = ""
    except ValidationError as error:
        closed_reason = _message_of(error)
    strings = {
        "all_saved": _("All marks saved"),
        "sending": _("Sending marks…"),
        "waiting_one": _("1 mark waiting to be sent — it will be sent when the connection is back"),
        "waiting_many": _(
            "%(count)s marks waiting to be sent — they will be sent when the connection is back"
        ),
        "row_waiting": _("Not sent yet: it will be sent when the connection is back"),
        "marked_by": _("%(status)s: marked by %(who)s at %(time)s"),
        "checked_in": _("%(status)s: checked in with the code at %(time)s"),
        "not_marked": _("Not marked yet"),
        "you": _("you"),
        "choose_first": _("Tap a status first, then save the details."),
        "logged_out": _(
            "You are logged out. Log in again in a new tab; your marks are kept on this phone."
        ),
        "log_in": _("Log in"),
        "refused": _("Not saved: %(message)s"),
        "reload": _("Something went wrong. Please reload the page."),
        "all_present_done": _("Everyone not yet marked is now marked present."),
        "nobody_left": _("Everyone already has a mark."),
    }
    return {
        "cohort": cohort,
        "session": session,
        "rows": rows,
        "statuses": Status.choices,
        "trainers": _trainer_names(cohort),
        "closed_reason": closed_reason,
        "unmarked": sum(1 for row in rows if row.mark is None),
        "mark_url": reverse("training:register_mark", args=[cohort.pk, session.pk]),
        "mark_all_url": reverse("training:register_mark_all", args=[cohort.pk, session.pk]),
        "storage_key": f"register-{session.pk}",
        "login_url": resolve_url(settings.LOGIN_URL),
        "js_strings": strings,
        "check_in_open": session.check_in_open(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def register(request, cohort_id, session_id):
    """The register. A POST is the form fallback for one row when JavaScript is off."""
    cohort, session = _session_for_staff(request, cohort_id, session_id)
    if request.method == "POST":
        return _save_form(request, cohort, session)
    return render(
        request, "training/register/register.html", _register_context(request, cohort, session)
    )


def _save_form(request, cohort, session):
    data = request.POST
    back = reverse("training:register", args=[cohort.pk, session.pk])
    enrolment_id = data.get("enrolment", "")
    try:
        mark = attendance.record_mark(
            session,
            enrolment_id,
            data.get("status", ""),
            by=request.user,
            minutes=data.get("minutes_attended") or None,
            note=data.get("note", ""),
            base_version=data.get("base_version", ""),
        )
    except attendance.MarkConflict as conflict:
        messages.error(request, attendance.conflict_message(conflict.mark))
    except ValidationError as error:
        messages.error(request, _message_of(error))
    else:
        messages.success(
            request,
            _("Saved: %(name)s, %(status)s.")
            % {
                "name": attendance.person_name(mark.enrolment.trainee),
                "status": mark.get_status_display(),
            },
        )
    anchor = f"#row-{enrolment_id}" if str(enrolment_id).isdigit() else ""
    return redirect(back + anchor)


@require_POST
@staff_json
def register_mark(request, cohort_id, session_id):
    """One mark from register.js: 200 with the saved mark, 409 when someone else changed it
    since the phone last saw it, 400 with a message for anything else."""
    _cohort, session = _session_for_staff(request, cohort_id, session_id)
    try:
        payload = _read_json(request)
        mark = attendance.record_mark(
            session,
            payload.get("enrolment"),
            payload.get("status"),
            by=request.user,
            minutes=payload.get("minutes_attended"),
            note=payload.get("note") or "",
            base_version=payload.get("base_version", 0),
        )
    except attendance.MarkConflict as conflict:
        return _json_error(
            attendance.conflict_message(conflict.mark),
            409,
            current=attendance.mark_data(conflict.mark),
        )
    except ValidationError as error:
        return _json_error(_message_of(error), 400)
    return JsonResponse(attendance.mark_data(mark))


@require_POST
def register_mark_all(request, cohort_id, session_id):
    """ "Mark everyone not yet marked as present": one request, JSON or a plain form."""
    if request.content_type == "application/json":
        return _mark_all_json(request, cohort_id, session_id)
    return _mark_all_form(request, cohort_id, session_id)


@login_required
def _mark_all_form(request, cohort_id, session_id):
    cohort, session = _session_for_staff(request, cohort_id, session_id)
    try:
        created = attendance.mark_all_present(session, by=request.user)
    except ValidationError as error:
        messages.error(request, _message_of(error))
    else:
        if created:
            messages.success(
                request,
                _("%(count)s trainees marked present.") % {"count": len(created)},
            )
        else:
            messages.info(request, _("Everyone already has a mark."))
    return redirect("training:register", cohort.pk, session.pk)


@staff_json
def _mark_all_json(request, cohort_id, session_id):
    _cohort, session = _session_for_staff(request, cohort_id, session_id)
    try:
        payload = _read_json(request)
        skip = payload.get("skip") or []
        if not isinstance(skip, list):
            skip = []
        created = attendance.mark_all_present(session, by=request.user, skip=skip)
    except ValidationError as error:
        return _json_error(_message_of(error), 400)
    return JsonResponse({"marks": [attendance.mark_data(mark) for mark in created]})


@login_required
@require_GET
def register_pdf(request, cohort_id, session_id):
    """The register on paper, with a blank column for each trainee to sign."""
    cohort, session = _session_for_staff(request, cohort_id, session_id)
    rows = attendance.register_rows(session)
    content = signed_register_pdf(session, rows, trainers=_trainer_names(cohort))
    day = timezone.localtime(session.starts_at).date().isoformat()
    name = slugify(f"register {cohort.name} {session.display_title} {day}") or "register"
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


# --- check-in: the trainer's screen -------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def check_in_screen(request, cohort_id, session_id):
    """Open or close the check-in window and show the code large enough for a projector."""
    cohort, session = _session_for_staff(request, cohort_id, session_id)
    back = reverse("training:check_in_screen", args=[cohort.pk, session.pk])
    if request.method == "POST":
        try:
            if request.POST.get("action") == "close":
                attendance.close_check_in(session)
                messages.success(request, _("Check-in is closed. The code no longer works."))
            else:
                attendance.open_check_in(
                    session,
                    minutes=request.POST.get("minutes", attendance.CHECK_IN_DEFAULT_WINDOW),
                )
        except ValidationError as error:
            messages.error(request, _message_of(error))
        return redirect(back)
    try:
        attendance.check_register_open(session)
        closed_reason = ""
    except ValidationError as error:
        closed_reason = _message_of(error)
    return render(
        request,
        "training/register/check_in_screen.html",
        {
            "cohort": cohort,
            "session": session,
            "is_open": session.check_in_open(),
            "closed_reason": closed_reason,
            "count": attendance.checked_in_count(session),
            "windows": attendance.CHECK_IN_WINDOWS,
            "default_window": attendance.CHECK_IN_DEFAULT_WINDOW,
            "check_in_url": request.build_absolute_uri(reverse("training:check_in")),
            "count_url": reverse("training:check_in_count", args=[cohort.pk, session.pk]),
        },
    )


@require_GET
@staff_json
def check_in_count(request, cohort_id, session_id):
    """How many trainees have checked in, for the projector screen to refresh."""
    _cohort, session = _session_for_staff(request, cohort_id, session_id)
    return JsonResponse(
        {"count": attendance.checked_in_count(session), "open": session.check_in_open()}
    )


# --- check-in: the trainee's side ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def check_in(request):
    """A trainee types the code from the screen. Only their own sessions are searched."""
    error = ""
    code = ""
    if request.method == "POST":
        code = request.POST.get("code", "")
        try:
            result = attendance.check_in(request.user, code)
        except ValidationError as problem:
            error = _message_of(problem)
        else:
            return redirect("training:check_in_done", result.session.pk)
    return render(
        request,
        "training/register/check_in.html",
        {"error": error, "code": code[:12], "blocked": attendance.check_in_blocked(request.user)},
    )


@login_required
@require_GET
def check_in_done(request, session_id):
    """After the code: the trainee's own mark for that session, in plain words."""
    mark = get_object_or_404(
        AttendanceMark.objects.select_related(
            "scheduled_session__session_plan", "enrolment", "marked_by"
        ),
        scheduled_session_id=session_id,
        enrolment__trainee=request.user,
    )
    return render(
        request,
        "training/register/check_in_done.html",
        {
            "mark": mark,
            "session": mark.scheduled_session,
            "checked_in": mark.source == AttendanceMark.Source.CHECK_IN,
        },
    )


_session = "cohorts/<int:cohort_id>/sessions/<int:session_id>/"

urlpatterns = [
    path(f"{_session}register/", register, name="register"),
    path(f"{_session}register/mark/", register_mark, name="register_mark"),
    path(f"{_session}register/all-present/", register_mark_all, name="register_mark_all"),
    path(f"{_session}register/pdf/", register_pdf, name="register_pdf"),
    path(f"{_session}check-in/", check_in_screen, name="check_in_screen"),
    path(f"{_session}check-in/count/", check_in_count, name="check_in_count"),
    path("check-in/", check_in, name="check_in"),
    path("check-in/done/<int:session_id>/", check_in_done, name="check_in_done"),
]
