"""What a trainee does with worksheets: see what is due, fill one in, hand it in, keep a PDF.

Every view checks on each request that the enrolment is the visitor's own and that the
worksheet belongs to the enrolment's programme. The rules for saving and handing in live in
``worksheets.services``; which answers a visitor may read comes from ``worksheets.access``.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from lms.security import allow_features
from training.models import Enrolment

from .. import services
from ..access import readable_answers, readable_keys, written_more_privately
from ..answer_files import audio_max_bytes, picture_max_bytes
from ..blocks import AUDIO, GROUP, PICTURE, PRIVATE, TRAINER
from ..layout import ANSWER_MAX_LENGTH, file_key, programme_values
from ..models import AnswerFeedback, ResponseVersion, Worksheet, WorksheetResponse
from ..selectors import (
    cohort_related,
    prefers_easy_read,
    programme_worksheets,
    trainee_enrolments,
    worksheet_in_programme,
)

Status = WorksheetResponse.Status


# --- what is due ------------------------------------------------------------------------------

NOT_STARTED = "not_started"


def status_of(response):
    """``(code, words)`` for a trainee's response, ``None`` meaning never saved."""
    if response is None or (response.status == Status.DRAFT and not response.version):
        return NOT_STARTED, _("Not started")
    if response.status == Status.DRAFT:
        return Status.DRAFT, _("Started, not handed in yet")
    if response.status == Status.SUBMITTED:
        if response.on_paper:
            return Status.SUBMITTED, _("Handed in on paper")
        return Status.SUBMITTED, _("Handed in")
    if response.status == Status.RETURNED:
        return Status.RETURNED, _("Given back to you for changes")
    return Status.ACCEPTED, _("Accepted")


@dataclass
class DueWorksheet:
    session: object
    worksheet: Worksheet
    status: str
    status_label: str
    url: str


@dataclass
class EnrolmentWorksheets:
    enrolment: Enrolment
    items: list[DueWorksheet] = field(default_factory=list)

    @property
    def cohort(self):
        return self.enrolment.cohort


def worksheets_due(enrolments):
    """For each enrolment, the worksheets of its programme in teaching order with the
    trainee's status. One query for all responses plus two per programme, however many
    worksheets, answers or fellow trainees there are."""
    responses = {
        (r.enrolment_id, r.worksheet_id): r
        for r in WorksheetResponse.objects.filter(enrolment__in=enrolments).only(
            "id", "enrolment_id", "worksheet_id", "status", "version", "on_paper"
        )
    }
    by_programme = {}
    groups = []
    for enrolment in enrolments:
        programme = enrolment.cohort.programme
        if programme.pk not in by_programme:
            by_programme[programme.pk] = programme_worksheets(programme)
        group = EnrolmentWorksheets(enrolment=enrolment)
        for session, worksheet in by_programme[programme.pk]:
            response = responses.get((enrolment.pk, worksheet.pk))
            if response is None and not worksheet.parts.raw_data:
                # Nothing to fill in online: the trainee works on the paper copy in the room.
                code, label = "paper", _("On paper, in the session")
            else:
                code, label = status_of(response)
            url = reverse("worksheets:fill", args=[enrolment.pk, worksheet.pk])
            group.items.append(DueWorksheet(session, worksheet, code, label, url))
        groups.append(group)
    return groups


def trainee_home_context(user):
    """What the trainee home page adds: the worksheets due in each current enrolment."""
    return {"worksheet_groups": worksheets_due(trainee_enrolments(user))}


@login_required
@require_GET
def my_worksheets(request):
    # Every enrolment, including groups the trainee has left: they keep reading what they wrote.
    enrolments = list(
        Enrolment.objects.filter(trainee=request.user)
        .select_related("cohort__programme", "cohort__organisation")
        .order_by("-cohort__starts_on", "cohort__name")
    )
    return render(request, "worksheets/mine.html", {"worksheet_groups": worksheets_due(enrolments)})


# --- loading and checking -----------------------------------------------------------------------


def _load(user, enrolment_id, worksheet_id):
    """The visitor's enrolment and a worksheet of its programme, or PermissionDenied.

    Reading is allowed to a trainee who has left the group; changing is not, and the
    services check that (``check_trainee_may_work``) before every change.
    """
    enrolment = get_object_or_404(
        Enrolment.objects.select_related(*(f"cohort__{name}" for name in cohort_related())),
        pk=enrolment_id,
    )
    if enrolment.trainee_id != user.pk:
        raise PermissionDenied
    worksheet = get_object_or_404(Worksheet, pk=worksheet_id)
    if not worksheet_in_programme(enrolment.cohort.programme, worksheet):
        raise PermissionDenied
    return enrolment, worksheet


def _existing_response(enrolment, worksheet):
    """The saved response, or an unsaved empty one: opening a page never writes."""
    response = WorksheetResponse.objects.filter(enrolment=enrolment, worksheet=worksheet).first()
    if response is None:
        return WorksheetResponse(enrolment=enrolment, worksheet=worksheet)
    # The objects already loaded and checked, so reading them costs no further query.
    response.enrolment, response.worksheet = enrolment, worksheet
    return response


# --- the fill page ------------------------------------------------------------------------------


@dataclass
class Field:
    """One answer box (or set of radio buttons) as the template draws it."""

    key: str
    id: str
    label: str
    hint: str = ""
    value: str = ""
    choices: tuple[str, ...] = ()
    feedback: list = field(default_factory=list)
    theirs: str | None = None  # the other device's text, after a conflict on a form post
    # Table cells share their column's hint, printed once above the table.
    shared_hint_id: str = ""
    # The usual words of the question, when ``label`` is its easy-read wording.
    usual_label: str = ""
    # Other ways to answer than writing, and what was given so far (addresses to hear or see).
    formats: tuple[str, ...] = ()
    audio_url: str = ""
    picture_url: str = ""

    @property
    def takes_audio(self):
        return AUDIO in self.formats

    @property
    def takes_picture(self):
        return PICTURE in self.formats

    @property
    def audio_key(self):
        return file_key(self.key, AUDIO)

    @property
    def picture_key(self):
        return file_key(self.key, PICTURE)

    @property
    def hint_id(self):
        return self.shared_hint_id or (f"{self.id}-hint" if self.hint else "")

    @property
    def described_by(self):
        ids = [self.hint_id, f"{self.id}-comments" if self.feedback else ""]
        return " ".join(i for i in ids if i)


@dataclass
class PartView:
    part: object
    number: int
    visibility_text: str
    fields: list[Field] = field(default_factory=list)
    rows: list[tuple[str, list[tuple[str, Field]]]] = field(default_factory=list)
    items: list[tuple[object, Field, Field | None]] = field(default_factory=list)
    # Some of the trainee's answers here were written under a stricter visibility than the
    # part has now: they stay so, and the page says it (``access.written_more_privately``).
    written_more_privately: bool = False
    # Instructions of a table and question of a classification, in easy read when the group
    # prefers it and the author wrote them; the usual words are then kept beside them.
    instructions: str = ""
    usual_instructions: str = ""
    question: str = ""
    usual_question: str = ""

    @property
    def template(self):
        return f"worksheets/_part_{self.part.kind}.html"


def visibility_words(visibility):
    return {
        PRIVATE: _("Only you can see these answers."),
        TRAINER: _("Your trainer can read these answers. Other trainees cannot."),
        GROUP: _(
            "Your trainer can read these answers and may share them with the group for the "
            "talk afterwards."
        ),
    }.get(visibility, _("Your trainer can read these answers."))


def answer_file_url(file_id):
    """Where a recording or picture answer is heard or seen; empty when there is none."""
    return reverse("worksheets:answer_file", args=[file_id]) if file_id else ""


def _in_easy_read(easy, usual, easy_read):
    """``(words to show, usual words to offer beside them)``."""
    if easy_read and easy:
        return easy, usual
    return usual, ""


def _part_views(
    parts, answers, feedback, *, response, values=None, conflicts=None, easy_read=False
):
    """Parts with a ``Field`` per prompt, holding the text to show and any comments, and any
    recording or picture given. ``easy_read`` shows the easy-read wording where there is one.
    """
    values = answers if values is None else values
    conflicts = conflicts or {}
    counter = 0
    views = []
    for number, part in enumerate(parts, start=1):
        by_key = {}
        for prompt in part.prompts:
            counter += 1
            label, usual_label = _in_easy_read(prompt.easy_label, prompt.label, easy_read)
            by_key[prompt.key] = Field(
                key=prompt.key,
                id=f"answer-{counter}",
                label=label,
                usual_label=usual_label,
                hint=prompt.hint,
                value=values[prompt.key] if prompt.key in values else answers.get(prompt.key, ""),
                choices=prompt.choices,
                feedback=feedback.get(prompt.key, []),
                theirs=conflicts.get(prompt.key, {}).get("theirs"),
                formats=prompt.formats,
                # Answers, not ``values``: a file is only ever what the server holds.
                audio_url=answer_file_url(answers.get(prompt.file_key(AUDIO))),
                picture_url=answer_file_url(answers.get(prompt.file_key(PICTURE))),
            )
        view = PartView(
            part=part,
            number=number,
            visibility_text=visibility_words(part.visibility),
            fields=list(by_key.values()),
            written_more_privately=written_more_privately(response, part),
        )
        view.instructions, view.usual_instructions = _in_easy_read(
            part.easy_instructions, part.instructions, easy_read
        )
        view.question, view.usual_question = _in_easy_read(
            part.easy_question, part.question, easy_read
        )
        if part.kind == "table":
            for row_key, _label in part.rows:
                for i, (_heading, hint) in enumerate(part.columns):
                    if hint:
                        cell = by_key[part.cell(row_key, i)]
                        cell.shared_hint_id = f"part-{number}-col-{i}-hint"
            view.rows = [
                (
                    label,
                    [
                        (heading, by_key[part.cell(row_key, i)])
                        for i, (heading, _hint) in enumerate(part.columns)
                    ],
                )
                for row_key, label in part.rows
            ]
        elif part.kind == "classification":
            view.items = [
                (item, by_key[item.judgement.key], by_key[item.why.key] if item.why else None)
                for item in part.items
            ]
        views.append(view)
    return views


def _feedback_by_key(user, response, parts):
    """The trainer's comments on answers this trainee may read, grouped by answer key."""
    if response.pk is None:
        return {}
    keys = readable_keys(user, response, parts)
    grouped = {}
    for comment in AnswerFeedback.objects.filter(response=response).select_related("author"):
        if comment.key in keys:
            grouped.setdefault(comment.key, []).append(comment)
    return grouped


def _read_only_reason(enrolment, response):
    if not enrolment.can_work:
        return _(
            "You are no longer taking part in this group, so you can read your answers "
            "but not change them."
        )
    if response.status == Status.ACCEPTED:
        return _("Your trainer has accepted this worksheet. It is finished: you cannot change it.")
    if response.status == Status.SUBMITTED:
        when = response.submitted_at
        if response.on_paper:
            return _("Your trainer has your paper copy of this worksheet, so it cannot be changed.")
        if when:
            return _(
                "You handed in this worksheet on %(date)s, so you cannot change it now. If "
                "your trainer gives it back to you, you can change it again."
            ) % {"date": date_format(timezone.localtime(when), "j F Y")}
        return _("You handed in this worksheet, so you cannot change it now.")
    return ""


def answer_format_strings():
    """The words answer_formats.js shows, translated here so the script holds no English."""
    return {
        "record": _("Record"),
        "stop": _("Stop"),
        "listen": _("Listen"),
        "stop_listening": _("Stop listening"),
        "delete": _("Delete"),
        "confirm_delete": _("Delete this recording? Press Delete again to be sure."),
        "confirm_delete_picture": _("Delete this picture? Press the button again to be sure."),
        "recording": _("Recording… %(time)s. Press Stop when you have finished."),
        "sending_audio": _("Saving your recording…"),
        "sending_picture": _("Saving your picture…"),
        "saved_audio": _("Your recording is saved."),
        "saved_picture": _("Your picture is saved."),
        "deleted_audio": _("The recording is deleted from your answer."),
        "deleted_picture": _("The picture is deleted from your answer."),
        "no_microphone": _(
            "The microphone could not be used. Check that this site may use it, or write "
            "your answer instead."
        ),
        "no_recorder": _(
            "This browser cannot record sound. You can write your answer, or use another browser."
        ),
        "failed": _(
            "It could not be saved: no connection. It is still here: press Save again to retry."
        ),
        "retry": _("Save again"),
        "too_long": _("Recordings stop after %(minutes)s minutes."),
        "picture_alt": _("Your picture for this answer"),
    }


def autosave_strings():
    """The words autosave.js shows, translated here so the script holds no English."""
    return {
        "saving": _("Saving…"),
        "saved": _("Saved at %(time)s"),
        "unsaved": _("Not saved yet."),
        "offline": _(
            "Not saved yet: no connection. Your answers are kept on this device and will be "
            "sent when the connection is back."
        ),
        "logged_out": _(
            "You have been logged out. Your answers are kept on this device. Log in again in "
            "a new tab, then come back: they will be sent."
        ),
        "log_in": _("Log in again (opens a new tab)"),
        "merged": _("Updated with changes made on another device."),
        "restored": _("Answers kept on this device were put back. Sending them now…"),
        "reload": _(
            "Your answers could not be saved. They are kept on this device. Please reload the page."
        ),
        "conflict_title": _("This answer was also changed on another device"),
        "conflict_help": _("Choose which text to keep. Nothing is lost until you choose."),
        "mine": _("Your text here"),
        "theirs": _("The other version"),
        "keep_mine": _("Keep mine"),
        "keep_theirs": _("Keep the other version"),
        "keep_both": _("Keep both"),
        "wait_hand_in": _(
            "Your last changes are not saved yet. Wait until you see 'Saved', then hand it in."
        ),
        "leftover": _(
            "This device still holds text that was not sent before the worksheet was closed. "
            "Copy it if you need it:"
        ),
        "forget": _("I have copied it: remove it from this device"),
    }


def _fill_context(request, enrolment, worksheet, response, *, values=None, conflicts=None):
    parts = worksheet.layout(programme=enrolment.cohort.programme)
    answers = readable_answers(request.user, response, parts)
    editable = enrolment.can_work and response.is_editable
    save_url = reverse("worksheets:save", args=[enrolment.pk, worksheet.pk])
    easy_read = prefers_easy_read(enrolment.cohort)
    instructions, usual_instructions = _in_easy_read(
        worksheet.easy_read_instructions, worksheet.instructions, easy_read
    )
    part_views = _part_views(
        parts,
        answers,
        _feedback_by_key(request.user, response, parts),
        values=values,
        conflicts=conflicts,
        easy_read=easy_read,
        response=response,
    )
    takes_files = any(f.formats for view in part_views for f in view.fields)
    return {
        "enrolment": enrolment,
        "cohort": enrolment.cohort,
        "worksheet": worksheet,
        "response": response,
        "status_code": status_of(response if response.pk else None)[0],
        "status_label": status_of(response if response.pk else None)[1],
        "parts": part_views,
        "instructions": instructions,
        "usual_instructions": usual_instructions,
        "takes_files": takes_files,
        "files_url": reverse("worksheets:answer_files", args=[enrolment.pk, worksheet.pk]),
        # One per page load: a form post sent twice (a double tap, the back button) stores
        # its files once. The page's script makes one per recording or picture instead.
        "upload_token": uuid.uuid4().hex,
        "audio_max_bytes": audio_max_bytes(),
        "picture_max_bytes": picture_max_bytes(),
        "answer_format_strings": answer_format_strings() if takes_files else {},
        "editable": editable,
        "read_only_reason": "" if editable else _read_only_reason(enrolment, response),
        "conflicts": conflicts or {},
        "save_url": save_url,
        "submit_url": reverse("worksheets:submit", args=[enrolment.pk, worksheet.pk]),
        "pdf_url": reverse("worksheets:response_pdf", args=[enrolment.pk, worksheet.pk]),
        "scan_url": reverse("worksheets:my_scan", args=[enrolment.pk, worksheet.pk])
        if response.paper_scan
        else "",
        "login_url": resolve_url(settings.LOGIN_URL),
        "storage_key": f"worksheet-{enrolment.pk}-{worksheet.pk}",
        "form_device": f"form-{uuid.uuid4().hex[:12]}",
        "answer_max_length": ANSWER_MAX_LENGTH,
        "autosave_strings": autosave_strings(),
        "has_answers": bool(answers),
    }


@login_required
@require_GET
@allow_features(microphone=True)  # answers may be spoken (lms/security.py: off elsewhere)
def fill(request, enrolment_id, worksheet_id):
    enrolment, worksheet = _load(request.user, enrolment_id, worksheet_id)
    response = _existing_response(enrolment, worksheet)
    return render(
        request, "worksheets/fill.html", _fill_context(request, enrolment, worksheet, response)
    )


# --- saving ---------------------------------------------------------------------------------------


def _wants_json(request):
    return request.content_type == "application/json"


def _json_error(message, status, **extra):
    return JsonResponse({"error": message, **extra}, status=status)


def _load_for_script(user, enrolment_id, worksheet_id):
    """``_load`` for the page's scripts: ``(enrolment, worksheet, None)``, or
    ``(None, None, a JSON reply)`` saying why not, which the script shows as it is."""
    try:
        enrolment, worksheet = _load(user, enrolment_id, worksheet_id)
    except Http404:
        return None, None, _json_error(_("This worksheet could not be found."), 404)
    except PermissionDenied:
        return None, None, _json_error(_("You cannot change this worksheet."), 403)
    return enrolment, worksheet, None


def _first_message(error):
    return " ".join(error.messages) if error.messages else str(error)


def _csrf_failure(request):
    """The CSRF middleware's own check, run by hand (see ``save``)."""
    return CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {})


@csrf_exempt
@require_POST
@allow_features(microphone=True)
def save(request, enrolment_id, worksheet_id):
    """Save answers: JSON from autosave.js, or a plain form post when JavaScript is off.

    A visitor who is not logged in is answered before the CSRF check: their session (and
    perhaps their CSRF cookie) is gone, and the page must learn that it should ask them to
    log in again rather than get a bare 403. Nothing is changed for them, so nothing needs
    the token; for everyone else the usual check runs first.
    """
    if not request.user.is_authenticated:
        if _wants_json(request):
            # Not a redirect: the page keeps the trainee's text and asks them to log in again.
            return _json_error("login", 401, login_url=resolve_url(settings.LOGIN_URL))
        return redirect_to_login(reverse("worksheets:fill", args=[enrolment_id, worksheet_id]))
    refused = _csrf_failure(request)
    if refused is not None:
        return refused
    if not _wants_json(request):
        return _save_form(request, enrolment_id, worksheet_id)
    enrolment, worksheet, refused = _load_for_script(request.user, enrolment_id, worksheet_id)
    if refused is not None:
        return refused
    try:
        payload = json.loads(request.body or b"{}")
        changes = payload.get("changes")
        base_version = int(payload.get("base_version"))
        device = str(payload.get("device") or "")
        # The visibility the page showed each part, as "part id:visibility" (optional).
        shown = payload.get("shown")
    except (ValueError, TypeError, AttributeError):
        return _json_error(_("The answers could not be read. Please reload the page."), 400)
    try:
        result = services.response_save(
            user=request.user,
            enrolment=enrolment,
            worksheet=worksheet,
            changes=changes,
            base_version=base_version,
            device=device,
            shown=shown,
        )
        if result.conflicts:
            return _conflict_reply(
                request, enrolment, worksheet, result, changes, base_version, device, shown
            )
    except ValidationError as error:
        return _json_error(_first_message(error), 400)
    except PermissionDenied:
        return _json_error(_("You cannot change this worksheet any more."), 403)
    response = result.response
    return JsonResponse(
        {
            "saved": result.saved,
            "version": response.version,
            "saved_at": timezone.localtime(response.updated_at).isoformat(),
            "merged": result.merged,
        }
    )


def _conflict_reply(request, enrolment, worksheet, result, changes, base_version, device, shown):
    """409 with both texts of each answer changed on two devices.

    The other answers of the same save are not held back: they are saved now, so only the
    disputed ones wait for the trainee's choice. The reply's version is then the base for
    resending the chosen texts, and ``merged`` brings this device up to date.
    """
    conflicts = result.conflicts
    rest = {key: text for key, text in changes.items() if key not in conflicts}
    again = services.response_save(
        user=request.user,
        enrolment=enrolment,
        worksheet=worksheet,
        changes=rest,
        base_version=base_version,
        device=device,
        shown=shown,
    )
    if again.conflicts:
        # A third device saved in between: report everything still disputed.
        conflicts = {**conflicts, **again.conflicts}
    merged = {key: text for key, text in again.merged.items() if key not in conflicts}
    return JsonResponse(
        {
            "conflicts": conflicts,
            "version": again.response.version,
            "saved": again.saved,
            "merged": merged,
        },
        status=409,
    )


def _posted_answers(request, parts):
    """The answers a plain form post carries, by prompt key, with browser line ends undone."""
    keys = [prompt.key for part in parts for prompt in part.prompts]
    return {key: request.POST[key].replace("\r\n", "\n") for key in keys if key in request.POST}


def _base_answers(response, base_version):
    """The answers as they were when the page was loaded, to tell what the trainee changed."""
    if response.pk is None:
        return {}
    if base_version == response.version:
        return dict(response.answers or {})
    version = ResponseVersion.objects.filter(response=response, number=base_version).first()
    return dict(version.answers) if version else {}


def _save_posted(request, enrolment, worksheet):
    """Save what a plain form post changed. Returns ``(result, posted, error)``."""
    parts = worksheet.layout(programme=enrolment.cohort.programme)
    posted = _posted_answers(request, parts)
    try:
        base_version = int(request.POST.get("base_version", ""))
    except ValueError:
        return None, posted, _("The page is out of date. Please reload it.")
    response = _existing_response(enrolment, worksheet)
    base = _base_answers(response, base_version)
    # Only what differs from the loaded page counts as typed here: untouched boxes must not
    # overwrite what another device saved in the meantime.
    changes = {key: text for key, text in posted.items() if text != base.get(key, "")}
    # Each page load has its own device id, so two browsers without JavaScript are still
    # told apart when their saves cross.
    device = (request.POST.get("device") or "form")[:64]
    try:
        result = services.response_save(
            user=request.user,
            enrolment=enrolment,
            worksheet=worksheet,
            changes=changes,
            base_version=base_version,
            device=device,
            # "<part id>:<visibility>" for each part, as the page showed it.
            shown=request.POST.getlist("shown"),
        )
    except ValidationError as error:
        return None, changes, _first_message(error)
    return result, changes, None


def _render_again(request, enrolment, worksheet, typed, *, error=None, conflicts=None):
    """The fill page again after a refused save: what the trainee typed stays in its boxes,
    and every other box shows the saved text, so saving again cannot put back old text
    over what another device saved meanwhile."""
    response = _existing_response(enrolment, worksheet)
    values = {**(response.answers or {}), **typed}
    context = _fill_context(
        request, enrolment, worksheet, response, values=values, conflicts=conflicts
    )
    context["form_error"] = error
    return render(request, "worksheets/fill.html", context, status=409 if conflicts else 400)


def _save_form(request, enrolment_id, worksheet_id):
    enrolment, worksheet = _load(request.user, enrolment_id, worksheet_id)
    result, posted, error = _save_posted(request, enrolment, worksheet)
    if error:
        return _render_again(request, enrolment, worksheet, posted, error=error)
    if result.conflicts:
        return _render_again(request, enrolment, worksheet, posted, conflicts=result.conflicts)
    messages.success(request, _("Your answers are saved."))
    return redirect("worksheets:fill", enrolment.pk, worksheet.pk)


# --- handing in -----------------------------------------------------------------------------------


@login_required
@require_POST
def submit(request, enrolment_id, worksheet_id):
    """Hand the worksheet in. Without JavaScript the button posts the whole form, so any
    text typed since the last save is saved first."""
    enrolment, worksheet = _load(request.user, enrolment_id, worksheet_id)
    fill_url = reverse("worksheets:fill", args=[enrolment.pk, worksheet.pk])
    response = _existing_response(enrolment, worksheet)
    if "base_version" in request.POST and response.is_editable and enrolment.can_work:
        result, posted, error = _save_posted(request, enrolment, worksheet)
        if error:
            return _render_again(request, enrolment, worksheet, posted, error=error)
        if result.conflicts:
            return _render_again(request, enrolment, worksheet, posted, conflicts=result.conflicts)
        if request.FILES:
            # A picture chosen without JavaScript comes with the hand-in: kept first too.
            from .answer_files import save_posted_files

            try:
                save_posted_files(request, enrolment, worksheet)
            except ValidationError as error:
                return _render_again(request, enrolment, worksheet, {}, error=_first_message(error))
        response = _existing_response(enrolment, worksheet)
    if response.pk is None or not any((response.answers or {}).values()):
        if response.is_editable:
            messages.error(request, _("Write at least one answer before you hand it in."))
            return redirect(fill_url)
    try:
        services.response_submit(user=request.user, response=response)
    except ValidationError as error:
        messages.error(request, _first_message(error))
        return redirect(fill_url)
    messages.success(
        request,
        _("Thank you. You have handed in “%(title)s”. Your trainer will look at it.")
        % {"title": worksheet.title},
    )
    return redirect(fill_url)


# --- the photo or scan of the paper copy ---------------------------------------------------------


@login_required
@require_GET
def my_scan(request, enrolment_id, worksheet_id):
    """The photo or scan the trainer took of this trainee's paper copy: it is theirs."""
    from .review import scan_download

    enrolment, worksheet = _load(request.user, enrolment_id, worksheet_id)
    # An unsaved response has no scan: 404.
    return scan_download(request, _existing_response(enrolment, worksheet))


# --- PDFs -----------------------------------------------------------------------------------------


def _pdf_reply(result, filename):
    """Wrap what the PDF module returns (bytes, a buffer or a ready response)."""
    if isinstance(result, HttpResponse):
        return result
    data = result.getvalue() if hasattr(result, "getvalue") else result
    reply = HttpResponse(data, content_type="application/pdf")
    reply["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A trainee's own answers: never kept by a shared cache or the browser's back button.
    reply["Cache-Control"] = "private, no-store"
    return reply


@login_required
@require_GET
def response_pdf(request, enrolment_id, worksheet_id):
    from .. import pdf

    enrolment, worksheet = _load(request.user, enrolment_id, worksheet_id)
    response = _existing_response(enrolment, worksheet)
    parts = worksheet.layout(programme=enrolment.cohort.programme)
    answers = readable_answers(request.user, response, parts)
    comments = {
        key: [comment.text for comment in found]
        for key, found in _feedback_by_key(request.user, response, parts).items()
    }
    result = pdf.render_response_pdf(
        response, parts, answers, comments=comments, pictures=pdf.answer_pictures([answers])
    )
    return _pdf_reply(result, f"{slugify(worksheet.title) or 'worksheet'}.pdf")


@login_required
@require_GET
def portfolio_pdf(request):
    """All the worksheets this trainee has written in, with their answers, in one PDF."""
    from .. import pdf

    enrolments = list(
        Enrolment.objects.filter(trainee=request.user)
        .select_related("cohort__programme")
        .order_by("cohort__starts_on", "cohort__name")
    )
    responses = {
        (r.enrolment_id, r.worksheet_id): r
        for r in WorksheetResponse.objects.filter(enrolment__in=enrolments).select_related(
            "enrolment__cohort__programme", "enrolment__trainee", "worksheet"
        )
    }
    items = []
    for enrolment in enrolments:
        programme = enrolment.cohort.programme
        values = programme_values(programme)  # once per programme, not per worksheet
        for _session, worksheet in programme_worksheets(programme):
            response = responses.get((enrolment.pk, worksheet.pk))
            if response is None or response.enrolment.trainee_id != request.user.pk:
                continue
            parts = worksheet.layout(programme=programme, values=values)
            answers = readable_answers(request.user, response, parts)
            if answers or response.status != Status.DRAFT:
                items.append((response, parts, answers))
    pictures = pdf.answer_pictures([answers for _response, _parts, answers in items])
    return _pdf_reply(
        pdf.render_portfolio_pdf(items, trainee=request.user, pictures=pictures),
        "my-worksheets.pdf",
    )
