"""The register of issued certificates, for certifying officers and programme managers (their
organisations' certificates) and superusers, with filters and a CSV/XLSX export.

The page and the export read the same filtered queryset, so the file holds what the page
showed, every page of it. Both take a fixed number of queries whatever the number of
certificates.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from lms.roles import Role, has_role

from ..exports import CONTENT_TYPES, credits_summary, register_file
from ..filters import RegisterFilter, register_queryset

PER_PAGE = 50


def may_read_register(user):
    return user.is_superuser or has_role(user, Role.CERTIFYING_OFFICER, Role.PROGRAMME_MANAGER)


def _filtered(request):
    """The register's filter, bound to the query string, for someone allowed to read it."""
    if not may_read_register(request.user):
        raise PermissionDenied
    return RegisterFilter(request.GET, queryset=register_queryset(request.user), request=request)


@login_required
@require_safe
def register(request):
    filterset = _filtered(request)
    # A choice this person may not make (another organisation's cohort) shows the error and
    # no rows, rather than quietly ignoring the choice and listing everything.
    rows = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    for certificate in page:
        certificate.credits_text = credits_summary(certificate.credit_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "certificates/register/register.html",
        {
            "filter": filterset,
            "page": page,
            "query_string": query.urlencode(),
            "formats": [("csv", "CSV"), ("xlsx", "XLSX")],
        },
    )


@login_required
@require_safe
def export(request, fmt):
    if fmt not in CONTENT_TYPES:
        raise Http404
    filterset = _filtered(request)
    if not filterset.is_valid():
        return HttpResponseBadRequest(_("Some of the choices are not valid. Go back and fix them."))
    content = register_file(filterset.qs, fmt)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    filename = f"certificates-{timezone.localdate().isoformat()}.{fmt}"
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    # Holders' names: keep the file out of shared caches.
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("certificates/register/", register, name="register"),
    path("certificates/register/export/<str:fmt>/", export, name="register_export"),
]
