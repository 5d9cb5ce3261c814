"""H5P activities: the trainee plays, the player posts xAPI statements, the trainer reads.

- ``h5p_play``: the player page (h5p-standalone) for one of the trainee's enrolments;
- ``h5p_preview``: the same player for staff, recording nothing;
- ``h5p_xapi``: where the player posts statements (JSON, CSRF token in a header);
- ``h5p_file``: the unpacked package files, from a path that cannot leave the folder;
- ``h5p_cohort``: attempts, scores and open-text answers of a cohort for one activity.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from pyh5p._util import is_safe_relative_path

from curriculum.models import SessionPlanPage
from curriculum.selectors import activity_references
from lms.roles import can_read_facilitator_material
from training.access import cohort_for_staff
from training.models import Enrolment

from ..h5p_package import content_dir
from ..models import H5PActivity, H5PResult, XAPIStatement
from ..xapi import StatementRefused, parse_body, player_actor, record_statement

OPEN_TEXT_TYPES = ("long-fill-in", "fill-in")


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


def _may_read_files(user, activity):
    """Staff, or a trainee still in a cohort whose programme plays this activity."""
    if _is_staff(user):
        return True
    enrolments = list(
        Enrolment.objects.filter(trainee=user)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("cohort__programme")
    )
    programmes = [e.cohort.programme for e in enrolments]
    return any(
        pk == activity.pk for session in _session_plans(programmes) for pk in _activity_ids(session)
    )


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


# --- the player ---------------------------------------------------------------------------


def _player_config(request, activity, *, xapi_url=None, queue_key=""):
    files_root = reverse("assessments:h5p_file", args=[activity.folder, "h5p.json"])
    return {
        "h5pJsonPath": files_root.rsplit("/", 1)[0],
        "frameJs": static("assessments/h5p-standalone/frame.bundle.js"),
        "frameCss": static("assessments/h5p-standalone/styles/h5p.css"),
        "xAPIObjectIRI": activity.activity_iri,
        "user": player_actor(request.user),
        "xapiUrl": xapi_url,
        "queueKey": queue_key,
        "messages": {
            "saving": _("Saving your answers…"),
            "saved": _("Your answers are saved."),
            "offline": _(
                "Not sent yet: your answers are kept on this device and sent when the "
                "connection is back."
            ),
            "login": _("Please log in again so your answers can be sent."),
            "refused": _("One answer could not be stored: %(reason)s"),
            "failed": _("The activity could not be loaded. Please reload the page."),
        },
    }


@login_required
@require_GET
def play(request, enrolment_id, activity_id):
    enrolment, activity = _load_for_trainee(request.user, enrolment_id, activity_id)
    result = H5PResult.objects.filter(activity=activity, enrolment=enrolment).first()
    config = _player_config(
        request,
        activity,
        xapi_url=reverse("assessments:h5p_xapi", args=[enrolment.pk, activity.pk]),
        queue_key=f"{request.user.pk}:{enrolment.pk}:{activity.pk}",
    )
    return render(
        request,
        "assessments/h5p/play.html",
        {"enrolment": enrolment, "activity": activity, "result": result, "config": config},
    )


@login_required
@require_GET
def preview(request, activity_id):
    if not _is_staff(request.user):
        raise Http404
    activity = get_object_or_404(H5PActivity, pk=activity_id)
    config = _player_config(request, activity)
    return render(
        request,
        "assessments/h5p/play.html",
        {"activity": activity, "config": config, "preview": True},
    )


@login_required
@require_POST
def xapi(request, enrolment_id, activity_id):
    """One statement per request; the reply says in JSON whether it was stored."""
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
    if result is not None:
        body["result"] = {
            "attempts": result.attempts,
            "best_scaled": result.best_scaled,
            "completed": result.completed,
            "passed": result.passed,
        }
    return JsonResponse(body, status=201)


# --- the unpacked files ---------------------------------------------------------------------

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


def safe_target(root: Path, relative: str):
    """The file ``relative`` names under ``root``, or None if it would leave the folder."""
    if not relative or not is_safe_relative_path(relative):
        return None
    root = root.resolve()
    target = (root / relative).resolve()
    if not target.is_relative_to(root) or target == root or not target.is_file():
        return None
    return target


@login_required
@require_http_methods(["GET", "HEAD"])
def package_file(request, folder, path):
    activity = get_object_or_404(H5PActivity, folder=folder)
    if not _may_read_files(request.user, activity):
        raise Http404
    target = safe_target(content_dir(activity), path)
    if target is None:
        raise Http404
    content_type = CONTENT_TYPES.get(target.suffix.lower()) or (
        mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    )
    inline = content_type.startswith(INLINE_PREFIXES)
    response = FileResponse(target.open("rb"), content_type=content_type, as_attachment=not inline)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cache-Control"] = "private, no-cache"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


# --- the trainer's view ---------------------------------------------------------------------


@dataclass
class TraineeRow:
    enrolment: Enrolment
    result: H5PResult | None
    answers: list


@login_required
@require_GET
def cohort_activity(request, cohort_id, activity_id):
    cohort = cohort_for_staff(request, cohort_id)
    activity = get_object_or_404(H5PActivity, pk=activity_id)
    if not programme_uses(cohort.programme, activity):
        raise Http404
    enrolments = list(
        cohort.enrolments.exclude(status=Enrolment.Status.WITHDRAWN).select_related("trainee")
    )
    results = {
        r.enrolment_id: r
        for r in H5PResult.objects.filter(activity=activity, enrolment__cohort=cohort)
    }
    answers = {}
    open_texts = (
        XAPIStatement.objects.filter(
            activity=activity,
            enrolment__cohort=cohort,
            interaction_type__in=OPEN_TEXT_TYPES,
        )
        .exclude(response="")
        .only("enrolment_id", "response", "timestamp", "raw", "sub_content_id")
        .order_by("-timestamp", "-pk")
    )
    for statement in open_texts:
        definition = (statement.raw.get("object") or {}).get("definition") or {}
        question = next(iter((definition.get("description") or {}).values()), "")
        answers.setdefault(statement.enrolment_id, []).append(
            {"question": question, "response": statement.response, "at": statement.timestamp}
        )
    rows = [TraineeRow(e, results.get(e.pk), answers.get(e.pk, [])) for e in enrolments]
    return render(
        request,
        "assessments/h5p/cohort.html",
        {"cohort": cohort, "activity": activity, "rows": rows, "any_answers": bool(answers)},
    )


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
    path("h5p/content/<uuid:folder>/<path:path>", package_file, name="h5p_file"),
    path(
        "h5p/cohort/<int:cohort_id>/<int:activity_id>/",
        cohort_activity,
        name="h5p_cohort",
    ),
]
