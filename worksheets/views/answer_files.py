"""Recordings and pictures as answers: a trainee gives or removes one, and whoever may read
the answer hears or sees it.

Files are sent by ``answer_formats.js`` (one file, a JSON reply), or by the worksheet form
itself when JavaScript is off: its "Save the picture" and "Remove" buttons post the whole
form here, so the text typed beside it is saved first and nothing is lost. The rules live
in ``worksheets.services`` and ``worksheets.access``; the checks of the files themselves in
``worksheets.answer_files``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from .. import services
from ..access import may_read_file
from ..answer_files import check_upload
from ..blocks import ANSWER_FORMATS, AUDIO
from ..models import AnswerFile
from .trainee import (
    _csrf_failure,
    _first_message,
    _json_error,
    _load,
    _load_for_script,
    _render_again,
    _save_posted,
    answer_file_url,
)


def _split(name):
    """``(prompt key, kind)`` from a file answer's name, such as ``"<part id>:audio"``."""
    key, _sep, kind = (name or "").rpartition(":")
    if not key or kind not in ANSWER_FORMATS:
        raise ValidationError(_("The answers could not be read. Please reload the page."))
    return key, kind


def _wants_json(request):
    # The script asks for a JSON reply; the file itself comes as multipart form data.
    return "application/json" in request.headers.get("Accept", "")


@csrf_exempt
@require_POST
def change(request, enrolment_id, worksheet_id):
    """Give a recording or picture as an answer, or remove one.

    As with ``trainee.save``, a visitor who is no longer logged in is told so before the CSRF
    check, so that the page keeps the recording and asks them to log in again.
    """
    fill_url = reverse("worksheets:fill", args=[enrolment_id, worksheet_id])
    if not request.user.is_authenticated:
        if _wants_json(request):
            return JsonResponse({"error": "login"}, status=401)
        return redirect_to_login(fill_url)
    refused = _csrf_failure(request)
    if refused is not None:
        return refused
    if _wants_json(request):
        return _change_from_script(request, enrolment_id, worksheet_id)
    return _change_from_form(request, enrolment_id, worksheet_id)


def _change_from_script(request, enrolment_id, worksheet_id):
    enrolment, worksheet, refused = _load_for_script(request.user, enrolment_id, worksheet_id)
    if refused is not None:
        return refused
    device = request.POST.get("device", "")
    # "<part id>:<visibility>" as the page showed the part (optional, see services).
    shown = request.POST.getlist("shown")
    try:
        key, kind = _split(request.POST.get("name"))
        if request.POST.get("remove"):
            result = services.answer_file_remove(
                user=request.user,
                enrolment=enrolment,
                worksheet=worksheet,
                key=key,
                kind=kind,
                device=device,
                shown=shown,
            )
        else:
            result = services.answer_file_save(
                user=request.user,
                enrolment=enrolment,
                worksheet=worksheet,
                key=key,
                kind=kind,
                checked=check_upload(kind, request.FILES.get("file")),
                token=request.POST.get("token", ""),
                device=device,
                shown=shown,
            )
    except ValidationError as error:
        code = getattr(error, "code", None) or "invalid"
        return _json_error(_first_message(error), 400, code=code)
    except PermissionDenied:
        return _json_error(_("You cannot change this worksheet any more."), 403)
    response = result.response
    return JsonResponse(
        {
            "saved": result.saved,
            "version": response.version,
            "saved_at": timezone.localtime(response.updated_at).isoformat(),
            "url": answer_file_url(result.answer_file.pk) if result.answer_file else "",
        }
    )


def _change_from_form(request, enrolment_id, worksheet_id):
    """The form posted without JavaScript: save its text, then each picture it carries (or
    the removal its button asks for). A worksheet that takes pictures posts every save here.
    A refused file leaves the page as it was, with the text saved and a message saying why.
    """
    enrolment, worksheet = _load(request.user, enrolment_id, worksheet_id)
    result, posted, error = _save_posted(request, enrolment, worksheet)
    if error:
        return _render_again(request, enrolment, worksheet, posted, error=error)
    if result.conflicts:
        return _render_again(request, enrolment, worksheet, posted, conflicts=result.conflicts)
    device = (request.POST.get("device") or "form")[:64]
    done = [_("Your answers are saved.")]
    try:
        if request.POST.get("remove"):
            key, kind = _split(request.POST["remove"])
            services.answer_file_remove(
                user=request.user,
                enrolment=enrolment,
                worksheet=worksheet,
                key=key,
                kind=kind,
                device=device,
                shown=request.POST.getlist("shown"),
            )
            done.append(_("The file is deleted from your answer."))
        elif request.POST.get("upload") and not request.FILES:
            raise ValidationError(_("Choose a picture first, then save it."))
        done += save_posted_files(request, enrolment, worksheet)
    except ValidationError as error:
        return _render_again(request, enrolment, worksheet, {}, error=_first_message(error))
    messages.success(request, " ".join(done))
    return redirect("worksheets:fill", enrolment.pk, worksheet.pk)


def save_posted_files(request, enrolment, worksheet):
    """Store each picture (or recording) a form post carries as the answer it is named for.
    Returns what to tell the trainee; raises ValidationError at the first refused file."""
    device = (request.POST.get("device") or "form")[:64]
    token = request.POST.get("upload_token", "")
    done = []
    for name, upload in request.FILES.items():
        key, kind = _split(name)
        services.answer_file_save(
            user=request.user,
            enrolment=enrolment,
            worksheet=worksheet,
            key=key,
            kind=kind,
            checked=check_upload(kind, upload),
            # Once per answer for one page load, however often the same post is sent.
            token=f"{token}:{name}" if token else "",
            device=device,
            shown=request.POST.getlist("shown"),
        )
        done.append(_("Your recording is saved.") if kind == AUDIO else _("Your picture is saved."))
    return done


@login_required
@require_safe
def serve(request, file_id):
    """A recording or picture, to whoever may read the answer it belongs to (403 otherwise).

    Served as the type it was recognised as when it was checked, never guessed again by the
    browser (``nosniff``), and sandboxed, so that even a file that slipped past the checks
    cannot run anything on this site.
    """
    answer_file = get_object_or_404(
        AnswerFile.objects.select_related(
            "response__worksheet", "response__enrolment__cohort__programme"
        ),
        pk=file_id,
    )
    response = answer_file.response
    parts = response.worksheet.layout(programme=response.enrolment.cohort.programme)
    if not may_read_file(request.user, answer_file, parts):
        raise PermissionDenied
    try:
        handle = answer_file.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    extension = answer_file.file.name.rsplit(".", 1)[-1].lower()
    reply = FileResponse(
        handle,
        content_type=answer_file.content_type,
        as_attachment=False,
        filename=f"{answer_file.kind}.{extension}",
    )
    reply["X-Content-Type-Options"] = "nosniff"
    reply["Content-Security-Policy"] = "default-src 'none'; sandbox"
    # Personal data: never kept by a shared cache.
    reply["Cache-Control"] = "private, no-store"
    return reply
