"""Admin screens: "Export as package" (a download), and "Import a package" in two steps: upload,
then a preview of what will be created and matched, confirmed with one button.

Between the two steps the upload waits in private storage under a random name that only the
uploader's session knows; it is removed after the import, on "Cancel", and after a day.
"""

import re
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView, View
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from curriculum.models import CurriculumIndexPage, ProgrammePage

from .access import can_export, can_import, is_editor
from .exporting import ExportError, programme_export
from .format import PackageError, read_upload
from .forms import ImportChoiceForm, PackageUploadForm
from .importing import package_check, package_import

SESSION_KEY = "curriculum_packages"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
KEEP_SECONDS = 24 * 60 * 60


def incoming_dir():
    return Path(settings.PRIVATE_MEDIA_ROOT) / "packages" / "incoming"


def _forget_old_uploads():
    folder = incoming_dir()
    if not folder.exists():
        return
    now = time.time()
    for path in folder.glob("*.zip"):
        try:
            if now - path.stat().st_mtime > KEEP_SECONDS:
                path.unlink()
        except OSError:
            pass


def _breadcrumbs(*items):
    return [{"url": reverse("wagtailadmin_home"), "label": _("Home")}, *items]


class EditorOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not is_editor(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ExportView(EditorOnlyMixin, View):
    http_method_names = ["get"]

    def get(self, request, page_id):
        programme = get_object_or_404(ProgrammePage, pk=page_id)
        if not can_export(request.user, programme):
            raise PermissionDenied
        try:
            result = programme_export(programme=programme, user=request.user)
        except ExportError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(reverse("wagtailadmin_pages:edit", args=[programme.pk]))
        response = HttpResponse(result.data, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
        return response


class UploadView(EditorOnlyMixin, WagtailAdminTemplateMixin, FormView):
    template_name = "packages/upload.html"
    form_class = PackageUploadForm
    page_title = gettext_lazy("Import a package")
    header_icon = "upload"

    def get_breadcrumbs_items(self):
        return _breadcrumbs({"url": "", "label": _("Import a package")})

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_initial(self):
        initial = super().get_initial()
        into = self.request.GET.get("into", "")
        if into.isdigit():
            initial["parent"] = into
        return initial

    def form_invalid(self, form):
        if "parent" in form.errors and "package" not in form.errors:
            form.add_error(None, form.errors.pop("parent"))
        return super().form_invalid(form)

    def form_valid(self, form):
        upload, parent = form.cleaned_data["package"], form.cleaned_data["parent"]
        try:
            data = read_upload(upload)
            package_check(source=data, parent=parent, user=self.request.user)
        except PackageError as error:
            form.add_error("package", str(error))
            return self.form_invalid(form)
        _forget_old_uploads()
        token = secrets.token_urlsafe(24)
        folder = incoming_dir()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{token}.zip").write_bytes(data)
        waiting = dict(self.request.session.get(SESSION_KEY, {}))
        waiting[token] = {"parent": parent.pk, "name": upload.name[:200]}
        self.request.session[SESSION_KEY] = waiting
        return HttpResponseRedirect(reverse("packages:preview", args=[token]))


class PreviewView(EditorOnlyMixin, WagtailAdminTemplateMixin, FormView):
    """What the package will create and match; "Import" does it, "Cancel" forgets it."""

    template_name = "packages/preview.html"
    form_class = ImportChoiceForm
    page_title = gettext_lazy("Import a package")
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        if not is_editor(request.user):
            raise PermissionDenied
        token = kwargs["token"]
        waiting = request.session.get(SESSION_KEY, {})
        # Only the session that uploaded a package can see or import it.
        if not TOKEN.match(token) or token not in waiting:
            raise Http404
        self.token, self.upload = token, waiting[token]
        self.path = incoming_dir() / f"{token}.zip"
        if not self.path.exists():
            self._forget()
            messages.error(request, _("That upload has expired. Upload the package again."))
            return HttpResponseRedirect(reverse("packages:upload"))
        self.parent = CurriculumIndexPage.objects.filter(pk=self.upload["parent"]).first()
        if self.parent is None or not can_import(request.user, self.parent):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return _breadcrumbs(
            {"url": reverse("packages:upload"), "label": _("Import a package")},
            {"url": "", "label": _("Check and confirm")},
        )

    def get_page_subtitle(self):
        return self.upload.get("name", "")

    def _forget(self):
        self.path.unlink(missing_ok=True)
        waiting = dict(self.request.session.get(SESSION_KEY, {}))
        waiting.pop(self.token, None)
        self.request.session[SESSION_KEY] = waiting

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan, error = None, None
        try:
            _package, plan = package_check(
                source=self.path.read_bytes(), parent=self.parent, user=self.request.user
            )
        except PackageError as problem:
            error = str(problem)
        context.update(plan=plan, error=error, parent=self.parent, token=self.token)
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "cancel":
            self._forget()
            messages.success(request, _("The package was not imported."))
            return HttpResponseRedirect(reverse("packages:upload"))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        publish = form.cleaned_data["publish"]
        try:
            result = package_import(
                source=self.path.read_bytes(),
                parent=self.parent,
                user=self.request.user,
                publish=publish,
            )
        except PackageError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        self._forget()
        programme = result.programme
        count = len(result.plan.sessions)
        text = (
            ngettext(
                "“%(title)s” is imported with %(count)s session plan. It is published.",
                "“%(title)s” is imported with %(count)s session plans. They are published.",
                count,
            )
            if publish
            else ngettext(
                "“%(title)s” is imported with %(count)s session plan, as drafts. Check "
                "them, then publish the programme and its session plan.",
                "“%(title)s” is imported with %(count)s session plans, as drafts. Check "
                "them, then publish the programme and its session plans.",
                count,
            )
        )
        messages.success(
            self.request,
            text % {"title": programme.title, "count": count},
            buttons=[
                messages.button(
                    reverse("wagtailadmin_pages:edit", args=[programme.pk]), _("Edit the programme")
                )
            ],
        )
        return HttpResponseRedirect(reverse("wagtailadmin_explore", args=[programme.pk]))
