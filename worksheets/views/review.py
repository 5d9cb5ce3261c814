"""The trainer's side of online worksheets: who handed what in, reading and answering a
response, the group's classification answers for the debrief, and paper copies.

Every view first checks that the person trains the cohort in the address (403 otherwise),
then looks the response, worksheet or trainee up *within* that cohort (404 otherwise), so
an identifier from another cohort never opens anything. Editors, managers and superusers
are not trainers of a cohort and read nothing here. Which answers a trainer sees is decided
by ``worksheets.access`` alone: private parts stay with their author.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from training.models import Cohort, Enrolment

from ..access import (
    SHARED,
    answers_for_summary,
    may_read_scan,
    readable_answers,
    readable_keys,
    withheld_keys,
)
from ..blocks import AUDIO, PICTURE, PRIVATE
from ..forms import AnswerCommentForm, PaperRecordForm, ReviewForm
from ..models import AnswerFeedback, WorksheetResponse
from ..selectors import is_cohort_trainer, programme_worksheets
from ..services import answer_feedback_add, response_record_paper, response_review
from ..summaries import classification_summary
from .trainee import answer_file_url

Status = WorksheetResponse.Status

# Trainees the trainer follows: everyone who may work on worksheets (invited trainees can
# already hand them in) and those who completed. People who left are not listed.
FOLLOWED_ENROLMENTS = (
    Enrolment.Status.INVITED,
    Enrolment.Status.ACTIVE,
    Enrolment.Status.COMPLETED,
)
# A draft belongs to the trainee until they hand it in; trainers open the rest.
HANDED_IN = (Status.SUBMITTED, Status.RETURNED, Status.ACCEPTED)

STATUS_LABELS = {
    None: gettext_lazy("Not started"),
    Status.DRAFT: gettext_lazy("Draft"),
    Status.SUBMITTED: gettext_lazy("Handed in"),
    Status.RETURNED: gettext_lazy("Returned"),
    Status.ACCEPTED: gettext_lazy("Accepted"),
}

SCAN_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}


def trainee_name(user):
    return user.get_full_name() or user.username


def _cohort_for_trainer(user, cohort_id):
    cohort = get_object_or_404(
        Cohort.objects.select_related("programme", "organisation"), pk=cohort_id
    )
    if not is_cohort_trainer(user, cohort):
        raise PermissionDenied
    return cohort


def _worksheet_in_cohort(cohort, worksheet_id):
    """``(session, worksheet)`` when the cohort's programme uses the worksheet, else 404."""
    for session, worksheet in programme_worksheets(cohort.programme):
        if worksheet.pk == worksheet_id:
            return session, worksheet
    raise Http404


def _has_shared_classification(worksheet):
    # Read from the stored definition: resolving the blocks would query case scenarios.
    return any(
        item.get("type") == "classification"
        and (item.get("value") or {}).get("visibility") in SHARED
        for item in worksheet.parts.raw_data
    )


def _has_classification(worksheet):
    return any(item.get("type") == "classification" for item in worksheet.parts.raw_data)


# --- the grid ------------------------------------------------------------------------------


@dataclass
class Column:
    session: object
    worksheet: object
    summary_url: str
    blank_url: str


@dataclass
class Cell:
    column: Column
    response: WorksheetResponse | None
    label: str
    review_url: str
    paper_url: str


@dataclass
class Row:
    enrolment: Enrolment
    name: str
    cells: list[Cell] = field(default_factory=list)


@login_required
@require_safe
def grid(request, cohort_id):
    cohort = _cohort_for_trainer(request.user, cohort_id)
    programme = cohort.programme
    enrolments = list(
        cohort.enrolments.filter(status__in=FOLLOWED_ENROLMENTS).select_related("trainee")
    )
    columns = [
        Column(
            session=session,
            worksheet=worksheet,
            summary_url=reverse("worksheets:summary", args=[cohort.pk, worksheet.pk])
            if _has_shared_classification(worksheet)
            else "",
            blank_url=f"{reverse('worksheets:blank_pdf', args=[worksheet.pk])}"
            f"?programme={programme.pk}",
        )
        for session, worksheet in programme_worksheets(programme)
    ]
    # One query for the whole cohort; answers stay in the database, the grid needs none.
    responses = {
        (response.enrolment_id, response.worksheet_id): response
        for response in WorksheetResponse.objects.filter(enrolment__cohort=cohort).only(
            "id", "enrolment_id", "worksheet_id", "status", "on_paper", "paper_scan"
        )
    }
    rows = []
    for enrolment in enrolments:
        row = Row(enrolment=enrolment, name=trainee_name(enrolment.trainee))
        for column in columns:
            response = responses.get((enrolment.pk, column.worksheet.pk))
            status = response.status if response else None
            row.cells.append(
                Cell(
                    column=column,
                    response=response,
                    label=STATUS_LABELS.get(status, status),
                    review_url=reverse("worksheets:review", args=[cohort.pk, response.pk])
                    if status in HANDED_IN
                    else "",
                    paper_url=reverse(
                        "worksheets:paper", args=[cohort.pk, column.worksheet.pk, enrolment.pk]
                    ),
                )
            )
        rows.append(row)
    return render(
        request,
        "worksheets/grid.html",
        {"cohort": cohort, "columns": columns, "rows": rows},
    )


# --- one response --------------------------------------------------------------------------


@dataclass
class ShownAnswer:
    """One prompt of the worksheet with what the trainer may see of its answer."""

    label: str
    prompt: object
    text: str = ""
    comments: list = field(default_factory=list)
    comment_form: AnswerCommentForm | None = None  # bound, when its comment failed
    level: int = 3  # of the label's heading, so headings never skip a level
    kind: str = "answer"
    # A recording or picture given with (or instead of) the text.
    audio_url: str = ""
    picture_url: str = ""
    # Written when the part was more private than it is now: it stays private, and the
    # page says so instead of showing it or offering a comment on it.
    withheld: bool = False

    @property
    def anchor(self):
        return f"answer-{self.prompt.key}"


@dataclass
class Heading:
    text: str
    level: int = 3
    kind: str = "heading"


@dataclass
class Paragraph:
    text: str
    css: str = ""
    kind: str = "paragraph"


@dataclass
class AnswerKey:
    """The answer key of a classification item beside the trainee's judgement."""

    item: object
    judgement: str
    kind: str = "key"

    @property
    def agrees(self):
        """Whether the trainee's judgement matches the key; None when either is missing."""
        if not self.item.answer or not self.judgement:
            return None
        return self.judgement == self.item.answer


@dataclass
class ShownPart:
    part: object
    shared: bool
    title: str = ""
    # What the page shows of the part, in order: headings, texts, answers and answer keys.
    blocks: list = field(default_factory=list)


def _shown_parts(parts, keys, answers, comments, failed_form, withheld=frozenset()):
    def shown(prompt, label, level):
        # Only answers the access rules returned are ever put in the page.
        answer = ShownAnswer(
            label=label,
            level=level,
            prompt=prompt,
            text=answers.get(prompt.key, ""),
            comments=comments.get(prompt.key, []),
            # Only the answers the access rules returned: a private part's files are not there.
            audio_url=answer_file_url(answers.get(prompt.file_key(AUDIO))),
            picture_url=answer_file_url(answers.get(prompt.file_key(PICTURE))),
            withheld=prompt.key in withheld,
        )
        if failed_form is not None and failed_form.data.get("key") == prompt.key:
            answer.comment_form = failed_form
        return answer

    result = []
    for part in parts:
        if part.prompts:
            shared = any(prompt.key in keys for prompt in part.prompts)
        else:
            shared = not part.is_private  # nothing is asked, so nothing to hide or show
        entry = ShownPart(part=part, shared=shared)
        blocks = entry.blocks
        if part.kind == "reflection" and part.prompts:
            entry.title = part.prompts[0].label
        elif part.kind == "classification":
            entry.title = part.question
        elif part.kind == "case_questions" and part.scenario is not None:
            entry.title = str(part.scenario)
        result.append(entry)
        if not shared:
            continue
        # Parts without a title of their own start at the level a title would have had.
        level = 3 if entry.title else 2
        if part.kind == "table":
            if part.instructions:
                blocks.append(Paragraph(part.instructions))
            prompts = {prompt.key: prompt for prompt in part.prompts}
            for row_key, row_label in part.rows:
                blocks.append(Heading(row_label, level))
                for index, (heading, _hint) in enumerate(part.columns):
                    blocks.append(shown(prompts[part.cell(row_key, index)], heading, level + 1))
        elif part.kind == "classification":
            for item in part.items:
                blocks.append(Heading(item.situation, level))
                if item.description:
                    blocks.append(Paragraph(item.description))
                if item.persons_involved:
                    blocks.append(
                        Paragraph(
                            _("Who is involved: %(who)s") % {"who": item.persons_involved},
                            css="meta",
                        )
                    )
                judgement = shown(item.judgement, _("Trainee's choice"), level + 1)
                blocks.append(judgement)
                if item.answer or item.trainer_note:
                    blocks.append(AnswerKey(item=item, judgement=judgement.text))
                if item.why:
                    blocks.append(shown(item.why, _("Why"), level + 1))
        elif part.kind == "reflection":
            blocks.extend(shown(prompt, "", level) for prompt in part.prompts)
        else:
            blocks.extend(shown(prompt, prompt.label, level) for prompt in part.prompts)
    return result


def _can_decide(response):
    # The same rule as services.response_review, to offer only what it will accept.
    return response.status in (Status.SUBMITTED, Status.ACCEPTED) or response.on_paper


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review(request, cohort_id, response_id):
    cohort = _cohort_for_trainer(request.user, cohort_id)
    response = get_object_or_404(
        WorksheetResponse.objects.select_related("worksheet", "enrolment__trainee", "reviewed_by"),
        pk=response_id,
        enrolment__cohort=cohort,
        enrolment__status__in=FOLLOWED_ENROLMENTS,
        status__in=HANDED_IN,
    )
    # The access rules and services read the cohort through the enrolment: reuse ours.
    response.enrolment.cohort = cohort
    worksheet = response.worksheet
    parts = worksheet.layout(programme=cohort.programme, for_trainer=True)
    url = reverse("worksheets:review", args=[cohort.pk, response.pk])
    review_form = ReviewForm(initial={"feedback": response.feedback})
    failed_comment = None

    if request.method == "POST":
        action = request.POST.get("action")
        if action == "comment":
            form = AnswerCommentForm(request.POST)
            if form.is_valid():
                try:
                    answer_feedback_add(
                        trainer=request.user,
                        response=response,
                        key=form.cleaned_data["key"],
                        text=form.cleaned_data["text"],
                        parts=parts,
                    )
                except ValidationError as error:
                    form.add_error("text", error)
                else:
                    messages.success(request, _("Your comment is saved."))
                    return redirect(f"{url}#answer-{form.cleaned_data['key']}")
            failed_comment = form
        elif action == "review":
            review_form = ReviewForm(request.POST)
            if review_form.is_valid():
                decision = review_form.cleaned_data["decision"]
                try:
                    response_review(
                        trainer=request.user,
                        response=response,
                        decision=decision,
                        feedback=review_form.cleaned_data["feedback"],
                    )
                except ValidationError as error:
                    review_form.add_error(None, error)
                else:
                    name = trainee_name(response.enrolment.trainee)
                    if decision == Status.ACCEPTED:
                        text = _("%(name)s's worksheet is accepted.")
                    else:
                        text = _("%(name)s's worksheet is returned for changes.")
                    messages.success(request, text % {"name": name})
                    return redirect("worksheets:grid", cohort_id=cohort.pk)
        else:
            return HttpResponseBadRequest()

    keys = readable_keys(request.user, response, parts)
    answers = readable_answers(request.user, response, parts, keys=keys)
    comments = {}
    for comment in AnswerFeedback.objects.filter(response=response, key__in=keys).select_related(
        "author"
    ):
        comments.setdefault(comment.key, []).append(comment)
    shown = _shown_parts(
        parts,
        keys,
        answers,
        comments,
        failed_comment,
        withheld=withheld_keys(parts, keys),
    )
    return render(
        request,
        "worksheets/review.html",
        {
            "cohort": cohort,
            "response": response,
            "worksheet": worksheet,
            "trainee_name": trainee_name(response.enrolment.trainee),
            "status_label": STATUS_LABELS.get(response.status, response.status),
            "parts": shown,
            "any_shared": bool(keys),
            "review_form": review_form,
            "can_decide": _can_decide(response),
            "scan_url": reverse("worksheets:scan", args=[cohort.pk, response.pk])
            if response.paper_scan
            else "",
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_safe
def scan(request, cohort_id, response_id):
    cohort = _cohort_for_trainer(request.user, cohort_id)
    response = get_object_or_404(
        WorksheetResponse.objects.select_related("worksheet", "enrolment"),
        pk=response_id,
        enrolment__cohort=cohort,
        enrolment__status__in=FOLLOWED_ENROLMENTS,
    )
    response.enrolment.cohort = cohort
    return scan_download(request, response)


def scan_download(request, response):
    """The photo or scan of ``response``'s paper copy, to whoever ``may_read_scan`` lets
    in (403 otherwise): always a download, typed by what it was checked to be, never kept
    by a cache."""
    if not response.paper_scan:
        raise Http404
    if not may_read_scan(request.user, response):
        raise PermissionDenied
    try:
        handle = response.paper_scan.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    extension = response.paper_scan.name.rsplit(".", 1)[-1].lower()
    # No trainee name in the file name: downloads end up in shared folders.
    filename = f"{slugify(response.worksheet.title) or 'worksheet'}-scan.{extension}"
    result = FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type=SCAN_TYPES.get(extension, "application/octet-stream"),
    )
    result["X-Content-Type-Options"] = "nosniff"
    result["Content-Security-Policy"] = "default-src 'none'; sandbox"
    result["Cache-Control"] = "private, no-store"
    return result


# --- the group's answers for the debrief -----------------------------------------------------


@login_required
@require_safe
def summary(request, cohort_id, worksheet_id):
    cohort = _cohort_for_trainer(request.user, cohort_id)
    session, worksheet = _worksheet_in_cohort(cohort, worksheet_id)
    if not _has_classification(worksheet):
        raise Http404
    parts = worksheet.layout(programme=cohort.programme, for_trainer=True)
    # Only the answers and their record leave the database: no names, nobody to point at.
    responses = WorksheetResponse.objects.filter(
        enrolment__cohort=cohort,
        enrolment__status__in=FOLLOWED_ENROLMENTS,
        worksheet=worksheet,
        status__in=HANDED_IN,
    ).only("id", "answers", "written_under")
    # What the trainer may read of each, as on the review page: an answer written in
    # private is not counted, even in a part that is shared now.
    answers = answers_for_summary(request.user, cohort, responses, parts)
    return render(
        request,
        "worksheets/summary.html",
        {
            "cohort": cohort,
            "session": session,
            "worksheet": worksheet,
            "summaries": classification_summary(parts, answers),
        },
    )


# --- paper copies --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def paper(request, cohort_id, worksheet_id, enrolment_id):
    cohort = _cohort_for_trainer(request.user, cohort_id)
    session, worksheet = _worksheet_in_cohort(cohort, worksheet_id)
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("trainee"),
        pk=enrolment_id,
        cohort=cohort,
        status__in=FOLLOWED_ENROLMENTS,
    )
    enrolment.cohort = cohort
    existing = (
        WorksheetResponse.objects.filter(enrolment=enrolment, worksheet=worksheet)
        .only("id", "status", "on_paper", "paper_scan")
        .first()
    )
    name = trainee_name(enrolment.trainee)
    if request.method == "POST":
        form = PaperRecordForm(request.POST, request.FILES)
        if form.is_valid():
            previous_scan = existing.paper_scan.name if existing and existing.paper_scan else ""
            recorded = response_record_paper(
                trainer=request.user,
                enrolment=enrolment,
                worksheet=worksheet,
                scan=form.cleaned_data["scan"],
            )
            if previous_scan and recorded.paper_scan.name != previous_scan:
                # A replaced photo is personal data nobody can reach any more: remove it.
                recorded.paper_scan.storage.delete(previous_scan)
            messages.success(
                request,
                _("Recorded: %(name)s completed '%(worksheet)s' on paper.")
                % {"name": name, "worksheet": worksheet.title},
            )
            return redirect("worksheets:grid", cohort_id=cohort.pk)
        messages.error(request, _("Nothing was saved. Please look at the message below."))
    else:
        form = PaperRecordForm()
    return render(
        request,
        "worksheets/paper.html",
        {
            "cohort": cohort,
            "session": session,
            "worksheet": worksheet,
            "trainee_name": name,
            "existing": existing,
            "status_label": STATUS_LABELS.get(existing.status if existing else None),
            "form": form,
            # The blank copy tells trainees their private parts stay with them.
            "has_private_parts": any(
                (item.get("value") or {}).get("visibility") == PRIVATE
                for item in worksheet.parts.raw_data
            ),
        },
        status=400 if request.method == "POST" else 200,
    )
