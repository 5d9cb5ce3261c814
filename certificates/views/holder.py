"""The holder's own certificates: "My certificates", the PDF download, and the holder's
choice to show their name on the public verification page.

A holder always sees and may download every certificate issued to them, also one that was
revoked or replaced: it is theirs, and the page says plainly that it no longer counts. The
PDF served is the stored file, byte for byte, so its SHA-256 still matches the one the
verification page checks.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.db.models.fields.json import KT
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from .. import issuing
from ..access import certificate_for
from ..models import Certificate, CertificateEvent

Kind = CertificateEvent.Kind


def badge_url(code):
    """The Open Badge download for this code, or None while badges are not available."""
    try:
        return reverse("certificates:badge", args=[code])
    except NoReverseMatch:
        return None


def holder_certificates(user):
    """The person's certificates, newest first, in one query. The programme and
    organisation are read from the snapshot (what the certificate states), without loading
    the rest of it or the PDF."""
    return (
        Certificate.objects.filter(holder=user)
        .defer("snapshot")
        .annotate(
            programme_name=KT("snapshot__programme__title"),
            organisation_name=KT("snapshot__organisation__name"),
            replaced_by_code=F("superseded_by__code"),
        )
        .order_by("-issued_at", "-pk")
    )


def trainee_home_context(user):
    """The trainee home page's "My certificates" box: certificates that still count, and
    revoked ones (a replaced certificate is left out: its newer one is listed)."""
    certificates = list(holder_certificates(user).exclude(status=Certificate.Status.SUPERSEDED))
    return {"my_certificates": certificates}


@login_required
@require_safe
def mine(request):
    certificates = list(holder_certificates(request.user))
    for certificate in certificates:
        certificate.verify_link = issuing.verify_url(certificate.code)
        # A badge of a withdrawn or replaced certificate would only ever say so.
        certificate.badge_link = (
            badge_url(certificate.code) if certificate.status == Certificate.Status.VALID else None
        )
    return render(request, "certificates/holder/mine.html", {"certificates": certificates})


@login_required
@require_safe
def pdf(request, code):
    """The stored PDF, for the holder and for the staff who may read the register."""
    certificate = certificate_for(request, code)
    content = bytes(Certificate.objects.values_list("pdf", flat=True).get(pk=certificate.pk))
    if request.method == "GET":  # a HEAD request (a link checker) downloads nothing
        issuing.record(certificate, Kind.PDF_DOWNLOADED, request.user)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=certificate.filename
    )
    # Personal data: no shared cache or browser history should keep a copy.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def name_choice(request, code):
    """The holder says whether people who check this certificate may see their name.
    The form sends the wanted state, not "flip it", so a double tap changes nothing."""
    certificate = certificate_for(request, code)
    if certificate.holder_id != request.user.pk:
        raise PermissionDenied
    show = request.POST.get("show") == "1"
    if certificate.name_public != show:
        Certificate.objects.filter(pk=certificate.pk).update(name_public=show)
        issuing.record(certificate, Kind.NAME_SHOWN if show else Kind.NAME_HIDDEN, request.user)
    if show:
        messages.success(request, _("People who check this certificate will see your name."))
    else:
        messages.success(request, _("People who check this certificate will not see your name."))
    return redirect(reverse("certificates:mine") + f"#certificate-{certificate.code}")


urlpatterns = [
    path("certificates/mine/", mine, name="mine"),
    path("certificates/<str:code>/pdf/", pdf, name="pdf"),
    path("certificates/<str:code>/name/", name_choice, name="name_choice"),
]
