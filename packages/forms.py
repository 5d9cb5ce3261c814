"""The forms of the import screens: the upload, and the choice made on the preview."""

from django import forms
from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from curriculum.models import CurriculumIndexPage

from .access import can_import


def _mb(value):
    return f"{value / (1024 * 1024):.0f}"


class LibraryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title} ({obj.locale.get_display_name()})"


class PackageUploadForm(forms.Form):
    package = forms.FileField(
        label=_("Curriculum package"),
        validators=[FileExtensionValidator(["zip"])],
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
    parent = LibraryChoiceField(
        label=_("Put the programme in"),
        queryset=CurriculumIndexPage.objects.none(),
        empty_label=None,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        limit = settings.CURRICULUM_PACKAGE_MAX_UPLOAD_BYTES
        self.fields["package"].help_text = _(
            "The .zip file exported from a programme, on this site or another one. At most "
            "%(limit)s MB."
        ) % {"limit": _mb(limit)}
        libraries = CurriculumIndexPage.objects.order_by("path").select_related("locale")
        self.allowed = [page for page in libraries if can_import(user, page)]
        self.fields["parent"].queryset = libraries.filter(pk__in=[p.pk for p in self.allowed])
        if len(self.allowed) <= 1:
            # Nothing to choose: the one library the person may add to.
            self.fields["parent"].widget = forms.HiddenInput()
            self.fields["parent"].required = False

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if parent is None and len(self.allowed) == 1:
            parent = self.allowed[0]
        if parent is None:
            raise forms.ValidationError(
                _("You may not add programmes to any curriculum library."), code="permission"
            )
        return parent

    def clean_package(self):
        upload = self.cleaned_data["package"]
        limit = settings.CURRICULUM_PACKAGE_MAX_UPLOAD_BYTES
        # Refused before a single byte is read.
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is too big. A package may be at most %(limit)s MB."),
                params={"limit": _mb(limit)},
                code="too_big",
            )
        return upload


class ImportChoiceForm(forms.Form):
    publish = forms.TypedChoiceField(
        label=_("After the import"),
        choices=[
            ("", _("Keep everything as drafts: I will check and publish it myself")),
            ("1", _("Publish what was published in the package")),
        ],
        coerce=bool,
        empty_value=False,
        required=False,
        widget=forms.RadioSelect,
        initial="",
    )
