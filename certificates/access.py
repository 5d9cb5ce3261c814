"""Who may issue certificates and who may see them.

Certifying officers issue, revoke and re-issue for the organisations they belong to;
programme managers of an organisation see its register; a holder sees their own
certificates; superusers see everything. Every certificate view fetches its certificate
through ``certificate_for`` so the check cannot be forgotten.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from lms.roles import Role, has_role
from training.models import Cohort

from .models import Certificate
from .models.issued import normalise_code


def is_officer(user):
    return user.is_authenticated and (user.is_superuser or has_role(user, Role.CERTIFYING_OFFICER))


def issuing_cohorts(user):
    """Cohorts whose certificates this person may issue."""
    if not user.is_authenticated:
        return Cohort.objects.none()
    if user.is_superuser:
        return Cohort.objects.all()
    if has_role(user, Role.CERTIFYING_OFFICER):
        return Cohort.objects.filter(organisation__members=user)
    return Cohort.objects.none()


def can_issue(user, cohort):
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return (
        has_role(user, Role.CERTIFYING_OFFICER)
        and cohort.organisation.members.filter(pk=user.pk).exists()
    )


def register_certificates(user):
    """Certificates in the register this person may read: their organisations' for
    certifying officers and programme managers, all for superusers, none otherwise."""
    if not user.is_authenticated:
        return Certificate.objects.none()
    if user.is_superuser:
        return Certificate.objects.all()
    if has_role(user, Role.CERTIFYING_OFFICER, Role.PROGRAMME_MANAGER):
        return Certificate.objects.filter(organisation__members=user)
    return Certificate.objects.none()


def visible_certificates(user):
    """Certificates this person may open and download: their own, plus the register's."""
    if not user.is_authenticated:
        return Certificate.objects.none()
    if user.is_superuser:
        return Certificate.objects.all()
    own = Q(holder=user)
    if has_role(user, Role.CERTIFYING_OFFICER, Role.PROGRAMME_MANAGER):
        own |= Q(organisation__members=user)
    return Certificate.objects.filter(own).distinct()


def certificate_for(request, code, *, manage=False):
    """The certificate with this code, or 404; 403 if this person may not open it (or, with
    ``manage``, may not revoke or re-issue it)."""
    normalised = normalise_code(code)
    if normalised is None:
        raise Http404("No certificate has this code.")
    certificate = get_object_or_404(
        Certificate.objects.select_related("holder", "cohort__organisation", "programme"),
        code=normalised,
    )
    if manage:
        allowed = can_issue(request.user, certificate.cohort)
    else:
        allowed = visible_certificates(request.user).filter(pk=certificate.pk).exists()
    if not allowed:
        raise PermissionDenied
    return certificate
