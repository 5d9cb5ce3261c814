"""Spreadsheets in and out of a cohort: import trainees with a preview, export the
enrolments, the register and completion.

The import is two steps. The upload runs a dry run and shows every row with what will
happen. When every row is fine, the file waits in private storage (``training.import_uploads``:
not the system's temporary folder, removed as soon as the preview is left) and the session
remembers its SHA-256 for this user and cohort. "Confirm import" posts that hash back: the
file is read again, its hash must still match, and the real import re-checks every row and
saves all of them or none. An old, missing or altered upload is refused with a plain message.

Every view fetches the cohort through ``cohort_for_staff`` (403 for people who do not run
it); the rules live in ``training.imports`` and ``training.exports``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import override as language_override
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import exports, import_uploads, imports
from ..access import cohort_for_staff
from ..models import Enrolment

FORMATS = ("csv", "xlsx")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Your spreadsheet (CSV or Excel .xlsx, up to 2 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )


# --- pages -------------------------------------------------------------------------------------


def _page_context(cohort, **extra):
    enrolments = list(
        Enrolment.objects.filter(cohort=cohort).select_related(
            "trainee", "trainee__trainee_profile"
        )
    )
    places_taken = sum(1 for e in enrolments if e.status != Enrolment.Status.WITHDRAWN)
    return {
        "cohort": cohort,
        "enrolments": enrolments,
        "places_taken": places_taken,
        "exports": [
            ("enrolments", _("Trainees and enrolments")),
            ("register", _("Register")),
            ("completion", _("Completion")),
        ],
        "max_rows": f"{imports.MAX_ROWS:,}",
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def import_trainees(request, cohort_id):
    cohort = cohort_for_staff(request, cohort_id)
    form = UploadForm()
    file_errors = []
    # Back on this page, a previewed file is not going to be confirmed: it goes now.
    import_uploads.forget(request, cohort)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > imports.MAX_UPLOAD_BYTES:
                # Refused before reading it into memory.
                file_errors.append(
                    _(
                        "This file is larger than 2 MB. Split it into smaller files and import "
                        "each one."
                    )
                )
            else:
                data = upload.read()
                report = imports.import_trainees(
                    cohort, data, upload.name, request.user, dry_run=True
                )
                if report.file_errors:
                    file_errors = report.file_errors
                else:
                    # Kept only if it can be confirmed: a refused file is fixed and sent again.
                    token = (
                        import_uploads.keep(request, cohort, data, upload.name)
                        if report.ok
                        else None
                    )
                    return render(
                        request,
                        "training/exchange/preview.html",
                        _page_context(cohort, report=report, token=token, form=UploadForm()),
                    )
    return render(
        request,
        "training/exchange/import.html",
        _page_context(cohort, form=form, file_errors=file_errors),
        status=400 if file_errors else 200,
    )


@login_required
@require_POST
def import_confirm(request, cohort_id):
    cohort = cohort_for_staff(request, cohort_id)
    kept = import_uploads.read(request, cohort, request.POST.get("token"))
    if kept is None:
        import_uploads.forget(request, cohort)
        messages.error(
            request,
            _(
                "This upload has expired or could not be found, so nothing was imported. "
                "Please upload your file again."
            ),
        )
        return redirect("training:import_trainees", cohort_id=cohort.pk)
    data, filename = kept
    report = imports.import_trainees(cohort, data, filename, request.user, dry_run=False)
    import_uploads.forget(request, cohort)
    if report.imported:
        counts = report.counts
        messages.success(
            request,
            _(
                "Import done: %(new)s new trainees, %(update)s updated, %(unchanged)s already "
                "up to date."
            )
            % counts,
        )
        return redirect("training:import_trainees", cohort_id=cohort.pk)
    messages.error(
        request, _("Nothing was imported. Fix these rows in your file and upload it again.")
    )
    return render(
        request,
        "training/exchange/preview.html",
        _page_context(cohort, report=report, token=None, form=UploadForm()),
        status=400,
    )


@login_required
@require_POST
def import_discard(request, cohort_id):
    """The preview page was left without confirming (the page sends this as it goes): the
    kept file is removed. "Cancel" leads back to the import page, which removes it too."""
    cohort = cohort_for_staff(request, cohort_id)
    import_uploads.forget(request, cohort)
    return HttpResponse(status=204)


def _download(data, fmt, filename):
    response = HttpResponse(data, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def import_template(request, cohort_id, fmt):
    cohort = cohort_for_staff(request, cohort_id)
    if fmt not in FORMATS:
        raise Http404
    # Column names in the group's language; the import understands all four anyway.
    with language_override(cohort.language):
        dataset = exports.template_dataset()
    data = exports.render(dataset, fmt, title=_("Trainees"))
    return _download(data, fmt, f"trainees-template.{fmt}")


@login_required
@require_GET
def export(request, cohort_id, what, fmt):
    cohort = cohort_for_staff(request, cohort_id)
    if what not in exports.EXPORTS or fmt not in FORMATS:
        raise Http404
    dataset = exports.EXPORTS[what](cohort)
    data = exports.render(dataset, fmt, title=what)
    name = slugify(cohort.name) or f"cohort-{cohort.pk}"
    return _download(data, fmt, f"{name}-{what}.{fmt}")


urlpatterns = [
    path("cohorts/<int:cohort_id>/import/", import_trainees, name="import_trainees"),
    path("cohorts/<int:cohort_id>/import/confirm/", import_confirm, name="import_confirm"),
    path("cohorts/<int:cohort_id>/import/discard/", import_discard, name="import_discard"),
    path(
        "cohorts/<int:cohort_id>/import/template.<str:fmt>",
        import_template,
        name="import_template",
    ),
    path("cohorts/<int:cohort_id>/export/<str:what>.<str:fmt>", export, name="export"),
]
