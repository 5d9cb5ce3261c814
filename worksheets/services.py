"""Operations on worksheet responses: save (with versions and conflict handling), give or
remove a recording or picture, submit, return, accept and record a paper copy. Views call
these; they hold the rules."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .answer_files import CheckedFile
from .blocks import STRICTEST_FIRST
from .layout import ANSWER_MAX_LENGTH, file_key
from .models import AnswerFeedback, AnswerFile, ResponseVersion, WorksheetResponse
from .selectors import is_cohort_trainer, worksheet_in_programme


@dataclass
class SaveResult:
    response: WorksheetResponse
    saved: bool
    # Keys another tab or device changed since this one loaded; their text is now merged in.
    merged: dict[str, str] = field(default_factory=dict)
    # Keys both sides changed differently: {key: {"mine": ..., "theirs": ...}}. Nothing saved.
    conflicts: dict[str, dict[str, str]] = field(default_factory=dict)


def clean_changes(parts, changes):
    """Check submitted answers against the worksheet's prompts. Returns cleaned text per key
    or raises ValidationError with a message a trainee can act on."""
    if not isinstance(changes, dict):
        raise ValidationError(_("The answers could not be read. Please reload the page."))
    prompts = {prompt.key: prompt for part in parts for prompt in part.prompts}
    cleaned = {}
    for key, text in changes.items():
        prompt = prompts.get(key)
        if prompt is None:
            raise ValidationError(
                _("This worksheet has changed since you opened it. Copy your text, then reload.")
            )
        if not isinstance(text, str):
            raise ValidationError(_("The answers could not be read. Please reload the page."))
        if len(text) > ANSWER_MAX_LENGTH:
            raise ValidationError(
                _("An answer is longer than %(max)s characters. Please shorten it.")
                % {"max": ANSWER_MAX_LENGTH}
            )
        if prompt.choices and text and text not in prompt.choices:
            raise ValidationError(_("Please pick one of the choices given."))
        cleaned[key] = text
    return cleaned


def response_for(*, enrolment, worksheet):
    """The trainee's response, created empty on first use."""
    response, _created = WorksheetResponse.objects.get_or_create(
        enrolment=enrolment, worksheet=worksheet
    )
    return response


def check_trainee_may_work(*, user, enrolment, worksheet):
    if enrolment.trainee_id != user.pk:
        raise PermissionDenied
    if not enrolment.can_work:
        raise PermissionDenied
    if not worksheet_in_programme(enrolment.cohort.programme, worksheet):
        raise PermissionDenied


def clean_shown(shown):
    """``{part id: visibility}`` from what a page sent as the visibility it showed each part
    (see ``WorksheetResponse.record_written_under``): a mapping, or a list of
    ``"<part id>:<visibility>"`` as a form posts them. Anything else is left out: it can
    only ever make a record stricter, so nothing needs refusing."""
    if isinstance(shown, dict):
        pairs = shown.items()
    elif isinstance(shown, list | tuple):
        pairs = [str(item).rpartition(":")[::2] for item in shown]
    else:
        return {}
    return {
        str(part_id): visibility
        for part_id, visibility in pairs
        if part_id and visibility in STRICTEST_FIRST
    }


def response_save(*, user, enrolment, worksheet, changes, base_version, device="", shown=None):
    """Apply ``changes`` (answers typed since ``base_version`` was loaded) to the response.

    If another tab or device saved in between, the changes still apply when they touch other
    answers: the result lists what came from elsewhere so the page can show it. When both
    changed the same answer differently, nothing is saved and the conflicts are returned
    for the trainee to choose: keep mine, keep theirs, or keep both. ``shown``: the
    visibility the page showed each part (``clean_shown``), recorded with the answers.
    """
    check_trainee_may_work(user=user, enrolment=enrolment, worksheet=worksheet)
    parts = worksheet.layout(programme=enrolment.cohort.programme)
    changes = clean_changes(parts, changes)
    with transaction.atomic():
        response = response_for(enrolment=enrolment, worksheet=worksheet)
        response = WorksheetResponse.objects.select_for_update().get(pk=response.pk)
        if not response.is_editable:
            raise ValidationError(
                _("This worksheet has been handed in, so it cannot be changed now.")
            )
        current = dict(response.answers or {})
        if base_version > response.version or base_version < 0:
            raise ValidationError(_("The page is out of date. Please reload it."))
        changed_elsewhere = _changed_by_others(response, base_version, device)
        conflicts = {
            key: {"mine": text, "theirs": current.get(key, "")}
            for key, text in changes.items()
            if key in changed_elsewhere and text != current.get(key, "")
        }
        if conflicts:
            return SaveResult(response=response, saved=False, conflicts=conflicts)
        merged = {key: current.get(key, "") for key in changed_elsewhere if key not in changes}
        if not changes:
            return SaveResult(response=response, saved=False, merged=merged)
        current.update(changes)
        _new_version(
            response,
            current,
            user=user,
            device=device,
            written=changes,
            worksheet=worksheet,
            shown=shown,
        )
    return SaveResult(response=response, saved=True, merged=merged)


def _new_version(response, answers, *, user, device, written, worksheet, shown=None):
    """Store ``answers`` as the response's next version, noting that the answers under the
    keys ``written`` were written now, under the visibility their parts have now or the
    stricter one the page showed (``shown``, as posted: see ``clean_shown`` and
    ``WorksheetResponse.written_under``). Call with the response locked."""
    response.worksheet = worksheet  # already loaded: recording reads its definition
    response.answers = answers
    response.version += 1
    response.record_written_under(written, shown=clean_shown(shown))
    response.save(update_fields=["answers", "written_under", "version", "updated_at"])
    ResponseVersion.objects.create(
        response=response,
        number=response.version,
        answers=answers,
        saved_by=user,
        device=device[:64],
    )


def _changed_by_others(response, base_version, device):
    """Answer keys that other tabs or devices changed after ``base_version``.

    Saves from the same device are left out: when a reply was lost on a weak connection,
    the page sends its newer text again from the older version, and that must not look
    like a conflict with the trainee's own earlier save.
    """
    if base_version == response.version:
        return set()
    versions = list(
        response.versions.filter(number__gte=base_version)
        .order_by("number")
        .only("number", "answers", "device")
    )
    previous = {}
    if versions and versions[0].number == base_version:
        previous = versions.pop(0).answers
    changed = set()
    for version in versions:
        if not device or version.device != device:
            changed |= {
                key
                for key in set(previous) | set(version.answers)
                if previous.get(key, "") != version.answers.get(key, "")
            }
        previous = version.answers
    return changed


@dataclass
class FileResult:
    response: WorksheetResponse
    answer_file: AnswerFile | None
    # False when nothing changed: the same upload came twice, or there was nothing to remove.
    saved: bool


def _prompt_taking(parts, key, kind):
    """The prompt ``key`` when it takes answers of ``kind``; a message to reload otherwise
    (the editor changed the worksheet since the page was opened)."""
    prompt = next((p for part in parts for p in part.prompts if p.key == key), None)
    if prompt is None or kind not in prompt.formats:
        raise ValidationError(
            _("This worksheet has changed since you opened it. Please reload the page.")
        )
    return prompt


def _locked_editable_response(enrolment, worksheet):
    response = response_for(enrolment=enrolment, worksheet=worksheet)
    response = WorksheetResponse.objects.select_for_update().get(pk=response.pk)
    if not response.is_editable:
        raise ValidationError(_("This worksheet has been handed in, so it cannot be changed now."))
    return response


def answer_file_save(
    *,
    user,
    enrolment,
    worksheet,
    key: str,
    kind: str,
    checked: CheckedFile,
    token: str = "",
    device: str = "",
    shown=None,
) -> FileResult:
    """Make a recording or picture (already checked, see ``answer_files.check_upload``) the
    answer of prompt ``key``, in a new version of the response.

    The file it replaces is not deleted: the earlier version still points at it, as it
    would at earlier text. A ``token`` (one per upload, chosen by the page) makes a repeated
    request harmless: the second one finds the first one's file and changes nothing.
    Unlike typed text there is no conflict check: a file is replaced whole, never merged,
    and the one replaced stays in the history.
    """
    check_trainee_may_work(user=user, enrolment=enrolment, worksheet=worksheet)
    _prompt_taking(worksheet.layout(programme=enrolment.cohort.programme), key, kind)
    token = (token or "")[:200]
    try:
        return _store_answer_file(
            user, enrolment, worksheet, key, kind, checked, token, device, shown
        )
    except IntegrityError:
        # The same upload, stored by a request that ran alongside this one.
        earlier = AnswerFile.objects.filter(response__enrolment=enrolment, token=token).first()
        if not token or earlier is None:
            raise
        return FileResult(response=earlier.response, answer_file=earlier, saved=False)


def _store_answer_file(user, enrolment, worksheet, key, kind, checked, token, device, shown):
    with transaction.atomic():
        response = _locked_editable_response(enrolment, worksheet)
        if token:
            earlier = AnswerFile.objects.filter(response=response, token=token).first()
            if earlier is not None:
                return FileResult(response=response, answer_file=earlier, saved=False)
        answer_file = AnswerFile(
            response=response,
            key=key,
            kind=kind,
            content_type=checked.content_type,
            size=checked.size,
            token=token,
            uploaded_by=user,
        )
        answer_file.file.save(checked.content.name, checked.content, save=False)
        try:
            answer_file.save()
            answers = dict(response.answers or {})
            answers[file_key(key, kind)] = str(answer_file.pk)
            _new_version(
                response,
                answers,
                user=user,
                device=device,
                written=[file_key(key, kind)],
                worksheet=worksheet,
                shown=shown,
            )
        except Exception:
            # The rows are rolled back; the stored file would be left with nothing pointing at it.
            answer_file.file.delete(save=False)
            raise
    return FileResult(response=response, answer_file=answer_file, saved=True)


def answer_file_remove(
    *, user, enrolment, worksheet, key: str, kind: str, device: str = "", shown=None
):
    """Take the recording or picture out of the answer to ``key``, in a new version. The file
    itself stays with the earlier versions, like deleted text does."""
    check_trainee_may_work(user=user, enrolment=enrolment, worksheet=worksheet)
    parts = worksheet.layout(programme=enrolment.cohort.programme)
    if not any(prompt.key == key for part in parts for prompt in part.prompts):
        raise ValidationError(
            _("This worksheet has changed since you opened it. Please reload the page.")
        )
    with transaction.atomic():
        response = _locked_editable_response(enrolment, worksheet)
        answers = dict(response.answers or {})
        if not answers.get(file_key(key, kind)):
            return FileResult(response=response, answer_file=None, saved=False)
        answers[file_key(key, kind)] = ""
        _new_version(
            response,
            answers,
            user=user,
            device=device,
            written=[file_key(key, kind)],
            worksheet=worksheet,
            shown=shown,
        )
    return FileResult(response=response, answer_file=None, saved=True)


def response_submit(*, user, response):
    """Hand the worksheet in: it becomes read-only until the trainer returns it."""
    check_trainee_may_work(user=user, enrolment=response.enrolment, worksheet=response.worksheet)
    with transaction.atomic():
        response = WorksheetResponse.objects.select_for_update().get(pk=response.pk)
        if not response.is_editable:
            raise ValidationError(_("You have already handed in this worksheet."))
        response.status = WorksheetResponse.Status.SUBMITTED
        response.submitted_at = timezone.now()
        response.save(update_fields=["status", "submitted_at", "updated_at"])
    return response


def _check_trainer(user, response):
    if not is_cohort_trainer(user, response.enrolment.cohort):
        raise PermissionDenied


def response_review(*, trainer, response, decision, feedback=""):
    """Return a handed-in worksheet for changes, or accept it, with written feedback."""
    _check_trainer(trainer, response)
    Status = WorksheetResponse.Status
    if decision not in (Status.RETURNED, Status.ACCEPTED):
        raise ValidationError(_("Choose to return or to accept the worksheet."))
    with transaction.atomic():
        response = WorksheetResponse.objects.select_for_update().get(pk=response.pk)
        if response.status not in (Status.SUBMITTED, Status.ACCEPTED) and not response.on_paper:
            raise ValidationError(_("Only a handed-in worksheet can be returned or accepted."))
        response.status = decision
        response.feedback = feedback.strip()
        response.reviewed_at = timezone.now()
        response.reviewed_by = trainer
        response.save(
            update_fields=["status", "feedback", "reviewed_at", "reviewed_by", "updated_at"]
        )
    return response


def answer_feedback_add(*, trainer, response, key, text, parts):
    """A comment on one answer. Only answers the trainer may read can be commented on."""
    from .access import readable_keys

    _check_trainer(trainer, response)
    if key not in readable_keys(trainer, response, parts):
        raise PermissionDenied
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write a comment first."))
    return AnswerFeedback.objects.create(response=response, key=key, text=text, author=trainer)


def response_record_paper(*, trainer, enrolment, worksheet, scan=None):
    """Record that a trainee completed the worksheet on paper, with an optional photo or
    scan. The paper copy counts as handed in; online answers, if any, are kept."""
    _check_trainer(trainer, WorksheetResponse(enrolment=enrolment, worksheet=worksheet))
    if not worksheet_in_programme(enrolment.cohort.programme, worksheet):
        raise PermissionDenied
    with transaction.atomic():
        response = response_for(enrolment=enrolment, worksheet=worksheet)
        response = WorksheetResponse.objects.select_for_update().get(pk=response.pk)
        response.on_paper = True
        if scan is not None:
            response.paper_scan = scan
        if response.status in WorksheetResponse.EDITABLE:
            response.status = WorksheetResponse.Status.SUBMITTED
            response.submitted_at = timezone.now()
        response.save()
    return response
