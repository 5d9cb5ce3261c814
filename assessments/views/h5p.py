"""H5P activities: the trainee plays, the player posts xAPI statements, the trainer reads.

- ``h5p_play``: the trainee's page; it opens an attempt and embeds the player in a sandboxed
  frame (``assessments.h5p_sandbox``), whose statements it relays to ``h5p_xapi``;
- ``h5p_preview``: the same frame for staff, recording nothing;
- ``h5p_frame`` and ``h5p_frame_file``: the frame's document and the package files, from a
  signed, short-lived address that needs no login cookie;
- ``h5p_xapi``: where the page posts statements (JSON, CSRF token in a header);
- ``h5p_cohort``: results of a cohort for one activity; answers in the trainees' own words
  for the cohort's trainers only, figures for the whole group for everyone else.
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass
from functools import wraps
from pathlib import Path

from csp.decorators import csp_exempt, csp_update
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import strip_tags
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from pyh5p._util import is_safe_relative_path

from curriculum.models import SessionPlanPage
from curriculum.selectors import activity_references
from lms.roles import can_read_facilitator_material
from training.access import cohort_for_its_trainers, cohort_for_staff
from training.models import Enrolment

from ..h5p_package import declared_max_score, folder_dir
from ..h5p_sandbox import (
    FILES_LIFETIME,
    FRAME_LIFETIME,
    FrameLink,
    configured_content_origin,
    files_prefix,
    frame_policy,
    frame_url,
    read_token,
    request_origin,
)
from ..models import H5PActivity, H5PAttempt, H5PResult, XAPIStatement
from ..xapi import StatementRefused, parse_body, player_actor, record_statement

OPEN_TEXT_TYPES = ("long-fill-in", "fill-in")
# H5P's separator between the words typed in several blanks of one question.
BLANKS_SEPARATOR = "[,]"


# --- which activities a programme uses ------------------------------------------------------


def _session_plans(programmes):
    """Live session plans of several programmes, in one query."""
    programmes = list({p.pk: p for p in programmes}.values())
    if not programmes:
        return []
    condition = Q()
    for programme in programmes:
        condition |= Q(path__startswith=programme.path, depth=programme.depth + 1)
    return list(SessionPlanPage.objects.live().filter(condition).order_by("number", "path"))


def _activity_ids(session):
    return activity_references(session, "h5p")


def programmes_h5p(programmes):
    """``{programme_pk: [(session, activity), ...]}`` in teaching order, each activity once
    per programme. Two queries however many programmes and sessions."""
    sessions = _session_plans(programmes)
    wanted = [(session, pk) for session in sessions for pk in _activity_ids(session)]
    found = H5PActivity.objects.in_bulk({pk for _session, pk in wanted})
    result = {p.pk: [] for p in programmes}
    seen = set()
    for session, pk in wanted:
        for programme in programmes:
            if session.path.startswith(programme.path) and session.depth == programme.depth + 1:
                if pk in found and (programme.pk, pk) not in seen:
                    seen.add((programme.pk, pk))
                    result[programme.pk].append((session, found[pk]))
    return result


def programme_uses(programme, activity):
    """One light query: only the activities column of the programme's live session plans."""
    streams = (
        SessionPlanPage.objects.live()
        .filter(path__startswith=programme.path, depth=programme.depth + 1)
        .values_list("activities", flat=True)
    )
    for stream in streams:
        raw = stream.raw_data if hasattr(stream, "raw_data") else stream
        for item in raw or []:
            value = item.get("value") or {}
            if item.get("type") == "activity" and str(value.get("h5p")) == str(activity.pk):
                return True
    return False


def _is_staff(user):
    return can_read_facilitator_material(user)


def _load_for_trainee(user, enrolment_id, activity_id):
    """The visitor's own enrolment and an activity its programme uses, else 404."""
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("cohort__programme", "cohort__organisation"),
        pk=enrolment_id,
        trainee=user,
    )
    activity = get_object_or_404(H5PActivity, pk=activity_id)
    if enrolment.status == Enrolment.Status.WITHDRAWN or not programme_uses(
        enrolment.cohort.programme, activity
    ):
        raise Http404
    return enrolment, activity


# --- the page around the player -------------------------------------------------------------


def frames_from_content_origin(view):
    """Let the page frame the player when it is served from ``H5P_CONTENT_ORIGIN``: django-csp's
    ``csp_update`` adds that origin to this page's ``frame-src`` (the site's policy allows
    only the site itself). Read per request, so the setting can change without a restart."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        origin = configured_content_origin()
        if not origin:
            return view(request, *args, **kwargs)
        return csp_update({"frame-src": [origin]})(view)(request, *args, **kwargs)

    return wrapped


def _page_messages():
    return {
        "saving": _("Saving your answers…"),
        "saved": _("Your answers are saved."),
        "offline": _(
            "Not sent yet: your answers are kept on this device and sent when the "
            "connection is back."
        ),
        "login": _("Please log in again so your answers can be sent."),
        "refused": _("One answer could not be stored: %(reason)s"),
        "failed": _("The activity could not be loaded. Please reload the page."),
        "flagged": _(
            "Your answers are saved, but this score could not be checked, so it does not "
            "count. Your trainer can see it. You can play the activity again."
        ),
    }


def _frame_link(request, activity, *, enrolment=None, attempt=None):
    return FrameLink(
        activity_id=activity.pk,
        folder=str(activity.folder),
        user_id=request.user.pk,
        enrolment_id=enrolment.pk if enrolment else None,
        registration=str(attempt.registration) if attempt else None,
        parent_origin=request_origin(request),
    )


@login_required
@require_GET
@frames_from_content_origin
def play(request, enrolment_id, activity_id):
    """Opening the page opens an attempt: statements must name it to be stored."""
    enrolment, activity = _load_for_trainee(request.user, enrolment_id, activity_id)
    attempt = H5PAttempt.open_for(
        enrolment=enrolment, activity=activity, max_score=declared_max_score(activity)
    )
    result = H5PResult.objects.filter(activity=activity, enrolment=enrolment).first()
    config = {
        "xapiUrl": reverse("assessments:h5p_xapi", args=[enrolment.pk, activity.pk]),
        "registration": str(attempt.registration),
        "actor": player_actor(request.user),
        "objectId": activity.activity_iri,
        "queueKey": f"{request.user.pk}:{enrolment.pk}:{activity.pk}",
        "messages": _page_messages(),
    }
    return render(
        request,
        "assessments/h5p/play.html",
        {
            "enrolment": enrolment,
            "activity": activity,
            "result": result,
            "config": config,
            "frame_src": frame_url(
                request, _frame_link(request, activity, enrolment=enrolment, attempt=attempt)
            ),
        },
    )


@login_required
@require_GET
@frames_from_content_origin
def preview(request, activity_id):
    if not _is_staff(request.user):
        raise Http404
    activity = get_object_or_404(H5PActivity, pk=activity_id)
    config = {"xapiUrl": None, "messages": _page_messages()}
    return render(
        request,
        "assessments/h5p/play.html",
        {
            "activity": activity,
            "config": config,
            "preview": True,
            "frame_src": frame_url(request, _frame_link(request, activity)),
        },
    )


@login_required
@require_POST
def xapi(request, enrolment_id, activity_id):
    """One statement per request; the reply says in JSON whether it was stored, and how the
    trainee's result reads now (the page shows it without a reload)."""
    try:
        enrolment, activity = _load_for_trainee(request.user, enrolment_id, activity_id)
    except Http404:
        return JsonResponse(
            {"error": _("This activity is not one of yours."), "code": "not_found"}, status=404
        )
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    try:
        if length > 64 * 1024:
            raise StatementRefused(_("This answer is too big to store."), "too_big", status=413)
        statement = parse_body(request.body)
        stored, result = record_statement(
            statement, user=request.user, enrolment=enrolment, activity=activity
        )
    except StatementRefused as refused:
        return JsonResponse({"error": refused.message, "code": refused.code}, status=refused.status)
    body = {"stored": str(stored.statement_id)}
    if stored.flag:
        body["flagged"] = stored.flag
    if result is not None:
        body["result"] = {
            "attempts": result.attempts,
            "best_scaled": result.best_scaled,
            "completed": result.completed,
            "passed": result.passed,
            "summary": render_to_string("assessments/h5p/_result.html", {"result": result}).strip(),
        }
    return JsonResponse(body, status=201)


# --- the sandboxed frame and the package files ---------------------------------------------


def _frame_refused(message, status):
    """A short page in the frame's place, with nothing that runs."""
    response = HttpResponse(
        render_to_string(
            "assessments/h5p/frame_refused.html", {"message": message, "lang": get_language()}
        ),
        status=status,
    )
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response["Cache-Control"] = "no-store"
    return response


def _link_still_good(link, activity):
    """The attempt the link names is still open and the trainee's (or, for a preview, the
    person is still staff). Checked from the database, never from a login cookie."""
    if link.registration is None:
        user = get_user_model().objects.filter(pk=link.user_id, is_active=True).first()
        return user is not None and _is_staff(user)
    attempt = (
        H5PAttempt.objects.select_related("enrolment")
        .filter(
            registration=link.registration,
            activity=activity,
            enrolment_id=link.enrolment_id,
            enrolment__trainee_id=link.user_id,
        )
        .first()
    )
    return (
        attempt is not None
        and attempt.is_open()
        and attempt.enrolment.status != Enrolment.Status.WITHDRAWN
    )


@csp_exempt()
@xframe_options_exempt
@require_GET
def frame(request, token):
    """The frame's document: h5p-standalone and the relay script, under the frame's own
    policy (``h5p_sandbox.frame_policy``). Only the page that made the link may frame it."""
    link = read_token(token, max_age=FRAME_LIFETIME)
    if link is None:
        return _frame_refused(
            _("This activity has been open for too long. Please reload the page."), 403
        )
    activity = H5PActivity.objects.filter(pk=link.activity_id, folder=link.folder).first()
    if activity is None or not _link_still_good(link, activity):
        return _frame_refused(
            _("This activity cannot be opened here any more. Please reload the page."), 403
        )
    files = files_prefix(request, token)
    config = {
        "h5pJsonPath": files.rstrip("/"),
        "frameJs": request.build_absolute_uri(static("assessments/h5p-standalone/frame.bundle.js")),
        "frameCss": request.build_absolute_uri(static("assessments/h5p-standalone/styles/h5p.css")),
        "xAPIObjectIRI": activity.activity_iri,
        "parentOrigin": link.parent_origin,
    }
    response = HttpResponse(
        render_to_string(
            "assessments/h5p/frame.html",
            {"activity": activity, "config": config, "lang": get_language()},
        )
    )
    response["Content-Security-Policy"] = frame_policy(request, files, link.parent_origin)
    response["X-Content-Type-Options"] = "nosniff"
    # The link is a key for a few hours: no other site learns it from a Referer header.
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response


CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".eot": "application/vnd.ms-fontobject",
    ".vtt": "text/vtt; charset=utf-8",
    ".webvtt": "text/vtt; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
    ".webp": "image/webp",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".ogg": "audio/ogg",
    ".ogv": "video/ogg",
    ".webm": "video/webm",
    ".mp4": "video/mp4",
}
# Served inline (the player loads them); anything else is a download.
INLINE_PREFIXES = ("text/", "application/json", "image/", "font/", "audio/", "video/")
# Applies to documents only (an SVG or text file opened directly): no scripts run from them.
FILE_CSP = (
    "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'; "
    "font-src 'self'; sandbox"
)
HEADER_NAMES = re.compile(r"^[A-Za-z0-9-]+(\s*,\s*[A-Za-z0-9-]+)*$")


def safe_target(root: Path, relative: str):
    """The file ``relative`` names under ``root``, or None if it would leave the folder."""
    if not relative or not is_safe_relative_path(relative):
        return None
    root = root.resolve()
    target = (root / relative).resolve()
    if not target.is_relative_to(root) or target == root or not target.is_file():
        return None
    return target


def _shared(response):
    # The frame has no origin ("null"): its fetches of JSON, fonts and sounds are cross-origin
    # requests. Nothing here depends on who asks (no cookie is read), so any origin may read.
    response["Access-Control-Allow-Origin"] = "*"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@csp_exempt()
@require_http_methods(["GET", "HEAD", "OPTIONS"])
def frame_file(request, token, path):
    """A file of the package the signed link names. No login: the link is the permission."""
    link = read_token(token, max_age=FILES_LIFETIME)
    if link is None:
        raise Http404
    if request.method == "OPTIONS":
        # A preflight (sound libraries ask before fetching with a header of their own).
        response = _shared(HttpResponse(status=204))
        response["Access-Control-Allow-Methods"] = "GET, HEAD"
        asked = request.headers.get("Access-Control-Request-Headers", "")
        if asked and HEADER_NAMES.match(asked):
            response["Access-Control-Allow-Headers"] = asked
        response["Access-Control-Max-Age"] = "600"
        return response
    target = safe_target(folder_dir(link.folder), path)
    if target is None:
        raise Http404
    content_type = CONTENT_TYPES.get(target.suffix.lower()) or (
        mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    )
    inline = content_type.startswith(INLINE_PREFIXES)
    response = FileResponse(target.open("rb"), content_type=content_type, as_attachment=not inline)
    response["Content-Security-Policy"] = FILE_CSP
    response["Cache-Control"] = "private, no-cache"
    return _shared(response)


# --- the trainer's view ---------------------------------------------------------------------


def _cohort_and_reader(request, cohort_id):
    """The cohort, and whether this visitor reads each trainee's results and own words.

    Its trainers do (``training.access.cohort_for_its_trainers``, the one rule for what a
    trainee wrote for their trainer). Whoever else runs the cohort (programme managers of its
    organisation, superusers) gets figures for the whole group only (``cohort_for_staff``,
    which refuses anyone else)."""
    try:
        return cohort_for_its_trainers(request, cohort_id), True
    except PermissionDenied:
        return cohort_for_staff(request, cohort_id), False


@dataclass
class TraineeRow:
    enrolment: Enrolment
    result: H5PResult | None
    answers: list
    held_back: list


@dataclass
class GroupFigures:
    """What anyone who oversees the cohort may see: counts and scores of the whole group."""

    trainees: int
    tried: int
    finished: int
    passed: int
    average_best: float | None
    best: float | None
    written_answers: int
    held_back: int


def _answer(statement):
    definition = (statement.raw.get("object") or {}).get("definition") or {}
    question = next(iter((definition.get("description") or {}).values()), "")
    words = [part.strip() for part in statement.response.split(BLANKS_SEPARATOR)]
    return {
        # Descriptions are HTML written by the package's author: shown as plain text.
        "question": strip_tags(str(question)).strip(),
        "words": [w for w in words if w],
        "at": statement.timestamp,
    }


def _group_figures(enrolments, results, written, held_back):
    bests = [r.best_scaled for r in results.values() if r.best_scaled is not None]
    return GroupFigures(
        trainees=len(enrolments),
        tried=sum(1 for r in results.values() if r.attempts),
        finished=sum(1 for r in results.values() if r.completed),
        passed=sum(1 for r in results.values() if r.passed),
        average_best=sum(bests) / len(bests) if bests else None,
        best=max(bests) if bests else None,
        written_answers=written,
        held_back=held_back,
    )


@login_required
@require_GET
def cohort_activity(request, cohort_id, activity_id):
    cohort, trainer = _cohort_and_reader(request, cohort_id)
    activity = get_object_or_404(H5PActivity, pk=activity_id)
    if not programme_uses(cohort.programme, activity):
        raise Http404
    enrolments = list(
        cohort.enrolments.exclude(status=Enrolment.Status.WITHDRAWN).select_related("trainee")
    )
    active = [e.pk for e in enrolments]
    results = {
        r.enrolment_id: r
        for r in H5PResult.objects.filter(activity=activity, enrolment_id__in=active)
    }
    statements = XAPIStatement.objects.filter(activity=activity, enrolment_id__in=active)
    open_text = Q(interaction_type__in=OPEN_TEXT_TYPES) & ~Q(response="")
    held = ~Q(flag="")
    context = {"cohort": cohort, "activity": activity, "trainer": trainer}
    if not trainer:
        # Figures of the whole group only: one query, no words and no names.
        counts = statements.aggregate(
            written=Count("pk", filter=open_text), held=Count("pk", filter=held)
        )
        context["figures"] = _group_figures(enrolments, results, counts["written"], counts["held"])
        return render(request, "assessments/h5p/cohort.html", context)
    answers, held_back = {}, {}
    written = held_count = 0
    for statement in (
        statements.filter(open_text | held)
        .only(
            "enrolment_id",
            "response",
            "timestamp",
            "raw",
            "interaction_type",
            "flag",
            "score_scaled",
            "stored_at",
        )
        .order_by("-timestamp", "-pk")
    ):
        if statement.flag:
            held_count += 1
            held_back.setdefault(statement.enrolment_id, []).append(statement)
        if statement.interaction_type in OPEN_TEXT_TYPES and statement.response:
            written += 1
            answers.setdefault(statement.enrolment_id, []).append(_answer(statement))
    context["figures"] = _group_figures(enrolments, results, written, held_count)
    context["rows"] = [
        TraineeRow(e, results.get(e.pk), answers.get(e.pk, []), held_back.get(e.pk, []))
        for e in enrolments
    ]
    context["any_answers"] = bool(answers)
    return render(request, "assessments/h5p/cohort.html", context)


# --- the trainee's home ---------------------------------------------------------------------


@dataclass
class ToPlay:
    enrolment: Enrolment
    session: object
    activity: H5PActivity
    result: H5PResult | None

    @property
    def url(self):
        return reverse("assessments:h5p_play", args=[self.enrolment.pk, self.activity.pk])


def trainee_home_context(user):
    """The activities to play in each active enrolment. Four queries in all."""
    enrolments = list(
        Enrolment.objects.filter(trainee=user, status=Enrolment.Status.ACTIVE)
        .select_related("cohort__programme")
        .order_by("-cohort__starts_on", "cohort__name")
    )
    if not enrolments:
        return {"h5p_to_play": []}
    by_programme = programmes_h5p([e.cohort.programme for e in enrolments])
    results = {
        (r.enrolment_id, r.activity_id): r
        for r in H5PResult.objects.filter(enrolment__in=enrolments)
    }
    items = [
        ToPlay(e, session, activity, results.get((e.pk, activity.pk)))
        for e in enrolments
        for session, activity in by_programme.get(e.cohort.programme.pk, [])
    ]
    return {"h5p_to_play": items}


urlpatterns = [
    path("h5p/<int:enrolment_id>/<int:activity_id>/", play, name="h5p_play"),
    path("h5p/<int:enrolment_id>/<int:activity_id>/xapi/", xapi, name="h5p_xapi"),
    path("h5p/preview/<int:activity_id>/", preview, name="h5p_preview"),
    path("h5p/frame/<str:token>/", frame, name="h5p_frame"),
    path("h5p/frame/<str:token>/files/<path:path>", frame_file, name="h5p_frame_file"),
    path(
        "h5p/cohort/<int:cohort_id>/<int:activity_id>/",
        cohort_activity,
        name="h5p_cohort",
    ),
]
