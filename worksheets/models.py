"""Worksheets handed to trainees during a session."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.search import index

from .answer_files import answer_file_path, answer_storage
from .blocks import ANSWER_FORMAT_CHOICES, PRIVATE, WorksheetPartsBlock, stricter
from .layout import part_id_of, visibility_by_part


class Worksheet(index.Indexed, models.Model):
    """A worksheet as the trainer hands it out: a title, where it comes from and what the
    trainee is asked to do. Session plan activities point at it."""

    title = models.CharField(_("title"), max_length=200)
    reference = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("Where the printed version lives, such as a manual, unit and number."),
    )
    instructions = models.TextField(
        _("instructions"), help_text=_("What the trainee is asked to do, in plain words.")
    )
    easy_read_instructions = models.TextField(
        _("instructions in easy read"),
        blank=True,
        help_text=_(
            "Optional. Short sentences and everyday words, one idea per sentence. Shown "
            "instead of the instructions to groups whose adaptation profile asks for easy read."
        ),
    )
    parts = StreamField(
        WorksheetPartsBlock(),
        blank=True,
        verbose_name=_("parts"),
        help_text=_("Tables, reflections, classification exercises and case questions."),
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("reference"),
        FieldPanel("instructions"),
        FieldPanel("easy_read_instructions"),
        FieldPanel("parts"),
    ]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        ordering = ["title"]
        verbose_name = _("worksheet")
        verbose_name_plural = _("worksheets")

    def __str__(self):
        return self.title

    def layout(self, *, programme=None, for_trainer=False, values=None):
        """The parts and prompts of this worksheet as used in ``programme``."""
        from .layout import worksheet_layout

        return worksheet_layout(self, programme=programme, for_trainer=for_trainer, values=values)

    def clean(self):
        """Refuse to share a part in which trainees have written in private: they wrote
        believing only they would read it.

        This is the editor's message, not the guarantee: the guarantee is that each answer
        carries the visibility it was written under (``WorksheetResponse.written_under``)
        and ``worksheets.access`` never reads it more openly, whatever this definition says.
        The check reads those records rather than the stored definition, so that deleting a
        private part, saving, then adding it back as shared (same block id) is refused too.
        """
        super().clean()
        if not self.pk:
            return
        stored = Worksheet.objects.filter(pk=self.pk).first()
        before = visibility_by_part(stored) if stored is not None else {}
        # Parts this edit shares: private before, or not there before (added back). A part
        # that was shared already is left alone, so the editor can still change the rest.
        opened = {
            part_id
            for part_id, visibility in visibility_by_part(self).items()
            if visibility != PRIVATE and before.get(part_id, PRIVATE) == PRIVATE
        }
        if not opened:
            return
        for answers, record in self.responses.values_list("answers", "written_under"):
            record = record or {}
            if any(
                text and part_id_of(key) in opened and record.get(key, PRIVATE) == PRIVATE
                for key, text in (answers or {}).items()
            ):
                raise ValidationError(
                    _(
                        "A private part cannot be shared now: trainees have already answered "
                        "it in private. Add a new part for answers you want to read instead."
                    )
                )


def paper_scan_path(instance, filename):
    # Scans of completed worksheets are personal data: a random name, no trainee name in it.
    # They share the private storage of recordings and pictures (``answer_storage``), in a
    # folder of their own.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"paper/{uuid.uuid4().hex}.{extension}"


class WorksheetResponse(models.Model):
    """One trainee's answers to one worksheet, within their cohort.

    Answers are a mapping from prompt key (see ``worksheets.layout``) to text. ``version``
    goes up by one at every save and each save is kept as a ``ResponseVersion``, so a
    trainee's words are never lost and two tabs cannot silently overwrite each other.

    ``written_under`` maps each answer key to the visibility its part had when the answer was
    written (private, trainer or group), the most private one if it was written more than
    once. It is the response's own record of what the trainee was promised, so that an
    answer written in private stays private whatever later happens to the worksheet's
    definition: ``worksheets.access`` reads every answer under the stricter of this record
    and the part's visibility now. It only ever tightens. It lives on the response rather
    than on each ``ResponseVersion`` because it covers every version at once: the strictest
    visibility any of the key's texts was written under.

    A photo or scan of the paper copy (``paper_scan``) is kept in the same private storage
    as recordings and pictures and served only through ``worksheets.access.may_read_scan``.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for changes")
        ACCEPTED = "accepted", _("Accepted")

    EDITABLE = (Status.DRAFT, Status.RETURNED)

    worksheet = models.ForeignKey(Worksheet, on_delete=models.PROTECT, related_name="responses")
    enrolment = models.ForeignKey(
        "training.Enrolment", on_delete=models.CASCADE, related_name="worksheet_responses"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    written_under = models.JSONField(
        _("visibility each answer was written under"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("For each answer, who could read it when the trainee wrote it."),
    )
    version = models.PositiveIntegerField(default=0)
    feedback = models.TextField(_("feedback from the trainer"), blank=True)
    on_paper = models.BooleanField(_("completed on paper"), default=False)
    paper_scan = models.FileField(
        _("photo or scan"),
        storage=answer_storage,
        upload_to=paper_scan_path,
        blank=True,
        max_length=200,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "worksheet"], name="one_response_per_worksheet"
            )
        ]
        verbose_name = _("worksheet response")

    def __str__(self):
        return f"{self.worksheet} – {self.enrolment.trainee}"

    def save(self, *args, **kwargs):
        """Every answer written carries a record of what it was written under, whichever
        way it is written: the services record each write themselves (``_new_version``, which
        names ``written_under`` among the fields it saves, so it is not worked out twice),
        and this catches any other path (the demo, a data fix in a shell, a test) for the
        answers whose text this save changes, or all of them for a new response. Answers
        that reach the table past ``save()`` (a bulk update) get no record and are read as
        private (``worksheets.access``)."""
        update_fields = kwargs.get("update_fields")
        writes_answers = "answers" not in self.get_deferred_fields() and (
            update_fields is None or "answers" in update_fields
        )
        recorded_by_caller = update_fields is not None and "written_under" in update_fields
        if writes_answers and not recorded_by_caller:
            before = getattr(self, "_answers_as_stored", None)
            answers = self.answers or {}
            written = [
                key for key, text in answers.items() if before is None or before.get(key) != text
            ]
            if self.record_written_under(written) and update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "written_under"}
        super().save(*args, **kwargs)
        if writes_answers:
            self._answers_as_stored = dict(self.answers or {})

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # What the answers were when loaded, to tell which ones a save writes anew.
        if "answers" in field_names:
            instance._answers_as_stored = dict(instance.answers or {})
        return instance

    @property
    def is_editable(self):
        return self.status in self.EDITABLE

    def record_written_under(self, keys, *, shown=None):
        """Note that the answers under ``keys`` were written now, under the visibility their
        parts have in the worksheet's definition, keeping whatever stricter visibility was
        recorded before. An answer whose part is not in the definition is recorded as
        private: nobody can say what its author was promised.

        ``shown`` (``{part id: visibility}``) is what the trainee's page said when they
        wrote, sent back with the answers: the definition may have changed since the page
        was loaded, and the trainee wrote under what they read. It can only make a record
        stricter, never looser, so a page cannot open anything by sending it.

        Returns whether the record changed; the caller saves it."""
        keys = list(keys)
        if not keys:
            return False
        visibilities = visibility_by_part(self.worksheet)
        shown = shown or {}
        record = dict(self.written_under or {})
        for key in keys:
            part_id = part_id_of(key)
            written_now = visibilities.get(part_id) or PRIVATE
            record[key] = stricter(record.get(key), written_now, shown.get(part_id))
        changed = record != (self.written_under or {})
        self.written_under = record
        return changed


class ResponseVersion(models.Model):
    """A saved state of a response: every autosave adds one, nothing is overwritten."""

    response = models.ForeignKey(
        WorksheetResponse, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    answers = models.JSONField(default=dict)
    saved_at = models.DateTimeField(auto_now_add=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    device = models.CharField(
        max_length=64, blank=True, help_text=_("Which browser tab or device saved it.")
    )

    class Meta:
        ordering = ["response", "number"]
        constraints = [
            models.UniqueConstraint(fields=["response", "number"], name="unique_version_number")
        ]

    def __str__(self):
        return f"{self.response} v{self.number}"


class AnswerFeedback(models.Model):
    """A trainer's comment on one answer of a response."""

    response = models.ForeignKey(
        WorksheetResponse, on_delete=models.CASCADE, related_name="answer_feedback"
    )
    key = models.CharField(max_length=120)
    text = models.TextField(_("comment"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.key}: {self.text[:40]}"


class AnswerFile(models.Model):
    """A recording or a picture a trainee gave as an answer, beside or instead of writing.

    The response's answers point at it by id under ``layout.file_key(key, kind)``, so which
    file is the answer is versioned with the text: a new recording becomes the answer only
    once it is stored, and the one it replaces is kept with the earlier versions. Files live
    in private storage (``answer_files.answer_storage``) and are only ever served by a view
    that applies ``worksheets.access``, never from a public media address.
    """

    response = models.ForeignKey(WorksheetResponse, on_delete=models.CASCADE, related_name="files")
    key = models.CharField(max_length=120, help_text=_("The prompt this file answers."))
    kind = models.CharField(_("kind"), max_length=12, choices=ANSWER_FORMAT_CHOICES)
    file = models.FileField(storage=answer_storage, upload_to=answer_file_path, max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    # Sent by the page with each upload, so that the same upload arriving twice (a double
    # tap, a retry after a lost reply) is stored once.
    token = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["response", "uploaded_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "token"],
                condition=~models.Q(token=""),
                name="one_answer_file_per_upload",
            )
        ]
        verbose_name = _("recording or picture")
        verbose_name_plural = _("recordings and pictures")

    def __str__(self):
        return f"{self.response} {self.key} ({self.kind})"


@receiver(post_delete, sender=AnswerFile)
def _delete_stored_answer_file(sender, instance, **kwargs):
    """A recording or picture whose row is gone (its response or enrolment was deleted) is
    personal data nobody can reach any more: remove it from storage once that is final."""
    if instance.file:
        storage, name = instance.file.storage, instance.file.name
        transaction.on_commit(lambda: storage.delete(name))


@receiver(post_delete, sender=WorksheetResponse)
def _delete_stored_paper_scan(sender, instance, **kwargs):
    """A photo or scan whose response is gone is personal data nobody can reach any more."""
    if instance.paper_scan:
        storage, name = instance.paper_scan.storage, instance.paper_scan.name
        transaction.on_commit(lambda: storage.delete(name))
