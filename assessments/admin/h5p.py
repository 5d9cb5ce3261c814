"""H5P activities in the Wagtail admin, as snippets so session plan activities can choose
them.

Uploading runs the package checks of ``assessments.h5p_package`` in the form, so a refused
package shows its message on the file field and nothing is saved. Editing changes the title
and pass mark; choosing a new file replaces the package, checked again the same way.
"""

from django import forms
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views.snippets import SnippetViewSet

from ..h5p_package import PackageRefused, inspect_package, install_package
from ..models import H5PActivity


class H5PActivityForm(WagtailAdminModelForm):
    class Meta:
        model = H5PActivity
        fields = ["title", "package", "pass_percent"]
        # A plain file input: the stored package is private and has no address to link to.
        widgets = {"package": forms.FileInput(attrs={"accept": ".h5p"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.inspection = None
        # Left empty, the title comes from the package.
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Leave empty to use the title inside the package.")
        self.fields["package"].help_text = _(
            "An .h5p file exported with its content types included. It is checked before "
            "it is saved."
        )

    def clean_package(self):
        upload = self.cleaned_data.get("package")
        if (
            upload
            and upload is not getattr(self.instance, "package", None)
            and hasattr(upload, "read")
            and not getattr(upload, "_committed", False)
        ):
            try:
                self.inspection = inspect_package(upload)
            except PackageRefused as refused:
                raise forms.ValidationError(refused.messages, code=refused.code) from None
        return upload

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("title") and self.inspection is None and not self.instance.title:
            self.add_error("title", _("Give the activity a title."))
        return cleaned

    def save(self, commit=True):
        activity = super().save(commit=False)
        if self.inspection is None:
            if commit:
                activity.save()
            return activity
        with transaction.atomic():
            install_package(
                activity,
                inspection=self.inspection,
                user=self.for_user,
                title=self.cleaned_data.get("title") or None,
            )
        return activity


def preview_link(activity):
    url = reverse("assessments:h5p_preview", args=[activity.pk])
    return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, _("Try it"))


class H5PActivityViewSet(SnippetViewSet):
    model = H5PActivity
    edit_handler = ObjectList(
        [FieldPanel("title"), FieldPanel("package"), FieldPanel("pass_percent")],
        base_form_class=H5PActivityForm,
    )
    icon = "media"
    menu_label = _("H5P activities")
    menu_order = 230
    add_to_admin_menu = True
    list_display = [
        "title",
        "main_library",
        Column("pass_percent", label=_("Pass mark (%)")),
        "uploaded_at",
        Column("preview", label=_("Preview"), accessor=preview_link),
    ]
    search_fields = ["title"]


snippet_viewsets = [H5PActivityViewSet]
viewsets = []
