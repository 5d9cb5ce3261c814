"""Forms of the trainer's review: comments on answers, the decision, paper copies."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image

from .models import WorksheetResponse
from .paper_scans import check_scan, refused

DEFAULT_SCAN_MAX_BYTES = 10 * 1024 * 1024
# What a phone photo or a scanner produces; nothing a browser would run.
SCAN_FORMATS = {"JPEG": "jpg", "PNG": "png"}
SCAN_ACCEPT = "image/jpeg,image/png,application/pdf"


def scan_max_bytes():
    return getattr(settings, "WORKSHEET_SCAN_MAX_BYTES", DEFAULT_SCAN_MAX_BYTES)


def scan_extension(upload):
    """``"pdf"``, ``"jpg"`` or ``"png"`` when the file really is one, judged by its content
    and never by its name; ``None`` otherwise."""
    try:
        upload.seek(0)
        if upload.read(5) == b"%PDF-":
            return "pdf"
        upload.seek(0)
        with Image.open(upload) as image:
            extension = SCAN_FORMATS.get(image.format)
            image.verify()
        return extension
    except Exception:
        # Pillow raises many kinds of errors on files that are not images; all mean "no".
        return None
    finally:
        upload.seek(0)


class AnswerCommentForm(forms.Form):
    key = forms.CharField(max_length=120, widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Your comment on this answer"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write a comment first.")},
    )


class ReviewForm(forms.Form):
    DECISIONS = [
        (WorksheetResponse.Status.RETURNED, _("Return for changes")),
        (WorksheetResponse.Status.ACCEPTED, _("Accept")),
    ]

    feedback = forms.CharField(
        label=_("Feedback for the trainee"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The trainee reads this with their worksheet. Use plain, kind words."),
    )
    decision = forms.ChoiceField(
        choices=DECISIONS,
        error_messages={
            "required": _("Choose to return or to accept the worksheet."),
            "invalid_choice": _("Choose to return or to accept the worksheet."),
        },
    )

    def clean(self):
        cleaned = super().clean()
        returning = cleaned.get("decision") == WorksheetResponse.Status.RETURNED
        if returning and not (cleaned.get("feedback") or "").strip():
            # A worksheet sent back without a word leaves the trainee guessing.
            self.add_error("feedback", _("Say what to change, so the trainee knows what to do."))
        return cleaned


class PaperRecordForm(forms.Form):
    scan = forms.FileField(
        label=_("Photo or scan (optional)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": SCAN_ACCEPT}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scan"].help_text = _("A photo (JPEG or PNG) or a PDF, up to %(size)s.") % {
            "size": filesizeformat(scan_max_bytes())
        }

    def clean_scan(self):
        upload = self.cleaned_data.get("scan")
        if not upload:
            return None
        limit = scan_max_bytes()
        if upload.size > limit:
            raise ValidationError(
                _("This file is too big (%(size)s). Send one of up to %(max)s.")
                % {"size": filesizeformat(upload.size), "max": filesizeformat(limit)},
                code="too_big",
            )
        extension = scan_extension(upload)
        if extension is None:
            raise refused()
        # Kept cleaned of its metadata (``paper_scans``), under a name that matches what the
        # file is, whatever it was called.
        return check_scan(upload, extension).content
